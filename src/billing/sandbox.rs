//! The embedded billing sandbox: what runs when no Stripe key is set.
//!
//! It stands in for Stripe and nothing else. A local checkout page takes Stripe's test
//! cards; a row in `sandbox_subscriptions` plays the subscription; every change to it
//! produces the [`BillingEvent`]s Stripe would send (`checkout.session.completed`,
//! `customer.subscription.*`, `invoice.paid`, `invoice.payment_failed`,
//! `customer.subscription.trial_will_end`), and the caller feeds them to the same
//! `billing::apply_event` the webhook uses. No real charge is ever made.
//!
//! The sandbox's clock only moves forward: each event of one subscription is created at
//! least a second after the previous one, as Stripe's would be when they happen apart.

use chrono::{Duration, Months, NaiveDateTime, SubsecRound};

use super::{
    BillingEvent, CheckoutCompleted, EventKind, InvoiceSnapshot, InvoiceStatus,
    SubscriptionSnapshot, SubscriptionStatus,
};
use crate::crypto::random_token;
use crate::db::DbConn;
use crate::models::engagement::EngagementRow;
use crate::models::sandbox_subscription::{self, NewSandboxSubscription, SandboxSubscriptionRow};

/// Stripe's test card that always succeeds.
pub const ACCEPTED_CARD: &str = "4242424242424242";
/// Stripe's test card that is always declined.
pub const DECLINED_CARD: &str = "4000000000000002";
/// Sent before the trial ends, as Stripe does.
pub const TRIAL_REMINDER_DAYS: i64 = 3;

/// What the sandbox says about a card number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Card {
    Accepted {
        last4: String,
    },
    Declined,
    /// Not a card number, or not one of the sandbox's test cards.
    Invalid(&'static str),
}

pub fn check_card(number: &str) -> Card {
    let digits: String = number
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if digits.is_empty() {
        return Card::Invalid("Enter a card number.");
    }
    if !digits.chars().all(|c| c.is_ascii_digit()) || !(12..=19).contains(&digits.len()) {
        return Card::Invalid("That is not a card number.");
    }
    if !luhn_valid(&digits) {
        return Card::Invalid("That card number is incorrect.");
    }
    match digits.as_str() {
        ACCEPTED_CARD => Card::Accepted {
            last4: digits[digits.len() - 4..].to_owned(),
        },
        DECLINED_CARD => Card::Declined,
        _ => Card::Invalid(
            "The sandbox takes the test cards 4242 4242 4242 4242 (succeeds) and 4000 0000 0000 0002 (declined).",
        ),
    }
}

