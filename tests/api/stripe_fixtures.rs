//! Stripe-shaped JSON for tests: whole objects and events as Stripe's API (version
//! 2026-09-30, the one async-stripe 1.0.0-rc.10 targets) sends them, and a signer that
//! signs exactly as Stripe does (`Stripe-Signature: t=…,v1=…`).
//!
//! Used by the webhook tests and by the black-box tests' Stripe stub; never by the app
//! itself, so it lives with the tests, outside the production binary.

#![allow(dead_code)]

use serde_json::{Value, json};

/// The webhook secret tests configure (`STRIPE_WEBHOOK_SECRET`).
pub const TEST_WEBHOOK_SECRET: &str = "whsec_ladder_test_0123456789abcdef";
/// The API key tests configure (`STRIPE_SECRET_KEY`).
pub const TEST_SECRET_KEY: &str = "sk_test_ladder_0123456789abcdef";
pub const API_VERSION: &str = "2026-09-30.endive";

/// `t=…,v1=…` over `payload` at `timestamp`, as Stripe signs webhook deliveries.
pub fn sign(payload: &str, secret: &str, timestamp: i64) -> String {
    stripe_webhook::Webhook::generate_test_header(payload, secret, Some(timestamp))
}

/// An event envelope around `object`, serialised as Stripe delivers it.
pub fn event(id: &str, event_type: &str, created: i64, object: Value) -> String {
    event_value(id, event_type, created, object).to_string()
}

pub fn event_value(id: &str, event_type: &str, created: i64, object: Value) -> Value {
    json!({
        "id": id,
        "object": "event",
        "api_version": API_VERSION,
        "created": created,
        "data": { "object": object },
        "livemode": false,
        "pending_webhooks": 1,
        "request": { "id": null, "idempotency_key": null },
        "type": event_type,
    })
}

/// The two halves of a large object (one `json!` of it exceeds the macro recursion limit).
fn merge(mut head: Value, tail: Value) -> Value {
    if let (Value::Object(head), Value::Object(tail)) = (&mut head, tail) {
        head.extend(tail);
    }
    head
}

/// A recurring monthly price, as `GET /v1/prices` and `POST /v1/prices` return it.
pub fn price_object(
    id: &str,
    product: &str,
    lookup_key: &str,
    unit_amount: i64,
    currency: &str,
    created: i64,
) -> Value {
    json!({
        "id": id,
        "object": "price",
        "active": true,
        "billing_scheme": "per_unit",
        "created": created,
        "currency": currency,
        "custom_unit_amount": null,
        "livemode": false,
        "lookup_key": lookup_key,
        "metadata": { "lookup_key": lookup_key },
        "nickname": null,
        "product": product,
        "recurring": {
            "interval": "month",
            "interval_count": 1,
            "meter": null,
            "trial_period_days": null,
            "usage_type": "licensed"
        },
        "tax_behavior": "unspecified",
        "tiers_mode": null,
        "transform_quantity": null,
        "type": "recurring",
        "unit_amount": unit_amount,
        "unit_amount_decimal": unit_amount.to_string()
    })
}

pub fn product_object(id: &str, name: &str, created: i64) -> Value {
    json!({
        "id": id,
        "object": "product",
        "active": true,
        "created": created,
        "default_price": null,
        "description": null,
        "images": [],
        "livemode": false,
        "marketing_features": [],
        "metadata": {},
        "name": name,
        "package_dimensions": null,
        "shippable": null,
        "statement_descriptor": null,
        "tax_code": null,
        "type": "service",
        "unit_label": null,
        "updated": created,
        "url": null
    })
}

pub fn customer_object(id: &str, name: &str, email: &str, metadata: Value, created: i64) -> Value {
    json!({
        "id": id,
        "object": "customer",
        "address": null,
        "balance": 0,
        "created": created,
        "currency": null,
        "default_source": null,
        "delinquent": false,
        "description": null,
        "discount": null,
        "email": email,
        "invoice_prefix": "LADDER01",
        "invoice_settings": {
            "custom_fields": null,
            "default_payment_method": null,
            "footer": null,
            "rendering_options": null
        },
        "livemode": false,
        "metadata": metadata,
        "name": name,
        "next_invoice_sequence": 1,
        "phone": null,
        "preferred_locales": [],
        "shipping": null,
        "tax_exempt": "none",
        "test_clock": null
    })
}

