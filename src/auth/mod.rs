//! Passwords, sessions, CSRF, rate limits, the current user and role extractors.

pub mod csrf;
pub mod current_user;
pub mod password;
pub mod rate_limit;
pub mod session;
