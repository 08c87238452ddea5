//! `StripeClient` against the local Stripe stub: what goes over the wire, form-encoded,
//! and how Stripe's answers and failures come back.

use std::time::{Duration, Instant};

use crate::stripe_fixtures::SubscriptionFixture;
use ladder::billing::SubscriptionStatus;
use ladder::billing::stripe::{CheckoutRequest, PlanPrice, StripeClient, StripeError, SyncReport};
use ladder::config::StripeSettings;

use crate::stripe_stub::{StripeStub, StubMode, now};

fn checkout_request(engagement_id: i32) -> CheckoutRequest {
    CheckoutRequest {
        engagement_id,
        company_id: 7,
        customer_id: "cus_company7".into(),
        lookup_key: "ladder_l2_full_time".into(),
        unit_amount_cents: 220_000,
        currency: "usd".into(),
        trial_days: 14,
        trial_end: None,
        success_url:
            "http://127.0.0.1:8080/engagements/42/checkout/success?session_id={CHECKOUT_SESSION_ID}"
                .into(),
        cancel_url: "http://127.0.0.1:8080/engagements/42".into(),
        idempotency_key: format!("ladder-checkout-engagement-{engagement_id}"),
    }
}

fn plans() -> Vec<PlanPrice> {
    vec![
        PlanPrice {
            lookup_key: "ladder_l1_full_time".into(),
            product_name: "Ladder L1 developer — full-time (160 h/month)".into(),
            unit_amount_cents: 130_000,
            currency: "usd".into(),
        },
        PlanPrice {
            lookup_key: "ladder_l2_part_time".into(),
            product_name: "Ladder L2 developer — part-time (80 h/month)".into(),
            unit_amount_cents: 130_000,
            currency: "usd".into(),
        },
    ]
}

