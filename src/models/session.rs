//! Sign-in sessions (`sessions`): the cookie holds a random id, the row its SHA-256.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::schema::sessions;

#[derive(Debug, Clone, Queryable, Identifiable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    pub id: i32,
    pub token_hash: String,
    pub user_id: i32,
    pub session_version: i32,
    pub user_agent: String,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = sessions)]
pub struct NewSession {
    pub token_hash: String,
    pub user_id: i32,
    pub session_version: i32,
    pub user_agent: String,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, new: &NewSession) -> QueryResult<SessionRow> {
    diesel::insert_into(sessions::table)
        .values(new)
        .returning(sessions::all_columns)
        .get_result(conn)
}

pub fn find_by_hash(conn: &mut DbConn, token_hash: &str) -> QueryResult<Option<SessionRow>> {
    sessions::table
        .filter(sessions::token_hash.eq(token_hash))
        .first(conn)
        .optional()
}

/// Records activity, at most once per period: only rows last seen before `stale_before`
/// are written, so most requests write nothing.
pub fn touch(
    conn: &mut DbConn,
    id: i32,
    now: NaiveDateTime,
    stale_before: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        sessions::table
            .find(id)
            .filter(sessions::last_seen_at.lt(stale_before)),
    )
    .set(sessions::last_seen_at.eq(now))
    .execute(conn)
}

/// Ends one session of `user_id` (someone else's id changes nothing).
pub fn revoke(conn: &mut DbConn, id: i32, user_id: i32, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        sessions::table
            .find(id)
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(Some(at)))
    .execute(conn)
}

/// Ends every session of `user_id` except `keep`.
pub fn revoke_all_except(
    conn: &mut DbConn,
    user_id: i32,
    keep: Option<i32>,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::id.ne(keep.unwrap_or(0)))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(Some(at)))
    .execute(conn)
}

/// Carries a session over a session-version bump (the user changed their own password).
pub fn set_version(conn: &mut DbConn, id: i32, session_version: i32) -> QueryResult<usize> {
    diesel::update(sessions::table.find(id))
        .set(sessions::session_version.eq(session_version))
        .execute(conn)
}

/// Sessions that still open the account: not revoked, on the user's current session
/// version, seen since `seen_since`. Most recently used first.
pub fn active_for_user(
    conn: &mut DbConn,
    user_id: i32,
    session_version: i32,
    seen_since: NaiveDateTime,
) -> QueryResult<Vec<SessionRow>> {
    sessions::table
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::session_version.eq(session_version))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::last_seen_at.ge(seen_since))
        .order((sessions::last_seen_at.desc(), sessions::id.desc()))
        .load(conn)
}

/// Forgets sessions last seen before `before` (a revoked one is never seen again).
pub fn delete_last_seen_before(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::last_seen_at.lt(before))).execute(conn)
}
