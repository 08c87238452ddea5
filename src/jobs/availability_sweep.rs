//! Once a day: reminds approved developers to confirm their availability (day 25).

use serde::Deserialize;

use super::{JobContext, JobError, Runner};
use crate::mail::Outbox;
use crate::queue::kind;
use crate::services::vetting;

pub struct AvailabilitySweep;

#[derive(Debug, Deserialize)]
pub struct Payload {
    /// The day this sweep is for (one sweep per day).
    pub day: String,
}

impl Runner for AvailabilitySweep {
    const KIND: &'static str = kind::AVAILABILITY_SWEEP;
    type Payload = Payload;

    async fn run(&self, ctx: &JobContext, p: Payload) -> Result<(), JobError> {
        let outbox = Outbox::from_settings(&ctx.settings);
        let sent = ctx
            .db
            .run(move |conn| {
                vetting::send_availability_reminders(conn, &outbox).map_err(JobError::Vetting)
            })
            .await?;
        tracing::info!(sent, day = %p.day, "availability reminders sent");
        Ok(())
    }
}
