//! Stripe's API through async-stripe: customers, Checkout Sessions, the customer portal,
//! cancellations and `ladder billing sync-prices`. Every call has a timeout and runs
//! outside any database transaction; callers store what comes back.
//!
//! Customers and Checkout Sessions carry an `Idempotency-Key` made by the caller from this
//! installation's id and the intent, so a retried booking or a double click gets Stripe's
//! first answer back instead of a second object, and another database on the same Stripe
//! account never gets ours; Stripe's 409 ("a request with this key is in progress") is
//! retried with backoff. Products are created under a fixed id (the plan's lookup key).
//!
//! Checkout looks the plan's price up at Stripe every time (no cache: a price replaced by
//! `sync-prices` in another process is seen at once) and refuses a price whose amount,
//! currency or interval differ from the engagement's snapshot.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use ::stripe::{Client, ClientBuilder, IdempotencyKey, RequestStrategy, StripeRequest};
use stripe_billing::billing_portal_session::CreateBillingPortalSession;
use stripe_billing::subscription::{CancelSubscription, UpdateSubscription};
use stripe_billing::{Subscription, SubscriptionStatus as StripeSubscriptionStatus};
use stripe_checkout::CheckoutSessionMode;
use stripe_checkout::checkout_session::{
    CreateCheckoutSession, CreateCheckoutSessionLineItems,
    CreateCheckoutSessionPaymentMethodCollection, CreateCheckoutSessionSubscriptionData,
    ExpireCheckoutSession,
};
use stripe_core::customer::CreateCustomer;
use stripe_product::price::{
    CreatePrice, CreatePriceRecurring, CreatePriceRecurringInterval, ListPrice,
};
use stripe_product::product::CreateProduct;
use stripe_product::{Price, RecurringInterval};

use crate::billing::{SubscriptionSnapshot, SubscriptionStatus, from_unix};
use crate::config::StripeSettings;

/// How long one call to Stripe may take before the user is told to try again.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Stripe answers 409 while another request with the same idempotency key is in flight:
/// wait this long, doubling, up to [`CONFLICT_RETRIES`] times.
const CONFLICT_FIRST_DELAY: Duration = Duration::from_millis(200);
const CONFLICT_RETRIES: u32 = 4;

/// What async-stripe reported (Stripe's status and error object, or the transport's
/// failure), kept whole as the source of a [`StripeError`].
pub type Cause = Box<dyn std::error::Error + Send + Sync>;

#[derive(Debug, thiserror::Error)]
pub enum StripeError {
    /// Stripe could not be reached or timed out, or answered 5xx/429: the user should try
    /// again.
    #[error("Stripe is unreachable: {}", unreachable_detail(.0))]
    Unavailable(#[source] ::stripe::StripeError),
    /// Stripe answered with an error (bad request, missing price, …), or the request could
    /// not be made; `message` is Stripe's own when it gave one.
    #[error("Stripe refused the request: {message}")]
    Api {
        message: String,
        #[source]
        source: Option<Cause>,
    },
    /// Stripe's price for the plan is not what the engagement was booked at.
    #[error("{0}")]
    PriceMismatch(String),
}

impl StripeError {
    /// A refusal of Ladder's own making (no answer from Stripe behind it).
    fn api(message: impl Into<String>) -> Self {
        StripeError::Api {
            message: message.into(),
            source: None,
        }
    }

    /// The HTTP status Stripe answered with, if it answered.
    pub fn status(&self) -> Option<u16> {
        let answer = match self {
            StripeError::Unavailable(e) => Some(e),
            StripeError::Api { source, .. } => source
                .as_deref()
                .and_then(|e| e.downcast_ref::<::stripe::StripeError>()),
            StripeError::PriceMismatch(_) => None,
        };
        match answer {
            Some(::stripe::StripeError::Stripe(_, status)) => Some(*status),
            _ => None,
        }
    }

