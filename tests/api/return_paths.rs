//! Where a visitor goes back to: a profile's "Create a company account" and "Sign in"
//! carry `next` (same-site paths only) through sign-in, and through sign-up to the
//! verification link opened in the same browser; the catalog's plain GET form drops empty
//! parameters with a redirect.

use crate::helpers::{PASSWORD, form_value, location, spawn_app};

const PROFILE: &str = "/developers/ana-l-1";

#[tokio::test]
async fn a_search_with_empty_parameters_redirects_to_the_same_search_without_them() {
    let app = spawn_app().await;
    let r = app
        .get(
            "/developers?q=&level=L2&skill=rust&commitment=part_time&years=&tz=&overlap=&sort=best",
        )
        .await;
    assert_eq!(r.status().as_u16(), 302);
    assert_eq!(
        location(&r),
        "/developers?level=L2&skill=rust&commitment=part_time&sort=best"
    );
    let r = app.get("/developers?q=&tz=&overlap=").await;
    assert_eq!(
        (r.status().as_u16(), location(&r)),
        (302, "/developers".into())
    );
    // Nothing empty: answered as before.
    assert_eq!(
        app.get("/developers?level=L2&sort=best")
            .await
            .status()
            .as_u16(),
        200
    );
    assert_eq!(app.get("/developers").await.status().as_u16(), 200);
}

#[tokio::test]
async fn sign_in_returns_to_a_same_site_path_only() {
    let app = spawn_app().await;
    app.verified_company("Acme", "jo@acme.example").await;
    for (next, expected) in [
        (PROFILE, PROFILE),
        ("//evil.example/x", "/developers"),
        ("https://evil.example/x", "/developers"),
        ("/\\evil.example", "/developers"),
    ] {
        let browser = app.browser();
        let (_, form) = browser
            .get_html(&format!(
                "/login?next={}",
                url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
            ))
            .await;
        let kept = form_value(&form, "next");
        assert_eq!(
            kept,
            if expected == PROFILE { PROFILE } else { "" },
            "{next}"
        );
        let r = browser
            .post(
                "/login",
                &[
                    ("email", "jo@acme.example"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(
            (r.status().as_u16(), location(&r)),
            (303, expected.into()),
            "{next}"
        );
    }
}

#[tokio::test]
async fn a_profile_offers_visitors_sign_up_and_sign_in_that_return_to_it() {
    let app = spawn_app().await;
    let browser = app.browser();
    let (status, form) = browser.get_html(&format!("/signup?next={PROFILE}")).await;
    assert_eq!(status, 200);
    assert_eq!(form_value(&form, "next"), PROFILE);
    assert!(form.contains("href=\"/login?next=%2Fdevelopers%2Fana-l-1\""));
    // An outside address is not kept.
    let (_, form) = browser.get_html("/signup?next=//evil.example").await;
    assert!(!form.contains("name=\"next\""));
}

#[tokio::test]
async fn company_sign_up_from_a_profile_returns_there_once_confirmed() {
    let app = spawn_app().await;
    for (email, next, expected) in [
        ("jo@acme.example", PROFILE, PROFILE),
        ("al@acme.example", "//evil.example", "/developers"),
        ("cy@acme.example", "https://evil.example/", "/developers"),
    ] {
        let browser = app.browser();
        let r = browser
            .post(
                "/signup",
                &[
                    ("company_name", "Acme"),
                    ("name", "Jo"),
                    ("email", email),
                    ("password", PASSWORD),
                    ("time_zone", "Europe/Berlin"),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(
            (r.status().as_u16(), location(&r)),
            (303, "/check-email".into())
        );
        assert_eq!(app.confirm_email(&browser, email).await, expected, "{next}");
    }
    // The link opened in another browser goes to the role's usual next step.
    let (first, second) = (app.browser(), app.browser());
    let r = first
        .post(
            "/signup",
            &[
                ("company_name", "Acme"),
                ("name", "Di"),
                ("email", "di@acme.example"),
                ("password", PASSWORD),
                ("time_zone", "Europe/Berlin"),
                ("next", PROFILE),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(
        app.confirm_email(&second, "di@acme.example").await,
        "/developers"
    );
}
