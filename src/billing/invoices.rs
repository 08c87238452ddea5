//! Invoices: Stripe's (or the sandbox's) invoices mirrored in `invoices`.

use super::*;

pub(super) fn mirror_invoice(
    conn: &mut DbConn,
    outbox: &Outbox,
    inv: &InvoiceSnapshot,
    failed: bool,
    event: &BillingEvent,
) -> Result<Applied, BillingError> {
    let row = match &inv.subscription_id {
        Some(sub) => engagement::find_by_subscription(conn, sub)?,
        None => None,
    };
    let row = match row {
        Some(row) => row,
        None => match inv
            .engagement_id
            .and_then(|id| engagement::find(conn, id).ok())
        {
            Some(row) => row,
            None => return Ok(ignored("no engagement for this invoice")),
        },
    };
    // Two events of one invoice (paid, failed) may arrive at once: one at a time.
    let row = locked(conn, &row)?;
    if row.status == EngagementStatus::Canceled {
        // Cancelled before checkout, in the trial, or refused for capacity: nothing of it
        // is revenue (its subscription is cancelled at Stripe when it shows up).
        return Ok(ignored("the engagement was cancelled: not revenue"));
    }
    let now = models::now();
    let existing = invoice::find_by_stripe_id(conn, &inv.id)?;
    let mut fields = InvoiceFields {
        engagement_id: row.id,
        company_id: row.company_id,
        stripe_invoice_id: inv.id.clone(),
        number: inv.number.clone(),
        status: inv.status,
        amount_due_cents: inv.amount_due_cents,
        amount_paid_cents: inv.amount_paid_cents,
        currency: inv.currency.clone(),
        period_start: inv.period_start,
        period_end: inv.period_end,
        hosted_invoice_url: inv.hosted_invoice_url.clone(),
        attempt_count: inv.attempt_count,
        payment_failed_at: if failed { Some(event.created) } else { None },
        paid_at: if inv.status == InvoiceStatus::Paid {
            Some(event.created)
        } else {
            None
        },
        stripe_created_at: inv.created,
        updated_at: now,
    };
    let newer = match &existing {
        None => true,
        Some(old) => {
            // An invoice never goes back from paid to open; among equal statuses the later
            // attempt wins.
            let (new_rank, old_rank) = (fields.status.rank(), old.status.rank());
            new_rank > old_rank
                || (new_rank == old_rank && fields.attempt_count >= old.attempt_count)
        }
    };
    match existing {
        None => {
            invoice::insert(conn, &fields, now)?;
        }
        Some(old) if newer => {
            fields.payment_failed_at = fields.payment_failed_at.or(old.payment_failed_at);
            fields.paid_at = fields.paid_at.or(old.paid_at);
            fields.number = fields.number.or(old.number);
            invoice::update(conn, old.id, &fields)?;
        }
        Some(old) => {
            if failed && old.payment_failed_at.is_none() {
                // A failure arriving after the payment that fixed it: record it, nothing else.
                let mut kept = invoice_fields_of(&old);
                kept.payment_failed_at = Some(event.created);
                invoice::update(conn, old.id, &kept)?;
            }
            return Ok(Applied::Applied {
                engagement_id: Some(row.id),
            });
        }
    }
    if failed {
        audit::record(
            conn,
            None,
            "billing.payment_failed",
            "engagement",
            Some(row.id),
            format!(
                "invoice {} for {} ({})",
                inv.number.as_deref().unwrap_or(&inv.id),
                Money::from_cents(inv.amount_due_cents),
                event.id
            ),
        )?;
        notify_payment_failed(conn, outbox, &row, inv)?;
    } else if inv.amount_paid_cents > 0 {
        audit::record(
            conn,
            None,
            "billing.invoice_paid",
            "engagement",
            Some(row.id),
            format!(
                "invoice {} for {} ({})",
                inv.number.as_deref().unwrap_or(&inv.id),
                Money::from_cents(inv.amount_paid_cents),
                event.id
            ),
        )?;
        if engagement::set_first_paid(conn, row.id, event.created)? > 0 {
            notify_first_payment(conn, outbox, &row, inv)?;
        }
    }
    Ok(Applied::Applied {
        engagement_id: Some(row.id),
    })
}

pub(super) fn invoice_fields_of(row: &InvoiceRow) -> InvoiceFields {
    InvoiceFields {
        engagement_id: row.engagement_id,
        company_id: row.company_id,
        stripe_invoice_id: row.stripe_invoice_id.clone(),
        number: row.number.clone(),
        status: row.status,
        amount_due_cents: row.amount_due_cents,
        amount_paid_cents: row.amount_paid_cents,
        currency: row.currency.clone(),
        period_start: row.period_start,
        period_end: row.period_end,
        hosted_invoice_url: row.hosted_invoice_url.clone(),
        attempt_count: row.attempt_count,
        payment_failed_at: row.payment_failed_at,
        paid_at: row.paid_at,
        stripe_created_at: row.stripe_created_at,
        updated_at: models::now(),
    }
}
