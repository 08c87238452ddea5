use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::{Commitment, EngagementStatus, Level};
use crate::schema::{companies, developers, engagements};

#[derive(Debug, Clone, Queryable, Identifiable)]
#[diesel(table_name = engagements)]
pub struct EngagementRow {
    pub id: i32,
    pub company_id: i32,
    pub developer_id: i32,
    pub booked_by: Option<i32>,
    pub level: Level,
    pub commitment: Commitment,
    pub price_cents: i64,
    pub currency: String,
    pub hours_per_month: i32,
    pub stripe_lookup_key: String,
    pub starts_on: NaiveDate,
    pub three_month_commitment: bool,
    pub status: EngagementStatus,
    pub idempotency_key: String,
    pub checkout_session_id: Option<String>,
    pub checkout_url: Option<String>,
    pub stripe_subscription_id: Option<String>,
    pub trial_ends_at: Option<NaiveDateTime>,
    pub current_period_end: Option<NaiveDateTime>,
    pub cancel_at_period_end: bool,
    pub state_version: i64,
    pub first_paid_at: Option<NaiveDateTime>,
    pub cancel_requested_at: Option<NaiveDateTime>,
    pub canceled_at: Option<NaiveDateTime>,
    pub ended_at: Option<NaiveDateTime>,
    pub end_reason: Option<String>,
    pub replaces_id: Option<i32>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub checkout_expires_at: Option<NaiveDateTime>,
    pub checkout_attempt: i32,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = engagements)]
pub struct NewEngagement {
    pub company_id: i32,
    pub developer_id: i32,
    pub booked_by: Option<i32>,
    pub level: Level,
    pub commitment: Commitment,
    pub price_cents: i64,
    pub currency: String,
    pub hours_per_month: i32,
    pub stripe_lookup_key: String,
    pub starts_on: NaiveDate,
    pub three_month_commitment: bool,
    pub status: EngagementStatus,
    pub idempotency_key: String,
    pub replaces_id: Option<i32>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The subscription-derived fields, written together when a newer state applies.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = engagements, treat_none_as_null = true)]
pub struct StateChange {
    pub status: EngagementStatus,
    pub state_version: i64,
    pub trial_ends_at: Option<NaiveDateTime>,
    pub current_period_end: Option<NaiveDateTime>,
    pub cancel_at_period_end: bool,
    pub canceled_at: Option<NaiveDateTime>,
    pub ended_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, new: &NewEngagement) -> QueryResult<EngagementRow> {
    diesel::insert_into(engagements::table)
        .values(new)
        .returning(engagements::all_columns)
        .get_result(conn)
}

pub fn find(conn: &mut DbConn, id: i32) -> QueryResult<EngagementRow> {
    engagements::table.find(id).first(conn)
}

/// One company's engagement; another company's is `NotFound`.
pub fn find_for_company(conn: &mut DbConn, company_id: i32, id: i32) -> QueryResult<EngagementRow> {
    engagements::table
        .find(id)
        .filter(engagements::company_id.eq(company_id))
        .first(conn)
}

pub fn find_for_developer(
    conn: &mut DbConn,
    developer_id: i32,
    id: i32,
) -> QueryResult<EngagementRow> {
    engagements::table
        .find(id)
        .filter(engagements::developer_id.eq(developer_id))
        .first(conn)
}

pub fn find_by_idempotency_key(
    conn: &mut DbConn,
    company_id: i32,
    key: &str,
) -> QueryResult<Option<EngagementRow>> {
    engagements::table
        .filter(engagements::company_id.eq(company_id))
        .filter(engagements::idempotency_key.eq(key))
        .first(conn)
        .optional()
}

pub fn find_by_checkout_session(
    conn: &mut DbConn,
    session_id: &str,
) -> QueryResult<Option<EngagementRow>> {
    engagements::table
        .filter(engagements::checkout_session_id.eq(session_id))
        .first(conn)
        .optional()
}

pub fn find_by_subscription(
    conn: &mut DbConn,
    subscription_id: &str,
) -> QueryResult<Option<EngagementRow>> {
    engagements::table
        .filter(engagements::stripe_subscription_id.eq(subscription_id))
        .first(conn)
        .optional()
}

