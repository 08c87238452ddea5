//! Billing, one subsystem: trials and monthly billing (issues 8 and 14). This file holds
//! the billing event types, the [`Gateway`] and the errors and helpers the use cases share.
//!
//! * [`stripe`] talks to Stripe (customers, Checkout, the customer portal, cancellations,
//!   `ladder billing sync-prices`) through async-stripe, and [`webhook`] verifies Stripe's
//!   webhook signatures and turns Stripe's event objects into a [`BillingEvent`].
//! * [`sandbox`] is the embedded default (no Stripe key): a local checkout page and a
//!   simulated subscription that emit the same [`BillingEvent`]s.
//! * [`state`] moves an engagement with [`state::next`]: a pure function of the stored
//!   state and the object's own status and timestamps, so duplicated and out-of-order
//!   events converge; [`capacity`] is the rule for how many engagements a developer holds.
//!
//! The use cases, one file per concern: `booking`, `checkout`, `events` (every transition
//! goes through [`apply_event`], whether the event came from Stripe's webhook, from a
//! Stripe API answer, or from the sandbox; it dedupes by event id), `invoices`, `notify`
//! (emails), `cancel` (cancel and replace), `hours`, `read_models` (what pages show) and
//! `sandbox_gateway` (the sandbox gateway and its clock).
//!
//! Money-moving requests are idempotent: a booking carries a key from its form, so a
//! double click finds the engagement the first click made; the checkout session is stored
//! once and reused. Calls to Stripe happen outside database transactions (DESIGN §6);
//! what they return is written afterwards with conditional updates.
//!
//! Billing imports nothing from `services`: services (accounts, seeds) call into billing,
//! never the reverse.

pub mod capacity;
pub mod sandbox;
pub mod state;
pub mod stripe;
pub mod webhook;

mod booking;
mod cancel;
mod checkout;
mod events;
mod hours;
mod invoices;
mod notify;
mod read_models;
mod sandbox_gateway;

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};

use crate::db::{Db, DbConn, write_transaction};
use crate::domain::{Commitment, Level, Money, TRIAL_DAYS};
pub use crate::domain::{InvoiceStatus, SubscriptionStatus};
use crate::error::InfraError;
use crate::mail::Outbox;
use crate::models::engagement::{EngagementRow, NewEngagement, StateChange};
use crate::models::invoice::{InvoiceFields, InvoiceRow};
use crate::models::{
    self, audit, billing_event, company, company_member, developer, engagement, engagement_notice,
    hour_log, installation, invoice, plan, sandbox_subscription, user,
};
use crate::queue::{self, Enqueue, Job};
use sandbox::Card;
use state::{EngagementStatus, Stored};
use stripe::{CheckoutRequest, StripeError};

pub use booking::*;
pub use cancel::*;
pub use checkout::*;
pub use events::*;
pub use hours::*;
use invoices::*;
use notify::*;
pub use read_models::*;
pub use sandbox_gateway::*;

