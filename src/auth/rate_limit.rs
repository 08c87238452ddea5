//! Rate limits for the endpoints attackers like: sign-in, sign-up, password reset,
//! verification resend. Counted in the database (`rate_limits`: key, window start, hits)
//! so every `ladder serve` process shares one budget. Hits are counted in fixed windows
//! and read as a sliding window: the previous window's count, weighted by how much of it
//! still overlaps the last `window`, plus the current one's (so a burst at the end of one
//! window still counts at the start of the next).
//!
//! With `LADDER_REDIS_URL` set the counters live in Redis instead ([`Store`]); a Redis
//! error falls back to the database for that call.
//!
//! Sign-in counts failures only, and a browser holding a device cookie from a past
//! successful sign-in (see `device`) is limited on its own key instead of the account's,
//! so strangers guessing a password slow each other down but never lock the owner out.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDateTime};
use diesel::result::Error as DieselError;

use super::redis_store::RedisStore;
use crate::db::{DbConn, write_transaction};
use crate::models::rate_limit;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub name: &'static str,
    pub max: i32,
    pub window: Duration,
}

const fn limit(name: &'static str, max: i32, minutes: u64) -> Limit {
    Limit {
        name,
        max,
        window: Duration::from_secs(minutes * 60),
    }
}

/// Failed sign-ins from one address (untrusted browsers only).
pub const SIGN_IN_PER_IP: Limit = limit("sign-in/ip", 20, 10);
/// Failed sign-ins for one account from untrusted browsers.
pub const SIGN_IN_PER_ACCOUNT: Limit = limit("sign-in/account", 10, 10);
/// Failed sign-ins from one trusted browser (its device cookie's nonce).
pub const SIGN_IN_PER_DEVICE: Limit = limit("sign-in/device", 10, 10);
/// Wrong current passwords (password change, account deletion) per account.
pub const PASSWORD_CHECK_PER_ACCOUNT: Limit = limit("password-check/account", 10, 10);
pub const SIGN_UP_PER_IP: Limit = limit("sign-up/ip", 10, 60);
/// "Someone tried to sign up with your address" mails per address.
pub const SIGN_UP_WARNING_PER_ACCOUNT: Limit = limit("sign-up-warning/account", 3, 60);
pub const RESET_PER_IP: Limit = limit("reset/ip", 10, 60);
pub const RESET_PER_ACCOUNT: Limit = limit("reset/account", 3, 60);
pub const RESEND_PER_IP: Limit = limit("resend/ip", 10, 60);
pub const RESEND_PER_ACCOUNT: Limit = limit("resend/account", 3, 60);

/// Windows older than this are deleted now and then (longer than every limit's window).
const KEEP_WINDOWS_FOR: chrono::Duration = chrono::Duration::hours(2);

/// Over the limit: wait this long before trying again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait(pub Duration);

fn storage_key(limit: Limit, key: &str) -> String {
    format!("{}:{}", limit.name, key.trim().to_lowercase())
}

/// The start of the window holding `now`, and how long until it ends.
fn window(limit: Limit, now: NaiveDateTime) -> (NaiveDateTime, Duration) {
    let length = limit.window.as_secs().max(1) as i64;
    let seconds = now.and_utc().timestamp();
    let start = seconds - seconds.rem_euclid(length);
    let start_at = DateTime::from_timestamp(start, 0)
        .expect("window starts are valid timestamps")
        .naive_utc();
    let left = (start + length - seconds).max(1) as u64;
    (start_at, Duration::from_secs(left))
}

/// Whether `key` still has room under `limit`; records nothing.
pub fn check(
    conn: &mut DbConn,
    limit: Limit,
    key: &str,
    now: NaiveDateTime,
) -> Result<Result<(), Wait>, DieselError> {
    let (previous, current, left) = counts(conn, limit, key, now)?;
    Ok(room(limit, previous, current, left))
}

/// The previous and current windows' hits, and how long the current one has left.
fn counts(
    conn: &mut DbConn,
    limit: Limit,
    key: &str,
    now: NaiveDateTime,
) -> Result<(i32, i32, Duration), DieselError> {
    let (start, left) = window(limit, now);
    let key = storage_key(limit, key);
    let current = rate_limit::hits(conn, &key, start)?;
    let length = chrono::Duration::seconds(limit.window.as_secs().max(1) as i64);
    let previous = rate_limit::hits(conn, &key, start - length)?;
    Ok((previous, current, left))
}

