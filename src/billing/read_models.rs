//! What pages show: engagement lists and pages, the billing page, the admin's figures.

use super::*;

/// One engagement as a list row or a page.
#[derive(Debug, Clone)]
pub struct EngagementView {
    pub row: EngagementRow,
    pub status: EngagementStatus,
    pub developer_name: String,
    pub developer_slug: String,
    /// The developer's avatar file (under `/avatars/`), if any.
    pub developer_avatar: Option<String>,
    pub company_name: String,
    pub price: Money,
    pub commitment: Commitment,
    pub trial_days_left: Option<i64>,
    pub minutes_this_month: i32,
    /// The next charge: (date, amount), while the subscription renews.
    pub next_invoice: Option<(NaiveDateTime, Money)>,
}

impl EngagementView {
    pub fn hours_this_month(&self) -> String {
        format_minutes(self.minutes_this_month)
    }

    pub fn hours_percent(&self) -> i64 {
        let target = i64::from(self.row.hours_per_month.max(1)) * 60;
        (i64::from(self.minutes_this_month) * 100 / target).min(100)
    }
}

pub fn format_minutes(minutes: i32) -> String {
    if minutes % 60 == 0 {
        format!("{}", minutes / 60)
    } else {
        format!("{:.2}", f64::from(minutes) / 60.0)
            .trim_end_matches('0')
            .to_owned()
    }
}

pub(super) fn view(
    conn: &mut DbConn,
    row: EngagementRow,
    logs: &[hour_log::HourLogRow],
    full_name: bool,
    now: NaiveDateTime,
) -> Result<EngagementView, BillingError> {
    let d = developer::find(conn, row.developer_id)?;
    let c = company::find(conn, row.company_id)?;
    let names = engagement::Names {
        company: c.name,
        first_name: d.first_name,
        last_name: d.last_name,
        slug: d.slug,
        avatar: d.avatar_path,
    };
    Ok(view_with(row, names, logs, full_name, now))
}

/// The view of a row whose names were loaded with it (lists: one query, not one per row).
pub(super) fn view_with(
    row: EngagementRow,
    names: engagement::Names,
    logs: &[hour_log::HourLogRow],
    full_name: bool,
    now: NaiveDateTime,
) -> EngagementView {
    let status = row.status;
    let trial_days_left = match (status, row.trial_ends_at) {
        (EngagementStatus::Trialing, Some(end)) => Some(
            ((end - now).num_seconds() as f64 / 86_400.0)
                .ceil()
                .max(0.0) as i64,
        ),
        _ => None,
    };
    let next_invoice = match status {
        EngagementStatus::Trialing => row
            .trial_ends_at
            .map(|t| (t, Money::from_cents(row.price_cents))),
        EngagementStatus::Active | EngagementStatus::PastDue => row
            .current_period_end
            .map(|t| (t, Money::from_cents(row.price_cents))),
        _ => None,
    };
    let own: Vec<hour_log::HourLogRow> = logs
        .iter()
        .filter(|l| l.engagement_id == row.id)
        .cloned()
        .collect();
    EngagementView {
        developer_name: name_of(&names.first_name, &names.last_name, full_name),
        developer_slug: names.slug,
        developer_avatar: names.avatar,
        company_name: names.company,
        price: Money::from_cents(row.price_cents),
        commitment: row.commitment,
        minutes_this_month: minutes_this_month(&own, now.date()),
        trial_days_left,
        next_invoice,
        status,
        row,
    }
}

/// Once an engagement exists, the company sees the developer's full name (DESIGN §2).
pub(super) fn shows_full_name(status: EngagementStatus) -> bool {
    status != EngagementStatus::PendingCheckout
}