/// A subscription as Ladder creates them: one item, a monthly price, metadata pointing
/// back to the engagement. Fields are public so a test can move it through its states.
#[derive(Debug, Clone)]
pub struct SubscriptionFixture {
    pub id: String,
    pub customer: String,
    /// Stripe's status string: `trialing`, `active`, `past_due`, `canceled`, …
    pub status: String,
    pub engagement_id: Option<i32>,
    pub created: i64,
    pub trial_start: Option<i64>,
    pub trial_end: Option<i64>,
    pub current_period_start: i64,
    pub current_period_end: i64,
    pub cancel_at_period_end: bool,
    /// A set end date (the portal's "cancel on a date"); with `cancel_at_period_end`
    /// Stripe reports the period's end here too.
    pub cancel_at: Option<i64>,
    pub canceled_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub price_id: String,
    pub product_id: String,
    pub lookup_key: String,
    pub unit_amount: i64,
}

impl SubscriptionFixture {
    /// A subscription that started its 14-day trial at `created`.
    pub fn trialing(id: &str, customer: &str, engagement_id: i32, created: i64) -> Self {
        let trial_end = created + 14 * 86_400;
        SubscriptionFixture {
            id: id.into(),
            customer: customer.into(),
            status: "trialing".into(),
            engagement_id: Some(engagement_id),
            created,
            trial_start: Some(created),
            trial_end: Some(trial_end),
            current_period_start: created,
            current_period_end: trial_end,
            cancel_at_period_end: false,
            cancel_at: None,
            canceled_at: None,
            ended_at: None,
            price_id: "price_ladder_l2_full_time".into(),
            product_id: "ladder_l2_full_time".into(),
            lookup_key: "ladder_l2_full_time".into(),
            unit_amount: 220_000,
        }
    }

    pub fn object(&self) -> Value {
        let metadata = match self.engagement_id {
            Some(id) => json!({ "engagement_id": id.to_string(), "company_id": "1" }),
            None => json!({}),
        };
        let price = price_object(
            &self.price_id,
            &self.product_id,
            &self.lookup_key,
            self.unit_amount,
            "usd",
            self.created - 86_400,
        );
        let item_id = format!("si_{}", self.id.trim_start_matches("sub_"));
        let items = json!({
            "object": "list",
            "data": [{
                "id": item_id,
                "object": "subscription_item",
                "billing_thresholds": null,
                "created": self.created,
                "current_period_end": self.current_period_end,
                "current_period_start": self.current_period_start,
                "discounts": [],
                "metadata": {},
                "plan": {
                    "id": self.price_id,
                    "object": "plan",
                    "active": true,
                    "amount": self.unit_amount,
                    "amount_decimal": self.unit_amount.to_string(),
                    "billing_scheme": "per_unit",
                    "created": self.created - 86_400,
                    "currency": "usd",
                    "interval": "month",
                    "interval_count": 1,
                    "livemode": false,
                    "metadata": {},
                    "meter": null,
                    "nickname": null,
                    "product": self.product_id,
                    "tiers_mode": null,
                    "transform_usage": null,
                    "trial_period_days": null,
                    "usage_type": "licensed"
                },
                "price": price,
                "quantity": 1,
                "subscription": self.id,
                "tax_rates": []
            }],
            "has_more": false,
            "total_count": 1,
            "url": format!("/v1/subscription_items?subscription={}", self.id)
        });
        let head = json!({
            "id": self.id,
            "object": "subscription",
            "application": null,
            "application_fee_percent": null,
            "automatic_tax": { "disabled_reason": null, "enabled": false, "liability": null },
            "billing_cycle_anchor": self.trial_end.unwrap_or(self.created),
            "billing_cycle_anchor_config": null,
            "billing_mode": { "flexible": null, "type": "classic" },
            "billing_schedules": [],
            "billing_thresholds": null,
            "cancel_at": self.cancel_at.or(if self.cancel_at_period_end { Some(self.current_period_end) } else { None }),
            "cancel_at_period_end": self.cancel_at_period_end,
            "canceled_at": self.canceled_at,
            "cancellation_details": {
                "comment": null,
                "feedback": null,
                "reason": if self.canceled_at.is_some() { Some("cancellation_requested") } else { None }
            },
            "collection_method": "charge_automatically",
            "created": self.created,
            "currency": "usd",
            "customer": self.customer,
            "customer_account": null,
            "days_until_due": null,
            "default_payment_method": "pm_card_visa",
            "default_source": null,
            "default_tax_rates": [],
            "description": null,
            "discounts": [],
            "ended_at": self.ended_at,
        });
        let tail = json!({
            "invoice_settings": { "account_tax_ids": null, "issuer": { "type": "self" } },
            "items": items,
            "latest_invoice": format!("in_{}", self.id.trim_start_matches("sub_")),
            "livemode": false,
            "metadata": metadata,
            "next_pending_invoice_item_invoice": null,
            "on_behalf_of": null,
            "pause_collection": null,
            "payment_settings": {
                "payment_method_options": null,
                "payment_method_types": null,
                "save_default_payment_method": "off"
            },
            "pending_invoice_item_interval": null,
            "pending_setup_intent": null,
            "pending_update": null,
            "schedule": null,
            "start_date": self.created,
            "status": self.status,
            "test_clock": null,
            "transfer_data": null,
            "trial_end": self.trial_end,
            "trial_settings": { "end_behavior": { "missing_payment_method": "create_invoice" } },
            "trial_start": self.trial_start
        });
        merge(head, tail)
    }
}

