//! Signing in and out, and the account page's "Where you're signed in": list the open
//! sessions, sign out one of them or every other one.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::{UNPROCESSABLE, home_for, home_for_role};
use crate::auth::current_user::CurrentUser;
use crate::auth::{device, rate_limit};
use crate::handlers::extract::SignedIn;
use crate::handlers::forms::{render_with_status, safe_next, see_other};
use crate::handlers::{AppError, PageContext};
use crate::services::accounts;
use crate::services::sessions;
use crate::views::Flash;
use crate::views::accounts::{LoginPage, SessionItem};

/// Needs no rules: `safe_next` keeps only same-site paths.
#[derive(Debug, Deserialize)]
pub struct NextQuery {
    pub next: Option<String>,
}

/// Needs no rules: the address and password are only compared with stored ones (and any
/// mismatch gets the same answer), and `next` goes through `safe_next`.
#[derive(Debug, Default, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub next: String,
}

fn login_page(ctx: &PageContext, email: String, next: String, error: Option<String>) -> LoginPage {
    LoginPage {
        layout: ctx.layout_with("Sign in", "Sign in to Ladder.", ""),
        email,
        next,
        error,
    }
}

pub async fn login_form(
    ctx: PageContext,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, AppError> {
    let next = safe_next(query.next.as_deref(), "");
    if let Some(user) = &ctx.user {
        let fallback = home_for(user);
        return Ok(see_other(&safe_next(Some(&next), fallback)));
    }
    render_with_status(&login_page(&ctx, String::new(), next, None), StatusCode::OK)
}

/// Sign-in, rate limited on failures only. A browser whose device cookie was issued for
/// this email at a past successful sign-in is limited on its own; any other browser is
/// limited per account and per address, so strangers' guesses lock out strangers only.
pub async fn login(
    ctx: PageContext,
    req: HttpRequest,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let email = form.email.trim().to_lowercase();
    let next = safe_next(Some(&form.next), "");
    let limits = match device::trusted_nonce(&req, &ctx.state.device_key, &email) {
        Some(nonce) => vec![(rate_limit::SIGN_IN_PER_DEVICE, nonce)],
        None if email.is_empty() => vec![(rate_limit::SIGN_IN_PER_IP, ctx.peer_ip.clone())],
        None => vec![
            (rate_limit::SIGN_IN_PER_IP, ctx.peer_ip.clone()),
            (rate_limit::SIGN_IN_PER_ACCOUNT, email.clone()),
        ],
    };
    let attempt = ctx.reserve_attempt(&limits).await?;
    let lookup = email.clone();
    let password = form.password;
    let found = ctx
        .db(move |conn| accounts::authenticate(conn, &lookup, &password))
        .await?;
    match found {
        Some(user) => {
            ctx.refund_attempt(&limits, attempt).await?;
            let to = safe_next(Some(&next), home_for_role(user.role));
            sign_in_and_redirect(&ctx, user.id, &user.email, &to).await
        }
        None => {
            let page = login_page(
                &ctx,
                form.email.trim().to_owned(),
                next,
                Some("That email and password don't match an account. Check them, or reset your password.".into()),
            );
            render_with_status(&page, UNPROCESSABLE)
        }
    }
}

/// Signs `user_id` in on this browser (a new session) and trusts the browser for this
/// address from now on (the device cookie), then goes `to`. Used by the password and by
/// the verification link, which proves the address just as well.
pub(super) async fn sign_in_and_redirect(
    ctx: &PageContext,
    user_id: i32,
    email: &str,
    to: &str,
) -> Result<HttpResponse, AppError> {
    ctx.sign_in(user_id).await?;
    let mut response = see_other(to);
    let production = ctx.state.settings.environment.is_production();
    response
        .add_cookie(&device::cookie(&ctx.state.device_key, email, production))
        .map_err(|e| AppError::Internal(anyhow::anyhow!("device cookie: {e}")))?;
    Ok(response)
}

pub async fn logout(ctx: PageContext) -> Result<HttpResponse, AppError> {
    ctx.sign_out().await?;
    Ok(see_other("/"))
}

const STAMP: &str = "%-d %b %Y, %H:%M UTC";

/// The user's open sessions for the account page, this one marked.
pub async fn items(ctx: &PageContext, user: &CurrentUser) -> Result<Vec<SessionItem>, AppError> {
    let owner = user.clone();
    let rows = ctx
        .db(move |conn| sessions::open_sessions(conn, &owner))
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| SessionItem {
            id: row.id,
            device: sessions::describe_user_agent(&row.user_agent),
            user_agent: row.user_agent,
            created_at: row.created_at.format(STAMP).to_string(),
            last_seen: row.last_seen_at.format(STAMP).to_string(),
            current: row.id == user.session_id,
        })
        .collect())
}

/// Signs out one session of the signed-in user; signing out this one signs this browser out.
pub async fn revoke(
    ctx: PageContext,
    user: SignedIn,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let user = user.0;
    let id = path.into_inner();
    if id == user.session_id {
        ctx.sign_out().await?;
        return Ok(see_other("/"));
    }
    let user_id = user.id;
    let ended = ctx
        .db(move |conn| sessions::revoke(conn, user_id, id))
        .await?;
    ctx.flash(if ended {
        Flash::success("That device is signed out.")
    } else {
        Flash::info("That session had already ended.")
    });
    Ok(see_other("/account"))
}

/// Signs out every session of the user but this one.
pub async fn revoke_others(ctx: PageContext, user: SignedIn) -> Result<HttpResponse, AppError> {
    let user = user.0;
    let (user_id, keep) = (user.id, user.session_id);
    let ended = ctx
        .db(move |conn| sessions::revoke_others(conn, user_id, Some(keep)))
        .await?;
    ctx.flash(Flash::success(match ended {
        0 => "You weren't signed in anywhere else.".to_owned(),
        1 => "Signed out of 1 other device.".to_owned(),
        n => format!("Signed out of {n} other devices."),
    }));
    Ok(see_other("/account"))
}
