//! The role extractors handlers ask for (`SignedIn`, `CompanyMember`, `DeveloperUser`,
//! `AdminUser`), and the request's signed-in user they are built on.

use std::future::Future;
use std::pin::Pin;

use actix_session::SessionExt;
use actix_web::dev::Payload;
use actix_web::http::{StatusCode, header};
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, ResponseError, web};

use super::AppError;
use super::error::error_page;
use crate::auth::current_user::CurrentUser;
use crate::auth::session;
use crate::domain::Role;
use crate::services::sessions;
use crate::state::AppState;

/// Shortlisting, booking and submitting for vetting need a verified address.
pub fn require_verified(user: &CurrentUser) -> Result<(), AuthError> {
    if user.email_verified {
        Ok(())
    } else {
        Err(AuthError::Unverified)
    }
}

/// Cached per request so the page context and a role extractor load the user once.
#[derive(Clone)]
struct Loaded(Option<CurrentUser>);

/// The user of the session the cookie names, if that session is still open (not signed
/// out, not ended by a password change or a disable, not idle too long) and the account
/// is active. A cookie naming an ended session is cleared.
pub async fn current_user(req: &HttpRequest) -> Result<Option<CurrentUser>, AppError> {
    if let Some(Loaded(user)) = req.extensions().get::<Loaded>() {
        return Ok(user.clone());
    }
    let session = req.get_session();
    let user = match session::claimed_session(&session) {
        None => None,
        Some(raw) => {
            let state = req
                .app_data::<web::Data<AppState>>()
                .expect("AppState is registered")
                .clone();
            // A read that may note "last seen" (harmless twice), so a connection that dies
            // under it is retried once on a fresh one.
            let loaded = state
                .db
                .read(move |conn| sessions::load(conn, &raw))
                .await
                .map_err(AppError::from)?;
            if loaded.is_none() {
                session::sign_out(&session);
            }
            loaded
        }
    };
    req.extensions_mut().insert(Loaded(user.clone()));
    Ok(user)
}

/// Whether this request was found to be signed in (after the handler ran).
pub fn was_signed_in(req: &HttpRequest) -> bool {
    req.extensions()
        .get::<Loaded>()
        .is_some_and(|Loaded(user)| user.is_some())
}

/// Why a role extractor refused the request.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("sign in required")]
    SignInRequired { next: String },
    #[error("wrong role")]
    Forbidden,
    #[error("email not verified")]
    Unverified,
    /// Loading the user failed (the database is down: still a 503).
    #[error(transparent)]
    Internal(#[from] AppError),
}

impl ResponseError for AuthError {
    fn status_code(&self) -> StatusCode {
        match self {
            AuthError::SignInRequired { .. } => StatusCode::SEE_OTHER,
            AuthError::Forbidden | AuthError::Unverified => StatusCode::FORBIDDEN,
            AuthError::Internal(e) => e.status_code(),
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            AuthError::SignInRequired { next } => {
                let location = format!("/login?next={}", url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>());
                HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, location.clone()))
                    // htmx follows redirects inside the swap; ask it to navigate instead.
                    .insert_header(("HX-Redirect", location))
                    .finish()
            }
            AuthError::Forbidden => error_page(StatusCode::FORBIDDEN, None),
            AuthError::Unverified => error_page(
                StatusCode::FORBIDDEN,
                Some("Please verify your email address first: we sent you a link when you signed up. You can have it sent again from your account page.".into()),
            ),
            AuthError::Internal(e) => e.error_response(),
        }
    }
}

fn path_and_query(req: &HttpRequest) -> String {
    match req.uri().path_and_query() {
        Some(pq) if req.method() == actix_web::http::Method::GET => pq.to_string(),
        _ => req.path().to_owned(),
    }
}

type Extracted<T> = Pin<Box<dyn Future<Output = Result<T, AuthError>>>>;

fn extract_role(req: &HttpRequest, allowed: fn(&CurrentUser) -> bool) -> Extracted<CurrentUser> {
    let req = req.clone();
    Box::pin(async move {
        match current_user(&req).await? {
            None => Err(AuthError::SignInRequired {
                next: path_and_query(&req),
            }),
            Some(user) if allowed(&user) => Ok(user),
            Some(_) => Err(AuthError::Forbidden),
        }
    })
}

/// Any signed-in user.
pub struct SignedIn(pub CurrentUser);
/// A member of a company (owner or teammate).
pub struct CompanyMember(pub CurrentUser);
/// A developer (applicant or vetted).
pub struct DeveloperUser(pub CurrentUser);
/// An admin.
pub struct AdminUser(pub CurrentUser);

macro_rules! role_extractor {
    ($name:ident, $allowed:expr) => {
        impl FromRequest for $name {
            type Error = AuthError;
            type Future = Pin<Box<dyn Future<Output = Result<Self, AuthError>>>>;

            fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
                let fut = extract_role(req, $allowed);
                Box::pin(async move { fut.await.map($name) })
            }
        }
    };
}

role_extractor!(SignedIn, |_| true);
role_extractor!(CompanyMember, |u| u.role == Role::Company
    && u.company.is_some());
role_extractor!(DeveloperUser, |u| u.role == Role::Developer
    && u.developer_id.is_some());
role_extractor!(AdminUser, |u| u.role == Role::Admin);