/// A Checkout Session in subscription mode, as `POST /v1/checkout/sessions` returns it
/// (`status: open`, no subscription yet) or as `checkout.session.completed` carries it.
#[derive(Debug, Clone)]
pub struct CheckoutSessionFixture {
    pub id: String,
    pub customer: String,
    pub engagement_id: i32,
    pub subscription: Option<String>,
    pub created: i64,
    pub success_url: String,
    pub cancel_url: String,
}

impl CheckoutSessionFixture {
    pub fn completed(
        id: &str,
        customer: &str,
        engagement_id: i32,
        subscription: &str,
        created: i64,
    ) -> Self {
        CheckoutSessionFixture {
            id: id.into(),
            customer: customer.into(),
            engagement_id,
            subscription: Some(subscription.into()),
            created,
            success_url: "http://127.0.0.1:8080/engagements/checkout/success?session_id={CHECKOUT_SESSION_ID}".into(),
            cancel_url: "http://127.0.0.1:8080/engagements".into(),
        }
    }

    pub fn object(&self) -> Value {
        let complete = self.subscription.is_some();
        let head = json!({
            "id": self.id,
            "object": "checkout.session",
            "adaptive_pricing": { "enabled": false },
            "after_expiration": null,
            "allow_promotion_codes": null,
            "amount_subtotal": 0,
            "amount_total": 0,
            "automatic_tax": { "enabled": false, "liability": null, "provider": null, "status": null },
            "billing_address_collection": null,
            "cancel_url": self.cancel_url,
            "client_reference_id": self.engagement_id.to_string(),
            "client_secret": null,
            "collected_information": null,
            "consent": null,
            "consent_collection": null,
            "created": self.created,
            "currency": "usd",
            "currency_conversion": null,
            "custom_fields": [],
            "custom_text": {
                "after_submit": null,
                "shipping_address": null,
                "submit": null,
                "terms_of_service_acceptance": null
            },
            "customer": self.customer,
            "customer_creation": null,
            "customer_details": if complete {
                json!({ "address": null, "email": "hiring@example.com", "name": "Example Co", "phone": null, "tax_exempt": "none", "tax_ids": [] })
            } else { Value::Null },
            "customer_email": null,
        });
        let tail = json!({
            "discounts": [],
            "expires_at": self.created + 86_400,
            "invoice": null,
            "invoice_creation": null,
            "livemode": false,
            "locale": null,
            "metadata": { "engagement_id": self.engagement_id.to_string(), "company_id": "1" },
            "mode": "subscription",
            "origin_context": null,
            "payment_intent": null,
            "payment_link": null,
            "payment_method_collection": "always",
            "payment_method_configuration_details": null,
            "payment_method_options": { "card": { "request_three_d_secure": "automatic" } },
            "payment_method_types": ["card"],
            "payment_status": if complete { "no_payment_required" } else { "unpaid" },
            "permissions": null,
            "phone_number_collection": { "enabled": false },
            "recovered_from": null,
            "saved_payment_method_options": null,
            "setup_intent": null,
            "shipping_address_collection": null,
            "shipping_cost": null,
            "shipping_options": [],
            "status": if complete { "complete" } else { "open" },
            "submit_type": null,
            "subscription": self.subscription,
            "success_url": self.success_url,
            "total_details": { "amount_discount": 0, "amount_shipping": 0, "amount_tax": 0 },
            "ui_mode": "hosted",
            "url": if complete { Value::Null } else { json!(format!("https://checkout.stripe.com/c/pay/{}", self.id)) },
            "wallet_options": null
        });
        merge(head, tail)
    }
}

