//! `billing::webhook::parse` on Stripe-shaped events (the fixtures of
//! `stripe_fixtures.rs`): signature, tolerance, the typed read and the lenient one.

use ladder::billing::webhook::{WebhookError, parse};
use ladder::billing::{
    BillingEvent, CheckoutCompleted, EventKind, InvoiceSnapshot, SubscriptionSnapshot,
    SubscriptionStatus, from_unix,
};
use serde_json::Value;
use stripe_webhook::Webhook;

use crate::stripe_fixtures::{
    CheckoutSessionFixture, InvoiceFixture, SubscriptionFixture, TEST_WEBHOOK_SECRET, event,
    event_value, sign,
};

const NOW: i64 = 1_795_000_000;

fn signed(payload: &str) -> String {
    sign(payload, TEST_WEBHOOK_SECRET, NOW)
}

fn parse_signed(payload: &str) -> Result<BillingEvent, WebhookError> {
    parse(payload, Some(&signed(payload)), TEST_WEBHOOK_SECRET, NOW)
}

fn subscription_event(event_type: &str, fixture: &SubscriptionFixture) -> String {
    event("evt_sub_1", event_type, NOW - 5, fixture.object())
}

fn trialing() -> SubscriptionFixture {
    SubscriptionFixture::trialing("sub_123", "cus_123", 42, NOW - 60)
}

#[test]
fn a_missing_or_blank_signature_is_rejected() {
    let payload = subscription_event("customer.subscription.created", &trialing());
    for header in [None, Some(""), Some("  ")] {
        assert!(matches!(
            parse(&payload, header, TEST_WEBHOOK_SECRET, NOW),
            Err(WebhookError::MissingSignature)
        ));
    }
}

#[test]
fn a_wrong_signature_is_rejected() {
    let payload = subscription_event("customer.subscription.created", &trialing());
    let other_secret = sign(&payload, "whsec_someone_else", NOW);
    let tampered = payload.replace("sub_123", "sub_999");
    for (body, header) in [
        (payload.as_str(), other_secret.as_str()),
        (tampered.as_str(), signed(&payload).as_str()),
        (payload.as_str(), "t=1795000000,v1=deadbeef"),
        (payload.as_str(), "garbage"),
        (payload.as_str(), "t=notanumber,v1=00"),
    ] {
        assert!(
            matches!(
                parse(body, Some(header), TEST_WEBHOOK_SECRET, NOW),
                Err(WebhookError::BadSignature)
            ),
            "{header}"
        );
    }
}

#[test]
fn a_signature_older_than_five_minutes_is_stale() {
    let payload = subscription_event("customer.subscription.created", &trialing());
    let old = sign(&payload, TEST_WEBHOOK_SECRET, NOW - 301);
    assert!(matches!(
        parse(&payload, Some(&old), TEST_WEBHOOK_SECRET, NOW),
        Err(WebhookError::Stale)
    ));
    let recent = sign(&payload, TEST_WEBHOOK_SECRET, NOW - 299);
    assert!(parse(&payload, Some(&recent), TEST_WEBHOOK_SECRET, NOW).is_ok());
}

#[test]
fn a_signed_payload_that_is_not_an_event_is_a_bad_payload() {
    for payload in ["not json", "{}", r#"{"id":"evt_1","type":"invoice.paid"}"#] {
        assert!(
            matches!(
                parse_signed(payload),
                Err(WebhookError::NotJson(_) | WebhookError::Missing(_))
            ),
            "{payload}"
        );
    }
}

#[test]
fn checkout_session_completed_points_at_the_engagement() {
    let session =
        CheckoutSessionFixture::completed("cs_test_1", "cus_123", 42, "sub_123", NOW - 10);
    let payload = event(
        "evt_cs_1",
        "checkout.session.completed",
        NOW - 5,
        session.object(),
    );
    let parsed = parse_signed(&payload).unwrap();
    assert_eq!(parsed.id, "evt_cs_1");
    assert_eq!(parsed.event_type, "checkout.session.completed");
    assert_eq!(parsed.created, from_unix(NOW - 5));
    assert_eq!(
        parsed.kind,
        EventKind::CheckoutCompleted(CheckoutCompleted {
            session_id: "cs_test_1".into(),
            engagement_id: Some(42),
            customer_id: Some("cus_123".into()),
            subscription_id: Some("sub_123".into()),
        })
    );
}

