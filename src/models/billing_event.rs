use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::EventOutcome;
use crate::schema::billing_events;

#[derive(Debug, Clone, Queryable, Identifiable)]
#[diesel(table_name = billing_events)]
pub struct BillingEventRow {
    pub id: i32,
    pub event_id: String,
    pub event_type: String,
    pub source: String,
    pub engagement_id: Option<i32>,
    pub outcome: EventOutcome,
    pub event_created_at: NaiveDateTime,
    pub received_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = billing_events)]
pub struct NewBillingEvent<'a> {
    pub event_id: &'a str,
    pub event_type: &'a str,
    pub source: &'a str,
    pub engagement_id: Option<i32>,
    pub outcome: &'a EventOutcome,
    pub event_created_at: NaiveDateTime,
    pub received_at: NaiveDateTime,
}

pub fn exists(conn: &mut DbConn, event_id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        billing_events::table.filter(billing_events::event_id.eq(event_id)),
    ))
    .get_result(conn)
}

pub fn insert(conn: &mut DbConn, new: &NewBillingEvent<'_>) -> QueryResult<usize> {
    diesel::insert_into(billing_events::table)
        .values(new)
        .execute(conn)
}

pub fn for_engagement(conn: &mut DbConn, engagement_id: i32) -> QueryResult<Vec<BillingEventRow>> {
    billing_events::table
        .filter(billing_events::engagement_id.eq(engagement_id))
        .order(billing_events::id.desc())
        .load(conn)
}
