-- Background jobs (transactional outbox) and the emails they deliver.
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    run_at TIMESTAMP NOT NULL,
    locked_at TIMESTAMP,
    locked_by TEXT,
    last_error TEXT,
    dedupe_key TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
-- The worker's claim query: due queued jobs, oldest first.
CREATE INDEX jobs_due_idx ON jobs (status, run_at);
-- A logical job (e.g. "remind engagement 12 that its trial ends") is enqueued once.
CREATE UNIQUE INDEX jobs_dedupe_key ON jobs (dedupe_key);

CREATE TABLE emails (
    id INTEGER PRIMARY KEY NOT NULL,
    message_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    to_address TEXT NOT NULL,
    from_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'dead')),
    transport TEXT,
    job_id INTEGER REFERENCES jobs (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE UNIQUE INDEX emails_message_id_key ON emails (message_id);
CREATE INDEX emails_created_idx ON emails (created_at);
CREATE INDEX emails_to_idx ON emails (to_address);

CREATE TABLE email_attachments (
    id INTEGER PRIMARY KEY NOT NULL,
    email_id INTEGER NOT NULL REFERENCES emails (id) ON DELETE CASCADE,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    content BLOB NOT NULL
);
CREATE INDEX email_attachments_email_idx ON email_attachments (email_id);