#[test]
fn checkout_without_client_reference_falls_back_to_metadata() {
    let session =
        CheckoutSessionFixture::completed("cs_test_1", "cus_123", 42, "sub_123", NOW - 10);
    let mut object = session.object();
    object["client_reference_id"] = Value::Null;
    let payload = event("evt_cs_1", "checkout.session.completed", NOW - 5, object);
    match parse_signed(&payload).unwrap().kind {
        EventKind::CheckoutCompleted(c) => assert_eq!(c.engagement_id, Some(42)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn subscription_events_carry_the_snapshot() {
    let fixture = trialing();
    let expected = SubscriptionSnapshot {
        id: "sub_123".into(),
        customer_id: "cus_123".into(),
        status: SubscriptionStatus::Trialing,
        engagement_id: Some(42),
        trial_end: Some(from_unix(NOW - 60 + 14 * 86_400)),
        current_period_end: Some(from_unix(NOW - 60 + 14 * 86_400)),
        cancel_at_period_end: false,
        cancel_at: None,
        canceled_at: None,
        ended_at: None,
    };
    for event_type in [
        "customer.subscription.created",
        "customer.subscription.updated",
        "customer.subscription.deleted",
    ] {
        let parsed = parse_signed(&subscription_event(event_type, &fixture)).unwrap();
        assert_eq!(parsed.event_type, event_type);
        assert_eq!(parsed.kind, EventKind::Subscription(expected.clone()));
    }
    let parsed = parse_signed(&subscription_event(
        "customer.subscription.trial_will_end",
        &fixture,
    ))
    .unwrap();
    assert_eq!(parsed.kind, EventKind::TrialWillEnd(expected));
}

#[test]
fn a_cancelled_subscription_reports_when_it_ended() {
    let mut fixture = trialing();
    fixture.status = "canceled".into();
    fixture.canceled_at = Some(NOW - 30);
    fixture.ended_at = Some(NOW - 30);
    fixture.current_period_end = NOW + 30 * 86_400;
    let parsed = parse_signed(&subscription_event(
        "customer.subscription.deleted",
        &fixture,
    ))
    .unwrap();
    let EventKind::Subscription(s) = parsed.kind else {
        panic!("{:?}", parsed.kind)
    };
    assert_eq!(s.status, SubscriptionStatus::Canceled);
    assert_eq!(s.canceled_at, Some(from_unix(NOW - 30)));
    assert_eq!(s.ended_at, Some(from_unix(NOW - 30)));
    assert_eq!(s.current_period_end, Some(from_unix(NOW + 30 * 86_400)));
}

#[test]
fn invoice_events_carry_the_invoice() {
    let paid = InvoiceFixture::paid("in_1", "sub_123", "cus_123", 42, 220_000, NOW - 100);
    let parsed = parse_signed(&event("evt_in_1", "invoice.paid", NOW - 5, paid.object())).unwrap();
    let expected = InvoiceSnapshot {
        id: "in_1".into(),
        number: Some(paid.number.clone()),
        customer_id: "cus_123".into(),
        subscription_id: Some("sub_123".into()),
        engagement_id: Some(42),
        status: "paid".parse().unwrap(),
        amount_due_cents: 220_000,
        amount_paid_cents: 220_000,
        currency: "usd".into(),
        period_start: from_unix(NOW - 100),
        period_end: from_unix(NOW - 100 + 30 * 86_400),
        hosted_invoice_url: Some("https://invoice.stripe.com/i/acct_test/in_1".into()),
        attempt_count: 1,
        created: from_unix(NOW - 100),
    };
    assert_eq!(parsed.kind, EventKind::InvoicePaid(expected.clone()));

    let mut failed = InvoiceFixture::failed("in_1", "sub_123", "cus_123", 42, 220_000, NOW - 100);
    failed.attempt_count = 2;
    let parsed = parse_signed(&event(
        "evt_in_2",
        "invoice.payment_failed",
        NOW - 5,
        failed.object(),
    ))
    .unwrap();
    assert_eq!(
        parsed.kind,
        EventKind::InvoicePaymentFailed(InvoiceSnapshot {
            status: "open".parse().unwrap(),
            amount_paid_cents: 0,
            attempt_count: 2,
            ..expected
        })
    );
}

#[test]
fn an_invoice_status_stripe_adds_later_is_unreadable_in_both_readers() {
    let mut invoice = InvoiceFixture::paid("in_1", "sub_123", "cus_123", 42, 220_000, NOW - 100);
    invoice.status = "refunded".into();
    let typed = event("evt_in_9", "invoice.paid", NOW - 5, invoice.object());
    let unreadable = EventKind::Unreadable("invoice status `refunded` is not known".into());
    assert_eq!(parse_signed(&typed).unwrap().kind, unreadable);
    // Without `livemode` only the lenient reader can read it: the same answer.
    let mut lenient = serde_json::from_str::<Value>(&typed).unwrap();
    lenient["data"]["object"]
        .as_object_mut()
        .unwrap()
        .remove("livemode");
    let lenient = lenient.to_string();
    assert_eq!(parse_signed(&lenient).unwrap().kind, unreadable);
    // A known status is still read, whichever reader.
    invoice.status = "void".into();
    let void = event("evt_in_10", "invoice.voided", NOW - 5, invoice.object());
    let EventKind::InvoiceClosed(snapshot) = parse_signed(&void).unwrap().kind else {
        panic!("a voided invoice is an InvoiceClosed event");
    };
    assert_eq!(snapshot.status, ladder::billing::InvoiceStatus::Void);
}

#[test]
fn other_event_types_are_ignored() {
    let payload = event(
        "evt_other",
        "customer.created",
        NOW - 5,
        crate::stripe_fixtures::customer_object(
            "cus_1",
            "Example",
            "a@example.com",
            serde_json::json!({}),
            NOW,
        ),
    );
    let parsed = parse_signed(&payload).unwrap();
    assert_eq!(parsed.kind, EventKind::Ignored);
    assert_eq!(parsed.event_type, "customer.created");
    let unknown = event(
        "evt_new",
        "brand_new.thing",
        NOW - 5,
        serde_json::json!({"id": "x"}),
    );
    assert_eq!(parse_signed(&unknown).unwrap().kind, EventKind::Ignored);
}

/// Every fixture must satisfy async-stripe's typed structs, or the tests above would be
/// exercising the lenient reader instead.
#[test]
fn the_fixtures_fit_async_stripes_types() {
    let session = CheckoutSessionFixture::completed("cs_1", "cus_1", 1, "sub_1", NOW);
    let invoice = InvoiceFixture::paid("in_1", "sub_1", "cus_1", 1, 100, NOW);
    for (event_type, object) in [
        ("checkout.session.completed", session.object()),
        ("customer.subscription.updated", trialing().object()),
        ("invoice.paid", invoice.object()),
    ] {
        let payload = event("evt_1", event_type, NOW, object);
        let typed = Webhook::construct_event_with_timestamp(
            &payload,
            &signed(&payload),
            TEST_WEBHOOK_SECRET,
            NOW,
        );
        assert!(typed.is_ok(), "{event_type}: {typed:?}");
        // …and the lenient reader agrees with the typed one: without `livemode` (a field
        // async-stripe requires and Ladder never reads) only the lenient reader can read it.
        let mut lenient = serde_json::from_str::<Value>(&payload).unwrap();
        lenient["data"]["object"]
            .as_object_mut()
            .unwrap()
            .remove("livemode");
        let lenient = lenient.to_string();
        assert!(matches!(
            Webhook::construct_event_with_timestamp(
                &lenient,
                &signed(&lenient),
                TEST_WEBHOOK_SECRET,
                NOW
            ),
            Err(stripe_webhook::WebhookError::BadParse(_))
        ));
        assert_eq!(
            parse_signed(&lenient).unwrap(),
            parse_signed(&payload).unwrap()
        );
    }
}

#[test]
fn a_verified_event_that_misses_typed_fields_is_read_leniently() {
    // An endpoint on an older API version: no `billing_mode`, the period on the
    // subscription instead of its items, a minimal envelope.
    let mut object = trialing().object();
    let fields = object.as_object_mut().unwrap();
    fields.remove("billing_mode");
    fields.remove("billing_schedules");
    fields.insert("current_period_end".into(), serde_json::json!(NOW + 1000));
    fields.remove("items");
    let mut envelope = event_value("evt_old", "customer.subscription.updated", NOW - 5, object);
    envelope.as_object_mut().unwrap().remove("pending_webhooks");
    let payload = envelope.to_string();
    assert!(matches!(
        Webhook::construct_event_with_timestamp(
            &payload,
            &signed(&payload),
            TEST_WEBHOOK_SECRET,
            NOW
        ),
        Err(stripe_webhook::WebhookError::BadParse(_))
    ));
    let parsed = parse_signed(&payload).unwrap();
    let EventKind::Subscription(s) = parsed.kind else {
        panic!("{:?}", parsed.kind)
    };
    assert_eq!(s.id, "sub_123");
    assert_eq!(s.engagement_id, Some(42));
    assert_eq!(s.current_period_end, Some(from_unix(NOW + 1000)));

    // The same payload with a wrong or stale signature is still refused: the lenient
    // reader only ever sees verified payloads.
    assert!(matches!(
        parse(
            &payload,
            Some(&sign(&payload, "whsec_other", NOW)),
            TEST_WEBHOOK_SECRET,
            NOW
        ),
        Err(WebhookError::BadSignature)
    ));
    assert!(matches!(
        parse(
            &payload,
            Some(&sign(&payload, TEST_WEBHOOK_SECRET, NOW - 600)),
            TEST_WEBHOOK_SECRET,
            NOW
        ),
        Err(WebhookError::Stale)
    ));
}
