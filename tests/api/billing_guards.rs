//! Money that is always right (issue 14): one developer is never sold twice, a cancelled
//! booking is never billed, Stripe charges exactly what Ladder shows. One test per defect
//! of the issue, on SQLite and (with `LADDER_TEST_POSTGRES_URL`) PostgreSQL.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use ladder::schema::{audit_log, billing_events, engagements, invoices};

use crate::helpers::{Browser, TestApp, form_value, location, spawn_app};
use crate::hiring::listed_developer;
use crate::stripe_stub::{StripeStub, now, spawn_app_with_stripe};

fn today() -> String {
    ladder::models::now().date().to_string()
}

/// The booking form's POST for `slug`, with the form's own idempotency key.
async fn book(company: &Browser, slug: &str, commitment: &str) -> reqwest::Response {
    let (status, html) = company
        .get_html(&format!("/engagements/new?developer={slug}"))
        .await;
    assert_eq!(status, 200, "{html}");
    let key = form_value(&html, "idempotency_key");
    book_with_key(company, slug, commitment, &key).await
}

async fn book_with_key(
    company: &Browser,
    slug: &str,
    commitment: &str,
    key: &str,
) -> reqwest::Response {
    company
        .post(
            "/engagements",
            &[
                ("developer", slug),
                ("commitment", commitment),
                ("starts_on", &today()),
                ("idempotency_key", key),
            ],
        )
        .await
}

/// The app-relative path a 303 points at.
fn path_of(app: &TestApp, r: &reqwest::Response) -> String {
    let to = location(r);
    to.strip_prefix(&app.address).unwrap_or(&to).to_owned()
}

#[derive(Debug)]
struct Row {
    id: i32,
    company_id: i32,
    status: String,
    subscription: Option<String>,
    trial_ends_at: Option<NaiveDateTime>,
    end_reason: Option<String>,
}

async fn engagements_of(app: &TestApp) -> Vec<Row> {
    app.with_conn(|conn| {
        engagements::table
            .order(engagements::id.asc())
            .select((
                engagements::id,
                engagements::company_id,
                engagements::status,
                engagements::stripe_subscription_id,
                engagements::trial_ends_at,
                engagements::end_reason,
            ))
            .load::<(
                i32,
                i32,
                String,
                Option<String>,
                Option<NaiveDateTime>,
                Option<String>,
            )>(conn)
            .unwrap()
            .into_iter()
            .map(
                |(id, company_id, status, subscription, trial_ends_at, end_reason)| Row {
                    id,
                    company_id,
                    status,
                    subscription,
                    trial_ends_at,
                    end_reason,
                },
            )
            .collect()
    })
    .await
}

async fn audit_actions(app: &TestApp) -> Vec<(String, String)> {
    app.with_conn(|conn| {
        audit_log::table
            .order(audit_log::id.asc())
            .select((audit_log::action, audit_log::details))
            .load(conn)
            .unwrap()
    })
    .await
}

async fn run_jobs(app: &TestApp) {
    app.worker(ladder::mail::Mailer::memory().0)
        .run_until_idle()
        .await
        .unwrap();
}

async fn subjects(app: &TestApp, to: &str) -> Vec<String> {
    app.emails_to(to)
        .await
        .into_iter()
        .map(|e| e.subject)
        .collect()
}

/// The engagement's stored Checkout Session reaches its 24 h by our clock.
async fn stored_checkout_runs_out(app: &TestApp, id: i32) {
    app.with_conn(move |conn| {
        diesel::update(engagements::table.find(id))
            .set(
                engagements::checkout_expires_at
                    .eq(Some(ladder::models::now() - Duration::minutes(1))),
            )
            .execute(conn)
            .unwrap();
    })
    .await;
}

async fn post_all(app: &TestApp, payloads: &[String]) {
    for payload in payloads {
        let r = app.post_webhook(payload).await;
        assert_eq!(r.status().as_u16(), 200, "{payload}");
    }
}

// ---------------------------------------------------------------------------------------
// Defect 1: capacity enforced where money commits

