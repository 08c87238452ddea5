//! CSRF protection for every state-changing request: the session's token must come back in
//! the `X-CSRF-Token` header (htmx, see static/js/app.js), a `csrf_token` form field, or —
//! for multipart uploads, whose body we don't buffer — a `csrf_token` query parameter.

use actix_session::SessionExt;
use actix_web::HttpMessage;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::web::Bytes;

use super::error::error_page;
use crate::auth::session;

/// Paths that authenticate another way (Stripe signs its webhooks).
const EXEMPT: &[&str] = &["/webhooks/stripe"];

fn form_field(body: &[u8], name: &str) -> Option<String> {
    url::form_urlencoded::parse(body)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

pub async fn verify<B: MessageBody + 'static>(
    mut req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    let safe = matches!(
        *req.method(),
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    );
    if safe || EXEMPT.contains(&req.path()) {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    }
    let mut presented = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if presented.is_none() {
        let content_type = req.content_type().to_ascii_lowercase();
        if content_type == "application/x-www-form-urlencoded" {
            let body = req.extract::<Bytes>().await.unwrap_or_default();
            // The input edge (`handlers::input`) has already refused bodies over its limit.
            presented = form_field(&body, "csrf_token");
            // Put the body back for the handler's form extractor.
            req.set_payload(actix_web::dev::Payload::from(body));
        } else if content_type == "multipart/form-data" {
            presented = form_field(req.query_string().as_bytes(), "csrf_token");
        }
    }
    let session = req.get_session();
    let valid = presented
        .as_deref()
        .is_some_and(|token| session::csrf_matches(&session, token));
    if !valid {
        tracing::warn!(path = %req.path(), "CSRF token missing or wrong");
        let mut response = error_page(
            StatusCode::FORBIDDEN,
            Some("This form has expired or didn't come from Ladder. Go back, reload the page and try again.".into()),
        );
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("no-store"),
        );
        return Ok(req.into_response(response).map_into_right_body());
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}
