use diesel::prelude::*;
use ladder::schema::{companies, company_members, developers, email_tokens, users};

use crate::helpers::{PASSWORD, location, spawn_app, spawn_app_with};

#[tokio::test]
async fn a_company_signs_up_verifies_and_signs_in_and_out() {
    let app = spawn_app().await;
    let browser = app.browser();
    let r = browser
        .sign_up_company("Acme Robotics", "Jo Smith", "Jo@Acme.example", PASSWORD)
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), "/check-email");
    // Not signed in: the page asks to confirm the address first.
    let (_, html) = browser.get_html("/check-email").await;
    assert!(html.contains("jo@acme.example"), "{html}");
    assert_eq!(
        location(&browser.get("/account").await),
        "/login?next=%2Faccount"
    );

    let (company, role, verified) = app
        .with_conn(|conn| {
            let company: (i32, String, String) = companies::table
                .select((companies::id, companies::name, companies::time_zone))
                .first(conn)
                .unwrap();
            let role: String = company_members::table
                .select(company_members::role)
                .first(conn)
                .unwrap();
            let verified: Option<chrono::NaiveDateTime> = users::table
                .filter(users::email.eq("jo@acme.example"))
                .select(users::email_verified_at)
                .first(conn)
                .unwrap();
            (company, role, verified)
        })
        .await;
    assert_eq!(
        (company.1.as_str(), company.2.as_str(), role.as_str()),
        ("Acme Robotics", "Europe/Berlin", "owner")
    );
    assert!(verified.is_none());

    // Signed in with the password but unverified: the account page says so.
    assert_eq!(
        browser
            .login("jo@acme.example", PASSWORD)
            .await
            .status()
            .as_u16(),
        303
    );
    let (status, html) = browser.get_html("/account").await;
    assert_eq!(status, 200);
    assert!(html.contains("not confirmed"));

    // Exactly one verification email, whose link works once.
    let emails = app.emails_to("jo@acme.example").await;
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].kind, "verify_email");
    let link = app
        .link_in_latest_email("jo@acme.example", "/verify-email/")
        .await;
    let r = browser.get(&link).await;
    assert_eq!(
        (r.status().as_u16(), location(&r)),
        (303, "/developers".into())
    );
    let (_, html) = browser.get_html("/account").await;
    assert!(html.contains("confirmed") && !html.contains("not confirmed"));
    assert_eq!(
        browser.get(&link).await.status().as_u16(),
        400,
        "links are single-use"
    );
    // The token is stored hashed, never in clear.
    let raw = link.rsplit('/').next().unwrap().to_owned();
    let stored: Vec<String> = app
        .with_conn(|conn| {
            email_tokens::table
                .select(email_tokens::token_hash)
                .load(conn)
                .unwrap()
        })
        .await;
    assert!(!stored.contains(&raw));

    // Sign out (POST), then in again.
    let r = browser.post("/logout", &[]).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(
        location(&browser.get("/account").await),
        "/login?next=%2Faccount"
    );
    let r = browser.login("jo@acme.example", PASSWORD).await;
    assert_eq!(
        (r.status().as_u16(), location(&r)),
        (303, "/developers".into())
    );
}

#[tokio::test]
async fn a_developer_applies_with_a_draft_profile() {
    let app = spawn_app().await;
    let browser = app.browser();
    let r = browser
        .apply("Łucja Nowak-Kowalska", "lucja@devs.example", PASSWORD)
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (status, country, zone, first, last) = app
        .with_conn(|conn| {
            developers::table
                .select((
                    developers::status,
                    developers::country_code,
                    developers::time_zone,
                    developers::first_name,
                    developers::last_name,
                ))
                .first::<(String, String, String, String, String)>(conn)
                .unwrap()
        })
        .await;
    assert_eq!(
        (status.as_str(), country.as_str(), zone.as_str()),
        ("draft", "PL", "Europe/Warsaw")
    );
    assert_eq!((first.as_str(), last.as_str()), ("Łucja", "Nowak-Kowalska"));
    assert_eq!(app.emails_to("lucja@devs.example").await.len(), 1);
}