#[tokio::test]
async fn two_companies_paying_for_one_full_time_developer_at_once_one_wins_the_other_is_refused() {
    let app = spawn_app().await;
    let x = app
        .verified_company("Xeno Labs", "owner@xeno.example")
        .await;
    let y = app.verified_company("Yarrow", "owner@yarrow.example").await;
    let (_dev, slug) =
        listed_developer(&app, "Sol Reyes", "sol@dev.example", "L2", "Europe/Lisbon").await;
    // Both book while the developer is free: a booking waiting for checkout holds nothing.
    let rx = book(&x, &slug, "full_time").await;
    let ry = book(&y, &slug, "full_time").await;
    assert_eq!(rx.status().as_u16(), 303);
    assert_eq!(ry.status().as_u16(), 303);
    let (cx, cy) = (path_of(&app, &rx), path_of(&app, &ry));
    // Both pay at the same moment.
    let card = [("card_number", "4242 4242 4242 4242")];
    let (px, py) = tokio::join!(x.post(&cx, &card), y.post(&cy, &card));
    let mut statuses = vec![px.status().as_u16(), py.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, vec![303, 400], "one wins, the other is refused");
    let refused = if px.status().as_u16() == 400 { px } else { py };
    let message = refused.text().await.unwrap();
    assert!(
        message.contains("nothing was charged") && message.contains("engaged full-time"),
        "{message}"
    );
    let rows = engagements_of(&app).await;
    let live: Vec<&Row> = rows.iter().filter(|r| r.status == "trialing").collect();
    assert_eq!(live.len(), 1, "{rows:?}");
    let lost: Vec<&Row> = rows.iter().filter(|r| r.status == "canceled").collect();
    assert_eq!(lost.len(), 1, "{rows:?}");
    assert_eq!(
        lost[0].end_reason.as_deref(),
        Some("developer no longer available")
    );
    // Only the winner got a subscription; the audit log says why the other lost.
    let sandbox_subscriptions: i64 = app
        .with_conn(|conn| {
            ladder::schema::sandbox_subscriptions::table
                .count()
                .get_result(conn)
                .unwrap()
        })
        .await;
    assert_eq!(sandbox_subscriptions, 1);
    assert!(
        audit_actions(&app)
            .await
            .iter()
            .any(|(a, d)| a == "billing.capacity_refused" && d.contains("full-time"))
    );
    assert_ne!(lost[0].company_id, live[0].company_id);
}

#[tokio::test]
async fn two_part_time_engagements_fit_a_third_or_a_full_time_one_does_not() {
    let app = spawn_app().await;
    let a = app.verified_company("Alpha", "owner@alpha.example").await;
    let b = app.verified_company("Beta", "owner@beta.example").await;
    let c = app.verified_company("Gamma", "owner@gamma.example").await;
    let (_dev, slug) =
        listed_developer(&app, "Pat Lane", "pat@dev.example", "L1", "Europe/Rome").await;
    // Three bookings wait for checkout at once; two part-time checkouts fit, the third not.
    let ra = book(&a, &slug, "part_time").await;
    let rb = book(&b, &slug, "part_time").await;
    let rc = book(&c, &slug, "part_time").await;
    let card = [("card_number", "4242424242424242")];
    assert_eq!(
        a.post(&path_of(&app, &ra), &card).await.status().as_u16(),
        303
    );
    assert_eq!(
        b.post(&path_of(&app, &rb), &card).await.status().as_u16(),
        303
    );
    let third = c.post(&path_of(&app, &rc), &card).await;
    assert_eq!(third.status().as_u16(), 400);
    assert!(
        third
            .text()
            .await
            .unwrap()
            .contains("already has two part-time engagements")
    );
    let rows = engagements_of(&app).await;
    assert_eq!(
        rows.iter().map(|r| r.status.as_str()).collect::<Vec<_>>(),
        vec!["trialing", "trialing", "canceled"]
    );
}

#[tokio::test]
async fn with_stripe_the_later_checkout_for_a_taken_developer_is_cancelled_at_once() {
    let stub = StripeStub::start().await;
    stub.add_plan_prices();
    let app = spawn_app_with_stripe(&stub).await;
    let x = app
        .verified_company("Xeno Labs", "owner@xeno.example")
        .await;
    let y = app.verified_company("Yarrow", "owner@yarrow.example").await;
    let (_dev, slug) =
        listed_developer(&app, "Sol Reyes", "sol@dev.example", "L2", "Europe/Lisbon").await;
    assert_eq!(book(&x, &slug, "full_time").await.status().as_u16(), 303);
    let sx = stub.last_checkout_session_id().unwrap();
    assert_eq!(book(&y, &slug, "full_time").await.status().as_u16(), 303);
    let sy = stub.last_checkout_session_id().unwrap();
    assert_ne!(sx, sy);
    // Both companies pay on Stripe's page; the webhooks arrive interleaved, at once.
    let ex = stub.complete_checkout(&sx);
    let ey = stub.complete_checkout(&sy);
    let (a, b) = tokio::join!(app.post_webhook(&ex[0]), app.post_webhook(&ey[0]));
    assert_eq!(a.status().as_u16(), 200);
    assert_eq!(b.status().as_u16(), 200);
    post_all(&app, &[ex[1].clone(), ey[1].clone()]).await;
    let rows = engagements_of(&app).await;
    assert_eq!(
        rows.iter().filter(|r| r.status == "trialing").count(),
        1,
        "{rows:?}"
    );
    let lost = rows
        .iter()
        .find(|r| r.status == "canceled")
        .expect("a loser");
    let lost_subscription = lost
        .subscription
        .clone()
        .expect("its subscription is known");
    // The loser's subscription is cancelled at Stripe at once, charging nothing.
    run_jobs(&app).await;
    let deletes = stub.requests_to("DELETE", &format!("/v1/subscriptions/{lost_subscription}"));
    assert_eq!(deletes.len(), 1);
    assert_eq!(deletes[0].form_value("invoice_now"), Some("false"));
    assert_eq!(deletes[0].form_value("prorate"), Some("false"));
    let winner_subscription = rows
        .iter()
        .find(|r| r.status == "trialing")
        .and_then(|r| r.subscription.clone())
        .unwrap();
    assert!(
        stub.requests_to(
            "DELETE",
            &format!("/v1/subscriptions/{winner_subscription}")
        )
        .is_empty()
    );
    let audit = audit_actions(&app).await;
    assert!(audit.iter().any(|(a, _)| a == "billing.capacity_refused"));
    assert!(
        audit
            .iter()
            .any(|(a, d)| a == "billing.subscription_cancelled" && d.contains("nothing charged"))
    );
    let mut told = 0;
    for owner in ["owner@xeno.example", "owner@yarrow.example"] {
        told += subjects(&app, owner)
            .await
            .iter()
            .filter(|s| s.contains("couldn't be completed"))
            .count();
    }
    assert_eq!(told, 1, "the loser is told, once");
}

