//! Claims due jobs one at a time, runs them, and records the outcome.

use std::sync::Arc;

use chrono::Duration;
use rand::Rng;
use tokio::sync::watch;
use tracing::Instrument;

use super::{Job, backoff, cancel_subscription, expire_checkout, send_email};
use crate::config::Settings;
use crate::db::{Db, DbError};
use crate::mail::Mailer;
use crate::models::{self, email, job};

/// What jobs need to do their work.
pub struct JobContext {
    pub db: Db,
    pub mailer: Mailer,
    pub settings: Arc<Settings>,
}

#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// How long to sleep when no job is due.
    pub poll_interval: std::time::Duration,
    /// First retry delay; doubles per attempt.
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// A `running` job whose worker has not finished it within this lease is retried.
    pub lease: Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            poll_interval: std::time::Duration::from_millis(500),
            backoff_base: Duration::seconds(15),
            backoff_max: Duration::hours(1),
            lease: Duration::minutes(10),
        }
    }
}

/// The error a job reports; its text is stored as the job's `last_error`.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("database: {0}")]
    Db(#[from] DbError),
    #[error("{0}")]
    Failed(String),
}

impl From<diesel::result::Error> for JobError {
    fn from(e: diesel::result::Error) -> Self {
        JobError::Db(DbError::Query(e))
    }
}

/// What [`Worker::run_one`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Idle,
    Done { job_id: i32 },
    Retrying { job_id: i32, error: String },
    Dead { job_id: i32, error: String },
}

pub struct Worker {
    ctx: Arc<JobContext>,
    config: WorkerConfig,
    name: String,
}

impl Worker {
    pub fn new(ctx: Arc<JobContext>, config: WorkerConfig) -> Self {
        let name = format!(
            "{}-{}-{}",
            std::env::var("HOSTNAME").unwrap_or_else(|_| "worker".into()),
            std::process::id(),
            crate::auth::password::random_token(6)
        );
        Worker { ctx, config, name }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Runs until `shutdown` turns true; a job in progress finishes first.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        tracing::info!(worker = %self.name, "job worker started");
        let mut last_release = std::time::Instant::now() - std::time::Duration::from_secs(3600);
        loop {
            if *shutdown.borrow() {
                break;
            }
            if last_release.elapsed() > std::time::Duration::from_secs(60) {
                last_release = std::time::Instant::now();
                if let Err(e) = self.release_expired().await {
                    tracing::warn!(error = %e, "could not release expired job leases");
                }
                if let Err(e) = self.schedule_daily().await {
                    tracing::warn!(error = %e, "could not schedule the daily jobs");
                }
            }
            let idle = match self.run_one().await {
                Ok(Outcome::Idle) => true,
                Ok(_) => false,
                Err(e) => {
                    tracing::error!(error = %e, "job worker could not reach the database");
                    true
                }
            };
            if idle {
                tokio::select! {
                    _ = tokio::time::sleep(self.config.poll_interval) => {}
                    _ = shutdown.changed() => {}
                }
            }
        }
        tracing::info!(worker = %self.name, "job worker stopped");
    }

    /// Enqueues today's daily jobs; the dedupe key makes every worker's attempt after the
    /// first a no-op.
    pub async fn schedule_daily(&self) -> Result<(), DbError> {
        let sandbox = self.ctx.settings.stripe.is_none();
        self.ctx
            .db
            .run(move |conn| {
                let now = models::now();
                let day = now.date().to_string();
                let job = Job::AvailabilitySweep { day: day.clone() };
                let options = super::Enqueue {
                    run_at: None,
                    dedupe_key: Some(format!("availability-sweep:{day}")),
                };
                crate::db::write_transaction(conn, |conn| {
                    super::enqueue_with(conn, &job, options)?;
                    if sandbox {
                        // The sandbox plays Stripe's clock: trials end and months renew.
                        let hour = now.format("%Y-%m-%dT%H").to_string();
                        super::enqueue_with(
                            conn,
                            &Job::SandboxBillingSweep { hour: hour.clone() },
                            super::Enqueue {
                                run_at: None,
                                dedupe_key: Some(format!("sandbox-billing-sweep:{hour}")),
                            },
                        )?;
                    }
                    Ok::<(), diesel::result::Error>(())
                })
                .map_err(DbError::from)
            })
            .await
    }

    async fn release_expired(&self) -> Result<usize, DbError> {
        let lease = self.config.lease;
        self.ctx
            .db
            .run(move |conn| {
                let now = models::now();
                job::release_expired(conn, now - lease, now).map_err(DbError::from)
            })
            .await
    }

