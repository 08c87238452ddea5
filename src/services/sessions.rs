//! Sign-in sessions kept in the database, so that signing out ends a session for good (a
//! copy of the cookie stops working too) and people can see and end their other sessions.
//!
//! The cookie holds a random id; the `sessions` row holds its SHA-256, the user, the
//! user's session version at sign-in, the browser's user agent, and when it was created,
//! last seen and revoked. A session opens the account while it is not revoked, its
//! version is the user's current one (a password change, a reset or a disable bumps it)
//! and it was seen in the last [`IDLE_DAYS`] days.

use chrono::{Duration, NaiveDateTime};

use crate::auth::current_user::CurrentUser;
use crate::crypto::random_token;
use crate::db::{DbConn, DbError, write_transaction};
use crate::models::{self, session, user};
use crate::services::accounts::{load_session_user, token_hash};

/// A session unused this long has ended (the cookie lives as long).
pub const IDLE_DAYS: i64 = 14;
/// `last_seen_at` is written at most this often per session.
const TOUCH_EVERY_SECONDS: i64 = 60;
/// User agents are kept to this many characters.
const USER_AGENT_MAX: usize = 300;

/// Starts a session for `user_id` on its current session version; returns the random id
/// for the cookie.
pub fn start(conn: &mut DbConn, user_id: i32, user_agent: &str) -> Result<String, DbError> {
    let now = models::now();
    let raw = random_token(43);
    let user_agent: String = user_agent
        .chars()
        .filter(|c| !c.is_control())
        .take(USER_AGENT_MAX)
        .collect();
    write_transaction(conn, |conn| {
        let account = user::find(conn, user_id)?;
        session::insert(
            conn,
            &session::NewSession {
                token_hash: token_hash(&raw),
                user_id,
                session_version: account.session_version,
                user_agent,
                created_at: now,
                last_seen_at: now,
            },
        )?;
        // Sign-ins are rare next to page views: a fine moment to forget long-ended sessions.
        session::delete_last_seen_before(conn, now - Duration::days(IDLE_DAYS * 2))?;
        Ok::<_, DbError>(())
    })?;
    Ok(raw)
}

fn open(row: &session::SessionRow, now: NaiveDateTime) -> bool {
    row.revoked_at.is_none() && row.last_seen_at >= now - Duration::days(IDLE_DAYS)
}

/// The signed-in user of the session whose cookie holds `raw`, if it is still open; notes
/// that it was seen (at most once a minute).
pub fn load(conn: &mut DbConn, raw: &str) -> Result<Option<CurrentUser>, DbError> {
    let now = models::now();
    let Some(row) = session::find_by_hash(conn, &token_hash(raw))? else {
        return Ok(None);
    };
    if !open(&row, now) {
        return Ok(None);
    }
    let Some(mut current) = load_session_user(conn, row.user_id, row.session_version)? else {
        return Ok(None);
    };
    current.session_id = row.id;
    if row.last_seen_at < now - Duration::seconds(TOUCH_EVERY_SECONDS) {
        session::touch(
            conn,
            row.id,
            now,
            now - Duration::seconds(TOUCH_EVERY_SECONDS),
        )?;
    }
    Ok(Some(current))
}

/// Signs out the session whose cookie holds `raw` (logout).
pub fn end(conn: &mut DbConn, raw: &str) -> Result<(), DbError> {
    if let Some(row) = session::find_by_hash(conn, &token_hash(raw))? {
        session::revoke(conn, row.id, row.user_id, models::now())?;
    }
    Ok(())
}

/// The user's open sessions, most recently used first.
pub fn open_sessions(
    conn: &mut DbConn,
    user: &CurrentUser,
) -> Result<Vec<session::SessionRow>, DbError> {
    let since = models::now() - Duration::days(IDLE_DAYS);
    Ok(session::active_for_user(
        conn,
        user.id,
        user.session_version,
        since,
    )?)
}

/// Signs out one of the user's sessions; false when it is not theirs or already ended.
pub fn revoke(conn: &mut DbConn, user_id: i32, session_id: i32) -> Result<bool, DbError> {
    Ok(session::revoke(conn, session_id, user_id, models::now())? > 0)
}

/// Signs out every session of the user except `keep`; returns how many ended.
pub fn revoke_others(conn: &mut DbConn, user_id: i32, keep: Option<i32>) -> Result<usize, DbError> {
    Ok(session::revoke_all_except(
        conn,
        user_id,
        keep,
        models::now(),
    )?)
}

/// A short description of a browser from its user agent, for the account page.
pub fn describe_user_agent(user_agent: &str) -> String {
    let ua = user_agent;
    let browser = if ua.contains("Edg/") {
        "Edge"
    } else if ua.contains("OPR/") || ua.contains("Opera") {
        "Opera"
    } else if ua.contains("Firefox/") {
        "Firefox"
    } else if ua.contains("Chrome/") || ua.contains("Chromium/") {
        "Chrome"
    } else if ua.contains("Safari/") {
        "Safari"
    } else if ua.trim().is_empty() {
        return "Unknown browser".into();
    } else {
        return ua.split_whitespace().next().unwrap_or(ua).to_owned();
    };
    let system = if ua.contains("iPhone") || ua.contains("iPad") {
        "iOS"
    } else if ua.contains("Android") {
        "Android"
    } else if ua.contains("Windows") {
        "Windows"
    } else if ua.contains("Mac OS X") || ua.contains("Macintosh") {
        "macOS"
    } else if ua.contains("Linux") {
        "Linux"
    } else {
        return browser.into();
    };
    format!("{browser} on {system}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agents_read_as_browser_and_system() {
        let cases = [
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                "Chrome on Windows",
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
                "Safari on macOS",
            ),
            (
                "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
                "Firefox on Linux",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
                "Safari on iOS",
            ),
            ("curl/8.5.0", "curl/8.5.0"),
            ("", "Unknown browser"),
        ];
        for (ua, expected) in cases {
            assert_eq!(describe_user_agent(ua), expected, "{ua}");
        }
    }
}
