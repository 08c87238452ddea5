//! Passwords, session cookies, rate limits, device cookies, and the signed-in user's
//! identity. The web side (role extractors, CSRF, caching rules) is in `handlers`.

pub mod current_user;
pub mod device;
pub mod password;
pub mod rate_limit;
pub mod redis_store;
pub mod session;
