-- Every admin action and billing change, for the audit log page.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY NOT NULL,
    actor_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    action TEXT NOT NULL,
    subject_type TEXT NOT NULL,
    subject_id INTEGER,
    details TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX audit_log_created_idx ON audit_log (created_at);
CREATE INDEX audit_log_subject_idx ON audit_log (subject_type, subject_id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id);

-- When the availability reminder (day 25) went out for the current confirmation.
ALTER TABLE developers ADD COLUMN availability_reminded_at TIMESTAMP;
