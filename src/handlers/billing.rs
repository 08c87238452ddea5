//! Trials and billing. Company: `/engagements/new` → `POST /engagements` → checkout
//! (Stripe or `/billing/sandbox/checkout/{session}`) → `/billing/checkout/success`;
//! `/engagements`, `/engagements/{id}` (cancel, replace), `/billing` (invoices, portal).
//! Developer: `/me/engagements`, `/me/hours`. Admin: `/admin/engagements` with the
//! sandbox's controls. Stripe: `POST /webhooks/stripe`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDate;
use serde::Deserialize;

use super::forms::{FieldErrors, render_with_status, see_other};
use super::shortlists::VerifiedMember;
use super::{AppError, PageContext};
use crate::auth::current_user::{AdminUser, DeveloperUser};
use crate::auth::password::random_token;
use crate::billing::state::EngagementStatus;
use crate::billing::webhook::{self, WebhookError};
use crate::domain::Commitment;
use crate::models;
use crate::services::billing::{
    self, Applied, BillingError, BookingRequest, CancelOutcome, RECOMMENDED_MONTHS, SandboxAction,
    SandboxPayment,
};
use crate::services::pricing::TRIAL_DAYS;
use crate::startup::AppState;
use crate::views::Flash;
use crate::views::billing::{
    AdminEngagementPage, AdminEngagementRow, AdminEngagementsPage, BillingPage, BookingPage,
    BookingValues, CheckoutStatusFragment, CheckoutSuccessPage, DeveloperEngagement,
    EngagementPage, EngagementPageData, EngagementsPage, HoursValues, MyEngagementsPage,
    MyHoursPage, SandboxCheckoutPage, SandboxPortalPage, StripeUnavailablePage,
};

impl From<BillingError> for AppError {
    fn from(e: BillingError) -> Self {
        match e {
            BillingError::NotFound => AppError::NotFound,
            BillingError::Refused(m) | BillingError::PriceMismatch(m) => AppError::BadRequest(m),
            BillingError::Db(db) => AppError::from(db),
            BillingError::Template(t) => AppError::Internal(t.into()),
            BillingError::StripeUnavailable(m) | BillingError::Stripe(m) => {
                AppError::Internal(anyhow::anyhow!("Stripe: {m}"))
            }
        }
    }
}

fn ok_html(page: &impl askama::Template) -> Result<HttpResponse, AppError> {
    render_with_status(page, StatusCode::OK)
}

// ---------------------------------------------------------------------------------------
// Booking and checkout

#[derive(Debug, Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    pub developer: String,
    #[serde(default)]
    pub replaces: Option<String>,
}

fn parse_id(value: Option<&str>) -> Result<Option<i32>, AppError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| AppError::BadRequest("That engagement number isn't valid.".into())),
    }
}

async fn booking_page(
    ctx: &PageContext,
    member: &VerifiedMember,
    slug: String,
    values: BookingValues,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let company_id = member.company.company_id;
    let replaces = values.replaces;
    let now = models::now();
    let (options, replacing) = ctx
        .state
        .db
        .run(move |conn| -> Result<_, AppError> {
            let options = billing::booking_options(conn, company_id, &slug, now)?;
            let replacing = match replaces {
                Some(id) => {
                    let detail = billing::company_engagement(conn, company_id, id, now)?;
                    Some((id, detail.engagement.developer_name))
                }
                None => None,
            };
            Ok((options, replacing))
        })
        .await?;
    let mut values = values;
    if values.starts_on.is_empty() {
        values.starts_on = options.earliest_start.to_string();
    }
    let title = format!("Start a free trial with {}", options.display_name);
    render_with_status(
        &BookingPage {
            layout: ctx.layout(&title, "engagements"),
            o: options,
            v: values,
            errors,
            trial_days: TRIAL_DAYS as u32,
            recommended_months: RECOMMENDED_MONTHS,
            replacing,
        },
        status,
    )
}

