//! Rate limits live in the database, so several processes share one budget; sign-in counts
//! failures only; a device cookie from a past sign-in keeps strangers from locking the
//! owner out (OWASP's device-cookie scheme).

use diesel::prelude::*;
use ladder::schema::rate_limits;
use ladder::startup::Application;

use crate::helpers::{Browser, PASSWORD, TestApp, TestDatabase, spawn_app_with, test_settings};

/// Another `ladder serve` process on the same database: (its address, its data dir).
async fn second_instance(app: &TestApp, extra: &[(&str, &str)]) -> (String, tempfile::TempDir) {
    let url = match &app.database {
        TestDatabase::Sqlite { dir } => {
            format!("sqlite://{}", dir.path().join("ladder.db").display())
        }
        TestDatabase::Postgres { admin_url, name } => {
            crate::helpers::with_database(admin_url, name)
        }
    };
    let data_dir = tempfile::tempdir().unwrap();
    let other = Application::build(test_settings(&url, data_dir.path(), extra))
        .await
        .expect("second instance builds");
    let address = format!("http://127.0.0.1:{}", other.port());
    tokio::spawn(other.run_until_stopped());
    (address, data_dir)
}

/// A sign-in as sent through a proxy that says the client is `client_ip`.
async fn login_from(browser: &Browser, client_ip: &str, email: &str, password: &str) -> u16 {
    let token = browser.csrf().await;
    browser
        .client
        .post(browser.url("/login"))
        .header("x-forwarded-for", client_ip)
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", email),
            ("password", password),
        ])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn owner(app: &TestApp) {
    let r = app
        .browser()
        .sign_up_company("Acme", "Jo", "jo@acme.example", PASSWORD)
        .await;
    assert_eq!(r.status().as_u16(), 303);
}

#[tokio::test]
async fn two_processes_share_one_sign_in_budget() {
    let app = spawn_app_with(&[]).await;
    owner(&app).await;
    let (other, _dir) = second_instance(&app, &[]).await;
    let here = app.browser();
    let there = Browser {
        client: crate::helpers::new_client(),
        address: other,
    };
    // Five wrong passwords on each process: ten on the account in all.
    for i in 0..10 {
        let browser = if i % 2 == 0 { &here } else { &there };
        let status = browser
            .login("jo@acme.example", "wrong password guess")
            .await
            .status()
            .as_u16();
        assert_eq!(status, 422, "attempt {i}");
    }
    for browser in [&here, &there] {
        assert_eq!(
            browser
                .login("jo@acme.example", PASSWORD)
                .await
                .status()
                .as_u16(),
            429,
            "both processes see the spent budget"
        );
    }
    let hits: Vec<(String, i32)> = app
        .with_conn(|conn| {
            rate_limits::table
                .select((rate_limits::key, rate_limits::hits))
                .order(rate_limits::key.asc())
                .load(conn)
                .unwrap()
        })
        .await;
    assert!(
        hits.contains(&("sign-in/account:jo@acme.example".into(), 10)),
        "{hits:?}"
    );
}

/// `n` browsers, every other one talking to the second process.
fn alternating_browsers(app: &TestApp, other: &str, n: usize) -> Vec<Browser> {
    (0..n)
        .map(|i| Browser {
            client: crate::helpers::new_client(),
            address: if i % 2 == 0 {
                app.address.clone()
            } else {
                other.to_owned()
            },
        })
        .collect()
}

/// Failed sign-ins counted on an account in the current window.
async fn account_hits(app: &TestApp, email: &str) -> i32 {
    let key = format!("sign-in/account:{email}");
    app.with_conn(move |conn| {
        rate_limits::table
            .filter(rate_limits::key.eq(&key))
            .select(rate_limits::hits)
            .first(conn)
            .unwrap()
    })
    .await
}

#[tokio::test]
async fn concurrent_failures_on_two_processes_are_all_counted() {
    let app = spawn_app_with(&[]).await;
    let (other, _dir) = second_instance(&app, &[]).await;
    let browsers = alternating_browsers(&app, &other, 8);
    let attempts = browsers
        .iter()
        .map(|b| b.login("nobody@acme.example", "wrong password guess"));
    let statuses: Vec<u16> = futures_util::future::join_all(attempts)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert!(statuses.iter().all(|s| *s == 422), "{statuses:?}");
    let hits = account_hits(&app, "nobody@acme.example").await;
    assert_eq!(hits, 8, "no lost update, no unique-violation error");
}

/// A burst of parallel guesses on one account, across two processes: each attempt is
/// counted before its password is checked, so no more than the limit (10) get a verdict;
/// the rest are refused with 429 (and not counted).
#[tokio::test]
async fn a_parallel_burst_of_guesses_gets_no_more_than_the_limit() {
    let app = spawn_app_with(&[]).await;
    let (other, _dir) = second_instance(&app, &[]).await;
    let browsers = alternating_browsers(&app, &other, 24);
    let attempts = browsers
        .iter()
        .map(|b| b.login("target@acme.example", "wrong password guess"));
    let statuses: Vec<u16> = futures_util::future::join_all(attempts)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    let checked = statuses.iter().filter(|s| **s == 422).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((checked, refused), (10, 14), "{statuses:?}");
    let hits = account_hits(&app, "target@acme.example").await;
    assert_eq!(hits, 10);
}

#[tokio::test]
async fn successful_sign_ins_do_not_count() {
    let app = spawn_app_with(&[]).await;
    owner(&app).await;
    let browser = app.browser();
    for _ in 0..25 {
        assert_eq!(
            browser
                .login("jo@acme.example", PASSWORD)
                .await
                .status()
                .as_u16(),
            303
        );
    }
}

