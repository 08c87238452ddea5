//! Trials and monthly billing (issue 8): booking, checkout, the events that move an
//! engagement, cancelling and replacing, hours, and what the pages show.
//!
//! Money-moving requests are idempotent: a booking carries a key from its form, so a
//! double click finds the engagement the first click made; the checkout session is stored
//! once and reused. Calls to Stripe happen outside database transactions (DESIGN §6);
//! what they return is written afterwards with conditional updates. Every engagement
//! transition goes through [`apply_event`], whether the event came from Stripe's webhook,
//! from a Stripe API answer, or from the sandbox.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};

use crate::billing::capacity;
use crate::billing::sandbox::{self, Card};
use crate::billing::state::{self, EngagementStatus, Stored};
use crate::billing::stripe::{CheckoutRequest, StripeError};
use crate::billing::{BillingEvent, EventKind, Gateway, InvoiceSnapshot, SubscriptionSnapshot};
use crate::db::{Db, DbConn, DbError, write_transaction};
use crate::domain::{Commitment, Level, Money};
use crate::jobs::{self, Enqueue, Job};
use crate::mail::Outbox;
use crate::mail::templates::Notice;
use crate::models::engagement::{EngagementRow, NewEngagement, StateChange};
use crate::models::invoice::{InvoiceFields, InvoiceRow};
use crate::models::{
    self, audit, billing_event, company, company_member, developer, engagement, engagement_notice,
    hour_log, installation, invoice, plan, sandbox_subscription, user,
};
use crate::services::catalog;
use crate::services::pricing::TRIAL_DAYS;

/// How far ahead a start date may be: the 14-day trial starts at checkout, so a start
/// much later would spend the trial before any work.
pub const MAX_START_DAYS_AHEAD: i64 = 7;
/// The recommended initial commitment (DESIGN §1: shown and recorded, never forced).
pub const RECOMMENDED_MONTHS: u32 = 3;
/// At most this many hours in one week's log.
pub const MAX_WEEKLY_HOURS: f64 = 80.0;

#[derive(Debug, thiserror::Error)]
pub enum BillingError {
    #[error("not found")]
    NotFound,
    /// The request can't be done in the current state; the message says why.
    #[error("{0}")]
    Refused(String),
    /// Stripe could not be reached: the engagement stays as it was; try again.
    #[error("Stripe is unreachable: {0}")]
    StripeUnavailable(String),
    #[error("Stripe refused the request: {0}")]
    Stripe(String),
    /// Stripe's price differs from the engagement's snapshot: checkout is refused (never a
    /// different charge) and the admins see why in the audit log.
    #[error("{0}")]
    PriceMismatch(String),
    #[error("cannot render an email: {0}")]
    Template(#[from] askama::Error),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for BillingError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => BillingError::NotFound,
            other => BillingError::Db(DbError::Query(other)),
        }
    }
}

impl From<StripeError> for BillingError {
    fn from(e: StripeError) -> Self {
        match e {
            StripeError::Unavailable(m) => BillingError::StripeUnavailable(m),
            StripeError::Api(m) => BillingError::Stripe(m),
            StripeError::PriceMismatch(m) => BillingError::PriceMismatch(m),
        }
    }
}

fn refused(message: impl Into<String>) -> BillingError {
    BillingError::Refused(message.into())
}

/// The database already holds the row this insert wanted to make (DESIGN §6: found, not
/// a failure).
fn is_unique_violation(e: &BillingError) -> bool {
    matches!(
        e,
        BillingError::Db(DbError::Query(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _
        )))
    )
}

pub fn status_of(row: &EngagementRow) -> EngagementStatus {
    row.status
        .parse()
        .unwrap_or(EngagementStatus::PendingCheckout)
}

fn developer_name(d: &developer::DeveloperRow, full: bool) -> String {
    name_of(&d.first_name, &d.last_name, full)
}

/// "Ana Lima", or "Ana L." before the company has an engagement with her (DESIGN §2).
fn name_of(first_name: &str, last_name: &str, full: bool) -> String {
    if full {
        format!("{first_name} {last_name}")
    } else {
        let initial: String = last_name
            .chars()
            .next()
            .map(|c| c.to_uppercase().collect())
            .unwrap_or_default();
        catalog::display_name(first_name, &initial)
    }
}

// ---------------------------------------------------------------------------------------
// Booking

/// One commitment the developer offers, with its price from `plans`.
#[derive(Debug, Clone)]
pub struct CommitmentOption {
    pub commitment: Commitment,
    pub price: Money,
    pub hours_per_month: i32,
}

/// What the booking form shows.
#[derive(Debug, Clone)]
pub struct BookingOptions {
    pub developer: developer::DeveloperRow,
    pub display_name: String,
    pub level: Level,
    pub options: Vec<CommitmentOption>,
    /// Why this developer can't be booked now, if so.
    pub unavailable: Option<String>,
    pub earliest_start: NaiveDate,
    pub latest_start: NaiveDate,
}

fn offered(commitment: &str) -> Vec<Commitment> {
    match commitment {
        "full_time" => vec![Commitment::FullTime],
        "part_time" => vec![Commitment::PartTime],
        _ => vec![Commitment::FullTime, Commitment::PartTime],
    }
}

fn plan_for(
    conn: &mut DbConn,
    level: Level,
    commitment: Commitment,
) -> Result<plan::PlanRow, BillingError> {
    plan::all(conn)?
        .into_iter()
        .find(|p| p.level == level.as_str() && p.commitment == commitment.as_str())
        .ok_or_else(|| refused(format!("There is no {level} {} plan.", commitment.label())))
}

/// Why a developer can't take this booking, if they can't.
fn blocked_reason(
    conn: &mut DbConn,
    d: &developer::DeveloperRow,
    company_id: i32,
    commitment: Option<Commitment>,
    now: NaiveDateTime,
) -> Result<Option<String>, BillingError> {
    if !catalog::is_listed(d, now) {
        return Ok(Some(format!(
            "{} isn't taking new engagements right now.",
            d.first_name
        )));
    }
    let holding = engagement::holding_developer(conn, d.id)?;
    if holding
        .iter()
        .any(|e| e.company_id == company_id && status_of(e).is_engaged())
    {
        return Ok(Some(format!(
            "{} already works with your company: see Engagements.",
            d.first_name
        )));
    }
    let live: Vec<Commitment> = holding
        .iter()
        .filter(|e| status_of(e).is_engaged())
        .map(|e| Commitment::from_str_or_full(&e.commitment))
        .collect();
    // Without a chosen commitment: blocked only if not even part-time fits.
    let reason = capacity::refusal(commitment.unwrap_or(Commitment::PartTime), &live);
    Ok(reason.map(|reason| format!("{} {reason}.", d.first_name)))
}

pub fn booking_options(
    conn: &mut DbConn,
    company_id: i32,
    slug: &str,
    now: NaiveDateTime,
) -> Result<BookingOptions, BillingError> {
    let d = developer::find_by_slug(conn, slug)?.ok_or(BillingError::NotFound)?;
    if !catalog::is_listed(&d, now) {
        return Err(BillingError::NotFound);
    }
    let level: Level = d
        .level
        .as_deref()
        .and_then(|l| l.parse().ok())
        .ok_or(BillingError::NotFound)?;
    let mut options = Vec::new();
    for commitment in offered(&d.commitment) {
        let p = plan_for(conn, level, commitment)?;
        options.push(CommitmentOption {
            commitment,
            price: Money::from_cents(p.price_cents),
            hours_per_month: p.hours_per_month,
        });
    }
    let unavailable = blocked_reason(conn, &d, company_id, None, now)?;
    let today = now.date();
    Ok(BookingOptions {
        display_name: developer_name(&d, false),
        earliest_start: today,
        latest_start: today + Duration::days(MAX_START_DAYS_AHEAD),
        developer: d,
        level,
        options,
        unavailable,
    })
}

#[derive(Debug, Clone)]
pub struct BookingRequest {
    pub developer_slug: String,
    pub commitment: Commitment,
    pub starts_on: NaiveDate,
    pub three_month_commitment: bool,
    /// From the form: the same form submitted twice books once.
    pub idempotency_key: String,
    /// Booking a replacement for this engagement (during its trial).
    pub replaces: Option<i32>,
}

/// Creates the engagement in `pending_checkout` with a price snapshot, or returns the one
/// this form already created.
pub fn book(
    conn: &mut DbConn,
    company_id: i32,
    user_id: i32,
    request: &BookingRequest,
    now: NaiveDateTime,
) -> Result<EngagementRow, BillingError> {
    match book_once(conn, company_id, user_id, request, now) {
        // The same form submitted twice at once (PostgreSQL): the other request inserted
        // the engagement between our look-up and our insert. It is the answer.
        Err(e) if is_unique_violation(&e) => {
            engagement::find_by_idempotency_key(conn, company_id, &request.idempotency_key)?
                .ok_or(e)
        }
        other => other,
    }
}

fn book_once(
    conn: &mut DbConn,
    company_id: i32,
    user_id: i32,
    request: &BookingRequest,
    now: NaiveDateTime,
) -> Result<EngagementRow, BillingError> {
    write_transaction(conn, |conn| {
        if let Some(existing) =
            engagement::find_by_idempotency_key(conn, company_id, &request.idempotency_key)?
        {
            return Ok(existing);
        }
        let d = developer::find_by_slug(conn, &request.developer_slug)?
            .ok_or(BillingError::NotFound)?;
        let level: Level = d
            .level
            .as_deref()
            .and_then(|l| l.parse().ok())
            .ok_or(BillingError::NotFound)?;
        if !offered(&d.commitment).contains(&request.commitment) {
            return Err(refused(format!(
                "{} works {} only.",
                d.first_name,
                offered(&d.commitment)[0].label().to_lowercase()
            )));
        }
        let today = now.date();
        if request.starts_on < today
            || request.starts_on > today + Duration::days(MAX_START_DAYS_AHEAD)
        {
            return Err(refused(format!(
                "Choose a start date between today and {}.",
                (today + Duration::days(MAX_START_DAYS_AHEAD)).format("%-d %B")
            )));
        }
        if let Some(replaced_id) = request.replaces {
            let replaced = engagement::find_for_company(conn, company_id, replaced_id)?;
            if status_of(&replaced) != EngagementStatus::Trialing {
                return Err(refused(
                    "Only an engagement in its free trial can be replaced.",
                ));
            }
            if replaced.level != level.as_str() {
                return Err(refused(format!(
                    "A replacement must be an {} developer, like the one it replaces.",
                    replaced.level
                )));
            }
            if replaced.developer_id == d.id {
                return Err(refused("Choose a different developer to replace them."));
            }
        }
        if let Some(reason) = blocked_reason(conn, &d, company_id, Some(request.commitment), now)? {
            return Err(BillingError::Refused(reason));
        }
        let p = plan_for(conn, level, request.commitment)?;
        let row = engagement::insert(
            conn,
            &NewEngagement {
                company_id,
                developer_id: d.id,
                booked_by: Some(user_id),
                level: level.as_str().into(),
                commitment: request.commitment.as_str().into(),
                price_cents: p.price_cents,
                currency: p.currency.clone(),
                hours_per_month: p.hours_per_month,
                stripe_lookup_key: p.stripe_lookup_key.clone(),
                starts_on: request.starts_on,
                three_month_commitment: request.three_month_commitment,
                status: EngagementStatus::PendingCheckout.as_str().into(),
                idempotency_key: request.idempotency_key.clone(),
                replaces_id: request.replaces,
                created_at: now,
                updated_at: now,
            },
        )?;
        audit::record(
            conn,
            Some(user_id),
            "engagement.booked",
            "engagement",
            Some(row.id),
            format!(
                "{} {} at {} / month{}",
                row.level,
                request.commitment.label().to_lowercase(),
                Money::from_cents(row.price_cents),
                request
                    .replaces
                    .map(|id| format!(", replacing engagement {id}"))
                    .unwrap_or_default()
            ),
        )?;
        Ok(row)
    })
}

