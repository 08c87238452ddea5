//! What lives in the encrypted session cookie: the user id and session version (issue 4),
//! the CSRF token, and one-time flash messages. No server-side session state.

use actix_session::Session;

use super::password::random_token;
use crate::views::Flash;

const CSRF_KEY: &str = "csrf";
const FLASH_KEY: &str = "flash";
const USER_KEY: &str = "uid";
const VERSION_KEY: &str = "ver";

/// Starts a signed-in session: a fresh cookie (no fixation), the user id, the session
/// version that a password change or a disable bumps to end it, and a new CSRF token.
pub fn sign_in(session: &Session, user_id: i32, session_version: i32) {
    session.renew();
    session.remove(CSRF_KEY);
    let _ = session.insert(USER_KEY, user_id);
    let _ = session.insert(VERSION_KEY, session_version);
}

/// Keeps this session valid after the user changed their own password.
pub fn set_version(session: &Session, session_version: i32) {
    let _ = session.insert(VERSION_KEY, session_version);
}

/// The (user id, session version) the cookie claims, if any.
pub fn claimed_user(session: &Session) -> Option<(i32, i32)> {
    let id = session.get::<i32>(USER_KEY).ok().flatten()?;
    let version = session.get::<i32>(VERSION_KEY).ok().flatten()?;
    Some((id, version))
}

/// Ends the session: the cookie is removed.
pub fn sign_out(session: &Session) {
    session.purge();
}

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
