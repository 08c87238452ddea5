//! `/webhooks/stripe`: signature verification (async-stripe's `Webhook`) and the mapping
//! from Stripe's event objects to our [`BillingEvent`].
//!
//! INTERFACE ONLY — implemented on the `stripe` branch.

use crate::billing::BillingEvent;

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("missing Stripe-Signature header")]
    MissingSignature,
    #[error("bad signature")]
    BadSignature,
    #[error("signature timestamp outside the 5-minute tolerance")]
    Stale,
    #[error("unreadable event: {0}")]
    BadPayload(String),
}

/// Verifies `signature` (the `Stripe-Signature` header) over `payload` with `secret` and
/// parses the event. `now` is the Unix time to check the 5-minute tolerance against.
pub fn parse(
    _payload: &str,
    _signature: Option<&str>,
    _secret: &str,
    _now: i64,
) -> Result<BillingEvent, WebhookError> {
    Err(WebhookError::BadPayload("not implemented".into()))
}
