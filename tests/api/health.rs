use crate::helpers::{spawn_app, test_settings};

#[tokio::test]
async fn healthz_is_ok() {
    let app = spawn_app().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.headers().contains_key("x-request-id"));
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn readyz_follows_the_database() {
    let app = spawn_app().await;
    assert_eq!(app.get("/readyz").await.status().as_u16(), 200);

    app.database.destroy();

    let response = app.get("/readyz").await;
    assert_eq!(response.status().as_u16(), 503);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "unavailable");
    // The process itself is still up.
    assert_eq!(app.get("/healthz").await.status().as_u16(), 200);
}

#[tokio::test]
async fn request_ids_are_echoed_when_sane() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "abc-123");
    let response = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "<script>")
        .send()
        .await
        .unwrap();
    assert_ne!(response.headers()["x-request-id"], "<script>");
}

#[tokio::test]
async fn an_unreachable_postgres_reports_its_own_error() {
    // Nothing listens on port 1.
    let dir = tempfile::tempdir().unwrap();
    let settings = test_settings("postgres://postgres@127.0.0.1:1/ladder", dir.path(), &[]);
    let error = match ladder::startup::Application::build(settings).await {
        Ok(_) => panic!("built an app without a database"),
        Err(e) => format!("{e:#}"),
    };
    assert!(
        error.contains("127.0.0.1") && error.to_lowercase().contains("connect"),
        "{error}"
    );
    assert!(!error.to_lowercase().contains("sqlite"), "{error}");
}

#[tokio::test]
async fn metrics_count_requests_and_jobs_for_internal_scrapers() {
    let app = spawn_app().await;
    app.get("/healthz").await;
    app.get("/no-such-page").await;
    let response = app.get("/metrics").await;
    assert_eq!(response.status().as_u16(), 200, "loopback may scrape");
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = response.text().await.unwrap();
    let value = |line: &str| -> u64 {
        text.lines()
            .find(|l| l.starts_with(line))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    // Counters are process-wide (tests share the process): at least ours are there.
    assert!(value("ladder_http_requests_total{class=\"2xx\"}") >= 1);
    assert!(value("ladder_http_requests_total{class=\"4xx\"}") >= 1);
    assert!(text.contains("ladder_http_request_duration_seconds_bucket{le=\"+Inf\"}"));
    assert!(text.contains("ladder_jobs{status=\"dead\"} 0"));
}
