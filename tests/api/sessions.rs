//! Sessions live in the database: signing out ends a session everywhere its cookie was
//! copied to, the account page lists and ends sessions, signed-in pages are never cached.

use diesel::prelude::*;
use ladder::schema::{sessions, users};

use crate::helpers::{Browser, PASSWORD, TestApp, location, spawn_app};

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";

fn browser_with_agent(app: &TestApp, user_agent: &str) -> Browser {
    Browser {
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .user_agent(user_agent)
            .build()
            .unwrap(),
        address: app.address.clone(),
    }
}

/// The `name=value` of the session cookie a response sets.
fn session_cookie(r: &reqwest::Response) -> String {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("ladder_session="))
        .expect("sets the session cookie")
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

/// A GET sending exactly `cookie`, as an attacker who copied it would.
async fn get_with_cookie(app: &TestApp, path: &str, cookie: &str) -> reqwest::Response {
    crate::helpers::new_client()
        .get(app.url(path))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
}

async fn signed_up(app: &TestApp, email: &str) {
    let r = app
        .browser()
        .sign_up_company("Acme", "Jo", email, PASSWORD)
        .await;
    assert_eq!(r.status().as_u16(), 303);
}

#[tokio::test]
async fn a_cookie_copied_before_logout_no_longer_opens_the_account() {
    let app = spawn_app().await;
    signed_up(&app, "jo@acme.example").await;
    let browser = app.browser();
    let r = browser.login("jo@acme.example", PASSWORD).await;
    assert_eq!(r.status().as_u16(), 303);
    let copied = session_cookie(&r);
    assert_eq!(
        get_with_cookie(&app, "/account", &copied)
            .await
            .status()
            .as_u16(),
        200,
        "the copy works while the session is open"
    );

    assert_eq!(browser.post("/logout", &[]).await.status().as_u16(), 303);
    let r = get_with_cookie(&app, "/account", &copied).await;
    assert_eq!(
        (r.status().as_u16(), location(&r)),
        (303, "/login?next=%2Faccount".into()),
        "the copied cookie is signed out too"
    );
    // The row records it; only a hash of the cookie's id is stored.
    let (revoked, hashes) = app
        .with_conn(|conn| {
            let revoked: Vec<Option<chrono::NaiveDateTime>> = sessions::table
                .select(sessions::revoked_at)
                .order(sessions::id.asc())
                .load(conn)
                .unwrap();
            let hashes: Vec<String> = sessions::table
                .select(sessions::token_hash)
                .load(conn)
                .unwrap();
            (revoked, hashes)
        })
        .await;
    assert!(revoked.last().unwrap().is_some());
    assert!(hashes.iter().all(|h| h.len() == 64));
    // Signing in again starts a new session; the old copy stays dead.
    assert_eq!(
        browser
            .login("jo@acme.example", PASSWORD)
            .await
            .status()
            .as_u16(),
        303
    );
    assert_eq!(browser.get("/account").await.status().as_u16(), 200);
    assert_eq!(
        get_with_cookie(&app, "/account", &copied)
            .await
            .status()
            .as_u16(),
        303
    );
}

