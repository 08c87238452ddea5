ALTER TABLE users DROP COLUMN deleted_at;
DROP TABLE email_tokens;