/// Sign-up and apply answer a taken address exactly as a new one (no account enumeration);
/// the address's owner is told by email instead, and no second account is made.
#[tokio::test]
async fn signing_up_with_a_taken_email_looks_new_and_tells_the_owner() {
    let app = spawn_app().await;
    app.browser()
        .sign_up_company("Acme", "Jo", "jo@acme.example", PASSWORD)
        .await;
    let mut taken_times = Vec::new();
    let mut new_times = Vec::new();
    for i in 0..2 {
        let stranger = app.browser();
        let started = std::time::Instant::now();
        let taken = stranger
            .apply("Jo Again", " JO@acme.example", PASSWORD)
            .await;
        taken_times.push(started.elapsed());
        let started = std::time::Instant::now();
        let fresh = app
            .browser()
            .apply("Someone New", &format!("new{i}@acme.example"), PASSWORD)
            .await;
        new_times.push(started.elapsed());
        assert_eq!(taken.status().as_u16(), 303);
        assert_eq!(location(&taken), location(&fresh));
        assert_eq!(location(&taken), "/check-email");
        assert!(
            taken.headers().contains_key("set-cookie")
                && fresh.headers().contains_key("set-cookie")
        );
        // The same page, naming the address typed.
        let page = stranger.get_html("/check-email").await.1;
        assert!(
            page.contains("We sent an email to <strong>jo@acme.example</strong>"),
            "{page}"
        );
        // But nobody is signed in to Jo's account.
        assert_eq!(
            location(&stranger.get("/account").await),
            "/login?next=%2Faccount"
        );
    }
    let r = app
        .browser()
        .sign_up_company("Other Co", "Eve", "jo@acme.example", PASSWORD)
        .await;
    assert_eq!(
        (r.status().as_u16(), location(&r)),
        (303, "/check-email".into())
    );
    // Both answers hash a password: a taken address is not answered noticeably faster.
    let (taken, fresh) = (
        taken_times.iter().min().unwrap(),
        new_times.iter().min().unwrap(),
    );
    println!("sign-up answer times: taken address {taken:?}, new address {fresh:?}");
    assert!(
        taken.as_secs_f64() > fresh.as_secs_f64() * 0.3,
        "{taken:?} vs {fresh:?}"
    );

    let count: i64 = app
        .with_conn(|conn| {
            users::table
                .filter(users::email.eq("jo@acme.example"))
                .count()
                .get_result(conn)
                .unwrap()
        })
        .await;
    assert_eq!(count, 1);
    let companies: i64 = app
        .with_conn(|conn| companies::table.count().get_result(conn).unwrap())
        .await;
    assert_eq!(companies, 1, "no company for the refused sign-up");
    // The owner hears about it (at most 3 such mails an hour), with a way in.
    let emails = app.emails_to("jo@acme.example").await;
    let warnings: Vec<_> = emails
        .iter()
        .filter(|e| e.kind == "account_exists")
        .collect();
    assert_eq!(warnings.len(), 3);
    let text = &warnings[0].text_body;
    assert!(
        text.contains("tried to create a new Ladder account"),
        "{text}"
    );
    assert!(
        text.contains("/login") && text.contains("/password/forgot"),
        "{text}"
    );
    // The owner's account is untouched.
    assert_eq!(
        app.browser()
            .login("jo@acme.example", PASSWORD)
            .await
            .status()
            .as_u16(),
        303
    );
}

