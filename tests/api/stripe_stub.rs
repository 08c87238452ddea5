//! A local stand-in for Stripe's API: an HTTP server on 127.0.0.1:0 that records every
//! request (method, path, query, headers, form-decoded body) and answers with Stripe-shaped
//! JSON complete enough for async-stripe's typed structs. It keeps just enough state to be
//! honest: customers, products, prices (lookup keys move with `transfer_lookup_key`),
//! Checkout Sessions, subscriptions, and Stripe's idempotency (a repeated
//! `Idempotency-Key` gets the first answer back).
//!
//! Driving a Stripe-mode flow from a test:
//! ```ignore
//! let stub = StripeStub::start().await;
//! stub.add_plan_prices();                          // the six seeded plans
//! let app = spawn_app_with_stripe(&stub).await;    // STRIPE_* settings point at the stub
//! // … book a trial: the app creates a customer and a Checkout Session on the stub …
//! let session = stub.last_checkout_session_id().unwrap();
//! for payload in stub.complete_checkout(&session) {
//!     assert_eq!(app.post_webhook(&payload).await.status(), 200);
//! }
//! ```

#![allow(dead_code)]

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::stripe_fixtures::{
    self as fixtures, CheckoutSessionFixture, InvoiceFixture, SubscriptionFixture, TEST_SECRET_KEY,
    TEST_WEBHOOK_SECRET,
};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use ladder::config::{Secret, StripeSettings};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app_with};

/// One request as the stub received it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub method: String,
    /// Without the query, e.g. `/v1/checkout/sessions`.
    pub path: String,
    pub query: Vec<(String, String)>,
    /// Lower-cased names.
    pub headers: HashMap<String, String>,
    /// The form-decoded body, in order (Stripe's `a[b][0]=c` keys kept as they are).
    pub form: Vec<(String, String)>,
}

