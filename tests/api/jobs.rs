use diesel::prelude::*;
use ladder::db::write_transaction;
use ladder::jobs::worker::Outcome;
use ladder::mail::templates::MailCheck;
use ladder::mail::{self, Mailer};
use ladder::models::{email, job};
use ladder::schema::{emails, jobs};
use ladder::services::outbox::{RetryOutcome, retry_job};

use crate::helpers::{TestApp, spawn_app, spawn_app_with};
use crate::smtp_sink::{SmtpSink, free_port};

pub(crate) fn check_email(to: &str) -> ladder::mail::OutgoingEmail {
    MailCheck {
        base_url: "http://127.0.0.1:8080".into(),
        transport: "test".into(),
    }
    .email(to)
    .unwrap()
}

/// Queues one message in its own transaction; returns (email id, job id).
pub(crate) async fn queue_one(app: &TestApp, to: &str) -> (i32, i32) {
    let message = check_email(to);
    let from = app.settings.mail_from.clone();
    app.with_conn(move |conn| {
        let row = write_transaction(conn, |conn| mail::queue(conn, &from, message)).unwrap();
        (row.id, row.job_id.unwrap())
    })
    .await
}

async fn counts(app: &TestApp) -> (i64, i64) {
    app.with_conn(|conn| {
        let j: i64 = jobs::table.count().get_result(conn).unwrap();
        let e: i64 = emails::table.count().get_result(conn).unwrap();
        (j, e)
    })
    .await
}

