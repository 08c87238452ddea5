//! The shuffle-and-duplicate property (issue 14) for the lifecycles issue 14 found wrong:
//! cancel before checkout, renew then cancel, an expired session, unpaid, a voided
//! invoice, and two companies paying for one developer. Whatever order Stripe delivers a
//! lifecycle's events in, and however often, the outcome is the same.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use ladder::billing::{
    BillingEvent, CheckoutCompleted, EventKind, InvoiceSnapshot, SubscriptionSnapshot,
    SubscriptionStatus,
};
use ladder::schema::{companies, company_members, engagements, invoices, jobs};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use crate::helpers::TestApp;
use crate::hiring::listed_developer;

const DAY: i64 = 86_400;
const RUNS: usize = 12;

fn at(seconds: i64) -> NaiveDateTime {
    ladder::billing::from_unix(1_800_000_000 + seconds)
}

struct Sub {
    id: String,
    engagement_id: i32,
    /// One Stripe customer per company.
    customer: String,
}

impl Sub {
    fn snapshot(&self, status: SubscriptionStatus, cancelling: bool) -> SubscriptionSnapshot {
        SubscriptionSnapshot {
            id: self.id.clone(),
            customer_id: self.customer.clone(),
            status,
            engagement_id: Some(self.engagement_id),
            trial_end: Some(at(14 * DAY)),
            current_period_end: Some(at(44 * DAY)),
            cancel_at_period_end: cancelling,
            cancel_at: None,
            canceled_at: None,
            ended_at: None,
        }
    }

    fn invoice(&self, id: &str, status: &str, created: i64) -> InvoiceSnapshot {
        InvoiceSnapshot {
            id: format!("{id}_{}", self.engagement_id),
            number: Some(format!("PROP-{id}")),
            customer_id: self.customer.clone(),
            subscription_id: Some(self.id.clone()),
            engagement_id: Some(self.engagement_id),
            status: status.parse().unwrap(),
            amount_due_cents: 220_000,
            amount_paid_cents: if status == "paid" { 220_000 } else { 0 },
            currency: "usd".into(),
            period_start: at(14 * DAY),
            period_end: at(44 * DAY),
            hosted_invoice_url: None,
            attempt_count: 1,
            created: at(created),
        }
    }
}

async fn customer_of(app: &TestApp, id: i32) -> String {
    let company_id: i32 = app
        .with_conn(move |conn| {
            engagements::table
                .find(id)
                .select(engagements::company_id)
                .first(conn)
                .unwrap()
        })
        .await;
    format!("cus_pp_{company_id}")
}

/// Events numbered per engagement: `evt_pp_{engagement}_{n}`.
struct Events {
    engagement_id: i32,
    list: Vec<BillingEvent>,
}

impl Events {
    fn new(engagement_id: i32) -> Self {
        Events {
            engagement_id,
            list: Vec::new(),
        }
    }

    fn push(&mut self, event_type: &str, created: i64, kind: EventKind) {
        let n = self.list.len();
        self.list.push(BillingEvent {
            id: format!("evt_pp_{}_{n}", self.engagement_id),
            event_type: event_type.into(),
            created: at(created),
            kind,
        });
    }

    /// Checkout, the subscription's creation and the trial reminder.
    fn trial(&mut self, sub: &Sub, session: &str) {
        self.push(
            "checkout.session.completed",
            0,
            EventKind::CheckoutCompleted(CheckoutCompleted {
                session_id: session.into(),
                engagement_id: Some(sub.engagement_id),
                customer_id: Some(sub.customer.clone()),
                subscription_id: Some(sub.id.clone()),
            }),
        );
        self.push(
            "customer.subscription.created",
            0,
            EventKind::Subscription(sub.snapshot(SubscriptionStatus::Trialing, false)),
        );
        self.push(
            "customer.subscription.trial_will_end",
            11 * DAY,
            EventKind::TrialWillEnd(sub.snapshot(SubscriptionStatus::Trialing, false)),
        );
    }
}

