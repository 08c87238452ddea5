use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::schema::installation;

/// This installation's id: made once (the first caller's candidate wins, a racing second
/// one finds it), then read. Stripe idempotency keys carry it.
pub fn id(conn: &mut DbConn, candidate: &str, now: NaiveDateTime) -> QueryResult<String> {
    if let Some(found) = find(conn)? {
        return Ok(found);
    }
    let inserted = diesel::insert_into(installation::table)
        .values((
            installation::id.eq(1),
            installation::installation_id.eq(candidate),
            installation::created_at.eq(now),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(candidate.to_owned()),
        Err(e) if super::is_unique_violation(&e) => {
            find(conn)?.ok_or(diesel::result::Error::NotFound)
        }
        Err(e) => Err(e),
    }
}

fn find(conn: &mut DbConn) -> QueryResult<Option<String>> {
    installation::table
        .find(1)
        .select(installation::installation_id)
        .first(conn)
        .optional()
}
