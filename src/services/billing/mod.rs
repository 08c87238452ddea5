//! Trials and monthly billing (issue 8): booking, checkout, the events that move an
//! engagement, cancelling and replacing, hours, and what the pages show.
//!
//! Money-moving requests are idempotent: a booking carries a key from its form, so a
//! double click finds the engagement the first click made; the checkout session is stored
//! once and reused. Calls to Stripe happen outside database transactions (DESIGN §6);
//! what they return is written afterwards with conditional updates. Every engagement
//! transition goes through [`apply_event`], whether the event came from Stripe's webhook,
//! from a Stripe API answer, or from the sandbox.
//!
//! One file per concern: [`booking`], [`checkout`], [`events`] (and state), [`invoices`],
//! [`notify`] (emails), [`cancel`] (cancel and replace), [`hours`], [`read_models`] (what
//! pages show) and [`sandbox_gateway`] (the sandbox gateway and its clock).

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

mod booking;
mod cancel;
mod checkout;
mod events;
mod hours;
mod invoices;
mod notify;
mod read_models;
mod sandbox_gateway;

pub use booking::*;
pub use cancel::*;
pub use checkout::*;
pub use events::*;
pub use hours::*;
use invoices::*;
use notify::*;
pub use read_models::*;
pub use sandbox_gateway::*;

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

pub(super) fn refused(message: impl Into<String>) -> BillingError {
    BillingError::Refused(message.into())
}

/// The database already holds the row this insert wanted to make (DESIGN §6: found, not
/// a failure).
pub(super) fn is_unique_violation(e: &BillingError) -> bool {
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

pub(super) fn developer_name(d: &developer::DeveloperRow, full: bool) -> String {
    name_of(&d.first_name, &d.last_name, full)
}

/// "Ana Lima", or "Ana L." before the company has an engagement with her (DESIGN §2).
pub(super) fn name_of(first_name: &str, last_name: &str, full: bool) -> String {
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
