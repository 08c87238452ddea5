-- Foundation schema (SQLite). Keep in step with migrations/postgres: tests/schema_parity checks it.
CREATE TABLE users (
    id INTEGER PRIMARY KEY NOT NULL,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('company', 'developer', 'admin')),
    email_verified_at TIMESTAMP,
    session_version INTEGER NOT NULL DEFAULT 1,
    disabled_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (email);

CREATE TABLE companies (
    id INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    slug TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    website TEXT,
    about TEXT NOT NULL DEFAULT '',
    disabled_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX companies_slug_key ON companies (slug);

CREATE TABLE company_members (
    id INTEGER PRIMARY KEY NOT NULL,
    company_id INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('owner', 'member')),
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX company_members_user_key ON company_members (user_id);
CREATE INDEX company_members_company_idx ON company_members (company_id);

CREATE TABLE developers (
    id INTEGER PRIMARY KEY NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    headline TEXT NOT NULL DEFAULT '',
    bio TEXT NOT NULL DEFAULT '',
    country_code TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    years_experience INTEGER NOT NULL DEFAULT 0,
    commitment TEXT NOT NULL DEFAULT 'both' CHECK (commitment IN ('full_time', 'part_time', 'both')),
    level TEXT CHECK (level IN ('L1', 'L2', 'L3')),
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'in_review', 'approved', 'rejected')),
    vetting_stage TEXT CHECK (vetting_stage IN ('screening', 'technical', 'interview', 'decision')),
    published_at TIMESTAMP,
    paused_reason TEXT,
    available_from DATE,
    availability_confirmed_at TIMESTAMP,
    github_url TEXT,
    linkedin_url TEXT,
    website_url TEXT,
    avatar_path TEXT,
    submitted_at TIMESTAMP,
    decided_at TIMESTAMP,
    rejection_reason TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX developers_slug_key ON developers (slug);
CREATE UNIQUE INDEX developers_user_key ON developers (user_id);
-- The catalog lists approved, published, recently confirmed profiles and filters by level.
CREATE INDEX developers_catalog_idx ON developers (status, level, availability_confirmed_at);
CREATE INDEX developers_available_idx ON developers (available_from);
CREATE INDEX developers_vetting_idx ON developers (status, vetting_stage, submitted_at);

CREATE TABLE skills (
    id INTEGER PRIMARY KEY NOT NULL,
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('language', 'framework', 'database', 'cloud', 'tool'))
);
CREATE UNIQUE INDEX skills_slug_key ON skills (slug);

CREATE TABLE developer_skills (
    developer_id INTEGER NOT NULL REFERENCES developers (id) ON DELETE CASCADE,
    skill_id INTEGER NOT NULL REFERENCES skills (id) ON DELETE CASCADE,
    years INTEGER NOT NULL,
    PRIMARY KEY (developer_id, skill_id)
);
CREATE INDEX developer_skills_skill_idx ON developer_skills (skill_id, developer_id);

CREATE TABLE experiences (
    id INTEGER PRIMARY KEY NOT NULL,
    developer_id INTEGER NOT NULL REFERENCES developers (id) ON DELETE CASCADE,
    company_name TEXT NOT NULL,
    title TEXT NOT NULL,
    started_on DATE NOT NULL,
    ended_on DATE,
    summary TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX experiences_developer_idx ON experiences (developer_id, position);

CREATE TABLE plans (
    id INTEGER PRIMARY KEY NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('L1', 'L2', 'L3')),
    commitment TEXT NOT NULL CHECK (commitment IN ('full_time', 'part_time')),
    hours_per_month INTEGER NOT NULL,
    price_cents BIGINT NOT NULL,
    currency TEXT NOT NULL DEFAULT 'usd',
    stripe_lookup_key TEXT NOT NULL
);
CREATE UNIQUE INDEX plans_level_commitment_key ON plans (level, commitment);

INSERT INTO plans (level, commitment, hours_per_month, price_cents, currency, stripe_lookup_key) VALUES
    ('L1', 'full_time', 160, 130000, 'usd', 'ladder_l1_full_time'),
    ('L1', 'part_time', 80, 80000, 'usd', 'ladder_l1_part_time'),
    ('L2', 'full_time', 160, 220000, 'usd', 'ladder_l2_full_time'),
    ('L2', 'part_time', 80, 130000, 'usd', 'ladder_l2_part_time'),
    ('L3', 'full_time', 160, 360000, 'usd', 'ladder_l3_full_time'),
    ('L3', 'part_time', 80, 200000, 'usd', 'ladder_l3_part_time');
