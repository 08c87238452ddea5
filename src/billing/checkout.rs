//! Checkout: where the company pays (Stripe Checkout or the sandbox's page), the trial it
//! gets, and the customer portal.

use super::*;

/// How long a Checkout Session stays payable (Stripe's default; the sandbox's too).
pub const CHECKOUT_SESSION_HOURS: i64 = 24;
/// Stripe wants a trial end at least 48 hours ahead (`subscription_data.trial_end`).
pub(super) const STRIPE_MIN_TRIAL_HOURS: i64 = 48;

/// Where to send the company to pay: Stripe Checkout, or the sandbox's page. Creates the
/// Stripe customer and checkout session on first use and reuses them after; an expired
/// session is forgotten and a fresh one made.
pub async fn checkout_url(
    db: &Db,
    gateway: &Gateway,
    base_url: &str,
    company_id: i32,
    engagement_id: i32,
) -> Result<String, BillingError> {
    let now = models::now();
    let (row, company, owner_email, installation_id, trial_end) = db
        .run(move |conn| -> Result<_, BillingError> {
            let mut row = engagement::find_for_company(conn, company_id, engagement_id)?;
            if let (Some(session), Some(expires)) =
                (row.checkout_session_id.clone(), row.checkout_expires_at)
                && expires <= now
                && row.status == EngagementStatus::PendingCheckout
            {
                engagement::clear_checkout(conn, row.id, &session)?;
                row = engagement::find(conn, row.id)?;
            }
            let company = company::find(conn, company_id)?;
            let owner_email = company_member::for_company(conn, company_id)?
                .into_iter()
                .next()
                .map(|(_, _, email)| email)
                .unwrap_or_default();
            let installation_id =
                installation::id(conn, &crate::crypto::random_token(16).to_lowercase(), now)?;
            let trial_end = trial_end(conn, &row, now)?;
            Ok((row, company, owner_email, installation_id, trial_end))
        })
        .await?;
    if row.status != EngagementStatus::PendingCheckout {
        return Err(refused("This engagement has already been checked out."));
    }
    if let Some(url) = &row.checkout_url {
        return Ok(url.clone());
    }
    let (session_id, url, expires_at) = match gateway {
        Gateway::Sandbox => {
            let id = format!("cs_sandbox_{}", crate::crypto::random_token(18));
            let url = format!("/billing/sandbox/checkout/{id}");
            (id, url, now + Duration::hours(CHECKOUT_SESSION_HOURS))
        }
        Gateway::Stripe(client) => {
            let customer_id = match company.stripe_customer_id.clone() {
                Some(id) => id,
                None => {
                    // Outside any transaction; the Idempotency-Key makes a retry find the
                    // same customer, and the conditional store keeps the first one.
                    let created = client
                        .create_customer(
                            &format!("ladder-{installation_id}-customer-{company_id}"),
                            company.id,
                            &company.name,
                            &owner_email,
                        )
                        .await?;
                    db.run(move |conn| -> Result<_, BillingError> {
                        match company::set_stripe_customer(conn, company_id, &created) {
                            // `companies_stripe_customer_key`: Stripe answered with a customer
                            // another company already holds (a key reused across
                            // environments). Never bill one company on another's account.
                            Err(e) if crate::models::is_unique_violation(&e) => {
                                tracing::error!(
                                    company_id,
                                    customer = %created,
                                    "Stripe returned a customer that belongs to another company"
                                );
                                Err(refused(
                                    "Stripe answered with a billing account that belongs to \
                                     another company, so checkout stopped before any charge. \
                                     Our team has been alerted; please try again later.",
                                ))
                            }
                            stored => Ok(stored?),
                        }
                    })
                    .await?
                }
            };
            let exact_trial_end = row.replaces_id.map(|_| {
                trial_end
                    .max(now + Duration::hours(STRIPE_MIN_TRIAL_HOURS) + Duration::minutes(5))
                    .and_utc()
                    .timestamp()
            });
            let created = client
                .create_checkout_session(&CheckoutRequest {
                    engagement_id: row.id,
                    company_id,
                    customer_id,
                    lookup_key: row.stripe_lookup_key.clone(),
                    unit_amount_cents: row.price_cents,
                    currency: row.currency.clone(),
                    trial_days: TRIAL_DAYS as u32,
                    trial_end: exact_trial_end,
                    success_url: format!(
                        "{base_url}/billing/checkout/success?session_id={{CHECKOUT_SESSION_ID}}"
                    ),
                    cancel_url: format!("{base_url}/engagements/{}", row.id),
                    // One per installation, engagement and session: a fresh session after
                    // an expired one must not get the expired one replayed.
                    idempotency_key: format!(
                        "ladder-{installation_id}-checkout-{}-{}",
                        row.id, row.checkout_attempt
                    ),
                })
                .await;
            let session = match created {
                Err(StripeError::PriceMismatch(why)) => {
                    tracing::error!(engagement_id, %why, "checkout refused: Stripe's price differs from the booking");
                    let details = why.clone();
                    db.run(move |conn| {
                        audit::record(
                            conn,
                            None,
                            "billing.price_mismatch",
                            "engagement",
                            Some(engagement_id),
                            details,
                        )
                        .map_err(BillingError::from)
                    })
                    .await?;
                    return Err(BillingError::PriceMismatch(format!(
                        "Checkout is paused: the price Stripe would charge for this plan is not the {} a month you booked at. Nothing was charged; we've told our team. Please try again later.",
                        Money::from_cents(row.price_cents)
                    )));
                }
                other => other?,
            };
            (
                session.id,
                session.url,
                crate::billing::from_unix(session.expires_at),
            )
        }
    };
    let stored = db
        .run(move |conn| -> Result<_, BillingError> {
            Ok(engagement::set_checkout(
                conn,
                engagement_id,
                &session_id,
                &url,
                expires_at,
            )?)
        })
        .await?;
    Ok(stored.checkout_url.unwrap_or_default())
}