impl RecordedRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }

    pub fn idempotency_key(&self) -> Option<&str> {
        self.header("idempotency-key")
    }

    /// The first value of a form field, e.g. `subscription_data[trial_period_days]`.
    pub fn form_value(&self, key: &str) -> Option<&str> {
        self.form
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn query_value(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Values of an array parameter, whichever way it was spelled (`k[]`, `k[0]`, `k`).
    pub fn query_values(&self, key: &str) -> Vec<&str> {
        self.query
            .iter()
            .filter(|(k, _)| k == key || (k.starts_with(key) && k[key.len()..].starts_with('[')))
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// How the stub behaves.
#[derive(Debug, Clone)]
pub enum StubMode {
    /// Answers like Stripe.
    Normal,
    /// Accepts the connection and never answers in time (a hung Stripe).
    Hang,
    /// Every request gets this Stripe error (`{"error": {"type", "code", "message"}}`).
    Error {
        status: u16,
        error_type: String,
        code: Option<String>,
        message: String,
    },
}

impl StubMode {
    pub fn server_error() -> Self {
        StubMode::Error {
            status: 500,
            error_type: "api_error".into(),
            code: None,
            message: "An unknown error occurred".into(),
        }
    }

    pub fn invalid_request(message: &str) -> Self {
        StubMode::Error {
            status: 400,
            error_type: "invalid_request_error".into(),
            code: None,
            message: message.into(),
        }
    }
}

struct FirstAnswer {
    path: String,
    form: Vec<(String, String)>,
    status: u16,
    body: Value,
}

#[derive(Default)]
struct Data {
    customers: HashMap<String, Value>,
    products: HashMap<String, Value>,
    /// In creation order; a price loses its lookup key when another takes it over.
    prices: Vec<Value>,
    checkout_sessions: Vec<CheckoutSessionFixture>,
    /// Checkout Session id → the price it was created with.
    session_prices: HashMap<String, String>,
    subscriptions: HashMap<String, SubscriptionFixture>,
    /// `Idempotency-Key` → the first request's path and form, and Stripe's answer to it.
    idempotent: HashMap<String, FirstAnswer>,
    /// Checkout Sessions expired (by `POST …/expire` or by time): no longer payable.
    expired_sessions: std::collections::HashSet<String>,
    /// The next this many idempotent POSTs answer 409 (another request with the key is
    /// in progress), as Stripe does under a double click.
    conflicts_left: u32,
}

struct State {
    requests: Mutex<Vec<RecordedRequest>>,
    mode: Mutex<StubMode>,
    data: Mutex<Data>,
    ids: AtomicU64,
}

impl State {
    fn next_id(&self, prefix: &str) -> String {
        format!(
            "{prefix}_stub{:06}",
            self.ids.fetch_add(1, Ordering::Relaxed)
        )
    }
}

pub struct StripeStub {
    /// The base URL async-stripe is pointed at, with its trailing `/`.
    pub url: String,
    state: Arc<State>,
    server: actix_web::dev::ServerHandle,
}

impl Drop for StripeStub {
    fn drop(&mut self) {
        // Stop without waiting for a hung (`StubMode::Hang`) request.
        // `stop` sends the command at once; its future only waits for the shutdown.
        drop(self.server.stop(false));
    }
}

pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

impl StripeStub {
    pub async fn start() -> StripeStub {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the Stripe stub");
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(State {
            requests: Mutex::default(),
            mode: Mutex::new(StubMode::Normal),
            data: Mutex::default(),
            ids: AtomicU64::new(1),
        });
        let app_state = web::Data::from(state.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(app_state.clone())
                .app_data(web::PayloadConfig::new(1 << 20))
                .default_service(web::to(handle))
        })
        .workers(1)
        .disable_signals()
        .shutdown_timeout(0)
        .listen(listener)
        .expect("listen")
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        StripeStub {
            url: format!("http://127.0.0.1:{port}/"),
            state,
            server: handle,
        }
    }

    /// Stripe settings for the app or a `StripeClient`, pointed at this stub.
    pub fn settings(&self) -> StripeSettings {
        StripeSettings {
            secret_key: Secret::new(TEST_SECRET_KEY),
            webhook_secret: Secret::new(TEST_WEBHOOK_SECRET),
            api_base: Some(url::Url::parse(&self.url).unwrap()),
        }
    }

    /// A base URL where nothing listens: connections are refused.
    pub fn refused_url() -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        format!("http://127.0.0.1:{port}/")
    }

    pub fn set_mode(&self, mode: StubMode) {
        *self.state.mode.lock().unwrap() = mode;
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state.requests.lock().unwrap().clone()
    }

    /// The requests with this method and path (path without the query).
    pub fn requests_to(&self, method: &str, path: &str) -> Vec<RecordedRequest> {
        self.requests()
            .into_iter()
            .filter(|r| r.method == method && r.path == path)
            .collect()
    }

    /// Requests that changed something (not GETs).
    pub fn writes(&self) -> Vec<RecordedRequest> {
        self.requests()
            .into_iter()
            .filter(|r| r.method != "GET")
            .collect()
    }

    /// The next `n` requests carrying an `Idempotency-Key` get Stripe's 409.
    pub fn conflict_next(&self, n: u32) {
        self.state.data.lock().unwrap().conflicts_left = n;
    }

    /// Stripe expired the session (24 h passed): it can't be paid any more. Returns the
    /// `checkout.session.expired` event.
    pub fn expire_session(&self, session_id: &str) -> String {
        let mut data = self.state.data.lock().unwrap();
        let session = data
            .checkout_sessions
            .iter()
            .find(|s| s.id == session_id)
            .unwrap_or_else(|| panic!("the stub has no Checkout Session {session_id}"))
            .clone();
        data.expired_sessions.insert(session_id.to_owned());
        drop(data);
        self.event("checkout.session.expired", now(), expired_object(&session))
    }

    pub fn session_is_expired(&self, session_id: &str) -> bool {
        self.state
            .data
            .lock()
            .unwrap()
            .expired_sessions
            .contains(session_id)
    }

    pub fn clear_requests(&self) {
        self.state.requests.lock().unwrap().clear();
    }

    /// An active monthly price (and its product, id = lookup key). Returns the price id.
    pub fn add_price(&self, lookup_key: &str, unit_amount: i64, currency: &str) -> String {
        let id = self.state.next_id("price");
        let mut data = self.state.data.lock().unwrap();
        data.products
            .entry(lookup_key.to_owned())
            .or_insert_with(|| fixtures::product_object(lookup_key, lookup_key, now()));
        data.prices.push(fixtures::price_object(
            &id,
            lookup_key,
            lookup_key,
            unit_amount,
            currency,
            now(),
        ));
        id
    }

    pub fn add_product(&self, id: &str, name: &str) {
        self.state
            .data
            .lock()
            .unwrap()
            .products
            .insert(id.to_owned(), fixtures::product_object(id, name, now()));
    }

    /// Prices for the six plans the migrations seed (DESIGN §1).
    pub fn add_plan_prices(&self) {
        for (key, cents) in [
            ("ladder_l1_full_time", 130_000),
            ("ladder_l1_part_time", 80_000),
            ("ladder_l2_full_time", 220_000),
            ("ladder_l2_part_time", 130_000),
            ("ladder_l3_full_time", 360_000),
            ("ladder_l3_part_time", 200_000),
        ] {
            self.add_price(key, cents, "usd");
        }
    }

    /// The active prices holding a lookup key, as the stub has them now.
    pub fn prices_with_lookup_key(&self, lookup_key: &str) -> Vec<Value> {
        self.state
            .data
            .lock()
            .unwrap()
            .prices
            .iter()
            .filter(|p| p["lookup_key"] == lookup_key)
            .cloned()
            .collect()
    }

    pub fn prices(&self) -> Vec<Value> {
        self.state.data.lock().unwrap().prices.clone()
    }

    pub fn add_subscription(&self, subscription: SubscriptionFixture) {
        self.state
            .data
            .lock()
            .unwrap()
            .subscriptions
            .insert(subscription.id.clone(), subscription);
    }

    pub fn subscription(&self, id: &str) -> Option<SubscriptionFixture> {
        self.state
            .data
            .lock()
            .unwrap()
            .subscriptions
            .get(id)
            .cloned()
    }

    pub fn last_checkout_session_id(&self) -> Option<String> {
        let data = self.state.data.lock().unwrap();
        data.checkout_sessions.last().map(|s| s.id.clone())
    }

    pub fn checkout_session_ids(&self) -> Vec<String> {
        let data = self.state.data.lock().unwrap();
        data.checkout_sessions
            .iter()
            .map(|s| s.id.clone())
            .collect()
    }

    /// What Stripe does when the customer pays on the Checkout page: the session completes,
    /// a trialing subscription (14 days from now, metadata from `subscription_data`) exists.
    /// Returns the events Stripe would send, in order: `checkout.session.completed`,
    /// `customer.subscription.created`. POST them with [`TestApp::post_webhook`].
    pub fn complete_checkout(&self, session_id: &str) -> Vec<String> {
        let created = now();
        let mut data = self.state.data.lock().unwrap();
        assert!(
            !data.expired_sessions.contains(session_id),
            "Stripe doesn't let an expired Checkout Session be paid ({session_id})"
        );
        let session = data
            .checkout_sessions
            .iter_mut()
            .find(|s| s.id == session_id)
            .unwrap_or_else(|| panic!("the stub has no Checkout Session {session_id}"));
        let subscription_id = session
            .subscription
            .clone()
            .unwrap_or_else(|| self.state.next_id("sub"));
        session.subscription = Some(subscription_id.clone());
        let session = session.clone();
        let mut subscription = SubscriptionFixture::trialing(
            &subscription_id,
            &session.customer,
            session.engagement_id,
            created,
        );
        if let Some(price) = data.session_prices.get(session_id).and_then(|price_id| {
            data.prices
                .iter()
                .find(|p| p["id"] == price_id.as_str())
                .cloned()
        }) {
            subscription.price_id = price["id"].as_str().unwrap_or_default().to_owned();
            subscription.product_id = price["product"].as_str().unwrap_or_default().to_owned();
            subscription.lookup_key = price["lookup_key"].as_str().unwrap_or_default().to_owned();
            subscription.unit_amount = price["unit_amount"].as_i64().unwrap_or_default();
        }
        data.subscriptions
            .insert(subscription_id.clone(), subscription.clone());
        drop(data);
        vec![
            self.event("checkout.session.completed", created, session.object()),
            self.event(
                "customer.subscription.created",
                created,
                subscription.object(),
            ),
        ]
    }

    /// A `customer.subscription.*` event for the subscription as the stub has it now.
    pub fn subscription_event(&self, event_type: &str, subscription_id: &str) -> String {
        let subscription = self
            .subscription(subscription_id)
            .unwrap_or_else(|| panic!("the stub has no subscription {subscription_id}"));
        self.event(event_type, now(), subscription.object())
    }

    /// The trial ended and the first invoice was paid: the subscription turns active.
    /// Returns `customer.subscription.updated` and `invoice.paid`.
    pub fn end_trial_paid(&self, subscription_id: &str) -> Vec<String> {
        let (subscription, invoice) = self.end_trial(subscription_id, true);
        vec![
            self.event(
                "customer.subscription.updated",
                now(),
                subscription.object(),
            ),
            self.event("invoice.paid", now(), invoice.object()),
        ]
    }

    /// The trial ended and the first payment failed: the subscription is past due.
    /// Returns `customer.subscription.updated` and `invoice.payment_failed`.
    pub fn end_trial_failed(&self, subscription_id: &str) -> Vec<String> {
        let (subscription, invoice) = self.end_trial(subscription_id, false);
        vec![
            self.event(
                "customer.subscription.updated",
                now(),
                subscription.object(),
            ),
            self.event("invoice.payment_failed", now(), invoice.object()),
        ]
    }

    fn end_trial(
        &self,
        subscription_id: &str,
        paid: bool,
    ) -> (SubscriptionFixture, InvoiceFixture) {
        let at = now();
        let mut data = self.state.data.lock().unwrap();
        let subscription = data
            .subscriptions
            .get_mut(subscription_id)
            .unwrap_or_else(|| panic!("the stub has no subscription {subscription_id}"));
        let trial_start = subscription.current_period_start;
        subscription.status = if paid { "active" } else { "past_due" }.into();
        subscription.trial_end = Some(at);
        subscription.current_period_start = at;
        subscription.current_period_end = at + 30 * 86_400;
        let subscription = subscription.clone();
        drop(data);
        let invoice_id = self.state.next_id("in");
        let mut invoice = if paid {
            InvoiceFixture::paid(
                &invoice_id,
                subscription_id,
                &subscription.customer,
                subscription.engagement_id.unwrap_or_default(),
                subscription.unit_amount,
                at,
            )
        } else {
            InvoiceFixture::failed(
                &invoice_id,
                subscription_id,
                &subscription.customer,
                subscription.engagement_id.unwrap_or_default(),
                subscription.unit_amount,
                at,
            )
        };
        // Stripe's `invoice.period_*` is the item window, one period back: the trial.
        invoice.window_start = trial_start;
        invoice.window_end = at;
        (subscription, invoice)
    }

    /// An event envelope with a fresh `evt_` id.
    pub fn event(&self, event_type: &str, created: i64, object: Value) -> String {
        fixtures::event(&self.state.next_id("evt"), event_type, created, object)
    }
}

/// The app with Stripe settings pointing at `stub` (webhook secret: `TEST_WEBHOOK_SECRET`).
pub async fn spawn_app_with_stripe(stub: &StripeStub) -> TestApp {
    spawn_app_with_stripe_and(stub, &[]).await
}

pub async fn spawn_app_with_stripe_and(stub: &StripeStub, extra: &[(&str, &str)]) -> TestApp {
    let mut settings = vec![
        ("STRIPE_SECRET_KEY", TEST_SECRET_KEY),
        ("STRIPE_WEBHOOK_SECRET", TEST_WEBHOOK_SECRET),
        ("STRIPE_API_BASE", stub.url.as_str()),
    ];
    settings.extend_from_slice(extra);
    spawn_app_with(&settings).await
}

/// `Stripe-Signature` for `payload`, signed now with the test secret, as Stripe signs.
pub fn stripe_signature(payload: &str) -> String {
    fixtures::sign(payload, TEST_WEBHOOK_SECRET, now())
}

impl TestApp {
    /// POSTs a webhook to `/webhooks/stripe`, signed now with the test secret.
    pub async fn post_webhook(&self, payload: &str) -> reqwest::Response {
        self.post_webhook_with(payload, Some(&stripe_signature(payload)))
            .await
    }

    /// POSTs a webhook with exactly this `Stripe-Signature` (or none).
    pub async fn post_webhook_with(
        &self,
        payload: &str,
        signature: Option<&str>,
    ) -> reqwest::Response {
        let mut request = self
            .client
            .post(self.url("/webhooks/stripe"))
            .header("Content-Type", "application/json")
            .body(payload.to_owned());
        if let Some(signature) = signature {
            request = request.header("Stripe-Signature", signature);
        }
        request.send().await.expect("webhook delivered")
    }
}

async fn handle(request: HttpRequest, body: web::Bytes, state: web::Data<State>) -> HttpResponse {
    let recorded = RecordedRequest {
        method: request.method().to_string(),
        path: request.path().to_owned(),
        query: url::form_urlencoded::parse(request.query_string().as_bytes())
            .into_owned()
            .collect(),
        headers: request
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_ascii_lowercase(),
                    v.to_str().unwrap_or_default().to_owned(),
                )
            })
            .collect(),
        form: url::form_urlencoded::parse(&body).into_owned().collect(),
    };
    state.requests.lock().unwrap().push(recorded.clone());

    let mode = state.mode.lock().unwrap().clone();
    match mode {
        StubMode::Normal => {}
        StubMode::Hang => {
            tokio::time::sleep(Duration::from_secs(60)).await;
            return HttpResponse::GatewayTimeout().finish();
        }
        StubMode::Error {
            status,
            error_type,
            code,
            message,
        } => return error(status, &error_type, code.as_deref(), &message),
    }

    if recorded.header("authorization") != Some(&format!("Bearer {TEST_SECRET_KEY}")) {
        return error(
            401,
            "invalid_request_error",
            None,
            "Invalid API Key provided: the stub expects the test key",
        );
    }

    let key = recorded
        .idempotency_key()
        .filter(|_| recorded.method == "POST")
        .map(str::to_owned);
    // Stripe replays the first answer to a repeated key, and refuses the key with other
    // parameters.
    if let Some(key) = &key
        && let Some(first) = state.data.lock().unwrap().idempotent.get(key)
    {
        // Parameters, not their order (metadata is a hash map on our side).
        let sorted = |form: &[(String, String)]| {
            let mut form = form.to_vec();
            form.sort();
            form
        };
        if first.path != recorded.path || sorted(&first.form) != sorted(&recorded.form) {
            return error(
                400,
                "idempotency_error",
                None,
                &format!(
                    "Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request."
                ),
            );
        }
        return json_response(first.status, first.body.clone());
    }
    if key.is_some() {
        let mut data = state.data.lock().unwrap();
        if data.conflicts_left > 0 {
            data.conflicts_left -= 1;
            drop(data);
            return error(
                409,
                "idempotency_error",
                None,
                "There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through). Please try again later.",
            );
        }
    }
    let (status, body) = route(&state, &recorded);
    if let Some(key) = key
        && status < 500
    {
        state.data.lock().unwrap().idempotent.insert(
            key,
            FirstAnswer {
                path: recorded.path.clone(),
                form: recorded.form.clone(),
                status,
                body: body.clone(),
            },
        );
    }
    json_response(status, body)
}

