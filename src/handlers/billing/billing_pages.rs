//! `/billing`: the company's invoices, and the customer portal.

use super::*;

pub async fn billing_page(
    ctx: PageContext,
    member: VerifiedMember,
) -> Result<HttpResponse, AppError> {
    let company_id = member.company.company_id;
    let overview = ctx
        .db(move |conn| billing::company_billing(conn, company_id))
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
            crate::handlers::context::push_flash(
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
