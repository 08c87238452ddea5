//! The sandbox gateway (no Stripe key): its checkout page and payment, the admin's clock
//! controls, the hourly clock and the stand-in for the portal.

use super::*;

/// What the sandbox checkout page shows.
pub struct SandboxCheckout {
    pub engagement: EngagementRow,
    pub developer_name: String,
    pub company_name: String,
    pub trial_days: u32,
    pub trial_end: NaiveDateTime,
}

pub fn sandbox_checkout_page(
    conn: &mut DbConn,
    company_id: i32,
    session_id: &str,
) -> Result<SandboxCheckout, BillingError> {
    let row = engagement::find_by_checkout_session(conn, session_id)?
        .filter(|e| e.company_id == company_id)
        .ok_or(BillingError::NotFound)?;
    let d = developer::find(conn, row.developer_id)?;
    let c = company::find(conn, company_id)?;
    let now = models::now();
    let trial_end = trial_end(conn, &row, now)?;
    Ok(SandboxCheckout {
        developer_name: developer_name(&d, false),
        company_name: c.name,
        engagement: row,
        trial_days: remaining_trial_days(Some(trial_end), now),
        trial_end,
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SandboxPayment {
    /// The trial started (or had already: a resubmitted form).
    Started {
        engagement_id: i32,
    },
    Declined(String),
    /// The developer was taken by another checkout that completed first: the booking is
    /// cancelled and nothing was charged.
    Unavailable(String),
}

/// The sandbox checkout page's form: an accepted card starts the trial through the same
/// events Stripe would send; a declined one changes nothing.
pub fn sandbox_pay(
    conn: &mut DbConn,
    outbox: &Outbox,
    company_id: i32,
    session_id: &str,
    card_number: &str,
    now: NaiveDateTime,
) -> Result<SandboxPayment, BillingError> {
    let card = sandbox::check_card(card_number);
    let last4 = match card {
        Card::Accepted { last4 } => last4,
        Card::Declined => {
            return Ok(SandboxPayment::Declined(
                "Your card was declined. Nothing was charged; try another card.".into(),
            ));
        }
        Card::Invalid(message) => return Ok(SandboxPayment::Declined(message.into())),
    };
    write_transaction(conn, |conn| {
        let found = engagement::find_by_checkout_session(conn, session_id)?
            .filter(|e| e.company_id == company_id)
            .ok_or(BillingError::NotFound)?;
        // Money commits here: one payment per developer at a time, each seeing the others.
        engagement::lock_developer(conn, found.developer_id)?;
        let row = engagement::find(conn, found.id)?;
        let status = row.status;
        if status != EngagementStatus::PendingCheckout {
            return Ok(match status {
                EngagementStatus::Canceled => SandboxPayment::Unavailable(
                    "This booking was cancelled, so it can't be paid. Nothing was charged.".into(),
                ),
                _ => SandboxPayment::Started {
                    engagement_id: row.id,
                },
            });
        }
        if row.checkout_expires_at.is_some_and(|t| t <= now) {
            return Ok(SandboxPayment::Unavailable(
                "This checkout expired. Nothing was charged; open the engagement to check out again.".into(),
            ));
        }
        if let Some(why) = capacity_refusal(conn, &row)? {
            let message = format!(
                "{why} Another company's checkout completed first, so this booking is cancelled and nothing was charged."
            );
            refuse_for_capacity(conn, outbox, &row, &why, None)?;
            return Ok(SandboxPayment::Unavailable(message));
        }
        let customer_id = format!("cus_sandbox_{company_id}");
        let customer_id = company::set_stripe_customer(conn, company_id, &customer_id)?;
        let trial_end = trial_end(conn, &row, now)?;
        let events = sandbox::complete_checkout(conn, &row, &customer_id, &last4, trial_end, now)?;
        for event in &events {
            apply_in_transaction(conn, outbox, "sandbox", event)?;
        }
        Ok(SandboxPayment::Started {
            engagement_id: row.id,
        })
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SandboxAction {
    /// End the free trial now: the first month is charged.
    EndTrial,
    /// The next charge is declined.
    FailNextPayment,
    /// Jump to the end of the current paid period: renew (or end, if cancelling).
    Renew,
}

impl SandboxAction {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "end-trial" => SandboxAction::EndTrial,
            "fail-next-payment" => SandboxAction::FailNextPayment,
            "renew" => SandboxAction::Renew,
            _ => return None,
        })
    }
}

pub fn sandbox_action(
    conn: &mut DbConn,
    outbox: &Outbox,
    admin_id: i32,
    engagement_id: i32,
    action: SandboxAction,
) -> Result<String, BillingError> {
    write_transaction(conn, |conn| {
        let row = engagement::find(conn, engagement_id)?;
        let mut sub = sandbox_subscription::for_engagement(conn, engagement_id)?
            .ok_or_else(|| refused("This engagement has no sandbox subscription."))?;
        let now = models::now();
        let (events, message) = match action {
            SandboxAction::EndTrial => {
                if sub.status != SubscriptionStatus::Trialing {
                    return Err(refused("The trial is already over."));
                }
                let mut events = vec![sandbox::trial_will_end(&sub, now)];
                events.extend(sandbox::end_trial(conn, &mut sub, &row, now)?);
                (events, "The trial ended and the first month was charged.")
            }
            SandboxAction::FailNextPayment => {
                sub.fail_next_payment = true;
                sandbox_subscription::save(conn, &sub)?;
                (Vec::new(), "The next charge will be declined.")
            }
            SandboxAction::Renew => {
                if !matches!(
                    sub.status,
                    SubscriptionStatus::Active | SubscriptionStatus::PastDue
                ) {
                    return Err(refused("Only a paid subscription renews."));
                }
                let events = sandbox::renew(conn, &mut sub, &row, now)?;
                (events, "The billing period moved on.")
            }
        };
        for event in &events {
            apply_in_transaction(conn, outbox, "sandbox", event)?;
        }
        audit::record(
            conn,
            Some(admin_id),
            "billing.sandbox_action",
            "engagement",
            Some(engagement_id),
            format!("{action:?}"),
        )?;
        Ok(message.to_owned())
    })
}

/// The sandbox's own clock, run hourly by the worker: trial reminders three days before
/// the end, trial ends, renewals.
pub fn sandbox_sweep(
    conn: &mut DbConn,
    outbox: &Outbox,
    now: NaiveDateTime,
) -> Result<usize, BillingError> {
    let mut moved = 0;
    for listed in sandbox_subscription::live(conn)? {
        if sandbox::due(&listed, now) == sandbox::Due::Nothing {
            continue;
        }
        write_transaction(conn, |conn| {
            // Read again under the write (and the developer lock payments take): a cancel
            // that committed since the list was read must not be overwritten by a trial end
            // or a renewal.
            let engaged = engagement::find(conn, listed.engagement_id)?;
            engagement::lock_developer(conn, engaged.developer_id)?;
            let Some(mut sub) = sandbox_subscription::for_engagement(conn, listed.engagement_id)?
                .filter(|s| s.status != SubscriptionStatus::Canceled)
            else {
                return Ok(());
            };
            let due = sandbox::due(&sub, now);
            let row = engagement::find(conn, sub.engagement_id)?;
            let events = match due {
                sandbox::Due::TrialReminder => vec![sandbox::trial_will_end(&sub, now)],
                sandbox::Due::TrialEnd => {
                    let mut events = vec![sandbox::trial_will_end(&sub, now)];
                    events.extend(sandbox::end_trial(conn, &mut sub, &row, now)?);
                    events
                }
                sandbox::Due::Renewal => sandbox::renew(conn, &mut sub, &row, now)?,
                sandbox::Due::Nothing => Vec::new(),
            };
            for event in &events {
                apply_in_transaction(conn, outbox, "sandbox", event)?;
            }
            Ok::<_, BillingError>(())
        })?;
        moved += 1;
    }
    Ok(moved)
}

/// The sandbox's stand-in for the customer portal: a new card pays the failed invoice.
pub fn sandbox_update_card(
    conn: &mut DbConn,
    outbox: &Outbox,
    company_id: i32,
    card_number: &str,
) -> Result<Result<usize, String>, BillingError> {
    let last4 = match sandbox::check_card(card_number) {
        Card::Accepted { last4 } => last4,
        Card::Declined => return Ok(Err("Your card was declined.".into())),
        Card::Invalid(m) => return Ok(Err(m.into())),
    };
    write_transaction(conn, |conn| {
        let mut paid = 0;
        for row in engagement::for_company(conn, company_id)? {
            let Some(mut sub) = sandbox_subscription::for_engagement(conn, row.id)? else {
                continue;
            };
            sub.card_last4 = last4.clone();
            sandbox_subscription::save(conn, &sub)?;
            for inv in invoice::for_engagement(conn, row.id)? {
                if inv.status != InvoiceStatus::Open {
                    continue;
                }
                let open = InvoiceSnapshot {
                    id: inv.stripe_invoice_id.clone(),
                    number: inv.number.clone(),
                    customer_id: sub.customer_id.clone(),
                    subscription_id: Some(sub.subscription_id.clone()),
                    engagement_id: Some(row.id),
                    status: inv.status,
                    amount_due_cents: inv.amount_due_cents,
                    amount_paid_cents: inv.amount_paid_cents,
                    currency: inv.currency.clone(),
                    period_start: inv.period_start,
                    period_end: inv.period_end,
                    hosted_invoice_url: inv.hosted_invoice_url.clone(),
                    attempt_count: inv.attempt_count,
                    created: inv.stripe_created_at,
                };
                let events = sandbox::retry_payment(conn, &mut sub, open, models::now())?;
                for event in &events {
                    apply_in_transaction(conn, outbox, "sandbox", event)?;
                }
                paid += 1;
            }
        }
        Ok(Ok(paid))
    })
}
