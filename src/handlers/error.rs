//! The web layer's error type: every failure becomes a friendly page with the right status.

use actix_web::body::BoxBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use super::extract::AuthError;
use crate::billing::BillingError;
use crate::db::DbError;
use crate::error::{InfraError, is_not_found};
use crate::services::accounts::AccountError;
use crate::services::interviews::InterviewError;
use crate::services::shortlists::ShortlistError;
use crate::services::team::TeamError;
use crate::services::vetting::VettingError;
use crate::views::Layout;
use crate::views::errors::ErrorPage;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("too many requests; retry after {0}s")]
    TooManyRequests(u64),
    #[error("database unavailable: {0}")]
    Unavailable(#[source] DbError),
    #[error("email not verified")]
    Unverified,
    #[error("sign in required")]
    SignInRequired(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<AuthError> for AppError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::SignInRequired { next } => AppError::SignInRequired(next),
            AuthError::Forbidden => AppError::Forbidden,
            AuthError::Unverified => AppError::Unverified,
            // Loading the signed-in user failed: the same error (a 503 while the database
            // is unreachable), with its cause.
            AuthError::Internal(e) => e,
        }
    }
}

impl From<DbError> for AppError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Query(query) if is_not_found(&query) => AppError::NotFound,
            // Unreachable, or the connection died under the query: the next try may work.
            e if e.is_unavailable() => AppError::Unavailable(e),
            other => AppError::Internal(anyhow::Error::new(other)),
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        AppError::from(DbError::Query(e))
    }
}

/// Plumbing under a use case failed: a 503 while the database is unreachable, else a 500.
impl From<InfraError> for AppError {
    fn from(e: InfraError) -> Self {
        match e {
            InfraError::Db(db) => AppError::from(db),
            other => AppError::Internal(anyhow::Error::new(other)),
        }
    }
}

// The use cases' refusals, as pages.

impl From<AccountError> for AppError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::Infra(infra) => AppError::from(infra),
            other => AppError::Internal(anyhow::Error::new(other)),
        }
    }
}

impl From<BillingError> for AppError {
    fn from(e: BillingError) -> Self {
        match e {
            BillingError::NotFound => AppError::NotFound,
            BillingError::Refused(m) | BillingError::PriceMismatch(m) => AppError::BadRequest(m),
            BillingError::Infra(infra) => AppError::from(infra),
            e @ (BillingError::StripeUnavailable(_) | BillingError::Stripe(_)) => {
                AppError::Internal(anyhow::Error::new(e))
            }
        }
    }
}

impl From<InterviewError> for AppError {
    fn from(e: InterviewError) -> Self {
        match e {
            InterviewError::NotFound => AppError::NotFound,
            InterviewError::Infra(infra) => AppError::from(infra),
            InterviewError::StateChanged(m) => AppError::BadRequest(m),
        }
    }
}

impl From<ShortlistError> for AppError {
    fn from(e: ShortlistError) -> Self {
        match e {
            ShortlistError::NotFound => AppError::NotFound,
            ShortlistError::Infra(infra) => AppError::from(infra),
            other => AppError::BadRequest(other.to_string()),
        }
    }
}

impl From<TeamError> for AppError {
    fn from(e: TeamError) -> Self {
        match e {
            TeamError::NotFound => AppError::NotFound,
            TeamError::NotOwner => AppError::Forbidden,
            TeamError::Infra(infra) => AppError::from(infra),
            other => AppError::BadRequest(other.to_string()),
        }
    }
}

impl From<VettingError> for AppError {
    fn from(e: VettingError) -> Self {
        match e {
            VettingError::NotAllowed(message) => AppError::BadRequest(message),
            VettingError::Infra(infra) => AppError::from(infra),
        }
    }
}

