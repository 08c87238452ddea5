//! Stripe's API through async-stripe: customers, Checkout Sessions, the customer portal,
//! cancellations and `ladder billing sync-prices`. Every call has a timeout and runs
//! outside any database transaction; callers store what comes back.
//!
//! INTERFACE ONLY — implemented on the `stripe` branch.

use crate::billing::SubscriptionSnapshot;
use crate::config::StripeSettings;

#[derive(Debug, thiserror::Error)]
pub enum StripeError {
    /// Stripe could not be reached or timed out: the user should try again.
    #[error("Stripe is unreachable: {0}")]
    Unavailable(String),
    /// Stripe answered with an error (bad request, missing price, …).
    #[error("Stripe refused the request: {0}")]
    Api(String),
}

/// What a Checkout Session for one engagement needs.
#[derive(Debug, Clone)]
pub struct CheckoutRequest {
    pub engagement_id: i32,
    pub company_id: i32,
    pub customer_id: String,
    /// The plan's `stripe_lookup_key`, e.g. `ladder_l2_full_time`.
    pub lookup_key: String,
    pub trial_days: u32,
    pub success_url: String,
    pub cancel_url: String,
    /// Sent as Stripe's `Idempotency-Key`: a resubmitted booking gets the same session.
    pub idempotency_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutSession {
    pub id: String,
    pub url: String,
}

/// One plan as `sync-prices` needs it.
#[derive(Debug, Clone)]
pub struct PlanPrice {
    pub lookup_key: String,
    /// e.g. "Ladder L2 developer, full-time (160 h/month)".
    pub product_name: String,
    pub unit_amount_cents: i64,
    pub currency: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub created: Vec<String>,
    pub unchanged: Vec<String>,
    /// A price with the lookup key existed at another amount: a new price took the key over.
    pub replaced: Vec<String>,
}

#[derive(Clone)]
pub struct StripeClient {
    _settings: StripeSettings,
}

impl StripeClient {
    pub fn new(settings: &StripeSettings) -> Self {
        StripeClient {
            _settings: settings.clone(),
        }
    }

    /// Creates the company's Stripe customer (idempotent per company).
    pub async fn create_customer(
        &self,
        _company_id: i32,
        _name: &str,
        _email: &str,
    ) -> Result<String, StripeError> {
        Err(StripeError::Unavailable("not implemented".into()))
    }

    pub async fn create_checkout_session(
        &self,
        _request: &CheckoutRequest,
    ) -> Result<CheckoutSession, StripeError> {
        Err(StripeError::Unavailable("not implemented".into()))
    }

    /// The customer portal's URL for one visit.
    pub async fn create_portal_session(
        &self,
        _customer_id: &str,
        _return_url: &str,
    ) -> Result<String, StripeError> {
        Err(StripeError::Unavailable("not implemented".into()))
    }

    /// Cancels at once (during the trial: nothing is charged).
    pub async fn cancel_subscription_now(
        &self,
        _subscription_id: &str,
    ) -> Result<SubscriptionSnapshot, StripeError> {
        Err(StripeError::Unavailable("not implemented".into()))
    }

    /// Ends at the current period's end (`cancel_at_period_end = true`).
    pub async fn cancel_at_period_end(
        &self,
        _subscription_id: &str,
    ) -> Result<SubscriptionSnapshot, StripeError> {
        Err(StripeError::Unavailable("not implemented".into()))
    }

    pub async fn sync_prices(&self, _plans: &[PlanPrice]) -> Result<SyncReport, StripeError> {
        Err(StripeError::Unavailable("not implemented".into()))
    }
}
