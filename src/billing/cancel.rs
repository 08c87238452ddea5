//! Cancelling: by the company, and the jobs that cancel at Stripe or expire a session.

use super::*;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CancelOutcome {
    /// Never checked out: cancelled on the spot.
    CanceledBeforeCheckout,
    /// The subscription is being cancelled at once (in the trial: nothing is charged).
    Cancelling,
    /// The subscription ends when the paid period does.
    EndsAtPeriodEnd,
    AlreadyRequested,
}

pub fn request_cancel(
    conn: &mut DbConn,
    company_id: i32,
    user_id: i32,
    engagement_id: i32,
) -> Result<CancelOutcome, BillingError> {
    write_transaction(conn, |conn| {
        let found = engagement::find_for_company(conn, company_id, engagement_id)?;
        // The lock checkout completion takes: a payment committing while the company clicks
        // Cancel is either seen here (and its subscription cancelled) or waits for this
        // transaction (and finds the engagement cancelled). Re-read after the lock: on
        // PostgreSQL the first read may predate a completion that committed meanwhile.
        engagement::lock_developer(conn, found.developer_id)?;
        let row = engagement::find_for_company(conn, company_id, engagement_id)?;
        let status = row.status;
        let now = models::now();
        match status {
            EngagementStatus::PendingCheckout => {
                engagement::apply_state(
                    conn,
                    row.id,
                    &StateChange {
                        status: EngagementStatus::Canceled,
                        state_version: row.state_version,
                        trial_ends_at: row.trial_ends_at,
                        current_period_end: row.current_period_end,
                        cancel_at_period_end: false,
                        canceled_at: Some(now),
                        ended_at: Some(now),
                        updated_at: now,
                    },
                )?;
                engagement::request_cancel(conn, row.id, "cancelled before checkout", now)?;
                audit::record(
                    conn,
                    Some(user_id),
                    "billing.canceled",
                    "engagement",
                    Some(row.id),
                    "pending_checkout → canceled (before checkout)",
                )?;
                // The company may still have Stripe's page open: it must not be payable.
                if let Some(session) = row
                    .checkout_session_id
                    .as_ref()
                    .filter(|s| !s.starts_with("cs_sandbox_"))
                {
                    queue::enqueue_with(
                        conn,
                        &Job::ExpireCheckoutSession {
                            engagement_id: row.id,
                            session_id: session.clone(),
                        },
                        Enqueue {
                            run_at: None,
                            dedupe_key: Some(format!("expire-checkout:{session}")),
                        },
                    )?;
                }
                Ok(CancelOutcome::CanceledBeforeCheckout)
            }
            s if s.is_final() || s == EngagementStatus::Ending => {
                Err(refused("This engagement is already ending."))
            }
            _ => {
                if engagement::request_cancel(conn, row.id, "cancelled by the company", now)? == 0 {
                    return Ok(CancelOutcome::AlreadyRequested);
                }
                audit::record(
                    conn,
                    Some(user_id),
                    "engagement.cancel_requested",
                    "engagement",
                    Some(row.id),
                    if status == EngagementStatus::Trialing {
                        "during the trial: cancel now"
                    } else {
                        "after the trial: end at the period's end"
                    },
                )?;
                enqueue_cancel(conn, row.id, now)?;
                Ok(if status == EngagementStatus::Trialing {
                    CancelOutcome::Cancelling
                } else {
                    CancelOutcome::EndsAtPeriodEnd
                })
            }
        }
    })
}