/// Shuffles the events after duplicating a random handful.
fn scramble(rng: &mut impl Rng, mut events: Vec<BillingEvent>) -> Vec<BillingEvent> {
    for _ in 0..rng.random_range(0..6) {
        let pick = events[rng.random_range(0..events.len())].clone();
        events.push(pick);
    }
    events.shuffle(rng);
    events
}

async fn apply(app: &TestApp, events: Vec<BillingEvent>) {
    let outbox = ladder::mail::Outbox::from_settings(&app.settings);
    app.with_conn(move |conn| {
        for event in &events {
            ladder::billing::apply_event(conn, &outbox, "stripe", event).unwrap();
        }
    })
    .await;
}

/// A pending engagement with a stored checkout session, inserted as booking would.
async fn pending(app: &TestApp, company: &str, slug: &str, key: &str, full_time: bool) -> i32 {
    let (company, slug, key) = (company.to_owned(), slug.to_owned(), key.to_owned());
    app.with_conn(move |conn| {
        let company_id: i32 = companies::table
            .filter(companies::name.eq(&company))
            .select(companies::id)
            .first(conn)
            .unwrap();
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
                commitment: if full_time { "full_time" } else { "part_time" }
                    .parse()
                    .unwrap(),
                price_cents: 220_000,
                currency: "usd".into(),
                hours_per_month: 160,
                stripe_lookup_key: "ladder_l2_full_time".into(),
                starts_on: now.date(),
                three_month_commitment: false,
                status: "pending_checkout".parse().unwrap(),
                idempotency_key: key.clone(),
                replaces_id: None,
                created_at: now,
                updated_at: now,
            },
        )
        .unwrap();
        ladder::models::engagement::set_checkout(
            conn,
            row.id,
            &format!("cs_{key}"),
            "https://checkout.example/x",
            now + chrono::Duration::hours(24),
        )
        .unwrap();
        row.id
    })
    .await
}

#[derive(Debug, Clone, PartialEq)]
struct Seen {
    status: String,
    cancelling: bool,
    cancel_requested: bool,
    checkout_session: bool,
    invoices: Vec<(String, i64)>,
    cancel_jobs: i64,
}

async fn seen(app: &TestApp, id: i32) -> Seen {
    app.with_conn(move |conn| {
        let (status, cancelling, requested, session, subscription): (
            String,
            bool,
            Option<NaiveDateTime>,
            Option<String>,
            Option<String>,
        ) = engagements::table
            .find(id)
            .select((
                engagements::status,
                engagements::cancel_at_period_end,
                engagements::cancel_requested_at,
                engagements::checkout_session_id,
                engagements::stripe_subscription_id,
            ))
            .first(conn)
            .unwrap();
        let invoices: Vec<(String, i64)> = invoices::table
            .filter(invoices::engagement_id.eq(id))
            .order(invoices::stripe_invoice_id)
            .select((invoices::status, invoices::amount_paid_cents))
            .load(conn)
            .unwrap();
        let cancel_jobs = match subscription {
            Some(s) => jobs::table
                .filter(jobs::dedupe_key.eq(format!("cancel-subscription:{s}")))
                .count()
                .get_result(conn)
                .unwrap(),
            None => 0,
        };
        Seen {
            status,
            cancelling,
            cancel_requested: requested.is_some(),
            checkout_session: session.is_some(),
            invoices,
            cancel_jobs,
        }
    })
    .await
}

async fn same_every_run(first: &mut Option<Seen>, now: Seen, what: &str, run: usize) {
    match first {
        None => *first = Some(now),
        Some(first) => assert_eq!(&now, first, "{what}: run {run} differs"),
    }
}

async fn setup() -> (TestApp, Vec<String>) {
    let app = crate::helpers::spawn_app().await;
    app.verified_company("Acme", "owner@acme.example").await;
    app.verified_company("Birch", "owner@birch.example").await;
    let mut slugs = Vec::new();
    for n in 0..4 {
        let (_b, slug) = listed_developer(
            &app,
            &format!("Prop Dev{n}"),
            &format!("pp{n}@dev.example"),
            "L2",
            "Europe/Berlin",
        )
        .await;
        slugs.push(slug);
    }
    (app, slugs)
}

