//! The input edge: NUL bytes, invalid UTF-8 and oversized forms are refused with a 4xx and a
//! clear message on every route, before CSRF and before any handler, on both backends. The
//! routes come from the route table itself (src/routes.rs), so a new form is covered the day
//! it is added.

use reqwest::header::CONTENT_TYPE;

use crate::helpers::{Browser, spawn_app};

const ROUTE_TABLE: &str = include_str!("../../src/routes.rs");

/// `(method, path)` of every route in the route table, scopes applied.
fn declared_routes() -> Vec<(&'static str, String)> {
    let src = ROUTE_TABLE;
    let literal_after = |from: usize| -> (String, usize) {
        let start = from + src[from..].find('"').expect("a path literal") + 1;
        let end = start + src[start..].find('"').unwrap();
        (src[start..end].to_owned(), end)
    };
    // Each scope's prefix and the byte range of the `.service(...)` that holds it.
    let mut scopes = Vec::new();
    for (at, _) in src.match_indices("web::scope(") {
        let (prefix, _) = literal_after(at);
        let open = src[..at].rfind('(').expect("scope inside .service(");
        let mut depth = 0;
        let mut close = open;
        for (offset, c) in src[open..].char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        close = open + offset;
                        break;
                    }
                }
                _ => {}
            }
        }
        scopes.push((prefix, open..close));
    }
    let mut routes = Vec::new();
    for (at, _) in src.match_indices(".route(") {
        let (path, end) = literal_after(at);
        let rest = &src[end..];
        // The handler's method is the first `web::get()`/`web::post()` after the path.
        let method = match (rest.find("web::get()"), rest.find("web::post()")) {
            (Some(get), Some(post)) if post < get => "POST",
            (None, Some(_)) => "POST",
            _ => "GET",
        };
        let prefix = scopes
            .iter()
            .find(|(_, range)| range.contains(&at))
            .map(|(p, _)| p.as_str())
            .unwrap_or("");
        routes.push((method, format!("{prefix}{path}")));
    }
    routes
}

/// A concrete URL for a route pattern: every `{param}` becomes `1`.
fn concrete(pattern: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in pattern.chars() {
        match c {
            '{' => in_param = true,
            '}' => {
                in_param = false;
                out.push('1');
            }
            _ if !in_param => out.push(c),
            _ => {}
        }
    }
    if out.is_empty() { "/".into() } else { out }
}