fn route(state: &State, r: &RecordedRequest) -> (u16, Value) {
    let segments: Vec<&str> = r.path.trim_matches('/').split('/').collect();
    match (r.method.as_str(), segments.as_slice()) {
        ("POST", ["v1", "customers"]) => create_customer(state, r),
        ("GET", ["v1", "prices"]) => list_prices(state, r),
        ("POST", ["v1", "prices"]) => create_price(state, r),
        ("POST", ["v1", "products"]) => create_product(state, r),
        ("POST", ["v1", "checkout", "sessions"]) => create_checkout_session(state, r),
        ("POST", ["v1", "checkout", "sessions", id, "expire"]) => {
            expire_checkout_session(state, id)
        }
        ("POST", ["v1", "billing_portal", "sessions"]) => create_portal_session(state, r),
        ("POST", ["v1", "subscriptions", id]) => update_subscription(state, r, id),
        ("DELETE", ["v1", "subscriptions", id]) => cancel_subscription(state, id),
        _ => error_body(
            404,
            "invalid_request_error",
            None,
            &format!("Unrecognized request URL ({} {}).", r.method, r.path),
        ),
    }
}

fn metadata_of(r: &RecordedRequest, prefix: &str) -> Value {
    let start = format!("{prefix}[");
    let mut map = serde_json::Map::new();
    for (k, v) in &r.form {
        if let Some(rest) = k.strip_prefix(&start)
            && let Some(name) = rest.strip_suffix(']')
        {
            map.insert(name.to_owned(), Value::String(v.clone()));
        }
    }
    Value::Object(map)
}

