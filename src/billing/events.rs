//! Events: every engagement transition, applied once per event id, in any order, under the
//! developer's row lock.

use super::*;
use crate::domain::EventOutcome;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// The event moved or refreshed an engagement (or mirrored an invoice).
    Applied { engagement_id: Option<i32> },
    /// Seen before: nothing done.
    Duplicate,
    /// Older than what is stored, for an engagement we don't know, or a type we ignore.
    Ignored { reason: String },
    /// A subscription that must not bill (the engagement is over, or lost its developer
    /// to an earlier checkout): cancelled at Stripe, never counted as revenue.
    Refused { engagement_id: i32, reason: String },
}

/// Applies one event, once: the event id is recorded in the same transaction as its
/// effects, so a repeated delivery finds it and changes nothing.
pub fn apply_event(
    conn: &mut DbConn,
    outbox: &Outbox,
    source: &str,
    event: &BillingEvent,
) -> Result<Applied, BillingError> {
    match write_transaction(conn, |conn| {
        apply_in_transaction(conn, outbox, source, event)
    }) {
        // The same event delivered twice at once: the other delivery recorded it.
        Err(e) if is_unique_violation(&e) && billing_event::exists(conn, &event.id)? => {
            Ok(Applied::Duplicate)
        }
        other => other,
    }
}

pub(super) fn apply_in_transaction(
    conn: &mut DbConn,
    outbox: &Outbox,
    source: &str,
    event: &BillingEvent,
) -> Result<Applied, BillingError> {
    if billing_event::exists(conn, &event.id)? {
        return Ok(Applied::Duplicate);
    }
    let outcome = match &event.kind {
        EventKind::CheckoutCompleted(done) => {
            let row = match done.engagement_id {
                Some(id) => engagement::find(conn, id).ok(),
                None => engagement::find_by_checkout_session(conn, &done.session_id)?,
            };
            match row {
                None => ignored("no engagement for this checkout session"),
                Some(row) => {
                    let row = locked(conn, &row)?;
                    // A second Checkout Session for one engagement completed too (the first
                    // one's webhook was late and the company paid again): one engagement has
                    // one subscription, so the newcomer is cancelled at Stripe at once.
                    let second = match (&row.stripe_subscription_id, &done.subscription_id) {
                        (Some(held), Some(new)) if held != new => Some((held.clone(), new)),
                        _ => None,
                    };
                    if let Some((held, new)) = second {
                        refuse_subscription(
                            conn,
                            &row,
                            new,
                            &format!(
                                "a second checkout completed; the engagement already has {held}"
                            ),
                        )?
                    } else {
                        if let Some(customer) = &done.customer_id {
                            company::set_stripe_customer(conn, row.company_id, customer)?;
                        }
                        if let Some(subscription) = &done.subscription_id {
                            engagement::set_subscription(conn, row.id, subscription)?;
                        }
                        let row = engagement::find(conn, row.id)?;
                        if row.status.is_final()
                            && !older_than_stored(&row, event, EngagementStatus::Trialing)
                        {
                            match &done.subscription_id {
                                Some(subscription) => refuse_subscription(
                                    conn,
                                    &row,
                                    subscription,
                                    &format!(
                                        "checkout completed for an engagement already {}",
                                        row.status.as_str()
                                    ),
                                )?,
                                None => ignored("the engagement is already over"),
                            }
                        } else if row.status.is_final() {
                            ignored("older than the engagement's end")
                        } else {
                            // Every subscription starts with a trial: the checkout starts it.
                            transition(conn, outbox, &row, EngagementStatus::Trialing, event, None)?
                        }
                    }
                }
            }
        }
        EventKind::CheckoutExpired(expired) => {
            match engagement::find_by_checkout_session(conn, &expired.session_id)? {
                Some(row) if row.status == EngagementStatus::PendingCheckout => {
                    engagement::clear_checkout(conn, row.id, &expired.session_id)?;
                    audit::record(
                        conn,
                        None,
                        "billing.checkout_expired",
                        "engagement",
                        Some(row.id),
                        format!(
                            "Checkout Session {} expired; the next checkout makes a new one",
                            expired.session_id
                        ),
                    )?;
                    Applied::Applied {
                        engagement_id: Some(row.id),
                    }
                }
                Some(_) => ignored("the engagement is no longer waiting for checkout"),
                None => ignored("not the stored checkout session"),
            }
        }
        EventKind::Subscription(sub) => match engagement_for_subscription(conn, sub)? {
            None => ignored("no engagement for this subscription"),
            Some(row) => {
                let row = locked(conn, &row)?;
                let outcome = match state::implied_by(sub) {
                    None => ignored(&format!("subscription is {}", sub.status.as_str())),
                    Some(status) => transition(conn, outbox, &row, status, event, Some(sub))?,
                };
                let now_row = engagement::find(conn, row.id)?;
                let implied = state::implied_by(sub).unwrap_or(EngagementStatus::PendingCheckout);
                if now_row.status.is_final()
                    && sub.status.is_live()
                    && !older_than_stored(&now_row, event, implied)
                {
                    refuse_subscription(
                        conn,
                        &now_row,
                        &sub.id,
                        &format!(
                            "subscription {} for an engagement {}",
                            sub.status.as_str(),
                            now_row.status.as_str()
                        ),
                    )?
                } else {
                    outcome
                }
            }
        },
        EventKind::TrialWillEnd(sub) => match engagement_for_subscription(conn, sub)? {
            None => ignored("no engagement for this subscription"),
            Some(row) => {
                let row = locked(conn, &row)?;
                let ends = sub.trial_end.or(row.trial_ends_at);
                // The fact ("ends in 3 days") was true when the event was made; a late
                // delivery still tells it once, unless the trial was cancelled.
                let still_true = ends.is_none_or(|end| event.created < end);
                if row.status == EngagementStatus::Canceled || !still_true {
                    ignored("the trial was cancelled or is over")
                } else {
                    if engagement_notice::claim(conn, row.id, "trial_ending", models::now())? {
                        notify_trial_ending(conn, outbox, &row, ends)?;
                    }
                    Applied::Applied {
                        engagement_id: Some(row.id),
                    }
                }
            }
        },
        EventKind::InvoicePaid(inv)
        | EventKind::InvoicePaymentFailed(inv)
        | EventKind::InvoiceClosed(inv) => {
            let failed = matches!(event.kind, EventKind::InvoicePaymentFailed(_));
            mirror_invoice(conn, outbox, inv, failed, event)?
        }
        EventKind::Ignored => ignored("event type not used"),
        EventKind::Unreadable(why) => ignored(why),
    };
    let (engagement_id, recorded) = match &outcome {
        Applied::Applied { engagement_id } => (*engagement_id, EventOutcome::Applied),
        Applied::Ignored { reason } => (None, EventOutcome::Ignored(reason.clone())),
        // Found above, before anything was done: the first delivery is the record.
        Applied::Duplicate => return Ok(outcome),
        Applied::Refused {
            engagement_id,
            reason,
        } => (Some(*engagement_id), EventOutcome::Refused(reason.clone())),
    };
    billing_event::insert(
        conn,
        &billing_event::NewBillingEvent {
            event_id: &event.id,
            event_type: &event.event_type,
            source,
            engagement_id,
            outcome: &recorded,
            event_created_at: event.created,
            received_at: models::now(),
        },
    )?;
    Ok(outcome)
}

