//! Runs due jobs in a few slots at once, keeps their leases alive, and records outcomes.
//!
//! One loop claims a due job whenever a slot is free and runs it on its own task, so a job
//! stuck on a slow peer holds one slot, never the others. While a job runs, a heartbeat
//! renews its lease; a job whose lease ran out (its process died) is queued again by a
//! sweep that runs on its own timer. Every attempt is bounded in time. On shutdown, jobs
//! that do not finish within the grace period are given back to the queue.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::Duration;
use rand::Rng;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tracing::Instrument;

use super::{JobContext, JobError};
use crate::config::Settings;
use crate::db::DbError;
use crate::models::{self, email, job};
use crate::queue::{self, Job, backoff};

#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// How long to sleep when no job is due.
    pub poll_interval: StdDuration,
    /// First retry delay; doubles per attempt.
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// A `running` job whose lease was not renewed for this long is queued again.
    pub lease: Duration,
    /// How often a running job renews its lease (well under `lease`).
    pub heartbeat: StdDuration,
    /// How often expired leases are released; a timer of its own, not a slot.
    pub sweep_interval: StdDuration,
    /// How many jobs run at once.
    pub slots: usize,
    /// The longest one attempt may take; then it counts as failed and is retried.
    pub attempt_timeout: StdDuration,
    /// On shutdown, how long running jobs may take to finish before they are released.
    pub shutdown_grace: StdDuration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            poll_interval: StdDuration::from_millis(500),
            backoff_base: Duration::seconds(15),
            backoff_max: Duration::hours(1),
            lease: Duration::seconds(90),
            heartbeat: StdDuration::from_secs(30),
            sweep_interval: StdDuration::from_secs(15),
            slots: crate::config::DEFAULT_WORKER_SLOTS,
            attempt_timeout: StdDuration::from_secs(300),
            shutdown_grace: StdDuration::from_secs(10),
        }
    }
}