/// A subscription invoice (`parent.subscription_details` points at the subscription).
#[derive(Debug, Clone)]
pub struct InvoiceFixture {
    pub id: String,
    pub number: String,
    pub customer: String,
    pub subscription: String,
    pub engagement_id: Option<i32>,
    /// `paid` or `open` (a failed attempt leaves it open).
    pub status: String,
    pub amount_due: i64,
    pub amount_paid: i64,
    pub attempt_count: u64,
    /// The billed service period, on the subscription line item (`lines.data[].period`).
    pub period_start: i64,
    pub period_end: i64,
    /// `invoice.period_start/end`: per Stripe's API reference, the window in which items
    /// could be added, which for a subscription invoice looks back one period (for the
    /// first invoice after a trial: the trial). Not the billed month.
    pub window_start: i64,
    pub window_end: i64,
    pub created: i64,
}

impl InvoiceFixture {
    pub fn paid(
        id: &str,
        subscription: &str,
        customer: &str,
        engagement_id: i32,
        amount: i64,
        period_start: i64,
    ) -> Self {
        InvoiceFixture {
            id: id.into(),
            number: format!("LADDER01-{}", id.trim_start_matches("in_").to_uppercase()),
            customer: customer.into(),
            subscription: subscription.into(),
            engagement_id: Some(engagement_id),
            status: "paid".into(),
            amount_due: amount,
            amount_paid: amount,
            attempt_count: 1,
            period_start,
            period_end: period_start + 30 * 86_400,
            window_start: period_start - 30 * 86_400,
            window_end: period_start,
            created: period_start,
        }
    }

    pub fn failed(
        id: &str,
        subscription: &str,
        customer: &str,
        engagement_id: i32,
        amount: i64,
        period_start: i64,
    ) -> Self {
        InvoiceFixture {
            status: "open".into(),
            amount_paid: 0,
            ..InvoiceFixture::paid(
                id,
                subscription,
                customer,
                engagement_id,
                amount,
                period_start,
            )
        }
    }

