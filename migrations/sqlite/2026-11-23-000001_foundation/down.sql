DROP TABLE plans;
DROP TABLE experiences;
DROP TABLE developer_skills;
DROP TABLE skills;
DROP TABLE developers;
DROP TABLE company_members;
DROP TABLE companies;
DROP TABLE users;
