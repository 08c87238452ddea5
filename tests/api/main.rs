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
mod health;
mod hiring;
mod interviews;
mod jobs;
mod mail;
mod pages;
mod profile;
mod schema;
mod security;
mod seed;
mod settings;
mod shortlists;
mod stripe_client;
mod stripe_webhook;
mod vetting;
