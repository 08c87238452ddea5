//! Sign-up (a company and its owner) and applications (developers). Neither signs in:
//! both answer with the same "Check your email" page whether or not the address already
//! has an account, so nobody can tell which addresses have one.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use validator::Validate;

use super::{UNPROCESSABLE, home_for};
use crate::auth::password::NewPassword;
use crate::auth::{rate_limit, session};
use crate::domain::{Email, TimeZone, country};
use crate::handlers::forms::{no_control_chars, render_with_status, safe_next, see_other};
use crate::handlers::{AppError, PageContext};
use crate::services::accounts::{self, CompanySignUp, DeveloperSignUp};
use crate::views::accounts::{ApplyPage, CheckEmailPage, SignupPage, SignupValues};
use crate::views::forms::FieldErrors;

// ---- company sign-up -------------------------------------------------------------

#[derive(Debug, Default, Deserialize, Validate)]
pub struct SignupForm {
    #[serde(default)]
    #[validate(
        length(
            min = 1,
            max = 120,
            message = "Enter your company's name (up to 120 characters)."
        ),
        custom(function = "no_control_chars")
    )]
    pub company_name: String,
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
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub time_zone: String,
    /// Where to go once the account is confirmed (a profile the visitor was reading).
    #[serde(default)]
    pub next: String,
}

fn signup_page(
    ctx: &PageContext,
    form: SignupValues,
    errors: FieldErrors,
    next: String,
) -> SignupPage {
    let time_zones = crate::domain::time_zone::grouped_choices_now(&form.time_zone);
    SignupPage {
        layout: ctx.layout_with(
            "Hire pre-vetted backend developers",
            "Create a company account to shortlist, interview and trial pre-vetted backend developers.",
            "",
        ),
        form,
        errors,
        time_zones,
        next,
    }
}

pub async fn signup_form(
    ctx: PageContext,
    query: web::Query<super::session::NextQuery>,
) -> Result<HttpResponse, AppError> {
    let next = safe_next(query.next.as_deref(), "");
    if let Some(user) = &ctx.user {
        return Ok(see_other(&safe_next(Some(&next), home_for(user))));
    }
    render_with_status(
        &signup_page(&ctx, SignupValues::default(), FieldErrors::default(), next),
        StatusCode::OK,
    )
}

pub async fn signup(
    ctx: PageContext,
    form: web::Form<SignupForm>,
) -> Result<HttpResponse, AppError> {
    let mut form = form.into_inner();
    form.company_name = form.company_name.trim().to_owned();
    form.name = form.name.trim().to_owned();
    let mut errors = form
        .validate()
        .err()
        .map(|e| FieldErrors::from_validation(&e))
        .unwrap_or_default();
    let email = errors.check("email", Email::parse(&form.email));
    let password = errors.check("password", NewPassword::parse(&form.password));
    let time_zone = errors.check("time_zone", TimeZone::parse(&form.time_zone));
    let next = safe_next(Some(&form.next), "");
    let values = SignupValues {
        company_name: form.company_name.clone(),
        name: form.name.clone(),
        email: form.email.trim().to_owned(),
        time_zone: form.time_zone.clone(),
        country: String::new(),
    };
    let (Some(email), Some(password), Some(time_zone), true) =
        (email, password, time_zone, errors.is_empty())
    else {
        return render_with_status(&signup_page(&ctx, values, errors, next), UNPROCESSABLE);
    };
    // Counted only for submissions that would create an account.
    ctx.rate_limit(rate_limit::SIGN_UP_PER_IP, &ctx.peer_ip)
        .await?;
    let outbox = ctx.state.outbox.clone();
    let input = CompanySignUp {
        company_name: form.company_name,
        name: form.name,
        email,
        password,
        time_zone,
    };
    let address = input.email.to_string();
    ctx.db(move |conn| accounts::sign_up_company(conn, &outbox, input))
        .await?;
    if !next.is_empty() {
        session::set_return_to(&ctx.session, &next);
    }
    Ok(check_your_email(&ctx, &address))
}

