use actix_web::HttpResponse;
use actix_web::http::StatusCode;

use super::{AppError, PageContext};
use crate::pricing::{self, TRIAL_DAYS};
use crate::services::figures;
use crate::views::errors::ErrorPage;
use crate::views::pages::{LandingPage, PlanTier, PricingPage};

async fn plan_tiers(ctx: &PageContext) -> Result<Vec<PlanTier>, AppError> {
    let tiers = ctx
        .db(|conn| pricing::tiers(conn).map_err(|e| AppError::Internal(e.into())))
        .await?;
    Ok(tiers.iter().map(PlanTier::from).collect())
}

pub async fn landing(ctx: PageContext) -> Result<LandingPage, AppError> {
    let tiers = plan_tiers(&ctx).await?;
    let now = crate::models::now();
    let catalog = ctx.state.catalog.clone();
    let figures = ctx
        .db_read(move |conn| -> Result<_, AppError> {
            let listed = catalog.listed(conn, now)?;
            Ok(figures::landing(conn, &listed, now)?)
        })
        .await?;
    Ok(LandingPage::new(
        ctx.layout("", "home"),
        tiers,
        TRIAL_DAYS,
        figures,
    ))
}

pub async fn pricing(ctx: PageContext) -> Result<PricingPage, AppError> {
    let tiers = plan_tiers(&ctx).await?;
    let from_prices: Vec<String> = tiers
        .iter()
        .map(|t| format!("{} from {}", t.level, t.part_time))
        .collect();
    let description = format!(
        "Fixed monthly prices per developer level: {}. Free {TRIAL_DAYS}-day trial, no placement fees.",
        from_prices.join(", ")
    );
    let layout = ctx.layout_with("Pricing", &description, "pricing");
    Ok(PricingPage {
        layout,
        tiers,
        trial_days: TRIAL_DAYS,
    })
}

/// Anything no route matched: the 404 page, with the visitor's own header.
pub async fn not_found(ctx: PageContext) -> Result<HttpResponse, AppError> {
    let page = ErrorPage::for_status(ctx.layout("Page not found", ""), 404, None);
    super::forms::render_with_status(&page, StatusCode::NOT_FOUND)
}
