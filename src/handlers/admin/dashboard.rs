//! `/admin`: the pipeline, this week's decisions, the outbox and billing at a glance, and
//! the figures over time as charts.

use crate::handlers::extract::AdminUser;
use crate::handlers::{AppError, PageContext};
use crate::services::{admin as admin_service, figures};
use crate::views::admin::*;

pub async fn dashboard(ctx: PageContext, _admin: AdminUser) -> Result<DashboardPage, AppError> {
    let now = crate::models::now();
    let catalog = ctx.state.catalog.clone();
    let (d, billing, figures) = ctx
        .db_read(move |conn| -> Result<_, AppError> {
            let listed = catalog.listed(conn, now)?;
            Ok((
                admin_service::dashboard(conn)?,
                crate::billing::metrics(conn, now)?,
                figures::dashboard(conn, &listed, now)?,
            ))
        })
        .await?;
    Ok(DashboardPage::new(
        ctx.layout("Admin", "admin"),
        d,
        billing,
        figures,
    ))
}