/// How long a Checkout Session stays payable (Stripe's default; the sandbox's too).
pub const CHECKOUT_SESSION_HOURS: i64 = 24;
/// Stripe wants a trial end at least 48 hours ahead (`subscription_data.trial_end`).
const STRIPE_MIN_TRIAL_HOURS: i64 = 48;

/// Where to send the company to pay: Stripe Checkout, or the sandbox's page. Creates the
/// Stripe customer and checkout session on first use and reuses them after; an expired
/// session is forgotten and a fresh one made.
pub async fn checkout_url(
    db: &Db,
    gateway: &Gateway,
    base_url: &str,
    company_id: i32,
    engagement_id: i32,
) -> Result<String, BillingError> {
    let now = models::now();
    let (row, company, owner_email, installation_id, trial_end) = db
        .run(move |conn| -> Result<_, BillingError> {
            let mut row = engagement::find_for_company(conn, company_id, engagement_id)?;
            if let (Some(session), Some(expires)) =
                (row.checkout_session_id.clone(), row.checkout_expires_at)
                && expires <= now
                && status_of(&row) == EngagementStatus::PendingCheckout
            {
                engagement::clear_checkout(conn, row.id, &session)?;
                row = engagement::find(conn, row.id)?;
            }
            let company = company::find(conn, company_id)?;
            let owner_email = company_member::for_company(conn, company_id)?
                .into_iter()
                .next()
                .map(|(_, _, email)| email)
                .unwrap_or_default();
            let installation_id = installation::id(
                conn,
                &crate::auth::password::random_token(16).to_lowercase(),
                now,
            )?;
            let trial_end = trial_end(conn, &row, now)?;
            Ok((row, company, owner_email, installation_id, trial_end))
        })
        .await?;
    if status_of(&row) != EngagementStatus::PendingCheckout {
        return Err(refused("This engagement has already been checked out."));
    }
    if let Some(url) = &row.checkout_url {
        return Ok(url.clone());
    }
    let (session_id, url, expires_at) = match gateway {
        Gateway::Sandbox => {
            let id = format!("cs_sandbox_{}", crate::auth::password::random_token(18));
            let url = format!("/billing/sandbox/checkout/{id}");
            (id, url, now + Duration::hours(CHECKOUT_SESSION_HOURS))
        }
        Gateway::Stripe(client) => {
            let customer_id = match company.stripe_customer_id.clone() {
                Some(id) => id,
                None => {
                    // Outside any transaction; the Idempotency-Key makes a retry find the
                    // same customer, and the conditional store keeps the first one.
                    let created = client
                        .create_customer(
                            &format!("ladder-{installation_id}-customer-{company_id}"),
                            company.id,
                            &company.name,
                            &owner_email,
                        )
                        .await?;
                    db.run(move |conn| -> Result<_, BillingError> {
                        Ok(company::set_stripe_customer(conn, company_id, &created)?)
                    })
                    .await?
                }
            };
            let exact_trial_end = row.replaces_id.map(|_| {
                trial_end
                    .max(now + Duration::hours(STRIPE_MIN_TRIAL_HOURS) + Duration::minutes(5))
                    .and_utc()
                    .timestamp()
            });
            let created = client
                .create_checkout_session(&CheckoutRequest {
                    engagement_id: row.id,
                    company_id,
                    customer_id,
                    lookup_key: row.stripe_lookup_key.clone(),
                    unit_amount_cents: row.price_cents,
                    currency: row.currency.clone(),
                    trial_days: TRIAL_DAYS as u32,
                    trial_end: exact_trial_end,
                    success_url: format!(
                        "{base_url}/billing/checkout/success?session_id={{CHECKOUT_SESSION_ID}}"
                    ),
                    cancel_url: format!("{base_url}/engagements/{}", row.id),
                    // One per installation, engagement and session: a fresh session after
                    // an expired one must not get the expired one replayed.
                    idempotency_key: format!(
                        "ladder-{installation_id}-checkout-{}-{}",
                        row.id, row.checkout_attempt
                    ),
                })
                .await;
            let session = match created {
                Err(StripeError::PriceMismatch(why)) => {
                    tracing::error!(engagement_id, %why, "checkout refused: Stripe's price differs from the booking");
                    let details = why.clone();
                    db.run(move |conn| {
                        audit::record(
                            conn,
                            None,
                            "billing.price_mismatch",
                            "engagement",
                            Some(engagement_id),
                            details,
                        )
                        .map_err(BillingError::from)
                    })
                    .await?;
                    return Err(BillingError::PriceMismatch(format!(
                        "Checkout is paused: the price Stripe would charge for this plan is not the {} a month you booked at. Nothing was charged; we've told our team. Please try again later.",
                        Money::from_cents(row.price_cents)
                    )));
                }
                other => other?,
            };
            (
                session.id,
                session.url,
                crate::billing::from_unix(session.expires_at),
            )
        }
    };
    let stored = db
        .run(move |conn| -> Result<_, BillingError> {
            Ok(engagement::set_checkout(
                conn,
                engagement_id,
                &session_id,
                &url,
                expires_at,
            )?)
        })
        .await?;
    Ok(stored.checkout_url.unwrap_or_default())
}

/// When the trial of a checkout starting now ends. A replacement keeps the trial clock of
/// the engagement it replaces, to the second: it ends when that trial would have.
fn trial_end(
    conn: &mut DbConn,
    row: &EngagementRow,
    now: NaiveDateTime,
) -> Result<NaiveDateTime, BillingError> {
    let fresh = now + Duration::days(i64::from(TRIAL_DAYS));
    Ok(match row.replaces_id {
        Some(id) => engagement::find(conn, id)?
            .trial_ends_at
            .map_or(fresh, |end| end.max(now)),
        None => fresh,
    })
}

/// Whole days left until `trial_end`, rounded up: for display only.
pub fn remaining_trial_days(trial_ends_at: Option<NaiveDateTime>, now: NaiveDateTime) -> u32 {
    match trial_ends_at {
        Some(end) if end > now => {
            let seconds = (end - now).num_seconds();
            (seconds as f64 / 86_400.0)
                .ceil()
                .clamp(1.0, f64::from(TRIAL_DAYS as u32)) as u32
        }
        Some(_) => 1,
        None => TRIAL_DAYS as u32,
    }
}

/// What the sandbox checkout page shows.
pub struct SandboxCheckout {
    pub engagement: EngagementRow,
    pub developer_name: String,
    pub company_name: String,
    pub trial_days: u32,
    pub trial_end: NaiveDateTime,
}

