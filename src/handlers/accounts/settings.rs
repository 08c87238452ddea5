//! The account page: name, email address, password, and deleting the account.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use validator::Validate;

use super::{UNPROCESSABLE, notice};
use crate::auth::current_user::CurrentUser;
use crate::auth::password::NewPassword;
use crate::auth::rate_limit;
use crate::domain::{Email, Role};
use crate::handlers::extract::SignedIn;
use crate::handlers::forms::{
    checked, email_address, new_password, no_control_chars, render_with_status, see_other,
};
use crate::handlers::{AppError, PageContext};
use crate::services::accounts::{self, AccountError};
use crate::views::Flash;
use crate::views::accounts::AccountPage;
use crate::views::forms::FieldErrors;

async fn account_page(
    ctx: &PageContext,
    user: &CurrentUser,
    new_email: String,
    errors: FieldErrors,
) -> Result<AccountPage, AppError> {
    let id = user.id;
    let pending_email = ctx
        .db(move |conn| accounts::pending_email(conn, id))
        .await?;
    let sessions = super::session::items(ctx, user).await?;
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
    ctx.db(move |conn| accounts::change_name(conn, id, &form.name))
        .await?;
    ctx.flash(Flash::success("Your name is updated."));
    Ok(see_other("/account"))
}

#[derive(Debug, Default, Deserialize, Validate)]
pub struct EmailForm {
    #[serde(default)]
    #[validate(custom(function = "email_address"))]
    pub email: String,
}

pub async fn change_email(
    ctx: PageContext,
    user: SignedIn,
    form: web::Form<EmailForm>,
) -> Result<HttpResponse, AppError> {
    let user = user.0;
    let mut form = form.into_inner();
    form.email = form.email.trim().to_owned();
    let mut errors = checked(&form);
    let typed = form.email;
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
        .db_attempt(move |conn| accounts::request_email_change(conn, &outbox, id, &target))
        .await?
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

/// `current_password` needs no rule: it is only compared with the stored hash.
#[derive(Debug, Default, Deserialize, Validate)]
pub struct PasswordForm {
    #[serde(default)]
    pub current_password: String,
    #[serde(default)]
    #[validate(custom(function = "new_password"))]
    pub new_password: String,
}

pub async fn change_password(
    ctx: PageContext,
    user: SignedIn,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let user = user.0;
    let mut errors = checked(&*form);
    let Some(new_password) = errors.check("new_password", NewPassword::parse(&form.new_password))
    else {
        let page = account_page(&ctx, &user, String::new(), errors).await?;
        return render_with_status(&page, UNPROCESSABLE);
    };
    let limits = [(rate_limit::PASSWORD_CHECK_PER_ACCOUNT, user.id.to_string())];
    let attempt = ctx.reserve_attempt(&limits).await?;
    let (id, session_id, current) = (user.id, user.session_id, form.current_password.clone());
    match ctx
        .db_attempt(move |conn| {
            accounts::change_password(conn, id, session_id, &current, &new_password)
        })
        .await?
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

/// Deleting needs the password, which has no rule of its own: it is only compared with
/// the stored hash (a wrong one re-renders the page).
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
        .db_attempt(move |conn| accounts::delete_account(conn, id, &password))
        .await?
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