    pub fn object(&self) -> Value {
        let paid = self.status == "paid";
        let metadata = match self.engagement_id {
            Some(id) => json!({ "engagement_id": id.to_string(), "company_id": "1" }),
            None => json!({}),
        };
        let lines = json!({
            "object": "list",
            "data": [{
                "id": format!("il_{}", self.id.trim_start_matches("in_")),
                "object": "line_item",
                "amount": self.amount_due,
                "currency": "usd",
                "description": "1 × Ladder L2 developer — full-time (160 h/month) (at $2,200.00 / month)",
                "discount_amounts": [],
                "discountable": true,
                "discounts": [],
                "invoice": self.id,
                "livemode": false,
                "metadata": metadata,
                "parent": {
                    "invoice_item_details": null,
                    "subscription_item_details": {
                        "invoice_item": null,
                        "proration": false,
                        "proration_details": { "credited_items": null },
                        "subscription": self.subscription,
                        "subscription_item": format!("si_{}", self.subscription.trim_start_matches("sub_"))
                    },
                    "type": "subscription_item_details"
                },
                "period": { "end": self.period_end, "start": self.period_start },
                "pretax_credit_amounts": [],
                "pricing": {
                    "price_details": { "price": "price_ladder_l2_full_time", "product": "ladder_l2_full_time" },
                    "type": "price_details",
                    "unit_amount_decimal": self.amount_due.to_string()
                },
                "quantity": 1,
                "subtotal": self.amount_due,
                "taxes": []
            }],
            "has_more": false,
            "total_count": 1,
            "url": format!("/v1/invoices/{}/lines", self.id)
        });
        let head = json!({
            "id": self.id,
            "object": "invoice",
            "account_country": "US",
            "account_name": "Ladder",
            "account_tax_ids": null,
            "amount_due": self.amount_due,
            "amount_overpaid": 0,
            "amount_paid": self.amount_paid,
            "amount_remaining": self.amount_due - self.amount_paid,
            "amount_shipping": 0,
            "application": null,
            "attempt_count": self.attempt_count,
            "attempted": true,
            "auto_advance": !paid,
            "automatic_tax": { "disabled_reason": null, "enabled": false, "liability": null, "provider": null, "status": null },
            "automatically_finalizes_at": null,
            "billing_reason": "subscription_cycle",
            "collection_method": "charge_automatically",
            "created": self.created,
            "currency": "usd",
            "custom_fields": null,
            "customer": self.customer,
            "customer_address": null,
            "customer_email": "hiring@example.com",
            "customer_name": "Example Co",
            "customer_phone": null,
            "customer_shipping": null,
            "customer_tax_exempt": "none",
            "customer_tax_ids": [],
            "default_payment_method": null,
            "default_source": null,
            "default_tax_rates": [],
            "description": null,
        });
        let tail = json!({
            "discounts": [],
            "due_date": null,
            "effective_at": self.created,
            "ending_balance": 0,
            "footer": null,
            "from_invoice": null,
            "hosted_invoice_url": format!("https://invoice.stripe.com/i/acct_test/{}", self.id),
            "invoice_pdf": format!("https://pay.stripe.com/invoice/acct_test/{}/pdf", self.id),
            "issuer": { "type": "self" },
            "last_finalization_error": null,
            "latest_revision": null,
            "lines": lines,
            "livemode": false,
            "metadata": {},
            "next_payment_attempt": if paid { None } else { Some(self.created + 3 * 86_400) },
            "number": self.number,
            "on_behalf_of": null,
            "parent": {
                "quote_details": null,
                "subscription_details": {
                    "metadata": metadata,
                    "subscription": self.subscription,
                    "subscription_proration_date": null
                },
                "type": "subscription_details"
            },
            "payment_settings": { "default_mandate": null, "payment_method_options": null, "payment_method_types": null },
            "period_end": self.window_end,
            "period_start": self.window_start,
            "post_payment_credit_notes_amount": 0,
            "pre_payment_credit_notes_amount": 0,
            "receipt_number": null,
            "rendering": null,
            "shipping_cost": null,
            "shipping_details": null,
            "starting_balance": 0,
            "statement_descriptor": null,
            "status": self.status,
            "status_transitions": {
                "finalized_at": self.created,
                "marked_uncollectible_at": null,
                "paid_at": if paid { Some(self.created + 60) } else { None },
                "voided_at": null
            },
            "subtotal": self.amount_due,
            "subtotal_excluding_tax": self.amount_due,
            "test_clock": null,
            "total": self.amount_due,
            "total_discount_amounts": [],
            "total_excluding_tax": self.amount_due,
            "total_pretax_credit_amounts": [],
            "total_taxes": [],
            "webhooks_delivered_at": self.created
        });
        merge(head, tail)
    }
}
