//! Trials and billing in the embedded sandbox (issue 8): booking, checkout with the test
//! cards, the lifecycle trialing → active → past due → active → ending → ended, cancel
//! and replace during the trial, hours, isolation, the admin's view, and a property test
//! that any order and any duplication of a lifecycle's events ends in the same state.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use ladder::billing::{
    BillingEvent, CheckoutCompleted, EventKind, InvoiceSnapshot, SubscriptionSnapshot,
    SubscriptionStatus,
};
use ladder::schema::{audit_log, billing_events, developers, engagements, invoices};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use crate::helpers::{Browser, PASSWORD, TestApp, form_value, location, spawn_app};
use crate::hiring::listed_developer;

async fn admin(app: &TestApp) -> Browser {
    app.signed_in_admin("billing-admin@ladder.example").await
}

fn today() -> String {
    ladder::models::now().date().to_string()
}

/// Opens the booking form and submits it; returns (response, idempotency key).
async fn book(company: &Browser, slug: &str, commitment: &str) -> (reqwest::Response, String) {
    let (status, html) = company
        .get_html(&format!("/engagements/new?developer={slug}"))
        .await;
    assert_eq!(status, 200, "{html}");
    let key = form_value(&html, "idempotency_key");
    let r = company
        .post(
            "/engagements",
            &[
                ("developer", slug),
                ("commitment", commitment),
                ("starts_on", &today()),
                ("three_month_commitment", "1"),
                ("idempotency_key", &key),
            ],
        )
        .await;
    (r, key)
}

struct Engagement {
    status: String,
    trial_ends_at: Option<NaiveDateTime>,
    first_paid_at: Option<NaiveDateTime>,
}

async fn engagement(app: &TestApp, id: i32) -> Engagement {
    app.with_conn(move |conn| {
        let (status, trial_ends_at, first_paid_at) = engagements::table
            .find(id)
            .select((
                engagements::status,
                engagements::trial_ends_at,
                engagements::first_paid_at,
            ))
            .first(conn)
            .unwrap();
        Engagement {
            status,
            trial_ends_at,
            first_paid_at,
        }
    })
    .await
}

async fn engagement_count(app: &TestApp) -> i64 {
    app.with_conn(|conn| engagements::table.count().get_result(conn).unwrap())
        .await
}

/// Books and pays with the sandbox card; returns the engagement id.
pub async fn start_trial(app: &TestApp, company: &Browser, slug: &str, commitment: &str) -> i32 {
    let (r, _) = book(company, slug, commitment).await;
    assert_eq!(r.status().as_u16(), 303);
    let checkout = location(&r);
    let checkout = checkout
        .strip_prefix(&app.address)
        .unwrap_or(&checkout)
        .to_owned();
    assert!(
        checkout.starts_with("/billing/sandbox/checkout/cs_sandbox_"),
        "{checkout}"
    );
    let r = company
        .post(&checkout, &[("card_number", "4242 4242 4242 4242")])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let success = location(&r);
    assert!(success.starts_with("/billing/checkout/success?session_id="));
    let (status, html) = company.get_html(&success).await;
    assert_eq!(status, 200);
    assert!(html.contains("Your free trial with"), "{html}");
    app.with_conn(|conn| {
        engagements::table
            .order(engagements::id.desc())
            .select(engagements::id)
            .first::<i32>(conn)
            .unwrap()
    })
    .await
}

async fn available_from(app: &TestApp, slug: &str) -> Option<chrono::NaiveDate> {
    let slug = slug.to_owned();
    app.with_conn(move |conn| {
        developers::table
            .filter(developers::slug.eq(slug))
            .select(developers::available_from)
            .first(conn)
            .unwrap()
    })
    .await
}