/// Whether the event's state is older than the stored one: a subscription event from
/// before an engagement ended says nothing about the subscription now.
pub(super) fn older_than_stored(
    row: &EngagementRow,
    event: &BillingEvent,
    status: EngagementStatus,
) -> bool {
    state::version(event.created, status) < row.state_version
}

pub(super) fn ignored(reason: &str) -> Applied {
    Applied::Ignored {
        reason: reason.to_owned(),
    }
}

/// The engagement as it is under its developer's row lock: every event for one developer
/// is applied one at a time, each seeing what the others committed.
pub(super) fn locked(
    conn: &mut DbConn,
    row: &EngagementRow,
) -> Result<EngagementRow, BillingError> {
    engagement::lock_developer(conn, row.developer_id)?;
    Ok(engagement::find(conn, row.id)?)
}

/// Why the developer can't take this engagement on top of their live ones, if so.
/// Call with the developer's row locked.
pub(super) fn capacity_refusal(
    conn: &mut DbConn,
    row: &EngagementRow,
) -> Result<Option<String>, BillingError> {
    let live: Vec<Commitment> = engagement::live_for_developer(conn, row.developer_id, row.id)?
        .iter()
        .map(|e| e.commitment)
        .collect();
    let taking = row.commitment;
    Ok(match capacity::refusal(taking, &live) {
        None => None,
        Some(reason) => {
            let d = developer::find(conn, row.developer_id)?;
            Some(format!("{} {reason}.", developer_name(&d, false)))
        }
    })
}

