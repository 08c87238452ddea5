//! Expires the open Checkout Session of a booking cancelled before checkout. Stripe
//! refuses to expire a session that is no longer open: done (a completed one's
//! subscription is cancelled when its events arrive).

use super::worker::{JobContext, JobError};
use crate::billing::Gateway;
use crate::billing::{self, BillingError};

pub async fn run(ctx: &JobContext, engagement_id: i32, session_id: &str) -> Result<(), JobError> {
    let gateway = Gateway::from_settings(&ctx.settings);
    billing::run_expire_checkout(&ctx.db, &gateway, engagement_id, session_id)
        .await
        .map_err(|e| match e {
            BillingError::Db(db) => JobError::Db(db),
            other => JobError::Failed(other.to_string()),
        })
}