// ---- developer sign-up -----------------------------------------------------------

#[derive(Debug, Default, Deserialize, Validate)]
pub struct ApplyForm {
    #[serde(default)]
    #[validate(
        length(
            min = 1,
            max = 100,
            message = "Enter your full name (up to 100 characters)."
        ),
        custom(function = "no_control_chars")
    )]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub time_zone: String,
}

fn apply_page(ctx: &PageContext, form: SignupValues, errors: FieldErrors) -> ApplyPage {
    let time_zones = crate::domain::time_zone::grouped_choices_now(&form.time_zone);
    ApplyPage {
        layout: ctx.layout_with(
            "Apply as a developer",
            "Join Ladder's vetted network of backend developers: steady engagements at fixed monthly rates.",
            "application",
        ),
        form,
        errors,
        time_zones,
        countries: country::all(),
    }
}

pub async fn apply_form(ctx: PageContext) -> Result<HttpResponse, AppError> {
    if let Some(user) = &ctx.user {
        return Ok(see_other(home_for(user)));
    }
    render_with_status(
        &apply_page(&ctx, SignupValues::default(), FieldErrors::default()),
        StatusCode::OK,
    )
}

pub async fn apply(ctx: PageContext, form: web::Form<ApplyForm>) -> Result<HttpResponse, AppError> {
    let mut form = form.into_inner();
    form.name = form.name.trim().to_owned();
    let mut errors = form
        .validate()
        .err()
        .map(|e| FieldErrors::from_validation(&e))
        .unwrap_or_default();
    let email = errors.check("email", Email::parse(&form.email));
    let password = errors.check("password", NewPassword::parse(&form.password));
    let country_code = errors.check("country", country::parse_code(&form.country));
    let time_zone = errors.check("time_zone", TimeZone::parse(&form.time_zone));
    let values = SignupValues {
        company_name: String::new(),
        name: form.name.clone(),
        email: form.email.trim().to_owned(),
        time_zone: form.time_zone.clone(),
        country: form.country.clone(),
    };
    let (Some(email), Some(password), Some(country_code), Some(time_zone), true) =
        (email, password, country_code, time_zone, errors.is_empty())
    else {
        return render_with_status(&apply_page(&ctx, values, errors), UNPROCESSABLE);
    };
    ctx.rate_limit(rate_limit::SIGN_UP_PER_IP, &ctx.peer_ip)
        .await?;
    let outbox = ctx.state.outbox.clone();
    let input = DeveloperSignUp {
        name: form.name,
        email,
        password,
        country_code,
        time_zone,
    };
    let address = input.email.to_string();
    ctx.db(move |conn| accounts::sign_up_developer(conn, &outbox, input))
        .await?;
    Ok(check_your_email(&ctx, &address))
}

/// The answer to every sign-up and application, whether the address is new or already
/// has an account (whose owner was emailed instead): nobody is signed in, and the browser
/// goes to one "Check your email" page. The verification link signs in (it proves the
/// address); so does the password, as before.
fn check_your_email(ctx: &PageContext, address: &str) -> HttpResponse {
    session::set_awaiting_confirmation(&ctx.session, address);
    see_other(CHECK_EMAIL)
}

/// Where sign-up, apply and an anonymous "resend" land.
pub const CHECK_EMAIL: &str = "/check-email";

/// "Check your email": names the address this browser last signed up with (kept in its
/// session), offers a new link and sign-in. The same page whether or not the address
/// already had an account.
pub async fn check_email(ctx: PageContext) -> Result<HttpResponse, AppError> {
    let page = CheckEmailPage {
        layout: ctx.layout("Check your email", ""),
        email: session::awaiting_confirmation(&ctx.session),
        hours_valid: accounts::VERIFY_TTL_HOURS,
    };
    render_with_status(&page, StatusCode::OK)
}
