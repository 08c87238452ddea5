//! Sign-in and out, password reset and the account page (sign-up: `signup`; email
//! verification: `verification`).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use validator::Validate;

use super::extract::SignedIn;
use super::forms::{no_control_chars, render_with_status, safe_next, see_other};
use super::{AppError, PageContext};
use crate::auth::current_user::CurrentUser;
use crate::auth::password::NewPassword;
use crate::auth::{device, rate_limit};
use crate::domain::{Email, Role};
use crate::services::accounts::{self, AccountError};
use crate::views::Flash;
use crate::views::accounts::{AccountPage, ForgotPage, LoginPage, NoticePage, ResetPage};
use crate::views::forms::FieldErrors;

impl From<AccountError> for AppError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::Db(db) => AppError::from(db),
            other => AppError::Internal(anyhow::Error::new(other)),
        }
    }
}

/// Where a user lands after signing in when no page sent them.
pub fn home_for(user: &CurrentUser) -> &'static str {
    home_for_role(user.role.as_str())
}

fn home_for_role(role: &str) -> &'static str {
    match role {
        "company" => "/developers",
        "developer" => "/me/profile",
        "admin" => "/admin",
        _ => "/account",
    }
}

const UNPROCESSABLE: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

// ---- sign in / out ---------------------------------------------------------------

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    pub next: Option<String>,
}

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
        .state
        .db
        .run(move |conn| accounts::authenticate(conn, &lookup, &password))
        .await?;
    match found {
        Some(user) => {
            ctx.refund_attempt(&limits, attempt).await?;
            let to = safe_next(Some(&next), home_for_role(&user.role));
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

// ---- notices ---------------------------------------------------------------------

pub(super) fn notice(
    ctx: &PageContext,
    title: &str,
    heading: &str,
    message: &str,
    actions: &[(&str, &str)],
) -> NoticePage {
    NoticePage {
        layout: ctx.layout(title, ""),
        heading: heading.into(),
        message: message.into(),
        actions: actions
            .iter()
            .map(|(l, h)| (l.to_string(), h.to_string()))
            .collect(),
    }
}

// ---- password reset --------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    pub email: String,
}

pub async fn forgot_form(ctx: PageContext) -> Result<HttpResponse, AppError> {
    let page = ForgotPage {
        layout: ctx.layout("Reset your password", ""),
        email: String::new(),
        errors: FieldErrors::default(),
        sent_to: None,
    };
    render_with_status(&page, StatusCode::OK)
}

pub async fn forgot(
    ctx: PageContext,
    form: web::Form<ForgotForm>,
) -> Result<HttpResponse, AppError> {
    let mut errors = FieldErrors::default();
    let typed = form.email.trim().to_owned();
    let Some(email) = errors.check("email", Email::parse(&typed)) else {
        let page = ForgotPage {
            layout: ctx.layout("Reset your password", ""),
            email: typed,
            errors,
            sent_to: None,
        };
        return render_with_status(&page, UNPROCESSABLE);
    };
    ctx.rate_limit(rate_limit::RESET_PER_IP, &ctx.peer_ip)
        .await?;
    ctx.rate_limit(rate_limit::RESET_PER_ACCOUNT, email.as_str())
        .await?;
    let outbox = ctx.state.outbox.clone();
    let lookup = email.clone();
    ctx.state
        .db
        .run(move |conn| accounts::request_password_reset(conn, &outbox, &lookup))
        .await?;
    // The same answer whether or not an account exists.
    let page = ForgotPage {
        layout: ctx.layout("Check your email", ""),
        email: String::new(),
        errors: FieldErrors::default(),
        sent_to: Some(email.to_string()),
    };
    render_with_status(&page, StatusCode::OK)
}

fn invalid_reset_link(ctx: &PageContext) -> Result<HttpResponse, AppError> {
    render_with_status(
        &notice(
            ctx,
            "Link not valid",
            "This reset link can't be used",
            "Reset links work once, for one hour. Ask for a new one and use the most recent email.",
            &[("Send a new reset link", "/password/forgot")],
        ),
        StatusCode::BAD_REQUEST,
    )
}

pub async fn reset_form(
    ctx: PageContext,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let raw = token.into_inner();
    let check = raw.clone();
    if !ctx
        .state
        .db
        .run(move |conn| accounts::reset_token_usable(conn, &check))
        .await?
    {
        return invalid_reset_link(&ctx);
    }
    render_with_status(
        &ResetPage {
            layout: ctx.layout("Choose a new password", ""),
            token: raw,
            errors: FieldErrors::default(),
        },
        StatusCode::OK,
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    pub password: String,
}

pub async fn reset(
    ctx: PageContext,
    token: web::Path<String>,
    form: web::Form<ResetForm>,
) -> Result<HttpResponse, AppError> {
    let raw = token.into_inner();
    let mut errors = FieldErrors::default();
    let Some(password) = errors.check("password", NewPassword::parse(&form.password)) else {
        return render_with_status(
            &ResetPage {
                layout: ctx.layout("Choose a new password", ""),
                token: raw,
                errors,
            },
            UNPROCESSABLE,
        );
    };
    match ctx
        .state
        .db
        .run(move |conn| accounts::reset_password(conn, &raw, &password))
        .await
    {
        Ok(_) => {
            ctx.sign_out().await?;
            render_with_status(
                &notice(
                    &ctx,
                    "Password changed",
                    "Your password is changed",
                    "We signed you out everywhere. Sign in with your new password.",
                    &[("Sign in", "/login")],
                ),
                StatusCode::OK,
            )
        }
        Err(AccountError::TokenInvalid | AccountError::TokenExpired) => invalid_reset_link(&ctx),
        Err(e) => Err(e.into()),
    }
}

// ---- account page ----------------------------------------------------------------

async fn account_page(
    ctx: &PageContext,
    user: &CurrentUser,
    new_email: String,
    errors: FieldErrors,
) -> Result<AccountPage, AppError> {
    let id = user.id;
    let pending_email = ctx
        .state
        .db
        .run(move |conn| accounts::pending_email(conn, id))
        .await?;
    let sessions = super::sessions::items(ctx, user).await?;
    Ok(AccountPage {
        layout: ctx.layout("Your account", "account"),
        name: user.name.clone(),
        email: user.email.clone(),
        email_verified: user.email_verified,
        pending_email,
        new_email,
        role_label: match user.role {
            Role::Company => "Company member".into(),
            Role::Developer => "Developer".into(),
            Role::Admin => "Administrator".into(),
        },
        company_name: user.company.as_ref().map(|c| c.company_name.clone()),
        errors,
        sessions,
    })
}

pub async fn account(ctx: PageContext, user: SignedIn) -> Result<HttpResponse, AppError> {
    let page = account_page(&ctx, &user.0, String::new(), FieldErrors::default()).await?;
    render_with_status(&page, StatusCode::OK)
}

#[derive(Debug, Default, Deserialize, Validate)]
pub struct NameForm {
    #[serde(default)]
    #[validate(
        length(
            min = 1,
            max = 100,
            message = "Enter your name (up to 100 characters)."
        ),
        custom(function = "no_control_chars")
    )]
    pub name: String,
}