#[tokio::test]
async fn create_customer_sends_the_company_with_a_per_company_idempotency_key() {
    let stub = StripeStub::start().await;
    let client = StripeClient::new(&stub.settings());

    let id = client
        .create_customer(
            "ladder-test-customer-7",
            7,
            "Example Co",
            "hiring@example.com",
        )
        .await
        .unwrap();
    assert!(id.starts_with("cus_"), "{id}");

    let requests = stub.requests_to("POST", "/v1/customers");
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(r.idempotency_key(), Some("ladder-test-customer-7"));
    assert_eq!(r.form_value("name"), Some("Example Co"));
    assert_eq!(r.form_value("email"), Some("hiring@example.com"));
    assert_eq!(r.form_value("metadata[company_id]"), Some("7"));
    assert_eq!(
        r.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert!(r.header("stripe-version").is_some_and(|v| !v.is_empty()));

    // A retry (a second click, a re-run job) gets the same customer back.
    let again = client
        .create_customer(
            "ladder-test-customer-7",
            7,
            "Example Co",
            "hiring@example.com",
        )
        .await
        .unwrap();
    assert_eq!(again, id);
}

#[tokio::test]
async fn checkout_session_is_a_subscription_with_a_trial_pointing_at_the_engagement() {
    let stub = StripeStub::start().await;
    let price = stub.add_price("ladder_l2_full_time", 220_000, "usd");
    stub.add_price("ladder_l1_full_time", 130_000, "usd");
    let client = StripeClient::new(&stub.settings());

    let session = client
        .create_checkout_session(&checkout_request(42))
        .await
        .unwrap();
    assert!(session.id.starts_with("cs_test_"), "{}", session.id);
    assert!(session.url.starts_with("https://checkout.stripe.com/"));

    let lookups = stub.requests_to("GET", "/v1/prices");
    assert_eq!(lookups.len(), 1);
    assert_eq!(
        lookups[0].query_values("lookup_keys"),
        ["ladder_l2_full_time"]
    );
    assert_eq!(lookups[0].query_value("active"), Some("true"));

    let created = stub.requests_to("POST", "/v1/checkout/sessions");
    assert_eq!(created.len(), 1);
    let r = &created[0];
    assert_eq!(r.idempotency_key(), Some("ladder-checkout-engagement-42"));
    for (field, expected) in [
        ("mode", "subscription"),
        ("customer", "cus_company7"),
        ("client_reference_id", "42"),
        ("metadata[engagement_id]", "42"),
        ("line_items[0][price]", price.as_str()),
        ("line_items[0][quantity]", "1"),
        ("subscription_data[trial_period_days]", "14"),
        ("subscription_data[metadata][engagement_id]", "42"),
        ("payment_method_collection", "always"),
        (
            "success_url",
            "http://127.0.0.1:8080/engagements/42/checkout/success?session_id={CHECKOUT_SESSION_ID}",
        ),
        ("cancel_url", "http://127.0.0.1:8080/engagements/42"),
    ] {
        assert_eq!(r.form_value(field), Some(expected), "{field}");
    }

    // The price is looked up at every checkout: one replaced by another process (`sync-prices`)
    // is seen at once, never a stale id from a process-long cache.
    client
        .create_checkout_session(&checkout_request(43))
        .await
        .unwrap();
    assert_eq!(stub.requests_to("GET", "/v1/prices").len(), 2);
    assert_eq!(stub.requests_to("POST", "/v1/checkout/sessions").len(), 2);
}

#[tokio::test]
async fn a_resubmitted_checkout_gets_the_same_session() {
    let stub = StripeStub::start().await;
    stub.add_price("ladder_l2_full_time", 220_000, "usd");
    let client = StripeClient::new(&stub.settings());
    let first = client
        .create_checkout_session(&checkout_request(42))
        .await
        .unwrap();
    let second = client
        .create_checkout_session(&checkout_request(42))
        .await
        .unwrap();
    assert_eq!(first, second);
    assert_eq!(stub.checkout_session_ids().len(), 1);

    // The same key for a different booking is Stripe's refusal, not a silent reuse.
    let mut other = checkout_request(42);
    other.cancel_url = "http://127.0.0.1:8080/somewhere-else".into();
    let error = client.create_checkout_session(&other).await.unwrap_err();
    assert!(
        matches!(&error, StripeError::Api { message: m, .. } if m.contains("same parameters")),
        "{error}"
    );
}

#[tokio::test]
async fn checkout_without_a_price_for_the_plan_is_refused() {
    let stub = StripeStub::start().await;
    let client = StripeClient::new(&stub.settings());
    let error = client
        .create_checkout_session(&checkout_request(42))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, StripeError::Api { message: m, .. } if m.contains("ladder_l2_full_time") && m.contains("sync-prices")),
        "{error}"
    );
    assert!(stub.requests_to("POST", "/v1/checkout/sessions").is_empty());
}

#[tokio::test]
async fn checkout_refuses_a_price_that_is_not_the_booked_amount_currency_or_interval() {
    let stub = StripeStub::start().await;
    stub.add_price("ladder_l2_full_time", 220_000, "eur");
    let client = StripeClient::new(&stub.settings());
    let error = client
        .create_checkout_session(&checkout_request(42))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, StripeError::PriceMismatch(m) if m.contains("eur")),
        "{error}"
    );
    assert!(stub.requests_to("POST", "/v1/checkout/sessions").is_empty());
}

#[tokio::test]
async fn a_replacement_checkout_sends_an_exact_trial_end_instead_of_whole_days() {
    let stub = StripeStub::start().await;
    stub.add_price("ladder_l2_full_time", 220_000, "usd");
    let client = StripeClient::new(&stub.settings());
    let mut request = checkout_request(42);
    let trial_end = now() + 3 * 86_400 + 1_234;
    request.trial_end = Some(trial_end);
    client.create_checkout_session(&request).await.unwrap();
    let r = &stub.requests_to("POST", "/v1/checkout/sessions")[0];
    assert_eq!(
        r.form_value("subscription_data[trial_end]"),
        Some(trial_end.to_string().as_str())
    );
    assert_eq!(r.form_value("subscription_data[trial_period_days]"), None);
}

#[tokio::test]
async fn expiring_a_checkout_session_posts_to_its_expire_endpoint() {
    let stub = StripeStub::start().await;
    stub.add_price("ladder_l2_full_time", 220_000, "usd");
    let client = StripeClient::new(&stub.settings());
    let session = client
        .create_checkout_session(&checkout_request(42))
        .await
        .unwrap();
    client.expire_checkout_session(&session.id).await.unwrap();
    assert!(stub.session_is_expired(&session.id));
    // Stripe refuses to expire a session that is no longer open.
    let again = client
        .expire_checkout_session(&session.id)
        .await
        .unwrap_err();
    assert!(
        matches!(&again, StripeError::Api { message: m, .. } if m.contains("open")),
        "{again}"
    );
}