pub fn for_company(conn: &mut DbConn, company_id: i32) -> QueryResult<Vec<EngagementRow>> {
    engagements::table
        .filter(engagements::company_id.eq(company_id))
        .order(engagements::id.desc())
        .load(conn)
}

/// The names a list row shows, loaded with the row.
#[derive(Debug, Clone)]
pub struct Names {
    pub company: String,
    pub first_name: String,
    pub last_name: String,
    pub slug: String,
    pub avatar: Option<String>,
}

type NamedRow = (
    EngagementRow,
    (String, String, String, String, Option<String>),
);

fn named(rows: Vec<NamedRow>) -> Vec<(EngagementRow, Names)> {
    rows.into_iter()
        .map(|(row, (company, first_name, last_name, slug, avatar))| {
            (
                row,
                Names {
                    company,
                    first_name,
                    last_name,
                    slug,
                    avatar,
                },
            )
        })
        .collect()
}

/// A company's engagements, newest first, with the names the list shows: one query.
pub fn for_company_with_names(
    conn: &mut DbConn,
    company_id: i32,
) -> QueryResult<Vec<(EngagementRow, Names)>> {
    engagements::table
        .inner_join(companies::table)
        .inner_join(developers::table)
        .filter(engagements::company_id.eq(company_id))
        .order(engagements::id.desc())
        .select((
            engagements::all_columns,
            (
                companies::name,
                developers::first_name,
                developers::last_name,
                developers::slug,
                developers::avatar_path,
            ),
        ))
        .load::<NamedRow>(conn)
        .map(named)
}

/// A developer's engagements, newest first, with the names the list shows: one query.
pub fn for_developer_with_names(
    conn: &mut DbConn,
    developer_id: i32,
) -> QueryResult<Vec<(EngagementRow, Names)>> {
    engagements::table
        .inner_join(companies::table)
        .inner_join(developers::table)
        .filter(engagements::developer_id.eq(developer_id))
        .order(engagements::id.desc())
        .select((
            engagements::all_columns,
            (
                companies::name,
                developers::first_name,
                developers::last_name,
                developers::slug,
                developers::avatar_path,
            ),
        ))
        .load::<NamedRow>(conn)
        .map(named)
}

pub fn for_developer(conn: &mut DbConn, developer_id: i32) -> QueryResult<Vec<EngagementRow>> {
    engagements::table
        .filter(engagements::developer_id.eq(developer_id))
        .order(engagements::id.desc())
        .load(conn)
}

/// The statuses a predicate of [`EngagementStatus`] holds for, as a filter's list.
fn statuses(holds: fn(EngagementStatus) -> bool) -> Vec<EngagementStatus> {
    EngagementStatus::ALL
        .into_iter()
        .filter(|s| holds(*s))
        .collect()
}

/// Engagements that hold the developer (booked, trialing, active, past due, ending).
pub fn holding_developer(conn: &mut DbConn, developer_id: i32) -> QueryResult<Vec<EngagementRow>> {
    engagements::table
        .filter(engagements::developer_id.eq(developer_id))
        .filter(engagements::status.eq_any(statuses(EngagementStatus::holds_developer)))
        .load(conn)
}

