//! Jobs under faults injected by the tests themselves: a mail server that accepts and never
//! speaks, a worker that died holding a lease, a shutdown while a job hangs.

use std::time::{Duration, Instant};

use diesel::prelude::*;
use ladder::jobs::worker::Outcome;
use ladder::jobs::{Job, WorkerConfig};
use ladder::mail::{Mailer, Transport, smtp_transport};
use ladder::models::job;
use ladder::schema::jobs;

use crate::helpers::{TestApp, spawn_app};
use crate::jobs::queue_one;
use crate::smtp_sink::{SilentSmtp, SmtpSink};

fn silent_mailer(server: &SilentSmtp) -> Mailer {
    Mailer::new(Transport::Smtp(smtp_transport(&server.url()).unwrap()))
}

async fn job_row(app: &TestApp, id: i32) -> job::JobRow {
    app.with_conn(move |conn| job::find(conn, id).unwrap())
        .await
}

/// Polls until `done` says yes about the job, or panics after `limit`.
async fn wait_for(
    app: &TestApp,
    id: i32,
    limit: Duration,
    done: impl Fn(&job::JobRow) -> bool,
) -> job::JobRow {
    let started = Instant::now();
    loop {
        let row = job_row(app, id).await;
        if done(&row) {
            return row;
        }
        assert!(started.elapsed() < limit, "gave up waiting: {row:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn enqueue(app: &TestApp, job: Job) -> i32 {
    app.with_conn(move |conn| ladder::jobs::enqueue(conn, &job).unwrap().id)
        .await
}

fn quick(slots: usize) -> WorkerConfig {
    WorkerConfig {
        slots,
        poll_interval: Duration::from_millis(20),
        sweep_interval: Duration::from_millis(100),
        shutdown_grace: Duration::from_millis(300),
        ..crate::helpers::fast_retries()
    }
}

#[tokio::test]
async fn a_server_that_never_greets_fails_the_attempt_within_the_bound() {
    let server = SilentSmtp::start().await;
    let app = spawn_app().await;
    let (_, job_id) = queue_one(&app, "maya@northwind-freight.example").await;
    let mailer = silent_mailer(&server).with_send_timeout(Duration::from_secs(1));
    let started = Instant::now();
    let outcome = app.worker(mailer).run_one().await.unwrap();
    let took = started.elapsed();
    assert!(
        matches!(&outcome, Outcome::Retrying { job_id: id, error } if *id == job_id && error.contains("timed out")),
        "{outcome:?}"
    );
    assert!(took < Duration::from_secs(4), "the attempt took {took:?}");
    let row = job_row(&app, job_id).await;
    assert_eq!(row.status.as_str(), "queued", "retried later, not lost");
    assert!(row.current_error().unwrap().contains("timed out"));
}

#[tokio::test]
async fn the_default_send_bound_is_a_minute() {
    assert_eq!(ladder::mail::SMTP_SEND_TIMEOUT, Duration::from_secs(60));
    assert_eq!(ladder::mail::SMTP_CONNECT_TIMEOUT, Duration::from_secs(10));
}

#[tokio::test]
async fn a_hung_job_holds_one_slot_and_shutdown_gives_it_back() {
    let server = SilentSmtp::start().await;
    let app = spawn_app().await;
    let (_, stuck) = queue_one(&app, "maya@northwind-freight.example").await;
    let other = enqueue(
        &app,
        Job::SandboxBillingSweep {
            hour: "2026-12-02T03".into(),
        },
    )
    .await;
    // The default bound (60 s) outlasts the test: the mail job hangs for its whole life.
    let worker = app.worker_with(silent_mailer(&server), quick(2));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let running = tokio::spawn(worker.run(stopped));

    wait_for(&app, stuck, Duration::from_secs(5), |r| {
        r.status.as_str() == "running"
    })
    .await;
    let started = Instant::now();
    wait_for(&app, other, Duration::from_secs(5), |r| {
        r.status.as_str() == "done"
    })
    .await;
    eprintln!(
        "other job done {:?} after the stuck one started",
        started.elapsed()
    );
    assert_eq!(job_row(&app, stuck).await.status.as_str(), "running");

    let asked = Instant::now();
    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(5), running)
        .await
        .expect("the worker stops within its grace despite the hung job")
        .unwrap();
    let took = asked.elapsed();
    eprintln!("worker stopped {took:?} after the request (grace 300 ms)");
    assert!(took < Duration::from_secs(2), "stopping took {took:?}");
    let row = job_row(&app, stuck).await;
    assert_eq!(row.status.as_str(), "queued", "released, not lost: {row:?}");
    assert_eq!(row.attempts, 0, "the interrupted attempt is not counted");
    assert!(row.locked_by.is_none());
    assert!(row.run_at <= ladder::models::now());
}

#[tokio::test]
async fn a_dead_workers_job_comes_back_quickly_and_a_live_one_keeps_its_lease() {
    let app = spawn_app().await;
    let (_, orphan) = queue_one(&app, "maya@northwind-freight.example").await;
    let (_, alive) = queue_one(&app, "yuki@devs.example").await;
    // Two workers claimed one job each; one died 91 s ago (its last heartbeat), the other
    // renewed its lease 10 s ago.
    app.with_conn(move |conn| {
        let now = ladder::models::now();
        for (id, worker, beat) in [(orphan, "dead-worker", 91), (alive, "live-worker", 10)] {
            job::claim(conn, id, worker, now).unwrap().unwrap();
            diesel::update(jobs::table.find(id))
                .set(jobs::locked_at.eq(Some(now - chrono::Duration::seconds(beat))))
                .execute(conn)
                .unwrap();
        }
    })
    .await;
    let (mailer, sent) = Mailer::memory();
    let worker = app.worker_with(mailer, quick(2));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let started = Instant::now();
    let running = tokio::spawn(worker.run(stopped));
    let row = wait_for(&app, orphan, Duration::from_secs(5), |r| {
        r.status.as_str() == "done"
    })
    .await;
    eprintln!(
        "job of the dead worker delivered {:?} after the sweep started",
        started.elapsed()
    );
    assert_eq!(row.attempts, 2);
    assert!(row.last_error.is_none(), "done jobs carry no old error");
    // The live worker's job is left alone.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let live = job_row(&app, alive).await;
    assert_eq!(
        (live.status.as_str(), live.locked_by.as_deref()),
        ("running", Some("live-worker"))
    );
    assert_eq!(sent.lock().unwrap().len(), 1);
    stop.send(true).unwrap();
    running.await.unwrap();
}

#[tokio::test]
async fn a_heartbeat_keeps_a_long_job_leased() {
    let server = SilentSmtp::start().await;
    let app = spawn_app().await;
    let (_, job_id) = queue_one(&app, "maya@northwind-freight.example").await;
    let config = WorkerConfig {
        lease: chrono::Duration::milliseconds(600),
        heartbeat: Duration::from_millis(100),
        ..quick(1)
    };
    let mailer = silent_mailer(&server).with_send_timeout(Duration::from_millis(2500));
    let worker = app.worker_with(mailer, config);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let running = tokio::spawn(worker.run(stopped));
    let first = wait_for(&app, job_id, Duration::from_secs(5), |r| {
        r.status.as_str() == "running"
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let later = job_row(&app, job_id).await;
    assert_eq!(
        later.status.as_str(),
        "running",
        "its own sweep left it alone"
    );
    assert_eq!(later.attempts, 1, "never claimed twice");
    assert!(later.locked_at > first.locked_at, "the lease was renewed");
    let failed = wait_for(&app, job_id, Duration::from_secs(5), |r| {
        r.last_error
            .as_deref()
            .is_some_and(|e| e.contains("timed out"))
    })
    .await;
    assert!(failed.attempts >= 1);
    stop.send(true).unwrap();
    running.await.unwrap();
}

#[tokio::test]
async fn jobs_list_shows_the_error_of_the_current_state_only() {
    let app = spawn_app().await;
    let (_, job_id) = queue_one(&app, "maya@northwind-freight.example").await;
    let down = Mailer::new(Transport::Smtp(
        smtp_transport(&format!(
            "smtp://127.0.0.1:{}?tls=none",
            crate::smtp_sink::free_port()
        ))
        .unwrap(),
    ));
    app.worker(down).run_one().await.unwrap();
    let failed = job_row(&app, job_id).await;
    assert!(failed.current_error().is_some());
    let listed = jobs_list(&app);
    assert!(
        listed.contains("queued") && listed.to_lowercase().contains("connect"),
        "{listed}"
    );

    let sink = SmtpSink::start(0).await;
    let up = Mailer::new(Transport::Smtp(smtp_transport(&sink.url()).unwrap()));
    app.make_jobs_due().await;
    assert_eq!(
        app.worker(up).run_one().await.unwrap(),
        Outcome::Done { job_id }
    );
    let done = job_row(&app, job_id).await;
    assert_eq!((done.status.as_str(), done.last_error), ("done", None));
    let listed = jobs_list(&app);
    assert!(
        listed.contains("done") && !listed.to_lowercase().contains("connect"),
        "{listed}"
    );
}

/// The `ladder` binary; `LADDER_TEST_BIN` overrides it when several checkouts share one
/// target directory (and so one `target/debug/ladder`).
fn ladder_binary() -> String {
    std::env::var("LADDER_TEST_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_ladder").to_owned())
}

/// `ladder jobs list` on the app's database, through the binary.
fn jobs_list(app: &TestApp) -> String {
    let url = match &app.database {
        crate::helpers::TestDatabase::Sqlite { dir } => {
            format!("sqlite://{}", dir.path().join("ladder.db").display())
        }
        crate::helpers::TestDatabase::Postgres { admin_url, name } => {
            crate::helpers::with_database(admin_url, name)
        }
    };
    let data = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(ladder_binary())
        .args(["jobs", "list"])
        .env_clear()
        .env("DATABASE_URL", url)
        .env("LADDER_DATA_DIR", data.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test]
async fn sigterm_stops_the_worker_process_within_its_grace_and_releases_the_hung_job() {
    let server = SilentSmtp::start().await;
    let app = spawn_app().await;
    let (_, job_id) = queue_one(&app, "maya@northwind-freight.example").await;
    let url = match &app.database {
        crate::helpers::TestDatabase::Sqlite { dir } => {
            format!("sqlite://{}", dir.path().join("ladder.db").display())
        }
        crate::helpers::TestDatabase::Postgres { admin_url, name } => {
            crate::helpers::with_database(admin_url, name)
        }
    };
    let data = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(ladder_binary())
        .arg("worker")
        .env_clear()
        .env("DATABASE_URL", url)
        .env("LADDER_DATA_DIR", data.path())
        .env("LADDER_SMTP_URL", server.url())
        .env("LADDER_WORKER_SLOTS", "2")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wait_for(&app, job_id, Duration::from_secs(20), |r| {
        r.status.as_str() == "running"
    })
    .await;
    let asked = Instant::now();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if asked.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("`ladder worker` ignored SIGTERM for 20 s with a hung job");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let took = asked.elapsed();
    eprintln!("`ladder worker` exited {took:?} after SIGTERM ({status})");
    assert!(status.success(), "{status}");
    assert!(took < Duration::from_secs(15), "took {took:?}");
    let row = job_row(&app, job_id).await;
    assert_eq!(
        (row.status.as_str(), row.attempts),
        ("queued", 0),
        "{row:?}"
    );
}

#[tokio::test]
async fn a_message_delivered_twice_carries_the_same_message_id() {
    // At least once: a worker that dies after the server took the message but before the
    // job was marked done sends it again. Receivers can drop the copy by its Message-ID.
    let sink = SmtpSink::start(0).await;
    let app = spawn_app().await;
    let (email_id, job_id) = queue_one(&app, "maya@northwind-freight.example").await;
    let mailer = Mailer::new(Transport::Smtp(smtp_transport(&sink.url()).unwrap()));
    assert_eq!(
        app.worker(mailer.clone()).run_one().await.unwrap(),
        Outcome::Done { job_id }
    );
    // The crash: neither the email's nor the job's completion was recorded.
    app.with_conn(move |conn| {
        use ladder::schema::emails;
        diesel::update(emails::table.find(email_id))
            .set(emails::status.eq("queued"))
            .execute(conn)
            .unwrap();
        diesel::update(jobs::table.find(job_id))
            .set(jobs::status.eq("queued"))
            .execute(conn)
            .unwrap();
    })
    .await;
    app.worker(mailer).run_one().await.unwrap();
    let ids: Vec<String> = sink
        .messages()
        .iter()
        .map(|m| {
            let text = String::from_utf8_lossy(&m.data).into_owned();
            text.lines()
                .find(|l| l.to_ascii_lowercase().starts_with("message-id:"))
                .unwrap_or_else(|| panic!("no Message-ID in {text}"))
                .to_owned()
        })
        .collect();
    assert_eq!(ids.len(), 2);
    assert_eq!(ids[0], ids[1]);
}

/// A worker whose lease was taken back (it stalled past the lease; the sweep queued the job
/// and another worker claimed it) can no longer record an outcome over the new owner's run:
/// its failure doesn't re-queue the running job, its success doesn't mark it done.
#[tokio::test]
async fn a_worker_that_lost_its_lease_cannot_record_over_the_new_owner() {
    let app = spawn_app().await;
    let (_, job_id) = queue_one(&app, "maya@northwind-freight.example").await;
    let (failed, done, row) = app
        .with_conn(move |conn| {
            let now = ladder::models::now();
            job::claim(conn, job_id, "worker-a", now)
                .unwrap()
                .expect("a claims it");
            // a stalls; its lease expires and b takes the job.
            job::release_expired(conn, now + chrono::Duration::seconds(1), now).unwrap();
            job::claim(conn, job_id, "worker-b", now)
                .unwrap()
                .expect("b claims it");
            let failed =
                job::mark_failed(conn, job_id, "worker-a", "late", Some(now), now).unwrap();
            let done = job::mark_done(conn, job_id, "worker-a", now).unwrap();
            let row: (String, Option<String>) = jobs::table
                .find(job_id)
                .select((jobs::status, jobs::locked_by))
                .first(conn)
                .unwrap();
            (failed, done, row)
        })
        .await;
    assert_eq!((failed, done), (0, 0));
    assert_eq!(row, ("running".to_owned(), Some("worker-b".to_owned())));
    // The owner records its outcome as usual.
    let recorded = app
        .with_conn(move |conn| {
            job::mark_done(conn, job_id, "worker-b", ladder::models::now()).unwrap()
        })
        .await;
    assert_eq!(recorded, 1);
}
