//! Use cases that span tables, mail and billing.

pub mod accounts;
pub mod admin;
pub mod calendar;
pub mod figures;
pub mod interviews;
pub mod outbox;
pub mod profiles;
pub mod seed;
pub mod sessions;
pub mod shortlists;
pub mod taken_address;
pub mod team;
pub mod vetting;
