//! Demo engagements for `ladder seed`: a paying engagement with invoices and hours, a
//! trial in progress with the demo developer, a trial cancelled and an engagement that
//! ended, so the company, developer and admin pages (MRR, conversion) show real figures.
//! Written once, when no engagement exists; sandbox subscriptions back the live ones so
//! the admin's sandbox controls work on them.

use chrono::{Duration, Months, NaiveDateTime};

use crate::billing::week_start;
use crate::db::{DbConn, write_transaction};
use crate::domain::{
    Commitment, CommitmentOffer, DeveloperStatus, EngagementStatus, InvoiceStatus, Level,
    SubscriptionStatus,
};
use crate::models::engagement::{NewEngagement, StateChange};
use crate::models::invoice::InvoiceFields;
use crate::models::sandbox_subscription::NewSandboxSubscription;
use crate::models::{
    company, developer, engagement, hour_log, invoice, plan, sandbox_subscription,
};

use super::SeedError;

struct Plan {
    company_index: usize,
    developer: developer::DeveloperRow,
    commitment: Commitment,
    status: EngagementStatus,
    /// Days ago the trial started.
    started_days_ago: i64,
    /// Days ago it ended (ended/cancelled).
    ended_days_ago: Option<i64>,
    weekly_hours: i32,
}

const NOTES: [&str; 6] = [
    "Shipped the carrier-rates API and its contract tests",
    "Moved the invoice export to a background job; p95 down from 4 s to 300 ms",
    "On-call week; fixed the webhook retry storm",
    "Schema migration for multi-currency prices, with backfill",
    "Pairing on the Kafka consumer; added dead-letter handling",
    "Load-tested the quote service and tuned the connection pool",
];

