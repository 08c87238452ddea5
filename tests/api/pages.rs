use diesel::prelude::*;
use ladder::schema::plans;

use crate::helpers::spawn_app;

#[tokio::test]
async fn landing_explains_levels_prices_and_the_trial() {
    let app = spawn_app().await;
    let (status, html) = app.get_html("/").await;
    assert_eq!(status, 200);
    for needle in [
        "L1",
        "L2",
        "L3",
        "$800",
        "$1,300",
        "$2,000",
        "14-day",
        "Browse developers",
    ] {
        assert!(html.contains(needle), "landing page lacks {needle}");
    }
    assert!(html.contains("<main"), "layout renders");
}

#[tokio::test]
async fn pricing_shows_all_six_prices_from_the_plans_table() {
    let app = spawn_app().await;
    let (status, html) = app.get_html("/pricing").await;
    assert_eq!(status, 200);
    for price in ["$1,300", "$800", "$2,200", "$1,300", "$3,600", "$2,000"] {
        assert!(html.contains(price), "pricing lacks {price}");
    }

    // The page reads the table, not constants: change a price and see it.
    app.with_conn(|conn| {
        diesel::update(
            plans::table
                .filter(plans::level.eq("L3"))
                .filter(plans::commitment.eq("full_time")),
        )
        .set(plans::price_cents.eq(375_050_i64))
        .execute(conn)
        .unwrap();
    })
    .await;
    let (_, html) = app.get_html("/pricing").await;
    assert!(
        html.contains("$3,750.50"),
        "pricing does not follow the plans table"
    );
    assert!(!html.contains("$3,600"));
}

#[tokio::test]
async fn unknown_pages_get_a_friendly_404() {
    let app = spawn_app().await;
    let response = app.get("/no/such/page").await;
    assert_eq!(response.status().as_u16(), 404);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = response.text().await.unwrap();
    assert!(html.contains("couldn"), "404 page explains itself");
    assert!(
        html.contains("href=\"/developers\""),
        "404 page offers a way on"
    );
}

#[tokio::test]
async fn wrong_methods_get_an_html_error_page_not_a_500() {
    let app = spawn_app().await;
    let response = app.client.delete(app.url("/pricing")).send().await.unwrap();
    let status = response.status().as_u16();
    assert!((400..500).contains(&status), "got {status}");
}

#[tokio::test]
async fn every_response_carries_security_headers() {
    let app = spawn_app().await;
    for path in ["/", "/pricing", "/missing", "/healthz"] {
        let response = app.get(path).await;
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("default-src 'self'") && !csp.contains("unsafe-inline"),
            "{path}: {csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"));
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["x-frame-options"], "DENY");
        assert!(headers.contains_key("referrer-policy"));
        // HSTS only in production, where the site is served over TLS.
        assert!(!headers.contains_key("strict-transport-security"));
    }
}

#[tokio::test]
async fn static_files_are_fingerprinted_cached_and_compressed() {
    let app = spawn_app().await;
    let (_, html) = app.get_html("/").await;
    let css = html
        .split('"')
        .find(|s| s.starts_with("/static/css/app.css?v="))
        .expect("stylesheet link is fingerprinted")
        .to_owned();
    let response = app
        .client
        .get(app.url(&css))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let headers = response.headers();
    assert!(
        headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age=31536000")
    );
    assert!(headers.contains_key("etag"));
    assert_eq!(headers["content-encoding"], "gzip");

    let etag = headers["etag"].clone();
    let again = app
        .client
        .get(app.url(&css))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 304);
}