impl WorkerConfig {
    /// The defaults with the number of slots from `LADDER_WORKER_SLOTS`.
    pub fn from_settings(settings: &Settings) -> Self {
        WorkerConfig {
            slots: settings.worker_slots,
            ..WorkerConfig::default()
        }
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
            crate::crypto::random_token(6)
        );
        Worker { ctx, config, name }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Runs until `shutdown` turns true (or its sender is gone). Jobs still running then get
    /// `shutdown_grace` to finish; those that don't are stopped and queued again.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let slots = self.config.slots.max(1);
        tracing::info!(worker = %self.name, slots, "job worker started");
        let worker = Arc::new(self);
        let sweeper = tokio::spawn(worker.clone().sweep(shutdown.clone()));
        let free = Arc::new(Semaphore::new(slots));
        let mut running = JoinSet::new();
        loop {
            if *shutdown.borrow() {
                break;
            }
            while running.try_join_next().is_some() {}
            let permit = tokio::select! {
                permit = free.clone().acquire_owned() => permit.expect("the semaphore is never closed"),
                _ = shutdown.changed() => break,
            };
            let pause = match worker.claim_next().await {
                Ok(Some(row)) => {
                    let worker = worker.clone();
                    running.spawn(async move {
                        worker.attempt(row).await;
                        drop(permit);
                    });
                    None
                }
                Ok(None) => Some(worker.config.poll_interval),
                Err(e) => {
                    tracing::error!(error = %e, "job worker could not reach the database");
                    Some(worker.config.poll_interval.max(StdDuration::from_secs(1)))
                }
            };
            if let Some(pause) = pause {
                tokio::select! {
                    _ = tokio::time::sleep(pause) => {}
                    _ = shutdown.changed() => {}
                }
            }
        }
        sweeper.abort();
        worker.stop(running).await;
        tracing::info!(worker = %worker.name, "job worker stopped");
    }

    /// Waits up to the grace period for running jobs, then stops the rest and gives their
    /// jobs back to the queue so another worker (or the next start) runs them.
    async fn stop(&self, mut running: JoinSet<()>) {
        let finished = tokio::time::timeout(self.config.shutdown_grace, async {
            while running.join_next().await.is_some() {}
        })
        .await;
        if finished.is_ok() {
            return;
        }
        let stuck = running.len();
        running.shutdown().await;
        let name = self.name.clone();
        let released = tokio::time::timeout(
            StdDuration::from_secs(5),
            self.ctx.db.run(move |conn| {
                job::release_held_by(conn, &name, models::now()).map_err(DbError::from)
            }),
        )
        .await;
        match released {
            Ok(Ok(n)) => tracing::warn!(
                stuck,
                released = n,
                "stopped jobs still running at shutdown; they are queued again"
            ),
            Ok(Err(e)) => {
                tracing::error!(error = %e, "could not release this worker's jobs; their leases will expire")
            }
            Err(_) => {
                tracing::error!("releasing this worker's jobs timed out; their leases will expire")
            }
        }
    }

    /// Releases expired leases and schedules the daily jobs, on its own timer.
    async fn sweep(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
        let mut tick = tokio::time::interval(self.config.sweep_interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_schedule: Option<std::time::Instant> = None;
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = shutdown.changed() => return,
            }
            match self.release_expired().await {
                Ok(0) => {}
                Ok(n) => tracing::warn!(released = n, "queued jobs again whose worker stopped"),
                Err(e) => tracing::warn!(error = %e, "could not release expired job leases"),
            }
            if last_schedule.is_none_or(|at| at.elapsed() > StdDuration::from_secs(60)) {
                last_schedule = Some(std::time::Instant::now());
                if let Err(e) = self.schedule_daily().await {
                    tracing::warn!(error = %e, "could not schedule the daily jobs");
                }
            }
        }
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
                let options = queue::Enqueue {
                    run_at: None,
                    dedupe_key: Some(format!("availability-sweep:{day}")),
                };
                crate::db::write_transaction(conn, |conn| {
                    queue::enqueue_with(conn, &job, options)?;
                    if sandbox {
                        // The sandbox plays Stripe's clock: trials end and months renew.
                        let hour = now.format("%Y-%m-%dT%H").to_string();
                        queue::enqueue_with(
                            conn,
                            &Job::SandboxBillingSweep { hour: hour.clone() },
                            queue::Enqueue {
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

    async fn claim_next(&self) -> Result<Option<job::JobRow>, DbError> {
        let name = self.name.clone();
        self.ctx
            .db
            .run(move |conn| job::claim_next(conn, &name, models::now()).map_err(DbError::from))
            .await
    }

    /// Claims one due job (if any) and runs it to an outcome.
    pub async fn run_one(&self) -> Result<Outcome, DbError> {
        match self.claim_next().await? {
            Some(row) => Ok(self.attempt(row).await),
            None => Ok(Outcome::Idle),
        }
    }

    /// Runs one particular queued job now (`ladder mail check`); `Idle` if it isn't queued.
    pub async fn run_job(&self, job_id: i32) -> Result<Outcome, DbError> {
        let name = self.name.clone();
        let claimed = self
            .ctx
            .db
            .run(move |conn| job::claim(conn, job_id, &name, models::now()).map_err(DbError::from))
            .await?;
        match claimed {
            Some(row) => Ok(self.attempt(row).await),
            None => Ok(Outcome::Idle),
        }
    }

    /// Runs due jobs one after another until none is left; returns what each did (tests).
    pub async fn run_until_idle(&self) -> Result<Vec<Outcome>, DbError> {
        let mut outcomes = Vec::new();
        loop {
            match self.run_one().await? {
                Outcome::Idle => return Ok(outcomes),
                other => outcomes.push(other),
            }
        }
    }

    /// Runs a claimed job, bounded by `attempt_timeout`, renewing its lease meanwhile, and
    /// records the outcome. If the outcome cannot be recorded the lease runs out and the job
    /// runs again: delivery is at least once.
    async fn attempt(&self, row: job::JobRow) -> Outcome {
        let job_id = row.id;
        let span = tracing::info_span!("job", job_id, kind = %row.kind, attempt = row.attempts);
        let limit = self.config.attempt_timeout;
        let work = async {
            tokio::time::timeout(limit, super::execute(&self.ctx, &row.kind, &row.payload))
                .await
                .unwrap_or(Err(JobError::TimedOut(limit)))
        };
        let result = tokio::select! {
            result = work.instrument(span.clone()) => result,
            never = self.heartbeat(job_id) => match never {},
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
        if let Err(e) = self.record(&outcome, row.attempts).await {
            span.in_scope(|| tracing::error!(error = %e, "could not record the job's outcome; it will run again when its lease expires"));
        }
        outcome
    }

    /// Renews the job's lease every `heartbeat` until dropped.
    async fn heartbeat(&self, job_id: i32) -> std::convert::Infallible {
        let mut tick = tokio::time::interval(self.config.heartbeat);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tick.tick().await;
        loop {
            tick.tick().await;
            let name = self.name.clone();
            let renewed = self
                .ctx
                .db
                .run(move |conn| {
                    job::renew_lease(conn, job_id, &name, models::now()).map_err(DbError::from)
                })
                .await;
            match renewed {
                Ok(0) => tracing::warn!(
                    job_id,
                    "job's lease was taken back while it ran; it may run twice"
                ),
                Ok(_) => {}
                Err(e) => tracing::warn!(job_id, error = %e, "could not renew the job's lease"),
            }
        }
    }

    async fn record(&self, outcome: &Outcome, attempts: i32) -> Result<usize, DbError> {
        let config = self.config.clone();
        let recorded = outcome.clone();
        let owner = self.name.clone();
        self.ctx
            .db
            .run(move |conn| {
                let now = models::now();
                match &recorded {
                    Outcome::Done { job_id } => job::mark_done(conn, *job_id, &owner, now),
                    Outcome::Retrying { job_id, error } => {
                        let delay = backoff(
                            attempts,
                            config.backoff_base,
                            config.backoff_max,
                            rand::rng().random(),
                        );
                        job::mark_failed(conn, *job_id, &owner, error, Some(now + delay), now)
                    }
                    Outcome::Dead { job_id, error } => {
                        if job::mark_failed(conn, *job_id, &owner, error, None, now)? == 0 {
                            return Ok(0);
                        }
                        email::set_status_for_job(conn, *job_id, email::EmailStatus::Dead)
                    }
                    Outcome::Idle => Ok(0),
                }
                .map_err(DbError::from)
            })
            .await
    }
}