fn luhn_valid(digits: &str) -> bool {
    let sum: u32 = digits
        .chars()
        .rev()
        .filter_map(|c| c.to_digit(10))
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

fn event_id() -> String {
    format!("evt_sandbox_{}", random_token(18))
}

/// The next tick of this subscription's clock: now, but after its previous event.
fn tick(row: &SandboxSubscriptionRow, now: NaiveDateTime) -> NaiveDateTime {
    let now = now.trunc_subsecs(0);
    let after_last = row.updated_at.trunc_subsecs(0) + Duration::seconds(1);
    now.max(after_last)
}

fn snapshot(row: &SandboxSubscriptionRow) -> SubscriptionSnapshot {
    SubscriptionSnapshot {
        id: row.subscription_id.clone(),
        customer_id: row.customer_id.clone(),
        status: row.status,
        engagement_id: Some(row.engagement_id),
        trial_end: Some(row.trial_end),
        current_period_end: Some(row.current_period_end),
        cancel_at_period_end: row.cancel_at_period_end,
        cancel_at: None,
        canceled_at: row.canceled_at,
        ended_at: row.ended_at,
    }
}

fn subscription_event(
    row: &SandboxSubscriptionRow,
    event_type: &str,
    at: NaiveDateTime,
) -> BillingEvent {
    BillingEvent {
        id: event_id(),
        event_type: event_type.into(),
        created: at,
        kind: EventKind::Subscription(snapshot(row)),
    }
}

/// An invoice for the subscription's current period.
fn invoice(
    row: &mut SandboxSubscriptionRow,
    engagement: &EngagementRow,
    amount_cents: i64,
    paid: bool,
    at: NaiveDateTime,
) -> InvoiceSnapshot {
    row.invoice_count += 1;
    InvoiceSnapshot {
        id: format!("in_sandbox_{}", random_token(18)),
        number: Some(format!("SBX-{:04}-{:04}", engagement.id, row.invoice_count)),
        customer_id: row.customer_id.clone(),
        subscription_id: Some(row.subscription_id.clone()),
        engagement_id: Some(engagement.id),
        status: if paid {
            InvoiceStatus::Paid
        } else {
            InvoiceStatus::Open
        },
        amount_due_cents: amount_cents,
        amount_paid_cents: if paid { amount_cents } else { 0 },
        currency: engagement.currency.clone(),
        period_start: row.current_period_start,
        period_end: row.current_period_end,
        hosted_invoice_url: None,
        attempt_count: 1,
        created: at,
    }
}

fn invoice_event(snapshot: InvoiceSnapshot, at: NaiveDateTime) -> BillingEvent {
    let paid = snapshot.status == InvoiceStatus::Paid;
    BillingEvent {
        id: event_id(),
        event_type: if paid {
            "invoice.paid"
        } else {
            "invoice.payment_failed"
        }
        .into(),
        created: at,
        kind: if paid {
            EventKind::InvoicePaid(snapshot)
        } else {
            EventKind::InvoicePaymentFailed(snapshot)
        },
    }
}

/// Checkout with an accepted card: the subscription starts its free trial.
pub fn complete_checkout(
    conn: &mut DbConn,
    engagement: &EngagementRow,
    customer_id: &str,
    card_last4: &str,
    trial_end: NaiveDateTime,
    now: NaiveDateTime,
) -> diesel::QueryResult<Vec<BillingEvent>> {
    if sandbox_subscription::for_engagement(conn, engagement.id)?.is_some() {
        // Checked out already (a resubmitted form): Stripe wouldn't charge twice either.
        return Ok(Vec::new());
    }
    let at = now.trunc_subsecs(0);
    let trial_end = trial_end.trunc_subsecs(0).max(at);
    let mut row = sandbox_subscription::insert(
        conn,
        &NewSandboxSubscription {
            subscription_id: format!("sub_sandbox_{}", random_token(18)),
            engagement_id: engagement.id,
            customer_id: customer_id.into(),
            status: SubscriptionStatus::Trialing,
            card_last4: card_last4.into(),
            trial_end,
            current_period_start: at,
            current_period_end: trial_end,
            created_at: at,
            updated_at: at,
        },
    )?;
    let session_id = engagement
        .checkout_session_id
        .clone()
        .unwrap_or_else(|| format!("cs_sandbox_{}", engagement.id));
    let mut events = vec![
        BillingEvent {
            id: event_id(),
            event_type: "checkout.session.completed".into(),
            created: at,
            kind: EventKind::CheckoutCompleted(CheckoutCompleted {
                session_id,
                engagement_id: Some(engagement.id),
                customer_id: Some(customer_id.into()),
                subscription_id: Some(row.subscription_id.clone()),
            }),
        },
        subscription_event(&row, "customer.subscription.created", at),
    ];
    // Stripe opens a trial with a paid invoice of zero.
    let trial_invoice = invoice(&mut row, engagement, 0, true, at);
    events.push(invoice_event(trial_invoice, at));
    sandbox_subscription::save(conn, &row)?;
    Ok(events)
}

/// The trial is over: the first month is charged (or fails, if told to).
pub fn end_trial(
    conn: &mut DbConn,
    row: &mut SandboxSubscriptionRow,
    engagement: &EngagementRow,
    now: NaiveDateTime,
) -> diesel::QueryResult<Vec<BillingEvent>> {
    if row.status != SubscriptionStatus::Trialing {
        return Ok(Vec::new());
    }
    let at = tick(row, now);
    row.trial_end = at;
    charge_new_period(conn, row, engagement, at, at)
}

/// The period is over: renew it (charging the next month), or end the subscription if it
/// was set to cancel at the period's end.
pub fn renew(
    conn: &mut DbConn,
    row: &mut SandboxSubscriptionRow,
    engagement: &EngagementRow,
    now: NaiveDateTime,
) -> diesel::QueryResult<Vec<BillingEvent>> {
    if !matches!(
        row.status,
        SubscriptionStatus::Active | SubscriptionStatus::PastDue
    ) {
        return Ok(Vec::new());
    }
    let at = tick(row, now);
    if row.cancel_at_period_end {
        row.status = SubscriptionStatus::Canceled;
        row.canceled_at = Some(row.canceled_at.unwrap_or(at));
        row.ended_at = Some(at);
        row.updated_at = at;
        sandbox_subscription::save(conn, row)?;
        return Ok(vec![subscription_event(
            row,
            "customer.subscription.deleted",
            at,
        )]);
    }
    // The new period starts where the paid one ends, even when an admin moves the clock
    // on early: a month is never billed twice.
    let start = row.current_period_end;
    charge_new_period(conn, row, engagement, start, at)
}

/// Starts the period beginning at `start` and bills it at `at`.
fn charge_new_period(
    conn: &mut DbConn,
    row: &mut SandboxSubscriptionRow,
    engagement: &EngagementRow,
    start: NaiveDateTime,
    at: NaiveDateTime,
) -> diesel::QueryResult<Vec<BillingEvent>> {
    row.current_period_start = start;
    row.current_period_end = start
        .checked_add_months(Months::new(1))
        .unwrap_or(start + Duration::days(30));
    let paid = !row.fail_next_payment;
    row.fail_next_payment = false;
    row.status = if paid {
        SubscriptionStatus::Active
    } else {
        SubscriptionStatus::PastDue
    };
    row.updated_at = at;
    let bill = invoice(row, engagement, engagement.price_cents, paid, at);
    sandbox_subscription::save(conn, row)?;
    Ok(vec![
        invoice_event(bill, at),
        subscription_event(row, "customer.subscription.updated", at),
    ])
}

/// Pays a failed invoice again (the company updated its card in the sandbox portal).
pub fn retry_payment(
    conn: &mut DbConn,
    row: &mut SandboxSubscriptionRow,
    open_invoice: InvoiceSnapshot,
    now: NaiveDateTime,
) -> diesel::QueryResult<Vec<BillingEvent>> {
    let at = tick(row, now);
    let paid = InvoiceSnapshot {
        status: InvoiceStatus::Paid,
        amount_paid_cents: open_invoice.amount_due_cents,
        attempt_count: open_invoice.attempt_count + 1,
        ..open_invoice
    };
    let mut events = vec![invoice_event(paid, at)];
    if row.status == SubscriptionStatus::PastDue {
        row.status = SubscriptionStatus::Active;
        row.updated_at = at;
        sandbox_subscription::save(conn, row)?;
        events.push(subscription_event(row, "customer.subscription.updated", at));
    }
    Ok(events)
}

/// Cancels at once (during the trial: nothing is charged).
pub fn cancel_now(
    conn: &mut DbConn,
    row: &mut SandboxSubscriptionRow,
    now: NaiveDateTime,
) -> diesel::QueryResult<Vec<BillingEvent>> {
    if row.status == SubscriptionStatus::Canceled {
        return Ok(Vec::new());
    }
    let at = tick(row, now);
    row.status = SubscriptionStatus::Canceled;
    row.canceled_at = Some(at);
    row.ended_at = Some(at);
    row.updated_at = at;
    sandbox_subscription::save(conn, row)?;
    Ok(vec![subscription_event(
        row,
        "customer.subscription.deleted",
        at,
    )])
}

/// Ends the subscription when the paid period is over.
pub fn cancel_at_period_end(
    conn: &mut DbConn,
    row: &mut SandboxSubscriptionRow,
    now: NaiveDateTime,
) -> diesel::QueryResult<Vec<BillingEvent>> {
    if row.status == SubscriptionStatus::Canceled || row.cancel_at_period_end {
        return Ok(Vec::new());
    }
    let at = tick(row, now);
    row.cancel_at_period_end = true;
    row.canceled_at = Some(at);
    row.updated_at = at;
    sandbox_subscription::save(conn, row)?;
    Ok(vec![subscription_event(
        row,
        "customer.subscription.updated",
        at,
    )])
}

/// `customer.subscription.trial_will_end`, once per subscription (its id is fixed, so the
/// event log drops a second one).
pub fn trial_will_end(row: &SandboxSubscriptionRow, now: NaiveDateTime) -> BillingEvent {
    BillingEvent {
        id: format!("evt_sandbox_trial_will_end_{}", row.subscription_id),
        event_type: "customer.subscription.trial_will_end".into(),
        created: now.trunc_subsecs(0),
        kind: EventKind::TrialWillEnd(snapshot(row)),
    }
}

/// What the sandbox's clock owes a subscription at `now`: the trial reminder, the end of
/// the trial, a renewal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    Nothing,
    TrialReminder,
    TrialEnd,
    Renewal,
}