pub fn sandbox_checkout_page(
    conn: &mut DbConn,
    company_id: i32,
    session_id: &str,
) -> Result<SandboxCheckout, BillingError> {
    let row = engagement::find_by_checkout_session(conn, session_id)?
        .filter(|e| e.company_id == company_id)
        .ok_or(BillingError::NotFound)?;
    let d = developer::find(conn, row.developer_id)?;
    let c = company::find(conn, company_id)?;
    let now = models::now();
    let trial_end = trial_end(conn, &row, now)?;
    Ok(SandboxCheckout {
        developer_name: developer_name(&d, false),
        company_name: c.name,
        engagement: row,
        trial_days: remaining_trial_days(Some(trial_end), now),
        trial_end,
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SandboxPayment {
    /// The trial started (or had already: a resubmitted form).
    Started {
        engagement_id: i32,
    },
    Declined(String),
    /// The developer was taken by another checkout that completed first: the booking is
    /// cancelled and nothing was charged.
    Unavailable(String),
}

/// The sandbox checkout page's form: an accepted card starts the trial through the same
/// events Stripe would send; a declined one changes nothing.
pub fn sandbox_pay(
    conn: &mut DbConn,
    outbox: &Outbox,
    company_id: i32,
    session_id: &str,
    card_number: &str,
    now: NaiveDateTime,
) -> Result<SandboxPayment, BillingError> {
    let card = sandbox::check_card(card_number);
    let last4 = match card {
        Card::Accepted { last4 } => last4,
        Card::Declined => {
            return Ok(SandboxPayment::Declined(
                "Your card was declined. Nothing was charged; try another card.".into(),
            ));
        }
        Card::Invalid(message) => return Ok(SandboxPayment::Declined(message.into())),
    };
    write_transaction(conn, |conn| {
        let found = engagement::find_by_checkout_session(conn, session_id)?
            .filter(|e| e.company_id == company_id)
            .ok_or(BillingError::NotFound)?;
        // Money commits here: one payment per developer at a time, each seeing the others.
        engagement::lock_developer(conn, found.developer_id)?;
        let row = engagement::find(conn, found.id)?;
        let status = status_of(&row);
        if status != EngagementStatus::PendingCheckout {
            return Ok(match status {
                EngagementStatus::Canceled => SandboxPayment::Unavailable(
                    "This booking was cancelled, so it can't be paid. Nothing was charged.".into(),
                ),
                _ => SandboxPayment::Started {
                    engagement_id: row.id,
                },
            });
        }
        if row.checkout_expires_at.is_some_and(|t| t <= now) {
            return Ok(SandboxPayment::Unavailable(
                "This checkout expired. Nothing was charged; open the engagement to check out again.".into(),
            ));
        }
        if let Some(why) = capacity_refusal(conn, &row)? {
            let message = format!(
                "{why} Another company's checkout completed first, so this booking is cancelled and nothing was charged."
            );
            refuse_for_capacity(conn, outbox, &row, &why, None)?;
            return Ok(SandboxPayment::Unavailable(message));
        }
        let customer_id = format!("cus_sandbox_{company_id}");
        let customer_id = company::set_stripe_customer(conn, company_id, &customer_id)?;
        let trial_end = trial_end(conn, &row, now)?;
        let events = sandbox::complete_checkout(conn, &row, &customer_id, &last4, trial_end, now)?;
        for event in &events {
            apply_in_transaction(conn, outbox, "sandbox", event)?;
        }
        Ok(SandboxPayment::Started {
            engagement_id: row.id,
        })
    })
}

// ---------------------------------------------------------------------------------------
// Events

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// The event moved or refreshed an engagement (or mirrored an invoice).
    Applied { engagement_id: Option<i32> },
    /// Seen before: nothing done.
    Duplicate,
    /// Older than what is stored, for an engagement we don't know, or a type we ignore.
    Ignored { reason: String },
    /// A subscription that must not bill (the engagement is over, or lost its developer
    /// to an earlier checkout): cancelled at Stripe, never counted as revenue.
    Refused { engagement_id: i32, reason: String },
}

/// Applies one event, once: the event id is recorded in the same transaction as its
/// effects, so a repeated delivery finds it and changes nothing.
pub fn apply_event(
    conn: &mut DbConn,
    outbox: &Outbox,
    source: &str,
    event: &BillingEvent,
) -> Result<Applied, BillingError> {
    match write_transaction(conn, |conn| {
        apply_in_transaction(conn, outbox, source, event)
    }) {
        // The same event delivered twice at once: the other delivery recorded it.
        Err(e) if is_unique_violation(&e) && billing_event::exists(conn, &event.id)? => {
            Ok(Applied::Duplicate)
        }
        other => other,
    }
}

fn apply_in_transaction(
    conn: &mut DbConn,
    outbox: &Outbox,
    source: &str,
    event: &BillingEvent,
) -> Result<Applied, BillingError> {
    if billing_event::exists(conn, &event.id)? {
        return Ok(Applied::Duplicate);
    }
    let outcome = match &event.kind {
        EventKind::CheckoutCompleted(done) => {
            let row = match done.engagement_id {
                Some(id) => engagement::find(conn, id).ok(),
                None => engagement::find_by_checkout_session(conn, &done.session_id)?,
            };
            match row {
                None => ignored("no engagement for this checkout session"),
                Some(row) => {
                    let row = locked(conn, &row)?;
                    if let Some(customer) = &done.customer_id {
                        company::set_stripe_customer(conn, row.company_id, customer)?;
                    }
                    if let Some(subscription) = &done.subscription_id {
                        engagement::set_subscription(conn, row.id, subscription)?;
                    }
                    let row = engagement::find(conn, row.id)?;
                    if status_of(&row).is_final()
                        && !older_than_stored(&row, event, EngagementStatus::Trialing)
                    {
                        match &done.subscription_id {
                            Some(subscription) => refuse_subscription(
                                conn,
                                &row,
                                subscription,
                                &format!(
                                    "checkout completed for an engagement already {}",
                                    status_of(&row).as_str()
                                ),
                            )?,
                            None => ignored("the engagement is already over"),
                        }
                    } else if status_of(&row).is_final() {
                        ignored("older than the engagement's end")
                    } else {
                        // Every subscription starts with a trial: the checkout starts it.
                        transition(conn, outbox, &row, EngagementStatus::Trialing, event, None)?
                    }
                }
            }
        }
        EventKind::CheckoutExpired(expired) => {
            match engagement::find_by_checkout_session(conn, &expired.session_id)? {
                Some(row) if status_of(&row) == EngagementStatus::PendingCheckout => {
                    engagement::clear_checkout(conn, row.id, &expired.session_id)?;
                    audit::record(
                        conn,
                        None,
                        "billing.checkout_expired",
                        "engagement",
                        Some(row.id),
                        format!(
                            "Checkout Session {} expired; the next checkout makes a new one",
                            expired.session_id
                        ),
                    )?;
                    Applied::Applied {
                        engagement_id: Some(row.id),
                    }
                }
                Some(_) => ignored("the engagement is no longer waiting for checkout"),
                None => ignored("not the stored checkout session"),
            }
        }
        EventKind::Subscription(sub) => match engagement_for_subscription(conn, sub)? {
            None => ignored("no engagement for this subscription"),
            Some(row) => {
                let row = locked(conn, &row)?;
                let outcome = match state::implied_by(sub) {
                    None => ignored(&format!("subscription is {}", sub.status.as_str())),
                    Some(status) => transition(conn, outbox, &row, status, event, Some(sub))?,
                };
                let now_row = engagement::find(conn, row.id)?;
                let implied = state::implied_by(sub).unwrap_or(EngagementStatus::PendingCheckout);
                if status_of(&now_row).is_final()
                    && sub.status.is_live()
                    && !older_than_stored(&now_row, event, implied)
                {
                    refuse_subscription(
                        conn,
                        &now_row,
                        &sub.id,
                        &format!(
                            "subscription {} for an engagement {}",
                            sub.status.as_str(),
                            status_of(&now_row).as_str()
                        ),
                    )?
                } else {
                    outcome
                }
            }
        },
        EventKind::TrialWillEnd(sub) => match engagement_for_subscription(conn, sub)? {
            None => ignored("no engagement for this subscription"),
            Some(row) => {
                let row = locked(conn, &row)?;
                let ends = sub.trial_end.or(row.trial_ends_at);
                // The fact ("ends in 3 days") was true when the event was made; a late
                // delivery still tells it once, unless the trial was cancelled.
                let still_true = ends.is_none_or(|end| event.created < end);
                if status_of(&row) == EngagementStatus::Canceled || !still_true {
                    ignored("the trial was cancelled or is over")
                } else {
                    if engagement_notice::claim(conn, row.id, "trial_ending", models::now())? {
                        notify_trial_ending(conn, outbox, &row, ends)?;
                    }
                    Applied::Applied {
                        engagement_id: Some(row.id),
                    }
                }
            }
        },
        EventKind::InvoicePaid(inv)
        | EventKind::InvoicePaymentFailed(inv)
        | EventKind::InvoiceClosed(inv) => {
            let failed = matches!(event.kind, EventKind::InvoicePaymentFailed(_));
            mirror_invoice(conn, outbox, inv, failed, event)?
        }
        EventKind::Ignored => ignored("event type not used"),
    };
    let (engagement_id, outcome_text) = match &outcome {
        Applied::Applied { engagement_id } => (*engagement_id, "applied".to_owned()),
        Applied::Ignored { reason } => (None, format!("ignored: {reason}")),
        Applied::Duplicate => (None, "duplicate".to_owned()),
        Applied::Refused {
            engagement_id,
            reason,
        } => (Some(*engagement_id), format!("refused: {reason}")),
    };
    billing_event::insert(
        conn,
        &billing_event::NewBillingEvent {
            event_id: &event.id,
            event_type: &event.event_type,
            source,
            engagement_id,
            outcome: &outcome_text,
            event_created_at: event.created,
            received_at: models::now(),
        },
    )?;
    Ok(outcome)
}

/// Whether the event's state is older than the stored one: a subscription event from
/// before an engagement ended says nothing about the subscription now.
fn older_than_stored(row: &EngagementRow, event: &BillingEvent, status: EngagementStatus) -> bool {
    state::version(event.created, status) < row.state_version
}

fn ignored(reason: &str) -> Applied {
    Applied::Ignored {
        reason: reason.to_owned(),
    }
}

/// The engagement as it is under its developer's row lock: every event for one developer
/// is applied one at a time, each seeing what the others committed.
fn locked(conn: &mut DbConn, row: &EngagementRow) -> Result<EngagementRow, BillingError> {
    engagement::lock_developer(conn, row.developer_id)?;
    Ok(engagement::find(conn, row.id)?)
}

/// Why the developer can't take this engagement on top of their live ones, if so.
/// Call with the developer's row locked.
fn capacity_refusal(
    conn: &mut DbConn,
    row: &EngagementRow,
) -> Result<Option<String>, BillingError> {
    let live: Vec<Commitment> = engagement::live_for_developer(conn, row.developer_id, row.id)?
        .iter()
        .map(|e| Commitment::from_str_or_full(&e.commitment))
        .collect();
    let taking = Commitment::from_str_or_full(&row.commitment);
    Ok(match capacity::refusal(taking, &live) {
        None => None,
        Some(reason) => {
            let d = developer::find(conn, row.developer_id)?;
            Some(format!("{} {reason}.", developer_name(&d, false)))
        }
    })
}

/// The checkout lost the developer to one that completed first: the engagement is
/// cancelled, its subscription (if any) cancelled at Stripe at once, the company told.
fn refuse_for_capacity(
    conn: &mut DbConn,
    outbox: &Outbox,
    row: &EngagementRow,
    why: &str,
    subscription_id: Option<&str>,
) -> Result<(), BillingError> {
    let now = models::now();
    engagement::apply_state(
        conn,
        row.id,
        &StateChange {
            status: EngagementStatus::Canceled.as_str().into(),
            state_version: row.state_version,
            trial_ends_at: None,
            current_period_end: None,
            cancel_at_period_end: false,
            canceled_at: Some(now),
            ended_at: Some(now),
            updated_at: now,
        },
    )?;
    engagement::set_end_reason(conn, row.id, "developer no longer available")?;
    audit::record(
        conn,
        None,
        "billing.capacity_refused",
        "engagement",
        Some(row.id),
        format!(
            "pending_checkout → canceled: {why} (rule: one full-time or up to two part-time engagements){}",
            subscription_id
                .map(|s| format!("; subscription {s} cancelled at once, nothing charged"))
                .unwrap_or_default()
        ),
    )?;
    if let Some(subscription) = subscription_id {
        enqueue_subscription_cancel(conn, row.id, subscription, "developer no longer available")?;
    }
    notify_unavailable(conn, outbox, row, why)
}

/// A live subscription for an engagement that must not bill: cancelled at Stripe at once
/// (a job), recorded, never revenue.
fn refuse_subscription(
    conn: &mut DbConn,
    row: &EngagementRow,
    subscription_id: &str,
    reason: &str,
) -> Result<Applied, BillingError> {
    if enqueue_subscription_cancel(conn, row.id, subscription_id, reason)? {
        audit::record(
            conn,
            None,
            "billing.subscription_refused",
            "engagement",
            Some(row.id),
            format!("{reason}: subscription {subscription_id} is cancelled at Stripe at once"),
        )?;
    }
    Ok(Applied::Refused {
        engagement_id: row.id,
        reason: reason.to_owned(),
    })
}

/// Queues the cancellation once per subscription; true if this call queued it.
fn enqueue_subscription_cancel(
    conn: &mut DbConn,
    engagement_id: i32,
    subscription_id: &str,
    reason: &str,
) -> Result<bool, BillingError> {
    let key = format!("cancel-subscription:{subscription_id}");
    if models::job::find_by_dedupe_key(conn, &key)?.is_some() {
        return Ok(false);
    }
    jobs::enqueue_with(
        conn,
        &Job::CancelSubscription {
            engagement_id,
            subscription_id: subscription_id.to_owned(),
            reason: reason.to_owned(),
        },
        Enqueue {
            run_at: None,
            dedupe_key: Some(key),
        },
    )?;
    Ok(true)
}

fn engagement_for_subscription(
    conn: &mut DbConn,
    sub: &SubscriptionSnapshot,
) -> Result<Option<EngagementRow>, BillingError> {
    if let Some(row) = engagement::find_by_subscription(conn, &sub.id)? {
        return Ok(Some(row));
    }
    // The subscription's events may arrive before the checkout's: the metadata links it.
    let Some(id) = sub.engagement_id else {
        return Ok(None);
    };
    let Some(row) = engagement::find(conn, id).ok() else {
        return Ok(None);
    };
    if row
        .stripe_subscription_id
        .as_deref()
        .is_some_and(|s| s != sub.id)
    {
        return Ok(None);
    }
    engagement::set_subscription(conn, row.id, &sub.id)?;
    Ok(Some(engagement::find(conn, row.id)?))
}

/// Moves an engagement to `proposed` if the event is at least as new as its state, with
/// the subscription's fields; sends the emails and writes the audit line of the change.
/// `row` is read under the developer's row lock ([`locked`]).
fn transition(
    conn: &mut DbConn,
    outbox: &Outbox,
    row: &EngagementRow,
    proposed: EngagementStatus,
    event: &BillingEvent,
    sub: Option<&SubscriptionSnapshot>,
) -> Result<Applied, BillingError> {
    let from = status_of(row);
    let version = state::version(event.created, proposed);
    let stored = Stored {
        status: from,
        version: row.state_version,
    };
    let Some((to, version)) = state::next(stored, proposed, version) else {
        return Ok(ignored(&format!(
            "{} is older than the stored {} state",
            proposed.as_str(),
            from.as_str()
        )));
    };
    if from == EngagementStatus::PendingCheckout
        && to.is_engaged()
        && let Some(why) = capacity_refusal(conn, row)?
    {
        let subscription = sub
            .map(|s| s.id.clone())
            .or_else(|| row.stripe_subscription_id.clone());
        refuse_for_capacity(conn, outbox, row, &why, subscription.as_deref())?;
        return Ok(Applied::Refused {
            engagement_id: row.id,
            reason: why,
        });
    }
    let now = models::now();
    let change = StateChange {
        status: to.as_str().into(),
        state_version: version,
        trial_ends_at: sub.and_then(|s| s.trial_end).or(row.trial_ends_at),
        current_period_end: sub
            .and_then(|s| s.current_period_end)
            .or(row.current_period_end),
        cancel_at_period_end: sub.map_or(row.cancel_at_period_end, |s| s.is_cancelling()),
        canceled_at: sub.and_then(|s| s.canceled_at).or(row.canceled_at),
        ended_at: sub.and_then(|s| s.ended_at).or(row.ended_at),
        updated_at: now,
    };
    engagement::apply_state(conn, row.id, &change)?;
    if from == EngagementStatus::Ending
        && matches!(to, EngagementStatus::Active | EngagementStatus::PastDue)
    {
        // Renewed (in the portal): no longer cancelling, so a new cancel must go through.
        engagement::clear_cancel_request(conn, row.id, now)?;
    }
    if sub.is_some_and(|s| s.status == crate::billing::SubscriptionStatus::Unpaid) {
        engagement::set_end_reason(conn, row.id, "unpaid: Stripe stopped retrying")?;
    }
    if from != to {
        audit::record(
            conn,
            None,
            &format!("billing.{}", to.as_str()),
            "engagement",
            Some(row.id),
            format!(
                "{} → {} ({} {})",
                from.as_str(),
                to.as_str(),
                event.event_type,
                event.id
            ),
        )?;
        on_transition(conn, outbox, row, from, to, &change)?;
    }
    Ok(Applied::Applied {
        engagement_id: Some(row.id),
    })
}

fn on_transition(
    conn: &mut DbConn,
    outbox: &Outbox,
    row: &EngagementRow,
    from: EngagementStatus,
    to: EngagementStatus,
    change: &StateChange,
) -> Result<(), BillingError> {
    let d = developer::find(conn, row.developer_id)?;
    let now = models::now();
    if !from.is_engaged() && to.is_engaged() {
        if row.commitment == "full_time" {
            set_developer_available(conn, &d, false)?;
        }
        if let Some(replaced_id) = row.replaces_id {
            // The replacement is checked out: the engagement it replaces ends now.
            let replaced = engagement::find(conn, replaced_id)?;
            if status_of(&replaced).is_engaged()
                && engagement::request_cancel(conn, replaced_id, "replaced", now)? > 0
            {
                enqueue_cancel(conn, replaced_id, now)?;
            }
        }
    }
    // Each email once, when its fact becomes true, whatever order the events came in: a
    // lifecycle whose first event to arrive is its end still started a trial.
    if from == EngagementStatus::PendingCheckout
        && engagement_notice::claim(conn, row.id, "trial_started", now)?
    {
        notify_trial_started(conn, outbox, row, &d, change.trial_ends_at)?;
    }
    if to.is_final() && from.holds_developer() {
        if row.commitment == "full_time" && from.is_engaged() {
            set_developer_available(conn, &d, true)?;
        }
        if engagement_notice::claim(conn, row.id, "finished", now)? {
            notify_finished(conn, outbox, row, &d, to)?;
        }
    }
    Ok(())
}

/// Queues the `CancelEngagement` job of one cancel request (a later request, after a
/// renewal, gets its own job).
fn enqueue_cancel(
    conn: &mut DbConn,
    engagement_id: i32,
    requested_at: NaiveDateTime,
) -> Result<(), BillingError> {
    jobs::enqueue_with(
        conn,
        &Job::CancelEngagement { engagement_id },
        Enqueue {
            run_at: None,
            dedupe_key: Some(format!(
                "cancel-engagement:{engagement_id}:{}",
                requested_at.and_utc().timestamp_micros()
            )),
        },
    )?;
    Ok(())
}

/// A full-time engagement takes the developer out of "available now"; its end puts them
/// back from today. `updated_at` moves so every catalog process notices.
fn set_developer_available(
    conn: &mut DbConn,
    d: &developer::DeveloperRow,
    available: bool,
) -> Result<(), BillingError> {
    let now = models::now();
    let from = if available { Some(now.date()) } else { None };
    if available && d.available_from.is_some_and(|f| f <= now.date()) {
        return Ok(());
    }
    developer::set_available_from(conn, d.id, from, now)?;
    Ok(())
}

fn mirror_invoice(
    conn: &mut DbConn,
    outbox: &Outbox,
    inv: &InvoiceSnapshot,
    failed: bool,
    event: &BillingEvent,
) -> Result<Applied, BillingError> {
    let row = match &inv.subscription_id {
        Some(sub) => engagement::find_by_subscription(conn, sub)?,
        None => None,
    };
    let row = match row {
        Some(row) => row,
        None => match inv
            .engagement_id
            .and_then(|id| engagement::find(conn, id).ok())
        {
            Some(row) => row,
            None => return Ok(ignored("no engagement for this invoice")),
        },
    };
    // Two events of one invoice (paid, failed) may arrive at once: one at a time.
    let row = locked(conn, &row)?;
    if status_of(&row) == EngagementStatus::Canceled {
        // Cancelled before checkout, in the trial, or refused for capacity: nothing of it
        // is revenue (its subscription is cancelled at Stripe when it shows up).
        return Ok(ignored("the engagement was cancelled: not revenue"));
    }
    let now = models::now();
    let existing = invoice::find_by_stripe_id(conn, &inv.id)?;
    let mut fields = InvoiceFields {
        engagement_id: row.id,
        company_id: row.company_id,
        stripe_invoice_id: inv.id.clone(),
        number: inv.number.clone(),
        status: inv.status.clone(),
        amount_due_cents: inv.amount_due_cents,
        amount_paid_cents: inv.amount_paid_cents,
        currency: inv.currency.clone(),
        period_start: inv.period_start,
        period_end: inv.period_end,
        hosted_invoice_url: inv.hosted_invoice_url.clone(),
        attempt_count: inv.attempt_count,
        payment_failed_at: if failed { Some(event.created) } else { None },
        paid_at: if inv.status == "paid" {
            Some(event.created)
        } else {
            None
        },
        stripe_created_at: inv.created,
        updated_at: now,
    };
    let newer = match &existing {
        None => true,
        Some(old) => {
            // An invoice never goes back from paid to open; among equal statuses the later
            // attempt wins.
            let (new_rank, old_rank) = (
                state::invoice_rank(&fields.status),
                state::invoice_rank(&old.status),
            );
            new_rank > old_rank
                || (new_rank == old_rank && fields.attempt_count >= old.attempt_count)
        }
    };
    match existing {
        None => {
            invoice::insert(conn, &fields, now)?;
        }
        Some(old) if newer => {
            fields.payment_failed_at = fields.payment_failed_at.or(old.payment_failed_at);
            fields.paid_at = fields.paid_at.or(old.paid_at);
            fields.number = fields.number.or(old.number);
            invoice::update(conn, old.id, &fields)?;
        }
        Some(old) => {
            if failed && old.payment_failed_at.is_none() {
                // A failure arriving after the payment that fixed it: record it, nothing else.
                let mut kept = invoice_fields_of(&old);
                kept.payment_failed_at = Some(event.created);
                invoice::update(conn, old.id, &kept)?;
            }
            return Ok(Applied::Applied {
                engagement_id: Some(row.id),
            });
        }
    }
    if failed {
        audit::record(
            conn,
            None,
            "billing.payment_failed",
            "engagement",
            Some(row.id),
            format!(
                "invoice {} for {} ({})",
                inv.number.as_deref().unwrap_or(&inv.id),
                Money::from_cents(inv.amount_due_cents),
                event.id
            ),
        )?;
        notify_payment_failed(conn, outbox, &row, inv)?;
    } else if inv.amount_paid_cents > 0 {
        audit::record(
            conn,
            None,
            "billing.invoice_paid",
            "engagement",
            Some(row.id),
            format!(
                "invoice {} for {} ({})",
                inv.number.as_deref().unwrap_or(&inv.id),
                Money::from_cents(inv.amount_paid_cents),
                event.id
            ),
        )?;
        if engagement::set_first_paid(conn, row.id, event.created)? > 0 {
            notify_first_payment(conn, outbox, &row, inv)?;
        }
    }
    Ok(Applied::Applied {
        engagement_id: Some(row.id),
    })
}

fn invoice_fields_of(row: &InvoiceRow) -> InvoiceFields {
    InvoiceFields {
        engagement_id: row.engagement_id,
        company_id: row.company_id,
        stripe_invoice_id: row.stripe_invoice_id.clone(),
        number: row.number.clone(),
        status: row.status.clone(),
        amount_due_cents: row.amount_due_cents,
        amount_paid_cents: row.amount_paid_cents,
        currency: row.currency.clone(),
        period_start: row.period_start,
        period_end: row.period_end,
        hosted_invoice_url: row.hosted_invoice_url.clone(),
        attempt_count: row.attempt_count,
        payment_failed_at: row.payment_failed_at,
        paid_at: row.paid_at,
        stripe_created_at: row.stripe_created_at,
        updated_at: models::now(),
    }
}

// ---------------------------------------------------------------------------------------
// Emails

fn company_recipients(
    conn: &mut DbConn,
    company_id: i32,
) -> Result<Vec<(String, String)>, BillingError> {
    Ok(company_member::members_of(conn, company_id)?
        .into_iter()
        .filter(|(_, u)| u.deleted_at.is_none() && u.disabled_at.is_none())
        .map(|(_, u)| (u.name, u.email))
        .collect())
}

fn date(at: Option<NaiveDateTime>) -> String {
    at.map(|t| t.format("%-d %B %Y").to_string())
        .unwrap_or_else(|| "—".into())
}

fn price_line(row: &EngagementRow) -> String {
    format!(
        "{} {} · {} / month ({} h)",
        row.level,
        Commitment::from_str_or_full(&row.commitment)
            .label()
            .to_lowercase(),
        Money::from_cents(row.price_cents),
        row.hours_per_month
    )
}

#[allow(clippy::too_many_arguments)]
fn send(
    conn: &mut DbConn,
    outbox: &Outbox,
    to: &[(String, String)],
    kind: &'static str,
    subject: &str,
    heading: &str,
    paragraphs: Vec<String>,
    details: Vec<String>,
    action: Option<(&str, String)>,
) -> Result<(), BillingError> {
    for (name, email) in to {
        let message = Notice {
            kind,
            subject: subject.to_owned(),
            name: name.clone(),
            heading: heading.to_owned(),
            paragraphs: paragraphs.clone(),
            details: details.clone(),
            action: action
                .as_ref()
                .map(|(label, path)| ((*label).to_owned(), outbox.url(path))),
            footer: None,
        }
        .email(email, &outbox.base_url)?;
        outbox.queue(conn, message)?;
    }
    Ok(())
}

fn notify_trial_started(
    conn: &mut DbConn,
    outbox: &Outbox,
    row: &EngagementRow,
    d: &developer::DeveloperRow,
    trial_end: Option<NaiveDateTime>,
) -> Result<(), BillingError> {
    let c = company::find(conn, row.company_id)?;
    let name = developer_name(d, true);
    let details = vec![
        format!("Developer: {name}"),
        format!("Plan: {}", price_line(row)),
        format!("Starts: {}", row.starts_on.format("%-d %B %Y")),
        format!("Free trial until: {}", date(trial_end)),
    ];
    let company_people = company_recipients(conn, row.company_id)?;
    send(
        conn,
        outbox,
        &company_people,
        "trial_started",
        &format!("Your free trial with {name} has started"),
        "Your free trial has started",
        vec![
            format!(
                "{name} starts working with {} on {}. Nothing is charged until the trial ends on {}; cancel before then and you pay nothing.",
                c.name,
                row.starts_on.format("%-d %B"),
                date(trial_end)
            ),
            "Hours are logged weekly and show on the engagement page.".into(),
        ],
        details.clone(),
        Some(("Open the engagement", format!("/engagements/{}", row.id))),
    )?;
    let dev_user = user::find(conn, d.user_id)?;
    if dev_user.deleted_at.is_none() {
        send(
            conn,
            outbox,
            &[(d.first_name.clone(), dev_user.email)],
            "trial_started",
            &format!("New engagement: {} starts a free trial with you", c.name),
            &format!("{} booked you", c.name),
            vec![format!(
                "{} booked you for a {} engagement starting {}. The first 14 days are a free trial for them; please log your hours every week.",
                c.name,
                Commitment::from_str_or_full(&row.commitment)
                    .label()
                    .to_lowercase(),
                row.starts_on.format("%-d %B")
            )],
            vec![
                format!("Company: {}", c.name),
                format!("Commitment: {} h / month", row.hours_per_month),
            ],
            Some(("See your engagements", "/me/engagements".into())),
        )?;
    }
    let admins: Vec<(String, String)> = user::admins(conn)?
        .into_iter()
        .map(|u| (u.name, u.email))
        .collect();
    send(
        conn,
        outbox,
        &admins,
        "trial_started",
        &format!("Trial started: {} × {name}", c.name),
        "A trial started",
        vec![format!("{} started a trial with {name}.", c.name)],
        details,
        Some(("Open in admin", format!("/admin/engagements/{}", row.id))),
    )
}

fn notify_trial_ending(
    conn: &mut DbConn,
    outbox: &Outbox,
    row: &EngagementRow,
    ends: Option<NaiveDateTime>,
) -> Result<(), BillingError> {
    let d = developer::find(conn, row.developer_id)?;
    let name = developer_name(&d, true);
    let people = company_recipients(conn, row.company_id)?;
    send(
        conn,
        outbox,
        &people,
        "trial_ending",
        &format!("Your trial with {name} ends in 3 days"),
        "Your trial ends in 3 days",
        vec![
            format!(
                "The free trial with {name} ends on {}. Then the first month, {}, is charged to the card you gave at checkout.",
                date(ends),
                Money::from_cents(row.price_cents)
            ),
            "To stop, cancel on the engagement page before the trial ends: nothing is charged. You can also replace the developer during the trial.".into(),
        ],
        vec![format!("Plan: {}", price_line(row))],
        Some(("Open the engagement", format!("/engagements/{}", row.id))),
    )
}

fn notify_first_payment(
    conn: &mut DbConn,
    outbox: &Outbox,
    row: &EngagementRow,
    inv: &InvoiceSnapshot,
) -> Result<(), BillingError> {
    let d = developer::find(conn, row.developer_id)?;
    let name = developer_name(&d, true);
    let people = company_recipients(conn, row.company_id)?;
    send(
        conn,
        outbox,
        &people,
        "payment_succeeded",
        &format!(
            "Payment received: {} for {name}",
            Money::from_cents(inv.amount_paid_cents)
        ),
        "Thank you: your first payment went through",
        vec![format!(
            "The trial with {name} is over and the engagement is active. We charged {} for the month to {}.",
            Money::from_cents(inv.amount_paid_cents),
            date(Some(inv.period_end))
        )],
        vec![
            format!("Invoice: {}", inv.number.as_deref().unwrap_or(&inv.id)),
            format!(
                "Period: {} – {}",
                date(Some(inv.period_start)),
                date(Some(inv.period_end))
            ),
        ],
        Some(("See invoices", "/billing".into())),
    )
}

fn notify_payment_failed(
    conn: &mut DbConn,
    outbox: &Outbox,
    row: &EngagementRow,
    inv: &InvoiceSnapshot,
) -> Result<(), BillingError> {
    let d = developer::find(conn, row.developer_id)?;
    let name = developer_name(&d, true);
    let people = company_recipients(conn, row.company_id)?;
    send(
        conn,
        outbox,
        &people,
        "payment_failed",
        &format!("Payment failed for {name}: please update your card"),
        "We couldn't take your payment",
        vec![
            format!(
                "The payment of {} for {name}'s engagement was declined. Update the card in the billing portal and we'll retry it.",
                Money::from_cents(inv.amount_due_cents)
            ),
            "Work continues while we retry, but the engagement ends if the invoice stays unpaid."
                .into(),
        ],
        vec![format!(
            "Invoice: {}",
            inv.number.as_deref().unwrap_or(&inv.id)
        )],
        Some(("Update your card", "/billing".into())),
    )
}

fn notify_unavailable(
    conn: &mut DbConn,
    outbox: &Outbox,
    row: &EngagementRow,
    why: &str,
) -> Result<(), BillingError> {
    let people = company_recipients(conn, row.company_id)?;
    send(
        conn,
        outbox,
        &people,
        "engagement_unavailable",
        "Your booking couldn't be completed: nothing was charged",
        "This developer is no longer available",
        vec![
            format!(
                "{why} Another company's checkout completed first, so your booking is cancelled."
            ),
            "Nothing was charged and no subscription continues. Browse developers to book someone else.".into(),
        ],
        vec![format!("Plan: {}", price_line(row))],
        Some(("Browse developers", "/developers".into())),
    )
}

fn notify_finished(
    conn: &mut DbConn,
    outbox: &Outbox,
    row: &EngagementRow,
    d: &developer::DeveloperRow,
    to: EngagementStatus,
) -> Result<(), BillingError> {
    let c = company::find(conn, row.company_id)?;
    let name = developer_name(d, true);
    let (subject, heading, paragraph) = if to == EngagementStatus::Canceled {
        (
            format!("Engagement cancelled: {} × {name}", c.name),
            "The engagement was cancelled".to_owned(),
            format!(
                "The engagement of {name} with {} was cancelled during the free trial. Nothing was charged.",
                c.name
            ),
        )
    } else {
        (
            format!("Engagement ended: {} × {name}", c.name),
            "The engagement has ended".to_owned(),
            format!(
                "The engagement of {name} with {} has ended. The last invoice covered the final month; nothing more will be charged.",
                c.name
            ),
        )
    };
    let people = company_recipients(conn, row.company_id)?;
    send(
        conn,
        outbox,
        &people,
        "engagement_finished",
        &subject,
        &heading,
        vec![paragraph.clone()],
        vec![format!("Plan: {}", price_line(row))],
        Some(("Browse developers", "/developers".into())),
    )?;
    let dev_user = user::find(conn, d.user_id)?;
    if dev_user.deleted_at.is_none() {
        send(
            conn,
            outbox,
            &[(d.first_name.clone(), dev_user.email)],
            "engagement_finished",
            &subject,
            &heading,
            vec![
                paragraph,
                "Your profile shows you as available again.".into(),
            ],
            Vec::new(),
            Some(("See your engagements", "/me/engagements".into())),
        )?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Cancelling

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CancelOutcome {
    /// Never checked out: cancelled on the spot.
    CanceledBeforeCheckout,
    /// The subscription is being cancelled at once (in the trial: nothing is charged).
    Cancelling,
    /// The subscription ends when the paid period does.
    EndsAtPeriodEnd,
    AlreadyRequested,
}

pub fn request_cancel(
    conn: &mut DbConn,
    company_id: i32,
    user_id: i32,
    engagement_id: i32,
) -> Result<CancelOutcome, BillingError> {
    write_transaction(conn, |conn| {
        let row = engagement::find_for_company(conn, company_id, engagement_id)?;
        let status = status_of(&row);
        let now = models::now();
        match status {
            EngagementStatus::PendingCheckout => {
                engagement::apply_state(
                    conn,
                    row.id,
                    &StateChange {
                        status: EngagementStatus::Canceled.as_str().into(),
                        state_version: row.state_version,
                        trial_ends_at: row.trial_ends_at,
                        current_period_end: row.current_period_end,
                        cancel_at_period_end: false,
                        canceled_at: Some(now),
                        ended_at: Some(now),
                        updated_at: now,
                    },
                )?;
                engagement::request_cancel(conn, row.id, "cancelled before checkout", now)?;
                audit::record(
                    conn,
                    Some(user_id),
                    "billing.canceled",
                    "engagement",
                    Some(row.id),
                    "pending_checkout → canceled (before checkout)",
                )?;
                // The company may still have Stripe's page open: it must not be payable.
                if let Some(session) = row
                    .checkout_session_id
                    .as_ref()
                    .filter(|s| !s.starts_with("cs_sandbox_"))
                {
                    jobs::enqueue_with(
                        conn,
                        &Job::ExpireCheckoutSession {
                            engagement_id: row.id,
                            session_id: session.clone(),
                        },
                        Enqueue {
                            run_at: None,
                            dedupe_key: Some(format!("expire-checkout:{session}")),
                        },
                    )?;
                }
                Ok(CancelOutcome::CanceledBeforeCheckout)
            }
            s if s.is_final() || s == EngagementStatus::Ending => {
                Err(refused("This engagement is already ending."))
            }
            _ => {
                if engagement::request_cancel(conn, row.id, "cancelled by the company", now)? == 0 {
                    return Ok(CancelOutcome::AlreadyRequested);
                }
                audit::record(
                    conn,
                    Some(user_id),
                    "engagement.cancel_requested",
                    "engagement",
                    Some(row.id),
                    if status == EngagementStatus::Trialing {
                        "during the trial: cancel now"
                    } else {
                        "after the trial: end at the period's end"
                    },
                )?;
                enqueue_cancel(conn, row.id, now)?;
                Ok(if status == EngagementStatus::Trialing {
                    CancelOutcome::Cancelling
                } else {
                    CancelOutcome::EndsAtPeriodEnd
                })
            }
        }
    })
}

/// The `CancelEngagement` job: cancels at Stripe (or in the sandbox) and applies what
/// comes back. In the trial the subscription is cancelled at once; later it ends with the
/// paid period. Safe to run twice: a cancelled subscription is left alone.
pub async fn run_cancel(
    db: &Db,
    gateway: &Gateway,
    outbox: &Outbox,
    engagement_id: i32,
) -> Result<(), BillingError> {
    let row = db
        .run(move |conn| -> Result<_, BillingError> { Ok(engagement::find(conn, engagement_id)?) })
        .await?;
    let status = status_of(&row);
    if !status.is_engaged() || status == EngagementStatus::Ending {
        return Ok(());
    }
    let now_in_trial = status == EngagementStatus::Trialing;
    match gateway {
        Gateway::Sandbox => {
            let outbox = outbox.clone();
            db.run(move |conn| {
                write_transaction(conn, |conn| {
                    let Some(mut sub) = sandbox_subscription::for_engagement(conn, engagement_id)?
                    else {
                        return Ok(());
                    };
                    let now = models::now();
                    let events = if now_in_trial {
                        sandbox::cancel_now(conn, &mut sub, now)?
                    } else {
                        sandbox::cancel_at_period_end(conn, &mut sub, now)?
                    };
                    for event in &events {
                        apply_in_transaction(conn, &outbox, "sandbox", event)?;
                    }
                    Ok::<_, BillingError>(())
                })
            })
            .await
        }
        Gateway::Stripe(client) => {
            let Some(subscription_id) = row.stripe_subscription_id.clone() else {
                return Err(refused("the engagement has no subscription yet"));
            };
            let snapshot = if now_in_trial {
                client.cancel_subscription_now(&subscription_id).await?
            } else {
                client.cancel_at_period_end(&subscription_id).await?
            };
            // Stripe's answer is the subscription as it now is; its webhook will repeat it.
            let event = BillingEvent {
                // One per cancel request: after a renewal a second cancel is a new event.
                id: format!(
                    "api_cancel_{}_{}_{}",
                    subscription_id,
                    if now_in_trial { "now" } else { "period_end" },
                    row.cancel_requested_at
                        .map_or(0, |t| t.and_utc().timestamp_micros())
                ),
                event_type: "api.subscription.cancel".into(),
                created: models::now(),
                kind: EventKind::Subscription(snapshot),
            };
            let outbox = outbox.clone();
            db.run(move |conn| apply_event(conn, &outbox, "stripe", &event).map(|_| ()))
                .await
        }
    }
}

/// The `CancelSubscription` job: cancels at once, charging nothing. A refusal from Stripe
/// (already cancelled, unknown) is final and recorded; only "unreachable" is retried.
pub async fn run_cancel_subscription(
    db: &Db,
    gateway: &Gateway,
    engagement_id: i32,
    subscription_id: &str,
    reason: &str,
) -> Result<(), BillingError> {
    let outcome = match gateway {
        // The sandbox refuses such payments before any subscription exists.
        Gateway::Sandbox => "sandbox: nothing to cancel".to_owned(),
        Gateway::Stripe(client) => match client.cancel_subscription_now(subscription_id).await {
            Ok(snapshot) => format!(
                "cancelled at Stripe (now {}), nothing charged",
                snapshot.status.as_str()
            ),
            Err(StripeError::Unavailable(m)) => return Err(BillingError::StripeUnavailable(m)),
            Err(e) => format!("Stripe refused the cancellation: {e}"),
        },
    };
    let details = format!("subscription {subscription_id} ({reason}): {outcome}");
    db.run(move |conn| {
        audit::record(
            conn,
            None,
            "billing.subscription_cancelled",
            "engagement",
            Some(engagement_id),
            details,
        )
        .map_err(BillingError::from)
    })
    .await?;
    Ok(())
}

/// The `ExpireCheckoutSession` job: a cancelled booking's Checkout Session can no longer
/// be paid. Stripe refuses to expire one that is not open: recorded, not retried.
pub async fn run_expire_checkout(
    db: &Db,
    gateway: &Gateway,
    engagement_id: i32,
    session_id: &str,
) -> Result<(), BillingError> {
    let Gateway::Stripe(client) = gateway else {
        return Ok(());
    };
    let outcome = match client.expire_checkout_session(session_id).await {
        Ok(()) => "expired".to_owned(),
        Err(StripeError::Unavailable(m)) => return Err(BillingError::StripeUnavailable(m)),
        Err(e) => format!("not expired: {e}"),
    };
    let details = format!("Checkout Session {session_id}: {outcome}");
    db.run(move |conn| {
        audit::record(
            conn,
            None,
            "billing.checkout_expire",
            "engagement",
            Some(engagement_id),
            details,
        )
        .map_err(BillingError::from)
    })
    .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Sandbox controls (admins, development only) and the sandbox's clock

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SandboxAction {
    /// End the free trial now: the first month is charged.
    EndTrial,
    /// The next charge is declined.
    FailNextPayment,
    /// Jump to the end of the current paid period: renew (or end, if cancelling).
    Renew,
}

impl SandboxAction {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "end-trial" => SandboxAction::EndTrial,
            "fail-next-payment" => SandboxAction::FailNextPayment,
            "renew" => SandboxAction::Renew,
            _ => return None,
        })
    }
}

pub fn sandbox_action(
    conn: &mut DbConn,
    outbox: &Outbox,
    admin_id: i32,
    engagement_id: i32,
    action: SandboxAction,
) -> Result<String, BillingError> {
    write_transaction(conn, |conn| {
        let row = engagement::find(conn, engagement_id)?;
        let mut sub = sandbox_subscription::for_engagement(conn, engagement_id)?
            .ok_or_else(|| refused("This engagement has no sandbox subscription."))?;
        let now = models::now();
        let (events, message) = match action {
            SandboxAction::EndTrial => {
                if sub.status != "trialing" {
                    return Err(refused("The trial is already over."));
                }
                let mut events = vec![sandbox::trial_will_end(&sub, now)];
                events.extend(sandbox::end_trial(conn, &mut sub, &row, now)?);
                (events, "The trial ended and the first month was charged.")
            }
            SandboxAction::FailNextPayment => {
                sub.fail_next_payment = true;
                sandbox_subscription::save(conn, &sub)?;
                (Vec::new(), "The next charge will be declined.")
            }
            SandboxAction::Renew => {
                if !matches!(sub.status.as_str(), "active" | "past_due") {
                    return Err(refused("Only a paid subscription renews."));
                }
                let events = sandbox::renew(conn, &mut sub, &row, now)?;
                (events, "The billing period moved on.")
            }
        };
        for event in &events {
            apply_in_transaction(conn, outbox, "sandbox", event)?;
        }
        audit::record(
            conn,
            Some(admin_id),
            "billing.sandbox_action",
            "engagement",
            Some(engagement_id),
            format!("{action:?}"),
        )?;
        Ok(message.to_owned())
    })
}

/// The sandbox's own clock, run hourly by the worker: trial reminders three days before
/// the end, trial ends, renewals.
pub fn sandbox_sweep(
    conn: &mut DbConn,
    outbox: &Outbox,
    now: NaiveDateTime,
) -> Result<usize, BillingError> {
    let mut moved = 0;
    for mut sub in sandbox_subscription::live(conn)? {
        let due = sandbox::due(&sub, now);
        if due == sandbox::Due::Nothing {
            continue;
        }
        write_transaction(conn, |conn| {
            let row = engagement::find(conn, sub.engagement_id)?;
            let events = match due {
                sandbox::Due::TrialReminder => vec![sandbox::trial_will_end(&sub, now)],
                sandbox::Due::TrialEnd => {
                    let mut events = vec![sandbox::trial_will_end(&sub, now)];
                    events.extend(sandbox::end_trial(conn, &mut sub, &row, now)?);
                    events
                }
                sandbox::Due::Renewal => sandbox::renew(conn, &mut sub, &row, now)?,
                sandbox::Due::Nothing => Vec::new(),
            };
            for event in &events {
                apply_in_transaction(conn, outbox, "sandbox", event)?;
            }
            Ok::<_, BillingError>(())
        })?;
        moved += 1;
    }
    Ok(moved)
}

/// The sandbox's stand-in for the customer portal: a new card pays the failed invoice.
pub fn sandbox_update_card(
    conn: &mut DbConn,
    outbox: &Outbox,
    company_id: i32,
    card_number: &str,
) -> Result<Result<usize, String>, BillingError> {
    let last4 = match sandbox::check_card(card_number) {
        Card::Accepted { last4 } => last4,
        Card::Declined => return Ok(Err("Your card was declined.".into())),
        Card::Invalid(m) => return Ok(Err(m.into())),
    };
    write_transaction(conn, |conn| {
        let mut paid = 0;
        for row in engagement::for_company(conn, company_id)? {
            let Some(mut sub) = sandbox_subscription::for_engagement(conn, row.id)? else {
                continue;
            };
            sub.card_last4 = last4.clone();
            sandbox_subscription::save(conn, &sub)?;
            for inv in invoice::for_engagement(conn, row.id)? {
                if inv.status != "open" {
                    continue;
                }
                let open = InvoiceSnapshot {
                    id: inv.stripe_invoice_id.clone(),
                    number: inv.number.clone(),
                    customer_id: sub.customer_id.clone(),
                    subscription_id: Some(sub.subscription_id.clone()),
                    engagement_id: Some(row.id),
                    status: inv.status.clone(),
                    amount_due_cents: inv.amount_due_cents,
                    amount_paid_cents: inv.amount_paid_cents,
                    currency: inv.currency.clone(),
                    period_start: inv.period_start,
                    period_end: inv.period_end,
                    hosted_invoice_url: inv.hosted_invoice_url.clone(),
                    attempt_count: inv.attempt_count,
                    created: inv.stripe_created_at,
                };
                let events = sandbox::retry_payment(conn, &mut sub, open, models::now())?;
                for event in &events {
                    apply_in_transaction(conn, outbox, "sandbox", event)?;
                }
                paid += 1;
            }
        }
        Ok(Ok(paid))
    })
}

/// The customer portal (Stripe), or the sandbox's card page.
pub async fn portal_url(
    db: &Db,
    gateway: &Gateway,
    base_url: &str,
    company_id: i32,
) -> Result<String, BillingError> {
    match gateway {
        Gateway::Sandbox => Ok(format!("{base_url}/billing/sandbox/portal")),
        Gateway::Stripe(client) => {
            let customer = db
                .run(move |conn| -> Result<_, BillingError> {
                    Ok(company::find(conn, company_id)?.stripe_customer_id)
                })
                .await?
                .ok_or_else(|| {
                    refused(
                        "There is no billing account yet: it is created at your first checkout.",
                    )
                })?;
            Ok(client
                .create_portal_session(&customer, &format!("{base_url}/billing"))
                .await?)
        }
    }
}

// ---------------------------------------------------------------------------------------
// Hours

/// Hours as typed ("7.5", "40"): quarter hours, 0 to 80.
pub fn parse_hours(input: &str) -> Result<i32, &'static str> {
    let value: f64 = input
        .trim()
        .replace(',', ".")
        .parse()
        .map_err(|_| "Enter hours as a number, like 38 or 7.5.")?;
    if !value.is_finite() || value < 0.0 {
        return Err("Hours can't be negative.");
    }
    if value > MAX_WEEKLY_HOURS {
        return Err("A week can't have more than 80 logged hours.");
    }
    let minutes = (value * 60.0).round() as i32;
    Ok(minutes - minutes % 15)
}

/// The Monday of the week `day` falls in.
pub fn week_start(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

pub fn log_hours(
    conn: &mut DbConn,
    developer_id: i32,
    engagement_id: i32,
    day: NaiveDate,
    minutes: i32,
    note: &str,
    now: NaiveDateTime,
) -> Result<NaiveDate, BillingError> {
    let attempt = |conn: &mut DbConn| {
        log_hours_once(conn, developer_id, engagement_id, day, minutes, note, now)
    };
    match attempt(conn) {
        // The same week saved twice at once: the other save made the row; this one
        // replaces its figure, as a second save would.
        Err(e) if is_unique_violation(&e) => attempt(conn),
        other => other,
    }
}

fn log_hours_once(
    conn: &mut DbConn,
    developer_id: i32,
    engagement_id: i32,
    day: NaiveDate,
    minutes: i32,
    note: &str,
    now: NaiveDateTime,
) -> Result<NaiveDate, BillingError> {
    write_transaction(conn, |conn| {
        let row = engagement::find_for_developer(conn, developer_id, engagement_id)?;
        if !status_of(&row).is_engaged() && !status_of(&row).is_final() {
            return Err(refused(
                "Hours can be logged once the engagement has started.",
            ));
        }
        let week = week_start(day);
        if week > week_start(now.date()) {
            return Err(refused(
                "You can't log hours for a week that hasn't started.",
            ));
        }
        // Work can begin on the booking day even when the agreed start is later.
        if week < week_start(row.starts_on.min(row.created_at.date())) {
            return Err(refused("That week is before the engagement started."));
        }
        hour_log::upsert(conn, row.id, week, minutes, note.trim(), now)?;
        Ok(week)
    })
}

/// Minutes worked in the calendar month containing `today`. A week is logged as one
/// figure, so a week that straddles two months counts towards each by the working days
/// (Monday to Friday) it has in it: 40 h in the week of Monday 30 November is 8 h of
/// November and 32 h of December.
pub fn minutes_this_month(logs: &[hour_log::HourLogRow], today: NaiveDate) -> i32 {
    logs.iter()
        .map(|l| {
            let in_month = (0..5)
                .map(|d| l.week_start + Duration::days(d))
                .filter(|day| day.year() == today.year() && day.month() == today.month())
                .count() as i32;
            l.minutes * in_month / 5
        })
        .sum()
}

// ---------------------------------------------------------------------------------------
// What pages show

/// One engagement as a list row or a page.
#[derive(Debug, Clone)]
pub struct EngagementView {
    pub row: EngagementRow,
    pub status: EngagementStatus,
    pub developer_name: String,
    pub developer_slug: String,
    pub company_name: String,
    pub price: Money,
    pub commitment: Commitment,
    pub trial_days_left: Option<i64>,
    pub minutes_this_month: i32,
    /// The next charge: (date, amount), while the subscription renews.
    pub next_invoice: Option<(NaiveDateTime, Money)>,
}

impl EngagementView {
    pub fn hours_this_month(&self) -> String {
        format_minutes(self.minutes_this_month)
    }

    pub fn hours_percent(&self) -> i64 {
        let target = i64::from(self.row.hours_per_month.max(1)) * 60;
        (i64::from(self.minutes_this_month) * 100 / target).min(100)
    }
}

pub fn format_minutes(minutes: i32) -> String {
    if minutes % 60 == 0 {
        format!("{}", minutes / 60)
    } else {
        format!("{:.2}", f64::from(minutes) / 60.0)
            .trim_end_matches('0')
            .to_owned()
    }
}

fn view(
    conn: &mut DbConn,
    row: EngagementRow,
    logs: &[hour_log::HourLogRow],
    full_name: bool,
    now: NaiveDateTime,
) -> Result<EngagementView, BillingError> {
    let d = developer::find(conn, row.developer_id)?;
    let c = company::find(conn, row.company_id)?;
    let names = engagement::Names {
        company: c.name,
        first_name: d.first_name,
        last_name: d.last_name,
        slug: d.slug,
    };
    Ok(view_with(row, names, logs, full_name, now))
}

/// The view of a row whose names were loaded with it (lists: one query, not one per row).
fn view_with(
    row: EngagementRow,
    names: engagement::Names,
    logs: &[hour_log::HourLogRow],
    full_name: bool,
    now: NaiveDateTime,
) -> EngagementView {
    let status = status_of(&row);
    let trial_days_left = match (status, row.trial_ends_at) {
        (EngagementStatus::Trialing, Some(end)) => Some(
            ((end - now).num_seconds() as f64 / 86_400.0)
                .ceil()
                .max(0.0) as i64,
        ),
        _ => None,
    };
    let next_invoice = match status {
        EngagementStatus::Trialing => row
            .trial_ends_at
            .map(|t| (t, Money::from_cents(row.price_cents))),
        EngagementStatus::Active | EngagementStatus::PastDue => row
            .current_period_end
            .map(|t| (t, Money::from_cents(row.price_cents))),
        _ => None,
    };
    let own: Vec<hour_log::HourLogRow> = logs
        .iter()
        .filter(|l| l.engagement_id == row.id)
        .cloned()
        .collect();
    EngagementView {
        developer_name: name_of(&names.first_name, &names.last_name, full_name),
        developer_slug: names.slug,
        company_name: names.company,
        price: Money::from_cents(row.price_cents),
        commitment: Commitment::from_str_or_full(&row.commitment),
        minutes_this_month: minutes_this_month(&own, now.date()),
        trial_days_left,
        next_invoice,
        status,
        row,
    }
}

/// Once an engagement exists, the company sees the developer's full name (DESIGN §2).
fn shows_full_name(status: EngagementStatus) -> bool {
    status != EngagementStatus::PendingCheckout
}

pub fn company_engagements(
    conn: &mut DbConn,
    company_id: i32,
    now: NaiveDateTime,
) -> Result<Vec<EngagementView>, BillingError> {
    let rows = engagement::for_company_with_names(conn, company_id)?;
    let ids: Vec<i32> = rows.iter().map(|(r, _)| r.id).collect();
    let logs = hour_log::for_engagements(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|(row, names)| {
            let full = shows_full_name(status_of(&row));
            view_with(row, names, &logs, full, now)
        })
        .collect())
}

pub struct EngagementDetail {
    pub engagement: EngagementView,
    pub invoices: Vec<InvoiceRow>,
    pub hours: Vec<hour_log::HourLogRow>,
    pub replaces: Option<EngagementView>,
    pub replaced_by: Option<EngagementView>,
    /// Same-level developers on the company's shortlists who could replace this one.
    pub replacement_candidates: Vec<(String, String)>,
    pub sandbox: Option<models::sandbox_subscription::SandboxSubscriptionRow>,
    pub events: Vec<billing_event::BillingEventRow>,
}

pub fn company_engagement(
    conn: &mut DbConn,
    company_id: i32,
    id: i32,
    now: NaiveDateTime,
) -> Result<EngagementDetail, BillingError> {
    let row = engagement::find_for_company(conn, company_id, id)?;
    detail(conn, row, now)
}

pub fn admin_engagement(
    conn: &mut DbConn,
    id: i32,
    now: NaiveDateTime,
) -> Result<EngagementDetail, BillingError> {
    let row = engagement::find(conn, id)?;
    detail(conn, row, now)
}

fn detail(
    conn: &mut DbConn,
    row: EngagementRow,
    now: NaiveDateTime,
) -> Result<EngagementDetail, BillingError> {
    let hours = hour_log::for_engagement(conn, row.id)?;
    let invoices = invoice::for_engagement(conn, row.id)?;
    let replaces = match row.replaces_id {
        Some(id) => {
            let r = engagement::find(conn, id)?;
            Some(view(conn, r, &[], true, now)?)
        }
        None => None,
    };
    let replaced_by = match engagement::replacement_of(conn, row.id)? {
        Some(r) => {
            let full = shows_full_name(status_of(&r));
            Some(view(conn, r, &[], full, now)?)
        }
        None => None,
    };
    let status = status_of(&row);
    let replacement_candidates = if status == EngagementStatus::Trialing {
        models::shortlist_entry::developers_for_company(conn, row.company_id)?
            .into_iter()
            .filter(|d| {
                d.id != row.developer_id
                    && d.level.as_deref() == Some(row.level.as_str())
                    && catalog::is_listed(d, now)
            })
            .map(|d| {
                let name = developer_name(&d, false);
                (d.slug, name)
            })
            .collect()
    } else {
        Vec::new()
    };
    let sandbox = sandbox_subscription::for_engagement(conn, row.id)?;
    let events = billing_event::for_engagement(conn, row.id)?;
    let full = shows_full_name(status);
    Ok(EngagementDetail {
        engagement: view(conn, row, &hours, full, now)?,
        invoices,
        hours,
        replaces,
        replaced_by,
        replacement_candidates,
        sandbox,
        events,
    })
}

pub fn developer_engagements(
    conn: &mut DbConn,
    developer_id: i32,
    now: NaiveDateTime,
) -> Result<Vec<(EngagementView, Vec<hour_log::HourLogRow>)>, BillingError> {
    let rows: Vec<(EngagementRow, engagement::Names)> =
        engagement::for_developer_with_names(conn, developer_id)?
            .into_iter()
            .filter(|(r, _)| status_of(r) != EngagementStatus::PendingCheckout)
            .collect();
    let ids: Vec<i32> = rows.iter().map(|(r, _)| r.id).collect();
    let logs = hour_log::for_engagements(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|(row, names)| {
            let own: Vec<_> = logs
                .iter()
                .filter(|l| l.engagement_id == row.id)
                .cloned()
                .collect();
            (view_with(row, names, &logs, true, now), own)
        })
        .collect())
}

