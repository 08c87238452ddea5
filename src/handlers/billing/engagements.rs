//! The company's engagements: booking, checkout, the list and the page, cancelling.

use super::*;

/// `developer` needs no rule (an unknown slug is a 404 from the service); `replaces` is
/// read by `parse_id`, which refuses a non-number with a 400.
#[derive(Debug, Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    pub developer: String,
    #[serde(default)]
    pub replaces: Option<String>,
}

pub(super) fn parse_id(value: Option<&str>) -> Result<Option<i32>, AppError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| AppError::BadRequest("That engagement number isn't valid.".into())),
    }
}

pub(super) async fn booking_page(
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
        .db(move |conn| -> Result<_, AppError> {
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

/// A booking. The idempotency key's rule is checked in the handler: its message belongs
/// to the whole form, not to a field.
#[derive(Debug, Deserialize, Validate)]
pub struct BookingForm {
    #[serde(default)]
    #[validate(length(max = 200))]
    pub developer: String,
    #[serde(default)]
    #[validate(custom(function = "commitment", message = "Choose full-time or part-time."))]
    pub commitment: String,
    #[serde(default)]
    #[validate(custom(function = "start_date", message = "Enter a start date."))]
    pub starts_on: String,
    #[serde(default)]
    pub three_month_commitment: Option<String>,
    #[serde(default)]
    pub idempotency_key: String,
    #[serde(default)]
    #[validate(custom(
        function = "record_id",
        message = "That engagement number isn't valid."
    ))]
    pub replaces: Option<String>,
}

fn commitment(value: &str) -> Result<(), validator::ValidationError> {
    value
        .parse::<Commitment>()
        .map(|_| ())
        .map_err(|e| invalid("commitment", e.to_string()))
}

fn parse_start(value: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").ok()
}

fn start_date(value: &str) -> Result<(), validator::ValidationError> {
    parse_start(value)
        .map(|_| ())
        .ok_or_else(|| invalid("date", "Enter a start date."))
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
    let mut errors = checked(&form);
    let commitment = form.commitment.parse::<Commitment>().ok();
    let starts_on = parse_start(&form.starts_on);
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
        .db_attempt(move |conn| billing::book(conn, company_id, user_id, &request, models::now()))
        .await?;
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
    if row.status != EngagementStatus::PendingCheckout {
        // A resubmitted form after checkout: show where things stand.
        return Ok(see_other(&format!("/engagements/{}", row.id)));
    }
    go_to_checkout(&ctx, company_id, row.id).await
}

pub(super) async fn go_to_checkout(
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
        Err(BillingError::StripeUnavailable(e) | BillingError::Stripe(e)) => {
            tracing::warn!(engagement_id, error = %e, "checkout could not start");
            let message = e.detail();
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
        Err(BillingError::Refused(message)) => {
            crate::handlers::context::push_flash(&ctx.session, Flash::error(message));
            Ok(see_other(&format!("/engagements/{engagement_id}")))
        }
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

/// Needs no rules: a session id that isn't one of the company's checkouts is a 404.
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
        .db(move |conn| billing::company_engagement_by_checkout(conn, company_id, &session_id, now))
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
pub(super) async fn company_engagement(
    ctx: &PageContext,
    member: &VerifiedMember,
    id: i32,
) -> Result<billing::EngagementDetail, AppError> {
    let company_id = member.company.company_id;
    let now = models::now();
    ctx.db(move |conn| billing::company_engagement(conn, company_id, id, now))
        .await
}

pub async fn index(ctx: PageContext, member: VerifiedMember) -> Result<HttpResponse, AppError> {
    let company_id = member.company.company_id;
    let now = models::now();
    let engagements = ctx
        .db(move |conn| billing::company_engagements(conn, company_id, now))
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
    let row = &d.engagement.row;
    let hours_chart = crate::views::engagement_chart::hours_chart(
        row.hours_per_month,
        row.starts_on.min(row.created_at.date()),
        &d.hours,
        crate::models::now().date(),
    );
    ok_html(&EngagementPage {
        layout: ctx.layout(&title, "engagements"),
        hours_chart,
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
        .db(move |conn| billing::request_cancel(conn, company_id, user_id, id))
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
    crate::handlers::context::push_flash(&ctx.session, Flash::success(message));
    Ok(see_other(&format!("/engagements/{id}")))
}
