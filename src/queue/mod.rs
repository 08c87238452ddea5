//! The job queue: a transactional outbox in the `jobs` table.
//!
//! Callers enqueue a typed [`Job`] inside their own database transaction, so a rolled-back
//! change enqueues nothing and a committed one is never without its job. Every email and
//! every call to Stripe runs as a job: a slow or broken outside service never fails or
//! slows the request that caused it. The queue knows what work exists, not how it is done:
//! the runners live in the `jobs` module, which may use services, billing and mail, while those
//! only ever import this module to enqueue.

use chrono::{Duration, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::db::DbConn;
use crate::models::{self, job};

/// The kind of every job, as stored in `jobs.kind` and in the payload's `kind` tag.
pub mod kind {
    pub const SEND_EMAIL: &str = "send_email";
    pub const AVAILABILITY_SWEEP: &str = "availability_sweep";
    pub const CANCEL_ENGAGEMENT: &str = "cancel_engagement";
    pub const SANDBOX_BILLING_SWEEP: &str = "sandbox_billing_sweep";
    pub const CANCEL_SUBSCRIPTION: &str = "cancel_subscription";
    pub const EXPIRE_CHECKOUT_SESSION: &str = "expire_checkout_session";
}

/// Every kind of background work, with its payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Job {
    /// Deliver a stored email through the configured transport.
    SendEmail { email_id: i32 },
    /// Once a day: availability reminders (day 25) to approved developers.
    AvailabilitySweep { day: String },
    /// Cancel an engagement's subscription (at once in the trial, else at the period end).
    CancelEngagement { engagement_id: i32 },
    /// Hourly, sandbox billing only: trial reminders, trial ends and renewals fall due.
    SandboxBillingSweep { hour: String },
    /// Cancel a subscription at Stripe at once, charging nothing (`invoice_now=false`,
    /// `prorate=false`): it belongs to an engagement that must not be billed.
    CancelSubscription {
        engagement_id: i32,
        subscription_id: String,
        reason: String,
    },
    /// Expire an open Checkout Session of a cancelled booking, so it can't be paid.
    ExpireCheckoutSession {
        engagement_id: i32,
        session_id: String,
    },
}

impl Job {
    pub fn kind(&self) -> &'static str {
        match self {
            Job::SendEmail { .. } => kind::SEND_EMAIL,
            Job::AvailabilitySweep { .. } => kind::AVAILABILITY_SWEEP,
            Job::CancelEngagement { .. } => kind::CANCEL_ENGAGEMENT,
            Job::SandboxBillingSweep { .. } => kind::SANDBOX_BILLING_SWEEP,
            Job::CancelSubscription { .. } => kind::CANCEL_SUBSCRIPTION,
            Job::ExpireCheckoutSession { .. } => kind::EXPIRE_CHECKOUT_SESSION,
        }
    }

    /// How many times to try before dead-lettering. Mail keeps trying for about half a day
    /// (an SMTP outage delays mail, it doesn't lose it).
    pub fn max_attempts(&self) -> i32 {
        match self {
            Job::SendEmail { .. } => 20,
            Job::AvailabilitySweep { .. } => 5,
            // Stripe may be down for a while; keep trying for about a day.
            Job::CancelEngagement { .. } => 25,
            Job::SandboxBillingSweep { .. } => 3,
            Job::CancelSubscription { .. } | Job::ExpireCheckoutSession { .. } => 25,
        }
    }

    pub fn payload(&self) -> String {
        serde_json::to_string(self).expect("jobs serialise")
    }

    pub fn parse(row: &job::JobRow) -> Result<Job, serde_json::Error> {
        serde_json::from_str(&row.payload)
    }
}

/// Options for [`enqueue_with`].
#[derive(Debug, Clone, Default)]
pub struct Enqueue {
    /// Not before this time (default: now).
    pub run_at: Option<NaiveDateTime>,
    /// At most one job with this key ever exists; enqueueing it again returns the first.
    pub dedupe_key: Option<String>,
}

/// Adds `job` to the queue as part of the caller's transaction.
pub fn enqueue(conn: &mut DbConn, job: &Job) -> diesel::QueryResult<job::JobRow> {
    enqueue_with(conn, job, Enqueue::default())
}

pub fn enqueue_with(
    conn: &mut DbConn,
    job: &Job,
    options: Enqueue,
) -> diesel::QueryResult<job::JobRow> {
    if let Some(key) = &options.dedupe_key
        && let Some(existing) = job::find_by_dedupe_key(conn, key)?
    {
        return Ok(existing);
    }
    let now = models::now();
    job::insert(
        conn,
        &job::NewJob {
            kind: job.kind().into(),
            payload: job.payload(),
            status: job::JobStatus::Queued,
            max_attempts: job.max_attempts(),
            run_at: options.run_at.unwrap_or(now),
            dedupe_key: options.dedupe_key,
            created_at: now,
            updated_at: now,
        },
    )
}

/// Exponential backoff with jitter: about `base · 2^(attempt-1)`, capped at `max`, spread
/// ±25% so a burst of failures doesn't retry in lockstep.
pub fn backoff(attempt: i32, base: Duration, max: Duration, jitter: f64) -> Duration {
    let exponent = attempt.clamp(1, 30) - 1;
    let raw_ms = base.num_milliseconds().saturating_mul(1_i64 << exponent);
    let capped = raw_ms.min(max.num_milliseconds()).max(1);
    let factor = 0.75 + 0.5 * jitter.clamp(0.0, 1.0);
    Duration::milliseconds((capped as f64 * factor) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_round_trip_through_their_payload() {
        let job = Job::SendEmail { email_id: 42 };
        assert_eq!(job.payload(), r#"{"kind":"send_email","email_id":42}"#);
        let back: Job = serde_json::from_str(&job.payload()).unwrap();
        assert_eq!(back, job);
    }

    #[test]
    fn backoff_doubles_until_the_cap_and_jitter_stays_within_a_quarter() {
        let base = Duration::seconds(15);
        let max = Duration::hours(1);
        let mid = |n| backoff(n, base, max, 0.5);
        assert_eq!(mid(1), Duration::seconds(15));
        assert_eq!(mid(2), Duration::seconds(30));
        assert_eq!(mid(3), Duration::seconds(60));
        assert_eq!(mid(12), Duration::hours(1));
        assert_eq!(mid(1000), Duration::hours(1));
        assert_eq!(backoff(3, base, max, 0.0), Duration::seconds(45));
        assert_eq!(backoff(3, base, max, 1.0), Duration::seconds(75));
    }
}
