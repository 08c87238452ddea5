//! Emails of the engagement lifecycle (each sent once, when its fact becomes true).

use super::*;

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

pub(super) fn date(at: Option<NaiveDateTime>) -> String {
    at.map(|t| t.format("%-d %B %Y").to_string())
        .unwrap_or_else(|| "—".into())
}

pub(super) fn price_line(row: &EngagementRow) -> String {
    format!(
        "{} {} · {} / month ({} h)",
        row.level,
        Commitment::from_str_or_full(&row.commitment)
            .label()
            .to_lowercase(),
        Money::from_cents(row.price_cents),
        row.hours_per_month
    )
}

#[allow(clippy::too_many_arguments)]
pub(super) fn send(
    conn: &mut DbConn,
    outbox: &Outbox,
    to: &[(String, String)],
    kind: &'static str,
    subject: &str,
    heading: &str,
    paragraphs: Vec<String>,
    details: Vec<String>,
    action: Option<(&str, String)>,
) -> Result<(), BillingError> {
    for (name, email) in to {
        let message = Notice {
            kind,
            subject: subject.to_owned(),
            name: name.clone(),
            heading: heading.to_owned(),
            paragraphs: paragraphs.clone(),
            details: details.clone(),
            action: action
                .as_ref()
                .map(|(label, path)| ((*label).to_owned(), outbox.url(path))),
            footer: None,
        }
        .email(email, &outbox.base_url)?;
        outbox.queue(conn, message)?;
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
    let name = developer_name(d, true);
    let details = vec![
        format!("Developer: {name}"),
        format!("Plan: {}", price_line(row)),
        format!("Starts: {}", row.starts_on.format("%-d %B %Y")),
        format!("Free trial until: {}", date(trial_end)),
    ];
    let company_people = company_recipients(conn, row.company_id)?;
    send(
        conn,
        outbox,
        &company_people,
        "trial_started",
        &format!("Your free trial with {name} has started"),
        "Your free trial has started",
        vec![
            format!(
                "{name} starts working with {} on {}. Nothing is charged until the trial ends on {}; cancel before then and you pay nothing.",
                c.name,
                row.starts_on.format("%-d %B"),
                date(trial_end)
            ),
            "Hours are logged weekly and show on the engagement page.".into(),
        ],
        details.clone(),
        Some(("Open the engagement", format!("/engagements/{}", row.id))),
    )?;
    let dev_user = user::find(conn, d.user_id)?;
    if dev_user.deleted_at.is_none() {
        send(
            conn,
            outbox,
            &[(d.first_name.clone(), dev_user.email)],
            "trial_started",
            &format!("New engagement: {} starts a free trial with you", c.name),
            &format!("{} booked you", c.name),
            vec![format!(
                "{} booked you for a {} engagement starting {}. The first 14 days are a free trial for them; please log your hours every week.",
                c.name,
                Commitment::from_str_or_full(&row.commitment)
                    .label()
                    .to_lowercase(),
                row.starts_on.format("%-d %B")
            )],
            vec![
                format!("Company: {}", c.name),
                format!("Commitment: {} h / month", row.hours_per_month),
            ],
            Some(("See your engagements", "/me/engagements".into())),
        )?;
    }
    let admins: Vec<(String, String)> = user::admins(conn)?
        .into_iter()
        .map(|u| (u.name, u.email))
        .collect();
    send(
        conn,
        outbox,
        &admins,
        "trial_started",
        &format!("Trial started: {} × {name}", c.name),
        "A trial started",
        vec![format!("{} started a trial with {name}.", c.name)],
        details,
        Some(("Open in admin", format!("/admin/engagements/{}", row.id))),
    )
}

pub(super) fn notify_trial_ending(
    conn: &mut DbConn,
    outbox: &Outbox,
    row: &EngagementRow,
    ends: Option<NaiveDateTime>,
) -> Result<(), BillingError> {
    let d = developer::find(conn, row.developer_id)?;
    let name = developer_name(&d, true);
    let people = company_recipients(conn, row.company_id)?;
    send(
        conn,
        outbox,
        &people,
        "trial_ending",
        &format!("Your trial with {name} ends in 3 days"),
        "Your trial ends in 3 days",
        vec![
            format!(
                "The free trial with {name} ends on {}. Then the first month, {}, is charged to the card you gave at checkout.",
                date(ends),
                Money::from_cents(row.price_cents)
            ),
            "To stop, cancel on the engagement page before the trial ends: nothing is charged. You can also replace the developer during the trial.".into(),
        ],
        vec![format!("Plan: {}", price_line(row))],
        Some(("Open the engagement", format!("/engagements/{}", row.id))),
    )
}

pub(super) fn notify_first_payment(
    conn: &mut DbConn,
    outbox: &Outbox,
    row: &EngagementRow,
    inv: &InvoiceSnapshot,
) -> Result<(), BillingError> {
    let d = developer::find(conn, row.developer_id)?;
    let name = developer_name(&d, true);
    let people = company_recipients(conn, row.company_id)?;
    send(
        conn,
        outbox,
        &people,
        "payment_succeeded",
        &format!(
            "Payment received: {} for {name}",
            Money::from_cents(inv.amount_paid_cents)
        ),
        "Thank you: your first payment went through",
        vec![format!(
            "The trial with {name} is over and the engagement is active. We charged {} for the month to {}.",
            Money::from_cents(inv.amount_paid_cents),
            date(Some(inv.period_end))
        )],
        vec![
            format!("Invoice: {}", inv.number.as_deref().unwrap_or(&inv.id)),
            format!(
                "Period: {} – {}",
                date(Some(inv.period_start)),
                date(Some(inv.period_end))
            ),
        ],
        Some(("See invoices", "/billing".into())),
    )
}

pub(super) fn notify_payment_failed(
    conn: &mut DbConn,
    outbox: &Outbox,
    row: &EngagementRow,
    inv: &InvoiceSnapshot,
) -> Result<(), BillingError> {
    let d = developer::find(conn, row.developer_id)?;
    let name = developer_name(&d, true);
    let people = company_recipients(conn, row.company_id)?;
    send(
        conn,
        outbox,
        &people,
        "payment_failed",
        &format!("Payment failed for {name}: please update your card"),
        "We couldn't take your payment",
        vec![
            format!(
                "The payment of {} for {name}'s engagement was declined. Update the card in the billing portal and we'll retry it.",
                Money::from_cents(inv.amount_due_cents)
            ),
            "Work continues while we retry, but the engagement ends if the invoice stays unpaid."
                .into(),
        ],
        vec![format!(
            "Invoice: {}",
            inv.number.as_deref().unwrap_or(&inv.id)
        )],
        Some(("Update your card", "/billing".into())),
    )
}

pub(super) fn notify_unavailable(
    conn: &mut DbConn,
    outbox: &Outbox,
    row: &EngagementRow,
    why: &str,
) -> Result<(), BillingError> {
    let people = company_recipients(conn, row.company_id)?;
    send(
        conn,
        outbox,
        &people,
        "engagement_unavailable",
        "Your booking couldn't be completed: nothing was charged",
        "This developer is no longer available",
        vec![
            format!(
                "{why} Another company's checkout completed first, so your booking is cancelled."
            ),
            "Nothing was charged and no subscription continues. Browse developers to book someone else.".into(),
        ],
        vec![format!("Plan: {}", price_line(row))],
        Some(("Browse developers", "/developers".into())),
    )
}

pub(super) fn notify_finished(
    conn: &mut DbConn,
    outbox: &Outbox,
    row: &EngagementRow,
    d: &developer::DeveloperRow,
    to: EngagementStatus,
) -> Result<(), BillingError> {
    let c = company::find(conn, row.company_id)?;
    let name = developer_name(d, true);
    let (subject, heading, paragraph) = if to == EngagementStatus::Canceled {
        (
            format!("Engagement cancelled: {} × {name}", c.name),
            "The engagement was cancelled".to_owned(),
            format!(
                "The engagement of {name} with {} was cancelled during the free trial. Nothing was charged.",
                c.name
            ),
        )
    } else {
        (
            format!("Engagement ended: {} × {name}", c.name),
            "The engagement has ended".to_owned(),
            format!(
                "The engagement of {name} with {} has ended. The last invoice covered the final month; nothing more will be charged.",
                c.name
            ),
        )
    };
    let people = company_recipients(conn, row.company_id)?;
    send(
        conn,
        outbox,
        &people,
        "engagement_finished",
        &subject,
        &heading,
        vec![paragraph.clone()],
        vec![format!("Plan: {}", price_line(row))],
        Some(("Browse developers", "/developers".into())),
    )?;
    let dev_user = user::find(conn, d.user_id)?;
    if dev_user.deleted_at.is_none() {
        send(
            conn,
            outbox,
            &[(d.first_name.clone(), dev_user.email)],
            "engagement_finished",
            &subject,
            &heading,
            vec![
                paragraph,
                "Your profile shows you as available again.".into(),
            ],
            Vec::new(),
            Some(("See your engagements", "/me/engagements".into())),
        )?;
    }
    Ok(())
}
