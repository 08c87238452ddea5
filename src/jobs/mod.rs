//! Background job runners: one file per kind of job, each behind [`Runner`], and the
//! retrying [`Worker`] that claims due jobs from the queue and dispatches them by kind.
//!
//! The queue itself (what a job is, enqueueing it) lives in [`crate::queue`], below this
//! module: services, billing and mail enqueue without knowing how a job runs, and runners
//! call into them. Jobs are idempotent, because a job may run again after a crash between
//! doing its work and being marked done.

mod availability_sweep;
mod cancel_engagement;
mod cancel_subscription;
mod expire_checkout;
mod sandbox_billing_sweep;
mod send_email;
pub mod worker;

use std::future::Future;
use std::sync::Arc;

use serde::de::DeserializeOwned;

use crate::billing::BillingError;
use crate::config::Settings;
use crate::db::{Db, DbError};
use crate::mail::{MailError, Mailer};
use crate::services::vetting::VettingError;

pub use crate::queue::{Enqueue, Job, backoff, enqueue, enqueue_with};
pub use worker::{Worker, WorkerConfig};

/// What jobs need to do their work.
pub struct JobContext {
    pub db: Db,
    pub mailer: Mailer,
    pub settings: Arc<Settings>,
}

/// One kind of background work: the kind it is stored under, the payload it reads and how
/// it runs. The payload is read from the JSON that [`crate::queue::Job`] wrote (its `kind`
/// tag is ignored).
pub trait Runner: Sync {
    const KIND: &'static str;
    type Payload: DeserializeOwned + Send;

    fn run(
        &self,
        ctx: &JobContext,
        payload: Self::Payload,
    ) -> impl Future<Output = Result<(), JobError>> + Send;
}

/// The error a job reports; its text is stored as the job's `last_error`.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("database: {0}")]
    Db(#[from] DbError),
    #[error("{0}")]
    Billing(#[source] BillingError),
    #[error("{0}")]
    Vetting(#[from] VettingError),
    #[error("{0}")]
    Mail(#[from] MailError),
    #[error("unreadable payload: {0}")]
    Payload(#[source] serde_json::Error),
    #[error("unreadable payload: unknown kind `{0}`")]
    UnknownKind(String),
    #[error("timed out after {} s", .0.as_secs())]
    TimedOut(std::time::Duration),
}

impl From<diesel::result::Error> for JobError {
    fn from(e: diesel::result::Error) -> Self {
        JobError::Db(DbError::Query(e))
    }
}

impl From<BillingError> for JobError {
    fn from(e: BillingError) -> Self {
        JobError::Billing(e)
    }
}

/// Runs a job of `kind` with its stored `payload` through the runner of that kind.
pub async fn execute(ctx: &JobContext, kind: &str, payload: &str) -> Result<(), JobError> {
    match kind {
        send_email::SendEmail::KIND => run(&send_email::SendEmail, ctx, payload).await,
        availability_sweep::AvailabilitySweep::KIND => {
            run(&availability_sweep::AvailabilitySweep, ctx, payload).await
        }
        cancel_engagement::CancelEngagement::KIND => {
            run(&cancel_engagement::CancelEngagement, ctx, payload).await
        }
        sandbox_billing_sweep::SandboxBillingSweep::KIND => {
            run(&sandbox_billing_sweep::SandboxBillingSweep, ctx, payload).await
        }
        cancel_subscription::CancelSubscription::KIND => {
            run(&cancel_subscription::CancelSubscription, ctx, payload).await
        }
        expire_checkout::ExpireCheckout::KIND => {
            run(&expire_checkout::ExpireCheckout, ctx, payload).await
        }
        other => Err(JobError::UnknownKind(other.to_owned())),
    }
}

async fn run<R: Runner>(runner: &R, ctx: &JobContext, payload: &str) -> Result<(), JobError> {
    let payload: R::Payload = serde_json::from_str(payload).map_err(JobError::Payload)?;
    runner.run(ctx, payload).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reads<R: Runner>(_: &R, job: &Job) -> bool {
        R::KIND == job.kind() && serde_json::from_str::<R::Payload>(&job.payload()).is_ok()
    }

    /// Every job the queue can hold has a runner of its kind that reads its payload.
    #[test]
    fn every_queued_job_has_a_runner_that_reads_it() {
        assert!(reads(
            &send_email::SendEmail,
            &Job::SendEmail { email_id: 1 }
        ));
        let day = "2026-01-01".to_owned();
        let sweep = Job::AvailabilitySweep { day };
        assert!(reads(&availability_sweep::AvailabilitySweep, &sweep));
        let cancel = Job::CancelEngagement { engagement_id: 2 };
        assert!(reads(&cancel_engagement::CancelEngagement, &cancel));
        let hour = "2026-01-01T10".to_owned();
        let sandbox = Job::SandboxBillingSweep { hour };
        assert!(reads(&sandbox_billing_sweep::SandboxBillingSweep, &sandbox));
        let subscription = Job::CancelSubscription {
            engagement_id: 3,
            subscription_id: "sub_1".into(),
            reason: "ended".into(),
        };
        assert!(reads(
            &cancel_subscription::CancelSubscription,
            &subscription
        ));
        let checkout = Job::ExpireCheckoutSession {
            engagement_id: 4,
            session_id: "cs_1".into(),
        };
        assert!(reads(&expire_checkout::ExpireCheckout, &checkout));
    }
}