pub fn seed_engagements(conn: &mut DbConn, now: NaiveDateTime) -> Result<usize, SeedError> {
    if engagement::count_all(conn)? > 0 {
        return Ok(0);
    }
    let companies = company::all_ordered(conn)?;
    if companies.len() < 3 {
        return Ok(0);
    }
    let listed = developer::approved_sample(conn, 60)?;
    let demo = developer::find_by_user_email(conn, super::DEMO_DEVELOPER_EMAIL)?;
    let demo_id = demo.as_ref().map(|d| d.id);
    let pick = |level: Level, skip: usize| {
        listed
            .iter()
            .filter(|d| d.level == Some(level))
            .filter(|d| demo_id != Some(d.id))
            .nth(skip)
            .cloned()
    };
    let mut plans = Vec::new();
    if let Some(d) = pick(Level::L2, 0) {
        plans.push(Plan {
            company_index: 0,
            commitment: Commitment::FullTime,
            developer: d,
            status: EngagementStatus::Active,
            started_days_ago: 40,
            ended_days_ago: None,
            weekly_hours: 39,
        });
    }
    if let Some(d) = demo.filter(|d| d.level.is_some() && d.status == DeveloperStatus::Approved) {
        plans.push(Plan {
            company_index: 0,
            commitment: if d.commitment == CommitmentOffer::FullTime {
                Commitment::FullTime
            } else {
                Commitment::PartTime
            },
            developer: d,
            status: EngagementStatus::Trialing,
            started_days_ago: 5,
            ended_days_ago: None,
            weekly_hours: 20,
        });
    }
    if let Some(d) = pick(Level::L1, 0) {
        plans.push(Plan {
            company_index: 1,
            commitment: Commitment::FullTime,
            developer: d,
            status: EngagementStatus::Canceled,
            started_days_ago: 30,
            ended_days_ago: Some(24),
            weekly_hours: 38,
        });
    }
    if let Some(d) = pick(Level::L3, 0) {
        plans.push(Plan {
            company_index: 2,
            commitment: Commitment::PartTime,
            developer: d,
            status: EngagementStatus::Ended,
            started_days_ago: 120,
            ended_days_ago: Some(14),
            weekly_hours: 20,
        });
    }
    let prices = plan::all(conn)?;
    write_transaction(conn, |conn| {
        for (n, p) in plans.iter().enumerate() {
            let c = &companies[p.company_index];
            let level = p.developer.level.unwrap_or(Level::L2);
            let price = prices
                .iter()
                .find(|x| x.level == level && x.commitment == p.commitment)
                .ok_or_else(|| SeedError::Data("plans are incomplete".into()))?;
            let started = now - Duration::days(p.started_days_ago);
            let trial_end = started + Duration::days(14);
            let row = engagement::insert(
                conn,
                &NewEngagement {
                    company_id: c.id,
                    developer_id: p.developer.id,
                    booked_by: None,
                    level,
                    commitment: p.commitment,
                    price_cents: price.price_cents,
                    currency: price.currency.clone(),
                    hours_per_month: price.hours_per_month,
                    stripe_lookup_key: price.stripe_lookup_key.clone(),
                    starts_on: started.date(),
                    three_month_commitment: n % 2 == 0,
                    status: p.status,
                    idempotency_key: format!("seed-{n}"),
                    replaces_id: None,
                    created_at: started,
                    updated_at: now,
                },
            )?;
            let customer =
                company::set_stripe_customer(conn, c.id, &format!("cus_sandbox_{}", c.id))?;
            let subscription_id = format!("sub_sandbox_seed_{}", row.id);
            engagement::set_checkout(
                conn,
                row.id,
                &format!("cs_sandbox_seed_{}", row.id),
                "/engagements",
                started + Duration::hours(24),
            )?;
            engagement::set_subscription(conn, row.id, &subscription_id)?;

            // Invoices: the trial's $0, then one per paid month.
            let mut invoices = vec![(started, trial_end, 0_i64)];
            let ended = p.ended_days_ago.map(|d| now - Duration::days(d));
            let mut period_start = trial_end;
            if !matches!(
                p.status,
                EngagementStatus::Canceled | EngagementStatus::Trialing
            ) {
                let stop = ended.unwrap_or(now);
                while period_start <= stop {
                    let period_end = period_start
                        .checked_add_months(Months::new(1))
                        .unwrap_or(period_start + Duration::days(30));
                    invoices.push((period_start, period_end, price.price_cents));
                    period_start = period_end;
                }
            }
            let last_period = invoices
                .last()
                .map(|i| (i.0, i.1))
                .unwrap_or((started, trial_end));
            for (i, (from, to, amount)) in invoices.iter().enumerate() {
                invoice::insert(
                    conn,
                    &InvoiceFields {
                        engagement_id: row.id,
                        company_id: c.id,
                        stripe_invoice_id: format!("in_sandbox_seed_{}_{i}", row.id),
                        number: Some(format!("SBX-{:04}-{:04}", row.id, i + 1)),
                        status: InvoiceStatus::Paid,
                        amount_due_cents: *amount,
                        amount_paid_cents: *amount,
                        currency: price.currency.clone(),
                        period_start: *from,
                        period_end: *to,
                        hosted_invoice_url: None,
                        attempt_count: 1,
                        payment_failed_at: None,
                        paid_at: Some(*from),
                        stripe_created_at: *from,
                        updated_at: *from,
                    },
                    *from,
                )?;
            }
            let first_paid = invoices.get(1).map(|i| i.0);
            if let Some(at) = first_paid {
                engagement::set_first_paid(conn, row.id, at)?;
            }
            engagement::apply_state(
                conn,
                row.id,
                &StateChange {
                    status: p.status,
                    state_version: 0,
                    trial_ends_at: Some(trial_end),
                    current_period_end: Some(last_period.1),
                    cancel_at_period_end: false,
                    canceled_at: ended,
                    ended_at: ended,
                    updated_at: now,
                },
            )?;
            let sandbox_status = match p.status {
                EngagementStatus::Active => Some(SubscriptionStatus::Active),
                EngagementStatus::Trialing => Some(SubscriptionStatus::Trialing),
                _ => None,
            };
            if let Some(status) = sandbox_status {
                sandbox_subscription::insert(
                    conn,
                    &NewSandboxSubscription {
                        subscription_id,
                        engagement_id: row.id,
                        customer_id: customer.clone(),
                        status,
                        card_last4: "4242".into(),
                        trial_end,
                        current_period_start: last_period.0,
                        current_period_end: last_period.1,
                        created_at: started,
                        updated_at: now - Duration::hours(1),
                    },
                )?;
                if p.commitment == Commitment::FullTime {
                    developer::set_available_from(conn, p.developer.id, None, now)?;
                }
            }
            // Hours, week by week, up to the end (or this week).
            let last_day = ended.unwrap_or(now).date();
            let mut week = week_start(started.date());
            let mut i = 0;
            while week <= week_start(last_day) {
                let minutes = (p.weekly_hours - (i % 3) as i32) * 60;
                hour_log::upsert(
                    conn,
                    row.id,
                    week,
                    minutes,
                    NOTES[(n + i) % NOTES.len()],
                    now,
                )?;
                week += Duration::days(7);
                i += 1;
            }
        }
        Ok(plans.len())
    })
}