#[tokio::test]
async fn sign_in_failures_look_the_same_for_unknown_and_known_emails() {
    let app = spawn_app().await;
    app.browser()
        .sign_up_company("Acme", "Jo", "jo@acme.example", PASSWORD)
        .await;
    let browser = app.browser();

    // Warm the dummy hash so the first measurement isn't its one-off cost.
    browser
        .login("warmup@nowhere.example", "whatever-password")
        .await;

    // The fastest of three tries each, so a busy machine's pauses don't decide it.
    let mut wrong_time = std::time::Duration::MAX;
    let mut unknown_time = std::time::Duration::MAX;
    let (mut wrong_status, mut wrong_html) = (0, String::new());
    let (mut unknown_status, mut unknown_html) = (0, String::new());
    for _ in 0..3 {
        let started = std::time::Instant::now();
        let wrong = browser
            .login("jo@acme.example", "not the right password")
            .await;
        wrong_time = wrong_time.min(started.elapsed());
        (wrong_status, wrong_html) = (wrong.status().as_u16(), wrong.text().await.unwrap());

        let started = std::time::Instant::now();
        let unknown = browser
            .login("nobody@nowhere.example", "not the right password")
            .await;
        unknown_time = unknown_time.min(started.elapsed());
        (unknown_status, unknown_html) = (unknown.status().as_u16(), unknown.text().await.unwrap());
    }

    assert_eq!((wrong_status, unknown_status), (422, 422));
    let message = "That email and password don";
    assert!(
        wrong_html.contains(message) && unknown_html.contains(message),
        "{wrong_html}"
    );
    // Both paths run a full argon2 verification: neither is an order of magnitude faster.
    let (a, b) = (wrong_time.as_secs_f64(), unknown_time.as_secs_f64());
    assert!(
        a.min(b) * 4.0 > a.max(b),
        "wrong password {a:.3}s vs unknown email {b:.3}s"
    );
    assert!(
        !unknown_html.contains("value=\"not the right password\""),
        "passwords are never echoed"
    );
}

#[tokio::test]
async fn sign_in_returns_to_same_site_pages_only() {
    let app = spawn_app().await;
    app.browser()
        .sign_up_company("Acme", "Jo", "jo@acme.example", PASSWORD)
        .await;

    let browser = app.browser();
    let r = browser.get("/account").await;
    assert_eq!(location(&r), "/login?next=%2Faccount");
    let (_, form) = browser.get_html("/login?next=%2Faccount").await;
    assert!(form.contains("name=\"next\" value=\"/account\""));
    let r = browser
        .post(
            "/login",
            &[
                ("email", "jo@acme.example"),
                ("password", PASSWORD),
                ("next", "/account"),
            ],
        )
        .await;
    assert_eq!(location(&r), "/account");

    for evil in [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
    ] {
        let b = app.browser();
        let r = b
            .post(
                "/login",
                &[
                    ("email", "jo@acme.example"),
                    ("password", PASSWORD),
                    ("next", evil),
                ],
            )
            .await;
        assert_eq!(location(&r), "/developers", "followed {evil}");
    }
}

fn session_cookie(r: &reqwest::Response) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("ladder_session="))
}

#[tokio::test]
async fn session_cookies_are_renewed_at_sign_in_and_locked_down() {
    let app = spawn_app().await;
    app.browser()
        .sign_up_company("Acme", "Jo", "jo@acme.example", PASSWORD)
        .await;
    let browser = app.browser();
    let before =
        session_cookie(&browser.get("/login").await).expect("anonymous session for the CSRF token");
    let r = browser.login("jo@acme.example", PASSWORD).await;
    let after = session_cookie(&r).expect("sign-in sets a cookie");
    assert_ne!(
        before.split(';').next(),
        after.split(';').next(),
        "a new session value at sign-in"
    );
    let flags = after.to_lowercase();
    assert!(
        flags.contains("httponly") && flags.contains("samesite=lax"),
        "{after}"
    );
    assert!(
        !flags.contains("secure"),
        "no Secure flag over plain http in development"
    );

    let production = spawn_app_with(&[
        ("LADDER_ENV", "production"),
        ("LADDER_SMTP_URL", "smtp://127.0.0.1:1?tls=none"),
        ("STRIPE_SECRET_KEY", "sk_test_x"),
        ("STRIPE_WEBHOOK_SECRET", "whsec_x"),
    ])
    .await;
    let cookie = session_cookie(&production.browser().get("/login").await)
        .unwrap()
        .to_lowercase();
    assert!(
        cookie.contains("secure") && cookie.contains("httponly"),
        "{cookie}"
    );
}

