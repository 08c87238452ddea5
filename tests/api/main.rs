//! Black-box tests: each spawns the app on port 0 against a fresh database — a temporary
//! SQLite file, or a fresh PostgreSQL database when `LADDER_TEST_POSTGRES_URL` is set.

mod helpers;
mod smtp_sink;

mod catalog;
mod health;
mod jobs;
mod mail;
mod pages;
mod schema;
mod seed;
mod settings;
