//! Cancels an engagement's subscription: at once during the free trial, else at the end of
//! the paid period (billing decides which, and mails the people involved).

use serde::Deserialize;

use super::{JobContext, JobError, Runner};
use crate::billing::{self, Gateway};
use crate::mail::Outbox;
use crate::queue::kind;

pub struct CancelEngagement;

#[derive(Debug, Deserialize)]
pub struct Payload {
    pub engagement_id: i32,
}

impl Runner for CancelEngagement {
    const KIND: &'static str = kind::CANCEL_ENGAGEMENT;
    type Payload = Payload;

    async fn run(&self, ctx: &JobContext, p: Payload) -> Result<(), JobError> {
        let outbox = Outbox::from_settings(&ctx.settings);
        let gateway = Gateway::from_settings(&ctx.settings);
        billing::run_cancel(&ctx.db, &gateway, &outbox, p.engagement_id).await?;
        Ok(())
    }
}
