use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::SubscriptionStatus;
use crate::schema::sandbox_subscriptions;

#[derive(Debug, Clone, Queryable, Identifiable, AsChangeset)]
#[diesel(table_name = sandbox_subscriptions, treat_none_as_null = true)]
pub struct SandboxSubscriptionRow {
    pub id: i32,
    pub subscription_id: String,
    pub engagement_id: i32,
    pub customer_id: String,
    pub status: SubscriptionStatus,
    pub card_last4: String,
    pub trial_end: NaiveDateTime,
    pub current_period_start: NaiveDateTime,
    pub current_period_end: NaiveDateTime,
    pub cancel_at_period_end: bool,
    pub fail_next_payment: bool,
    pub canceled_at: Option<NaiveDateTime>,
    pub ended_at: Option<NaiveDateTime>,
    pub invoice_count: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = sandbox_subscriptions)]
pub struct NewSandboxSubscription {
    pub subscription_id: String,
    pub engagement_id: i32,
    pub customer_id: String,
    pub status: SubscriptionStatus,
    pub card_last4: String,
    pub trial_end: NaiveDateTime,
    pub current_period_start: NaiveDateTime,
    pub current_period_end: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert(
    conn: &mut DbConn,
    new: &NewSandboxSubscription,
) -> QueryResult<SandboxSubscriptionRow> {
    diesel::insert_into(sandbox_subscriptions::table)
        .values(new)
        .returning(sandbox_subscriptions::all_columns)
        .get_result(conn)
}

pub fn for_engagement(
    conn: &mut DbConn,
    engagement_id: i32,
) -> QueryResult<Option<SandboxSubscriptionRow>> {
    sandbox_subscriptions::table
        .filter(sandbox_subscriptions::engagement_id.eq(engagement_id))
        .first(conn)
        .optional()
}

pub fn save(conn: &mut DbConn, row: &SandboxSubscriptionRow) -> QueryResult<usize> {
    diesel::update(sandbox_subscriptions::table.find(row.id))
        .set(row)
        .execute(conn)
}

/// Subscriptions the daily sweep may move: not yet cancelled.
pub fn live(conn: &mut DbConn) -> QueryResult<Vec<SandboxSubscriptionRow>> {
    sandbox_subscriptions::table
        .filter(sandbox_subscriptions::status.ne(SubscriptionStatus::Canceled))
        .load(conn)
}