/// One billing event, whichever side produced it. `id` is Stripe's event id (`evt_…`) or
/// a sandbox id (`evt_sandbox_…`); `created` is when the event (and so the object state it
/// carries) was created at the source, never when it arrived.
#[derive(Debug, Clone, PartialEq)]
pub struct BillingEvent {
    pub id: String,
    /// The source's event type, e.g. `customer.subscription.updated`.
    pub event_type: String,
    pub created: NaiveDateTime,
    pub kind: EventKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum EventKind {
    /// `checkout.session.completed`.
    CheckoutCompleted(CheckoutCompleted),
    /// `checkout.session.expired`: the session can no longer be paid.
    CheckoutExpired(CheckoutCompleted),
    /// `customer.subscription.created`, `.updated`, `.deleted` (and anything else that
    /// carries a whole subscription).
    Subscription(SubscriptionSnapshot),
    /// `customer.subscription.trial_will_end`.
    TrialWillEnd(SubscriptionSnapshot),
    /// `invoice.paid`.
    InvoicePaid(InvoiceSnapshot),
    /// `invoice.payment_failed`.
    InvoicePaymentFailed(InvoiceSnapshot),
    /// `invoice.voided`, `invoice.marked_uncollectible`: the invoice is closed unpaid.
    InvoiceClosed(InvoiceSnapshot),
    /// An event type we don't act on; recorded and acknowledged.
    Ignored,
    /// An event we act on whose object holds a value we don't know (a status Stripe added
    /// after this code was written): logged, recorded as ignored with the reason, and
    /// acknowledged, never stored half-understood.
    Unreadable(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct CheckoutCompleted {
    pub session_id: String,
    /// From `client_reference_id`, or `metadata.engagement_id`.
    pub engagement_id: Option<i32>,
    pub customer_id: Option<String>,
    pub subscription_id: Option<String>,
}

/// The parts of a Stripe subscription the engagement mirrors.
#[derive(Debug, Clone, PartialEq)]
pub struct SubscriptionSnapshot {
    pub id: String,
    pub customer_id: String,
    pub status: SubscriptionStatus,
    /// `metadata.engagement_id`.
    pub engagement_id: Option<i32>,
    pub trial_end: Option<NaiveDateTime>,
    /// From the first subscription item (Stripe moved the period onto items).
    pub current_period_end: Option<NaiveDateTime>,
    pub cancel_at_period_end: bool,
    /// A set end date (`cancel_at`): the portal's "cancel on a date", and what Stripe
    /// also sets when `cancel_at_period_end` is true.
    pub cancel_at: Option<NaiveDateTime>,
    pub canceled_at: Option<NaiveDateTime>,
    pub ended_at: Option<NaiveDateTime>,
}

impl SubscriptionSnapshot {
    /// Set to stop: at the period's end or on a date. Stripe's object is the truth, so a
    /// renewal in the portal (both cleared) makes the engagement cancellable again.
    pub fn is_cancelling(&self) -> bool {
        self.cancel_at_period_end || self.cancel_at.is_some()
    }
}

/// The parts of a Stripe invoice we mirror in `invoices`.
#[derive(Debug, Clone, PartialEq)]
pub struct InvoiceSnapshot {
    pub id: String,
    pub number: Option<String>,
    pub customer_id: String,
    /// The subscription the invoice bills (`parent.subscription_details.subscription`).
    pub subscription_id: Option<String>,
    /// `parent.subscription_details.metadata.engagement_id`, when present.
    pub engagement_id: Option<i32>,
    /// Parsed where the invoice comes in; a status Stripe adds later makes the event
    /// [`EventKind::Unreadable`] instead.
    pub status: InvoiceStatus,
    pub amount_due_cents: i64,
    pub amount_paid_cents: i64,
    pub currency: String,
    /// The billed service period: from the invoice's subscription line items
    /// (`lines.data[].period`), not `invoice.period_*` (the window for adding items,
    /// which looks back one period).
    pub period_start: NaiveDateTime,
    pub period_end: NaiveDateTime,
    pub hosted_invoice_url: Option<String>,
    pub attempt_count: i32,
    pub created: NaiveDateTime,
}

/// A Unix timestamp (seconds) as stored: naive UTC.
pub fn from_unix(seconds: i64) -> NaiveDateTime {
    chrono::DateTime::from_timestamp(seconds, 0)
        .unwrap_or_default()
        .naive_utc()
}

/// Who takes the money: Stripe when its settings are present, else the sandbox.
#[derive(Clone)]
pub enum Gateway {
    Sandbox,
    Stripe(Box<stripe::StripeClient>),
}

impl Gateway {
    pub fn from_settings(settings: &crate::config::Settings) -> Self {
        match &settings.stripe {
            Some(stripe_settings) => {
                Gateway::Stripe(Box::new(stripe::StripeClient::new(stripe_settings)))
            }
            None => Gateway::Sandbox,
        }
    }

    pub fn is_sandbox(&self) -> bool {
        matches!(self, Gateway::Sandbox)
    }
}

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
    #[error("{0}")]
    StripeUnavailable(#[source] StripeError),
    #[error("{0}")]
    Stripe(#[source] StripeError),
    /// Stripe's price differs from the engagement's snapshot: checkout is refused (never a
    /// different charge) and the admins see why in the audit log.
    #[error("{0}")]
    PriceMismatch(String),
    #[error(transparent)]
    Infra(#[from] InfraError),
}

crate::infra_error!(BillingError, not_found = BillingError::NotFound);

impl From<StripeError> for BillingError {
    fn from(e: StripeError) -> Self {
        match e {
            e @ StripeError::Unavailable(_) => BillingError::StripeUnavailable(e),
            e @ StripeError::Api { .. } => BillingError::Stripe(e),
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
    matches!(e, BillingError::Infra(e) if e.is_unique_violation())
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
        crate::domain::profile::display_name(first_name, &initial)
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