// ---------------------------------------------------------------------------------------
// Defect 2: a cancelled booking is never billed

#[tokio::test]
async fn a_booking_cancelled_before_checkout_is_never_billed_even_if_its_session_is_paid() {
    let stub = StripeStub::start().await;
    stub.add_plan_prices();
    let app = spawn_app_with_stripe(&stub).await;
    let company = app.verified_company("Acme", "owner@acme.example").await;
    let (_dev, slug) =
        listed_developer(&app, "Ana Lima", "ana@dev.example", "L2", "Europe/Berlin").await;
    assert_eq!(
        book(&company, &slug, "full_time").await.status().as_u16(),
        303
    );
    let session = stub.last_checkout_session_id().unwrap();
    let id = engagements_of(&app).await[0].id;
    let r = company
        .post(&format!("/engagements/{id}/cancel"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    // The company still had Stripe's page open and pays before the expiry job runs.
    let checkout = stub.complete_checkout(&session);
    post_all(&app, &checkout).await;
    let subscription = engagements_of(&app).await[0]
        .subscription
        .clone()
        .expect("linked, to be cancelled");
    post_all(&app, &stub.end_trial_paid(&subscription)).await;
    let rows = engagements_of(&app).await;
    assert_eq!(rows[0].status, "canceled");
    let invoice_rows: i64 = app
        .with_conn(|conn| invoices::table.count().get_result(conn).unwrap())
        .await;
    assert_eq!(invoice_rows, 0, "never revenue");
    assert!(
        !subjects(&app, "owner@acme.example")
            .await
            .iter()
            .any(|s| s.contains("Payment received") || s.contains("has started"))
    );
    let outcomes: Vec<String> = app
        .with_conn(|conn| {
            billing_events::table
                .select(billing_events::outcome)
                .load(conn)
                .unwrap()
        })
        .await;
    assert!(
        outcomes.iter().any(|o| o.starts_with("refused:")),
        "{outcomes:?}"
    );
    // The jobs: expiring the (now completed) session is refused by Stripe; the
    // subscription is cancelled at once.
    run_jobs(&app).await;
    let expire = stub.requests_to("POST", &format!("/v1/checkout/sessions/{session}/expire"));
    assert_eq!(expire.len(), 1);
    let deletes = stub.requests_to("DELETE", &format!("/v1/subscriptions/{subscription}"));
    assert_eq!(deletes.len(), 1);
    assert_eq!(deletes[0].form_value("invoice_now"), Some("false"));
    assert_eq!(stub.subscription(&subscription).unwrap().status, "canceled");
    // Stripe's own `customer.subscription.deleted` changes nothing and queues nothing.
    post_all(
        &app,
        &[stub.subscription_event("customer.subscription.deleted", &subscription)],
    )
    .await;
    run_jobs(&app).await;
    assert_eq!(
        stub.requests_to("DELETE", &format!("/v1/subscriptions/{subscription}"))
            .len(),
        1
    );
    assert_eq!(engagements_of(&app).await[0].status, "canceled");
}

#[tokio::test]
async fn cancelling_a_pending_booking_expires_its_checkout_session() {
    let stub = StripeStub::start().await;
    stub.add_plan_prices();
    let app = spawn_app_with_stripe(&stub).await;
    let company = app.verified_company("Acme", "owner@acme.example").await;
    let (_dev, slug) =
        listed_developer(&app, "Ben Ode", "ben@dev.example", "L1", "Europe/London").await;
    book(&company, &slug, "full_time").await;
    let session = stub.last_checkout_session_id().unwrap();
    let id = engagements_of(&app).await[0].id;
    company
        .post(&format!("/engagements/{id}/cancel"), &[])
        .await;
    run_jobs(&app).await;
    assert!(stub.session_is_expired(&session));
    assert!(
        audit_actions(&app)
            .await
            .iter()
            .any(|(a, d)| a == "billing.checkout_expire" && d.ends_with("expired"))
    );
}

// ---------------------------------------------------------------------------------------
// Defect 3 (and 10: `cancel_at`): cancellation state from Stripe's object

async fn stripe_active_engagement(
    stub: &StripeStub,
    app: &TestApp,
    company: &Browser,
) -> (i32, String) {
    let (_dev, slug) =
        listed_developer(app, "Cy Bell", "cy@dev.example", "L2", "Europe/Paris").await;
    assert_eq!(
        book(company, &slug, "full_time").await.status().as_u16(),
        303
    );
    let session = stub.last_checkout_session_id().unwrap();
    post_all(app, &stub.complete_checkout(&session)).await;
    let row = engagements_of(app).await.pop().unwrap();
    let subscription = row.subscription.unwrap();
    post_all(app, &stub.end_trial_paid(&subscription)).await;
    assert_eq!(engagements_of(app).await.pop().unwrap().status, "active");
    (row.id, subscription)
}

#[tokio::test]
async fn cancel_works_again_after_a_renewal_in_the_portal() {
    let stub = StripeStub::start().await;
    stub.add_plan_prices();
    let app = spawn_app_with_stripe(&stub).await;
    let company = app.verified_company("Acme", "owner@acme.example").await;
    let (id, subscription) = stripe_active_engagement(&stub, &app, &company).await;
    let cancel_path = format!("/v1/subscriptions/{subscription}");

    company
        .post(&format!("/engagements/{id}/cancel"), &[])
        .await;
    run_jobs(&app).await;
    assert_eq!(engagements_of(&app).await[0].status, "ending");
    assert_eq!(stub.requests_to("POST", &cancel_path).len(), 1);

    // The customer renews in the portal: Stripe clears the cancellation.
    let mut renewed = stub.subscription(&subscription).unwrap();
    renewed.cancel_at_period_end = false;
    renewed.cancel_at = None;
    renewed.canceled_at = None;
    stub.add_subscription(renewed.clone());
    post_all(
        &app,
        &[stub.event("customer.subscription.updated", now() + 1, renewed.object())],
    )
    .await;
    assert_eq!(engagements_of(&app).await[0].status, "active");
    // Stripe's clock has one-second steps: let the renewal be in the past.
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;

    // Cancelling again goes to Stripe again.
    let r = company
        .post(&format!("/engagements/{id}/cancel"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, page) = company.get_html(&format!("/engagements/{id}")).await;
    assert!(!page.contains("already on its way"), "{page}");
    run_jobs(&app).await;
    let updates = stub.requests_to("POST", &cancel_path);
    assert_eq!(updates.len(), 2, "a second cancel reaches Stripe");
    assert_eq!(updates[1].form_value("cancel_at_period_end"), Some("true"));
    assert_eq!(engagements_of(&app).await[0].status, "ending");
}

// ---------------------------------------------------------------------------------------
// Defect 5: expired Checkout Sessions are replaced

#[tokio::test]
async fn an_expired_checkout_session_is_replaced_by_a_fresh_one() {
    let stub = StripeStub::start().await;
    stub.add_plan_prices();
    let app = spawn_app_with_stripe(&stub).await;
    let company = app.verified_company("Acme", "owner@acme.example").await;
    let (_dev, slug) =
        listed_developer(&app, "Ana Lima", "ana@dev.example", "L2", "Europe/Berlin").await;
    let first = book(&company, &slug, "full_time").await;
    let first_url = location(&first);
    let first_session = stub.last_checkout_session_id().unwrap();
    let id = engagements_of(&app).await[0].id;

    // Stripe says the session expired: the next click makes a new one.
    post_all(&app, &[stub.expire_session(&first_session)]).await;
    let again = company
        .post(&format!("/engagements/{id}/checkout"), &[])
        .await;
    assert_eq!(again.status().as_u16(), 303);
    let second_session = stub.last_checkout_session_id().unwrap();
    assert_ne!(second_session, first_session);
    assert_ne!(location(&again), first_url);
    let created = stub.requests_to("POST", "/v1/checkout/sessions");
    assert_eq!(created.len(), 2);
    assert_ne!(created[0].idempotency_key(), created[1].idempotency_key());

    // A stored session past its 24 h is replaced without waiting for the webhook.
    stored_checkout_runs_out(&app, id).await;
    let third = company
        .post(&format!("/engagements/{id}/checkout"), &[])
        .await;
    assert_eq!(third.status().as_u16(), 303);
    assert_eq!(stub.requests_to("POST", "/v1/checkout/sessions").len(), 3);
    assert_ne!(stub.last_checkout_session_id().unwrap(), second_session);
    // The new session can be paid; the engagement starts.
    let session = stub.last_checkout_session_id().unwrap();
    post_all(&app, &stub.complete_checkout(&session)).await;
    assert_eq!(engagements_of(&app).await[0].status, "trialing");
}

#[tokio::test]
async fn an_expired_sandbox_checkout_is_replaced_and_the_old_one_cannot_be_paid() {
    let app = spawn_app().await;
    let company = app.verified_company("Acme", "owner@acme.example").await;
    let (_dev, slug) =
        listed_developer(&app, "Ana Lima", "ana@dev.example", "L2", "Europe/Berlin").await;
    let first = path_of(&app, &book(&company, &slug, "full_time").await);
    let id = engagements_of(&app).await[0].id;
    stored_checkout_runs_out(&app, id).await;
    let card = [("card_number", "4242424242424242")];
    let stale = company.post(&first, &card).await;
    assert_eq!(stale.status().as_u16(), 400);
    assert!(stale.text().await.unwrap().contains("expired"));
    let again = company
        .post(&format!("/engagements/{id}/checkout"), &[])
        .await;
    let second = path_of(&app, &again);
    assert_ne!(second, first);
    assert_eq!(company.post(&second, &card).await.status().as_u16(), 303);
    assert_eq!(engagements_of(&app).await[0].status, "trialing");
}

// ---------------------------------------------------------------------------------------
// Defect 6: invoice periods from the line items

#[tokio::test]
async fn the_first_paid_invoice_shows_the_billed_month_not_the_trial() {
    let stub = StripeStub::start().await;
    stub.add_plan_prices();
    let app = spawn_app_with_stripe(&stub).await;
    let company = app.verified_company("Acme", "owner@acme.example").await;
    let (id, subscription) = stripe_active_engagement(&stub, &app, &company).await;
    let sub = stub.subscription(&subscription).unwrap();
    let billed_from = ladder::billing::from_unix(sub.current_period_start);
    let billed_to = ladder::billing::from_unix(sub.current_period_end);
    let (start, end): (NaiveDateTime, NaiveDateTime) = app
        .with_conn(move |conn| {
            invoices::table
                .filter(invoices::engagement_id.eq(id))
                .select((invoices::period_start, invoices::period_end))
                .first(conn)
                .unwrap()
        })
        .await;
    assert_eq!((start, end), (billed_from, billed_to));
    let mail = app
        .emails_to("owner@acme.example")
        .await
        .into_iter()
        .find(|e| e.subject.contains("Payment received"))
        .expect("the first-payment email");
    let period = format!(
        "Period: {} – {}",
        billed_from.format("%-d %B %Y"),
        billed_to.format("%-d %B %Y")
    );
    assert!(mail.text_body.contains(&period), "{}", mail.text_body);
}

// ---------------------------------------------------------------------------------------
// Defect 8 (bookings): a double-submitted booking is one engagement and never a 500

#[tokio::test]
async fn a_booking_submitted_twice_at_once_answers_303_to_the_same_engagement() {
    let app = spawn_app().await;
    let company = app.verified_company("Acme", "owner@acme.example").await;
    let (_dev, slug) =
        listed_developer(&app, "Ana Lima", "ana@dev.example", "L2", "Europe/Berlin").await;
    let rounds = 10;
    for round in 0..rounds {
        let key = format!("double-click-{round}-0123456789");
        let (a, b) = tokio::join!(
            book_with_key(&company, &slug, "part_time", &key),
            book_with_key(&company, &slug, "part_time", &key)
        );
        assert_eq!(a.status().as_u16(), 303, "round {round}");
        assert_eq!(b.status().as_u16(), 303, "round {round}");
        assert_eq!(location(&a), location(&b), "round {round}");
    }
    assert_eq!(engagements_of(&app).await.len(), rounds);
}

// ---------------------------------------------------------------------------------------
// Defect 7: idempotency keys per installation; Stripe's 409 retried

#[tokio::test]
async fn idempotency_keys_name_the_installation_and_a_conflict_is_retried() {
    let stub = StripeStub::start().await;
    stub.add_plan_prices();
    let first = spawn_app_with_stripe(&stub).await;
    let second = spawn_app_with_stripe(&stub).await;
    for (app, who) in [(&first, "first"), (&second, "second")] {
        let company = app
            .verified_company("Acme", &format!("owner@{who}.example"))
            .await;
        let (_dev, slug) = listed_developer(
            app,
            "Ana Lima",
            &format!("ana@{who}.example"),
            "L2",
            "Europe/Berlin",
        )
        .await;
        // Another request with the same key is in flight: Stripe answers 409 twice.
        stub.conflict_next(2);
        let r = book(&company, &slug, "full_time").await;
        assert_eq!(r.status().as_u16(), 303, "{who}");
        assert!(location(&r).starts_with("https://"), "{who}");
    }
    let customers = stub.requests_to("POST", "/v1/customers");
    assert_eq!(
        customers.len(),
        2 * (2 + 1),
        "two 409s retried, then one per database"
    );
    let keys: Vec<&str> = customers
        .iter()
        .filter_map(|r| r.idempotency_key())
        .collect();
    let (first_key, second_key) = (keys[0], keys[keys.len() - 1]);
    assert_ne!(first_key, second_key, "same company id, other installation");
    assert!(first_key.starts_with("ladder-") && first_key.ends_with("-customer-1"));
    // Each database got its own customer, so each checkout is its own.
    let sessions = stub.requests_to("POST", "/v1/checkout/sessions");
    assert_eq!(sessions.len(), 2);
    assert_ne!(
        sessions[0].form_value("customer"),
        sessions[1].form_value("customer")
    );
}

// ---------------------------------------------------------------------------------------
// Defect 4: Stripe charges exactly the snapshot

#[tokio::test]
async fn checkout_refuses_a_stripe_price_that_differs_from_the_booking() {
    let stub = StripeStub::start().await;
    stub.add_plan_prices();
    let app = spawn_app_with_stripe(&stub).await;
    let admin = app.signed_in_admin("guard-admin@ladder.example").await;
    let company = app.verified_company("Acme", "owner@acme.example").await;
    let (_dev, slug) =
        listed_developer(&app, "Ana Lima", "ana@dev.example", "L2", "Europe/Berlin").await;
    // Another process replaced the price at Stripe (a different amount took the key over).
    stub.add_price("ladder_l2_full_time", 250_000, "usd");
    let r = book(&company, &slug, "full_time").await;
    assert_eq!(r.status().as_u16(), 409);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("$2,200") && page.contains("Nothing was charged"),
        "{page}"
    );
    assert!(stub.requests_to("POST", "/v1/checkout/sessions").is_empty());
    let (_, audit) = admin.get_html("/admin/audit").await;
    assert!(audit.contains("billing.price_mismatch"), "admins see it");
    // Once Stripe's price is right again, checkout goes through at the booked amount.
    stub.add_price("ladder_l2_full_time", 220_000, "usd");
    let id = engagements_of(&app).await[0].id;
    let r = company
        .post(&format!("/engagements/{id}/checkout"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let session = &stub.requests_to("POST", "/v1/checkout/sessions")[0];
    let price = session.form_value("line_items[0][price]").unwrap();
    let charged = stub
        .prices()
        .into_iter()
        .find(|p| p["id"] == price)
        .unwrap();
    assert_eq!(charged["unit_amount"], 220_000);
}

// ---------------------------------------------------------------------------------------
// Defect 10: unpaid, cancel_at, voided and uncollectible invoices, late emails

#[tokio::test]
async fn unpaid_ends_cancel_at_is_ending_and_closed_invoices_are_mirrored() {
    let stub = StripeStub::start().await;
    stub.add_plan_prices();
    let app = spawn_app_with_stripe(&stub).await;
    let company = app.verified_company("Acme", "owner@acme.example").await;
    let (id, subscription) = stripe_active_engagement(&stub, &app, &company).await;

    // A trial-will-end arriving late (after the trial ended) still tells the company once.
    let mut late = stub.subscription(&subscription).unwrap();
    late.status = "trialing".into();
    let trial_end = late.trial_end.unwrap();
    let reminder = stub.event(
        "customer.subscription.trial_will_end",
        trial_end - 3 * 86_400,
        late.object(),
    );
    post_all(&app, &[reminder.clone(), reminder]).await;
    let reminders = subjects(&app, "owner@acme.example")
        .await
        .into_iter()
        .filter(|s| s.contains("ends in 3 days"))
        .count();
    assert_eq!(reminders, 1);

    // `cancel_at` (the portal's "cancel on a date") shows as ending.
    let mut dated = stub.subscription(&subscription).unwrap();
    dated.cancel_at = Some(now() + 10 * 86_400);
    stub.add_subscription(dated.clone());
    post_all(
        &app,
        &[stub.event("customer.subscription.updated", now() + 2, dated.object())],
    )
    .await;
    assert_eq!(engagements_of(&app).await[0].status, "ending");

    // A failed renewal, then the invoice is voided: the row is void, no banner.
    let mut failed = crate::stripe_fixtures::InvoiceFixture::failed(
        "in_renewal",
        &subscription,
        &dated.customer,
        id,
        220_000,
        now(),
    );
    post_all(
        &app,
        &[stub.event("invoice.payment_failed", now() + 3, failed.object())],
    )
    .await;
    let company_id = engagements_of(&app).await[0].company_id;
    let banner = app
        .with_conn(move |conn| ladder::billing::payment_failed(conn, company_id).unwrap())
        .await;
    assert!(banner);
    failed.status = "void".into();
    post_all(
        &app,
        &[stub.event("invoice.voided", now() + 4, failed.object())],
    )
    .await;
    let status: String = app
        .with_conn(|conn| {
            invoices::table
                .filter(invoices::stripe_invoice_id.eq("in_renewal"))
                .select(invoices::status)
                .first(conn)
                .unwrap()
        })
        .await;
    assert_eq!(status, "void");
    let banner = app
        .with_conn(move |conn| ladder::billing::payment_failed(conn, company_id).unwrap())
        .await;
    assert!(!banner, "a voided invoice is no longer owed");

    // Stripe gives up collecting: unpaid ends the engagement (out of MRR, developer free)
    // and the subscription, still alive at Stripe, is cancelled.
    let mut unpaid = dated.clone();
    unpaid.status = "unpaid".into();
    unpaid.cancel_at = None;
    stub.add_subscription(unpaid.clone());
    post_all(
        &app,
        &[stub.event("customer.subscription.updated", now() + 5, unpaid.object())],
    )
    .await;
    let row = engagements_of(&app).await.pop().unwrap();
    assert_eq!(row.status, "ended");
    let mrr = app
        .with_conn(|conn| ladder::models::engagement::monthly_recurring_cents(conn).unwrap())
        .await;
    assert_eq!(mrr, 0);
    run_jobs(&app).await;
    assert_eq!(
        stub.requests_to("DELETE", &format!("/v1/subscriptions/{subscription}"))
            .len(),
        1
    );
}

// ---------------------------------------------------------------------------------------
// Defect 11: the sandbox clock never bills a month twice

#[tokio::test]
async fn the_sandbox_clock_starts_each_period_where_the_last_one_ended() {
    let app = spawn_app().await;
    let admin = app.signed_in_admin("clock-admin@ladder.example").await;
    let company = app.verified_company("Acme", "owner@acme.example").await;
    let (_dev, slug) =
        listed_developer(&app, "Ana Lima", "ana@dev.example", "L2", "Europe/Berlin").await;
    let checkout = path_of(&app, &book(&company, &slug, "full_time").await);
    company
        .post(&checkout, &[("card_number", "4242424242424242")])
        .await;
    let id = engagements_of(&app).await[0].id;
    for action in ["end-trial", "fail-next-payment", "renew"] {
        let r = admin
            .post(&format!("/admin/engagements/{id}/sandbox/{action}"), &[])
            .await;
        assert!(r.status().as_u16() < 400, "{action}: {}", r.status());
    }
    let periods: Vec<(Option<String>, NaiveDateTime, NaiveDateTime, String)> = app
        .with_conn(move |conn| {
            invoices::table
                .filter(invoices::engagement_id.eq(id))
                .order(invoices::number.asc())
                .select((
                    invoices::number,
                    invoices::period_start,
                    invoices::period_end,
                    invoices::status,
                ))
                .load(conn)
                .unwrap()
        })
        .await;
    assert_eq!(periods.len(), 3, "{periods:?}");
    let (paid, unpaid) = (&periods[1], &periods[2]);
    assert_eq!(paid.3, "paid");
    assert_eq!(unpaid.3, "open");
    assert_eq!(
        unpaid.1, paid.2,
        "the next period starts where the paid one ends"
    );
    assert!(unpaid.2 > unpaid.1);
}

// ---------------------------------------------------------------------------------------
// Defect 12: a replacement's trial is exactly what was left

#[tokio::test]
async fn a_replacement_trial_ends_exactly_when_the_replaced_one_would_have() {
    let app = spawn_app().await;
    let company = app.verified_company("Acme", "owner@acme.example").await;
    let (_a, first) =
        listed_developer(&app, "Dana Ruiz", "dana@dev.example", "L2", "Europe/Madrid").await;
    let (_b, second) =
        listed_developer(&app, "Eli Moss", "eli@dev.example", "L2", "Europe/Oslo").await;
    let checkout = path_of(&app, &book(&company, &first, "full_time").await);
    company
        .post(&checkout, &[("card_number", "4242424242424242")])
        .await;
    let id = engagements_of(&app).await[0].id;
    // 36 hours and 17 minutes of the trial are left.
    let left = (ladder::models::now() + Duration::hours(36) + Duration::minutes(17))
        .and_utc()
        .timestamp();
    let trial_end = ladder::billing::from_unix(left);
    app.with_conn(move |conn| {
        diesel::update(engagements::table.find(id))
            .set(engagements::trial_ends_at.eq(Some(trial_end)))
            .execute(conn)
            .unwrap();
    })
    .await;
    let (_, html) = company
        .get_html(&format!(
            "/engagements/new?developer={second}&replaces={id}"
        ))
        .await;
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
    assert_eq!(r.status().as_u16(), 303);
    let checkout = path_of(&app, &r);
    assert_eq!(
        company
            .post(&checkout, &[("card_number", "4242424242424242")])
            .await
            .status()
            .as_u16(),
        303
    );
    let rows = engagements_of(&app).await;
    let replacement = rows.iter().find(|r| r.id != id).unwrap();
    assert_eq!(replacement.status, "trialing");
    assert_eq!(
        replacement.trial_ends_at,
        Some(trial_end),
        "not rounded up to days"
    );
}

/// Stripe hands back a customer that another company already holds (an idempotency key
/// reused across environments): checkout stops with a clear message before any charge,
/// never a 500, and the other company keeps its customer.
#[tokio::test]
async fn a_stripe_customer_held_by_another_company_stops_checkout_without_a_500() {
    let stub = StripeStub::start().await;
    stub.add_plan_prices();
    let app = spawn_app_with_stripe(&stub).await;
    let x = app
        .verified_company("Xeno Labs", "owner@xeno.example")
        .await;
    let y = app.verified_company("Yarrow", "owner@yarrow.example").await;
    let (_a, ana) =
        listed_developer(&app, "Ana Souza", "ana@dev.example", "L2", "Europe/Lisbon").await;
    let (_b, ben) =
        listed_developer(&app, "Ben Okafor", "ben@dev.example", "L1", "Africa/Lagos").await;
    assert_eq!(book(&x, &ana, "full_time").await.status().as_u16(), 303);
    assert_eq!(book(&y, &ben, "full_time").await.status().as_u16(), 303);
    // Yarrow's customer now also sits on Xeno's row, and Yarrow forgets its own: its next
    // checkout asks Stripe again with the same key and gets that customer back.
    let yarrows = app
        .with_conn(|conn| {
            use ladder::schema::companies;
            let yarrows: Option<String> = companies::table
                .filter(companies::name.eq("Yarrow"))
                .select(companies::stripe_customer_id)
                .first(conn)
                .unwrap();
            diesel::update(companies::table.filter(companies::name.eq("Yarrow")))
                .set(companies::stripe_customer_id.eq(None::<String>))
                .execute(conn)
                .unwrap();
            diesel::update(companies::table.filter(companies::name.eq("Xeno Labs")))
                .set(companies::stripe_customer_id.eq(yarrows.clone()))
                .execute(conn)
                .unwrap();
            yarrows.unwrap()
        })
        .await;
    let sessions_before = stub.checkout_session_ids().len();
    // The engagement is kept (pending) and its page says why checkout stopped.
    let r = book(&y, &ana, "part_time").await;
    assert_eq!(r.status().as_u16(), 303);
    let (status, html) = y.get_html(&location(&r)).await;
    assert_eq!(status, 200);
    assert!(html.contains("belongs to"), "says why: {html}");
    assert_eq!(
        stub.checkout_session_ids().len(),
        sessions_before,
        "no checkout"
    );
    let xenos: Option<String> = app
        .with_conn(|conn| {
            use ladder::schema::companies;
            companies::table
                .filter(companies::name.eq("Xeno Labs"))
                .select(companies::stripe_customer_id)
                .first(conn)
                .unwrap()
        })
        .await;
    assert_eq!(xenos.as_deref(), Some(yarrows.as_str()));
}

/// The company clicks Cancel while Stripe's `checkout.session.completed` is being applied
/// (both at once, several rounds): whichever commits first, the subscription Stripe made is
/// cancelled there, and the engagement never stays live with nobody paying attention.
#[tokio::test]
async fn cancel_racing_a_completing_checkout_never_leaves_a_subscription_charging() {
    let stub = StripeStub::start().await;
    stub.add_plan_prices();
    let app = spawn_app_with_stripe(&stub).await;
    let company = app.verified_company("Acme", "owner@acme.example").await;
    for round in 0..6 {
        let (_dev, slug) = listed_developer(
            &app,
            &format!("Dev Round{round}"),
            &format!("dev{round}@dev.example"),
            "L2",
            "Europe/Berlin",
        )
        .await;
        assert_eq!(
            book(&company, &slug, "full_time").await.status().as_u16(),
            303
        );
        let session = stub.last_checkout_session_id().unwrap();
        let id = engagements_of(&app).await.last().unwrap().id;
        let events = stub.complete_checkout(&session);
        let cancel_path = format!("/engagements/{id}/cancel");
        let (completed, cancelled) = tokio::join!(
            app.post_webhook(&events[0]),
            company.post(&cancel_path, &[])
        );
        assert_eq!(completed.status().as_u16(), 200, "round {round}");
        assert!(cancelled.status().as_u16() < 500, "round {round}");
        post_all(&app, &events[1..]).await;
        run_jobs(&app).await;
        let row = engagements_of(&app)
            .await
            .into_iter()
            .find(|r| r.id == id)
            .unwrap();
        let subscription = row.subscription.clone().expect("linked");
        let deletes = stub.requests_to("DELETE", &format!("/v1/subscriptions/{subscription}"));
        let ends_at_period_end = stub
            .requests_to("POST", &format!("/v1/subscriptions/{subscription}"))
            .iter()
            .any(|r| r.form_value("cancel_at_period_end") == Some("true"));
        assert!(
            !deletes.is_empty() || ends_at_period_end,
            "round {round}: {row:?} but its subscription was never cancelled at Stripe"
        );
    }
}

/// The first session's payment was slow to be confirmed, the stored session looked
/// expired by our clock, and the company paid a second session too: the engagement keeps
/// its first subscription and the second is cancelled at Stripe at once (never billed
/// twice a month).
#[tokio::test]
async fn a_second_completed_checkout_for_one_engagement_is_cancelled_at_stripe() {
    let stub = StripeStub::start().await;
    stub.add_plan_prices();
    let app = spawn_app_with_stripe(&stub).await;
    let company = app.verified_company("Acme", "owner@acme.example").await;
    let (_dev, slug) =
        listed_developer(&app, "Ana Lima", "ana@dev.example", "L2", "Europe/Berlin").await;
    assert_eq!(
        book(&company, &slug, "full_time").await.status().as_u16(),
        303
    );
    let first_session = stub.last_checkout_session_id().unwrap();
    let id = engagements_of(&app).await[0].id;
    stored_checkout_runs_out(&app, id).await;
    let again = company
        .post(&format!("/engagements/{id}/checkout"), &[])
        .await;
    assert_eq!(again.status().as_u16(), 303);
    let second_session = stub.last_checkout_session_id().unwrap();
    assert_ne!(first_session, second_session);
    // Both were paid; the first one's events arrive first.
    let first = stub.complete_checkout(&first_session);
    let second = stub.complete_checkout(&second_session);
    post_all(&app, &first).await;
    let kept = engagements_of(&app).await[0].subscription.clone().unwrap();
    post_all(&app, &second).await;
    run_jobs(&app).await;
    let rows = engagements_of(&app).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].status, "trialing");
    assert_eq!(rows[0].subscription.as_deref(), Some(kept.as_str()));
    let deleted: Vec<String> = stub
        .requests()
        .into_iter()
        .filter(|r| r.method == "DELETE")
        .map(|r| r.path.clone())
        .collect();
    assert_eq!(deleted.len(), 1, "{deleted:?}");
    assert!(
        !deleted[0].ends_with(&kept),
        "the kept subscription stays: {deleted:?}"
    );
}
