//! Hourly, sandbox billing only: plays Stripe's clock, so trial reminders, trial ends and
//! renewals fall due.

use serde::Deserialize;

use super::{JobContext, JobError, Runner};
use crate::billing;
use crate::mail::Outbox;
use crate::models;
use crate::queue::kind;

pub struct SandboxBillingSweep;

#[derive(Debug, Deserialize)]
pub struct Payload {
    /// The hour this sweep is for (one sweep per hour).
    pub hour: String,
}

impl Runner for SandboxBillingSweep {
    const KIND: &'static str = kind::SANDBOX_BILLING_SWEEP;
    type Payload = Payload;

    async fn run(&self, ctx: &JobContext, p: Payload) -> Result<(), JobError> {
        let outbox = Outbox::from_settings(&ctx.settings);
        let moved = ctx
            .db
            .run(move |conn| {
                billing::sandbox_sweep(conn, &outbox, models::now()).map_err(JobError::Billing)
            })
            .await?;
        tracing::info!(moved, hour = %p.hour, "sandbox billing clock moved");
        Ok(())
    }
}