#[tokio::test]
async fn cancel_before_checkout_renew_then_cancel_unpaid_and_voided_converge_in_any_order() {
    let (app, slugs) = setup().await;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(20261202);
    let owner: i32 = app
        .with_conn(|conn| {
            company_members::table
                .select(company_members::user_id)
                .first(conn)
                .unwrap()
        })
        .await;
    let (mut cancelled, mut renewed, mut unpaid, mut expired) = (None, None, None, None);
    for run in 0..RUNS {
        let slug = &slugs[run % slugs.len()];
        // Cancelled before checkout, then the still-open session is paid.
        let id = pending(&app, "Acme", slug, &format!("cbc{run}"), false).await;
        app.with_conn(move |conn| {
            let company_id: i32 = engagements::table
                .find(id)
                .select(engagements::company_id)
                .first(conn)
                .unwrap();
            ladder::billing::request_cancel(conn, company_id, owner, id).unwrap();
        })
        .await;
        let sub = Sub {
            id: format!("sub_cbc_{id}"),
            engagement_id: id,
            customer: customer_of(&app, id).await,
        };
        let mut events = Events::new(id);
        events.trial(&sub, &format!("cs_cbc{run}"));
        events.push(
            "invoice.paid",
            14 * DAY,
            EventKind::InvoicePaid(sub.invoice("in_first", "paid", 14 * DAY)),
        );
        events.push(
            "customer.subscription.updated",
            14 * DAY,
            EventKind::Subscription(sub.snapshot(SubscriptionStatus::Active, false)),
        );
        apply(&app, scramble(&mut rng, events.list)).await;
        let now = seen(&app, id).await;
        assert_eq!(now.status, "canceled");
        assert!(now.invoices.is_empty(), "never revenue: {now:?}");
        assert_eq!(now.cancel_jobs, 1, "cancelled at Stripe once: {now:?}");
        same_every_run(&mut cancelled, now, "cancel before checkout", run).await;

        // Renewed in the portal after a cancel, then cancelled again.
        let id = pending(&app, "Birch", slug, &format!("rtc{run}"), false).await;
        let sub = Sub {
            id: format!("sub_rtc_{id}"),
            engagement_id: id,
            customer: customer_of(&app, id).await,
        };
        let mut events = Events::new(id);
        events.trial(&sub, &format!("cs_rtc{run}"));
        events.push(
            "customer.subscription.updated",
            14 * DAY,
            EventKind::Subscription(sub.snapshot(SubscriptionStatus::Active, false)),
        );
        events.push(
            "customer.subscription.updated",
            20 * DAY,
            EventKind::Subscription(sub.snapshot(SubscriptionStatus::Active, true)),
        );
        events.push(
            "customer.subscription.updated",
            25 * DAY,
            EventKind::Subscription(sub.snapshot(SubscriptionStatus::Active, false)),
        );
        events.push(
            "customer.subscription.updated",
            30 * DAY,
            EventKind::Subscription(sub.snapshot(SubscriptionStatus::Active, true)),
        );
        let mut over = sub.snapshot(SubscriptionStatus::Canceled, true);
        over.canceled_at = Some(at(30 * DAY));
        over.ended_at = Some(at(44 * DAY));
        events.push(
            "customer.subscription.deleted",
            44 * DAY,
            EventKind::Subscription(over),
        );
        apply(&app, scramble(&mut rng, events.list)).await;
        let now = seen(&app, id).await;
        assert_eq!((now.status.as_str(), now.cancelling), ("ended", true));
        assert_eq!(now.cancel_jobs, 0, "a cancelled subscription is left alone");
        same_every_run(&mut renewed, now, "renew then cancel", run).await;
    }
    // Unpaid after a failed payment, the invoice voided; and an expired session.
    for run in 0..RUNS {
        let slug = &slugs[run % slugs.len()];
        let id = pending(&app, "Acme", slug, &format!("unp{run}"), false).await;
        let sub = Sub {
            id: format!("sub_unp_{id}"),
            engagement_id: id,
            customer: customer_of(&app, id).await,
        };
        let mut events = Events::new(id);
        events.trial(&sub, &format!("cs_unp{run}"));
        events.push(
            "invoice.payment_failed",
            14 * DAY,
            EventKind::InvoicePaymentFailed(sub.invoice("in_fail", "open", 14 * DAY)),
        );
        events.push(
            "customer.subscription.updated",
            14 * DAY,
            EventKind::Subscription(sub.snapshot(SubscriptionStatus::PastDue, false)),
        );
        events.push(
            "customer.subscription.updated",
            30 * DAY,
            EventKind::Subscription(sub.snapshot(SubscriptionStatus::Unpaid, false)),
        );
        let mut void = sub.invoice("in_fail", "void", 14 * DAY);
        void.attempt_count = 4;
        events.push("invoice.voided", 30 * DAY, EventKind::InvoiceClosed(void));
        apply(&app, scramble(&mut rng, events.list)).await;
        let now = seen(&app, id).await;
        assert_eq!(now.status, "ended");
        assert_eq!(now.invoices, vec![("void".to_owned(), 0)]);
        assert_eq!(now.cancel_jobs, 1);
        same_every_run(&mut unpaid, now, "unpaid", run).await;

        let id = pending(&app, "Birch", slug, &format!("exp{run}"), false).await;
        let mut events = Events::new(id);
        events.push(
            "checkout.session.expired",
            DAY,
            EventKind::CheckoutExpired(CheckoutCompleted {
                session_id: format!("cs_exp{run}"),
                engagement_id: Some(id),
                customer_id: None,
                subscription_id: None,
            }),
        );
        apply(&app, scramble(&mut rng, events.list)).await;
        let now = seen(&app, id).await;
        assert_eq!(now.status, "pending_checkout");
        assert!(
            !now.checkout_session,
            "the next click makes a fresh session"
        );
        same_every_run(&mut expired, now, "expired session", run).await;
    }
}

