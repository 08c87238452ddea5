//! Black-box tests: each spawns the app on port 0 against a fresh database — a temporary
//! SQLite file, or a fresh PostgreSQL database when `LADDER_TEST_POSTGRES_URL` is set.

mod helpers;
mod smtp_sink;
mod stripe_fixtures;
mod stripe_stub;

mod accounts;
mod billing;
mod billing_guards;
mod billing_properties;
mod billing_stripe;
mod catalog;
mod dashboard;
mod db_faults;
mod faces;
mod form_validation;
mod health;
mod hiring;
mod house;
mod input;
mod interviews;
mod job_faults;
mod jobs;
mod mail;
mod pages;
mod profile;
mod proxies;
mod rate_limits;
mod return_paths;
mod schema;
mod security;
mod seed;
mod sessions;
mod settings;
mod shortlists;
mod signup;
mod snapshots;
mod stripe_client;
mod stripe_webhook;
mod vetting;
