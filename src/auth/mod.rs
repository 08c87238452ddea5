//! Passwords, sessions, CSRF, the current user and role extractors.

pub mod current_user;
pub mod password;
pub mod session;