fn missing(param: &str) -> (u16, Value) {
    error_body(
        400,
        "invalid_request_error",
        Some("parameter_missing"),
        &format!("Missing required param: {param}."),
    )
}

fn create_customer(state: &State, r: &RecordedRequest) -> (u16, Value) {
    let id = state.next_id("cus");
    let customer = fixtures::customer_object(
        &id,
        r.form_value("name").unwrap_or_default(),
        r.form_value("email").unwrap_or_default(),
        metadata_of(r, "metadata"),
        now(),
    );
    state
        .data
        .lock()
        .unwrap()
        .customers
        .insert(id, customer.clone());
    (200, customer)
}

fn list_prices(state: &State, r: &RecordedRequest) -> (u16, Value) {
    let keys = r.query_values("lookup_keys");
    let active = r.query_value("active").map(|a| a == "true");
    let data = state.data.lock().unwrap();
    let found: Vec<Value> = data
        .prices
        .iter()
        .rev()
        .filter(|p| keys.is_empty() || keys.iter().any(|k| p["lookup_key"] == *k))
        .filter(|p| active.is_none_or(|a| p["active"] == a))
        .cloned()
        .collect();
    (
        200,
        json!({ "object": "list", "data": found, "has_more": false, "url": "/v1/prices" }),
    )
}

