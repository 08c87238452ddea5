//! Responses that belong to one person must never be kept by a shared cache or the
//! browser's back-forward history on a shared computer: signed-in pages, and any page
//! that carries or sets the session cookie (its forms hold the session's CSRF token).

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;

use super::extract::was_signed_in;
use crate::auth::session::COOKIE_NAME;

pub const PRIVATE: &str = "private, no-store";

/// Sets `Cache-Control: private, no-store` on signed-in responses (replacing any other
/// policy), and on responses that use or set the session cookie unless the handler chose
/// a policy itself (static assets stay cacheable).
pub async fn private_responses<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<B>, actix_web::Error> {
    let had_session = req.cookie(COOKIE_NAME).is_some();
    let mut response = next.call(req).await?;
    let signed_in = was_signed_in(response.request());
    let sets_session = response
        .headers()
        .get_all(header::SET_COOKIE)
        .any(|v| v.as_bytes().starts_with(COOKIE_NAME.as_bytes()));
    let headers = response.headers_mut();
    if signed_in || ((had_session || sets_session) && !headers.contains_key(header::CACHE_CONTROL))
    {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(PRIVATE));
    }
    Ok(response)
}
