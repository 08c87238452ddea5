//! Cancels a subscription that must not be billed (its engagement is over, or lost the
//! developer to another company's checkout) at once, charging nothing. Idempotent: Stripe
//! refuses to cancel a cancelled subscription, which counts as done.

use super::worker::{JobContext, JobError};
use crate::billing::Gateway;
use crate::billing::{self, BillingError};

pub async fn run(
    ctx: &JobContext,
    engagement_id: i32,
    subscription_id: &str,
    reason: &str,
) -> Result<(), JobError> {
    let gateway = Gateway::from_settings(&ctx.settings);
    billing::run_cancel_subscription(&ctx.db, &gateway, engagement_id, subscription_id, reason)
        .await
        .map_err(|e| match e {
            BillingError::Db(db) => JobError::Db(db),
            other => JobError::Failed(other.to_string()),
        })
}