    /// Claims one due job (if any) and runs it to an outcome.
    pub async fn run_one(&self) -> Result<Outcome, DbError> {
        let name = self.name.clone();
        let claimed = self
            .ctx
            .db
            .run(move |conn| job::claim_next(conn, &name, models::now()).map_err(DbError::from))
            .await?;
        let Some(row) = claimed else {
            return Ok(Outcome::Idle);
        };
        let job_id = row.id;
        let span = tracing::info_span!("job", job_id, kind = %row.kind, attempt = row.attempts);
        let result = match Job::parse(&row) {
            Ok(parsed) => self.execute(parsed).instrument(span.clone()).await,
            Err(e) => Err(JobError::Failed(format!("unreadable payload: {e}"))),
        };
        let outcome = match result {
            Ok(()) => {
                span.in_scope(|| tracing::info!("job done"));
                Outcome::Done { job_id }
            }
            Err(e) => {
                let error = e.to_string();
                if row.attempts >= row.max_attempts {
                    span.in_scope(|| tracing::error!(error = %error, "job failed for the last time; dead-lettered"));
                    Outcome::Dead { job_id, error }
                } else {
                    span.in_scope(|| tracing::warn!(error = %error, "job failed; will retry"));
                    Outcome::Retrying { job_id, error }
                }
            }
        };
        let config = self.config.clone();
        let attempts = row.attempts;
        let recorded = outcome.clone();
        self.ctx
            .db
            .run(move |conn| {
                let now = models::now();
                match &recorded {
                    Outcome::Done { job_id } => job::mark_done(conn, *job_id, now),
                    Outcome::Retrying { job_id, error } => {
                        let delay = backoff(
                            attempts,
                            config.backoff_base,
                            config.backoff_max,
                            rand::rng().random(),
                        );
                        job::mark_failed(conn, *job_id, error, Some(now + delay), now)
                    }
                    Outcome::Dead { job_id, error } => {
                        job::mark_failed(conn, *job_id, error, None, now)?;
                        email::set_status_for_job(conn, *job_id, "dead")
                    }
                    Outcome::Idle => Ok(0),
                }
                .map_err(DbError::from)
            })
            .await?;
        Ok(outcome)
    }

    /// Runs due jobs until none is left; returns what each did (tests and `ladder jobs`).
    pub async fn run_until_idle(&self) -> Result<Vec<Outcome>, DbError> {
        let mut outcomes = Vec::new();
        loop {
            match self.run_one().await? {
                Outcome::Idle => return Ok(outcomes),
                other => outcomes.push(other),
            }
        }
    }

    async fn execute(&self, job: Job) -> Result<(), JobError> {
        match job {
            Job::SendEmail { email_id } => send_email::run(&self.ctx, email_id).await,
            Job::AvailabilitySweep { .. } => {
                let outbox = crate::mail::Outbox::from_settings(&self.ctx.settings);
                self.ctx
                    .db
                    .run(move |conn| {
                        crate::services::vetting::send_availability_reminders(conn, &outbox)
                            .map_err(|e| JobError::Failed(e.to_string()))
                    })
                    .await
                    .map(|sent| tracing::info!(sent, "availability reminders sent"))
            }
            Job::CancelEngagement { engagement_id } => {
                let outbox = crate::mail::Outbox::from_settings(&self.ctx.settings);
                let gateway = crate::billing::Gateway::from_settings(&self.ctx.settings);
                crate::services::billing::run_cancel(&self.ctx.db, &gateway, &outbox, engagement_id)
                    .await
                    .map_err(|e| JobError::Failed(e.to_string()))
            }
            Job::SandboxBillingSweep { .. } => {
                let outbox = crate::mail::Outbox::from_settings(&self.ctx.settings);
                self.ctx
                    .db
                    .run(move |conn| {
                        crate::services::billing::sandbox_sweep(conn, &outbox, models::now())
                            .map_err(|e| JobError::Failed(e.to_string()))
                    })
                    .await
                    .map(|moved| tracing::info!(moved, "sandbox billing clock moved"))
            }
            Job::CancelSubscription {
                engagement_id,
                subscription_id,
                reason,
            } => {
                cancel_subscription::run(&self.ctx, engagement_id, &subscription_id, &reason).await
            }
            Job::ExpireCheckoutSession {
                engagement_id,
                session_id,
            } => expire_checkout::run(&self.ctx, engagement_id, &session_id).await,
        }
    }
}