/// When the trial of a checkout starting now ends. A replacement keeps the trial clock of
/// the engagement it replaces, to the second: it ends when that trial would have.
pub(super) fn trial_end(
    conn: &mut DbConn,
    row: &EngagementRow,
    now: NaiveDateTime,
) -> Result<NaiveDateTime, BillingError> {
    let fresh = now + Duration::days(i64::from(TRIAL_DAYS));
    Ok(match row.replaces_id {
        Some(id) => engagement::find(conn, id)?
            .trial_ends_at
            .map_or(fresh, |end| end.max(now)),
        None => fresh,
    })
}

/// Whole days left until `trial_end`, rounded up: for display only.
pub fn remaining_trial_days(trial_ends_at: Option<NaiveDateTime>, now: NaiveDateTime) -> u32 {
    match trial_ends_at {
        Some(end) if end > now => {
            let seconds = (end - now).num_seconds();
            (seconds as f64 / 86_400.0)
                .ceil()
                .clamp(1.0, f64::from(TRIAL_DAYS as u32)) as u32
        }
        Some(_) => 1,
        None => TRIAL_DAYS as u32,
    }
}

/// The customer portal (Stripe), or the sandbox's card page.
pub async fn portal_url(
    db: &Db,
    gateway: &Gateway,
    base_url: &str,
    company_id: i32,
) -> Result<String, BillingError> {
    match gateway {
        Gateway::Sandbox => Ok(format!("{base_url}/billing/sandbox/portal")),
        Gateway::Stripe(client) => {
            let customer = db
                .run(move |conn| -> Result<_, BillingError> {
                    Ok(company::find(conn, company_id)?.stripe_customer_id)
                })
                .await?
                .ok_or_else(|| {
                    refused(
                        "There is no billing account yet: it is created at your first checkout.",
                    )
                })?;
            Ok(client
                .create_portal_session(&customer, &format!("{base_url}/billing"))
                .await?)
        }
    }
}
