//! The same trial flow with Stripe settings: the app talks to the local Stripe stub and
//! learns what happened from signed webhooks at `/webhooks/stripe`.

use diesel::prelude::*;
use ladder::schema::{billing_events, companies, engagements};

use crate::helpers::{Browser, TestApp, form_value, location};
use crate::hiring::listed_developer;
use crate::stripe_stub::{StripeStub, StubMode, spawn_app_with_stripe, stripe_signature};

async fn book(company: &Browser, slug: &str) -> reqwest::Response {
    let (_, html) = company
        .get_html(&format!("/engagements/new?developer={slug}"))
        .await;
    let key = form_value(&html, "idempotency_key");
    company
        .post(
            "/engagements",
            &[
                ("developer", slug),
                ("commitment", "full_time"),
                ("starts_on", &ladder::models::now().date().to_string()),
                ("idempotency_key", &key),
            ],
        )
        .await
}

async fn status_of(app: &TestApp) -> (i32, String, Option<String>) {
    app.with_conn(|conn| {
        engagements::table
            .order(engagements::id.desc())
            .select((
                engagements::id,
                engagements::status,
                engagements::stripe_subscription_id,
            ))
            .first(conn)
            .unwrap()
    })
    .await
}

#[tokio::test]
async fn stripe_checkout_and_verified_webhooks_drive_the_engagement() {
    let stub = StripeStub::start().await;
    stub.add_plan_prices();
    let app = spawn_app_with_stripe(&stub).await;
    let company = app.verified_company("Acme", "owner@acme.example").await;
    let (_dev, slug) =
        listed_developer(&app, "Ana Lima", "ana@dev.example", "L2", "Europe/Berlin").await;

    // Booking creates one customer and one Checkout Session and sends the company there.
    let r = book(&company, &slug).await;
    assert_eq!(r.status().as_u16(), 303);
    let checkout_url = location(&r);
    let session_id = stub.last_checkout_session_id().expect("a checkout session");
    assert!(checkout_url.starts_with("https://"), "{checkout_url}");
    let customers = stub.requests_to("POST", "/v1/customers");
    assert_eq!(customers.len(), 1);
    let sessions = stub.requests_to("POST", "/v1/checkout/sessions");
    assert_eq!(sessions.len(), 1);
    let s = &sessions[0];
    assert_eq!(s.form_value("mode"), Some("subscription"));
    assert_eq!(
        s.form_value("subscription_data[trial_period_days]"),
        Some("14")
    );
    let (id, status, _) = status_of(&app).await;
    assert_eq!(status, "pending_checkout");
    assert_eq!(
        s.form_value("metadata[engagement_id]"),
        Some(id.to_string().as_str())
    );
    let stored_customer: Option<String> = app
        .with_conn(|conn| {
            companies::table
                .select(companies::stripe_customer_id)
                .first(conn)
                .unwrap()
        })
        .await;
    assert!(stored_customer.unwrap().starts_with("cus_"));
    // "Continue to checkout" again reuses the session.
    let again = company
        .post(&format!("/engagements/{id}/checkout"), &[])
        .await;
    assert_eq!(location(&again), checkout_url);
    assert_eq!(stub.requests_to("POST", "/v1/checkout/sessions").len(), 1);

    // The success page waits for the webhook.
    let (_, page) = company
        .get_html(&format!(
            "/billing/checkout/success?session_id={session_id}"
        ))
        .await;
    assert!(
        page.contains("Confirming your checkout") && page.contains("data-hx-trigger=\"every 2s\"")
    );

    // Unsigned, wrongly signed and stale webhooks are refused and change nothing.
    let events = stub.complete_checkout(&session_id);
    assert_eq!(
        app.post_webhook_with(&events[0], None)
            .await
            .status()
            .as_u16(),
        400
    );
    assert_eq!(
        app.post_webhook_with(&events[0], Some("t=1,v1=deadbeef"))
            .await
            .status()
            .as_u16(),
        400
    );
    let stale = crate::stripe_fixtures::sign(
        &events[0],
        crate::stripe_fixtures::TEST_WEBHOOK_SECRET,
        chrono::Utc::now().timestamp() - 400,
    );
    assert_eq!(
        app.post_webhook_with(&events[0], Some(&stale))
            .await
            .status()
            .as_u16(),
        400
    );
    let tampered = format!("{} ", events[0]);
    assert_eq!(
        app.post_webhook_with(&tampered, Some(&stripe_signature(&events[0])))
            .await
            .status()
            .as_u16(),
        400
    );
    assert_eq!(status_of(&app).await.1, "pending_checkout");

    // Delivered in reverse order and twice: the same result.
    for payload in events.iter().rev().chain(events.iter()) {
        assert_eq!(app.post_webhook(payload).await.status().as_u16(), 200);
    }
    let (_, status, subscription) = status_of(&app).await;
    assert_eq!(status, "trialing");
    let subscription = subscription.expect("subscription stored");
    let processed: i64 = app
        .with_conn(|conn| billing_events::table.count().get_result(conn).unwrap())
        .await;
    assert_eq!(processed, 2, "each event id once");
    let (_, page) = company
        .get_html(&format!(
            "/billing/checkout/success?session_id={session_id}"
        ))
        .await;
    assert!(page.contains("has started"));

    // The first payment: active, invoice mirrored.
    for payload in stub.end_trial_paid(&subscription) {
        assert_eq!(app.post_webhook(&payload).await.status().as_u16(), 200);
    }
    assert_eq!(status_of(&app).await.1, "active");
    let (_, billing) = company.get_html("/billing").await;
    assert!(billing.contains("$2,200") && billing.contains("Paid"));

    // "Manage billing" opens the customer portal.
    let r = company.post("/billing/portal", &[]).await;
    assert_eq!(r.status().as_u16(), 303);
    assert!(location(&r).starts_with("https://billing.stripe.com/"));
    let portal = stub.requests_to("POST", "/v1/billing_portal/sessions");
    assert_eq!(portal.len(), 1);
    assert!(
        portal[0]
            .form_value("return_url")
            .unwrap()
            .ends_with("/billing")
    );

    // Cancelling after the trial asks Stripe to end at the period's end.
    company
        .post(&format!("/engagements/{id}/cancel"), &[])
        .await;
    app.worker(ladder::mail::Mailer::memory().0)
        .run_until_idle()
        .await
        .unwrap();
    let updates = stub.requests_to("POST", &format!("/v1/subscriptions/{subscription}"));
    assert_eq!(updates.len(), 1);
    assert_eq!(updates[0].form_value("cancel_at_period_end"), Some("true"));
    assert_eq!(status_of(&app).await.1, "ending");
}

