//! What lives in the encrypted session cookie: the random id of a signed-in session (its
//! `sessions` row holds only a hash; see services::sessions), the CSRF token, and (see
//! `handlers::context`) one-time flash messages.

use actix_session::Session;

use crate::crypto::random_token;

const CSRF_KEY: &str = "csrf";
const SESSION_ID_KEY: &str = "sid";
const AWAITING_KEY: &str = "awaiting";
const RETURN_TO_KEY: &str = "return_to";
/// The session cookie's name.
pub const COOKIE_NAME: &str = "ladder_session";

/// Starts a signed-in session: a fresh cookie (no fixation) holding the session's random
/// id, and a new CSRF token, written now rather than by the first page: pages opened at
/// once after signing in (tabs, htmx requests) then all read the same token instead of
/// each minting one and the last cookie written voiding the others' forms.
pub fn sign_in(session: &Session, session_id: &str) {
    session.renew();
    let _ = session.insert(CSRF_KEY, random_token(43));
    let _ = session.insert(SESSION_ID_KEY, session_id);
}

/// The session id the cookie claims, if any.
pub fn claimed_session(session: &Session) -> Option<String> {
    session
        .get::<String>(SESSION_ID_KEY)
        .ok()
        .flatten()
        .filter(|id| !id.is_empty())
}

/// Ends the session in this browser: the cookie is removed.
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

/// Remembers the address this browser just signed up with (or asked a new link for), for
/// the "Check your email" page.
pub fn set_awaiting_confirmation(session: &Session, email: &str) {
    let _ = session.insert(AWAITING_KEY, email);
}

pub fn awaiting_confirmation(session: &Session) -> Option<String> {
    session
        .get::<String>(AWAITING_KEY)
        .ok()
        .flatten()
        .filter(|e| !e.is_empty())
}

/// A same-site path (already checked by the caller) to open once this browser's new account
/// is confirmed: the profile a visitor was looking at when they signed up.
pub fn set_return_to(session: &Session, path: &str) {
    let _ = session.insert(RETURN_TO_KEY, path);
}

pub fn take_return_to(session: &Session) -> Option<String> {
    session
        .remove_as::<String>(RETURN_TO_KEY)
        .and_then(Result::ok)
        .filter(|p| !p.is_empty())
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
