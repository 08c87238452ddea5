-- Billing guards (issue 14).

-- This installation's id, made once: Stripe idempotency keys carry it, so two databases on
-- one Stripe account never replay each other's requests.
CREATE TABLE installation (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    installation_id TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- When the stored Checkout Session expires (Stripe: 24 h), and how many sessions the
-- engagement has had: a fresh session after an expired one needs a fresh idempotency key.
ALTER TABLE engagements ADD COLUMN checkout_expires_at TIMESTAMP;
ALTER TABLE engagements ADD COLUMN checkout_attempt INTEGER NOT NULL DEFAULT 0;

-- Each lifecycle email of an engagement goes out once, whatever order its events arrive in.
CREATE TABLE engagement_notices (
    id INTEGER PRIMARY KEY NOT NULL,
    engagement_id INTEGER NOT NULL REFERENCES engagements (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX engagement_notices_key ON engagement_notices (engagement_id, kind);