#[tokio::test]
async fn portal_session_sends_customer_and_return_url() {
    let stub = StripeStub::start().await;
    let client = StripeClient::new(&stub.settings());
    let url = client
        .create_portal_session("cus_company7", "http://127.0.0.1:8080/billing")
        .await
        .unwrap();
    assert!(url.starts_with("https://billing.stripe.com/"), "{url}");
    let requests = stub.requests_to("POST", "/v1/billing_portal/sessions");
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].form_value("customer"), Some("cus_company7"));
    assert_eq!(
        requests[0].form_value("return_url"),
        Some("http://127.0.0.1:8080/billing")
    );
}

#[tokio::test]
async fn cancel_now_deletes_the_subscription_without_invoicing() {
    let stub = StripeStub::start().await;
    stub.add_subscription(SubscriptionFixture::trialing(
        "sub_trial",
        "cus_company7",
        42,
        now() - 3600,
    ));
    let client = StripeClient::new(&stub.settings());

    let snapshot = client.cancel_subscription_now("sub_trial").await.unwrap();
    assert_eq!(snapshot.id, "sub_trial");
    assert_eq!(snapshot.status, SubscriptionStatus::Canceled);
    assert_eq!(snapshot.engagement_id, Some(42));
    assert!(snapshot.ended_at.is_some());
    assert!(snapshot.canceled_at.is_some());

    let requests = stub.requests_to("DELETE", "/v1/subscriptions/sub_trial");
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].form_value("invoice_now"), Some("false"));
    assert_eq!(requests[0].form_value("prorate"), Some("false"));
}

#[tokio::test]
async fn cancel_at_period_end_updates_the_subscription() {
    let stub = StripeStub::start().await;
    let mut active =
        SubscriptionFixture::trialing("sub_live", "cus_company7", 42, now() - 40 * 86_400);
    active.status = "active".into();
    active.current_period_start = now() - 10 * 86_400;
    active.current_period_end = now() + 20 * 86_400;
    stub.add_subscription(active.clone());
    let client = StripeClient::new(&stub.settings());

    let snapshot = client.cancel_at_period_end("sub_live").await.unwrap();
    assert_eq!(snapshot.status, SubscriptionStatus::Active);
    assert!(snapshot.cancel_at_period_end);
    assert_eq!(
        snapshot.current_period_end,
        Some(ladder::billing::from_unix(active.current_period_end))
    );
    assert_eq!(snapshot.ended_at, None);

    let requests = stub.requests_to("POST", "/v1/subscriptions/sub_live");
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].form_value("cancel_at_period_end"), Some("true"));
}

#[tokio::test]
async fn cancelling_an_unknown_subscription_is_stripes_refusal() {
    let stub = StripeStub::start().await;
    let client = StripeClient::new(&stub.settings());
    let error = client
        .cancel_subscription_now("sub_nope")
        .await
        .unwrap_err();
    assert!(
        matches!(&error, StripeError::Api { message: m, .. } if m.contains("No such subscription")),
        "{error}"
    );
}