/// The checkout lost the developer to one that completed first: the engagement is
/// cancelled, its subscription (if any) cancelled at Stripe at once, the company told.
pub(super) fn refuse_for_capacity(
    conn: &mut DbConn,
    outbox: &Outbox,
    row: &EngagementRow,
    why: &str,
    subscription_id: Option<&str>,
) -> Result<(), BillingError> {
    let now = models::now();
    engagement::apply_state(
        conn,
        row.id,
        &StateChange {
            status: EngagementStatus::Canceled,
            state_version: row.state_version,
            trial_ends_at: None,
            current_period_end: None,
            cancel_at_period_end: false,
            canceled_at: Some(now),
            ended_at: Some(now),
            updated_at: now,
        },
    )?;
    engagement::set_end_reason(conn, row.id, "developer no longer available")?;
    audit::record(
        conn,
        None,
        "billing.capacity_refused",
        "engagement",
        Some(row.id),
        format!(
            "pending_checkout → canceled: {why} (rule: one full-time or up to two part-time engagements){}",
            subscription_id
                .map(|s| format!("; subscription {s} cancelled at once, nothing charged"))
                .unwrap_or_default()
        ),
    )?;
    if let Some(subscription) = subscription_id {
        enqueue_subscription_cancel(conn, row.id, subscription, "developer no longer available")?;
    }
    notify_unavailable(conn, outbox, row, why)
}

/// A live subscription for an engagement that must not bill: cancelled at Stripe at once
/// (a job), recorded, never revenue.
pub(super) fn refuse_subscription(
    conn: &mut DbConn,
    row: &EngagementRow,
    subscription_id: &str,
    reason: &str,
) -> Result<Applied, BillingError> {
    if enqueue_subscription_cancel(conn, row.id, subscription_id, reason)? {
        audit::record(
            conn,
            None,
            "billing.subscription_refused",
            "engagement",
            Some(row.id),
            format!("{reason}: subscription {subscription_id} is cancelled at Stripe at once"),
        )?;
    }
    Ok(Applied::Refused {
        engagement_id: row.id,
        reason: reason.to_owned(),
    })
}

/// Queues the cancellation once per subscription; true if this call queued it.
pub(super) fn enqueue_subscription_cancel(
    conn: &mut DbConn,
    engagement_id: i32,
    subscription_id: &str,
    reason: &str,
) -> Result<bool, BillingError> {
    let key = format!("cancel-subscription:{subscription_id}");
    if models::job::find_by_dedupe_key(conn, &key)?.is_some() {
        return Ok(false);
    }
    queue::enqueue_with(
        conn,
        &Job::CancelSubscription {
            engagement_id,
            subscription_id: subscription_id.to_owned(),
            reason: reason.to_owned(),
        },
        Enqueue {
            run_at: None,
            dedupe_key: Some(key),
        },
    )?;
    Ok(true)
}

pub(super) fn engagement_for_subscription(
    conn: &mut DbConn,
    sub: &SubscriptionSnapshot,
) -> Result<Option<EngagementRow>, BillingError> {
    if let Some(row) = engagement::find_by_subscription(conn, &sub.id)? {
        return Ok(Some(row));
    }
    // The subscription's events may arrive before the checkout's: the metadata links it.
    let Some(id) = sub.engagement_id else {
        return Ok(None);
    };
    let Some(row) = engagement::find(conn, id).ok() else {
        return Ok(None);
    };
    // Lock in the order checkout completion does (developer, then engagement), so the two
    // events arriving together queue instead of deadlocking on PostgreSQL.
    let row = locked(conn, &row)?;
    if row
        .stripe_subscription_id
        .as_deref()
        .is_some_and(|s| s != sub.id)
    {
        return Ok(None);
    }
    engagement::set_subscription(conn, row.id, &sub.id)?;
    Ok(Some(engagement::find(conn, row.id)?))
}

