//! Cancels a subscription that must not be billed (its engagement is over, or lost the
//! developer to another company's checkout) at once, charging nothing. Idempotent: Stripe
//! refuses to cancel a cancelled subscription, which counts as done.

use serde::Deserialize;

use super::{JobContext, JobError, Runner};
use crate::billing::{self, BillingError, Gateway};
use crate::error::InfraError;
use crate::queue::kind;

pub struct CancelSubscription;

#[derive(Debug, Deserialize)]
pub struct Payload {
    pub engagement_id: i32,
    pub subscription_id: String,
    pub reason: String,
}

impl Runner for CancelSubscription {
    const KIND: &'static str = kind::CANCEL_SUBSCRIPTION;
    type Payload = Payload;

    async fn run(&self, ctx: &JobContext, p: Payload) -> Result<(), JobError> {
        let gateway = Gateway::from_settings(&ctx.settings);
        billing::run_cancel_subscription(
            &ctx.db,
            &gateway,
            p.engagement_id,
            &p.subscription_id,
            &p.reason,
        )
        .await
        .map_err(|e| match e {
            BillingError::Infra(InfraError::Db(db)) => JobError::Db(db),
            other => JobError::Billing(other),
        })
    }
}