    /// What went wrong without the "Stripe is unreachable/refused" lead (shown on pages).
    pub fn detail(&self) -> String {
        match self {
            StripeError::Unavailable(e) => unreachable_detail(e),
            StripeError::Api { message, .. } => message.clone(),
            StripeError::PriceMismatch(why) => why.clone(),
        }
    }
}

fn unreachable_detail(error: &::stripe::StripeError) -> String {
    match error {
        ::stripe::StripeError::Stripe(api, status) => {
            format!("Stripe answered {status}: {}", api_message(api, *status))
        }
        ::stripe::StripeError::Timeout => "the request timed out".into(),
        other => other.to_string(),
    }
}

fn api_message(api: &::stripe::ApiErrors, status: u16) -> String {
    api.message
        .clone()
        .unwrap_or_else(|| format!("{} ({status})", api.type_.as_str()))
}

/// What a Checkout Session for one engagement needs.
#[derive(Debug, Clone)]
pub struct CheckoutRequest {
    pub engagement_id: i32,
    pub company_id: i32,
    pub customer_id: String,
    /// The plan's `stripe_lookup_key`, e.g. `ladder_l2_full_time`.
    pub lookup_key: String,
    /// The engagement's price snapshot: Stripe's price must be exactly this, monthly.
    pub unit_amount_cents: i64,
    pub currency: String,
    pub trial_days: u32,
    /// An exact trial end (a replacement keeps what was left of the replaced trial);
    /// replaces `trial_days` when set. Stripe wants it at least 48 hours ahead.
    pub trial_end: Option<i64>,
    pub success_url: String,
    pub cancel_url: String,
    /// Sent as Stripe's `Idempotency-Key`: a resubmitted booking gets the same session.
    pub idempotency_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutSession {
    pub id: String,
    pub url: String,
    /// When Stripe expires the session (Unix seconds).
    pub expires_at: i64,
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
    /// `Err` holds why the settings could not make a client (never the key itself); every
    /// call then fails with [`StripeError::Api`] instead of `new` panicking at startup.
    client: Result<Client, Arc<::stripe::StripeError>>,
}

impl std::fmt::Debug for StripeClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeClient").finish_non_exhaustive()
    }
}

impl StripeClient {
    pub fn new(settings: &StripeSettings) -> Self {
        Self::with_timeout(settings, DEFAULT_TIMEOUT)
    }

    /// As [`StripeClient::new`] with another per-request timeout (tests use a short one).
    pub fn with_timeout(settings: &StripeSettings, timeout: Duration) -> Self {
        let mut builder = ClientBuilder::new(settings.secret_key.expose())
            .timeout(timeout)
            .app_info("ladder", Some(env!("CARGO_PKG_VERSION").to_owned()), None);
        if let Some(base) = &settings.api_base {
            // async-stripe appends `v1/…` to the base, so it must end with a slash.
            let mut base = base.to_string();
            if !base.ends_with('/') {
                base.push('/');
            }
            builder = builder.url(base);
        }
        StripeClient {
            client: builder.build().map_err(Arc::new),
        }
    }

    fn client(&self) -> Result<&Client, StripeError> {
        self.client.as_ref().map_err(|e| StripeError::Api {
            message: "the Stripe settings are unusable".into(),
            source: Some(Box::new(Arc::clone(e))),
        })
    }

    /// Creates the company's Stripe customer; `idempotency_key` names the installation and
    /// the company, so a retry finds the same customer.
    pub async fn create_customer(
        &self,
        idempotency_key: &str,
        company_id: i32,
        name: &str,
        email: &str,
    ) -> Result<String, StripeError> {
        let client = self.client()?;
        let strategy = idempotent(idempotency_key)?;
        let customer = retrying_conflicts(|| {
            CreateCustomer::new()
                .name(name)
                .email(email)
                .metadata(HashMap::from([(
                    "company_id".to_owned(),
                    company_id.to_string(),
                )]))
                .customize()
                .request_strategy(strategy.clone())
                .send(client)
        })
        .await
        .map_err(convert)?;
        Ok(customer.id.to_string())
    }

    /// Expires an open Checkout Session, so it can no longer be paid. Stripe refuses one
    /// that is not open (completed or already expired).
    pub async fn expire_checkout_session(&self, session_id: &str) -> Result<(), StripeError> {
        ExpireCheckoutSession::new(session_id)
            .send(self.client()?)
            .await
            .map_err(convert)?;
        Ok(())
    }

