//! Email verification: the link (which confirms the address and signs that browser in)
//! and "send a new link", for signed-in users and for anyone who knows their address.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use validator::Validate;

use super::notice;
use super::registration::CHECK_EMAIL;
use super::session::sign_in_and_redirect;
use crate::auth::current_user::CurrentUser;
use crate::auth::{rate_limit, session};
use crate::domain::{Email, Role};
use crate::handlers::forms::{checked, email_address, render_with_status, see_other};
use crate::handlers::{AppError, PageContext};
use crate::services::accounts::{self, AccountError, Verified};
use crate::views::Flash;
use crate::views::accounts::ResendPage;
use crate::views::forms::FieldErrors;

/// Where a newly confirmed account goes next, and what it is told.
fn next_step(role: Role) -> (&'static str, &'static str) {
    match role {
        Role::Developer => (
            "/me/profile",
            "Thanks — your email address is confirmed. Next: complete your profile and submit it for vetting.",
        ),
        Role::Company => (
            "/developers",
            "Thanks — your email address is confirmed. Browse the developers and shortlist the ones you'd like to meet.",
        ),
        Role::Admin => ("/account", "Thanks — your email address is confirmed."),
    }
}

/// A verification link proves the address: it confirms it and signs this browser in (a
/// session and device cookie, as a password sign-in gives), then goes to the role's next
/// step. A link for a changed address confirms the change only.
pub async fn verify_email(
    ctx: PageContext,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let raw = token.into_inner();
    let outcome = ctx
        .db_attempt(move |conn| accounts::verify_email(conn, &raw))
        .await?;
    let signed_in = ctx.user.is_some();
    let onward: &[(&str, &str)] = if signed_in {
        &[("Go to your account", "/account")]
    } else {
        &[("Sign in", "/login")]
    };
    match outcome {
        Ok(Verified::Account {
            user_id,
            email,
            role,
            active: true,
        }) => {
            let (to, message) = next_step(role);
            // A company that signed up from a profile goes back to it (same browser only).
            let back = session::take_return_to(&ctx.session).filter(|_| role == Role::Company);
            let to = back.as_deref().unwrap_or(to);
            ctx.flash(Flash::success(message));
            match &ctx.user {
                Some(current) if current.id == user_id => Ok(see_other(to)),
                // Someone else's link opened in a signed-in browser (sent to it, perhaps on
                // purpose): the address is confirmed, but this browser stays who it is.
                Some(current) => render_with_status(
                    &notice(
                        &ctx,
                        "Email confirmed",
                        "That email address is confirmed",
                        &format!(
                            "{email} is confirmed. This browser stays signed in as {}; sign out first to use the other account.",
                            current.email
                        ),
                        &[("Go to your account", "/account")],
                    ),
                    StatusCode::OK,
                ),
                None => sign_in_and_redirect(&ctx, user_id, &email, to).await,
            }
        }
        Ok(Verified::Account { active: false, .. }) => render_with_status(
            &notice(
                &ctx,
                "Email confirmed",
                "Your email address is confirmed",
                "Thanks! Sign in to continue where you left off.",
                onward,
            ),
            StatusCode::OK,
        ),
        Ok(Verified::NewEmail { email, .. }) => {
            if signed_in {
                ctx.flash(Flash::success(format!(
                    "Done — you now sign in with {email}."
                )));
                return Ok(see_other("/account"));
            }
            render_with_status(
                &notice(
                    &ctx,
                    "Email changed",
                    "Your new email address is confirmed",
                    &format!("You now sign in with {email}."),
                    onward,
                ),
                StatusCode::OK,
            )
        }
        Err(AccountError::TokenExpired) => render_with_status(
            &notice(
                &ctx,
                "Link expired",
                "This link has expired",
                "Verification links work for 48 hours. Ask for a fresh one.",
                &[("Send a new link", "/verify-email/resend")],
            ),
            StatusCode::GONE,
        ),
        Err(AccountError::TokenInvalid) | Err(AccountError::EmailTaken) => render_with_status(
            &notice(
                &ctx,
                "Link not valid",
                "This link isn't valid any more",
                "It may have been used already, or a newer link replaced it. If your address isn't confirmed yet, ask for a new link.",
                &[
                    ("Send a new link", "/verify-email/resend"),
                    ("Go to the home page", "/"),
                ],
            ),
            StatusCode::BAD_REQUEST,
        ),
        Err(e) => Err(e.into()),
    }
}

