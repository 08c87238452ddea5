-- Shortlists (several per company, one per role) and their entries with private notes.
CREATE TABLE shortlists (
    id INTEGER PRIMARY KEY NOT NULL,
    company_id INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX shortlists_company_idx ON shortlists (company_id);

CREATE TABLE shortlist_entries (
    id INTEGER PRIMARY KEY NOT NULL,
    shortlist_id INTEGER NOT NULL REFERENCES shortlists (id) ON DELETE CASCADE,
    developer_id INTEGER NOT NULL REFERENCES developers (id) ON DELETE CASCADE,
    note TEXT NOT NULL,
    added_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- A double click leaves one entry.
CREATE UNIQUE INDEX shortlist_entries_unique_key ON shortlist_entries (shortlist_id, developer_id);
CREATE INDEX shortlist_entries_developer_idx ON shortlist_entries (developer_id);

-- Teammate invitations: single-use links, only a SHA-256 of the token is stored.
CREATE TABLE company_invitations (
    id INTEGER PRIMARY KEY NOT NULL,
    company_id INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    invited_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    expires_at TIMESTAMP NOT NULL,
    accepted_at TIMESTAMP,
    revoked_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX company_invitations_hash_key ON company_invitations (token_hash);
CREATE INDEX company_invitations_company_idx ON company_invitations (company_id);

-- Interviews: proposed -> scheduled | declined | cancelled; a reschedule goes back to
-- proposed with the calendar sequence bumped. Times are UTC.
CREATE TABLE interviews (
    id INTEGER PRIMARY KEY NOT NULL,
    company_id INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    developer_id INTEGER NOT NULL REFERENCES developers (id) ON DELETE CASCADE,
    organizer_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    uid TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('proposed', 'scheduled', 'declined', 'cancelled')),
    sequence INTEGER NOT NULL,
    duration_minutes INTEGER NOT NULL,
    time_zone TEXT NOT NULL,
    meeting_url TEXT,
    message TEXT NOT NULL,
    starts_at TIMESTAMP,
    decline_reason TEXT,
    cancel_reason TEXT,
    invite_sent_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX interviews_uid_key ON interviews (uid);
CREATE INDEX interviews_company_idx ON interviews (company_id, status);
CREATE INDEX interviews_developer_idx ON interviews (developer_id, status);

-- The slots of the current proposal (replaced on reschedule).
CREATE TABLE interview_slots (
    id INTEGER PRIMARY KEY NOT NULL,
    interview_id INTEGER NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
    starts_at TIMESTAMP NOT NULL
);
CREATE INDEX interview_slots_interview_idx ON interview_slots (interview_id);