pub async fn new_form(
    ctx: PageContext,
    member: VerifiedMember,
    query: web::Query<NewQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let values = BookingValues {
        three_month_commitment: true,
        idempotency_key: random_token(24),
        replaces: parse_id(q.replaces.as_deref())?,
        ..BookingValues::default()
    };
    booking_page(
        &ctx,
        &member,
        q.developer,
        values,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct BookingForm {
    #[serde(default)]
    pub developer: String,
    #[serde(default)]
    pub commitment: String,
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub three_month_commitment: Option<String>,
    #[serde(default)]
    pub idempotency_key: String,
    #[serde(default)]
    pub replaces: Option<String>,
}

pub async fn create(
    ctx: PageContext,
    member: VerifiedMember,
    form: web::Form<BookingForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let replaces = parse_id(form.replaces.as_deref())?;
    let key = form.idempotency_key.trim().to_owned();
    let values = BookingValues {
        commitment: form.commitment.clone(),
        starts_on: form.starts_on.clone(),
        three_month_commitment: form.three_month_commitment.is_some(),
        idempotency_key: if key.is_empty() || key.len() > 64 {
            random_token(24)
        } else {
            key.clone()
        },
        replaces,
    };
    let mut errors = FieldErrors::default();
    let commitment = form.commitment.parse::<Commitment>().ok();
    if commitment.is_none() {
        errors.add("commitment", "Choose full-time or part-time.");
    }
    let starts_on = NaiveDate::parse_from_str(form.starts_on.trim(), "%Y-%m-%d").ok();
    if starts_on.is_none() {
        errors.add("starts_on", "Enter a start date.");
    }
    if key.is_empty() || key.len() > 64 {
        errors.add(
            "form",
            "This form expired. Check the details and submit it again.",
        );
    }
    let (Some(commitment), Some(starts_on), true) = (commitment, starts_on, errors.is_empty())
    else {
        return booking_page(
            &ctx,
            &member,
            form.developer,
            values,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let request = BookingRequest {
        developer_slug: form.developer.clone(),
        commitment,
        starts_on,
        three_month_commitment: form.three_month_commitment.is_some(),
        idempotency_key: key,
        replaces,
    };
    let (company_id, user_id) = (member.company.company_id, member.user.id);
    let booked = ctx
        .state
        .db
        .run(move |conn| billing::book(conn, company_id, user_id, &request, models::now()))
        .await;
    let row = match booked {
        Ok(row) => row,
        Err(BillingError::Refused(message)) => {
            let mut errors = FieldErrors::default();
            errors.add("form", message);
            return booking_page(
                &ctx,
                &member,
                form.developer,
                values,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Err(e) => return Err(e.into()),
    };
    if billing::status_of(&row) != EngagementStatus::PendingCheckout {
        // A resubmitted form after checkout: show where things stand.
        return Ok(see_other(&format!("/engagements/{}", row.id)));
    }
    go_to_checkout(&ctx, company_id, row.id).await
}

async fn go_to_checkout(
    ctx: &PageContext,
    company_id: i32,
    engagement_id: i32,
) -> Result<HttpResponse, AppError> {
    let settings = &ctx.state.settings;
    match billing::checkout_url(
        &ctx.state.db,
        &ctx.state.gateway,
        settings.base_url_str(),
        company_id,
        engagement_id,
    )
    .await
    {
        Ok(url) => Ok(see_other(&url)),
        Err(BillingError::StripeUnavailable(message) | BillingError::Stripe(message)) => {
            tracing::warn!(engagement_id, error = %message, "checkout could not start");
            render_with_status(
                &StripeUnavailablePage {
                    layout: ctx.layout("Checkout unavailable", "engagements"),
                    engagement_id,
                    retry_action: format!("/engagements/{engagement_id}/checkout"),
                    message,
                },
                StatusCode::SERVICE_UNAVAILABLE,
            )
        }
        Err(BillingError::PriceMismatch(message)) => render_with_status(
            &StripeUnavailablePage {
                layout: ctx.layout("Checkout unavailable", "engagements"),
                engagement_id,
                retry_action: format!("/engagements/{engagement_id}/checkout"),
                message,
            },
            StatusCode::CONFLICT,
        ),
        Err(BillingError::Refused(_)) => Ok(see_other(&format!("/engagements/{engagement_id}"))),
        Err(e) => Err(e.into()),
    }
}

/// "Continue to checkout" / "Try again" for an engagement still pending.
pub async fn checkout(
    ctx: PageContext,
    member: VerifiedMember,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    go_to_checkout(&ctx, member.company.company_id, path.into_inner()).await
}

#[derive(Debug, Deserialize)]
pub struct SuccessQuery {
    #[serde(default)]
    pub session_id: String,
}

/// Where Stripe Checkout returns: waits (htmx polling) for the webhook's confirmation.
pub async fn checkout_success(
    ctx: PageContext,
    member: VerifiedMember,
    query: web::Query<SuccessQuery>,
) -> Result<HttpResponse, AppError> {
    let company_id = member.company.company_id;
    let session_id = query.into_inner().session_id;
    let now = models::now();
    let detail = ctx
        .state
        .db
        .run(move |conn| {
            billing::company_engagement_by_checkout(conn, company_id, &session_id, now)
        })
        .await?;
    ok_html(&CheckoutSuccessPage {
        layout: ctx.layout("Checkout", "engagements"),
        e: detail.engagement,
    })
}

pub async fn checkout_status(
    ctx: PageContext,
    member: VerifiedMember,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let detail = company_engagement(&ctx, &member, path.into_inner()).await?;
    ok_html(&CheckoutStatusFragment {
        e: detail.engagement,
    })
}

/// One of the member's company's engagements, with its hours and invoices (404 otherwise).
async fn company_engagement(
    ctx: &PageContext,
    member: &VerifiedMember,
    id: i32,
) -> Result<billing::EngagementDetail, AppError> {
    let company_id = member.company.company_id;
    let now = models::now();
    Ok(ctx
        .state
        .db
        .run(move |conn| billing::company_engagement(conn, company_id, id, now))
        .await?)
}

fn sandbox_only(state: &AppState) -> Result<(), AppError> {
    if state.gateway.is_sandbox() {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

async fn sandbox_checkout_page(
    ctx: &PageContext,
    company_id: i32,
    session_id: String,
    name_on_card: String,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let id = session_id.clone();
    let page = ctx
        .state
        .db
        .run(move |conn| billing::sandbox_checkout_page(conn, company_id, &id))
        .await?;
    if billing::status_of(&page.engagement) != EngagementStatus::PendingCheckout {
        return Ok(see_other(&format!(
            "/billing/checkout/success?session_id={session_id}"
        )));
    }
    let trial_ends = page.trial_end.format("%-d %B %Y").to_string();
    render_with_status(
        &SandboxCheckoutPage {
            layout: ctx.layout("Sandbox checkout", "engagements"),
            session_id,
            developer_name: page.developer_name,
            company_name: page.company_name,
            trial_days: page.trial_days,
            trial_ends,
            engagement: page.engagement,
            name_on_card,
            error,
        },
        status,
    )
}

pub async fn sandbox_checkout_form(
    ctx: PageContext,
    member: VerifiedMember,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    sandbox_only(&ctx.state)?;
    let name = member.user.name.clone();
    sandbox_checkout_page(
        &ctx,
        member.company.company_id,
        path.into_inner(),
        name,
        None,
        StatusCode::OK,
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct CardForm {
    #[serde(default)]
    pub card_number: String,
    #[serde(default)]
    pub name_on_card: String,
}

pub async fn sandbox_checkout_pay(
    ctx: PageContext,
    member: VerifiedMember,
    path: web::Path<String>,
    form: web::Form<CardForm>,
) -> Result<HttpResponse, AppError> {
    sandbox_only(&ctx.state)?;
    let session_id = path.into_inner();
    let form = form.into_inner();
    let company_id = member.company.company_id;
    let outbox = ctx.state.outbox.clone();
    let (id, card) = (session_id.clone(), form.card_number.clone());
    let paid = ctx
        .state
        .db
        .run(move |conn| billing::sandbox_pay(conn, &outbox, company_id, &id, &card, models::now()))
        .await?;
    match paid {
        SandboxPayment::Started { .. } => Ok(see_other(&format!(
            "/billing/checkout/success?session_id={session_id}"
        ))),
        SandboxPayment::Unavailable(message) => Err(AppError::BadRequest(message)),
        SandboxPayment::Declined(message) => {
            sandbox_checkout_page(
                &ctx,
                company_id,
                session_id,
                form.name_on_card,
                Some(message),
                StatusCode::PAYMENT_REQUIRED,
            )
            .await
        }
    }
}

// ---------------------------------------------------------------------------------------
// Engagements (company)

pub async fn index(ctx: PageContext, member: VerifiedMember) -> Result<HttpResponse, AppError> {
    let company_id = member.company.company_id;
    let now = models::now();
    let engagements = ctx
        .state
        .db
        .run(move |conn| billing::company_engagements(conn, company_id, now))
        .await?;
    ok_html(&EngagementsPage {
        layout: ctx.layout("Engagements", "engagements"),
        engagements,
    })
}

pub async fn show(
    ctx: PageContext,
    member: VerifiedMember,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let d = company_engagement(&ctx, &member, path.into_inner()).await?;
    let title = format!("Engagement: {}", d.engagement.developer_name);
    ok_html(&EngagementPage {
        layout: ctx.layout(&title, "engagements"),
        d: EngagementPageData {
            e: d.engagement,
            invoices: d.invoices,
            hours: d.hours,
            replaces: d.replaces,
            replaced_by: d.replaced_by,
            replacement_candidates: d.replacement_candidates,
        },
    })
}

pub async fn cancel(
    ctx: PageContext,
    member: VerifiedMember,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let (company_id, user_id, id) = (member.company.company_id, member.user.id, path.into_inner());
    let outcome = ctx
        .state
        .db
        .run(move |conn| billing::request_cancel(conn, company_id, user_id, id))
        .await?;
    let message = match outcome {
        CancelOutcome::CanceledBeforeCheckout => "Booking cancelled. Nothing was charged.",
        CancelOutcome::Cancelling => {
            "Cancelling the trial. Nothing is charged; this page updates when it is done."
        }
        CancelOutcome::EndsAtPeriodEnd => {
            "The engagement will end when the paid month is over. Nothing more is charged."
        }
        CancelOutcome::AlreadyRequested => "Cancellation is already on its way.",
    };
    crate::auth::session::push_flash(&ctx.session, Flash::success(message));
    Ok(see_other(&format!("/engagements/{id}")))
}

// ---------------------------------------------------------------------------------------
// Billing page and portal

pub async fn billing_page(
    ctx: PageContext,
    member: VerifiedMember,
) -> Result<HttpResponse, AppError> {
    let company_id = member.company.company_id;
    let overview = ctx
        .state
        .db
        .run(move |conn| billing::company_billing(conn, company_id))
        .await?;
    ok_html(&BillingPage {
        layout: ctx.layout("Billing", "billing"),
        invoices: overview.invoices,
        has_customer: overview.has_customer,
        payment_failed: overview.payment_failed,
        sandbox: ctx.state.gateway.is_sandbox(),
    })
}

pub async fn portal(ctx: PageContext, member: VerifiedMember) -> Result<HttpResponse, AppError> {
    let settings = &ctx.state.settings;
    match billing::portal_url(
        &ctx.state.db,
        &ctx.state.gateway,
        settings.base_url_str(),
        member.company.company_id,
    )
    .await
    {
        Ok(url) => Ok(see_other(&url)),
        Err(BillingError::StripeUnavailable(_) | BillingError::Stripe(_)) => {
            crate::auth::session::push_flash(
                &ctx.session,
                Flash::error(
                    "We couldn't open the billing portal just now. Nothing changed; please try again in a minute.",
                ),
            );
            Ok(see_other("/billing"))
        }
        Err(e) => Err(e.into()),
    }
}

async fn sandbox_portal_page(
    ctx: &PageContext,
    company_id: i32,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let overview = ctx
        .state
        .db
        .run(move |conn| billing::company_billing(conn, company_id))
        .await?;
    render_with_status(
        &SandboxPortalPage {
            layout: ctx.layout("Sandbox billing portal", "billing"),
            card_last4: overview.card_last4,
            payment_failed: overview.payment_failed,
            error,
        },
        status,
    )
}

pub async fn sandbox_portal(
    ctx: PageContext,
    member: VerifiedMember,
) -> Result<HttpResponse, AppError> {
    sandbox_only(&ctx.state)?;
    sandbox_portal_page(&ctx, member.company.company_id, None, StatusCode::OK).await
}

pub async fn sandbox_portal_update(
    ctx: PageContext,
    member: VerifiedMember,
    form: web::Form<CardForm>,
) -> Result<HttpResponse, AppError> {
    sandbox_only(&ctx.state)?;
    let company_id = member.company.company_id;
    let outbox = ctx.state.outbox.clone();
    let card = form.into_inner().card_number;
    let result = ctx
        .state
        .db
        .run(move |conn| billing::sandbox_update_card(conn, &outbox, company_id, &card))
        .await?;
    match result {
        Ok(paid) => {
            let message = if paid > 0 {
                "Card updated and the open invoice is paid. Thank you!"
            } else {
                "Card updated."
            };
            crate::auth::session::push_flash(&ctx.session, Flash::success(message));
            Ok(see_other("/billing"))
        }
        Err(message) => {
            sandbox_portal_page(
                &ctx,
                company_id,
                Some(message),
                StatusCode::PAYMENT_REQUIRED,
            )
            .await
        }
    }
}

// ---------------------------------------------------------------------------------------
// Stripe's webhook

/// `POST /webhooks/stripe`: verified, deduplicated, applied. A bad signature, a stale
/// timestamp or an unreadable body is a 400 and changes nothing; an event we already
/// processed is a 200 (Stripe stops retrying).
pub async fn stripe_webhook(
    req: HttpRequest,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> HttpResponse {
    let Some(stripe) = state.settings.stripe.as_ref() else {
        return HttpResponse::NotFound().body("Stripe is not configured on this server.");
    };
    let Ok(payload) = std::str::from_utf8(&body) else {
        return HttpResponse::BadRequest().body("The body is not UTF-8.");
    };
    let signature = req
        .headers()
        .get("Stripe-Signature")
        .and_then(|v| v.to_str().ok());
    let now = chrono::Utc::now().timestamp();
    let event = match webhook::parse(payload, signature, stripe.webhook_secret.expose(), now) {
        Ok(event) => event,
        Err(e) => {
            tracing::warn!(error = %e, "rejected a Stripe webhook");
            let message = match e {
                WebhookError::MissingSignature => "Missing Stripe-Signature header.",
                WebhookError::BadSignature => "The signature does not match.",
                WebhookError::Stale => "The signature is too old.",
                WebhookError::BadPayload(_) => "The event could not be read.",
            };
            return HttpResponse::BadRequest().body(message);
        }
    };
    let outbox = state.outbox.clone();
    let event_id = event.id.clone();
    let applied = state
        .db
        .run(move |conn| billing::apply_event(conn, &outbox, "stripe", &event))
        .await;
    match applied {
        Ok(outcome) => {
            match &outcome {
                Applied::Ignored { reason } => {
                    tracing::info!(event_id, reason, "Stripe event ignored")
                }
                Applied::Duplicate => tracing::info!(event_id, "Stripe event already processed"),
                Applied::Applied { engagement_id } => {
                    tracing::info!(event_id, ?engagement_id, "Stripe event applied")
                }
                Applied::Refused {
                    engagement_id,
                    reason,
                } => {
                    tracing::warn!(
                        event_id,
                        engagement_id,
                        reason,
                        "Stripe subscription refused"
                    )
                }
            }
            HttpResponse::Ok().json(serde_json::json!({ "received": true }))
        }
        Err(e) => {
            // A database problem: 500 makes Stripe retry later; nothing was half-applied.
            tracing::error!(event_id, error = %e, "could not apply a Stripe event");
            HttpResponse::InternalServerError().body("Try again later.")
        }
    }
}

// ---------------------------------------------------------------------------------------
// Developer

async fn developer_engagements(
    ctx: &PageContext,
    developer_id: i32,
) -> Result<Vec<DeveloperEngagement>, AppError> {
    let now = models::now();
    Ok(ctx
        .state
        .db
        .run(move |conn| billing::developer_engagements(conn, developer_id, now))
        .await?
        .into_iter()
        .map(|(e, hours)| DeveloperEngagement { e, hours })
        .collect())
}

pub async fn my_engagements(
    ctx: PageContext,
    dev: DeveloperUser,
) -> Result<HttpResponse, AppError> {
    let developer_id = dev.0.developer_id.ok_or(AppError::Forbidden)?;
    let engagements = developer_engagements(&ctx, developer_id).await?;
    ok_html(&MyEngagementsPage {
        layout: ctx.layout("Your engagements", "engagements"),
        engagements,
    })
}

async fn hours_page(
    ctx: &PageContext,
    developer_id: i32,
    v: HoursValues,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let engagements = developer_engagements(ctx, developer_id).await?;
    let loggable = engagements
        .iter()
        .filter(|d| d.e.status.is_engaged() || d.e.status.is_final())
        .map(|d| {
            (
                d.e.row.id,
                format!(
                    "{} ({})",
                    d.e.company_name,
                    d.e.status.label().to_lowercase()
                ),
            )
        })
        .collect();
    let today = models::now().date();
    let mut v = v;
    if v.week.is_empty() {
        v.week = today.to_string();
    }
    render_with_status(
        &MyHoursPage {
            layout: ctx.layout("Log hours", "hours"),
            engagements,
            loggable,
            v,
            errors,
            this_week: today.to_string(),
        },
        status,
    )
}

pub async fn my_hours(ctx: PageContext, dev: DeveloperUser) -> Result<HttpResponse, AppError> {
    let developer_id = dev.0.developer_id.ok_or(AppError::Forbidden)?;
    hours_page(
        &ctx,
        developer_id,
        HoursValues::default(),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct HoursForm {
    #[serde(default)]
    pub engagement: String,
    #[serde(default)]
    pub week: String,
    #[serde(default)]
    pub hours: String,
    #[serde(default)]
    pub note: String,
}

pub const MAX_NOTE_CHARS: usize = 1000;

pub async fn log_hours(
    ctx: PageContext,
    dev: DeveloperUser,
    form: web::Form<HoursForm>,
) -> Result<HttpResponse, AppError> {
    let developer_id = dev.0.developer_id.ok_or(AppError::Forbidden)?;
    let form = form.into_inner();
    let values = HoursValues {
        engagement: form.engagement.clone(),
        week: form.week.clone(),
        hours: form.hours.clone(),
        note: form.note.clone(),
    };
    let mut errors = FieldErrors::default();
    let engagement_id: Option<i32> = form.engagement.trim().parse().ok();
    if engagement_id.is_none() {
        errors.add("engagement", "Choose an engagement.");
    }
    let day = NaiveDate::parse_from_str(form.week.trim(), "%Y-%m-%d").ok();
    if day.is_none() {
        errors.add("week", "Enter a date in the week you worked.");
    }
    let minutes = match billing::parse_hours(&form.hours) {
        Ok(m) => Some(m),
        Err(message) => {
            errors.add("hours", message);
            None
        }
    };
    if form.note.chars().count() > MAX_NOTE_CHARS {
        errors.add("note", "Keep the note under 1,000 characters.");
    }
    let (Some(engagement_id), Some(day), Some(minutes), true) =
        (engagement_id, day, minutes, errors.is_empty())
    else {
        return hours_page(
            &ctx,
            developer_id,
            values,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let note = form.note.clone();
    let logged = ctx
        .state
        .db
        .run(move |conn| {
            billing::log_hours(
                conn,
                developer_id,
                engagement_id,
                day,
                minutes,
                &note,
                models::now(),
            )
        })
        .await;
    match logged {
        Ok(week) => {
            crate::auth::session::push_flash(
                &ctx.session,
                Flash::success(format!(
                    "Saved {} h for the week of {}.",
                    billing::format_minutes(minutes),
                    week.format("%-d %B")
                )),
            );
            Ok(see_other("/me/hours"))
        }
        Err(BillingError::Refused(message)) => {
            let mut errors = FieldErrors::default();
            errors.add("week", message);
            hours_page(
                &ctx,
                developer_id,
                values,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------
// Admin

#[derive(Debug, Deserialize)]
pub struct AdminQuery {
    #[serde(default)]
    pub status: String,
}

pub async fn admin_engagements(
    ctx: PageContext,
    _admin: AdminUser,
    query: web::Query<AdminQuery>,
) -> Result<HttpResponse, AppError> {
    let filter = query.into_inner().status;
    let status: Option<EngagementStatus> = if filter.is_empty() {
        None
    } else {
        Some(
            filter
                .parse()
                .map_err(|_| AppError::BadRequest("Unknown engagement status.".into()))?,
        )
    };
    let now = models::now();
    let (rows, metrics) = ctx
        .state
        .db
        .run(move |conn| -> Result<_, BillingError> {
            Ok((
                billing::admin_list(conn, status)?,
                billing::metrics(conn, now)?,
            ))
        })
        .await?;
    ok_html(&AdminEngagementsPage {
        layout: ctx.layout("Engagements · Admin", "admin"),
        rows: rows
            .into_iter()
            .map(|(row, company, developer)| AdminEngagementRow {
                status: billing::status_of(&row),
                commitment: Commitment::from_str_or_full(&row.commitment)
                    .label()
                    .to_lowercase(),
                row,
                company,
                developer,
            })
            .collect(),
        filter,
        statuses: EngagementStatus::ALL
            .into_iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
        metrics,
    })
}

pub async fn admin_engagement(
    ctx: PageContext,
    _admin: AdminUser,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let now = models::now();
    let d = ctx
        .state
        .db
        .run(move |conn| billing::admin_engagement(conn, id, now))
        .await?;
    let title = format!("Engagement {id} · Admin");
    ok_html(&AdminEngagementPage {
        layout: ctx.layout(&title, "admin"),
        e: d.engagement,
        invoices: d.invoices,
        sandbox: d.sandbox,
        events: d.events,
        sandbox_mode: ctx.state.gateway.is_sandbox(),
    })
}

pub async fn admin_sandbox_action(
    ctx: PageContext,
    admin: AdminUser,
    path: web::Path<(i32, String)>,
) -> Result<HttpResponse, AppError> {
    sandbox_only(&ctx.state)?;
    let (id, action) = path.into_inner();
    let action = SandboxAction::parse(&action).ok_or(AppError::NotFound)?;
    let outbox = ctx.state.outbox.clone();
    let admin_id = admin.0.id;
    let result = ctx
        .state
        .db
        .run(move |conn| billing::sandbox_action(conn, &outbox, admin_id, id, action))
        .await;
    match result {
        Ok(message) => crate::auth::session::push_flash(&ctx.session, Flash::success(message)),
        Err(BillingError::Refused(message)) => {
            crate::auth::session::push_flash(&ctx.session, Flash::error(message))
        }
        Err(e) => return Err(e.into()),
    }
    Ok(see_other(&format!("/admin/engagements/{id}")))
}
