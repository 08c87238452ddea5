-- Billing (issue 8): engagements, their invoices, processed billing events, hours, and
-- the embedded sandbox's simulated subscriptions.

-- One Stripe customer per company, created once and stored.
ALTER TABLE companies ADD COLUMN stripe_customer_id TEXT;
CREATE UNIQUE INDEX companies_stripe_customer_key ON companies (stripe_customer_id);

-- pending_checkout -> trialing -> active -> (past_due <-> active) -> ending -> ended,
-- plus canceled (during the trial or before checkout completed). DESIGN §3.
CREATE TABLE engagements (
    id INTEGER PRIMARY KEY NOT NULL,
    company_id INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    developer_id INTEGER NOT NULL REFERENCES developers (id) ON DELETE CASCADE,
    booked_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    -- The price snapshot taken at booking: later plan changes don't touch it.
    level TEXT NOT NULL CHECK (level IN ('L1', 'L2', 'L3')),
    commitment TEXT NOT NULL CHECK (commitment IN ('full_time', 'part_time')),
    price_cents BIGINT NOT NULL,
    currency TEXT NOT NULL,
    hours_per_month INTEGER NOT NULL,
    stripe_lookup_key TEXT NOT NULL,
    starts_on DATE NOT NULL,
    three_month_commitment BOOLEAN NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending_checkout', 'trialing', 'active', 'past_due', 'ending', 'ended', 'canceled')),
    -- A resubmitted booking form carries the same key and finds this row.
    idempotency_key TEXT NOT NULL,
    checkout_session_id TEXT,
    checkout_url TEXT,
    stripe_subscription_id TEXT,
    trial_ends_at TIMESTAMP,
    current_period_end TIMESTAMP,
    cancel_at_period_end BOOLEAN NOT NULL DEFAULT FALSE,
    -- The newest subscription state applied: (event created, state rank); older ones are ignored.
    state_version BIGINT NOT NULL DEFAULT 0,
    first_paid_at TIMESTAMP,
    cancel_requested_at TIMESTAMP,
    canceled_at TIMESTAMP,
    ended_at TIMESTAMP,
    end_reason TEXT,
    replaces_id INTEGER REFERENCES engagements (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX engagements_idempotency_key ON engagements (company_id, idempotency_key);
CREATE UNIQUE INDEX engagements_checkout_session_key ON engagements (checkout_session_id);
CREATE UNIQUE INDEX engagements_subscription_key ON engagements (stripe_subscription_id);
CREATE INDEX engagements_company_idx ON engagements (company_id, status);
CREATE INDEX engagements_developer_idx ON engagements (developer_id, status);
CREATE INDEX engagements_status_idx ON engagements (status, trial_ends_at);

CREATE TABLE invoices (
    id INTEGER PRIMARY KEY NOT NULL,
    engagement_id INTEGER NOT NULL REFERENCES engagements (id) ON DELETE CASCADE,
    company_id INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    stripe_invoice_id TEXT NOT NULL,
    number TEXT,
    status TEXT NOT NULL,
    amount_due_cents BIGINT NOT NULL,
    amount_paid_cents BIGINT NOT NULL,
    currency TEXT NOT NULL,
    period_start TIMESTAMP NOT NULL,
    period_end TIMESTAMP NOT NULL,
    hosted_invoice_url TEXT,
    attempt_count INTEGER NOT NULL,
    payment_failed_at TIMESTAMP,
    paid_at TIMESTAMP,
    stripe_created_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX invoices_stripe_key ON invoices (stripe_invoice_id);
CREATE INDEX invoices_company_idx ON invoices (company_id, stripe_created_at);
CREATE INDEX invoices_engagement_idx ON invoices (engagement_id);

-- Every billing event we acted on, once per event id (webhooks are retried and repeated).
CREATE TABLE billing_events (
    id INTEGER PRIMARY KEY NOT NULL,
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('stripe', 'sandbox')),
    engagement_id INTEGER REFERENCES engagements (id) ON DELETE SET NULL,
    outcome TEXT NOT NULL,
    event_created_at TIMESTAMP NOT NULL,
    received_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX billing_events_event_key ON billing_events (event_id);
CREATE INDEX billing_events_engagement_idx ON billing_events (engagement_id);

-- Hours a developer logs per week of an engagement (one row per week; editing replaces it).
CREATE TABLE hour_logs (
    id INTEGER PRIMARY KEY NOT NULL,
    engagement_id INTEGER NOT NULL REFERENCES engagements (id) ON DELETE CASCADE,
    week_start DATE NOT NULL,
    minutes INTEGER NOT NULL CHECK (minutes >= 0),
    note TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX hour_logs_week_key ON hour_logs (engagement_id, week_start);

-- The embedded sandbox's stand-in for Stripe's subscription objects (no Stripe key).
CREATE TABLE sandbox_subscriptions (
    id INTEGER PRIMARY KEY NOT NULL,
    subscription_id TEXT NOT NULL,
    engagement_id INTEGER NOT NULL REFERENCES engagements (id) ON DELETE CASCADE,
    customer_id TEXT NOT NULL,
    status TEXT NOT NULL,
    card_last4 TEXT NOT NULL,
    trial_end TIMESTAMP NOT NULL,
    current_period_start TIMESTAMP NOT NULL,
    current_period_end TIMESTAMP NOT NULL,
    cancel_at_period_end BOOLEAN NOT NULL DEFAULT FALSE,
    fail_next_payment BOOLEAN NOT NULL DEFAULT FALSE,
    canceled_at TIMESTAMP,
    ended_at TIMESTAMP,
    invoice_count INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX sandbox_subscriptions_key ON sandbox_subscriptions (subscription_id);
CREATE UNIQUE INDEX sandbox_subscriptions_engagement_key ON sandbox_subscriptions (engagement_id);
