//! Passwords, sessions, CSRF, the current user and role extractors.

pub mod password;
pub mod session;