/// Renders the error page for `status`; `detail` replaces the standard message.
pub fn error_page(status: StatusCode, detail: Option<String>) -> HttpResponse {
    let title = status.canonical_reason().unwrap_or("Error");
    let page = ErrorPage::for_status(Layout::bare(title), status.as_u16(), detail);
    match page.render() {
        Ok(html) => HttpResponse::build(status)
            .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
            .body(html),
        Err(e) => {
            tracing::error!(error = %e, "error page failed to render");
            HttpResponse::build(status).body(title.to_owned())
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Unverified => StatusCode::FORBIDDEN,
            AppError::SignInRequired(_) => StatusCode::SEE_OTHER,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse<BoxBody> {
        // Same pages as the role extractors give.
        match self {
            AppError::Unverified => return AuthError::Unverified.error_response(),
            AppError::SignInRequired(next) => {
                return AuthError::SignInRequired { next: next.clone() }.error_response();
            }
            _ => {}
        }
        let status = self.status_code();
        if status.is_server_error() {
            // The whole cause chain, once, where operators look.
            tracing::error!(status = status.as_u16(), error = %format!("{:#}", anyhow_chain(self)), "request failed");
        }
        let detail = match self {
            AppError::BadRequest(message) => Some(message.clone()),
            _ => None,
        };
        if let AppError::TooManyRequests(seconds) = self {
            let minutes = seconds.div_ceil(60);
            let plural = if minutes == 1 { "" } else { "s" };
            let mut response = error_page(
                status,
                Some(format!(
                    "Too many attempts in a short time. Please wait about {minutes} minute{plural} and try again."
                )),
            );
            if let Ok(value) = header::HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            return response;
        }
        if let AppError::Unavailable(_) = self {
            let mut response = error_page(status, detail);
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            return response;
        }
        error_page(status, detail)
    }
}

fn anyhow_chain(error: &AppError) -> anyhow::Error {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    anyhow::anyhow!(text)
}

/// Middleware hook: actix's own error responses (bad query strings, payload errors,
/// unmatched methods) are plain text; give them the same friendly page.
pub fn render_plain_errors<B>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    // Only actix's bare responses (no body type, or plain text) are replaced: our own HTML
    // pages and JSON answers (health checks) pass through untouched.
    let is_plain = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/plain"));
    let is_fragment_request = res.request().headers().contains_key("hx-request");
    if !is_plain || is_fragment_request || res.request().path().starts_with("/static/") {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let (req, original) = res.into_parts();
    let mut page = error_page(status, None);
    // Keep headers such as Retry-After and Allow that the original response carried.
    for (name, value) in original.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            page.headers_mut().insert(name.clone(), value.clone());
        }
    }
    page.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, page).map_into_right_body(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lost_database_connection_is_a_503_on_every_path() {
        let lost = diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::ClosedConnection,
            Box::new("server closed the connection unexpectedly".to_owned()),
        );
        let direct = AppError::from(lost);
        assert_eq!(direct.status_code(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            AppError::from(DbError::Down).status_code(),
            StatusCode::SERVICE_UNAVAILABLE
        );
        // Through the signed-in-user loader, which speaks actix errors.
        let via_auth = AppError::from(AuthError::Internal(direct));
        assert_eq!(via_auth.status_code(), StatusCode::SERVICE_UNAVAILABLE);
        let response = via_auth.error_response();
        assert_eq!(response.headers().get(header::RETRY_AFTER).unwrap(), "5");
    }

    #[test]
    fn no_row_is_a_404_and_other_plumbing_failures_a_500() {
        let not_found = || diesel::result::Error::NotFound;
        assert_eq!(
            AppError::from(not_found()).status_code(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            AppError::from(DbError::Query(not_found())).status_code(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            AppError::from(TeamError::from(not_found())).status_code(),
            StatusCode::NOT_FOUND
        );
        // A service without a not-found answer still shows the 404 page, as before.
        assert_eq!(
            AppError::from(VettingError::from(not_found())).status_code(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            AppError::from(InterviewError::from(DbError::Down)).status_code(),
            StatusCode::SERVICE_UNAVAILABLE
        );
        let storage = InfraError::from(std::io::Error::other("disk full"));
        assert_eq!(
            AppError::from(storage).status_code(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}
