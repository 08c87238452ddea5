use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::state::AppState;

/// The process is up and serving.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// The database answers; load balancers send traffic only when this is 200.
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    match state.db.ping().await {
        Ok(()) => HttpResponse::Ok().json(json!({ "status": "ready", "database": "ok" })),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            HttpResponse::ServiceUnavailable()
                .json(json!({ "status": "unavailable", "database": "unreachable" }))
        }
    }
}

/// Prometheus metrics: request counts and latency, and the job queue. Scrapers on loopback
/// or a private network may read them, as may admins; anyone else gets a 404. Behind a
/// reverse proxy the client is what a trusted proxy (`LADDER_TRUSTED_PROXIES`) forwarded,
/// so a proxy on loopback does not make every visitor internal.
pub async fn metrics(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, super::AppError> {
    let internal = super::context::client_ip(&req, &state).is_some_and(|ip| match ip {
        std::net::IpAddr::V4(ip) => ip.is_loopback() || ip.is_private(),
        std::net::IpAddr::V6(ip) => ip.is_loopback(),
    });
    let admin = super::extract::current_user(&req)
        .await?
        .is_some_and(|u| u.is_admin());
    if !internal && !admin {
        return Err(super::AppError::NotFound);
    }
    let counts = state
        .db
        .run(|conn| crate::services::outbox::job_counts(conn).map_err(crate::db::DbError::from))
        .await
        .map_err(super::AppError::from)?;
    let gauges: Vec<(&str, &str, String, i64)> = counts
        .iter()
        .map(|(status, n)| {
            (
                "ladder_jobs",
                "Background jobs by status.",
                format!("{{status=\"{status}\"}}"),
                *n,
            )
        })
        .collect();
    let extra: Vec<(&str, &str, &str, i64)> = gauges
        .iter()
        .map(|(n, h, l, v)| (*n, *h, l.as_str(), *v))
        .collect();
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(crate::telemetry::metrics::render(&extra)))
}