/// Moves an engagement to `proposed` if the event is at least as new as its state, with
/// the subscription's fields; sends the emails and writes the audit line of the change.
/// `row` is read under the developer's row lock ([`locked`]).
pub(super) fn transition(
    conn: &mut DbConn,
    outbox: &Outbox,
    row: &EngagementRow,
    proposed: EngagementStatus,
    event: &BillingEvent,
    sub: Option<&SubscriptionSnapshot>,
) -> Result<Applied, BillingError> {
    let from = row.status;
    let version = state::version(event.created, proposed);
    let stored = Stored {
        status: from,
        version: row.state_version,
    };
    let Some((to, version)) = state::next(stored, proposed, version) else {
        return Ok(ignored(&format!(
            "{} is older than the stored {} state",
            proposed.as_str(),
            from.as_str()
        )));
    };
    if from == EngagementStatus::PendingCheckout
        && to.is_engaged()
        && let Some(why) = capacity_refusal(conn, row)?
    {
        let subscription = sub
            .map(|s| s.id.clone())
            .or_else(|| row.stripe_subscription_id.clone());
        refuse_for_capacity(conn, outbox, row, &why, subscription.as_deref())?;
        return Ok(Applied::Refused {
            engagement_id: row.id,
            reason: why,
        });
    }
    let now = models::now();
    let change = StateChange {
        status: to,
        state_version: version,
        trial_ends_at: sub.and_then(|s| s.trial_end).or(row.trial_ends_at),
        current_period_end: sub
            .and_then(|s| s.current_period_end)
            .or(row.current_period_end),
        cancel_at_period_end: sub.map_or(row.cancel_at_period_end, |s| s.is_cancelling()),
        canceled_at: sub.and_then(|s| s.canceled_at).or(row.canceled_at),
        ended_at: sub.and_then(|s| s.ended_at).or(row.ended_at),
        updated_at: now,
    };
    engagement::apply_state(conn, row.id, &change)?;
    if from == EngagementStatus::Ending
        && matches!(to, EngagementStatus::Active | EngagementStatus::PastDue)
    {
        // Renewed (in the portal): no longer cancelling, so a new cancel must go through.
        engagement::clear_cancel_request(conn, row.id, now)?;
    }
    if sub.is_some_and(|s| s.status == SubscriptionStatus::Unpaid) {
        engagement::set_end_reason(conn, row.id, "unpaid: Stripe stopped retrying")?;
    }
    if from != to {
        audit::record(
            conn,
            None,
            &format!("billing.{}", to.as_str()),
            "engagement",
            Some(row.id),
            format!(
                "{} → {} ({} {})",
                from.as_str(),
                to.as_str(),
                event.event_type,
                event.id
            ),
        )?;
        on_transition(conn, outbox, row, from, to, &change)?;
    }
    Ok(Applied::Applied {
        engagement_id: Some(row.id),
    })
}

pub(super) fn on_transition(
    conn: &mut DbConn,
    outbox: &Outbox,
    row: &EngagementRow,
    from: EngagementStatus,
    to: EngagementStatus,
    change: &StateChange,
) -> Result<(), BillingError> {
    let d = developer::find(conn, row.developer_id)?;
    let now = models::now();
    if !from.is_engaged() && to.is_engaged() {
        if row.commitment == Commitment::FullTime {
            set_developer_available(conn, &d, false)?;
        }
        if let Some(replaced_id) = row.replaces_id {
            // The replacement is checked out: the engagement it replaces ends now.
            let replaced = engagement::find(conn, replaced_id)?;
            if replaced.status.is_engaged()
                && engagement::request_cancel(conn, replaced_id, "replaced", now)? > 0
            {
                enqueue_cancel(conn, replaced_id, now)?;
            }
        }
    }
    // Each email once, when its fact becomes true, whatever order the events came in: a
    // lifecycle whose first event to arrive is its end still started a trial.
    if from == EngagementStatus::PendingCheckout
        && engagement_notice::claim(conn, row.id, "trial_started", now)?
    {
        notify_trial_started(conn, outbox, row, &d, change.trial_ends_at)?;
    }
    if to.is_final() && from.holds_developer() {
        if row.commitment == Commitment::FullTime && from.is_engaged() {
            set_developer_available(conn, &d, true)?;
        }
        if engagement_notice::claim(conn, row.id, "finished", now)? {
            notify_finished(conn, outbox, row, &d, to)?;
        }
    }
    Ok(())
}

/// Queues the `CancelEngagement` job of one cancel request (a later request, after a
/// renewal, gets its own job).
pub(super) fn enqueue_cancel(
    conn: &mut DbConn,
    engagement_id: i32,
    requested_at: NaiveDateTime,
) -> Result<(), BillingError> {
    queue::enqueue_with(
        conn,
        &Job::CancelEngagement { engagement_id },
        Enqueue {
            run_at: None,
            dedupe_key: Some(format!(
                "cancel-engagement:{engagement_id}:{}",
                requested_at.and_utc().timestamp_micros()
            )),
        },
    )?;
    Ok(())
}

/// A full-time engagement takes the developer out of "available now"; its end puts them
/// back from today. `updated_at` moves so every catalog process notices.
pub(super) fn set_developer_available(
    conn: &mut DbConn,
    d: &developer::DeveloperRow,
    available: bool,
) -> Result<(), BillingError> {
    let now = models::now();
    let from = if available { Some(now.date()) } else { None };
    if available && d.available_from.is_some_and(|f| f <= now.date()) {
        return Ok(());
    }
    developer::set_available_from(conn, d.id, from, now)?;
    Ok(())
}