/// The sliding-window verdict: `previous` hits weigh by the share of their window still
/// inside the last `limit.window` (`left` of the current window is still to come).
fn room(limit: Limit, previous: i32, current: i32, left: Duration) -> Result<(), Wait> {
    let length = limit.window.as_secs_f64().max(1.0);
    let left = left.as_secs_f64().min(length);
    let weighted = |left: f64| (f64::from(previous) * left / length).ceil() as i32;
    if weighted(left) + current < limit.max {
        return Ok(());
    }
    if current >= limit.max || previous == 0 {
        return Err(Wait(Duration::from_secs_f64(left.max(1.0).ceil())));
    }
    // Room comes back once enough of the previous window has slid out.
    let allowed = f64::from(limit.max - current - 1);
    let until = length * allowed / f64::from(previous);
    Err(Wait(Duration::from_secs_f64(
        (left - until).max(1.0).ceil(),
    )))
}

/// Counts one hit on `key` in its own transaction (call it outside any other); returns the
/// window's hits so far. Atomic across processes:
/// increment the window's row, or insert it; if another process inserted it meanwhile
/// (a unique violation), the row is found now and the increment is retried.
pub fn record(
    conn: &mut DbConn,
    limit: Limit,
    key: &str,
    now: NaiveDateTime,
) -> Result<i32, DieselError> {
    let (start, _) = window(limit, now);
    let key = storage_key(limit, key);
    let mut attempts = 0;
    loop {
        attempts += 1;
        let outcome = write_transaction(conn, |conn| {
            if rate_limit::increment(conn, &key, start)? == 0 {
                rate_limit::insert_first(conn, &key, start)?;
                // A new window: a good moment to forget old ones (cheap, indexed).
                rate_limit::delete_older_than(conn, now - KEEP_WINDOWS_FOR)?;
            }
            rate_limit::hits(conn, &key, start)
        });
        match outcome {
            Err(e) if crate::models::is_unique_violation(&e) && attempts < 3 => {}
            other => return other,
        }
    }
}

/// Where the counters live: the database (the default), or Redis.
#[derive(Clone)]
pub enum Store {
    Database,
    Redis(Arc<RedisStore>),
}

fn window_seconds(limit: Limit) -> i64 {
    limit.window.as_secs().max(1) as i64
}

impl Store {
    /// [`check`] on this store.
    pub fn check(
        &self,
        conn: &mut DbConn,
        limit: Limit,
        key: &str,
        now: NaiveDateTime,
    ) -> Result<Result<(), Wait>, DieselError> {
        if let Store::Redis(redis) = self {
            let (start, left) = window(limit, now);
            let counted = redis.counts(
                &storage_key(limit, key),
                start.and_utc().timestamp(),
                window_seconds(limit),
            );
            match counted {
                Ok((previous, current)) => return Ok(room(limit, previous, current, left)),
                Err(e) => {
                    tracing::warn!(error = %e, "Redis unavailable; rate limits read from the database")
                }
            }
        }
        check(conn, limit, key, now)
    }

    /// [`record`] on this store.
    pub fn record(
        &self,
        conn: &mut DbConn,
        limit: Limit,
        key: &str,
        now: NaiveDateTime,
    ) -> Result<i32, DieselError> {
        if let Store::Redis(redis) = self {
            let (start, _) = window(limit, now);
            let counted = redis.increment(
                &storage_key(limit, key),
                start.and_utc().timestamp(),
                window_seconds(limit),
            );
            match counted {
                Ok(hits) => return Ok(hits),
                Err(e) => {
                    tracing::warn!(error = %e, "Redis unavailable; rate limits counted in the database")
                }
            }
        }
        record(conn, limit, key, now)
    }

