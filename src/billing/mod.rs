//! Billing: the engagement state machine and the two things that drive it.
//!
//! * [`stripe`] talks to Stripe (customers, Checkout, the customer portal, cancellations,
//!   `ladder billing sync-prices`) through async-stripe, and [`webhook`] verifies Stripe's
//!   webhook signatures and turns Stripe's event objects into a [`BillingEvent`].
//! * [`sandbox`] is the embedded default (no Stripe key): a local checkout page and a
//!   simulated subscription that emit the same [`BillingEvent`]s.
//!
//! Both feed `services::billing::apply_event`, which dedupes by event id and moves the
//! engagement with [`state::next`]: a pure function of the stored state and the object's
//! own status and timestamps, so duplicated and out-of-order events converge.

pub mod capacity;
pub mod sandbox;
pub mod state;
pub mod stripe;
pub mod webhook;

use chrono::NaiveDateTime;

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
}

#[derive(Debug, Clone, PartialEq)]
pub struct CheckoutCompleted {
    pub session_id: String,
    /// From `client_reference_id`, or `metadata.engagement_id`.
    pub engagement_id: Option<i32>,
    pub customer_id: Option<String>,
    pub subscription_id: Option<String>,
}

/// Stripe's subscription statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubscriptionStatus {
    Incomplete,
    IncompleteExpired,
    Trialing,
    Active,
    PastDue,
    Unpaid,
    Canceled,
    Paused,
}

impl SubscriptionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SubscriptionStatus::Incomplete => "incomplete",
            SubscriptionStatus::IncompleteExpired => "incomplete_expired",
            SubscriptionStatus::Trialing => "trialing",
            SubscriptionStatus::Active => "active",
            SubscriptionStatus::PastDue => "past_due",
            SubscriptionStatus::Unpaid => "unpaid",
            SubscriptionStatus::Canceled => "canceled",
            SubscriptionStatus::Paused => "paused",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "incomplete" => SubscriptionStatus::Incomplete,
            "incomplete_expired" => SubscriptionStatus::IncompleteExpired,
            "trialing" => SubscriptionStatus::Trialing,
            "active" => SubscriptionStatus::Active,
            "past_due" => SubscriptionStatus::PastDue,
            "unpaid" => SubscriptionStatus::Unpaid,
            "canceled" => SubscriptionStatus::Canceled,
            "paused" => SubscriptionStatus::Paused,
            _ => return None,
        })
    }

    /// The subscription still exists and may charge (everything but the two end states).
    pub fn is_live(self) -> bool {
        !matches!(
            self,
            SubscriptionStatus::Canceled | SubscriptionStatus::IncompleteExpired
        )
    }
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
    /// `draft`, `open`, `paid`, `uncollectible` or `void`.
    pub status: String,
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