    pub async fn create_checkout_session(
        &self,
        request: &CheckoutRequest,
    ) -> Result<CheckoutSession, StripeError> {
        let price = self
            .checked_price(
                &request.lookup_key,
                request.unit_amount_cents,
                &request.currency,
            )
            .await?;
        let engagement = request.engagement_id.to_string();
        let metadata = HashMap::from([
            ("engagement_id".to_owned(), engagement.clone()),
            ("company_id".to_owned(), request.company_id.to_string()),
        ]);
        let line_item = CreateCheckoutSessionLineItems {
            price: Some(price),
            quantity: Some(1),
            ..CreateCheckoutSessionLineItems::new()
        };
        let subscription_data = CreateCheckoutSessionSubscriptionData {
            trial_period_days: match request.trial_end {
                Some(_) => None,
                None => Some(request.trial_days),
            },
            trial_end: request.trial_end,
            metadata: Some(metadata.clone()),
            ..CreateCheckoutSessionSubscriptionData::new()
        };
        let client = self.client()?;
        let strategy = idempotent(&request.idempotency_key)?;
        let session = retrying_conflicts(|| {
            CreateCheckoutSession::new()
                .mode(CheckoutSessionMode::Subscription)
                .customer(request.customer_id.as_str())
                .client_reference_id(engagement.as_str())
                .metadata(metadata.clone())
                .line_items(vec![line_item.clone()])
                .subscription_data(subscription_data.clone())
                .payment_method_collection(CreateCheckoutSessionPaymentMethodCollection::Always)
                .success_url(request.success_url.as_str())
                .cancel_url(request.cancel_url.as_str())
                .customize()
                .request_strategy(strategy.clone())
                .send(client)
        })
        .await
        .map_err(convert)?;
        let url = session
            .url
            .ok_or_else(|| StripeError::api("Stripe returned a Checkout Session without a URL"))?;
        Ok(CheckoutSession {
            id: session.id.to_string(),
            url,
            expires_at: session.expires_at,
        })
    }

    /// The customer portal's URL for one visit.
    pub async fn create_portal_session(
        &self,
        customer_id: &str,
        return_url: &str,
    ) -> Result<String, StripeError> {
        let session = CreateBillingPortalSession::new()
            .customer(customer_id)
            .return_url(return_url)
            .send(self.client()?)
            .await
            .map_err(convert)?;
        Ok(session.url)
    }

    /// Cancels at once (during the trial: nothing is charged).
    pub async fn cancel_subscription_now(
        &self,
        subscription_id: &str,
    ) -> Result<SubscriptionSnapshot, StripeError> {
        let subscription = CancelSubscription::new(subscription_id)
            .invoice_now(false)
            .prorate(false)
            .send(self.client()?)
            .await
            .map_err(convert)?;
        Ok(subscription_snapshot(&subscription))
    }

    /// Ends at the current period's end (`cancel_at_period_end = true`).
    pub async fn cancel_at_period_end(
        &self,
        subscription_id: &str,
    ) -> Result<SubscriptionSnapshot, StripeError> {
        let subscription = UpdateSubscription::new(subscription_id)
            .cancel_at_period_end(true)
            .send(self.client()?)
            .await
            .map_err(convert)?;
        Ok(subscription_snapshot(&subscription))
    }