#[tokio::test]
async fn a_rolled_back_change_enqueues_nothing() {
    let app = spawn_app().await;
    let from = app.settings.mail_from.clone();
    app.with_conn(move |conn| {
        let result: Result<(), diesel::result::Error> = write_transaction(conn, |conn| {
            mail::queue(conn, &from, check_email("maya@northwind-freight.example"))?;
            Err(diesel::result::Error::RollbackTransaction)
        });
        assert!(result.is_err());
    })
    .await;
    assert_eq!(counts(&app).await, (0, 0));
    let (mailer, sent) = Mailer::memory();
    assert_eq!(app.worker(mailer).run_until_idle().await.unwrap(), vec![]);
    assert!(sent.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_committed_change_is_delivered_once() {
    let app = spawn_app().await;
    let (email_id, job_id) = queue_one(&app, "maya@northwind-freight.example").await;
    let (mailer, sent) = Mailer::memory();
    let worker = app.worker(mailer);
    assert_eq!(
        worker.run_until_idle().await.unwrap(),
        vec![Outcome::Done { job_id }]
    );
    assert_eq!(worker.run_until_idle().await.unwrap(), vec![]);
    assert_eq!(sent.lock().unwrap().len(), 1);
    let (row, job_row) = app
        .with_conn(move |conn| {
            (
                email::find(conn, email_id).unwrap(),
                job::find(conn, job_id).unwrap(),
            )
        })
        .await;
    assert_eq!(row.status.as_str(), "sent");
    assert_eq!(row.transport.as_deref(), Some("memory"));
    assert_eq!(job_row.status.as_str(), "done");
    assert_eq!(job_row.attempts, 1);
}

#[tokio::test]
async fn failures_back_off_then_dead_letter_and_can_be_retried() {
    let port = free_port(); // nothing listens here: every attempt fails
    let app = spawn_app().await;
    let (email_id, job_id) = queue_one(&app, "maya@northwind-freight.example").await;
    let down = Mailer::new(ladder::mail::Transport::Smtp(
        ladder::mail::smtp_transport(&format!("smtp://127.0.0.1:{port}?tls=none")).unwrap(),
    ));

    // First failure: back in the queue, about 15 s out (±25%), with the error kept.
    let patient = app.worker_with(down.clone(), ladder::jobs::WorkerConfig::default());
    let outcome = patient.run_one().await.unwrap();
    assert!(
        matches!(outcome, Outcome::Retrying { job_id: id, .. } if id == job_id),
        "{outcome:?}"
    );
    let row = app
        .with_conn(move |conn| job::find(conn, job_id).unwrap())
        .await;
    assert_eq!((row.status.as_str(), row.attempts), ("queued", 1));
    assert!(
        row.last_error
            .as_deref()
            .unwrap_or("")
            .to_lowercase()
            .contains("connect"),
        "{:?}",
        row.last_error
    );
    let delay = (row.run_at - row.updated_at).num_milliseconds();
    assert!(
        (11_250..=18_750).contains(&delay),
        "first backoff was {delay} ms"
    );
    // Not due yet: the worker leaves it alone.
    assert_eq!(patient.run_one().await.unwrap(), Outcome::Idle);

    // Second failure doubles the delay.
    app.make_jobs_due().await;
    patient.run_one().await.unwrap();
    let row = app
        .with_conn(move |conn| job::find(conn, job_id).unwrap())
        .await;
    let delay = (row.run_at - row.updated_at).num_milliseconds();
    assert!(
        (22_500..=37_500).contains(&delay),
        "second backoff was {delay} ms"
    );

    // Keep failing until the attempts run out: dead, with the last error, email dead too.
    let fast = app.worker(down);
    let mut last = Outcome::Idle;
    for _ in 0..40 {
        app.make_jobs_due().await;
        last = fast.run_one().await.unwrap();
        if matches!(last, Outcome::Dead { .. }) {
            break;
        }
    }
    assert!(
        matches!(last, Outcome::Dead { job_id: id, .. } if id == job_id),
        "{last:?}"
    );
    let (row, message) = app
        .with_conn(move |conn| {
            (
                job::find(conn, job_id).unwrap(),
                email::find(conn, email_id).unwrap(),
            )
        })
        .await;
    assert_eq!(row.status.as_str(), "dead");
    assert_eq!(row.attempts, row.max_attempts);
    assert!(row.last_error.is_some());
    assert_eq!(message.status.as_str(), "dead");
    app.make_jobs_due().await;
    assert_eq!(
        fast.run_one().await.unwrap(),
        Outcome::Idle,
        "dead jobs are not picked up"
    );

    // An operator retries it once the server is back: it goes out.
    let sink = SmtpSink::start(port).await;
    assert_eq!(
        app.with_conn(move |conn| retry_job(conn, job_id, None).unwrap())
            .await,
        RetryOutcome::Requeued
    );
    assert_eq!(
        app.with_conn(move |conn| retry_job(conn, job_id, None).unwrap())
            .await,
        RetryOutcome::NotDead
    );
    let up = Mailer::new(ladder::mail::Transport::Smtp(
        ladder::mail::smtp_transport(&sink.url()).unwrap(),
    ));
    assert_eq!(
        app.worker(up).run_until_idle().await.unwrap(),
        vec![Outcome::Done { job_id }]
    );
    assert_eq!(sink.messages().len(), 1);
    let message = app
        .with_conn(move |conn| email::find(conn, email_id).unwrap())
        .await;
    assert_eq!(message.status.as_str(), "sent");
}

#[tokio::test]
async fn two_workers_claim_disjoint_jobs() {
    let app = spawn_app().await;
    let mut expected = Vec::new();
    for i in 0..30 {
        expected.push(queue_one(&app, &format!("dev{i}@devs.example")).await.1);
    }
    let (mailer, sent) = Mailer::memory();
    let a = app.worker(mailer.clone());
    let b = app.worker(mailer);
    let (done_a, done_b) = tokio::join!(a.run_until_idle(), b.run_until_idle());
    let ids = |outcomes: Vec<Outcome>| -> Vec<i32> {
        outcomes
            .into_iter()
            .map(|o| match o {
                Outcome::Done { job_id } => job_id,
                other => panic!("unexpected {other:?}"),
            })
            .collect()
    };
    let (done_a, done_b) = (ids(done_a.unwrap()), ids(done_b.unwrap()));
    assert!(
        done_a.iter().all(|id| !done_b.contains(id)),
        "a job ran twice: {done_a:?} / {done_b:?}"
    );
    let mut all: Vec<i32> = done_a.iter().chain(&done_b).copied().collect();
    all.sort();
    expected.sort();
    assert_eq!(all, expected);
    assert_eq!(
        sent.lock().unwrap().len(),
        30,
        "each message sent exactly once"
    );
}

#[tokio::test]
async fn a_job_left_running_by_a_dead_worker_is_released_after_its_lease() {
    let app = spawn_app().await;
    let (_, job_id) = queue_one(&app, "maya@northwind-freight.example").await;
    // A worker claims it and dies.
    app.with_conn(|conn| {
        job::claim_next(conn, "crashed-worker", ladder::models::now())
            .unwrap()
            .unwrap()
    })
    .await;
    let released = app
        .with_conn(|conn| {
            let now = ladder::models::now();
            job::release_expired(conn, now + chrono::Duration::seconds(1), now).unwrap()
        })
        .await;
    assert_eq!(released, 1);
    let (mailer, sent) = Mailer::memory();
    assert_eq!(
        app.worker(mailer).run_until_idle().await.unwrap(),
        vec![Outcome::Done { job_id }]
    );
    assert_eq!(sent.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn the_worker_stops_on_request() {
    let app = spawn_app_with(&[]).await;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let (mailer, _) = Mailer::memory();
    let running = tokio::spawn(app.worker(mailer).run(stopped));
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    stop.send(true).unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(5), running)
        .await
        .expect("worker stops")
        .unwrap();
}
