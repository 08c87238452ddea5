use diesel::prelude::*;
use ladder::schema::users;

use crate::helpers::{Browser, PASSWORD, TestApp, location, spawn_app};

async fn user_count(app: &TestApp) -> i64 {
    app.with_conn(|conn| users::table.count().get_result(conn).unwrap())
        .await
}

#[tokio::test]
async fn state_changing_requests_without_a_valid_csrf_token_are_refused() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser
        .sign_up_company_and_sign_in("Acme", "Jo Smith", "jo@acme.example", PASSWORD)
        .await;

    // No token, a wrong token, another session's token: 403 and nothing changes.
    let r = browser
        .post_without_csrf("/account/name", &[("name", "Mallory")])
        .await;
    assert_eq!(r.status().as_u16(), 403);
    let r = browser
        .client
        .post(browser.url("/account/name"))
        .form(&[("csrf_token", "forged"), ("name", "Mallory")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let other = app.browser().csrf().await;
    let r = browser
        .client
        .post(browser.url("/account/name"))
        .form(&[("csrf_token", other.as_str()), ("name", "Mallory")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let r = browser.post_without_csrf("/logout", &[]).await;
    assert_eq!(r.status().as_u16(), 403);
    let anonymous = app.browser();
    let r = anonymous
        .post_without_csrf(
            "/signup",
            &[
                ("company_name", "X"),
                ("name", "Y"),
                ("email", "y@x.example"),
                ("password", PASSWORD),
                ("time_zone", "UTC"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 403);
    let name: String = app
        .with_conn(|conn| users::table.select(users::name).first(conn).unwrap())
        .await;
    assert_eq!(name, "Jo Smith");
    assert_eq!(user_count(&app).await, 1);

    // htmx sends the token as a header instead.
    let token = browser.csrf().await;
    let r = browser
        .client
        .post(browser.url("/account/name"))
        .header("x-csrf-token", token)
        .header("hx-request", "true")
        .form(&[("name", "Jo Q. Smith")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
}

#[tokio::test]
async fn sign_in_is_rate_limited_per_account_and_per_ip() {
    let app = spawn_app().await;
    app.browser()
        .sign_up_company("Acme", "Jo", "jo@acme.example", PASSWORD)
        .await;
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
    let r = browser.login("jo@acme.example", PASSWORD).await;
    assert_eq!(r.status().as_u16(), 429, "per-account limit");
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=600).contains(&retry));
    assert!(r.text().await.unwrap().contains("Too many attempts"));

    // Other accounts from the same address, up to the per-IP limit (20 failures in 10
    // minutes; the refused attempt above was not counted).
    for i in 0..10 {
        let status = browser
            .login(&format!("other{i}@acme.example"), "wrong password guess")
            .await
            .status()
            .as_u16();
        assert_eq!(status, 422, "attempt {i}");
    }
    assert_eq!(
        browser
            .login("someone@acme.example", "wrong password guess")
            .await
            .status()
            .as_u16(),
        429,
        "per-IP limit"
    );
}

#[tokio::test]
async fn sign_up_reset_and_resend_are_rate_limited() {
    let app = spawn_app().await;
    // Invalid submissions don't count (they create nothing); account creations do.
    let browser = app.browser();
    for i in 0..12 {
        assert_eq!(
            browser
                .apply("Spam Bot", &format!("bot{i}@spam.example"), "")
                .await
                .status()
                .as_u16(),
            422
        );
    }
    for i in 0..10 {
        let r = app
            .browser()
            .apply("Spam Bot", &format!("bot{i}@spam.example"), PASSWORD)
            .await;
        assert_eq!(r.status().as_u16(), 303, "account {i}");
    }
    let r = app
        .browser()
        .apply("Spam Bot", "bot-eleven@spam.example", PASSWORD)
        .await;
    assert_eq!(r.status().as_u16(), 429);
    assert!(r.headers().contains_key("retry-after"));

    let browser = app.browser();
    for _ in 0..3 {
        assert_eq!(
            browser
                .post("/password/forgot", &[("email", "victim@acme.example")])
                .await
                .status()
                .as_u16(),
            200
        );
    }
    assert_eq!(
        browser
            .post("/password/forgot", &[("email", "victim@acme.example")])
            .await
            .status()
            .as_u16(),
        429
    );
}

/// Bad input of every kind gets a 4xx and a page, never a 500, and nothing is saved.
#[tokio::test]
async fn bad_form_input_is_refused_with_messages_never_a_500() {
    let app = spawn_app().await;
    let long = "x".repeat(5000);
    let huge_email = format!("{}@example.com", "a".repeat(300));
    let valid = [
        ("company_name", "Acme"),
        ("name", "Jo Smith"),
        ("email", "jo@acme.example"),
        ("password", PASSWORD),
        ("time_zone", "Europe/Berlin"),
    ];
    let cases: Vec<(&str, String)> = vec![
        ("company_name", String::new()),
        ("company_name", long.clone()),
        ("name", "   ".into()),
        ("name", "Jo\u{1b}[31mSmith".into()),
        ("email", "not-an-email".into()),
        ("email", "jo@".into()),
        ("email", huge_email),
        ("email", "<script>alert(1)</script>@x.io".into()),
        ("email", "'; DROP TABLE users; --".into()),
        ("password", "short".into()),
        ("password", "x".repeat(129)),
        ("password", " ".repeat(20)),
        ("time_zone", "Mars/Olympus_Mons".into()),
        ("time_zone", "1 OR 1=1".into()),
        ("time_zone", String::new()),
    ];
    for (field, value) in cases {
        let browser = Browser {
            client: crate::helpers::new_client(),
            address: app.address.clone(),
        };
        let fields: Vec<(&str, &str)> = valid
            .iter()
            .map(|(k, v)| {
                if *k == field {
                    (*k, value.as_str())
                } else {
                    (*k, *v)
                }
            })
            .collect();
        let r = browser.post("/signup", &fields).await;
        let status = r.status().as_u16();
        let html = r.text().await.unwrap();
        assert_eq!(status, 422, "{field}={value:?} gave {status}");
        assert!(
            html.contains("field-error"),
            "{field}: a message beside the field"
        );
        assert!(
            !html.contains(PASSWORD),
            "{field}: the password is never echoed"
        );
        if field != "company_name" {
            assert!(
                html.contains("value=\"Acme\""),
                "{field}: other input is kept"
            );
        }
    }
    // A NUL byte never reaches the form: the input edge answers 400 with the reason.
    let r = app
        .browser()
        .post(
            "/signup",
            &[("company_name", "Acme\u{0}Corp"), ("name", "Jo Smith")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 400);
    assert!(r.text().await.unwrap().contains("NUL"));
    assert_eq!(user_count(&app).await, 0, "nothing half-saved");

    // Script in a valid field is stored as text and escaped on the way out.
    let browser = app.browser();
    let r = browser
        .sign_up_company(
            "<script>alert(1)</script>",
            "<b>Jo</b>",
            "jo@acme.example",
            PASSWORD,
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    browser.login("jo@acme.example", PASSWORD).await;
    let (_, html) = browser.get_html("/account").await;
    assert!(
        !html.contains("<script>alert(1)</script>") && html.contains("&#60;script&#62;"),
        "{html}"
    );

    // Wrong types and missing fields: 4xx, not 5xx.
    let b = app.browser();
    let token = b.csrf().await;
    for body in [
        "csrf_token=TOKEN&%ZZ=1",
        "csrf_token=TOKEN",
        "csrf_token=TOKEN&email[]=a&email[]=b",
    ] {
        let r = b
            .client
            .post(b.url("/apply"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.replace("TOKEN", &token))
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        assert!((400..500).contains(&status), "{body} gave {status}");
    }
    let r = b
        .client
        .post(b.url("/login"))
        .header("x-csrf-token", &token)
        .json(&serde_json::json!({"email": 1}))
        .send()
        .await
        .unwrap();
    assert!((400..500).contains(&r.status().as_u16()));
}

/// Who may open what. Later issues add their routes to this table.
#[tokio::test]
async fn role_matrix_over_every_route() {
    let app = spawn_app().await;
    let company = app.verified_company("Acme", "jo@acme.example").await;
    let other_company = app.verified_company("Globex", "hank@globex.example").await;
    let developer = app.browser();
    developer
        .apply_and_sign_in("Ana Souza", "ana@devs.example", PASSWORD)
        .await;
    let admin = app.browser();
    app.with_conn(|conn| {
        ladder::services::accounts::create_admin(
            conn,
            &ladder::domain::Email::parse("root@ladder.example").unwrap(),
            &ladder::auth::password::NewPassword::parse(PASSWORD).unwrap(),
        )
        .unwrap();
    })
    .await;
    assert_eq!(
        admin
            .login("root@ladder.example", PASSWORD)
            .await
            .status()
            .as_u16(),
        303
    );
    let anonymous = app.browser();

    // (path, anonymous, company, other company, developer, admin); 303 = sent to sign in.
    let table: &[(&str, [u16; 5])] = &[
        ("/", [200; 5]),
        ("/pricing", [200; 5]),
        ("/healthz", [200; 5]),
        ("/readyz", [200; 5]),
        ("/login", [200, 303, 303, 303, 303]),
        ("/signup", [200, 303, 303, 303, 303]),
        ("/apply", [200, 303, 303, 303, 303]),
        ("/password/forgot", [200; 5]),
        ("/account", [303, 200, 200, 200, 200]),
        ("/verify-email/resend", [200; 5]),
        ("/check-email", [200; 5]),
        ("/dev/mailbox", [200; 5]),
        ("/shortlists", [303, 200, 200, 403, 403]),
        ("/interviews", [303, 200, 200, 403, 403]),
        ("/company/team", [303, 200, 200, 403, 403]),
        ("/me/interviews", [303, 403, 403, 200, 403]),
        ("/shortlists/1", [303, 404, 404, 403, 403]),
        ("/shortlists/1/compare", [303, 404, 404, 403, 403]),
        ("/interviews/1", [303, 404, 404, 403, 403]),
        (
            "/interviews/new?developer=nobody",
            [303, 404, 404, 403, 403],
        ),
    ];
    let who = [&anonymous, &company, &other_company, &developer, &admin];
    let names = [
        "anonymous",
        "company",
        "other company",
        "developer",
        "admin",
    ];
    for (path, expected) in table {
        for ((browser, name), want) in who.iter().zip(names).zip(expected) {
            let r = browser.get(path).await;
            let status = r.status().as_u16();
            assert_eq!(status, *want, "{name} GET {path}");
            if *want == 303 && name == "anonymous" {
                assert!(
                    location(&r).starts_with("/login?next="),
                    "{name} GET {path} → {}",
                    location(&r)
                );
            }
        }
    }
}
