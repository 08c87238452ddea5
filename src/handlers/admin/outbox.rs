//! `/admin/outbox`: queued and dead jobs, and retrying one.

use actix_web::{HttpResponse, web};

use super::{ListQuery, when};
use crate::db::DbError;
use crate::handlers::extract::AdminUser;
use crate::handlers::forms::{see_other, valid_or_bad_request};
use crate::handlers::{AppError, PageContext};
use crate::models::job::JobStatus;
use crate::services::admin as admin_service;
use crate::services::outbox::{self, RetryOutcome};
use crate::views::Flash;
use crate::views::admin::*;

pub async fn outbox_page(
    ctx: PageContext,
    _admin: AdminUser,
    query: web::Query<ListQuery>,
) -> Result<OutboxPage, AppError> {
    valid_or_bad_request(&*query)?;
    let status = query
        .status
        .as_deref()
        .and_then(|s| s.parse::<JobStatus>().ok());
    let filter = status;
    let (jobs, emails) = ctx
        .db_read(move |conn| -> Result<_, DbError> {
            Ok((
                outbox::list_jobs(conn, filter, 100)?,
                admin_service::recent_emails(conn, 100)?,
            ))
        })
        .await?;
    Ok(OutboxPage {
        layout: ctx.layout("Outbox", "admin"),
        status: status.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        jobs: jobs
            .into_iter()
            .map(|j| JobView {
                last_error: j.current_error().unwrap_or_default().to_owned(),
                id: j.id,
                kind: j.kind,
                status: j.status.as_str().into(),
                attempts: format!("{}/{}", j.attempts, j.max_attempts),
                run_at: when(j.run_at),
            })
            .collect(),
        emails: emails
            .into_iter()
            .map(|e| EmailView {
                id: e.id,
                to: e.to_address,
                subject: e.subject,
                kind: e.kind,
                status: e.status.as_str().into(),
                created: when(e.created_at),
                job_id: e.job_id,
            })
            .collect(),
    })
}

pub async fn retry_job(
    ctx: PageContext,
    admin: AdminUser,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let admin_id = admin.0.id;
    let outcome = ctx
        .db(move |conn| outbox::retry_job(conn, id, Some(admin_id)))
        .await?;
    ctx.flash(match outcome {
        RetryOutcome::Requeued => Flash::success(format!("Job {id} is queued again.")),
        RetryOutcome::NotDead => Flash::info(format!("Job {id} isn't dead; nothing to retry.")),
    });
    Ok(see_other("/admin/outbox"))
}