fn create_price(state: &State, r: &RecordedRequest) -> (u16, Value) {
    let Some(currency) = r.form_value("currency") else {
        return missing("currency");
    };
    let Some(product) = r.form_value("product") else {
        return missing("product");
    };
    let amount: i64 = match r.form_value("unit_amount").map(str::parse) {
        Some(Ok(amount)) => amount,
        _ => return missing("unit_amount"),
    };
    let mut data = state.data.lock().unwrap();
    if !data.products.contains_key(product) {
        return error_body(
            400,
            "invalid_request_error",
            Some("resource_missing"),
            &format!("No such product: '{product}'"),
        );
    }
    let lookup_key = r.form_value("lookup_key").unwrap_or_default();
    if !lookup_key.is_empty() {
        let taken = data.prices.iter().any(|p| p["lookup_key"] == lookup_key);
        if taken && r.form_value("transfer_lookup_key") != Some("true") {
            return error_body(
                400,
                "invalid_request_error",
                None,
                &format!(
                    "A price (`{lookup_key}`) already uses that lookup key. Set transfer_lookup_key to move it."
                ),
            );
        }
        for price in data.prices.iter_mut() {
            if price["lookup_key"] == lookup_key {
                price["lookup_key"] = Value::Null;
            }
        }
    }
    let id = state.next_id("price");
    let mut price = fixtures::price_object(&id, product, lookup_key, amount, currency, now());
    if lookup_key.is_empty() {
        price["lookup_key"] = Value::Null;
    }
    price["metadata"] = metadata_of(r, "metadata");
    if let Some(interval) = r.form_value("recurring[interval]") {
        price["recurring"]["interval"] = json!(interval);
    }
    data.prices.push(price.clone());
    (200, price)
}

