DROP TABLE interview_slots;
DROP TABLE interviews;
DROP TABLE company_invitations;
DROP TABLE shortlist_entries;
DROP TABLE shortlists;
