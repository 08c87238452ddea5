//! Emails of the engagement lifecycle (each sent once, when its fact becomes true).

use super::*;
use crate::mail::messages::{
    EngagementFinished, EngagementUnavailable, Message, PaymentFailed, PaymentSucceeded, Plan,
    TrialEnding, TrialStarted, TrialStartedAudience,
};

pub(super) fn company_recipients(
    conn: &mut DbConn,
    company_id: i32,
) -> Result<Vec<(String, String)>, BillingError> {
    Ok(company_member::members_of(conn, company_id)?
        .into_iter()
        .filter(|(_, u)| u.deleted_at.is_none() && u.disabled_at.is_none())
        .map(|(_, u)| (u.name, u.email))
        .collect())
}

fn plan(row: &EngagementRow) -> Plan {
    Plan {
        level: row.level.to_string(),
        commitment: row.commitment,
        price: Money::from_cents(row.price_cents),
        hours_per_month: row.hours_per_month,
    }
}

/// Sends each of `to` (name, address) the message made for their name.
pub(super) fn send<M: Message>(
    conn: &mut DbConn,
    outbox: &Outbox,
    to: &[(String, String)],
    message: impl Fn(String) -> M,
) -> Result<(), BillingError> {
    for (name, email) in to {
        let email = message(name.clone()).email(email, &outbox.base_url)?;
        outbox.queue(conn, email)?;
    }
    Ok(())
}

pub(super) fn notify_trial_started(
    conn: &mut DbConn,
    outbox: &Outbox,
    row: &EngagementRow,
    d: &developer::DeveloperRow,
    trial_end: Option<NaiveDateTime>,
) -> Result<(), BillingError> {
    let c = company::find(conn, row.company_id)?;
    let company_name = c.name.as_str();
    let message = |audience| {
        move |name| TrialStarted {
            name,
            audience,
            engagement_id: row.id,
            company_name: company_name.to_owned(),
            developer_name: developer_name(d, true),
            plan: plan(row),
            starts_on: row.starts_on,
            trial_end,
        }
    };
    let company_people = company_recipients(conn, row.company_id)?;
    send(
        conn,
        outbox,
        &company_people,
        message(TrialStartedAudience::Company),
    )?;
    let dev_user = user::find(conn, d.user_id)?;
    if dev_user.deleted_at.is_none() {
        send(
            conn,
            outbox,
            &[(d.first_name.clone(), dev_user.email)],
            message(TrialStartedAudience::Developer),
        )?;
    }
    let admins: Vec<(String, String)> = user::admins(conn)?
        .into_iter()
        .map(|u| (u.name, u.email))
        .collect();
    send(conn, outbox, &admins, message(TrialStartedAudience::Admin))
}

pub(super) fn notify_trial_ending(
    conn: &mut DbConn,
    outbox: &Outbox,
    row: &EngagementRow,
    ends: Option<NaiveDateTime>,
) -> Result<(), BillingError> {
    let d = developer::find(conn, row.developer_id)?;
    let people = company_recipients(conn, row.company_id)?;
    send(conn, outbox, &people, |name| TrialEnding {
        name,
        engagement_id: row.id,
        developer_name: developer_name(&d, true),
        plan: plan(row),
        ends,
    })
}

pub(super) fn notify_first_payment(
    conn: &mut DbConn,
    outbox: &Outbox,
    row: &EngagementRow,
    inv: &InvoiceSnapshot,
) -> Result<(), BillingError> {
    let d = developer::find(conn, row.developer_id)?;
    let people = company_recipients(conn, row.company_id)?;
    send(conn, outbox, &people, |name| PaymentSucceeded {
        name,
        developer_name: developer_name(&d, true),
        amount_paid: Money::from_cents(inv.amount_paid_cents),
        invoice: inv.number.clone().unwrap_or_else(|| inv.id.clone()),
        period_start: inv.period_start,
        period_end: inv.period_end,
    })
}

pub(super) fn notify_payment_failed(
    conn: &mut DbConn,
    outbox: &Outbox,
    row: &EngagementRow,
    inv: &InvoiceSnapshot,
) -> Result<(), BillingError> {
    let d = developer::find(conn, row.developer_id)?;
    let people = company_recipients(conn, row.company_id)?;
    send(conn, outbox, &people, |name| PaymentFailed {
        name,
        developer_name: developer_name(&d, true),
        amount_due: Money::from_cents(inv.amount_due_cents),
        invoice: inv.number.clone().unwrap_or_else(|| inv.id.clone()),
    })
}

pub(super) fn notify_unavailable(
    conn: &mut DbConn,
    outbox: &Outbox,
    row: &EngagementRow,
    why: &str,
) -> Result<(), BillingError> {
    let people = company_recipients(conn, row.company_id)?;
    send(conn, outbox, &people, |name| EngagementUnavailable {
        name,
        why: why.to_owned(),
        plan: plan(row),
    })
}

pub(super) fn notify_finished(
    conn: &mut DbConn,
    outbox: &Outbox,
    row: &EngagementRow,
    d: &developer::DeveloperRow,
    to: EngagementStatus,
) -> Result<(), BillingError> {
    let c = company::find(conn, row.company_id)?;
    let company_name = c.name.as_str();
    let message = |to_developer| {
        move |name| EngagementFinished {
            name,
            to_developer,
            cancelled: to == EngagementStatus::Canceled,
            developer_name: developer_name(d, true),
            company_name: company_name.to_owned(),
            plan: plan(row),
        }
    };
    let people = company_recipients(conn, row.company_id)?;
    send(conn, outbox, &people, message(false))?;
    let dev_user = user::find(conn, d.user_id)?;
    if dev_user.deleted_at.is_none() {
        send(
            conn,
            outbox,
            &[(d.first_name.clone(), dev_user.email)],
            message(true),
        )?;
    }
    Ok(())
}