    /// Counts a hit first, then judges it by the hits counted before it: the count is
    /// atomic, so concurrent requests each see a different number and no burst of parallel
    /// requests gets past the limit together (a check before counting would let them).
    /// A refused hit is taken back, as if never made.
    pub fn hit(
        &self,
        conn: &mut DbConn,
        limit: Limit,
        key: &str,
        now: NaiveDateTime,
    ) -> Result<Result<(), Wait>, DieselError> {
        let counted = self.record(conn, limit, key, now)?;
        let previous = self.previous_hits(conn, limit, key, now)?;
        let (_, left) = window(limit, now);
        let verdict = room(limit, previous, counted - 1, left);
        if verdict.is_err() {
            self.refund(conn, limit, key, now)?;
        }
        Ok(verdict)
    }

    /// Takes back a hit [`Store::hit`] counted at `at` (a sign-in that succeeded: only
    /// failures count).
    pub fn refund(
        &self,
        conn: &mut DbConn,
        limit: Limit,
        key: &str,
        at: NaiveDateTime,
    ) -> Result<(), DieselError> {
        let (start, _) = window(limit, at);
        if let Store::Redis(redis) = self {
            match redis.decrement(&storage_key(limit, key), start.and_utc().timestamp()) {
                Ok(()) => return Ok(()),
                Err(e) => {
                    tracing::warn!(error = %e, "Redis unavailable; rate limit refunded in the database")
                }
            }
        }
        rate_limit::decrement(conn, &storage_key(limit, key), start)?;
        Ok(())
    }

    fn previous_hits(
        &self,
        conn: &mut DbConn,
        limit: Limit,
        key: &str,
        now: NaiveDateTime,
    ) -> Result<i32, DieselError> {
        if let Store::Redis(redis) = self {
            let (start, _) = window(limit, now);
            match redis.counts(
                &storage_key(limit, key),
                start.and_utc().timestamp(),
                window_seconds(limit),
            ) {
                Ok((previous, _)) => return Ok(previous),
                Err(e) => {
                    tracing::warn!(error = %e, "Redis unavailable; rate limits read from the database")
                }
            }
        }
        Ok(counts(conn, limit, key, now)?.0)
    }
}

/// Counts, then judges the hit by the ones before it (see [`Store::hit`]).
pub fn hit(
    conn: &mut DbConn,
    limit: Limit,
    key: &str,
    now: NaiveDateTime,
) -> Result<Result<(), Wait>, DieselError> {
    Store::Database.hit(conn, limit, key, now)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn windows_are_aligned_and_say_how_long_is_left() {
        let l = limit("test", 3, 10);
        let (start, left) = window(l, at("2026-12-02 10:13:20"));
        assert_eq!(start, at("2026-12-02 10:10:00"));
        assert_eq!(left, Duration::from_secs(400));
        let (start, left) = window(l, at("2026-12-02 10:20:00"));
        assert_eq!(start, at("2026-12-02 10:20:00"));
        assert_eq!(left, Duration::from_secs(600));
    }

    #[test]
    fn the_previous_window_still_counts_while_it_slides_out() {
        let l = limit("test", 10, 10);
        let secs = Duration::from_secs;
        assert_eq!(room(l, 0, 9, secs(300)), Ok(()));
        assert_eq!(room(l, 0, 10, secs(300)), Err(Wait(secs(300))));
        // A burst of 10 just before the boundary still blocks just after it…
        assert_eq!(room(l, 10, 0, secs(599)), Err(Wait(secs(59))));
        // …and half-way through the new window half of it is left.
        assert_eq!(room(l, 10, 4, secs(300)), Ok(()));
        assert_eq!(room(l, 10, 5, secs(300)), Err(Wait(secs(60))));
        assert_eq!(room(l, 19, 0, secs(600)), Err(Wait(secs(316))));
        assert_eq!(room(l, 3, 0, secs(600)), Ok(()));
    }

    #[test]
    fn keys_are_per_limit_and_case_insensitive() {
        assert_eq!(
            storage_key(SIGN_IN_PER_ACCOUNT, " Jo@Acme.example"),
            "sign-in/account:jo@acme.example"
        );
        assert_ne!(
            storage_key(SIGN_IN_PER_IP, "1.2.3.4"),
            storage_key(SIGN_UP_PER_IP, "1.2.3.4")
        );
    }
}