pub fn company_engagements(
    conn: &mut DbConn,
    company_id: i32,
    now: NaiveDateTime,
) -> Result<Vec<EngagementView>, BillingError> {
    let rows = engagement::for_company_with_names(conn, company_id)?;
    let ids: Vec<i32> = rows.iter().map(|(r, _)| r.id).collect();
    let logs = hour_log::for_engagements(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|(row, names)| {
            let full = shows_full_name(row.status);
            view_with(row, names, &logs, full, now)
        })
        .collect())
}

pub struct EngagementDetail {
    pub engagement: EngagementView,
    pub invoices: Vec<InvoiceRow>,
    pub hours: Vec<hour_log::HourLogRow>,
    pub replaces: Option<EngagementView>,
    pub replaced_by: Option<EngagementView>,
    /// Same-level developers on the company's shortlists who could replace this one.
    pub replacement_candidates: Vec<(String, String)>,
    pub sandbox: Option<models::sandbox_subscription::SandboxSubscriptionRow>,
    pub events: Vec<billing_event::BillingEventRow>,
}

pub fn company_engagement(
    conn: &mut DbConn,
    company_id: i32,
    id: i32,
    now: NaiveDateTime,
) -> Result<EngagementDetail, BillingError> {
    let row = engagement::find_for_company(conn, company_id, id)?;
    detail(conn, row, now)
}

pub fn admin_engagement(
    conn: &mut DbConn,
    id: i32,
    now: NaiveDateTime,
) -> Result<EngagementDetail, BillingError> {
    let row = engagement::find(conn, id)?;
    detail(conn, row, now)
}

pub(super) fn detail(
    conn: &mut DbConn,
    row: EngagementRow,
    now: NaiveDateTime,
) -> Result<EngagementDetail, BillingError> {
    let hours = hour_log::for_engagement(conn, row.id)?;
    let invoices = invoice::for_engagement(conn, row.id)?;
    let replaces = match row.replaces_id {
        Some(id) => {
            let r = engagement::find(conn, id)?;
            Some(view(conn, r, &[], true, now)?)
        }
        None => None,
    };
    let replaced_by = match engagement::replacement_of(conn, row.id)? {
        Some(r) => {
            let full = shows_full_name(r.status);
            Some(view(conn, r, &[], full, now)?)
        }
        None => None,
    };
    let status = row.status;
    let replacement_candidates = if status == EngagementStatus::Trialing {
        models::shortlist_entry::developers_for_company(conn, row.company_id)?
            .into_iter()
            .filter(|d| {
                d.id != row.developer_id
                    && d.level == Some(row.level)
                    && developer::is_listed(d, now)
            })
            .map(|d| {
                let name = developer_name(&d, false);
                (d.slug, name)
            })
            .collect()
    } else {
        Vec::new()
    };
    let sandbox = sandbox_subscription::for_engagement(conn, row.id)?;
    let events = billing_event::for_engagement(conn, row.id)?;
    let full = shows_full_name(status);
    Ok(EngagementDetail {
        engagement: view(conn, row, &hours, full, now)?,
        invoices,
        hours,
        replaces,
        replaced_by,
        replacement_candidates,
        sandbox,
        events,
    })
}

pub fn developer_engagements(
    conn: &mut DbConn,
    developer_id: i32,
    now: NaiveDateTime,
) -> Result<Vec<(EngagementView, Vec<hour_log::HourLogRow>)>, BillingError> {
    let rows: Vec<(EngagementRow, engagement::Names)> =
        engagement::for_developer_with_names(conn, developer_id)?
            .into_iter()
            .filter(|(r, _)| r.status != EngagementStatus::PendingCheckout)
            .collect();
    let ids: Vec<i32> = rows.iter().map(|(r, _)| r.id).collect();
    let logs = hour_log::for_engagements(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|(row, names)| {
            let own: Vec<_> = logs
                .iter()
                .filter(|l| l.engagement_id == row.id)
                .cloned()
                .collect();
            (view_with(row, names, &logs, true, now), own)
        })
        .collect())
}

pub struct BillingOverview {
    pub invoices: Vec<(InvoiceRow, String)>,
    pub has_customer: bool,
    pub payment_failed: bool,
    pub card_last4: Option<String>,
}