fn resend_page(
    ctx: &PageContext,
    user: Option<&CurrentUser>,
    email: String,
    errors: FieldErrors,
) -> ResendPage {
    ResendPage {
        layout: ctx.layout(
            "Confirm your email",
            if user.is_some() { "account" } else { "" },
        ),
        email,
        verified: user.is_some_and(|u| u.email_verified),
        signed_in: user.is_some(),
        errors,
    }
}

/// A signed-in user's own address; anyone else types theirs (prefilled with the one this
/// browser signed up with).
pub async fn resend_form(ctx: PageContext) -> Result<HttpResponse, AppError> {
    let user = ctx.user.clone();
    let email = match &user {
        Some(user) => user.email.clone(),
        None => session::awaiting_confirmation(&ctx.session).unwrap_or_default(),
    };
    let page = resend_page(&ctx, user.as_ref(), email, FieldErrors::default());
    render_with_status(&page, StatusCode::OK)
}

#[derive(Debug, Default, Deserialize, Validate)]
pub struct ResendForm {
    /// Read from anonymous visitors only (checked there; a signed-in user's own address
    /// is used instead).
    #[serde(default)]
    #[validate(custom(function = "email_address"))]
    pub email: String,
}

pub async fn resend(
    ctx: PageContext,
    form: web::Form<ResendForm>,
) -> Result<HttpResponse, AppError> {
    let Some(user) = ctx.user.clone() else {
        return resend_anonymous(ctx, form.into_inner()).await;
    };
    ctx.rate_limit(rate_limit::RESEND_PER_IP, &ctx.peer_ip)
        .await?;
    ctx.rate_limit(rate_limit::RESEND_PER_ACCOUNT, &user.email)
        .await?;
    let outbox = ctx.state.outbox.clone();
    let id = user.id;
    let sent = ctx
        .db(move |conn| accounts::resend_verification(conn, &outbox, id))
        .await?;
    ctx.flash(if sent {
        Flash::success(format!(
            "We sent a new link to {}. It works for 48 hours.",
            user.email
        ))
    } else {
        Flash::info("Your email address is already confirmed.")
    });
    Ok(see_other("/account"))
}

/// The same answer for every well-formed address: a link goes out only if an unconfirmed
/// account has it, and nobody learns whether one does.
async fn resend_anonymous(
    ctx: PageContext,
    mut form: ResendForm,
) -> Result<HttpResponse, AppError> {
    form.email = form.email.trim().to_owned();
    let mut errors = checked(&form);
    let typed = form.email;
    let Some(email) = errors.check("email", Email::parse(&typed)) else {
        let page = resend_page(&ctx, None, typed, errors);
        return render_with_status(&page, StatusCode::UNPROCESSABLE_ENTITY);
    };
    ctx.rate_limit(rate_limit::RESEND_PER_IP, &ctx.peer_ip)
        .await?;
    ctx.rate_limit(rate_limit::RESEND_PER_ACCOUNT, email.as_str())
        .await?;
    let outbox = ctx.state.outbox.clone();
    let lookup = email.clone();
    ctx.db(move |conn| accounts::resend_verification_to(conn, &outbox, &lookup))
        .await?;
    session::set_awaiting_confirmation(&ctx.session, email.as_str());
    ctx.flash(Flash::info(format!(
        "If {email} has an account waiting for confirmation, we sent it a new link."
    )));
    Ok(see_other(CHECK_EMAIL))
}