#[tokio::test]
async fn changing_the_password_ends_the_other_sessions_only() {
    let app = spawn_app().await;
    app.browser()
        .sign_up_company("Acme", "Jo", "jo@acme.example", PASSWORD)
        .await;
    let laptop = app.browser();
    let phone = app.browser();
    laptop.login("jo@acme.example", PASSWORD).await;
    phone.login("jo@acme.example", PASSWORD).await;
    assert_eq!(phone.get("/account").await.status().as_u16(), 200);

    let r = laptop
        .post(
            "/account/password",
            &[
                ("current_password", "wrong one entirely"),
                ("new_password", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert_eq!(
        phone.get("/account").await.status().as_u16(),
        200,
        "a failed change ends nothing"
    );

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
    assert_eq!(
        laptop.get("/account").await.status().as_u16(),
        200,
        "this session carries on"
    );
    assert_eq!(
        location(&phone.get("/account").await),
        "/login?next=%2Faccount",
        "the other one ended"
    );
    assert_eq!(
        app.browser()
            .login("jo@acme.example", PASSWORD)
            .await
            .status()
            .as_u16(),
        422
    );
    assert_eq!(
        app.browser()
            .login("jo@acme.example", "a brand new passphrase")
            .await
            .status()
            .as_u16(),
        303
    );
}

#[tokio::test]
async fn password_reset_is_single_use_expires_and_ends_every_session() {
    let app = spawn_app().await;
    app.browser()
        .sign_up_company("Acme", "Jo", "jo@acme.example", PASSWORD)
        .await;
    let phone = app.browser();
    phone.login("jo@acme.example", PASSWORD).await;

    // The same answer whether or not the address has an account.
    let stranger = app.browser();
    let known = stranger
        .post("/password/forgot", &[("email", "jo@acme.example")])
        .await;
    let unknown = stranger
        .post("/password/forgot", &[("email", "nobody@acme.example")])
        .await;
    assert_eq!(
        (known.status().as_u16(), unknown.status().as_u16()),
        (200, 200)
    );
    let (known, unknown) = (known.text().await.unwrap(), unknown.text().await.unwrap());
    let strip = |html: &str, email: &str| {
        html.replace(email, "EMAIL")
            .split("<main")
            .nth(1)
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        strip(&known, "jo@acme.example"),
        strip(&unknown, "nobody@acme.example")
    );
    assert!(app.emails_to("nobody@acme.example").await.is_empty());
    let resets: Vec<_> = app
        .emails_to("jo@acme.example")
        .await
        .into_iter()
        .filter(|e| e.kind == "password_reset")
        .collect();
    assert_eq!(resets.len(), 1, "sent once");

    let link = app
        .link_in_latest_email("jo@acme.example", "/password/reset/")
        .await;
    assert_eq!(stranger.get(&link).await.status().as_u16(), 200);
    let r = stranger.post(&link, &[("password", "short")]).await;
    assert_eq!(r.status().as_u16(), 422, "the rules still apply");
    let r = stranger
        .post(&link, &[("password", "reset passphrase 2026")])
        .await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(
        location(&phone.get("/account").await),
        "/login?next=%2Faccount",
        "every session ended"
    );
    assert_eq!(
        stranger.get(&link).await.status().as_u16(),
        400,
        "single use"
    );
    assert_eq!(
        stranger
            .post(&link, &[("password", "another passphrase 99")])
            .await
            .status()
            .as_u16(),
        400
    );
    assert_eq!(
        app.browser()
            .login("jo@acme.example", "reset passphrase 2026")
            .await
            .status()
            .as_u16(),
        303
    );

    // A fresh link older than an hour no longer works.
    stranger
        .post("/password/forgot", &[("email", "jo@acme.example")])
        .await;
    let link = app
        .link_in_latest_email("jo@acme.example", "/password/reset/")
        .await;
    app.with_conn(|conn| {
        diesel::update(email_tokens::table)
            .set(email_tokens::expires_at.eq(ladder::models::now() - chrono::Duration::minutes(1)))
            .execute(conn)
            .unwrap();
    })
    .await;
    assert_eq!(stranger.get(&link).await.status().as_u16(), 400);
}

#[tokio::test]
async fn verification_links_expire_and_can_be_resent() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser
        .apply_and_sign_in("Ana Souza", "ana@devs.example", PASSWORD)
        .await;
    let first = app
        .link_in_latest_email("ana@devs.example", "/verify-email/")
        .await;
    app.with_conn(|conn| {
        diesel::update(email_tokens::table)
            .set(email_tokens::expires_at.eq(ladder::models::now() - chrono::Duration::minutes(1)))
            .execute(conn)
            .unwrap();
    })
    .await;
    assert_eq!(
        browser.get(&first).await.status().as_u16(),
        410,
        "expired after 48 h"
    );

    assert_eq!(
        browser.get("/verify-email/resend").await.status().as_u16(),
        200
    );
    let r = browser.post("/verify-email/resend", &[]).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(app.emails_to("ana@devs.example").await.len(), 2);
    let second = app
        .link_in_latest_email("ana@devs.example", "/verify-email/")
        .await;
    assert_ne!(first, second);
    let r = browser.get(&second).await;
    assert_eq!(
        (r.status().as_u16(), location(&r)),
        (303, "/me/profile".into())
    );
    // Once verified, resending sends nothing.
    browser.post("/verify-email/resend", &[]).await;
    assert_eq!(app.emails_to("ana@devs.example").await.len(), 2);
}

#[tokio::test]
async fn the_account_page_changes_name_email_and_deletes() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser
        .apply_and_sign_in("Ana Souza", "ana@devs.example", PASSWORD)
        .await;

    assert_eq!(
        browser
            .post("/account/name", &[("name", "Ana Paula Souza")])
            .await
            .status()
            .as_u16(),
        303
    );
    let (_, html) = browser.get_html("/account").await;
    assert!(html.contains("value=\"Ana Paula Souza\""));
    let r = browser.post("/account/name", &[("name", "   ")]).await;
    assert_eq!(r.status().as_u16(), 422);

    // Email change: confirmed from the new address, old one works until then.
    assert_eq!(
        browser
            .post("/account/email", &[("email", "ana.new@devs.example")])
            .await
            .status()
            .as_u16(),
        303
    );
    let (_, html) = browser.get_html("/account").await;
    assert!(html.contains("Waiting for confirmation"));
    assert_eq!(
        app.browser()
            .login("ana@devs.example", PASSWORD)
            .await
            .status()
            .as_u16(),
        303
    );
    let link = app
        .link_in_latest_email("ana.new@devs.example", "/verify-email/")
        .await;
    assert_eq!(browser.get(&link).await.status().as_u16(), 303);
    assert_eq!(
        app.browser()
            .login("ana@devs.example", PASSWORD)
            .await
            .status()
            .as_u16(),
        422
    );
    assert_eq!(
        app.browser()
            .login("ana.new@devs.example", PASSWORD)
            .await
            .status()
            .as_u16(),
        303
    );

    // Deleting needs the password, ends the session, anonymises, unpublishes.
    assert_eq!(
        browser
            .post("/account/delete", &[("password", "wrong password here")])
            .await
            .status()
            .as_u16(),
        422
    );
    assert_eq!(
        browser
            .post("/account/delete", &[("password", PASSWORD)])
            .await
            .status()
            .as_u16(),
        200
    );
    assert_eq!(
        location(&browser.get("/account").await),
        "/login?next=%2Faccount"
    );
    assert_eq!(
        app.browser()
            .login("ana.new@devs.example", PASSWORD)
            .await
            .status()
            .as_u16(),
        422
    );
    let (email, name, first, published) = app
        .with_conn(|conn| {
            let (email, name): (String, String) = users::table
                .select((users::email, users::name))
                .first(conn)
                .unwrap();
            let (first, published): (String, Option<chrono::NaiveDateTime>) = developers::table
                .select((developers::first_name, developers::published_at))
                .first(conn)
                .unwrap();
            (email, name, first, published)
        })
        .await;
    assert!(email.ends_with("@deleted.invalid") && name == "Deleted user" && first == "Former");
    assert!(published.is_none());
}
