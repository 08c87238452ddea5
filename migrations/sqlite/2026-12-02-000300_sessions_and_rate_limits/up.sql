-- One row per sign-in. The cookie holds a random id; only its SHA-256 is stored. A session
-- counts while it is not revoked, its session_version equals the user's (a password change,
-- a reset or a disable bumps the user's) and it was seen in the last 14 days.
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY NOT NULL,
    token_hash TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    session_version INTEGER NOT NULL,
    user_agent TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE UNIQUE INDEX sessions_token_hash_key ON sessions (token_hash);
CREATE INDEX sessions_user_idx ON sessions (user_id);
-- Forgetting long-idle sessions.
CREATE INDEX sessions_last_seen_idx ON sessions (last_seen_at);

-- Fixed-window counters shared by every process: failed sign-ins per account, per
-- address, per trusted device; sign-ups, resets and resends.
CREATE TABLE rate_limits (
    key TEXT NOT NULL,
    window_start TIMESTAMP NOT NULL,
    hits INTEGER NOT NULL,
    PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_limits_window_idx ON rate_limits (window_start);