#[tokio::test]
async fn the_account_page_lists_sessions_and_signs_them_out() {
    let app = spawn_app().await;
    signed_up(&app, "jo@acme.example").await;
    let laptop = browser_with_agent(&app, FIREFOX);
    let phone = browser_with_agent(&app, IPHONE);
    let tablet = app.browser();
    for b in [&laptop, &phone, &tablet] {
        assert_eq!(
            b.login("jo@acme.example", PASSWORD).await.status().as_u16(),
            303
        );
    }
    let (status, html) = laptop.get_html("/account").await;
    assert_eq!(status, 200);
    assert!(html.contains("Firefox on Linux"), "{html}");
    assert!(html.contains("Safari on iOS"));
    assert_eq!(html.matches("this device").count(), 1);
    assert_eq!(
        html.matches("data-session=").count(),
        3,
        "3 sign-ins (signing up does not sign in)"
    );
    let phone_id: i32 = app
        .with_conn(|conn| {
            sessions::table
                .filter(sessions::user_agent.eq(IPHONE))
                .select(sessions::id)
                .first(conn)
                .unwrap()
        })
        .await;
    let laptop_id: i32 = app
        .with_conn(|conn| {
            sessions::table
                .filter(sessions::user_agent.eq(FIREFOX))
                .select(sessions::id)
                .first(conn)
                .unwrap()
        })
        .await;
    assert!(
        html.contains(&format!(
            "data-session=\"{laptop_id}\" data-current=\"true\""
        )),
        "this device is marked on its own row"
    );

    // Sign the phone out from the laptop.
    let r = laptop
        .post(&format!("/account/sessions/{phone_id}/revoke"), &[])
        .await;
    assert_eq!(
        (r.status().as_u16(), location(&r)),
        (303, "/account".into())
    );
    assert_eq!(
        location(&phone.get("/account").await),
        "/login?next=%2Faccount"
    );
    assert_eq!(tablet.get("/account").await.status().as_u16(), 200);
    let (_, html) = laptop.get_html("/account").await;
    assert!(!html.contains("Safari on iOS"));

    // Someone else's session cannot be ended from this account.
    signed_up(&app, "eve@other.example").await;
    let eve = app.browser();
    eve.login("eve@other.example", PASSWORD).await;
    let r = eve
        .post(&format!("/account/sessions/{phone_id}/revoke"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    eve.post(&format!("/account/sessions/{laptop_id}/revoke"), &[])
        .await;
    assert_eq!(laptop.get("/account").await.status().as_u16(), 200);

    // Every other device: the tablet goes, the laptop stays.
    let r = laptop.post("/account/sessions/revoke-others", &[]).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(
        location(&tablet.get("/account").await),
        "/login?next=%2Faccount"
    );
    let (status, html) = laptop.get_html("/account").await;
    assert_eq!(status, 200);
    assert_eq!(html.matches("data-session=").count(), 1);

    // Signing out this device from the list signs this browser out.
    let r = laptop
        .post(&format!("/account/sessions/{laptop_id}/revoke"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(
        location(&laptop.get("/account").await),
        "/login?next=%2Faccount"
    );
}

#[tokio::test]
async fn a_password_change_keeps_this_session_and_lists_only_it() {
    let app = spawn_app().await;
    signed_up(&app, "jo@acme.example").await;
    let laptop = app.browser();
    let phone = app.browser();
    laptop.login("jo@acme.example", PASSWORD).await;
    phone.login("jo@acme.example", PASSWORD).await;
    let r = laptop
        .post(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (status, html) = laptop.get_html("/account").await;
    assert_eq!(status, 200);
    assert_eq!(html.matches("data-session=").count(), 1);
    assert_eq!(phone.get("/account").await.status().as_u16(), 303);
}

#[tokio::test]
async fn last_seen_is_written_at_most_once_a_minute() {
    let app = spawn_app().await;
    signed_up(&app, "jo@acme.example").await;
    let browser = app.browser();
    browser.login("jo@acme.example", PASSWORD).await;
    let last_seen = || {
        app.with_conn(|conn| {
            sessions::table
                .order(sessions::id.desc())
                .select((sessions::id, sessions::last_seen_at))
                .first::<(i32, chrono::NaiveDateTime)>(conn)
                .unwrap()
        })
    };
    let (id, first) = last_seen().await;
    browser.get("/account").await;
    assert_eq!(last_seen().await.1, first, "seen just now: nothing written");
    let old = ladder::models::now() - chrono::Duration::minutes(2);
    app.with_conn(move |conn| {
        diesel::update(sessions::table.find(id))
            .set(sessions::last_seen_at.eq(old))
            .execute(conn)
            .unwrap()
    })
    .await;
    browser.get("/account").await;
    let touched = last_seen().await.1;
    assert!(touched > old + chrono::Duration::seconds(100), "{touched}");
    browser.get("/account").await;
    assert_eq!(last_seen().await.1, touched);

    // A session idle for longer than the cookie lives has ended.
    let stale = ladder::models::now() - chrono::Duration::days(15);
    app.with_conn(move |conn| {
        diesel::update(sessions::table.find(id))
            .set(sessions::last_seen_at.eq(stale))
            .execute(conn)
            .unwrap()
    })
    .await;
    assert_eq!(browser.get("/account").await.status().as_u16(), 303);
}

#[tokio::test]
async fn disabling_a_user_ends_every_session() {
    let app = spawn_app().await;
    signed_up(&app, "jo@acme.example").await;
    let admin = app.signed_in_admin("admin@ladder.example").await;
    let jo = app.browser();
    jo.login("jo@acme.example", PASSWORD).await;
    let id: i32 = app
        .with_conn(|conn| {
            users::table
                .filter(users::email.eq("jo@acme.example"))
                .select(users::id)
                .first(conn)
                .unwrap()
        })
        .await;
    admin
        .post(
            &format!("/admin/users/{id}/disable"),
            &[("reason", "abuse")],
        )
        .await;
    assert_eq!(jo.get("/account").await.status().as_u16(), 303);
    let open: i64 = app
        .with_conn(move |conn| {
            sessions::table
                .filter(sessions::user_id.eq(id))
                .filter(sessions::revoked_at.is_null())
                .count()
                .get_result(conn)
                .unwrap()
        })
        .await;
    assert_eq!(open, 0);
}

#[tokio::test]
async fn signed_in_responses_are_private_and_not_stored() {
    let app = spawn_app().await;
    signed_up(&app, "jo@acme.example").await;
    let browser = app.browser();
    browser.login("jo@acme.example", PASSWORD).await;
    for path in ["/account", "/developers", "/", "/shortlists"] {
        let r = browser.get(path).await;
        assert_eq!(
            r.headers()
                .get("cache-control")
                .map(|v| v.to_str().unwrap()),
            Some("private, no-store"),
            "{path}"
        );
    }
    // A redirect that signs in, too.
    let r = app.browser().login("jo@acme.example", PASSWORD).await;
    assert_eq!(r.headers()["cache-control"], "private, no-store");
    // Static assets stay cacheable.
    let (_, html) = browser.get_html("/").await;
    let css = html
        .split("href=\"")
        .map(|s| s.split('"').next().unwrap())
        .find(|h| h.starts_with("/static/") && h.contains(".css"))
        .expect("a stylesheet")
        .to_owned();
    let r = browser.get(&css).await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(
        r.headers()["cache-control"]
            .to_str()
            .unwrap()
            .starts_with("public"),
        "{:?}",
        r.headers()
    );
}

#[tokio::test]
async fn pages_opened_at_once_after_signing_in_share_one_csrf_token() {
    let app = spawn_app().await;
    let company = app.verified_company("Acme", "jo@acme.example").await;
    // Five tabs opened at the same moment: each page's forms must carry the one token the
    // session holds, or all but the last cookie written would answer "form expired".
    let (a, b, c, d, e) = tokio::join!(
        company.get_html("/"),
        company.get_html("/developers"),
        company.get_html("/account"),
        company.get_html("/shortlists"),
        company.get_html("/pricing"),
    );
    let tokens: Vec<String> = [a, b, c, d, e]
        .iter()
        .map(|(_, html)| crate::helpers::csrf_from(html))
        .collect();
    assert!(!tokens[0].is_empty());
    assert!(tokens.iter().all(|t| *t == tokens[0]), "{tokens:?}");
    let r = company
        .post_without_csrf(
            "/shortlists",
            &[("csrf_token", tokens[1].as_str()), ("name", "Backend")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
}
