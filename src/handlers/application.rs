//! `/me/application`: what vetting needs, submitting, and following the status.

use actix_web::HttpResponse;

use super::extract::{DeveloperUser, require_verified};
use super::forms::see_other;
use super::{AppError, PageContext};
use crate::domain::{DeveloperStatus, VettingStage};
use crate::services::vetting::{self, VettingError};
use crate::views::Flash;
use crate::views::admin::ApplicationPage;

fn day(t: chrono::NaiveDateTime) -> String {
    t.format("%-d %B %Y").to_string()
}

async fn page(
    ctx: &PageContext,
    developer_id: i32,
    email_verified: bool,
    error: Option<String>,
) -> Result<ApplicationPage, AppError> {
    let vetting::Application {
        developer: d,
        reviews,
        checklist,
    } = ctx
        .db(move |conn| {
            vetting::application(conn, developer_id, email_verified).map_err(AppError::from)
        })
        .await?;
    let now = crate::models::now();
    let mut timeline = vec![("Account created".to_owned(), day(d.created_at))];
    if let Some(t) = d.submitted_at {
        timeline.push(("Application submitted".into(), day(t)));
    }
    for r in &reviews {
        let verdict = if r.outcome.is_passed() {
            "passed"
        } else {
            "not passed"
        };
        timeline.push((
            format!("{}: {verdict}", r.stage.label()),
            r.completed_at.map(day).unwrap_or_default(),
        ));
    }
    if let (Some(t), DeveloperStatus::Approved | DeveloperStatus::Rejected) =
        (d.decided_at, d.status)
    {
        let what = if d.status == DeveloperStatus::Approved {
            format!("Approved as {}", d.level.map_or("", |l| l.as_str()))
        } else {
            "Decision: not approved".into()
        };
        timeline.push((what, day(t)));
    }
    let reapply = vetting::reapply_from(&d);
    let status_label = match d.status {
        DeveloperStatus::Draft => {
            "Draft: complete the checklist and submit for vetting.".to_owned()
        }
        DeveloperStatus::Submitted => "Submitted: waiting for screening.".to_owned(),
        DeveloperStatus::InReview => format!(
            "In review: {}.",
            d.vetting_stage.unwrap_or(VettingStage::Screening).label()
        ),
        DeveloperStatus::Approved => {
            format!("Approved as {}.", d.level.map_or("", |l| l.as_str()))
        }
        DeveloperStatus::Rejected => "Not approved this time.".to_owned(),
    };
    let all_done = checklist.iter().all(|i| i.done);
    let can_submit = all_done
        && (d.status == DeveloperStatus::Draft
            || (d.status == DeveloperStatus::Rejected && reapply.is_some_and(|t| t <= now)));
    Ok(ApplicationPage {
        layout: ctx.layout("Your application", "application"),
        draft: d.status == DeveloperStatus::Draft,
        rejected: d.status == DeveloperStatus::Rejected,
        status_label,
        checklist: checklist
            .into_iter()
            .map(|i| (i.label.to_owned(), i.done))
            .collect(),
        can_submit,
        email_verified,
        timeline,
        rejection_reason: d
            .rejection_reason
            .clone()
            .filter(|_| d.status == DeveloperStatus::Rejected),
        reapply_from: reapply.map(day),
        error,
    })
}

pub async fn show(ctx: PageContext, user: DeveloperUser) -> Result<ApplicationPage, AppError> {
    let id = user.0.developer_id.ok_or(AppError::Forbidden)?;
    page(&ctx, id, user.0.email_verified, None).await
}

pub async fn submit(ctx: PageContext, user: DeveloperUser) -> Result<HttpResponse, AppError> {
    let user = user.0;
    require_verified(&user)?;
    let id = user.developer_id.ok_or(AppError::Forbidden)?;
    let outbox = ctx.state.outbox.clone();
    let verified = user.email_verified;
    match ctx
        .db_attempt(move |conn| vetting::submit(conn, &outbox, id, verified))
        .await?
    {
        Ok(()) => {
            ctx.state.catalog.changed();
            ctx.flash(Flash::success(
                "Your application is submitted. We'll email you after each stage.",
            ));
            Ok(see_other("/me/application"))
        }
        Err(VettingError::NotAllowed(message)) => {
            let page = page(&ctx, id, verified, Some(message)).await?;
            super::forms::render_with_status(
                &page,
                actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(e) => Err(e.into()),
    }
}
