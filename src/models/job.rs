use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Text, Timestamp};

use crate::db::{DbConn, write_transaction};
use crate::schema::jobs;

/// Where a job is in the queue: waiting (`queued`, also between retries), `running` under
/// a worker's lease, `done`, or `dead` after its last attempt failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobStatus {
    Queued,
    Running,
    Done,
    Dead,
}

impl JobStatus {
    pub const ALL: [JobStatus; 4] = [
        JobStatus::Queued,
        JobStatus::Running,
        JobStatus::Done,
        JobStatus::Dead,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Done => "done",
            JobStatus::Dead => "dead",
        }
    }
}

impl std::fmt::Display for JobStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for JobStatus {
    type Err = crate::domain::ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        JobStatus::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| {
                crate::domain::ParseError::new(format!(
                    "unknown job status `{s}`: it must be queued, running, done or dead"
                ))
            })
    }
}

#[derive(Debug, Clone, Queryable, QueryableByName, Identifiable)]
#[diesel(table_name = jobs)]
pub struct JobRow {
    pub id: i32,
    pub kind: String,
    pub payload: String,
    pub status: JobStatus,
    pub attempts: i32,
    pub max_attempts: i32,
    pub run_at: NaiveDateTime,
    pub locked_at: Option<NaiveDateTime>,
    pub locked_by: Option<String>,
    pub last_error: Option<String>,
    pub dedupe_key: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
}

impl JobRow {
    /// The error that explains the job's present state: why a queued job is waiting for a
    /// retry, or why a dead one gave up. A running or done job shows none.
    pub fn current_error(&self) -> Option<&str> {
        match self.status {
            JobStatus::Queued | JobStatus::Dead => self.last_error.as_deref(),
            JobStatus::Running | JobStatus::Done => None,
        }
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = jobs)]
pub struct NewJob {
    pub kind: String,
    pub payload: String,
    pub status: JobStatus,
    pub max_attempts: i32,
    pub run_at: NaiveDateTime,
    pub dedupe_key: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, new: &NewJob) -> QueryResult<JobRow> {
    diesel::insert_into(jobs::table)
        .values(new)
        .returning(jobs::all_columns)
        .get_result(conn)
}

pub fn find(conn: &mut DbConn, id: i32) -> QueryResult<JobRow> {
    jobs::table.find(id).first(conn)
}

pub fn find_by_dedupe_key(conn: &mut DbConn, key: &str) -> QueryResult<Option<JobRow>> {
    jobs::table
        .filter(jobs::dedupe_key.eq(key))
        .first(conn)
        .optional()
}

/// Most recent first, optionally only one status.
pub fn list(conn: &mut DbConn, status: Option<JobStatus>, limit: i64) -> QueryResult<Vec<JobRow>> {
    let mut query = jobs::table.order(jobs::id.desc()).limit(limit).into_boxed();
    if let Some(status) = status {
        query = query.filter(jobs::status.eq(status));
    }
    query.load(conn)
}

/// Takes the oldest due job and marks it running for `worker`. On PostgreSQL concurrent
/// workers skip each other's locked rows (`FOR UPDATE SKIP LOCKED`); on SQLite the claim
/// runs under the database's single write lock (`BEGIN IMMEDIATE`).
pub fn claim_next(
    conn: &mut DbConn,
    worker: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<JobRow>> {
    write_transaction(conn, |conn| match conn {
        DbConn::Pg(pg) => diesel::sql_query(
            "UPDATE jobs SET status = $3, attempts = attempts + 1, locked_at = $1, \
                 locked_by = $2, updated_at = $1 \
             WHERE id = (SELECT id FROM jobs WHERE status = $4 AND run_at <= $1 \
                         ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) \
             RETURNING *",
        )
        .bind::<Timestamp, _>(now)
        .bind::<Text, _>(worker)
        .bind::<Text, _>(JobStatus::Running)
        .bind::<Text, _>(JobStatus::Queued)
        .get_result::<JobRow>(pg)
        .optional(),
        DbConn::Sqlite(_) => {
            let due: Option<i32> = jobs::table
                .filter(jobs::status.eq(JobStatus::Queued))
                .filter(jobs::run_at.le(now))
                .order((jobs::run_at.asc(), jobs::id.asc()))
                .select(jobs::id)
                .first(conn)
                .optional()?;
            let Some(id) = due else { return Ok(None) };
            claim(conn, id, worker, now)
        }
    })
}

/// Claims one particular queued job (`ladder mail check` runs only its own message).
pub fn claim(
    conn: &mut DbConn,
    id: i32,
    worker: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<JobRow>> {
    diesel::update(
        jobs::table
            .find(id)
            .filter(jobs::status.eq(JobStatus::Queued)),
    )
    .set((
        jobs::status.eq(JobStatus::Running),
        jobs::attempts.eq(jobs::attempts + 1),
        jobs::locked_at.eq(Some(now)),
        jobs::locked_by.eq(Some(worker)),
        jobs::updated_at.eq(now),
    ))
    .returning(jobs::all_columns)
    .get_result(conn)
    .optional()
}

/// The heartbeat of a running job: `locked_at` is when its lease was last renewed. Returns
/// 0 when the job is no longer this worker's (its lease expired and it was released).
pub fn renew_lease(
    conn: &mut DbConn,
    id: i32,
    worker: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        jobs::table
            .find(id)
            .filter(jobs::status.eq(JobStatus::Running))
            .filter(jobs::locked_by.eq(worker)),
    )
    .set(jobs::locked_at.eq(Some(now)))
    .execute(conn)
}

/// A worker shutting down gives back the jobs it could not finish within its grace period:
/// queued again at once, with the interrupted attempt not counted.
pub fn release_held_by(conn: &mut DbConn, worker: &str, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        jobs::table
            .filter(jobs::status.eq(JobStatus::Running))
            .filter(jobs::locked_by.eq(worker)),
    )
    .set((
        jobs::status.eq(JobStatus::Queued),
        jobs::attempts.eq(jobs::attempts - 1),
        jobs::locked_at.eq(None::<NaiveDateTime>),
        jobs::locked_by.eq(None::<String>),
        jobs::run_at.eq(now),
        jobs::updated_at.eq(now),
    ))
    .execute(conn)
}