/// Newest first, with the company's name and the developer's first and last name.
pub fn list_all(
    conn: &mut DbConn,
    status: Option<EngagementStatus>,
    limit: i64,
) -> QueryResult<Vec<(EngagementRow, String, String, String)>> {
    let mut query = engagements::table
        .inner_join(companies::table)
        .inner_join(developers::table)
        .select((
            engagements::all_columns,
            companies::name,
            developers::first_name,
            developers::last_name,
        ))
        .order(engagements::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(status) = status {
        query = query.filter(engagements::status.eq(status));
    }
    query.load(conn)
}

pub fn count_by_status(conn: &mut DbConn, status: EngagementStatus) -> QueryResult<i64> {
    engagements::table
        .filter(engagements::status.eq(status))
        .count()
        .get_result(conn)
}

/// Monthly recurring revenue in cents: the price of every paying engagement.
pub fn monthly_recurring_cents(conn: &mut DbConn) -> QueryResult<i64> {
    let prices: Vec<i64> = engagements::table
        .filter(engagements::status.eq_any([
            EngagementStatus::Active,
            EngagementStatus::PastDue,
            EngagementStatus::Ending,
        ]))
        .select(engagements::price_cents)
        .load(conn)?;
    Ok(prices.into_iter().sum())
}

/// (trials that converted to paid, trials that finished either way).
pub fn trial_outcomes(conn: &mut DbConn) -> QueryResult<(i64, i64)> {
    let paid = engagements::table
        .filter(engagements::first_paid_at.is_not_null())
        .count()
        .get_result(conn)?;
    let canceled_in_trial: i64 = engagements::table
        .filter(engagements::status.eq(EngagementStatus::Canceled))
        .filter(engagements::trial_ends_at.is_not_null())
        .filter(engagements::first_paid_at.is_null())
        .count()
        .get_result(conn)?;
    Ok((paid, paid + canceled_in_trial))
}

/// Trials whose end is before `before` (the dashboard's "ending soon").
pub fn trials_ending_before(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<i64> {
    engagements::table
        .filter(engagements::status.eq(EngagementStatus::Trialing))
        .filter(engagements::trial_ends_at.le(before))
        .count()
        .get_result(conn)
}

pub fn apply_state(conn: &mut DbConn, id: i32, change: &StateChange) -> QueryResult<usize> {
    diesel::update(engagements::table.find(id))
        .set(change)
        .execute(conn)
}

/// Stores the checkout session unless one is already stored (two racing requests agree).
pub fn set_checkout(
    conn: &mut DbConn,
    id: i32,
    session_id: &str,
    url: &str,
    expires_at: NaiveDateTime,
) -> QueryResult<EngagementRow> {
    diesel::update(
        engagements::table
            .find(id)
            .filter(engagements::checkout_session_id.is_null()),
    )
    .set((
        engagements::checkout_session_id.eq(session_id),
        engagements::checkout_url.eq(url),
        engagements::checkout_expires_at.eq(Some(expires_at)),
        engagements::updated_at.eq(crate::models::now()),
    ))
    .execute(conn)?;
    find(conn, id)
}

/// Forgets an expired checkout session (only if it is still the stored one), so the next
/// "Continue to checkout" makes a fresh one under a fresh idempotency key.
pub fn clear_checkout(conn: &mut DbConn, id: i32, session_id: &str) -> QueryResult<usize> {
    diesel::update(
        engagements::table
            .find(id)
            .filter(engagements::checkout_session_id.eq(session_id)),
    )
    .set((
        engagements::checkout_session_id.eq(None::<String>),
        engagements::checkout_url.eq(None::<String>),
        engagements::checkout_expires_at.eq(None::<NaiveDateTime>),
        engagements::checkout_attempt.eq(engagements::checkout_attempt + 1),
        engagements::updated_at.eq(crate::models::now()),
    ))
    .execute(conn)
}

/// Takes the developer's row lock for the rest of the transaction, so every change to one
/// developer's engagements (checkouts completing, subscriptions arriving) runs one at a
/// time and sees the others' results. On SQLite the write transaction (`BEGIN IMMEDIATE`)
/// already holds the database's single write lock.
pub fn lock_developer(conn: &mut DbConn, developer_id: i32) -> QueryResult<()> {
    if let DbConn::Pg(pg) = conn {
        diesel::sql_query("SELECT id FROM developers WHERE id = $1 FOR UPDATE")
            .bind::<diesel::sql_types::Integer, _>(developer_id)
            .execute(pg)?;
    }
    Ok(())
}

/// The developer's live engagements (trialing, active, past due, ending) other than `except`.
pub fn live_for_developer(
    conn: &mut DbConn,
    developer_id: i32,
    except: i32,
) -> QueryResult<Vec<EngagementRow>> {
    engagements::table
        .filter(engagements::developer_id.eq(developer_id))
        .filter(engagements::id.ne(except))
        .filter(engagements::status.eq_any(statuses(EngagementStatus::is_engaged)))
        .load(conn)
}

/// The subscription says it is no longer cancelling (renewed in the portal): a new cancel
/// request must go through again.
pub fn clear_cancel_request(conn: &mut DbConn, id: i32, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        engagements::table
            .find(id)
            .filter(engagements::cancel_requested_at.is_not_null()),
    )
    .set((
        engagements::cancel_requested_at.eq(None::<NaiveDateTime>),
        engagements::end_reason.eq(None::<String>),
        engagements::updated_at.eq(at),
    ))
    .execute(conn)
}

/// Why the engagement ended, written once.
pub fn set_end_reason(conn: &mut DbConn, id: i32, reason: &str) -> QueryResult<usize> {
    diesel::update(
        engagements::table
            .find(id)
            .filter(engagements::end_reason.is_null()),
    )
    .set(engagements::end_reason.eq(reason))
    .execute(conn)
}

pub fn set_subscription(conn: &mut DbConn, id: i32, subscription_id: &str) -> QueryResult<usize> {
    diesel::update(
        engagements::table
            .find(id)
            .filter(engagements::stripe_subscription_id.is_null()),
    )
    .set(engagements::stripe_subscription_id.eq(subscription_id))
    .execute(conn)
}

pub fn set_first_paid(conn: &mut DbConn, id: i32, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        engagements::table
            .find(id)
            .filter(engagements::first_paid_at.is_null()),
    )
    .set(engagements::first_paid_at.eq(at))
    .execute(conn)
}