async fn post_raw(browser: &Browser, path: &str, body: &str) -> (u16, String) {
    let r = browser
        .client
        .post(browser.url(path))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[test]
fn the_route_table_is_read_whole() {
    let routes = declared_routes();
    let posts = routes.iter().filter(|(m, _)| *m == "POST").count();
    let gets = routes.iter().filter(|(m, _)| *m == "GET").count();
    // Every `.route(` call is found, and scopes are applied.
    assert_eq!(routes.len(), ROUTE_TABLE.matches(".route(").count());
    assert!(posts >= 40 && gets >= 40, "{posts} POST, {gets} GET");
    assert!(routes.contains(&("POST", "/admin/vetting/{id}/decision".into())));
    assert!(routes.contains(&("GET", "/dev/mailbox/{id}".into())));
    assert!(routes.contains(&("POST", "/login".into())));
    assert!(routes.contains(&("GET", "/developers".into())));
}

#[tokio::test]
async fn nul_bytes_and_invalid_utf8_are_refused_on_every_route() {
    let app = spawn_app().await;
    let anonymous = app.browser();
    let admin = app.signed_in_admin("edge-admin@ladder.test").await;
    let routes = declared_routes();
    let mut checked = 0;
    for browser in [&anonymous, &admin] {
        let token = browser.csrf().await;
        for (method, pattern) in &routes {
            let path = concrete(pattern);
            if *method == "POST" {
                // A valid CSRF token, so without the edge the handler itself would read it.
                for (body, word) in [
                    (
                        format!(
                            "csrf_token={token}&email=a%00b@x.example&name=a%00b&developer=a%00b&note=a%00b"
                        ),
                        "NUL",
                    ),
                    (
                        format!("csrf_token={token}&name=Bad%FF%FEName&reason=%C3"),
                        "UTF-8",
                    ),
                ] {
                    let (status, html) = post_raw(browser, &path, &body).await;
                    assert_eq!(status, 400, "POST {path} with {word}");
                    assert!(html.contains(word), "POST {path}: says why ({word})");
                    checked += 1;
                }
            } else {
                for (query, word) in [("q=a%00b", "NUL"), ("q=Bad%FF%FE", "UTF-8")] {
                    let r = browser.get(&format!("{path}?{query}")).await;
                    let status = r.status().as_u16();
                    let html = r.text().await.unwrap();
                    assert_eq!(status, 400, "GET {path}?{query}");
                    assert!(html.contains(word), "GET {path}: says why");
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 300, "{checked} requests checked");
    // A NUL in a path segment never reaches a lookup either.
    let (status, html) = anonymous.get_html("/developers/a%00b").await;
    assert_eq!(status, 400);
    assert!(html.contains("NUL"));
}

#[tokio::test]
async fn invalid_utf8_is_not_stored_as_replacement_characters() {
    let app = spawn_app().await;
    let browser = app.verified_company("Edge Co", "edge@company.test").await;
    let token = browser.csrf().await;
    let (status, html) = post_raw(
        &browser,
        "/account/name",
        &format!("csrf_token={token}&name=Bad%FF%FEName"),
    )
    .await;
    assert_eq!(status, 400);
    assert!(html.contains("UTF-8"));
    let (_, account) = browser.get_html("/account").await;
    assert!(!account.contains('\u{FFFD}'), "nothing was stored altered");
    assert!(!account.contains("BadName") && !account.contains("Bad\u{FFFD}"));
    // The same field written properly is saved.
    let (status, _) = post_raw(
        &browser,
        "/account/name",
        &format!("csrf_token={token}&name=Zo%C3%AB+S%C3%A1nchez"),
    )
    .await;
    assert_eq!(status, 303);
    assert!(browser.get_html("/account").await.1.contains("Zoë Sánchez"));
}

#[tokio::test]
async fn oversized_forms_get_413_before_csrf() {
    let app = spawn_app().await;
    let browser = app.browser();
    let token = browser.csrf().await;
    // Just over the limit, with a valid token: the size is the reason, not CSRF.
    let body = format!(
        "csrf_token={token}&email=a%40b.example&password={}",
        "x".repeat(70 * 1024)
    );
    let (status, html) = post_raw(&browser, "/login", &body).await;
    assert_eq!(status, 413);
    assert!(html.contains("64 KB"), "says the limit");
    // Ten megabytes in one field, without a token: still 413, not "this form has expired".
    let huge = format!("note={}", "y".repeat(10 * 1024 * 1024));
    let (status, html) = post_raw(&browser, "/login", &huge).await;
    assert_eq!(status, 413);
    assert!(!html.contains("expired"));
    // A form under the limit still signs in normally (wrong password → the usual answer).
    let (status, _) = post_raw(
        &browser,
        "/login",
        &format!("csrf_token={token}&email=nobody%40x.example&password=wrong-password"),
    )
    .await;
    assert!(status == 200 || status == 422 || status == 401, "{status}");
}

/// Odd but well-formed values in every path parameter and common query field: never a 500.
/// (Out-of-range ids overflow `INTEGER` on PostgreSQL; long words reach full-text search.)
#[tokio::test]
async fn odd_values_in_paths_and_queries_are_never_a_500() {
    let app = spawn_app().await;
    let admin = app.signed_in_admin("odd-admin@ladder.test").await;
    let company = app.verified_company("Odd Co", "odd@company.test").await;
    let routes = declared_routes();
    let odd = [
        "99999999999",
        "-1",
        "0",
        "abc",
        "%E2%80%AE%F0%9F%98%80",
        "x%27%20OR%201%3D1--",
        // The far ends of chrono's calendar, where week arithmetic overflows.
        "-262143-01-01",
        "262142-12-31",
    ];
    let long = "w".repeat(3000);
    for browser in [&admin, &company] {
        let token = browser.csrf().await;
        for (method, pattern) in &routes {
            for value in odd.iter().copied().chain([long.as_str()]) {
                let path = pattern
                    .split('/')
                    .map(|part| if part.starts_with('{') { value } else { part })
                    .collect::<Vec<_>>()
                    .join("/");
                let query = format!(
                    "q={value}&page={value}&level={value}&developer={value}&status={value}&sort={value}"
                );
                let status = if *method == "POST" {
                    post_raw(
                        browser,
                        &path,
                        &format!(
                            "csrf_token={token}&{query}&name={value}&note={value}&week={value}&starts_on={value}&hours=8&engagement=1"
                        ),
                    )
                    .await
                    .0
                } else {
                    browser
                        .get(&format!("{path}?{query}"))
                        .await
                        .status()
                        .as_u16()
                };
                assert!(status < 500, "{method} {path}?{query}: {status}");
            }
        }
    }
}

/// Media types are case-insensitive: a form sent as `Application/X-WWW-Form-Urlencoded`
/// (with the CSRF token in the header, as htmx sends it) is checked like any other.
#[tokio::test]
async fn an_upper_case_form_content_type_is_checked_too() {
    let app = spawn_app().await;
    let browser = app.browser();
    let token = browser.csrf().await;
    for content_type in [
        "Application/X-WWW-Form-Urlencoded",
        "APPLICATION/X-WWW-FORM-URLENCODED; charset=UTF-8",
    ] {
        let r = browser
            .client
            .post(browser.url("/login"))
            .header(CONTENT_TYPE, content_type)
            .header("x-csrf-token", &token)
            .body("email=a%00b%40x.example&password=wrong-password")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 400, "{content_type}");
        assert!(r.text().await.unwrap().contains("NUL"));
    }
}