pub struct BillingOverview {
    pub invoices: Vec<(InvoiceRow, String)>,
    pub has_customer: bool,
    pub payment_failed: bool,
    pub card_last4: Option<String>,
}

pub fn company_billing(
    conn: &mut DbConn,
    company_id: i32,
) -> Result<BillingOverview, BillingError> {
    let c = company::find(conn, company_id)?;
    let engagements = engagement::for_company(conn, company_id)?;
    let mut names: HashMap<i32, String> = HashMap::new();
    let mut card_last4 = None;
    for e in &engagements {
        let d = developer::find(conn, e.developer_id)?;
        names.insert(e.id, developer_name(&d, true));
        if card_last4.is_none()
            && let Some(sub) = sandbox_subscription::for_engagement(conn, e.id)?
        {
            card_last4 = Some(sub.card_last4);
        }
    }
    let invoices = invoice::for_company(conn, company_id)?
        .into_iter()
        .map(|inv| {
            let name = names.get(&inv.engagement_id).cloned().unwrap_or_default();
            (inv, name)
        })
        .collect();
    Ok(BillingOverview {
        invoices,
        has_customer: c.stripe_customer_id.is_some(),
        payment_failed: payment_failed(conn, company_id)?,
        card_last4,
    })
}

/// The company's payment-failed banner: an open invoice whose payment failed, or an
/// engagement Stripe reports past due.
pub fn payment_failed(conn: &mut DbConn, company_id: i32) -> diesel::QueryResult<bool> {
    // Runs for every company member's request (the banner): two counts on indexes.
    Ok(invoice::failed_open_for_company(conn, company_id)? > 0
        || engagement::count_for_company_with_status(conn, company_id, "past_due")? > 0)
}