#[tokio::test]
async fn strangers_guessing_cannot_lock_the_owner_out() {
    let app = spawn_app_with(&[("LADDER_TRUSTED_PROXIES", "127.0.0.1")]).await;
    owner(&app).await;
    // The owner signed in on this browser before: it holds a device cookie.
    let owners_browser = app.browser();
    let r = owners_browser.login("jo@acme.example", PASSWORD).await;
    let device = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_lowercase())
        .find(|c| c.starts_with("ladder_device="))
        .expect("a device cookie after a successful sign-in");
    assert!(
        device.contains("httponly") && device.contains("max-age="),
        "{device}"
    );
    owners_browser.post("/logout", &[]).await;

    // Ten wrong passwords from ten addresses lock the account for untrusted browsers.
    for i in 1..=10 {
        let status = login_from(
            &app.browser(),
            &format!("203.0.113.{i}"),
            "jo@acme.example",
            "wrong password guess",
        )
        .await;
        assert_eq!(status, 422, "guess {i}");
    }
    let attacker = app.browser();
    assert_eq!(
        login_from(&attacker, "203.0.113.99", "jo@acme.example", PASSWORD).await,
        429,
        "even the right password, from a browser without the device cookie"
    );
    // The owner's browser, with its device cookie, signs in.
    assert_eq!(
        login_from(&owners_browser, "198.51.100.7", "jo@acme.example", PASSWORD).await,
        303
    );
    assert_eq!(owners_browser.get("/account").await.status().as_u16(), 200);

    // A forged device cookie, or one issued for another account, exempts nobody.
    let forged = format!("abc.{}.{}", hex_encode("jo@acme.example"), "00".repeat(32));
    assert_eq!(login_with_device(&app, &forged).await, 429);
    owner_of_other(&app).await;
    let eves_browser = app.browser();
    let r = eves_browser.login("eve@other.example", PASSWORD).await;
    let eves_device = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find_map(|c| {
            c.strip_prefix("ladder_device=")
                .map(|v| v.split(';').next().unwrap().to_owned())
        })
        .unwrap();
    assert_eq!(login_with_device(&app, &eves_device).await, 429);
}

async fn owner_of_other(app: &TestApp) {
    let r = app
        .browser()
        .sign_up_company("Other", "Eve", "eve@other.example", PASSWORD)
        .await;
    assert_eq!(r.status().as_u16(), 303);
}

/// Jo's right password from a fresh browser presenting `device` as its device cookie.
async fn login_with_device(app: &TestApp, device: &str) -> u16 {
    // No cookie jar here: the session cookie and the device cookie are sent by hand.
    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = plain.get(app.url("/login")).send().await.unwrap();
    let session = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("ladder_session="))
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let token = crate::helpers::csrf_from(&page.text().await.unwrap());
    plain
        .post(app.url("/login"))
        .header("cookie", format!("{session}; ladder_device={device}"))
        .header("x-forwarded-for", "203.0.113.77")
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", "jo@acme.example"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

fn hex_encode(text: &str) -> String {
    text.bytes().map(|b| format!("{b:02x}")).collect()
}

/// The Redis the tests may use: `LADDER_TEST_REDIS_URL`, else 127.0.0.1:6379 when it answers.
fn test_redis() -> Option<String> {
    if let Ok(url) = std::env::var("LADDER_TEST_REDIS_URL") {
        return Some(url).filter(|u| !u.is_empty());
    }
    let address = "127.0.0.1:6379".parse().unwrap();
    std::net::TcpStream::connect_timeout(&address, std::time::Duration::from_millis(200))
        .ok()
        .map(|_| "redis://127.0.0.1:6379".to_owned())
}

async fn table_rows(app: &TestApp) -> i64 {
    app.with_conn(|conn| rate_limits::table.count().get_result(conn).unwrap())
        .await
}

#[tokio::test]
async fn with_redis_two_processes_share_one_budget_there() {
    let Some(redis) = test_redis() else {
        eprintln!("skipped: no Redis at 127.0.0.1:6379 and LADDER_TEST_REDIS_URL unset");
        return;
    };
    let settings = [("LADDER_REDIS_URL", redis.as_str())];
    let app = spawn_app_with(&settings).await;
    owner(&app).await;
    let (other, _dir) = second_instance(&app, &settings).await;
    let there = Browser {
        client: crate::helpers::new_client(),
        address: other,
    };
    for i in 0..10 {
        let browser = if i % 2 == 0 { &app.browser() } else { &there };
        let status = browser
            .login("jo@acme.example", "wrong password guess")
            .await
            .status()
            .as_u16();
        assert_eq!(status, 422, "attempt {i}");
    }
    assert_eq!(
        there
            .login("jo@acme.example", PASSWORD)
            .await
            .status()
            .as_u16(),
        429
    );
    assert_eq!(
        table_rows(&app).await,
        0,
        "counted in Redis, not the database"
    );
}

#[tokio::test]
async fn an_unreachable_redis_falls_back_to_the_database() {
    // Nothing listens on port 1: every Redis call fails fast and the database counts.
    let app = spawn_app_with(&[("LADDER_REDIS_URL", "redis://127.0.0.1:1")]).await;
    owner(&app).await;
    let browser = app.browser();
    for _ in 0..10 {
        assert_eq!(
            browser
                .login("jo@acme.example", "wrong password guess")
                .await
                .status()
                .as_u16(),
            422
        );
    }
    assert_eq!(
        browser
            .login("jo@acme.example", PASSWORD)
            .await
            .status()
            .as_u16(),
        429
    );
    assert!(table_rows(&app).await > 0);
}