#[tokio::test]
async fn sync_prices_creates_missing_prices_and_is_idempotent() {
    let stub = StripeStub::start().await;
    let client = StripeClient::new(&stub.settings());

    let report = client.sync_prices(&plans()).await.unwrap();
    assert_eq!(
        report,
        SyncReport {
            created: vec!["ladder_l1_full_time".into(), "ladder_l2_part_time".into()],
            unchanged: vec![],
            replaced: vec![],
        }
    );
    let products = stub.requests_to("POST", "/v1/products");
    assert_eq!(products.len(), 2);
    assert_eq!(products[0].form_value("id"), Some("ladder_l1_full_time"));
    assert_eq!(
        products[0].form_value("name"),
        Some("Ladder L1 developer — full-time (160 h/month)")
    );
    let prices = stub.requests_to("POST", "/v1/prices");
    assert_eq!(prices.len(), 2);
    let p = &prices[0];
    for (field, expected) in [
        ("product", "ladder_l1_full_time"),
        ("lookup_key", "ladder_l1_full_time"),
        ("transfer_lookup_key", "true"),
        ("unit_amount", "130000"),
        ("currency", "usd"),
        ("recurring[interval]", "month"),
    ] {
        assert_eq!(p.form_value(field), Some(expected), "{field}");
    }

    // Second run: nothing to do, nothing written.
    stub.clear_requests();
    let again = StripeClient::new(&stub.settings())
        .sync_prices(&plans())
        .await
        .unwrap();
    assert_eq!(
        again,
        SyncReport {
            created: vec![],
            unchanged: vec!["ladder_l1_full_time".into(), "ladder_l2_part_time".into()],
            replaced: vec![],
        }
    );
    assert!(stub.writes().is_empty(), "{:?}", stub.writes());
}

#[tokio::test]
async fn sync_prices_replaces_a_price_whose_amount_changed() {
    let stub = StripeStub::start().await;
    let old = stub.add_price("ladder_l1_full_time", 120_000, "usd");
    stub.add_price("ladder_l2_part_time", 130_000, "usd");
    let client = StripeClient::new(&stub.settings());

    let report = client.sync_prices(&plans()).await.unwrap();
    assert_eq!(
        report,
        SyncReport {
            created: vec![],
            unchanged: vec!["ladder_l2_part_time".into()],
            replaced: vec!["ladder_l1_full_time".into()],
        }
    );
    // The existing product is reused; the new price takes the lookup key over.
    assert!(stub.requests_to("POST", "/v1/products").is_empty());
    let created = stub.requests_to("POST", "/v1/prices");
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].form_value("unit_amount"), Some("130000"));
    assert_eq!(created[0].form_value("transfer_lookup_key"), Some("true"));
    let holders = stub.prices_with_lookup_key("ladder_l1_full_time");
    assert_eq!(holders.len(), 1);
    assert_ne!(holders[0]["id"], old.as_str());
    assert_eq!(holders[0]["unit_amount"], 130_000);

    // Checkout now uses the new price.
    let session_price = {
        let mut request = checkout_request(5);
        request.lookup_key = "ladder_l1_full_time".into();
        request.unit_amount_cents = 130_000;
        client.create_checkout_session(&request).await.unwrap();
        stub.requests_to("POST", "/v1/checkout/sessions")[0]
            .form_value("line_items[0][price]")
            .unwrap()
            .to_owned()
    };
    assert_eq!(holders[0]["id"], session_price.as_str());
}

#[tokio::test]
async fn sync_prices_reuses_a_product_left_by_an_interrupted_run() {
    let stub = StripeStub::start().await;
    // An earlier run created the product, then failed before creating its price.
    stub.add_product(
        "ladder_l1_full_time",
        "Ladder L1 developer — full-time (160 h/month)",
    );
    let client = StripeClient::new(&stub.settings());

    let report = client.sync_prices(&plans()[..1]).await.unwrap();
    assert_eq!(report.created, vec!["ladder_l1_full_time".to_owned()]);
    let products = stub.requests_to("POST", "/v1/products");
    assert_eq!(products.len(), 1, "one attempt, answered 'already exists'");
    let prices = stub.requests_to("POST", "/v1/prices");
    assert_eq!(prices[0].form_value("product"), Some("ladder_l1_full_time"));
    assert_eq!(stub.prices_with_lookup_key("ladder_l1_full_time").len(), 1);
}

fn settings_at(url: &str) -> StripeSettings {
    StripeSettings {
        secret_key: ladder::config::Secret::new(crate::stripe_fixtures::TEST_SECRET_KEY),
        webhook_secret: ladder::config::Secret::new(crate::stripe_fixtures::TEST_WEBHOOK_SECRET),
        api_base: Some(url::Url::parse(url).unwrap()),
    }
}