/// Polls `/developers?available=1` (the catalog re-checks the database every 2 s) until
/// the developer's card is there (`expected`) or not; false after 8 s.
async fn catalog_lists_as_available(app: &TestApp, slug: &str, expected: bool) -> bool {
    let visitor = app.browser();
    let marker = format!("data-developer=\"{slug}\"");
    for _ in 0..40 {
        let (_, html) = visitor.get_html("/developers?available=1&q=Cleo").await;
        if html.contains(&marker) == expected {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    false
}

async fn subjects(app: &TestApp, to: &str) -> Vec<String> {
    app.emails_to(to)
        .await
        .into_iter()
        .map(|e| e.subject)
        .collect()
}

#[tokio::test]
async fn sandbox_lifecycle_from_booking_to_ended_with_the_right_emails() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let company = app
        .verified_company("Northwind Freight", "maya@northwind.example")
        .await;
    let (_dev, slug) =
        listed_developer(&app, "Ana Lima", "ana@dev.example", "L2", "Europe/Berlin").await;

    // The profile offers the trial.
    let (_, profile) = company.get_html(&format!("/developers/{slug}")).await;
    assert!(profile.contains(&format!("/engagements/new?developer={slug}")));

    // A declined card changes nothing.
    let (r, _) = book(&company, &slug, "full_time").await;
    let checkout = location(&r);
    let checkout = checkout
        .strip_prefix(&app.address)
        .unwrap_or(&checkout)
        .to_owned();
    let (status, page) = company.get_html(&checkout).await;
    assert_eq!(status, 200);
    assert!(page.contains("Sandbox checkout") && page.contains("$2,200"));
    let declined = company
        .post(&checkout, &[("card_number", "4000 0000 0000 0002")])
        .await;
    assert_eq!(declined.status().as_u16(), 402);
    assert!(declined.text().await.unwrap().contains("declined"));
    let id = id_from_checkout(&app).await;
    assert_eq!(engagement(&app, id).await.status, "pending_checkout");

    // The test card starts the trial.
    let r = company
        .post(&checkout, &[("card_number", "4242424242424242")])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let e = engagement(&app, id).await;
    assert_eq!(e.status, "trialing");
    let trial_end = e.trial_ends_at.unwrap();
    let days = (trial_end - ladder::models::now()).num_hours();
    assert!((13 * 24..=14 * 24).contains(&days), "trial of {days} h");
    // A full-time engagement takes the developer out of "available now".
    assert_eq!(available_from(&app, &slug).await, None);
    assert!(
        subjects(&app, "maya@northwind.example")
            .await
            .iter()
            .any(|s| s.contains("free trial with Ana Lima has started"))
    );
    assert!(
        subjects(&app, "ana@dev.example")
            .await
            .iter()
            .any(|s| s.contains("Northwind Freight starts a free trial"))
    );
    assert!(
        subjects(&app, "billing-admin@ladder.example")
            .await
            .iter()
            .any(|s| s.starts_with("Trial started"))
    );

    // The company's pages show it; the developer logs hours and the company sees them.
    let (_, list) = company.get_html("/engagements").await;
    assert!(list.contains("Free trial") && list.contains("Ana Lima"));
    let (_, detail) = company.get_html(&format!("/engagements/{id}")).await;
    assert!(detail.contains("days left") || detail.contains("day left"));
    let dev = app.browser();
    dev.login("ana@dev.example", PASSWORD).await;
    let r = dev
        .post(
            "/me/hours",
            &[
                ("engagement", &id.to_string()),
                ("week", &today()),
                ("hours", "37.5"),
                ("note", "Set up CI and the billing service skeleton"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, detail) = company.get_html(&format!("/engagements/{id}")).await;
    assert!(detail.contains("37.5") && detail.contains("billing service skeleton"));

    // The admin ends the trial: the first month is charged.
    let r = admin
        .post(&format!("/admin/engagements/{id}/sandbox/end-trial"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let e = engagement(&app, id).await;
    assert_eq!(e.status, "active");
    assert!(e.first_paid_at.is_some());
    let subjects_now = subjects(&app, "maya@northwind.example").await;
    assert!(subjects_now.iter().any(|s| s.contains("ends in 3 days")));
    assert!(
        subjects_now
            .iter()
            .any(|s| s.starts_with("Payment received: $2,200"))
    );
    let (_, billing) = company.get_html("/billing").await;
    assert!(billing.contains("$2,200") && billing.contains("Paid"));

    // A failed payment shows the banner until a new card pays it.
    admin
        .post(
            &format!("/admin/engagements/{id}/sandbox/fail-next-payment"),
            &[],
        )
        .await;
    admin
        .post(&format!("/admin/engagements/{id}/sandbox/renew"), &[])
        .await;
    assert_eq!(engagement(&app, id).await.status, "past_due");
    assert!(
        subjects(&app, "maya@northwind.example")
            .await
            .iter()
            .any(|s| s.starts_with("Payment failed"))
    );
    let (_, page) = company.get_html("/developers").await;
    assert!(page.contains("data-banner=\"payment-failed\""));
    let r = company
        .post(
            "/billing/sandbox/portal",
            &[("card_number", "4242 4242 4242 4242")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(engagement(&app, id).await.status, "active");
    let (_, page) = company.get_html("/developers").await;
    assert!(!page.contains("data-banner=\"payment-failed\""));

    // Cancelling after the trial ends at the period's end.
    let r = company
        .post(&format!("/engagements/{id}/cancel"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    app.worker(ladder::mail::Mailer::memory().0)
        .run_until_idle()
        .await
        .unwrap();
    assert_eq!(engagement(&app, id).await.status, "ending");
    admin
        .post(&format!("/admin/engagements/{id}/sandbox/renew"), &[])
        .await;
    assert_eq!(engagement(&app, id).await.status, "ended");
    assert!(
        subjects(&app, "maya@northwind.example")
            .await
            .iter()
            .any(|s| s.starts_with("Engagement ended"))
    );
    assert_eq!(
        available_from(&app, &slug).await,
        Some(ladder::models::now().date())
    );

    // Every transition is in the audit log; the dashboard counts the conversion.
    let actions: Vec<String> = app
        .with_conn(|conn| {
            audit_log::table
                .filter(audit_log::subject_type.eq("engagement"))
                .select(audit_log::action)
                .load(conn)
                .unwrap()
        })
        .await;
    for expected in [
        "engagement.booked",
        "billing.trialing",
        "billing.active",
        "billing.past_due",
        "billing.ending",
        "billing.ended",
        "billing.invoice_paid",
        "billing.payment_failed",
    ] {
        assert!(
            actions.iter().any(|a| a == expected),
            "no {expected} in {actions:?}"
        );
    }
    let (_, dashboard) = admin.get_html("/admin").await;
    assert!(dashboard.contains("100%"), "conversion shown");
}

async fn id_from_checkout(app: &TestApp) -> i32 {
    app.with_conn(|conn| {
        engagements::table
            .order(engagements::id.desc())
            .select(engagements::id)
            .first::<i32>(conn)
            .unwrap()
    })
    .await
}

#[tokio::test]
async fn a_double_submitted_booking_makes_one_engagement_and_one_checkout() {
    let app = spawn_app().await;
    let company = app.verified_company("Acme", "owner@acme.example").await;
    let (_dev, slug) =
        listed_developer(&app, "Ben Ode", "ben@dev.example", "L1", "Europe/London").await;
    let (_, html) = company
        .get_html(&format!("/engagements/new?developer={slug}"))
        .await;
    let key = form_value(&html, "idempotency_key");
    let fields = [
        ("developer", slug.as_str()),
        ("commitment", "part_time"),
        ("starts_on", &today()),
        ("idempotency_key", &key),
    ];
    let first = company.post("/engagements", &fields).await;
    let second = company.post("/engagements", &fields).await;
    assert_eq!(first.status().as_u16(), 303);
    assert_eq!(location(&first), location(&second));
    assert_eq!(engagement_count(&app).await, 1);
    let price: i64 = app
        .with_conn(|conn| {
            engagements::table
                .select(engagements::price_cents)
                .first(conn)
                .unwrap()
        })
        .await;
    assert_eq!(price, 80_000, "L1 part-time from plans");
    // Paying twice starts one trial.
    let checkout = location(&first);
    let checkout = checkout
        .strip_prefix(&app.address)
        .unwrap_or(&checkout)
        .to_owned();
    for _ in 0..2 {
        let r = company
            .post(&checkout, &[("card_number", "4242 4242 4242 4242")])
            .await;
        assert_eq!(r.status().as_u16(), 303);
    }
    let subscriptions: i64 = app
        .with_conn(|conn| {
            ladder::schema::sandbox_subscriptions::table
                .count()
                .get_result(conn)
                .unwrap()
        })
        .await;
    assert_eq!(subscriptions, 1);
    // A later resubmission of the same form lands on the engagement, not a new booking.
    let again = company.post("/engagements", &fields).await;
    assert!(location(&again).starts_with("/engagements/"));
    assert_eq!(engagement_count(&app).await, 1);
}

#[tokio::test]
async fn cancelling_in_the_trial_charges_nothing_and_frees_the_developer() {
    let app = spawn_app().await;
    let company = app.verified_company("Acme", "owner@acme.example").await;
    let (_dev, slug) =
        listed_developer(&app, "Cleo Park", "cleo@dev.example", "L3", "Asia/Seoul").await;
    let id = start_trial(&app, &company, &slug, "full_time").await;
    assert_eq!(available_from(&app, &slug).await, None);
    // The catalog notices within its change-check interval: not "available now" any more.
    assert!(
        catalog_lists_as_available(&app, &slug, false).await,
        "still listed as available now"
    );
    // Booking the same developer again is refused while the trial runs.
    let (_, form) = company
        .get_html(&format!("/engagements/new?developer={slug}"))
        .await;
    assert!(form.contains("already works with your company"));
    let r = company
        .post(
            "/engagements",
            &[
                ("developer", slug.as_str()),
                ("commitment", "full_time"),
                ("starts_on", &today()),
                ("idempotency_key", "another-form"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);

    company
        .post(&format!("/engagements/{id}/cancel"), &[])
        .await;
    app.worker(ladder::mail::Mailer::memory().0)
        .run_until_idle()
        .await
        .unwrap();
    let e = engagement(&app, id).await;
    assert_eq!(e.status, "canceled");
    assert!(e.first_paid_at.is_none());
    let charged: i64 = app
        .with_conn(move |conn| {
            invoices::table
                .filter(invoices::engagement_id.eq(id))
                .select(invoices::amount_paid_cents)
                .load::<i64>(conn)
                .unwrap()
                .into_iter()
                .sum::<i64>()
        })
        .await;
    assert_eq!(charged, 0);
    assert!(available_from(&app, &slug).await.is_some());
    assert!(
        subjects(&app, "cleo@dev.example")
            .await
            .iter()
            .any(|s| s.starts_with("Engagement cancelled"))
    );
}

#[tokio::test]
async fn replacing_in_the_trial_keeps_the_trial_clock_and_ends_the_first() {
    let app = spawn_app().await;
    let company = app.verified_company("Acme", "owner@acme.example").await;
    let (_a, first) =
        listed_developer(&app, "Dana Ruiz", "dana@dev.example", "L2", "Europe/Madrid").await;
    let (_b, second) =
        listed_developer(&app, "Eli Moss", "eli@dev.example", "L2", "Europe/Oslo").await;
    let (_c, senior) =
        listed_developer(&app, "Finn Holt", "finn@dev.example", "L3", "Europe/Oslo").await;
    let id = start_trial(&app, &company, &first, "full_time").await;
    // Pretend five days have passed.
    app.with_conn(move |conn| {
        diesel::update(engagements::table.find(id))
            .set(engagements::trial_ends_at.eq(ladder::models::now() + Duration::days(9)))
            .execute(conn)
            .unwrap();
    })
    .await;
    // Another level can't replace.
    let (_, html) = company
        .get_html(&format!(
            "/engagements/new?developer={senior}&replaces={id}"
        ))
        .await;
    let key = form_value(&html, "idempotency_key");
    let r = company
        .post(
            "/engagements",
            &[
                ("developer", senior.as_str()),
                ("commitment", "full_time"),
                ("starts_on", &today()),
                ("idempotency_key", &key),
                ("replaces", &id.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);

    let (_, html) = company
        .get_html(&format!(
            "/engagements/new?developer={second}&replaces={id}"
        ))
        .await;
    assert!(html.contains("Replace Dana Ruiz with Eli M."), "{html}");
    let key = form_value(&html, "idempotency_key");
    let r = company
        .post(
            "/engagements",
            &[
                ("developer", second.as_str()),
                ("commitment", "full_time"),
                ("starts_on", &today()),
                ("idempotency_key", &key),
                ("replaces", &id.to_string()),
            ],
        )
        .await;
    let checkout = location(&r);
    let checkout = checkout
        .strip_prefix(&app.address)
        .unwrap_or(&checkout)
        .to_owned();
    let (_, page) = company.get_html(&checkout).await;
    assert!(page.contains("9-day free trial"), "the clock carries over");
    company
        .post(&checkout, &[("card_number", "4242 4242 4242 4242")])
        .await;
    app.worker(ladder::mail::Mailer::memory().0)
        .run_until_idle()
        .await
        .unwrap();
    assert_eq!(engagement(&app, id).await.status, "canceled");
    let replacement = id_from_checkout(&app).await;
    let e = engagement(&app, replacement).await;
    assert_eq!(e.status, "trialing");
    let left = (e.trial_ends_at.unwrap() - ladder::models::now()).num_hours();
    assert!((8 * 24..=9 * 24).contains(&left), "{left} h left");
    assert!(available_from(&app, &first).await.is_some());
    assert_eq!(available_from(&app, &second).await, None);
}

#[tokio::test]
async fn another_companys_engagements_invoices_and_hours_are_unreachable() {
    let app = spawn_app().await;
    let company = app.verified_company("Acme", "owner@acme.example").await;
    let other = app.verified_company("Globex", "owner@globex.example").await;
    let (dev, slug) =
        listed_developer(&app, "Gus Tan", "gus@dev.example", "L1", "Asia/Singapore").await;
    let id = start_trial(&app, &company, &slug, "part_time").await;
    for path in [
        format!("/engagements/{id}"),
        format!("/engagements/{id}/checkout-status"),
    ] {
        assert_eq!(other.get(&path).await.status().as_u16(), 404, "{path}");
    }
    assert_eq!(
        other
            .post(&format!("/engagements/{id}/cancel"), &[])
            .await
            .status()
            .as_u16(),
        404
    );
    assert_eq!(engagement(&app, id).await.status, "trialing");
    let (_, billing) = other.get_html("/billing").await;
    assert!(billing.contains("No invoices yet"));
    // Another developer can't log hours on it.
    let (_other_dev, _) =
        listed_developer(&app, "Hana Vo", "hana@dev.example", "L1", "Asia/Tokyo").await;
    let intruder = app.browser();
    intruder.login("hana@dev.example", PASSWORD).await;
    let r = intruder
        .post(
            "/me/hours",
            &[
                ("engagement", &id.to_string()),
                ("week", &today()),
                ("hours", "10"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 404);
    // Bad hours are a 422 with a message, and nothing is saved.
    dev.login("gus@dev.example", PASSWORD).await;
    let r = dev
        .post(
            "/me/hours",
            &[
                ("engagement", &id.to_string()),
                ("week", &today()),
                ("hours", "200"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("more than 80"));
    // Dates at the far ends of the calendar are a message too, never a 500.
    for week in ["-262143-01-01", "262142-12-31", "1999-12-31"] {
        let r = dev
            .post(
                "/me/hours",
                &[
                    ("engagement", &id.to_string()),
                    ("week", week),
                    ("hours", "10"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422, "{week}");
        assert!(r.text().await.unwrap().contains("Enter a date"), "{week}");
    }
    // Developers and anonymous visitors can't use the company pages.
    assert_eq!(dev.get("/engagements").await.status().as_u16(), 403);
    let anonymous = app.browser();
    assert_eq!(anonymous.get("/billing").await.status().as_u16(), 303);
}

#[tokio::test]
async fn bad_booking_input_is_a_4xx_with_a_message() {
    let app = spawn_app().await;
    let company = app.verified_company("Acme", "owner@acme.example").await;
    let (_dev, slug) =
        listed_developer(&app, "Ivy Chen", "ivy@dev.example", "L2", "America/Chicago").await;
    for (commitment, starts_on) in [
        ("weekends", today()),
        ("full_time", "yesterday".to_owned()),
        (
            "full_time",
            (ladder::models::now().date() + Duration::days(60)).to_string(),
        ),
    ] {
        let r = company
            .post(
                "/engagements",
                &[
                    ("developer", slug.as_str()),
                    ("commitment", commitment),
                    ("starts_on", &starts_on),
                    ("idempotency_key", "k-123"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422, "{commitment} {starts_on}");
    }
    let r = company.get("/engagements/new?developer=nobody-here").await;
    assert_eq!(r.status().as_u16(), 404);
    let r = company
        .get("/engagements/new?developer=x&replaces=abc")
        .await;
    assert_eq!(r.status().as_u16(), 400);
    assert_eq!(engagement_count(&app).await, 0);
    // Without a Stripe key the webhook isn't there; the sandbox portal is.
    let r = app
        .client
        .post(app.url("/webhooks/stripe"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
}

// ---------------------------------------------------------------------------------------
// Property: any order, any duplication, same end state.

fn at(seconds: i64) -> NaiveDateTime {
    ladder::billing::from_unix(1_800_000_000 + seconds)
}

fn sub(
    id: &str,
    engagement_id: i32,
    status: SubscriptionStatus,
    cancel_at_period_end: bool,
    ended: Option<i64>,
) -> SubscriptionSnapshot {
    SubscriptionSnapshot {
        id: id.into(),
        customer_id: "cus_prop".into(),
        status,
        engagement_id: Some(engagement_id),
        trial_end: Some(at(14 * 86_400)),
        current_period_end: Some(at(44 * 86_400)),
        cancel_at_period_end,
        cancel_at: None,
        canceled_at: ended.map(at),
        ended_at: ended.map(at),
    }
}

fn invoice(
    id: &str,
    sub_id: &str,
    engagement_id: i32,
    status: &str,
    created: i64,
) -> InvoiceSnapshot {
    InvoiceSnapshot {
        id: id.into(),
        number: Some(format!("PROP-{id}")),
        customer_id: "cus_prop".into(),
        subscription_id: Some(sub_id.into()),
        engagement_id: Some(engagement_id),
        status: status.parse().unwrap(),
        amount_due_cents: 220_000,
        amount_paid_cents: if status == "paid" { 220_000 } else { 0 },
        currency: "usd".into(),
        period_start: at(14 * 86_400),
        period_end: at(44 * 86_400),
        hosted_invoice_url: None,
        attempt_count: if status == "paid" { 2 } else { 1 },
        created: at(created),
    }
}

/// A whole lifecycle as Stripe would send it: checkout, trial, first payment failing then
/// succeeding, cancel at period end, end.
fn lifecycle(engagement_id: i32, session: &str) -> Vec<BillingEvent> {
    let sub_id = format!("sub_prop_{engagement_id}");
    let day = 86_400;
    let ev = |n: usize, event_type: &str, created: i64, kind: EventKind| BillingEvent {
        id: format!("evt_prop_{engagement_id}_{n}"),
        event_type: event_type.into(),
        created: at(created),
        kind,
    };
    vec![
        ev(
            1,
            "checkout.session.completed",
            0,
            EventKind::CheckoutCompleted(CheckoutCompleted {
                session_id: session.into(),
                engagement_id: Some(engagement_id),
                customer_id: Some("cus_prop".into()),
                subscription_id: Some(sub_id.clone()),
            }),
        ),
        ev(
            2,
            "customer.subscription.created",
            0,
            EventKind::Subscription(sub(
                &sub_id,
                engagement_id,
                SubscriptionStatus::Trialing,
                false,
                None,
            )),
        ),
        ev(
            3,
            "customer.subscription.trial_will_end",
            11 * day,
            EventKind::TrialWillEnd(sub(
                &sub_id,
                engagement_id,
                SubscriptionStatus::Trialing,
                false,
                None,
            )),
        ),
        ev(
            4,
            "invoice.payment_failed",
            14 * day,
            EventKind::InvoicePaymentFailed(invoice(
                "in_1",
                &sub_id,
                engagement_id,
                "open",
                14 * day,
            )),
        ),
        ev(
            5,
            "customer.subscription.updated",
            14 * day,
            EventKind::Subscription(sub(
                &sub_id,
                engagement_id,
                SubscriptionStatus::PastDue,
                false,
                None,
            )),
        ),
        ev(
            6,
            "invoice.paid",
            15 * day,
            EventKind::InvoicePaid(invoice("in_1", &sub_id, engagement_id, "paid", 14 * day)),
        ),
        ev(
            7,
            "customer.subscription.updated",
            15 * day,
            EventKind::Subscription(sub(
                &sub_id,
                engagement_id,
                SubscriptionStatus::Active,
                false,
                None,
            )),
        ),
        ev(
            8,
            "customer.subscription.updated",
            20 * day,
            EventKind::Subscription(sub(
                &sub_id,
                engagement_id,
                SubscriptionStatus::Active,
                true,
                None,
            )),
        ),
        ev(
            9,
            "customer.subscription.deleted",
            44 * day,
            EventKind::Subscription(sub(
                &sub_id,
                engagement_id,
                SubscriptionStatus::Canceled,
                true,
                Some(44 * day),
            )),
        ),
    ]
}

type Observed = (
    String,
    bool,
    Option<NaiveDateTime>,
    Vec<(String, String, i64)>,
    i64,
);

async fn observe(app: &TestApp, id: i32) -> Observed {
    app.with_conn(move |conn| {
        let (status, cancel_at_period_end, first_paid_at): (String, bool, Option<NaiveDateTime>) =
            engagements::table
                .find(id)
                .select((
                    engagements::status,
                    engagements::cancel_at_period_end,
                    engagements::first_paid_at,
                ))
                .first(conn)
                .unwrap();
        let invoices: Vec<(String, String, i64)> = invoices::table
            .filter(invoices::engagement_id.eq(id))
            .select((
                invoices::stripe_invoice_id,
                invoices::status,
                invoices::amount_paid_cents,
            ))
            .order(invoices::stripe_invoice_id)
            .load(conn)
            .unwrap();
        let processed: i64 = billing_events::table
            .filter(billing_events::event_id.like(format!("evt_prop_{id}_%")))
            .count()
            .get_result(conn)
            .unwrap();
        (
            status,
            cancel_at_period_end,
            first_paid_at,
            invoices,
            processed,
        )
    })
    .await
}

#[tokio::test]
async fn any_order_and_duplication_of_a_lifecycle_ends_in_the_same_state() {
    let app = spawn_app().await;
    let _company = app.verified_company("Acme", "owner@acme.example").await;
    let mut slugs = Vec::new();
    for n in 0..4 {
        let (_b, slug) = listed_developer(
            &app,
            &format!("Prop Dev{n}"),
            &format!("prop{n}@dev.example"),
            "L2",
            "Europe/Berlin",
        )
        .await;
        slugs.push(slug);
    }
    let outbox = ladder::mail::Outbox::from_settings(&app.settings);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(20261123);
    let runs = 24;
    let mut expected: Option<Observed> = None;
    for run in 0..runs {
        // A fresh pending engagement per run (any developer: the state machine doesn't care).
        let slug = slugs[run % slugs.len()].clone();
        let company_id: i32 = app
            .with_conn(|conn| {
                ladder::schema::companies::table
                    .select(ladder::schema::companies::id)
                    .first(conn)
                    .unwrap()
            })
            .await;
        let session = format!("cs_prop_{run}");
        let id = app
            .with_conn(move |conn| {
                let d = ladder::models::developer::find_by_slug(conn, &slug)
                    .unwrap()
                    .unwrap();
                let now = ladder::models::now();
                let row = ladder::models::engagement::insert(
                    conn,
                    &ladder::models::engagement::NewEngagement {
                        company_id,
                        developer_id: d.id,
                        booked_by: None,
                        level: "L2".parse().unwrap(),
                        commitment: "part_time".parse().unwrap(),
                        price_cents: 220_000,
                        currency: "usd".into(),
                        hours_per_month: 80,
                        stripe_lookup_key: "ladder_l2_part_time".into(),
                        starts_on: now.date(),
                        three_month_commitment: false,
                        status: "pending_checkout".parse().unwrap(),
                        idempotency_key: format!("prop-{run}"),
                        replaces_id: None,
                        created_at: now,
                        updated_at: now,
                    },
                )
                .unwrap();
                ladder::models::engagement::set_checkout(
                    conn,
                    row.id,
                    &session,
                    "https://checkout.example/x",
                    now + chrono::Duration::hours(24),
                )
                .unwrap();
                row.id
            })
            .await;
        let mut events = lifecycle(id, &format!("cs_prop_{run}"));
        // Duplicate a random handful, then shuffle.
        for _ in 0..rng.random_range(0..6) {
            let pick = events[rng.random_range(0..events.len())].clone();
            events.push(pick);
        }
        events.shuffle(&mut rng);
        let outbox = outbox.clone();
        app.with_conn(move |conn| {
            for event in &events {
                ladder::billing::apply_event(conn, &outbox, "stripe", event).unwrap();
            }
        })
        .await;
        let observed = observe(&app, id).await;
        assert_eq!(observed.0, "ended", "run {run}");
        match &expected {
            None => expected = Some(observed),
            Some(first) => assert_eq!(&observed, first, "run {run} differs"),
        }
        // Later runs share invoice ids with the first: they must not steal them.
        app.with_conn(|conn| {
            diesel::delete(invoices::table).execute(conn).unwrap();
        })
        .await;
    }
    // Each lifecycle email exactly once per engagement, whatever the order and however
    // late its event arrives (issue 14): trial started, trial ending, ended.
    let subjects: Vec<String> = app
        .emails_to("owner@acme.example")
        .await
        .into_iter()
        .map(|e| e.subject)
        .collect();
    for marker in ["has started", "ends in 3 days", "Engagement ended"] {
        let sent = subjects.iter().filter(|s| s.contains(marker)).count();
        assert_eq!(sent, runs, "{marker}: {sent} emails for {runs} engagements");
    }
}