pub fn due(row: &SandboxSubscriptionRow, now: NaiveDateTime) -> Due {
    match row.status {
        SubscriptionStatus::Trialing if row.trial_end <= now => Due::TrialEnd,
        SubscriptionStatus::Trialing
            if row.trial_end - Duration::days(TRIAL_REMINDER_DAYS) <= now =>
        {
            Due::TrialReminder
        }
        SubscriptionStatus::Active | SubscriptionStatus::PastDue
            if row.current_period_end <= now =>
        {
            Due::Renewal
        }
        _ => Due::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(
        status: &str,
        trial_end: NaiveDateTime,
        period_end: NaiveDateTime,
    ) -> SandboxSubscriptionRow {
        SandboxSubscriptionRow {
            id: 1,
            subscription_id: "sub_sandbox_1".into(),
            engagement_id: 1,
            customer_id: "cus_sandbox_1".into(),
            status: status.parse().unwrap(),
            card_last4: "4242".into(),
            trial_end,
            current_period_start: trial_end,
            current_period_end: period_end,
            cancel_at_period_end: false,
            fail_next_payment: false,
            canceled_at: None,
            ended_at: None,
            invoice_count: 1,
            created_at: trial_end,
            updated_at: trial_end,
        }
    }

    #[test]
    fn the_sandbox_clock_reminds_ends_trials_and_renews_when_due() {
        let now = crate::billing::from_unix(2_000_000_000);
        let days = Duration::days;
        let trialing = |left| row("trialing", now + days(left), now + days(left));
        assert_eq!(due(&trialing(10), now), Due::Nothing);
        assert_eq!(due(&trialing(3), now), Due::TrialReminder);
        assert_eq!(due(&trialing(0), now), Due::TrialEnd);
        assert_eq!(
            due(&row("active", now - days(20), now + days(10)), now),
            Due::Nothing
        );
        assert_eq!(
            due(&row("past_due", now - days(40), now), now),
            Due::Renewal
        );
        assert_eq!(
            due(&row("canceled", now - days(40), now), now),
            Due::Nothing
        );
    }

    #[test]
    fn the_clock_never_runs_backwards() {
        let now = crate::billing::from_unix(2_000_000_000);
        let mut r = row("active", now, now);
        r.updated_at = now + Duration::seconds(5);
        assert_eq!(tick(&r, now), now + Duration::seconds(6));
        r.updated_at = now - Duration::seconds(5);
        assert_eq!(tick(&r, now), now);
    }

    #[test]
    fn the_test_cards_do_what_stripe_says() {
        assert_eq!(
            check_card("4242 4242 4242 4242"),
            Card::Accepted {
                last4: "4242".into()
            }
        );
        assert_eq!(check_card("4000-0000-0000-0002"), Card::Declined);
        assert!(matches!(
            check_card("4242 4242 4242 4241"),
            Card::Invalid(_)
        ));
        assert!(matches!(check_card("not a card"), Card::Invalid(_)));
        assert!(matches!(check_card(""), Card::Invalid(_)));
        // A real, valid number that isn't a sandbox card.
        assert!(matches!(
            check_card("5555 5555 5555 4444"),
            Card::Invalid(_)
        ));
    }
}