#[tokio::test]
async fn stripe_refusing_connections_is_unavailable() {
    let client = StripeClient::new(&settings_at(&StripeStub::refused_url()));
    let started = Instant::now();
    let error = client
        .create_customer(
            "ladder-test-customer-7",
            7,
            "Example Co",
            "hiring@example.com",
        )
        .await
        .unwrap_err();
    assert!(matches!(error, StripeError::Unavailable(_)), "{error}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_hung_stripe_is_unavailable_within_the_timeout() {
    let stub = StripeStub::start().await;
    stub.set_mode(StubMode::Hang);
    let client = StripeClient::with_timeout(&stub.settings(), Duration::from_millis(300));
    let started = Instant::now();
    let error = client
        .create_portal_session("cus_1", "http://127.0.0.1:8080/billing")
        .await
        .unwrap_err();
    let took = started.elapsed();
    assert!(matches!(error, StripeError::Unavailable(_)), "{error}");
    assert!(
        took >= Duration::from_millis(250) && took < Duration::from_secs(3),
        "{took:?}"
    );
    assert_eq!(stub.requests().len(), 1);
}

#[tokio::test]
async fn stripe_server_errors_are_unavailable_and_refusals_carry_stripes_message() {
    let stub = StripeStub::start().await;
    let client = StripeClient::new(&stub.settings());

    stub.set_mode(StubMode::server_error());
    let error = client.cancel_at_period_end("sub_1").await.unwrap_err();
    assert!(matches!(error, StripeError::Unavailable(_)), "{error}");

    stub.set_mode(StubMode::invalid_request("No such customer: 'cus_gone'"));
    let error = client
        .create_portal_session("cus_gone", "http://127.0.0.1:8080/billing")
        .await
        .unwrap_err();
    assert!(
        matches!(&error, StripeError::Api { message: m, .. } if m == "No such customer: 'cus_gone'"),
        "{error}"
    );
}

#[tokio::test]
async fn a_wrong_api_key_is_refused_and_never_echoed() {
    let stub = StripeStub::start().await;
    let mut settings = stub.settings();
    settings.secret_key = ladder::config::Secret::new("sk_test_wrong_key_9f8e7d");
    let error = StripeClient::new(&settings)
        .create_customer("ladder-test-customer-1", 1, "A", "a@example.com")
        .await
        .unwrap_err();
    assert!(matches!(error, StripeError::Api { .. }), "{error}");
    assert!(!error.to_string().contains("sk_test_wrong_key_9f8e7d"));
    assert!(!format!("{:?}", StripeClient::new(&settings)).contains("sk_test_wrong_key_9f8e7d"));
}

fn ladder(args: &[&str], env: &[(&str, &str)]) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_ladder"));
    command.args(args).env_clear();
    for (k, v) in env {
        command.env(k, v);
    }
    command
}

#[test]
fn sync_prices_without_stripe_settings_says_what_it_needs() {
    let data = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", data.path().join("ladder.db").display());
    let output = ladder(
        &["billing", "sync-prices"],
        &[
            ("DATABASE_URL", &url),
            ("LADDER_DATA_DIR", &data.path().display().to_string()),
        ],
    )
    .output()
    .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("STRIPE_SECRET_KEY") && stderr.contains("STRIPE_WEBHOOK_SECRET"),
        "{stderr}"
    );
}

#[tokio::test]
async fn sync_prices_from_the_command_line_creates_every_plan_once() {
    let stub = StripeStub::start().await;
    let (_database, url) = crate::helpers::TestDatabase::create();
    let data = tempfile::tempdir().unwrap();
    let run = {
        let env: Vec<(String, String)> = vec![
            ("DATABASE_URL".into(), url),
            ("LADDER_DATA_DIR".into(), data.path().display().to_string()),
            (
                "STRIPE_SECRET_KEY".into(),
                crate::stripe_fixtures::TEST_SECRET_KEY.into(),
            ),
            (
                "STRIPE_WEBHOOK_SECRET".into(),
                crate::stripe_fixtures::TEST_WEBHOOK_SECRET.into(),
            ),
            ("STRIPE_API_BASE".into(), stub.url.clone()),
        ];
        move || {
            let env = env.clone();
            tokio::task::spawn_blocking(move || {
                let env: Vec<(&str, &str)> =
                    env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                ladder(&["billing", "sync-prices"], &env).output().unwrap()
            })
        }
    };

    let first = run().await.unwrap();
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(
        stdout.contains("6 created, 0 replaced, 0 unchanged."),
        "{stdout}"
    );
    let products = stub.requests_to("POST", "/v1/products");
    assert_eq!(products.len(), 6);
    assert!(products.iter().any(|p| {
        p.form_value("name") == Some("Ladder L2 developer — full-time (160 h/month)")
            && p.form_value("id") == Some("ladder_l2_full_time")
    }));
    let l3 = stub.prices_with_lookup_key("ladder_l3_part_time");
    assert_eq!(l3.len(), 1);
    assert_eq!(l3[0]["unit_amount"], 200_000);

    let second = run().await.unwrap();
    let stdout = String::from_utf8_lossy(&second.stdout);
    assert!(
        stdout.contains("0 created, 0 replaced, 6 unchanged."),
        "{stdout}"
    );
    assert_eq!(stub.requests_to("POST", "/v1/prices").len(), 6);
}