fn create_product(state: &State, r: &RecordedRequest) -> (u16, Value) {
    let Some(name) = r.form_value("name") else {
        return missing("name");
    };
    let id = r
        .form_value("id")
        .map(str::to_owned)
        .unwrap_or_else(|| state.next_id("prod"));
    let mut data = state.data.lock().unwrap();
    if data.products.contains_key(&id) {
        return error_body(
            400,
            "invalid_request_error",
            Some("resource_already_exists"),
            &format!("Product already exists: {id}"),
        );
    }
    let mut product = fixtures::product_object(&id, name, now());
    product["metadata"] = metadata_of(r, "metadata");
    data.products.insert(id, product.clone());
    (200, product)
}

fn create_checkout_session(state: &State, r: &RecordedRequest) -> (u16, Value) {
    let Some(price) = r.form_value("line_items[0][price]") else {
        return missing("line_items[0][price]");
    };
    let mut data = state.data.lock().unwrap();
    if !data.prices.iter().any(|p| p["id"] == price) {
        return error_body(
            400,
            "invalid_request_error",
            Some("resource_missing"),
            &format!("No such price: '{price}'"),
        );
    }
    let engagement_id = r
        .form_value("client_reference_id")
        .or_else(|| r.form_value("metadata[engagement_id]"))
        .and_then(|v| v.parse().ok())
        .unwrap_or_default();
    let session = CheckoutSessionFixture {
        id: state.next_id("cs_test"),
        customer: r.form_value("customer").unwrap_or_default().to_owned(),
        engagement_id,
        subscription: None,
        created: now(),
        success_url: r.form_value("success_url").unwrap_or_default().to_owned(),
        cancel_url: r.form_value("cancel_url").unwrap_or_default().to_owned(),
    };
    let mut object = session.object();
    object["metadata"] = metadata_of(r, "metadata");
    data.session_prices
        .insert(session.id.clone(), price.to_owned());
    data.checkout_sessions.push(session);
    (200, object)
}

