//! What lives in the encrypted session cookie: the user id and session version (issue 4),
//! the CSRF token, and one-time flash messages. No server-side session state.

use actix_session::Session;

use super::password::random_token;
use crate::views::Flash;

const CSRF_KEY: &str = "csrf";
const FLASH_KEY: &str = "flash";

/// The session's CSRF token, created on first use.
pub fn csrf_token(session: &Session) -> String {
    if let Ok(Some(token)) = session.get::<String>(CSRF_KEY) {
        return token;
    }
    let token = random_token(43);
    // A cookie that cannot be written yields a page whose forms fail CSRF: safe.
    let _ = session.insert(CSRF_KEY, &token);
    token
}

/// Whether `presented` equals the session's token, in constant time.
pub fn csrf_matches(session: &Session, presented: &str) -> bool {
    match session.get::<String>(CSRF_KEY) {
        Ok(Some(expected)) if !expected.is_empty() => {
            constant_time_eq(expected.as_bytes(), presented.as_bytes())
        }
        _ => false,
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn push_flash(session: &Session, flash: Flash) {
    let mut all = session
        .get::<Vec<Flash>>(FLASH_KEY)
        .ok()
        .flatten()
        .unwrap_or_default();
    all.push(flash);
    let _ = session.insert(FLASH_KEY, all);
}

pub fn take_flashes(session: &Session) -> Vec<Flash> {
    session
        .remove_as::<Vec<Flash>>(FLASH_KEY)
        .and_then(Result::ok)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::constant_time_eq;

    #[test]
    fn constant_time_comparison() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
    }
}
