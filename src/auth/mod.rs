//! Passwords, sessions, CSRF, rate limits, device cookies, the current user and role
//! extractors.

pub mod cache_control;
pub mod csrf;
pub mod current_user;
pub mod device;
pub mod password;
pub mod rate_limit;
pub mod redis_store;
pub mod session;