/// The `CancelEngagement` job: cancels at Stripe (or in the sandbox) and applies what
/// comes back. In the trial the subscription is cancelled at once; later it ends with the
/// paid period. Safe to run twice: a cancelled subscription is left alone.
pub async fn run_cancel(
    db: &Db,
    gateway: &Gateway,
    outbox: &Outbox,
    engagement_id: i32,
) -> Result<(), BillingError> {
    let row = db
        .run(move |conn| -> Result<_, BillingError> { Ok(engagement::find(conn, engagement_id)?) })
        .await?;
    let status = row.status;
    if !status.is_engaged() || status == EngagementStatus::Ending {
        return Ok(());
    }
    let now_in_trial = status == EngagementStatus::Trialing;
    match gateway {
        Gateway::Sandbox => {
            let outbox = outbox.clone();
            db.run(move |conn| {
                write_transaction(conn, |conn| {
                    let Some(mut sub) = sandbox_subscription::for_engagement(conn, engagement_id)?
                    else {
                        return Ok(());
                    };
                    let now = models::now();
                    let events = if now_in_trial {
                        sandbox::cancel_now(conn, &mut sub, now)?
                    } else {
                        sandbox::cancel_at_period_end(conn, &mut sub, now)?
                    };
                    for event in &events {
                        apply_in_transaction(conn, &outbox, "sandbox", event)?;
                    }
                    Ok::<_, BillingError>(())
                })
            })
            .await
        }
        Gateway::Stripe(client) => {
            let Some(subscription_id) = row.stripe_subscription_id.clone() else {
                return Err(refused("the engagement has no subscription yet"));
            };
            let snapshot = if now_in_trial {
                client.cancel_subscription_now(&subscription_id).await?
            } else {
                client.cancel_at_period_end(&subscription_id).await?
            };
            // Stripe's answer is the subscription as it now is; its webhook will repeat it.
            let event = BillingEvent {
                // One per cancel request: after a renewal a second cancel is a new event.
                id: format!(
                    "api_cancel_{}_{}_{}",
                    subscription_id,
                    if now_in_trial { "now" } else { "period_end" },
                    row.cancel_requested_at
                        .map_or(0, |t| t.and_utc().timestamp_micros())
                ),
                event_type: "api.subscription.cancel".into(),
                created: models::now(),
                kind: EventKind::Subscription(snapshot),
            };
            let outbox = outbox.clone();
            db.run(move |conn| apply_event(conn, &outbox, "stripe", &event).map(|_| ()))
                .await
        }
    }
}

/// The `CancelSubscription` job: cancels at once, charging nothing. A refusal from Stripe
/// (already cancelled, unknown) is final and recorded; only "unreachable" is retried.
pub async fn run_cancel_subscription(
    db: &Db,
    gateway: &Gateway,
    engagement_id: i32,
    subscription_id: &str,
    reason: &str,
) -> Result<(), BillingError> {
    let outcome = match gateway {
        // The sandbox refuses such payments before any subscription exists.
        Gateway::Sandbox => "sandbox: nothing to cancel".to_owned(),
        Gateway::Stripe(client) => match client.cancel_subscription_now(subscription_id).await {
            Ok(snapshot) => format!(
                "cancelled at Stripe (now {}), nothing charged",
                snapshot.status.as_str()
            ),
            Err(e @ StripeError::Unavailable(_)) => return Err(BillingError::StripeUnavailable(e)),
            Err(e) => format!("Stripe refused the cancellation: {e}"),
        },
    };
    let details = format!("subscription {subscription_id} ({reason}): {outcome}");
    db.run(move |conn| {
        audit::record(
            conn,
            None,
            "billing.subscription_cancelled",
            "engagement",
            Some(engagement_id),
            details,
        )
        .map_err(BillingError::from)
    })
    .await?;
    Ok(())
}

/// The `ExpireCheckoutSession` job: a cancelled booking's Checkout Session can no longer
/// be paid. Stripe refuses to expire one that is not open: recorded, not retried.
pub async fn run_expire_checkout(
    db: &Db,
    gateway: &Gateway,
    engagement_id: i32,
    session_id: &str,
) -> Result<(), BillingError> {
    let Gateway::Stripe(client) = gateway else {
        return Ok(());
    };
    let outcome = match client.expire_checkout_session(session_id).await {
        Ok(()) => "expired".to_owned(),
        Err(e @ StripeError::Unavailable(_)) => return Err(BillingError::StripeUnavailable(e)),
        Err(e) => format!("not expired: {e}"),
    };
    let details = format!("Checkout Session {session_id}: {outcome}");
    db.run(move |conn| {
        audit::record(
            conn,
            None,
            "billing.checkout_expire",
            "engagement",
            Some(engagement_id),
            details,
        )
        .map_err(BillingError::from)
    })
    .await?;
    Ok(())
}
