//! Password reset: asking for a link, and choosing a new password with it.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use validator::Validate;

use super::{UNPROCESSABLE, notice};
use crate::auth::password::NewPassword;
use crate::auth::rate_limit;
use crate::domain::Email;
use crate::handlers::forms::{checked, email_address, new_password, render_with_status};
use crate::handlers::{AppError, PageContext};
use crate::services::accounts::{self, AccountError};
use crate::views::accounts::{ForgotPage, ResetPage};
use crate::views::forms::FieldErrors;

#[derive(Debug, Default, Deserialize, Validate)]
pub struct ForgotForm {
    #[serde(default)]
    #[validate(custom(function = "email_address"))]
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
    let mut form = form.into_inner();
    form.email = form.email.trim().to_owned();
    let mut errors = checked(&form);
    let typed = form.email;
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
    ctx.db(move |conn| accounts::request_password_reset(conn, &outbox, &lookup))
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
        .db(move |conn| accounts::reset_token_usable(conn, &check))
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

#[derive(Debug, Default, Deserialize, Validate)]
pub struct ResetForm {
    #[serde(default)]
    #[validate(custom(function = "new_password"))]
    pub password: String,
}

pub async fn reset(
    ctx: PageContext,
    token: web::Path<String>,
    form: web::Form<ResetForm>,
) -> Result<HttpResponse, AppError> {
    let raw = token.into_inner();
    let mut errors = checked(&*form);
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
        .db_attempt(move |conn| accounts::reset_password(conn, &raw, &password))
        .await?
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
