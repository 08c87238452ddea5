use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::schema::hour_logs;

#[derive(Debug, Clone, Queryable, Identifiable)]
#[diesel(table_name = hour_logs)]
pub struct HourLogRow {
    pub id: i32,
    pub engagement_id: i32,
    pub week_start: NaiveDate,
    pub minutes: i32,
    pub note: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Logs a week's hours; logging the same week again replaces it.
pub fn upsert(
    conn: &mut DbConn,
    engagement_id: i32,
    week_start: NaiveDate,
    minutes: i32,
    note: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let updated = diesel::update(
        hour_logs::table
            .filter(hour_logs::engagement_id.eq(engagement_id))
            .filter(hour_logs::week_start.eq(week_start)),
    )
    .set((
        hour_logs::minutes.eq(minutes),
        hour_logs::note.eq(note),
        hour_logs::updated_at.eq(now),
    ))
    .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(hour_logs::table)
            .values((
                hour_logs::engagement_id.eq(engagement_id),
                hour_logs::week_start.eq(week_start),
                hour_logs::minutes.eq(minutes),
                hour_logs::note.eq(note),
                hour_logs::created_at.eq(now),
                hour_logs::updated_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn for_engagement(conn: &mut DbConn, engagement_id: i32) -> QueryResult<Vec<HourLogRow>> {
    hour_logs::table
        .filter(hour_logs::engagement_id.eq(engagement_id))
        .order(hour_logs::week_start.desc())
        .load(conn)
}

pub fn for_engagements(conn: &mut DbConn, ids: &[i32]) -> QueryResult<Vec<HourLogRow>> {
    hour_logs::table
        .filter(hour_logs::engagement_id.eq_any(ids))
        .order(hour_logs::week_start.desc())
        .load(conn)
}