/// The session object once expired: `status: expired`, no URL.
fn expired_object(session: &CheckoutSessionFixture) -> Value {
    let mut object = session.object();
    object["status"] = json!("expired");
    object["url"] = Value::Null;
    object
}

/// Stripe expires only an `open` session; a completed or expired one is refused.
fn expire_checkout_session(state: &State, id: &str) -> (u16, Value) {
    let mut data = state.data.lock().unwrap();
    let Some(session) = data.checkout_sessions.iter().find(|s| s.id == id).cloned() else {
        return error_body(
            404,
            "invalid_request_error",
            Some("resource_missing"),
            &format!("No such checkout.session: '{id}'"),
        );
    };
    if session.subscription.is_some() || data.expired_sessions.contains(id) {
        return error_body(
            400,
            "invalid_request_error",
            None,
            "Only Checkout Sessions with a status in [\"open\"] can be expired.",
        );
    }
    data.expired_sessions.insert(id.to_owned());
    (200, expired_object(&session))
}

fn create_portal_session(state: &State, r: &RecordedRequest) -> (u16, Value) {
    let Some(customer) = r.form_value("customer") else {
        return missing("customer");
    };
    let id = state.next_id("bps");
    (
        200,
        json!({
            "id": id,
            "object": "billing_portal.session",
            "configuration": "bpc_stub_default",
            "created": now(),
            "customer": customer,
            "customer_account": null,
            "flow": null,
            "livemode": false,
            "locale": null,
            "on_behalf_of": null,
            "return_url": r.form_value("return_url"),
            "url": format!("https://billing.stripe.com/p/session/test_{id}")
        }),
    )
}

fn no_such_subscription(id: &str) -> (u16, Value) {
    error_body(
        404,
        "invalid_request_error",
        Some("resource_missing"),
        &format!("No such subscription: '{id}'"),
    )
}

fn update_subscription(state: &State, r: &RecordedRequest, id: &str) -> (u16, Value) {
    let mut data = state.data.lock().unwrap();
    let Some(subscription) = data.subscriptions.get_mut(id) else {
        return no_such_subscription(id);
    };
    if subscription.status == "canceled" {
        return error_body(
            400,
            "invalid_request_error",
            None,
            "A canceled subscription can only update its cancellation_details and metadata.",
        );
    }
    match r.form_value("cancel_at_period_end") {
        Some("true") => {
            subscription.cancel_at_period_end = true;
            subscription.canceled_at = Some(now());
        }
        Some("false") => {
            subscription.cancel_at_period_end = false;
            subscription.canceled_at = None;
        }
        _ => {}
    }
    (200, subscription.object())
}

fn cancel_subscription(state: &State, id: &str) -> (u16, Value) {
    let mut data = state.data.lock().unwrap();
    let Some(subscription) = data.subscriptions.get_mut(id) else {
        return no_such_subscription(id);
    };
    if subscription.status == "canceled" {
        return error_body(
            400,
            "invalid_request_error",
            Some("resource_missing"),
            &format!("No such subscription: '{id}' (it is already canceled)"),
        );
    }
    let at = now();
    subscription.status = "canceled".into();
    subscription.canceled_at = Some(at);
    subscription.ended_at = Some(at);
    (200, subscription.object())
}

fn error_body(status: u16, error_type: &str, code: Option<&str>, message: &str) -> (u16, Value) {
    (
        status,
        json!({
            "error": {
                "type": error_type,
                "code": code,
                "message": message,
                "request_log_url": "https://dashboard.stripe.com/test/logs/req_stub"
            }
        }),
    )
}

fn error(status: u16, error_type: &str, code: Option<&str>, message: &str) -> HttpResponse {
    let (status, body) = error_body(status, error_type, code, message);
    json_response(status, body)
}

fn json_response(status: u16, body: Value) -> HttpResponse {
    HttpResponse::build(
        actix_web::http::StatusCode::from_u16(status)
            .unwrap_or(actix_web::http::StatusCode::INTERNAL_SERVER_ERROR),
    )
    .insert_header(("Request-Id", "req_stub"))
    .json(body)
}