#[tokio::test]
async fn cancelling_in_the_trial_deletes_the_subscription_at_stripe() {
    let stub = StripeStub::start().await;
    stub.add_plan_prices();
    let app = spawn_app_with_stripe(&stub).await;
    let company = app.verified_company("Acme", "owner@acme.example").await;
    let (_dev, slug) =
        listed_developer(&app, "Ben Ode", "ben@dev.example", "L1", "Europe/London").await;
    book(&company, &slug).await;
    let session_id = stub.last_checkout_session_id().unwrap();
    for payload in stub.complete_checkout(&session_id) {
        app.post_webhook(&payload).await;
    }
    let (id, status, subscription) = status_of(&app).await;
    assert_eq!(status, "trialing");
    company
        .post(&format!("/engagements/{id}/cancel"), &[])
        .await;
    app.worker(ladder::mail::Mailer::memory().0)
        .run_until_idle()
        .await
        .unwrap();
    let deletes = stub.requests_to(
        "DELETE",
        &format!("/v1/subscriptions/{}", subscription.unwrap()),
    );
    assert_eq!(deletes.len(), 1);
    assert_eq!(status_of(&app).await.1, "canceled");
}

#[tokio::test]
async fn when_stripe_is_down_the_company_gets_a_try_again_page_and_the_booking_waits() {
    let stub = StripeStub::start().await;
    stub.add_plan_prices();
    let app = spawn_app_with_stripe(&stub).await;
    let company = app.verified_company("Acme", "owner@acme.example").await;
    let (_dev, slug) =
        listed_developer(&app, "Cleo Park", "cleo@dev.example", "L3", "Asia/Seoul").await;
    stub.set_mode(StubMode::server_error());
    let r = book(&company, &slug).await;
    assert_eq!(r.status().as_u16(), 503);
    let page = r.text().await.unwrap();
    assert!(page.contains("Try again") && page.contains("nothing was charged"));
    let (id, status, _) = status_of(&app).await;
    assert_eq!(status, "pending_checkout");
    // Stripe is back: "Try again" goes to checkout.
    stub.set_mode(StubMode::Normal);
    let r = company
        .post(&format!("/engagements/{id}/checkout"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert!(location(&r).starts_with("https://"));
}

#[tokio::test]
async fn an_invoice_with_a_status_stripe_added_later_is_recorded_as_ignored_not_stored() {
    let stub = StripeStub::start().await;
    stub.add_plan_prices();
    let app = spawn_app_with_stripe(&stub).await;
    let company = app.verified_company("Acme", "owner@acme.example").await;
    let (_dev, slug) =
        listed_developer(&app, "Dee Moss", "dee@dev.example", "L2", "Europe/Berlin").await;
    book(&company, &slug).await;
    let session_id = stub.last_checkout_session_id().unwrap();
    for payload in stub.complete_checkout(&session_id) {
        assert_eq!(app.post_webhook(&payload).await.status().as_u16(), 200);
    }
    let (id, status, subscription) = status_of(&app).await;
    assert_eq!(status, "trialing");
    let mut invoice = crate::stripe_fixtures::InvoiceFixture::paid(
        "in_future_status",
        &subscription.unwrap(),
        "cus_1",
        id,
        220_000,
        crate::stripe_stub::now(),
    );
    invoice.status = "refunded".into();
    let payload = crate::stripe_fixtures::event(
        "evt_future_status",
        "invoice.paid",
        crate::stripe_stub::now(),
        invoice.object(),
    );

    // Acknowledged (Stripe must not retry it forever), recorded with the reason.
    assert_eq!(app.post_webhook(&payload).await.status().as_u16(), 200);
    let (outcome, invoices): (String, i64) = app
        .with_conn(|conn| {
            (
                billing_events::table
                    .filter(billing_events::event_id.eq("evt_future_status"))
                    .select(billing_events::outcome)
                    .first(conn)
                    .unwrap(),
                ladder::schema::invoices::table
                    .filter(ladder::schema::invoices::stripe_invoice_id.eq("in_future_status"))
                    .count()
                    .get_result(conn)
                    .unwrap(),
            )
        })
        .await;
    assert_eq!(outcome, "ignored: invoice status `refunded` is not known");
    assert_eq!(
        invoices, 0,
        "an invoice status nothing reads is never stored"
    );
    assert_eq!(status_of(&app).await.1, "trialing");
    // The row reads back as the outcome it records.
    let row: ladder::models::billing_event::BillingEventRow = app
        .with_conn(|conn| {
            billing_events::table
                .filter(billing_events::event_id.eq("evt_future_status"))
                .first(conn)
                .unwrap()
        })
        .await;
    assert_eq!(
        row.outcome,
        ladder::domain::EventOutcome::Ignored("invoice status `refunded` is not known".into())
    );
}