/// The engagement a checkout session belongs to, if it is this company's.
pub fn company_engagement_by_checkout(
    conn: &mut DbConn,
    company_id: i32,
    session_id: &str,
    now: NaiveDateTime,
) -> Result<EngagementDetail, BillingError> {
    let row = engagement::find_by_checkout_session(conn, session_id)?
        .filter(|e| e.company_id == company_id)
        .ok_or(BillingError::NotFound)?;
    detail(conn, row, now)
}

/// The admin dashboard's billing figures.
#[derive(Debug, Clone, Default)]
pub struct BillingMetrics {
    pub mrr: Money,
    pub trials_running: i64,
    pub trials_ending_soon: i64,
    pub active: i64,
    pub past_due: i64,
    pub converted: i64,
    pub finished_trials: i64,
}

impl BillingMetrics {
    /// Trial → paid conversion in percent, once a trial has finished.
    pub fn conversion_percent(&self) -> Option<i64> {
        (self.finished_trials > 0).then(|| self.converted * 100 / self.finished_trials)
    }
}

pub fn metrics(conn: &mut DbConn, now: NaiveDateTime) -> Result<BillingMetrics, BillingError> {
    let (converted, finished_trials) = engagement::trial_outcomes(conn)?;
    Ok(BillingMetrics {
        mrr: Money::from_cents(engagement::monthly_recurring_cents(conn)?),
        trials_running: engagement::count_by_status(conn, "trialing")?,
        trials_ending_soon: engagement::trials_ending_before(
            conn,
            now + Duration::days(sandbox::TRIAL_REMINDER_DAYS),
        )?,
        active: engagement::count_by_status(conn, "active")?
            + engagement::count_by_status(conn, "ending")?,
        past_due: engagement::count_by_status(conn, "past_due")?,
        converted,
        finished_trials,
    })
}

