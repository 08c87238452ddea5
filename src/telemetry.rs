//! Structured logs, and a request id plus latency on every request.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use tracing::Instrument;
use tracing_subscriber::EnvFilter;

/// Human-readable logs in development, JSON lines when `LADDER_LOG_FORMAT=json`.
pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,actix_server=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    let result = if std::env::var("LADDER_LOG_FORMAT").as_deref() == Ok("json") {
        builder.json().flatten_event(true).try_init()
    } else {
        builder.compact().try_init()
    };
    // A second init (tests) keeps the first subscriber.
    let _ = result;
}

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

fn request_id(req: &ServiceRequest) -> String {
    req.headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        .map(str::to_owned)
        .unwrap_or_else(|| crate::crypto::random_token(16))
}

/// Wraps each request in a span carrying its id, logs status and latency, and echoes the
/// id in `X-Request-Id` so a user's report can be matched to the logs.
pub async fn trace_request<B: MessageBody>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<B>, actix_web::Error> {
    let id = request_id(&req);
    let span = tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.path());
    let started = Instant::now();
    let result = next.call(req).instrument(span.clone()).await;
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    match result {
        Ok(mut res) => {
            let status = res.status().as_u16();
            metrics::observe(status, latency_ms);
            span.in_scope(|| {
                if status >= 500 {
                    tracing::error!(status, latency_ms, "request finished");
                } else {
                    tracing::info!(status, latency_ms, "request finished");
                }
            });
            if let Ok(value) = HeaderValue::from_str(&id) {
                res.headers_mut().insert(REQUEST_ID, value);
            }
            Ok(res)
        }
        Err(e) => {
            span.in_scope(|| tracing::error!(error = %e, latency_ms, "request failed"));
            Err(e)
        }
    }
}

/// Process-wide request counters for `/metrics` (Prometheus text format).
pub mod metrics {
    use std::sync::atomic::{AtomicU64, Ordering};

    /// Upper bounds of the latency histogram, in milliseconds.
    pub const BUCKETS_MS: [f64; 10] = [
        2.5, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0, 2500.0,
    ];

    static BY_CLASS: [AtomicU64; 5] = [const { AtomicU64::new(0) }; 5];
    static BUCKETS: [AtomicU64; 10] = [const { AtomicU64::new(0) }; 10];
    static COUNT: AtomicU64 = AtomicU64::new(0);
    static SUM_MICROS: AtomicU64 = AtomicU64::new(0);

    pub fn observe(status: u16, latency_ms: f64) {
        let class = (usize::from(status / 100)).clamp(1, 5) - 1;
        BY_CLASS[class].fetch_add(1, Ordering::Relaxed);
        COUNT.fetch_add(1, Ordering::Relaxed);
        SUM_MICROS.fetch_add((latency_ms * 1000.0) as u64, Ordering::Relaxed);
        for (bound, bucket) in BUCKETS_MS.iter().zip(&BUCKETS) {
            if latency_ms <= *bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// The counters in Prometheus exposition format.
    pub fn render(extra: &[(&str, &str, &str, i64)]) -> String {
        let mut out = String::new();
        out.push_str("# HELP ladder_http_requests_total HTTP responses by status class.\n# TYPE ladder_http_requests_total counter\n");
        for (i, counter) in BY_CLASS.iter().enumerate() {
            out.push_str(&format!(
                "ladder_http_requests_total{{class=\"{}xx\"}} {}\n",
                i + 1,
                counter.load(Ordering::Relaxed)
            ));
        }
        out.push_str("# HELP ladder_http_request_duration_seconds Time to respond.\n# TYPE ladder_http_request_duration_seconds histogram\n");
        for (bound, bucket) in BUCKETS_MS.iter().zip(&BUCKETS) {
            out.push_str(&format!(
                "ladder_http_request_duration_seconds_bucket{{le=\"{}\"}} {}\n",
                bound / 1000.0,
                bucket.load(Ordering::Relaxed)
            ));
        }
        let count = COUNT.load(Ordering::Relaxed);
        out.push_str(&format!(
            "ladder_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}\n"
        ));
        out.push_str(&format!(
            "ladder_http_request_duration_seconds_sum {}\n",
            SUM_MICROS.load(Ordering::Relaxed) as f64 / 1e6
        ));
        out.push_str(&format!(
            "ladder_http_request_duration_seconds_count {count}\n"
        ));
        for (name, help, labels, value) in extra {
            out.push_str(&format!(
                "# HELP {name} {help}\n# TYPE {name} gauge\n{name}{labels} {value}\n"
            ));
        }
        out
    }
}
