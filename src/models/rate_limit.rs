//! Fixed-window counters (`rate_limits`), one row per key and window.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::schema::rate_limits;

/// Hits recorded for `key` in the window starting at `window_start` (0 when none).
pub fn hits(conn: &mut DbConn, key: &str, window_start: NaiveDateTime) -> QueryResult<i32> {
    Ok(rate_limits::table
        .find((key, window_start))
        .select(rate_limits::hits)
        .first::<i32>(conn)
        .optional()?
        .unwrap_or(0))
}

/// Adds one hit to an existing row; 0 when the window has no row yet.
pub fn increment(conn: &mut DbConn, key: &str, window_start: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(rate_limits::table.find((key, window_start)))
        .set(rate_limits::hits.eq(rate_limits::hits + 1))
        .execute(conn)
}

/// Takes one hit back (never below zero).
pub fn decrement(conn: &mut DbConn, key: &str, window_start: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        rate_limits::table
            .find((key, window_start))
            .filter(rate_limits::hits.gt(0)),
    )
    .set(rate_limits::hits.eq(rate_limits::hits - 1))
    .execute(conn)
}

/// The window's first hit. A unique violation means another process inserted it first.
pub fn insert_first(
    conn: &mut DbConn,
    key: &str,
    window_start: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(rate_limits::table)
        .values((
            rate_limits::key.eq(key),
            rate_limits::window_start.eq(window_start),
            rate_limits::hits.eq(1),
        ))
        .execute(conn)
}

/// Forgets windows that started before `before`.
pub fn delete_older_than(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(rate_limits::table.filter(rate_limits::window_start.lt(before))).execute(conn)
}
