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
                    ladder::crypto::random_token(12).to_lowercase()
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
    /// The app's catalog: [`TestApp::with_conn`] tells it about writes once they are done.
    pub catalog: ladder::catalog::Catalog,
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
    let catalog = app.catalog().clone();
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
        catalog,
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

    /// Runs blocking diesel work against the app's database. Like the app's own writes,
    /// the work is signalled to the catalog once it is done (committed).
    pub async fn with_conn<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut DbConn) -> T + Send + 'static,
    ) -> T {
        let db = self.db.clone();
        let done = tokio::task::spawn_blocking(move || {
            let mut conn = db.get().expect("connection");
            work(&mut conn)
        })
        .await
        .unwrap();
        self.catalog.changed();
        done
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
        ..ladder::jobs::WorkerConfig::default()
    }
}

/// One browser: its own cookie jar (session), talking to the app.
pub struct Browser {
    pub client: reqwest::Client,
    pub address: String,
}

pub fn new_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap()
}

/// The CSRF token a page carries in its `<meta name="csrf-token">`.
pub fn csrf_from(html: &str) -> String {
    let marker = "name=\"csrf-token\" content=\"";
    let start = html.find(marker).expect("page has a csrf meta tag") + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

impl Browser {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    pub async fn get_html(&self, path: &str) -> (u16, String) {
        let r = self.get(path).await;
        (r.status().as_u16(), r.text().await.unwrap())
    }

    /// A fresh CSRF token for this browser's session.
    pub async fn csrf(&self) -> String {
        let (_, html) = self.get_html("/login").await;
        if html.contains("csrf-token") {
            return csrf_from(&html);
        }
        csrf_from(&self.get_html("/").await.1)
    }

    /// Submits a form the way a browser does, with the session's CSRF token.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let token = self.csrf().await;
        let mut body: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        body.extend_from_slice(fields);
        self.client
            .post(self.url(path))
            .form(&body)
            .send()
            .await
            .unwrap()
    }

    /// Posts without any CSRF token.
    pub async fn post_without_csrf(
        &self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .unwrap()
    }

    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        self.post("/login", &[("email", email), ("password", password)])
            .await
    }

    pub async fn sign_up_company(
        &self,
        company: &str,
        name: &str,
        email: &str,
        password: &str,
    ) -> reqwest::Response {
        self.post(
            "/signup",
            &[
                ("company_name", company),
                ("name", name),
                ("email", email),
                ("password", password),
                ("time_zone", "Europe/Berlin"),
            ],
        )
        .await
    }

    /// Signs up a company and then signs in with the password, unverified (sign-up itself
    /// never signs in; the verification link or the password does).
    pub async fn sign_up_company_and_sign_in(
        &self,
        company: &str,
        name: &str,
        email: &str,
        password: &str,
    ) {
        let r = self.sign_up_company(company, name, email, password).await;
        assert_eq!(
            (r.status().as_u16(), location(&r)),
            (303, "/check-email".into()),
            "sign-up failed"
        );
        let r = self.login(email, password).await;
        assert_eq!(r.status().as_u16(), 303, "sign-in after sign-up failed");
    }

    /// Applies as a developer and then signs in with the password, unverified.
    pub async fn apply_and_sign_in(&self, name: &str, email: &str, password: &str) {
        let r = self.apply(name, email, password).await;
        assert_eq!(
            (r.status().as_u16(), location(&r)),
            (303, "/check-email".into()),
            "apply failed"
        );
        let r = self.login(email, password).await;
        assert_eq!(r.status().as_u16(), 303, "sign-in after applying failed");
    }

    pub async fn apply(&self, name: &str, email: &str, password: &str) -> reqwest::Response {
        self.post(
            "/apply",
            &[
                ("name", name),
                ("email", email),
                ("password", password),
                ("country", "PL"),
                ("time_zone", "Europe/Warsaw"),
            ],
        )
        .await
    }
}

pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

pub const PASSWORD: &str = "correct horse battery staple";

impl TestApp {
    pub fn browser(&self) -> Browser {
        Browser {
            client: new_client(),
            address: self.address.clone(),
        }
    }

    /// Emails to `address`, oldest first.
    pub async fn emails_to(&self, address: &str) -> Vec<ladder::models::email::EmailRow> {
        let address = address.to_owned();
        let mut rows = self
            .with_conn(move |conn| ladder::models::email::for_recipient(conn, &address).unwrap())
            .await;
        rows.reverse();
        rows
    }

    /// The path of the first link in the latest email to `address` that contains `marker`.
    pub async fn link_in_latest_email(&self, address: &str, marker: &str) -> String {
        let emails = self.emails_to(address).await;
        let latest = emails
            .last()
            .unwrap_or_else(|| panic!("no email to {address}"));
        let link = ladder::services::outbox::links_in(&latest.text_body)
            .into_iter()
            .find(|l| l.contains(marker))
            .unwrap_or_else(|| panic!("no {marker} link in: {}", latest.text_body));
        link.splitn(4, '/').nth(3).map(|p| format!("/{p}")).unwrap()
    }

    /// Follows the latest verification link mailed to `email` in `browser`, which confirms
    /// the address and signs that browser in; returns where it lands.
    pub async fn confirm_email(&self, browser: &Browser, email: &str) -> String {
        let link = self.link_in_latest_email(email, "/verify-email/").await;
        let r = browser.get(&link).await;
        assert_eq!(r.status().as_u16(), 303, "verification link failed");
        location(&r)
    }

    /// A company owner who has signed up and confirmed their email (the link signed them
    /// in); returns their browser.
    pub async fn verified_company(&self, company: &str, email: &str) -> Browser {
        let browser = self.browser();
        let r = browser
            .sign_up_company(company, "Test Owner", email, PASSWORD)
            .await;
        assert_eq!(r.status().as_u16(), 303, "sign-up failed");
        assert_eq!(self.confirm_email(&browser, email).await, "/developers");
        browser
    }

    /// A developer who has applied and confirmed their email (signed in by the link).
    pub async fn verified_developer(&self, name: &str, email: &str) -> Browser {
        let browser = self.browser();
        let r = browser.apply(name, email, PASSWORD).await;
        assert_eq!(r.status().as_u16(), 303, "apply failed");
        assert_eq!(self.confirm_email(&browser, email).await, "/me/profile");
        browser
    }
}

/// The `value` of the first input named `name` in a page.
pub fn form_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} field"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

impl TestApp {
    /// Creates an admin with [`PASSWORD`] and returns their signed-in browser.
    pub async fn signed_in_admin(&self, email: &str) -> Browser {
        let address = email.to_owned();
        self.with_conn(move |conn| {
            ladder::services::accounts::create_admin(
                conn,
                &ladder::domain::Email::parse(&address).unwrap(),
                &ladder::auth::password::NewPassword::parse(PASSWORD).unwrap(),
            )
            .unwrap();
        })
        .await;
        let browser = self.browser();
        assert_eq!(browser.login(email, PASSWORD).await.status().as_u16(), 303);
        browser
    }
}
