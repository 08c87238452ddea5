//! Booking: what the form offers, and the engagement a submitted form makes (once per
//! form).

use super::*;

/// One commitment the developer offers, with its price from `plans`.
#[derive(Debug, Clone)]
pub struct CommitmentOption {
    pub commitment: Commitment,
    pub price: Money,
    pub hours_per_month: i32,
}

/// What the booking form shows.
#[derive(Debug, Clone)]
pub struct BookingOptions {
    pub developer: developer::DeveloperRow,
    pub display_name: String,
    pub level: Level,
    pub options: Vec<CommitmentOption>,
    /// Why this developer can't be booked now, if so.
    pub unavailable: Option<String>,
    pub earliest_start: NaiveDate,
    pub latest_start: NaiveDate,
}

pub(super) fn plan_for(
    conn: &mut DbConn,
    level: Level,
    commitment: Commitment,
) -> Result<plan::PlanRow, BillingError> {
    plan::all(conn)?
        .into_iter()
        .find(|p| p.level == level && p.commitment == commitment)
        .ok_or_else(|| refused(format!("There is no {level} {} plan.", commitment.label())))
}

/// Why a developer can't take this booking, if they can't.
pub(super) fn blocked_reason(
    conn: &mut DbConn,
    d: &developer::DeveloperRow,
    company_id: i32,
    commitment: Option<Commitment>,
    now: NaiveDateTime,
) -> Result<Option<String>, BillingError> {
    if !developer::is_listed(d, now) {
        return Ok(Some(format!(
            "{} isn't taking new engagements right now.",
            d.first_name
        )));
    }
    let holding = engagement::holding_developer(conn, d.id)?;
    if holding
        .iter()
        .any(|e| e.company_id == company_id && e.status.is_engaged())
    {
        return Ok(Some(format!(
            "{} already works with your company: see Engagements.",
            d.first_name
        )));
    }
    let live: Vec<Commitment> = holding
        .iter()
        .filter(|e| e.status.is_engaged())
        .map(|e| e.commitment)
        .collect();
    // Without a chosen commitment: blocked only if not even part-time fits.
    let reason = capacity::refusal(commitment.unwrap_or(Commitment::PartTime), &live);
    Ok(reason.map(|reason| format!("{} {reason}.", d.first_name)))
}

pub fn booking_options(
    conn: &mut DbConn,
    company_id: i32,
    slug: &str,
    now: NaiveDateTime,
) -> Result<BookingOptions, BillingError> {
    let d = developer::find_by_slug(conn, slug)?.ok_or(BillingError::NotFound)?;
    if !developer::is_listed(&d, now) {
        return Err(BillingError::NotFound);
    }
    let level: Level = d.level.ok_or(BillingError::NotFound)?;
    let mut options = Vec::new();
    for commitment in d.commitment.offered() {
        let p = plan_for(conn, level, commitment)?;
        options.push(CommitmentOption {
            commitment,
            price: Money::from_cents(p.price_cents),
            hours_per_month: p.hours_per_month,
        });
    }
    let unavailable = blocked_reason(conn, &d, company_id, None, now)?;
    let today = now.date();
    Ok(BookingOptions {
        display_name: developer_name(&d, false),
        earliest_start: today,
        latest_start: today + Duration::days(MAX_START_DAYS_AHEAD),
        developer: d,
        level,
        options,
        unavailable,
    })
}

#[derive(Debug, Clone)]
pub struct BookingRequest {
    pub developer_slug: String,
    pub commitment: Commitment,
    pub starts_on: NaiveDate,
    pub three_month_commitment: bool,
    /// From the form: the same form submitted twice books once.
    pub idempotency_key: String,
    /// Booking a replacement for this engagement (during its trial).
    pub replaces: Option<i32>,
}

/// Creates the engagement in `pending_checkout` with a price snapshot, or returns the one
/// this form already created.
pub fn book(
    conn: &mut DbConn,
    company_id: i32,
    user_id: i32,
    request: &BookingRequest,
    now: NaiveDateTime,
) -> Result<EngagementRow, BillingError> {
    match book_once(conn, company_id, user_id, request, now) {
        // The same form submitted twice at once (PostgreSQL): the other request inserted
        // the engagement between our look-up and our insert. It is the answer.
        Err(e) if is_unique_violation(&e) => {
            engagement::find_by_idempotency_key(conn, company_id, &request.idempotency_key)?
                .ok_or(e)
        }
        other => other,
    }
}

pub(super) fn book_once(
    conn: &mut DbConn,
    company_id: i32,
    user_id: i32,
    request: &BookingRequest,
    now: NaiveDateTime,
) -> Result<EngagementRow, BillingError> {
    write_transaction(conn, |conn| {
        if let Some(existing) =
            engagement::find_by_idempotency_key(conn, company_id, &request.idempotency_key)?
        {
            return Ok(existing);
        }
        let d = developer::find_by_slug(conn, &request.developer_slug)?
            .ok_or(BillingError::NotFound)?;
        let level: Level = d.level.ok_or(BillingError::NotFound)?;
        if !d.commitment.offered().contains(&request.commitment) {
            return Err(refused(format!(
                "{} works {} only.",
                d.first_name,
                d.commitment.offered()[0].label().to_lowercase()
            )));
        }
        let today = now.date();
        if request.starts_on < today
            || request.starts_on > today + Duration::days(MAX_START_DAYS_AHEAD)
        {
            return Err(refused(format!(
                "Choose a start date between today and {}.",
                (today + Duration::days(MAX_START_DAYS_AHEAD)).format("%-d %B")
            )));
        }
        if let Some(replaced_id) = request.replaces {
            let replaced = engagement::find_for_company(conn, company_id, replaced_id)?;
            if replaced.status != EngagementStatus::Trialing {
                return Err(refused(
                    "Only an engagement in its free trial can be replaced.",
                ));
            }
            if replaced.level != level {
                return Err(refused(format!(
                    "A replacement must be an {} developer, like the one it replaces.",
                    replaced.level
                )));
            }
            if replaced.developer_id == d.id {
                return Err(refused("Choose a different developer to replace them."));
            }
        }
        if let Some(reason) = blocked_reason(conn, &d, company_id, Some(request.commitment), now)? {
            return Err(BillingError::Refused(reason));
        }
        let p = plan_for(conn, level, request.commitment)?;
        let row = engagement::insert(
            conn,
            &NewEngagement {
                company_id,
                developer_id: d.id,
                booked_by: Some(user_id),
                level,
                commitment: request.commitment,
                price_cents: p.price_cents,
                currency: p.currency.clone(),
                hours_per_month: p.hours_per_month,
                stripe_lookup_key: p.stripe_lookup_key.clone(),
                starts_on: request.starts_on,
                three_month_commitment: request.three_month_commitment,
                status: EngagementStatus::PendingCheckout,
                idempotency_key: request.idempotency_key.clone(),
                replaces_id: request.replaces,
                created_at: now,
                updated_at: now,
            },
        )?;
        audit::record(
            conn,
            Some(user_id),
            "engagement.booked",
            "engagement",
            Some(row.id),
            format!(
                "{} {} at {} / month{}",
                row.level,
                request.commitment.label().to_lowercase(),
                Money::from_cents(row.price_cents),
                request
                    .replaces
                    .map(|id| format!(", replacing engagement {id}"))
                    .unwrap_or_default()
            ),
        )?;
        Ok(row)
    })
}
