ALTER TABLE developers DROP COLUMN availability_reminded_at;
DROP TABLE audit_log;