/// Marks that the company asked to cancel; returns 0 if it already had.
pub fn request_cancel(
    conn: &mut DbConn,
    id: i32,
    reason: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        engagements::table
            .find(id)
            .filter(engagements::cancel_requested_at.is_null()),
    )
    .set((
        engagements::cancel_requested_at.eq(at),
        engagements::end_reason.eq(reason),
        engagements::updated_at.eq(at),
    ))
    .execute(conn)
}

/// The engagement that replaces `id`, if one was booked.
pub fn replacement_of(conn: &mut DbConn, id: i32) -> QueryResult<Option<EngagementRow>> {
    engagements::table
        .filter(engagements::replaces_id.eq(id))
        .order(engagements::id.desc())
        .first(conn)
        .optional()
}

pub fn count_all(conn: &mut DbConn) -> QueryResult<i64> {
    engagements::table.count().get_result(conn)
}

pub fn count_for_company_with_status(
    conn: &mut DbConn,
    company_id: i32,
    status: EngagementStatus,
) -> QueryResult<i64> {
    engagements::table
        .filter(engagements::company_id.eq(company_id))
        .filter(engagements::status.eq(status))
        .count()
        .get_result(conn)
}

/// What the admin's monthly figures need of an engagement that reached a trial or a
/// payment.
#[derive(Debug, Clone, Queryable)]
pub struct EngagementHistory {
    pub created_at: NaiveDateTime,
    pub replaces_id: Option<i32>,
    pub status: EngagementStatus,
    pub trial_ends_at: Option<NaiveDateTime>,
    pub first_paid_at: Option<NaiveDateTime>,
    pub ended_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
    pub price_cents: i64,
}

/// Engagements that had a trial or were paid and were still open at `since` (an
/// engagement without `ended_at` may still be over: its status says so).
pub fn history_since(
    conn: &mut DbConn,
    since: NaiveDateTime,
) -> QueryResult<Vec<EngagementHistory>> {
    engagements::table
        .filter(
            engagements::trial_ends_at
                .is_not_null()
                .or(engagements::first_paid_at.is_not_null()),
        )
        .filter(
            engagements::ended_at
                .is_null()
                .or(engagements::ended_at.ge(since)),
        )
        .select((
            engagements::created_at,
            engagements::replaces_id,
            engagements::status,
            engagements::trial_ends_at,
            engagements::first_paid_at,
            engagements::ended_at,
            engagements::updated_at,
            engagements::price_cents,
        ))
        .load(conn)
}