pub async fn change_name(
    ctx: PageContext,
    user: SignedIn,
    form: web::Form<NameForm>,
) -> Result<HttpResponse, AppError> {
    let mut form = form.into_inner();
    form.name = form.name.trim().to_owned();
    if let Err(e) = form.validate() {
        let page = account_page(
            &ctx,
            &user.0,
            String::new(),
            FieldErrors::from_validation(&e),
        )
        .await?;
        return render_with_status(&page, UNPROCESSABLE);
    }
    let id = user.0.id;
    ctx.state
        .db
        .run(move |conn| accounts::change_name(conn, id, &form.name))
        .await?;
    ctx.flash(Flash::success("Your name is updated."));
    Ok(see_other("/account"))
}

#[derive(Debug, Default, Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    pub email: String,
}

pub async fn change_email(
    ctx: PageContext,
    user: SignedIn,
    form: web::Form<EmailForm>,
) -> Result<HttpResponse, AppError> {
    let user = user.0;
    let typed = form.email.trim().to_owned();
    let mut errors = FieldErrors::default();
    let Some(email) = errors.check("email", Email::parse(&typed)) else {
        let page = account_page(&ctx, &user, typed, errors).await?;
        return render_with_status(&page, UNPROCESSABLE);
    };
    if email.as_str() == user.email {
        ctx.flash(Flash::info("That's already your email address."));
        return Ok(see_other("/account"));
    }
    ctx.rate_limit(rate_limit::RESEND_PER_ACCOUNT, &user.email)
        .await?;
    let outbox = ctx.state.outbox.clone();
    let (id, target) = (user.id, email.clone());
    match ctx
        .state
        .db
        .run(move |conn| accounts::request_email_change(conn, &outbox, id, &target))
        .await
    {
        Ok(()) => {
            ctx.flash(Flash::success(format!(
                "We sent a confirmation link to {email}. Your sign-in email changes when you click it."
            )));
            Ok(see_other("/account"))
        }
        Err(AccountError::EmailTaken) => {
            errors.add("email", "Another account already uses this address.");
            let page = account_page(&ctx, &user, typed, errors).await?;
            render_with_status(&page, UNPROCESSABLE)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    pub current_password: String,
    #[serde(default)]
    pub new_password: String,
}

pub async fn change_password(
    ctx: PageContext,
    user: SignedIn,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let user = user.0;
    let mut errors = FieldErrors::default();
    let Some(new_password) = errors.check("new_password", NewPassword::parse(&form.new_password))
    else {
        let page = account_page(&ctx, &user, String::new(), errors).await?;
        return render_with_status(&page, UNPROCESSABLE);
    };
    let limits = [(rate_limit::PASSWORD_CHECK_PER_ACCOUNT, user.id.to_string())];
    let attempt = ctx.reserve_attempt(&limits).await?;
    let (id, session_id, current) = (user.id, user.session_id, form.current_password.clone());
    match ctx
        .state
        .db
        .run(move |conn| accounts::change_password(conn, id, session_id, &current, &new_password))
        .await
    {
        Ok(()) => {
            ctx.refund_attempt(&limits, attempt).await?;
            // This session carries on; every other one ends.
            ctx.flash(Flash::success(
                "Your password is changed. Other devices have been signed out.",
            ));
            Ok(see_other("/account"))
        }
        Err(AccountError::WrongPassword) => {
            errors.add("current_password", "That isn't your current password.");
            let page = account_page(&ctx, &user, String::new(), errors).await?;
            render_with_status(&page, UNPROCESSABLE)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    pub password: String,
}

pub async fn delete_account(
    ctx: PageContext,
    user: SignedIn,
    form: web::Form<DeleteForm>,
) -> Result<HttpResponse, AppError> {
    let user = user.0;
    let limits = [(rate_limit::PASSWORD_CHECK_PER_ACCOUNT, user.id.to_string())];
    let attempt = ctx.reserve_attempt(&limits).await?;
    let (id, password) = (user.id, form.password.clone());
    match ctx
        .state
        .db
        .run(move |conn| accounts::delete_account(conn, id, &password))
        .await
    {
        Ok(()) => {
            ctx.state.catalog.changed();
            ctx.refund_attempt(&limits, attempt).await?;
            ctx.sign_out().await?;
            render_with_status(
                &notice(
                    &ctx,
                    "Account deleted",
                    "Your account is deleted",
                    "We removed your personal details. Records we must keep for billing are kept without your name or email.",
                    &[("Go to the home page", "/")],
                ),
                StatusCode::OK,
            )
        }
        Err(AccountError::WrongPassword) => {
            let mut errors = FieldErrors::default();
            errors.add("delete_password", "That isn't your current password.");
            let page = account_page(&ctx, &user, String::new(), errors).await?;
            render_with_status(&page, UNPROCESSABLE)
        }
        Err(e) => Err(e.into()),
    }
}