    /// Makes sure every plan has an active monthly price under its lookup key: an
    /// identical price is left alone, a missing one is created, one at another amount or
    /// currency is replaced by a new price that takes the key over (`transfer_lookup_key`);
    /// subscriptions on the old price keep it.
    pub async fn sync_prices(&self, plans: &[PlanPrice]) -> Result<SyncReport, StripeError> {
        let mut report = SyncReport::default();
        for plan in plans {
            let currency = plan.currency.to_lowercase();
            let existing = self.find_price(&plan.lookup_key).await?;
            if let Some(price) = &existing
                && price_matches(price, plan.unit_amount_cents, &currency)
            {
                report.unchanged.push(plan.lookup_key.clone());
                continue;
            }
            let product = match &existing {
                Some(price) => price.product.id().to_string(),
                None => self.ensure_product(plan).await?,
            };
            let created = CreatePrice::new(
                currency
                    .parse::<stripe_types::Currency>()
                    .map_err(|_| StripeError::api(format!("unknown currency `{currency}`")))?,
            )
            .product(product)
            .unit_amount(plan.unit_amount_cents)
            .recurring(CreatePriceRecurring::new(
                CreatePriceRecurringInterval::Month,
            ))
            .lookup_key(plan.lookup_key.as_str())
            .transfer_lookup_key(true)
            .metadata(HashMap::from([(
                "lookup_key".to_owned(),
                plan.lookup_key.clone(),
            )]))
            // No Idempotency-Key: a replayed answer could hand back an older price that
            // has since lost the key (amount changed and changed back within 24 h); a
            // duplicate from a retried run is harmless, the newest price holds the key.
            .send(self.client()?)
            .await
            .map_err(convert)?;
            tracing::info!(lookup_key = %plan.lookup_key, price = %created.id, "price created");
            match existing {
                Some(_) => report.replaced.push(plan.lookup_key.clone()),
                None => report.created.push(plan.lookup_key.clone()),
            }
        }
        Ok(report)
    }

    /// The product a plan's prices hang off. Its id is the lookup key, so a second run (or
    /// a run after a price creation failed) finds it instead of making a duplicate.
    async fn ensure_product(&self, plan: &PlanPrice) -> Result<String, StripeError> {
        let created = CreateProduct::new(plan.product_name.as_str())
            .id(plan.lookup_key.as_str())
            .metadata(HashMap::from([(
                "lookup_key".to_owned(),
                plan.lookup_key.clone(),
            )]))
            .send(self.client()?)
            .await;
        match created {
            Ok(product) => Ok(product.id.to_string()),
            Err(::stripe::StripeError::Stripe(error, _))
                if error
                    .code
                    .as_ref()
                    .is_some_and(|c| c.as_str() == "resource_already_exists") =>
            {
                Ok(plan.lookup_key.clone())
            }
            Err(e) => Err(convert(e)),
        }
    }

    /// The price holding `lookup_key` now, if it charges exactly `unit_amount` in
    /// `currency` every month.
    async fn checked_price(
        &self,
        lookup_key: &str,
        unit_amount: i64,
        currency: &str,
    ) -> Result<String, StripeError> {
        let Some(price) = self.find_price(lookup_key).await? else {
            return Err(StripeError::api(format!(
                "no active price with lookup key `{lookup_key}`; run `ladder billing sync-prices`"
            )));
        };
        if !price_matches(&price, unit_amount, &currency.to_lowercase()) {
            return Err(StripeError::PriceMismatch(format!(
                "Stripe's price {} for `{lookup_key}` charges {} {} every {} {:?}, but the booking was made at {unit_amount} {} a month",
                price.id,
                price
                    .unit_amount
                    .map_or_else(|| "?".to_owned(), |a| a.to_string()),
                price.currency,
                price.recurring.as_ref().map_or(0, |r| r.interval_count),
                price.recurring.as_ref().map(|r| r.interval.as_str()),
                currency.to_lowercase(),
            )));
        }
        Ok(price.id.to_string())
    }

    async fn find_price(&self, lookup_key: &str) -> Result<Option<Price>, StripeError> {
        let list = ListPrice::new()
            .lookup_keys(vec![lookup_key.to_owned()])
            .active(true)
            .send(self.client()?)
            .await
            .map_err(convert)?;
        Ok(list
            .data
            .into_iter()
            .find(|p| p.lookup_key.as_deref() == Some(lookup_key)))
    }
}

/// Sends again while Stripe answers 409 (another request with the same idempotency key is
/// still in flight: a double click, two processes), waiting 0.2 s, 0.4 s, 0.8 s, 1.6 s.
async fn retrying_conflicts<T, F, Fut>(mut send: F) -> Result<T, ::stripe::StripeError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ::stripe::StripeError>>,
{
    let mut delay = CONFLICT_FIRST_DELAY;
    for _ in 0..CONFLICT_RETRIES {
        match send().await {
            Err(::stripe::StripeError::Stripe(_, 409)) => {
                tracing::info!(?delay, "Stripe: idempotent request in progress; retrying");
                tokio::time::sleep(delay).await;
                delay *= 2;
            }
            other => return other,
        }
    }
    send().await
}