pub fn company_billing(
    conn: &mut DbConn,
    company_id: i32,
) -> Result<BillingOverview, BillingError> {
    let c = company::find(conn, company_id)?;
    let engagements = engagement::for_company(conn, company_id)?;
    let mut names: HashMap<i32, String> = HashMap::new();
    let mut card_last4 = None;
    for e in &engagements {
        let d = developer::find(conn, e.developer_id)?;
        names.insert(e.id, developer_name(&d, true));
        if card_last4.is_none()
            && let Some(sub) = sandbox_subscription::for_engagement(conn, e.id)?
        {
            card_last4 = Some(sub.card_last4);
        }
    }
    let invoices = invoice::for_company(conn, company_id)?
        .into_iter()
        .map(|inv| {
            let name = names.get(&inv.engagement_id).cloned().unwrap_or_default();
            (inv, name)
        })
        .collect();
    Ok(BillingOverview {
        invoices,
        has_customer: c.stripe_customer_id.is_some(),
        payment_failed: payment_failed(conn, company_id)?,
        card_last4,
    })
}

/// The company's payment-failed banner: an open invoice whose payment failed, or an
/// engagement Stripe reports past due.
pub fn payment_failed(conn: &mut DbConn, company_id: i32) -> diesel::QueryResult<bool> {
    // Runs for every company member's request (the banner): two counts on indexes.
    Ok(invoice::failed_open_for_company(conn, company_id)? > 0
        || engagement::count_for_company_with_status(conn, company_id, EngagementStatus::PastDue)?
            > 0)
}

/// The engagement a checkout session belongs to, if it is this company's.
pub fn company_engagement_by_checkout(
    conn: &mut DbConn,
    company_id: i32,
    session_id: &str,
    now: NaiveDateTime,
) -> Result<EngagementDetail, BillingError> {
    let row = engagement::find_by_checkout_session(conn, session_id)?
        .filter(|e| e.company_id == company_id)
        .ok_or(BillingError::NotFound)?;
    detail(conn, row, now)
}

/// The admin dashboard's billing figures.
#[derive(Debug, Clone, Default)]
pub struct BillingMetrics {
    pub mrr: Money,
    pub trials_running: i64,
    pub trials_ending_soon: i64,
    pub active: i64,
    pub past_due: i64,
    pub converted: i64,
    pub finished_trials: i64,
}

impl BillingMetrics {
    /// Trial → paid conversion in percent, once a trial has finished.
    pub fn conversion_percent(&self) -> Option<i64> {
        (self.finished_trials > 0).then(|| self.converted * 100 / self.finished_trials)
    }
}

pub fn metrics(conn: &mut DbConn, now: NaiveDateTime) -> Result<BillingMetrics, BillingError> {
    let (converted, finished_trials) = engagement::trial_outcomes(conn)?;
    Ok(BillingMetrics {
        mrr: Money::from_cents(engagement::monthly_recurring_cents(conn)?),
        trials_running: engagement::count_by_status(conn, EngagementStatus::Trialing)?,
        trials_ending_soon: engagement::trials_ending_before(
            conn,
            now + Duration::days(sandbox::TRIAL_REMINDER_DAYS),
        )?,
        active: engagement::count_by_status(conn, EngagementStatus::Active)?
            + engagement::count_by_status(conn, EngagementStatus::Ending)?,
        past_due: engagement::count_by_status(conn, EngagementStatus::PastDue)?,
        converted,
        finished_trials,
    })
}

pub fn admin_list(
    conn: &mut DbConn,
    status: Option<EngagementStatus>,
) -> Result<Vec<(EngagementRow, String, String)>, BillingError> {
    Ok(engagement::list_all(conn, status, 200)?
        .into_iter()
        .map(|(row, company, first, last)| (row, company, format!("{first} {last}")))
        .collect())
}
