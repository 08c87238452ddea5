use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::{Commitment, Level};
use crate::schema::plans;

#[derive(Debug, Clone, Queryable, Identifiable)]
#[diesel(table_name = plans)]
pub struct PlanRow {
    pub id: i32,
    pub level: Level,
    pub commitment: Commitment,
    pub hours_per_month: i32,
    pub price_cents: i64,
    pub currency: String,
    pub stripe_lookup_key: String,
}

/// All plans, ordered by level then full-time before part-time.
pub fn all(conn: &mut DbConn) -> QueryResult<Vec<PlanRow>> {
    plans::table
        .order((plans::level.asc(), plans::commitment.asc()))
        .load(conn)
}
