//! PostgreSQL faults injected by the tests: every connection of the app's database killed
//! mid-run (as after a failover or a DBA's `pg_terminate_backend`), and the server made
//! unreachable behind a TCP proxy the test controls. SQLite has neither; these tests say so
//! and pass there.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::Connection;
use diesel::connection::SimpleConnection;
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::task::JoinHandle;

use crate::helpers::{Browser, PASSWORD, TestApp, TestDatabase, spawn_app, test_settings};

fn postgres_only(test: &str) -> bool {
    let on_pg = std::env::var("LADDER_TEST_POSTGRES_URL").is_ok_and(|v| !v.is_empty());
    if !on_pg {
        eprintln!(
            "{test}: PostgreSQL only (set LADDER_TEST_POSTGRES_URL); nothing to do on SQLite"
        );
    }
    on_pg
}

/// Terminates every other session on the app's database; returns how many.
fn kill_every_connection(app: &TestApp) -> i64 {
    let TestDatabase::Postgres { admin_url, name } = &app.database else {
        unreachable!("PostgreSQL only")
    };
    let mut conn =
        diesel::pg::PgConnection::establish(&crate::helpers::with_database(admin_url, name))
            .unwrap();
    #[derive(diesel::QueryableByName)]
    struct Killed {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let killed: Killed = diesel::RunQueryDsl::get_result(
        diesel::sql_query(
            "SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        ),
        &mut conn,
    )
    .unwrap();
    conn.batch_execute("SELECT 1").unwrap();
    killed.n
}

async fn status_of(response: reqwest::Response) -> u16 {
    response.status().as_u16()
}

#[tokio::test]
async fn killing_every_connection_mid_run_fails_no_request() {
    if !postgres_only("killing_every_connection_mid_run_fails_no_request") {
        return;
    }
    let app = spawn_app().await;
    let admin = app.signed_in_admin("root@ladder.example").await;
    let developer = app.browser();
    let applied = developer
        .apply("Ana Souza", "ana@devs.example", PASSWORD)
        .await;
    assert_eq!(applied.status().as_u16(), 303);
    let visitor = app.browser();

    let mut requests = 0;
    let mut failed = Vec::new();
    let mut killed_total = 0;
    for round in 0..3 {
        // Fill the pool with several connections, then kill them all at once.
        let warm = at_once(&[(&admin, "/admin"); 6]).await;
        assert!(warm.iter().all(|s| *s == 200), "{warm:?}");
        let killed = kill_every_connection(&app);
        killed_total += killed;
        assert!(killed > 0, "round {round}: the app held no connection");

        let mut statuses = Vec::new();
        // A burst at once (several dead connections are checked out together) …
        let mut burst = vec![(&developer, "/me/profile"); 4];
        burst.extend([(&admin, "/admin"); 4]);
        for status in at_once(&burst).await {
            statuses.push(("burst", status));
        }
        // … then one page after another, and a sign-in.
        statuses.push((
            "/me/profile",
            status_of(developer.get("/me/profile").await).await,
        ));
        statuses.push(("/admin", status_of(admin.get("/admin").await).await));
        statuses.push((
            "/admin/outbox",
            status_of(admin.get("/admin/outbox").await).await,
        ));
        statuses.push(("/login", status_of(visitor.get("/login").await).await));
        let signer = app.browser();
        statuses.push((
            "POST /login",
            status_of(signer.login("root@ladder.example", PASSWORD).await).await,
        ));
        for (what, status) in statuses {
            requests += 1;
            if !(200..400).contains(&status) {
                failed.push((round, what, status));
            }
        }
    }
    eprintln!(
        "killed {killed_total} connections over 3 rounds; {} of {requests} requests failed: {failed:?}",
        failed.len()
    );
    assert!(failed.is_empty(), "{failed:?}");
}

/// GETs `path` in each browser, all at once; the statuses in order.
async fn at_once(requests: &[(&Browser, &str)]) -> Vec<u16> {
    let tasks: Vec<_> = requests
        .iter()
        .map(|(browser, path)| {
            let client = browser.client.clone();
            let url = browser.url(path);
            tokio::spawn(async move { client.get(url).send().await.unwrap().status().as_u16() })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    statuses
}

/// A TCP proxy in front of PostgreSQL that the test can pull: `down` refuses new
/// connections and cuts the open ones, `up` listens again on the same port.
struct PgProxy {
    port: u16,
    target: String,
    acceptor: Option<JoinHandle<()>>,
    pipes: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl PgProxy {
    async fn start(target: String) -> PgProxy {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut proxy = PgProxy {
            port,
            target,
            acceptor: None,
            pipes: Arc::default(),
        };
        proxy.up().await;
        proxy
    }

    async fn up(&mut self) {
        let socket = TcpSocket::new_v4().unwrap();
        socket.set_reuseaddr(true).unwrap();
        socket
            .bind(format!("127.0.0.1:{}", self.port).parse().unwrap())
            .unwrap();
        let listener: TcpListener = socket.listen(64).unwrap();
        let target = self.target.clone();
        let pipes = self.pipes.clone();
        self.acceptor = Some(tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let target = target.clone();
                let pipe = tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                pipes.lock().unwrap().push(pipe);
            }
        }));
    }

    fn down(&mut self) {
        if let Some(acceptor) = self.acceptor.take() {
            acceptor.abort();
        }
        for pipe in self.pipes.lock().unwrap().drain(..) {
            pipe.abort();
        }
    }
}

impl Drop for PgProxy {
    fn drop(&mut self) {
        self.down();
    }
}

#[tokio::test]
async fn an_unreachable_database_answers_503_fast_and_recovers_without_a_restart() {
    if !postgres_only("an_unreachable_database_answers_503_fast_and_recovers_without_a_restart") {
        return;
    }
    let (database, direct_url) = TestDatabase::create();
    let mut url = url::Url::parse(&direct_url).unwrap();
    let target = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap_or(5432));
    let mut proxy = PgProxy::start(target).await;
    url.set_port(Some(proxy.port)).unwrap();
    let data = tempfile::tempdir().unwrap();
    let settings = test_settings(url.as_str(), data.path(), &[]);
    let built = ladder::startup::Application::build(settings)
        .await
        .expect("app builds through the proxy");
    let address = format!("http://127.0.0.1:{}", built.port());
    let db = built.db().clone();
    tokio::spawn(built.run_until_stopped());
    let app_browser = Browser {
        client: crate::helpers::new_client(),
        address: address.clone(),
    };
    // An admin signed in while the database is up.
    tokio::task::spawn_blocking(move || {
        let mut conn = db.get().unwrap();
        ladder::services::accounts::create_admin(
            &mut conn,
            &ladder::domain::Email::parse("root@ladder.example").unwrap(),
            &ladder::auth::password::NewPassword::parse(PASSWORD).unwrap(),
        )
        .unwrap();
    })
    .await
    .unwrap();
    assert_eq!(
        app_browser
            .login("root@ladder.example", PASSWORD)
            .await
            .status()
            .as_u16(),
        303
    );
    assert_eq!(app_browser.get("/admin").await.status().as_u16(), 200);

    proxy.down();
    let mut times = Vec::new();
    for _ in 0..10 {
        let started = Instant::now();
        let response = app_browser.get("/admin").await;
        let took = started.elapsed();
        assert_eq!(response.status().as_u16(), 503, "took {took:?}");
        assert_eq!(response.headers()["retry-after"], "5");
        times.push(took);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let ready = app_browser.get("/readyz").await.status().as_u16();
    assert_eq!(ready, 503);
    let slowest = times.iter().max().unwrap();
    let rest = times[1..].iter().max().unwrap();
    eprintln!(
        "database down: first 503 in {:?}, then at most {rest:?} (all: {times:?})",
        times[0]
    );
    assert!(*slowest < Duration::from_secs(1), "{times:?}");

    proxy.up().await;
    let back = Instant::now();
    loop {
        let status = app_browser.get("/admin").await.status().as_u16();
        if status == 200 {
            break;
        }
        assert_eq!(status, 503);
        assert!(
            back.elapsed() < Duration::from_secs(10),
            "no recovery without a restart"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eprintln!(
        "database back: pages answer 200 again after {:?}",
        back.elapsed()
    );
    assert_eq!(app_browser.get("/readyz").await.status().as_u16(), 200);
    drop(proxy);
    drop(database);
}

#[tokio::test]
async fn a_read_whose_connection_dies_under_it_runs_again_on_a_fresh_one() {
    if !postgres_only("a_read_whose_connection_dies_under_it_runs_again_on_a_fresh_one") {
        return;
    }
    use ladder::db::{DbConn, DbError};
    use std::sync::atomic::{AtomicUsize, Ordering};
    let app = spawn_app().await;
    // The first time, the query's own backend is terminated under it.
    let kill_first = |calls: Arc<AtomicUsize>| {
        move |conn: &mut DbConn| -> Result<usize, DbError> {
            let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
            if n == 1 {
                conn.batch_execute("SELECT pg_terminate_backend(pg_backend_pid())")?;
            } else {
                conn.batch_execute("SELECT 1")?;
            }
            Ok(n)
        }
    };
    let calls = Arc::new(AtomicUsize::new(0));
    let read = app.db.read(kill_first(calls.clone())).await;
    assert_eq!(read.unwrap(), 2, "retried once, on a live connection");

    // Work that may not be repeated is not: its error says "unavailable" (a 503), and the
    // dead connection is not handed out again.
    let calls = Arc::new(AtomicUsize::new(0));
    let error = app.db.run(kill_first(calls.clone())).await.unwrap_err();
    assert!(error.is_unavailable(), "{error}");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    for _ in 0..20 {
        app.db
            .run(|conn| conn.batch_execute("SELECT 1").map_err(DbError::from))
            .await
            .unwrap();
    }
}