fn idempotent(key: &str) -> Result<RequestStrategy, StripeError> {
    IdempotencyKey::new(key)
        .map(RequestStrategy::Idempotent)
        .map_err(|e| StripeError::Api {
            message: "bad idempotency key".into(),
            source: Some(Box::new(e)),
        })
}

fn price_matches(price: &Price, unit_amount: i64, currency: &str) -> bool {
    price.active
        && price.unit_amount == Some(unit_amount)
        && price.currency.to_string() == currency
        && price
            .recurring
            .as_ref()
            .is_some_and(|r| r.interval == RecurringInterval::Month && r.interval_count == 1)
}

/// Transport trouble (refused, reset, timed out) and Stripe's own 5xx/429 mean "try again";
/// any other answer from Stripe is a refusal with Stripe's message.
fn convert(error: ::stripe::StripeError) -> StripeError {
    let message = match &error {
        ::stripe::StripeError::Stripe(_, status) if *status >= 500 || *status == 429 => {
            return StripeError::Unavailable(error);
        }
        ::stripe::StripeError::Timeout | ::stripe::StripeError::ClientError(_) => {
            return StripeError::Unavailable(error);
        }
        ::stripe::StripeError::Stripe(api, status) => api_message(api, *status),
        ::stripe::StripeError::JSONDeserialize(e) => format!("unreadable answer from Stripe: {e}"),
        ::stripe::StripeError::ConfigError(e) => e.clone(),
    };
    StripeError::Api {
        message,
        source: Some(Box::new(error)),
    }
}

/// The engagement's view of a Stripe subscription. The billing period lives on the items
/// in this API version; an engagement has exactly one item.
pub fn subscription_snapshot(subscription: &Subscription) -> SubscriptionSnapshot {
    SubscriptionSnapshot {
        id: subscription.id.to_string(),
        customer_id: subscription.customer.id().to_string(),
        status: status(&subscription.status),
        engagement_id: subscription
            .metadata
            .get("engagement_id")
            .and_then(|v| v.trim().parse().ok()),
        trial_end: subscription.trial_end.map(from_unix),
        current_period_end: subscription
            .items
            .data
            .first()
            .map(|item| from_unix(item.current_period_end)),
        cancel_at_period_end: subscription.cancel_at_period_end,
        cancel_at: subscription.cancel_at.map(from_unix),
        canceled_at: subscription.canceled_at.map(from_unix),
        ended_at: subscription.ended_at.map(from_unix),
    }
}

/// Stripe's status; one we don't know yet (a future API version) reads as `incomplete`,
/// which the state machine treats as "not paid, not over".
fn status(status: &StripeSubscriptionStatus) -> SubscriptionStatus {
    SubscriptionStatus::parse(status.as_str()).unwrap_or(SubscriptionStatus::Incomplete)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;

    #[tokio::test]
    async fn unusable_settings_fail_each_call_without_echoing_the_key() {
        let settings = StripeSettings {
            secret_key: Secret::new("sk_test_bad\nkey"),
            webhook_secret: Secret::new("whsec_test"),
            api_base: None,
        };
        let client = StripeClient::new(&settings);
        let error = client
            .create_portal_session("cus_1", "http://127.0.0.1:8080/billing")
            .await
            .unwrap_err();
        assert!(matches!(error, StripeError::Api { .. }), "{error}");
        assert!(!error.to_string().contains("sk_test_bad"), "{error}");
        assert!(!format!("{client:?}").contains("sk_test_bad"));
    }

    #[test]
    fn transport_failures_are_unavailable_and_refusals_are_api_errors() {
        assert!(matches!(
            convert(::stripe::StripeError::Timeout),
            StripeError::Unavailable(_)
        ));
        assert!(matches!(
            convert(::stripe::StripeError::ClientError(
                "connection refused".into()
            )),
            StripeError::Unavailable(_)
        ));
        assert!(matches!(
            convert(::stripe::StripeError::JSONDeserialize("x".into())),
            StripeError::Api { .. }
        ));
    }
}
