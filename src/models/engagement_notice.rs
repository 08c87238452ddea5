use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::schema::engagement_notices;

/// Marks `kind` as sent for the engagement; true the first time only. Call it in the
/// transaction that queues the email, so the mark and the email commit together.
pub fn claim(
    conn: &mut DbConn,
    engagement_id: i32,
    kind: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let seen: i64 = engagement_notices::table
        .filter(engagement_notices::engagement_id.eq(engagement_id))
        .filter(engagement_notices::kind.eq(kind))
        .count()
        .get_result(conn)?;
    if seen > 0 {
        return Ok(false);
    }
    diesel::insert_into(engagement_notices::table)
        .values((
            engagement_notices::engagement_id.eq(engagement_id),
            engagement_notices::kind.eq(kind),
            engagement_notices::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(true)
}
