use std::collections::HashMap;

use diesel::Connection;
use diesel::connection::SimpleConnection;
use ladder::config::Settings;
use ladder::db::{Db, DbConn};
use ladder::startup::Application;

/// A database that exists for one test and is removed afterwards.
pub enum TestDatabase {
    Sqlite { dir: tempfile::TempDir },
    Postgres { admin_url: String, name: String },
}

impl TestDatabase {
    /// A fresh database on the backend this test run targets.
    pub fn create() -> (TestDatabase, String) {
        match std::env::var("LADDER_TEST_POSTGRES_URL")
            .ok()
            .filter(|v| !v.is_empty())
        {
            Some(admin_url) => {
                let name = format!(
                    "ladder_test_{}",
                    ladder::auth::password::random_token(12).to_lowercase()
                );
                let mut admin = diesel::pg::PgConnection::establish(&admin_url)
                    .expect("LADDER_TEST_POSTGRES_URL must point at a reachable PostgreSQL");
                admin
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .expect("create test database");
                let url = with_database(&admin_url, &name);
                (TestDatabase::Postgres { admin_url, name }, url)
            }
            None => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("ladder.db").display());
                (TestDatabase::Sqlite { dir }, url)
            }
        }
    }

    /// Makes the database disappear while the app runs.
    pub fn destroy(&self) {
        match self {
            TestDatabase::Sqlite { dir } => {
                for file in ["ladder.db", "ladder.db-wal", "ladder.db-shm"] {
                    let _ = std::fs::remove_file(dir.path().join(file));
                }
            }
            TestDatabase::Postgres { admin_url, name } => drop_pg(admin_url, name),
        }
    }
}

fn drop_pg(admin_url: &str, name: &str) {
    if let Ok(mut admin) = diesel::pg::PgConnection::establish(admin_url) {
        let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let TestDatabase::Postgres { admin_url, name } = self {
            drop_pg(admin_url, name);
        }
    }
}

/// `postgres://user@host:port/anything?x` with the database name replaced.
pub fn with_database(url: &str, name: &str) -> String {
    let mut parsed = url::Url::parse(url).expect("valid postgres url");
    parsed.set_path(&format!("/{name}"));
    parsed.to_string()
}

pub fn test_settings(
    database_url: &str,
    data_dir: &std::path::Path,
    extra: &[(&str, &str)],
) -> Settings {
    let mut map: HashMap<String, String> = HashMap::from([
        ("DATABASE_URL".into(), database_url.into()),
        ("LADDER_BIND".into(), "127.0.0.1:0".into()),
        (
            "LADDER_SECRET_KEY".into(),
            "test-secret-key-0123456789abcdef0123456789abcdef0123456789abcdef".into(),
        ),
        ("LADDER_DATA_DIR".into(), data_dir.display().to_string()),
    ]);
    for (k, v) in extra {
        map.insert((*k).into(), (*v).into());
    }
    Settings::from_lookup(|k| map.get(k).cloned()).expect("test settings are valid")
}

pub struct TestApp {
    pub address: String,
    pub settings: std::sync::Arc<Settings>,
    pub client: reqwest::Client,
    pub db: Db,
    pub database: TestDatabase,
    _data_dir: tempfile::TempDir,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

pub async fn spawn_app_with(extra: &[(&str, &str)]) -> TestApp {
    let (database, url) = TestDatabase::create();
    let data_dir = tempfile::tempdir().expect("temp dir");
    let settings = test_settings(&url, data_dir.path(), extra);
    let app = Application::build(settings.clone())
        .await
        .expect("app builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let db = app.db().clone();
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap();
    TestApp {
        address,
        settings: std::sync::Arc::new(settings),
        client,
        db,
        database,
        _data_dir: data_dir,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent")
    }

    pub async fn get_html(&self, path: &str) -> (u16, String) {
        let response = self.get(path).await;
        let status = response.status().as_u16();
        (status, response.text().await.unwrap())
    }

    /// Runs blocking diesel work against the app's database.
    pub async fn with_conn<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut DbConn) -> T + Send + 'static,
    ) -> T {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = db.get().expect("connection");
            work(&mut conn)
        })
        .await
        .unwrap()
    }
}

impl TestApp {
    /// A worker over this app's database with the given mailer; retries are immediate-ish
    /// so tests can drive them without sleeping.
    pub fn worker(&self, mailer: ladder::mail::Mailer) -> ladder::jobs::Worker {
        self.worker_with(mailer, fast_retries())
    }

    pub fn worker_with(
        &self,
        mailer: ladder::mail::Mailer,
        config: ladder::jobs::WorkerConfig,
    ) -> ladder::jobs::Worker {
        let ctx = ladder::jobs::JobContext {
            db: self.db.clone(),
            mailer,
            settings: self.settings.clone(),
        };
        ladder::jobs::Worker::new(std::sync::Arc::new(ctx), config)
    }

    /// The worker `ladder serve` would run for these settings (mailbox or SMTP).
    pub fn configured_worker(&self) -> ladder::jobs::Worker {
        self.worker(ladder::mail::Mailer::from_settings(&self.settings).expect("mailer"))
    }

    /// Makes every queued job due now (instead of waiting out its backoff).
    pub async fn make_jobs_due(&self) {
        self.with_conn(|conn| {
            use diesel::prelude::*;
            use ladder::schema::jobs;
            diesel::update(jobs::table.filter(jobs::status.eq("queued")))
                .set(jobs::run_at.eq(ladder::models::now()))
                .execute(conn)
                .unwrap();
        })
        .await;
    }
}

pub fn fast_retries() -> ladder::jobs::WorkerConfig {
    ladder::jobs::WorkerConfig {
        poll_interval: std::time::Duration::from_millis(20),
        backoff_base: chrono::Duration::milliseconds(1),
        backoff_max: chrono::Duration::milliseconds(5),
        lease: chrono::Duration::minutes(10),
    }
}