#[tokio::test]
async fn two_companies_paying_for_one_developer_leave_exactly_one_engagement_in_any_order() {
    let (app, slugs) = setup().await;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(20261203);
    let mut first_outcome: Option<Vec<(String, i64)>> = None;
    for run in 0..RUNS {
        let slug = &slugs[run % slugs.len()];
        let a = pending(&app, "Acme", slug, &format!("twa{run}"), true).await;
        let b = pending(&app, "Birch", slug, &format!("twb{run}"), true).await;
        let mut all = Vec::new();
        for (id, session) in [(a, format!("cs_twa{run}")), (b, format!("cs_twb{run}"))] {
            let sub = Sub {
                id: format!("sub_tw_{id}"),
                engagement_id: id,
                customer: customer_of(&app, id).await,
            };
            let mut events = Events::new(id);
            events.trial(&sub, &session);
            all.extend(events.list);
        }
        apply(&app, scramble(&mut rng, all)).await;
        let (sa, sb) = (seen(&app, a).await, seen(&app, b).await);
        let mut outcome = vec![
            (sa.status.clone(), sa.cancel_jobs),
            (sb.status.clone(), sb.cancel_jobs),
        ];
        outcome.sort();
        assert_eq!(
            outcome,
            vec![("canceled".to_owned(), 1), ("trialing".to_owned(), 0)],
            "run {run}: one keeps the developer, the other's subscription is cancelled"
        );
        match &first_outcome {
            None => first_outcome = Some(outcome),
            Some(first) => assert_eq!(&outcome, first),
        }
        // The winner's engagement ends, so the developer is free for the next run.
        app.with_conn(move |conn| {
            diesel::update(engagements::table.filter(engagements::id.eq_any([a, b])))
                .filter(engagements::status.eq("trialing"))
                .set(engagements::status.eq("ended"))
                .execute(conn)
                .unwrap();
        })
        .await;
    }
}
