//! Use cases that span tables, mail and billing.

pub mod accounts;
pub mod calendar;
pub mod catalog;
pub mod outbox;
pub mod pricing;
pub mod profiles;
pub mod search_index;
pub mod seed;