/// Done: the errors of earlier attempts no longer describe the job, so they are cleared.
/// Only the worker holding the lease records the outcome — or, if its lease was taken back
/// and nobody has claimed the job again yet, this finished run still counts. A job another
/// worker runs now is left to that worker.
pub fn mark_done(
    conn: &mut DbConn,
    id: i32,
    owner: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let still_ours = jobs::status
        .eq(JobStatus::Running)
        .and(jobs::locked_by.eq(owner))
        .or(jobs::status
            .eq(JobStatus::Queued)
            .and(jobs::locked_by.is_null()));
    diesel::update(jobs::table.find(id).filter(still_ours))
        .set((
            jobs::status.eq(JobStatus::Done),
            jobs::locked_at.eq(None::<NaiveDateTime>),
            jobs::locked_by.eq(None::<String>),
            jobs::last_error.eq(None::<String>),
            jobs::finished_at.eq(Some(now)),
            jobs::updated_at.eq(now),
        ))
        .execute(conn)
}

/// Records a failure: back in the queue at `retry_at`, or dead when that is `None`. Only
/// while `owner` still holds the lease: a worker whose lease expired (and whose job may run
/// elsewhere now) must not re-queue it under the new owner.
pub fn mark_failed(
    conn: &mut DbConn,
    id: i32,
    owner: &str,
    error: &str,
    retry_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let target = jobs::table
        .find(id)
        .filter(jobs::status.eq(JobStatus::Running))
        .filter(jobs::locked_by.eq(owner));
    let common = (
        jobs::locked_at.eq(None::<NaiveDateTime>),
        jobs::locked_by.eq(None::<String>),
        jobs::last_error.eq(Some(error)),
        jobs::updated_at.eq(now),
    );
    match retry_at {
        Some(at) => diesel::update(target)
            .set((
                common,
                jobs::status.eq(JobStatus::Queued),
                jobs::run_at.eq(at),
            ))
            .execute(conn),
        None => diesel::update(target)
            .set((
                common,
                jobs::status.eq(JobStatus::Dead),
                jobs::finished_at.eq(Some(now)),
            ))
            .execute(conn),
    }
}

/// Puts a dead job back in the queue with a fresh set of attempts.
pub fn retry(conn: &mut DbConn, id: i32, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        jobs::table
            .find(id)
            .filter(jobs::status.eq(JobStatus::Dead)),
    )
    .set((
        jobs::status.eq(JobStatus::Queued),
        jobs::attempts.eq(0),
        jobs::run_at.eq(now),
        jobs::finished_at.eq(None::<NaiveDateTime>),
        jobs::updated_at.eq(now),
    ))
    .execute(conn)
}

/// Jobs left `running` by a worker that died (no heartbeat since `lease_started_before`)
/// are queued again at once.
pub fn release_expired(
    conn: &mut DbConn,
    lease_started_before: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        jobs::table
            .filter(jobs::status.eq(JobStatus::Running))
            .filter(jobs::locked_at.lt(lease_started_before)),
    )
    .set((
        jobs::status.eq(JobStatus::Queued),
        jobs::locked_at.eq(None::<NaiveDateTime>),
        jobs::locked_by.eq(None::<String>),
        jobs::last_error.eq(Some(
            "lease expired: the worker running it stopped sending heartbeats",
        )),
        jobs::run_at.eq(now),
        jobs::updated_at.eq(now),
    ))
    .execute(conn)
}

pub fn count_by_status(conn: &mut DbConn, status: JobStatus) -> QueryResult<i64> {
    jobs::table
        .filter(jobs::status.eq(status))
        .count()
        .get_result(conn)
}

#[cfg(test)]
mod tests {
    use super::JobStatus;

    #[test]
    fn job_statuses_round_trip_the_stored_strings() {
        for s in JobStatus::ALL {
            assert_eq!(s.as_str().parse::<JobStatus>().unwrap(), s);
        }
        let stored: Vec<&str> = JobStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(stored, ["queued", "running", "done", "dead"]);
        assert!("failed".parse::<JobStatus>().is_err());
    }
}
