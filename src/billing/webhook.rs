//! `/webhooks/stripe`: signature verification (async-stripe's `Webhook`) and the mapping
//! from Stripe's event objects to our [`BillingEvent`].
//!
//! The signature (HMAC-SHA256 over `{t}.{payload}`) and its 5-minute tolerance are checked
//! by async-stripe before it reads the payload. It then deserialises the object into its
//! typed struct, which demands every field the API version it was generated from marks as
//! always present. A webhook endpoint pinned to an older API version, or a field Stripe
//! later drops, would make a genuine, correctly signed event unreadable and Stripe would
//! retry it for days. So when — and only when — verification has passed but the typed
//! read fails, the few fields we use are read leniently from the JSON. An unverified
//! payload never reaches either reader.
//!
//! Stripe's endpoint should be created with API version `2026-09-30.endive` (the one
//! async-stripe 1.0.0-rc.10 is generated from) so the typed read is the one that runs.
//! The tolerance is symmetric: a timestamp more than 5 minutes in the future is stale too.

use serde_json::Value;
use stripe_webhook::{EventObject, Webhook};

use crate::billing::stripe::subscription_snapshot;
use crate::billing::{
    BillingEvent, CheckoutCompleted, EventKind, InvoiceSnapshot, InvoiceStatus,
    SubscriptionSnapshot, SubscriptionStatus, from_unix,
};

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("missing Stripe-Signature header")]
    MissingSignature,
    #[error("bad signature")]
    BadSignature,
    #[error("signature timestamp outside the 5-minute tolerance")]
    Stale,
    #[error("unreadable event: not JSON")]
    NotJson(#[source] serde_json::Error),
    #[error("unreadable event: no {0} in it")]
    Missing(&'static str),
}

/// Verifies `signature` (the `Stripe-Signature` header) over `payload` with `secret` and
/// parses the event. `now` is the Unix time to check the 5-minute tolerance against.
pub fn parse(
    payload: &str,
    signature: Option<&str>,
    secret: &str,
    now: i64,
) -> Result<BillingEvent, WebhookError> {
    let signature = signature
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or(WebhookError::MissingSignature)?;
    match Webhook::construct_event_with_timestamp(payload, signature, secret, now) {
        Ok(event) => Ok(from_typed(event)),
        Err(stripe_webhook::WebhookError::BadTimestamp(_)) => Err(WebhookError::Stale),
        // async-stripe reports a parse failure only after the signature and the timestamp
        // have been accepted (a unit test below pins that order).
        Err(stripe_webhook::WebhookError::BadParse(reason)) => {
            tracing::warn!(%reason, "verified Stripe event did not fit async-stripe's types; reading it leniently");
            from_json(payload)
        }
        Err(
            stripe_webhook::WebhookError::BadSignature
            | stripe_webhook::WebhookError::BadHeader(_)
            | stripe_webhook::WebhookError::BadKey,
        ) => Err(WebhookError::BadSignature),
    }
}

fn from_typed(event: stripe_webhook::Event) -> BillingEvent {
    let kind = match event.data.object {
        EventObject::CheckoutSessionCompleted(session) => {
            let engagement_id = session
                .client_reference_id
                .as_deref()
                .and_then(parse_id)
                .or_else(|| {
                    session
                        .metadata
                        .as_ref()
                        .and_then(|m| m.get("engagement_id"))
                        .and_then(|v| parse_id(v))
                });
            EventKind::CheckoutCompleted(CheckoutCompleted {
                session_id: session.id.to_string(),
                engagement_id,
                customer_id: session.customer.as_ref().map(|c| c.id().to_string()),
                subscription_id: session.subscription.as_ref().map(|s| s.id().to_string()),
            })
        }
        EventObject::CheckoutSessionExpired(session) => {
            EventKind::CheckoutExpired(CheckoutCompleted {
                session_id: session.id.to_string(),
                engagement_id: session.client_reference_id.as_deref().and_then(parse_id),
                customer_id: session.customer.as_ref().map(|c| c.id().to_string()),
                subscription_id: None,
            })
        }
        EventObject::CustomerSubscriptionCreated(s)
        | EventObject::CustomerSubscriptionUpdated(s)
        | EventObject::CustomerSubscriptionDeleted(s)
        | EventObject::CustomerSubscriptionPaused(s)
        | EventObject::CustomerSubscriptionResumed(s)
        | EventObject::CustomerSubscriptionPendingUpdateApplied(s)
        | EventObject::CustomerSubscriptionPendingUpdateExpired(s) => {
            EventKind::Subscription(subscription_snapshot(&s))
        }
        EventObject::CustomerSubscriptionTrialWillEnd(s) => {
            EventKind::TrialWillEnd(subscription_snapshot(&s))
        }
        EventObject::InvoicePaid(invoice) => {
            invoice_kind(invoice_snapshot(&invoice), EventKind::InvoicePaid)
        }
        EventObject::InvoicePaymentFailed(invoice) => {
            invoice_kind(invoice_snapshot(&invoice), EventKind::InvoicePaymentFailed)
        }
        EventObject::InvoiceVoided(invoice) | EventObject::InvoiceMarkedUncollectible(invoice) => {
            invoice_kind(invoice_snapshot(&invoice), EventKind::InvoiceClosed)
        }
        _ => EventKind::Ignored,
    };
    BillingEvent {
        id: event.id.to_string(),
        event_type: event.type_.as_str().to_owned(),
        created: from_unix(event.created),
        kind,
    }
}

/// Stripe's invoice status, parsed where the invoice comes in. A missing one reads as
/// `draft`; one this code doesn't know (Stripe documents draft, open, paid, uncollectible
/// and void) is an error naming it.
fn invoice_status(status: Option<&str>) -> Result<InvoiceStatus, String> {
    match status {
        None => Ok(InvoiceStatus::Draft),
        Some(s) => s
            .parse()
            .map_err(|_| format!("invoice status `{s}` is not known")),
    }
}

/// An invoice event's kind; an invoice whose status isn't known is logged and made
/// [`EventKind::Unreadable`]: acknowledged and recorded as ignored, never a 500, never
/// stored as a status nothing reads.
fn invoice_kind(
    snapshot: Result<InvoiceSnapshot, String>,
    kind: fn(InvoiceSnapshot) -> EventKind,
) -> EventKind {
    match snapshot {
        Ok(snapshot) => kind(snapshot),
        Err(why) => {
            tracing::warn!(%why, "Stripe invoice event not applied");
            EventKind::Unreadable(why)
        }
    }
}

fn invoice_snapshot(invoice: &stripe_billing::Invoice) -> Result<InvoiceSnapshot, String> {
    let status = invoice_status(invoice.status.as_ref().map(|s| s.as_str()))?;
    let subscription_parent = invoice
        .parent
        .as_ref()
        .and_then(|p| p.subscription_details.as_ref());
    let engagement_id = subscription_parent
        .and_then(|d| d.metadata.as_ref())
        .and_then(|m| m.get("engagement_id"))
        .or_else(|| {
            invoice
                .lines
                .data
                .iter()
                .find_map(|line| line.metadata.get("engagement_id"))
        })
        .and_then(|v| parse_id(v));
    // The billed service period is on the subscription's line items; `invoice.period_*`
    // is the window for adding items (it looks back one period), the fallback only.
    let subscription_lines: Vec<(i64, i64)> = invoice
        .lines
        .data
        .iter()
        .filter(|line| {
            line.parent
                .as_ref()
                .is_some_and(|p| p.subscription_item_details.is_some())
        })
        .map(|line| (line.period.start, line.period.end))
        .collect();
    let (period_start, period_end) =
        service_period(&subscription_lines).unwrap_or((invoice.period_start, invoice.period_end));
    Ok(InvoiceSnapshot {
        id: invoice
            .id
            .as_ref()
            .map(|id| id.to_string())
            .unwrap_or_default(),
        number: invoice.number.clone(),
        customer_id: invoice
            .customer
            .as_ref()
            .map(|c| c.id().to_string())
            .unwrap_or_default(),
        subscription_id: subscription_parent
            .map(|d| d.subscription.id().to_string())
            .or_else(|| invoice.subscription.as_ref().map(|s| s.id().to_string())),
        engagement_id,
        status,
        amount_due_cents: invoice.amount_due,
        amount_paid_cents: invoice.amount_paid,
        currency: invoice.currency.to_string(),
        period_start: from_unix(period_start),
        period_end: from_unix(period_end),
        hosted_invoice_url: invoice.hosted_invoice_url.clone(),
        attempt_count: i32::try_from(invoice.attempt_count).unwrap_or(i32::MAX),
        created: from_unix(invoice.created),
    })
}

/// The span the lines cover: the earliest start to the latest end.
fn service_period(lines: &[(i64, i64)]) -> Option<(i64, i64)> {
    let start = lines.iter().map(|(s, _)| *s).min()?;
    let end = lines.iter().map(|(_, e)| *e).max()?;
    Some((start, end))
}

fn parse_id(text: &str) -> Option<i32> {
    text.trim().parse().ok()
}

/// The lenient reader: only the envelope and the fields the snapshots need.
fn from_json(payload: &str) -> Result<BillingEvent, WebhookError> {
    let bad = WebhookError::Missing;
    let event: Value = serde_json::from_str(payload).map_err(WebhookError::NotJson)?;
    let id = str_at(&event, &["id"]).ok_or_else(|| bad("id"))?;
    let event_type = str_at(&event, &["type"]).ok_or_else(|| bad("type"))?;
    let created = int_at(&event, &["created"]).ok_or_else(|| bad("created"))?;
    let object = event
        .pointer("/data/object")
        .filter(|o| o.is_object())
        .ok_or_else(|| bad("data.object"))?;
    let kind = match event_type.as_str() {
        "checkout.session.completed" => EventKind::CheckoutCompleted(CheckoutCompleted {
            session_id: str_at(object, &["id"]).ok_or_else(|| bad("session id"))?,
            engagement_id: str_at(object, &["client_reference_id"])
                .as_deref()
                .and_then(parse_id)
                .or_else(|| engagement_in(object.get("metadata"))),
            customer_id: id_at(object, "customer"),
            subscription_id: id_at(object, "subscription"),
        }),
        "checkout.session.expired" => EventKind::CheckoutExpired(CheckoutCompleted {
            session_id: str_at(object, &["id"]).ok_or_else(|| bad("session id"))?,
            engagement_id: str_at(object, &["client_reference_id"])
                .as_deref()
                .and_then(parse_id)
                .or_else(|| engagement_in(object.get("metadata"))),
            customer_id: id_at(object, "customer"),
            subscription_id: None,
        }),
        "customer.subscription.created"
        | "customer.subscription.updated"
        | "customer.subscription.deleted"
        | "customer.subscription.paused"
        | "customer.subscription.resumed"
        | "customer.subscription.pending_update_applied"
        | "customer.subscription.pending_update_expired" => EventKind::Subscription(
            subscription_from_json(object).ok_or_else(|| bad("subscription"))?,
        ),
        "customer.subscription.trial_will_end" => EventKind::TrialWillEnd(
            subscription_from_json(object).ok_or_else(|| bad("subscription"))?,
        ),
        "invoice.paid" => invoice_kind(
            invoice_from_json(object).ok_or_else(|| bad("invoice"))?,
            EventKind::InvoicePaid,
        ),
        "invoice.payment_failed" => invoice_kind(
            invoice_from_json(object).ok_or_else(|| bad("invoice"))?,
            EventKind::InvoicePaymentFailed,
        ),
        "invoice.voided" | "invoice.marked_uncollectible" => invoice_kind(
            invoice_from_json(object).ok_or_else(|| bad("invoice"))?,
            EventKind::InvoiceClosed,
        ),
        _ => EventKind::Ignored,
    };
    Ok(BillingEvent {
        id,
        event_type,
        created: from_unix(created),
        kind,
    })
}

fn subscription_from_json(object: &Value) -> Option<SubscriptionSnapshot> {
    Some(SubscriptionSnapshot {
        id: str_at(object, &["id"])?,
        customer_id: id_at(object, "customer")?,
        status: SubscriptionStatus::parse(&str_at(object, &["status"])?)
            .unwrap_or(SubscriptionStatus::Incomplete),
        engagement_id: engagement_in(object.get("metadata")),
        trial_end: int_at(object, &["trial_end"]).map(from_unix),
        current_period_end: object
            .pointer("/items/data/0/current_period_end")
            .and_then(Value::as_i64)
            // Before API version 2025-03-31 the period sat on the subscription itself.
            .or_else(|| int_at(object, &["current_period_end"]))
            .map(from_unix),
        cancel_at_period_end: object
            .get("cancel_at_period_end")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        cancel_at: int_at(object, &["cancel_at"]).map(from_unix),
        canceled_at: int_at(object, &["canceled_at"]).map(from_unix),
        ended_at: int_at(object, &["ended_at"]).map(from_unix),
    })
}

/// `None` when a field the snapshot needs is missing (a bad payload); `Some(Err(_))` when
/// the invoice's status isn't known.
fn invoice_from_json(object: &Value) -> Option<Result<InvoiceSnapshot, String>> {
    let details = object.pointer("/parent/subscription_details");
    let subscription_id = details
        .and_then(|d| id_at(d, "subscription"))
        .or_else(|| id_at(object, "subscription"));
    let engagement_id = engagement_in(details.and_then(|d| d.get("metadata"))).or_else(|| {
        object
            .pointer("/lines/data")
            .and_then(Value::as_array)
            .and_then(|lines| lines.iter().find_map(|l| engagement_in(l.get("metadata"))))
    });
    let subscription_lines: Vec<(i64, i64)> = object
        .pointer("/lines/data")
        .and_then(Value::as_array)
        .map(|lines| {
            lines
                .iter()
                .filter(|l| {
                    l.pointer("/parent/subscription_item_details")
                        .is_some_and(Value::is_object)
                })
                .filter_map(|l| {
                    Some((
                        int_at(l, &["period", "start"])?,
                        int_at(l, &["period", "end"])?,
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    let (period_start, period_end) = match service_period(&subscription_lines) {
        Some(period) => period,
        None => (
            int_at(object, &["period_start"])?,
            int_at(object, &["period_end"])?,
        ),
    };
    let status = invoice_status(str_at(object, &["status"]).as_deref());
    let snapshot = InvoiceSnapshot {
        id: str_at(object, &["id"])?,
        number: str_at(object, &["number"]),
        customer_id: id_at(object, "customer").unwrap_or_default(),
        subscription_id,
        engagement_id,
        status: InvoiceStatus::Draft,
        amount_due_cents: int_at(object, &["amount_due"]).unwrap_or(0),
        amount_paid_cents: int_at(object, &["amount_paid"]).unwrap_or(0),
        currency: str_at(object, &["currency"]).unwrap_or_else(|| "usd".into()),
        period_start: from_unix(period_start),
        period_end: from_unix(period_end),
        hosted_invoice_url: str_at(object, &["hosted_invoice_url"]),
        attempt_count: int_at(object, &["attempt_count"])
            .and_then(|n| i32::try_from(n).ok())
            .unwrap_or(0),
        created: from_unix(int_at(object, &["created"])?),
    };
    Some(status.map(|status| InvoiceSnapshot { status, ..snapshot }))
}

fn at<'v>(value: &'v Value, path: &[&str]) -> Option<&'v Value> {
    path.iter().try_fold(value, |v, key| v.get(key))
}

fn str_at(value: &Value, path: &[&str]) -> Option<String> {
    at(value, path).and_then(Value::as_str).map(str::to_owned)
}

fn int_at(value: &Value, path: &[&str]) -> Option<i64> {
    at(value, path).and_then(Value::as_i64)
}

/// An expandable reference: the id string, or the expanded object's `id`.
fn id_at(value: &Value, key: &str) -> Option<String> {
    match value.get(key)? {
        Value::String(id) => Some(id.clone()),
        Value::Object(object) => object.get("id")?.as_str().map(str::to_owned),
        _ => None,
    }
}

fn engagement_in(metadata: Option<&Value>) -> Option<i32> {
    metadata?.get("engagement_id")?.as_str().and_then(parse_id)
}
