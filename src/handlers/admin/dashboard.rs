//! `/admin`: the pipeline, this week's decisions, the outbox and billing at a glance.

use crate::handlers::extract::AdminUser;
use crate::handlers::{AppError, PageContext};
use crate::services::admin as admin_service;
use crate::views::admin::*;

pub async fn dashboard(ctx: PageContext, _admin: AdminUser) -> Result<DashboardPage, AppError> {
    let now = crate::models::now();
    let (d, billing) = ctx
        .db_read(move |conn| -> Result<_, AppError> {
            Ok((
                admin_service::dashboard(conn)?,
                crate::billing::metrics(conn, now)?,
            ))
        })
        .await?;
    Ok(DashboardPage {
        layout: ctx.layout("Admin", "admin"),
        pipeline: d.pipeline,
        approved_this_week: d.approved_this_week,
        rejected_this_week: d.rejected_this_week,
        published_per_level: d.published_per_level,
        dead_jobs: d.dead_jobs,
        queued_jobs: d.queued_jobs,
        billing,
    })
}
