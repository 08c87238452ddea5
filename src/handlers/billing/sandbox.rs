//! The sandbox gateway's pages (no Stripe key): its checkout and its stand-in for the
//! customer portal.

use super::*;

pub(super) fn sandbox_only(state: &AppState) -> Result<(), AppError> {
    if state.gateway.is_sandbox() {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

pub(super) async fn sandbox_checkout_page(
    ctx: &PageContext,
    company_id: i32,
    session_id: String,
    name_on_card: String,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let id = session_id.clone();
    let page = ctx
        .db(move |conn| billing::sandbox_checkout_page(conn, company_id, &id))
        .await?;
    if page.engagement.status != EngagementStatus::PendingCheckout {
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

/// The sandbox's card form; which numbers pay or decline is the sandbox's business.
#[derive(Debug, Deserialize, Validate)]
pub struct CardForm {
    #[serde(default)]
    #[validate(length(max = 40, message = "A card number is at most 40 characters."))]
    pub card_number: String,
    #[serde(default)]
    #[validate(
        length(max = 100, message = "The name on the card is at most 100 characters."),
        custom(function = "no_control_chars")
    )]
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
    valid_or_bad_request(&form)?;
    let company_id = member.company.company_id;
    let outbox = ctx.state.outbox.clone();
    let (id, card) = (session_id.clone(), form.card_number.clone());
    let paid = ctx
        .db(move |conn| billing::sandbox_pay(conn, &outbox, company_id, &id, &card, models::now()))
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

pub(super) async fn sandbox_portal_page(
    ctx: &PageContext,
    company_id: i32,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let overview = ctx
        .db(move |conn| billing::company_billing(conn, company_id))
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
    valid_or_bad_request(&*form)?;
    let card = form.into_inner().card_number;
    let result = ctx
        .db(move |conn| billing::sandbox_update_card(conn, &outbox, company_id, &card))
        .await?;
    match result {
        Ok(paid) => {
            let message = if paid > 0 {
                "Card updated and the open invoice is paid. Thank you!"
            } else {
                "Card updated."
            };
            crate::handlers::context::push_flash(&ctx.session, Flash::success(message));
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