pub fn admin_list(
    conn: &mut DbConn,
    status: Option<EngagementStatus>,
) -> Result<Vec<(EngagementRow, String, String)>, BillingError> {
    Ok(
        engagement::list_all(conn, status.map(EngagementStatus::as_str), 200)?
            .into_iter()
            .map(|(row, company, first, last)| (row, company, format!("{first} {last}")))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_are_quarter_hours_between_zero_and_eighty() {
        assert_eq!(parse_hours("38"), Ok(38 * 60));
        assert_eq!(parse_hours("7.5"), Ok(450));
        assert_eq!(parse_hours("7,25"), Ok(435));
        assert_eq!(parse_hours("1.1"), Ok(60));
        assert!(parse_hours("-1").is_err());
        assert!(parse_hours("81").is_err());
        assert!(parse_hours("lots").is_err());
        assert!(parse_hours("NaN").is_err());
    }

    #[test]
    fn weeks_start_on_monday() {
        let wednesday = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        assert_eq!(
            week_start(wednesday),
            NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
        );
        assert_eq!(week_start(week_start(wednesday)), week_start(wednesday));
    }

    #[test]
    fn a_replacement_keeps_what_is_left_of_the_trial() {
        let now = NaiveDate::from_ymd_opt(2026, 11, 23)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap();
        assert_eq!(remaining_trial_days(None, now), 14);
        assert_eq!(
            remaining_trial_days(Some(now + Duration::hours(36)), now),
            2
        );
        assert_eq!(remaining_trial_days(Some(now - Duration::hours(1)), now), 1);
        assert_eq!(
            remaining_trial_days(Some(now + Duration::days(30)), now),
            14
        );
    }

    #[test]
    fn a_week_across_two_months_counts_towards_each_by_its_working_days() {
        let log = |week: (i32, u32, u32), minutes| hour_log::HourLogRow {
            id: 1,
            engagement_id: 1,
            week_start: NaiveDate::from_ymd_opt(week.0, week.1, week.2).unwrap(),
            minutes,
            note: String::new(),
            created_at: NaiveDateTime::default(),
            updated_at: NaiveDateTime::default(),
        };
        let dec_2 = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let nov_30 = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        // Monday 30 November: one working day in November, four in December.
        let logs = [log((2026, 11, 30), 40 * 60), log((2026, 11, 23), 40 * 60)];
        assert_eq!(minutes_this_month(&logs, dec_2), 32 * 60);
        assert_eq!(minutes_this_month(&logs, nov_30), 48 * 60);
        // A week inside one month counts whole.
        assert_eq!(minutes_this_month(&[log((2026, 12, 7), 600)], dec_2), 600);
    }

    #[test]
    fn minutes_read_as_hours() {
        assert_eq!(format_minutes(2400), "40");
        assert_eq!(format_minutes(450), "7.5");
        assert_eq!(format_minutes(435), "7.25");
    }
}
