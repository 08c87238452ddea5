//! Expires the open Checkout Session of a booking cancelled before checkout. Stripe
//! refuses to expire a session that is no longer open: done (a completed one's
//! subscription is cancelled when its events arrive).

use serde::Deserialize;

use super::{JobContext, JobError, Runner};
use crate::billing::{self, BillingError, Gateway};
use crate::error::InfraError;
use crate::queue::kind;

pub struct ExpireCheckout;

#[derive(Debug, Deserialize)]
pub struct Payload {
    pub engagement_id: i32,
    pub session_id: String,
}

impl Runner for ExpireCheckout {
    const KIND: &'static str = kind::EXPIRE_CHECKOUT_SESSION;
    type Payload = Payload;

    async fn run(&self, ctx: &JobContext, p: Payload) -> Result<(), JobError> {
        let gateway = Gateway::from_settings(&ctx.settings);
        billing::run_expire_checkout(&ctx.db, &gateway, p.engagement_id, &p.session_id)
            .await
            .map_err(|e| match e {
                BillingError::Infra(InfraError::Db(db)) => JobError::Db(db),
                other => JobError::Billing(other),
            })
    }
}