/// The events the stub hands out for a lifecycle are what the app's webhook will get:
/// signed as Stripe signs, typed-parseable by async-stripe, mapped to our events.
#[tokio::test]
async fn the_stubs_lifecycle_events_verify_and_map() {
    use crate::stripe_fixtures::TEST_WEBHOOK_SECRET;
    use ladder::billing::EventKind;
    use ladder::billing::webhook;

    let stub = StripeStub::start().await;
    stub.add_plan_prices();
    let client = StripeClient::new(&stub.settings());
    let customer = client
        .create_customer(
            "ladder-test-customer-7",
            7,
            "Example Co",
            "hiring@example.com",
        )
        .await
        .unwrap();
    let mut request = checkout_request(42);
    request.customer_id = customer.clone();
    let session = client.create_checkout_session(&request).await.unwrap();
    assert_eq!(stub.last_checkout_session_id(), Some(session.id.clone()));

    let parse = |payload: &str| {
        let signature = crate::stripe_stub::stripe_signature(payload);
        assert!(
            stripe_webhook::Webhook::construct_event_with_timestamp(
                payload,
                &signature,
                TEST_WEBHOOK_SECRET,
                now()
            )
            .is_ok(),
            "async-stripe's typed read refused {payload}"
        );
        webhook::parse(payload, Some(&signature), TEST_WEBHOOK_SECRET, now()).unwrap()
    };

    let events: Vec<_> = stub
        .complete_checkout(&session.id)
        .iter()
        .map(|p| parse(p))
        .collect();
    let EventKind::CheckoutCompleted(completed) = &events[0].kind else {
        panic!("{:?}", events[0])
    };
    assert_eq!(completed.session_id, session.id);
    assert_eq!(completed.engagement_id, Some(42));
    assert_eq!(completed.customer_id.as_deref(), Some(customer.as_str()));
    let subscription_id = completed.subscription_id.clone().unwrap();
    let EventKind::Subscription(created) = &events[1].kind else {
        panic!("{:?}", events[1])
    };
    assert_eq!(events[1].event_type, "customer.subscription.created");
    assert_eq!(created.id, subscription_id);
    assert_eq!(created.status, SubscriptionStatus::Trialing);
    assert_eq!(created.engagement_id, Some(42));
    assert_ne!(events[0].id, events[1].id);

    let paid: Vec<_> = stub
        .end_trial_paid(&subscription_id)
        .iter()
        .map(|p| parse(p))
        .collect();
    assert!(
        matches!(&paid[0].kind, EventKind::Subscription(s) if s.status == SubscriptionStatus::Active)
    );
    let EventKind::InvoicePaid(invoice) = &paid[1].kind else {
        panic!("{:?}", paid[1])
    };
    assert_eq!(
        invoice.subscription_id.as_deref(),
        Some(subscription_id.as_str())
    );
    assert_eq!(invoice.engagement_id, Some(42));
    assert_eq!(invoice.amount_paid_cents, 220_000);

    let snapshot = client.cancel_at_period_end(&subscription_id).await.unwrap();
    assert!(snapshot.cancel_at_period_end);
    let updated =
        parse(&stub.subscription_event("customer.subscription.updated", &subscription_id));
    assert!(matches!(updated.kind, EventKind::Subscription(s) if s.cancel_at_period_end));
}
