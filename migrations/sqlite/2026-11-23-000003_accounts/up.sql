-- Single-use tokens mailed to users: email verification, password reset, email change.
-- Only a SHA-256 of the token is stored.
CREATE TABLE email_tokens (
    id INTEGER PRIMARY KEY NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('verify_email', 'password_reset', 'email_change')),
    token_hash TEXT NOT NULL,
    new_email TEXT,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX email_tokens_hash_key ON email_tokens (token_hash);
CREATE INDEX email_tokens_user_idx ON email_tokens (user_id, purpose);

ALTER TABLE users ADD COLUMN deleted_at TIMESTAMP;
