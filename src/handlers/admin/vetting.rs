//! `/admin/vetting`: the queue, one applicant's review, stage results and the decision.
//! Every action is recorded in the audit log by the vetting service.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use validator::Validate;

use super::{blank_to_none, search_text};
use crate::domain::{Level, ReviewOutcome, VettingStage};
use crate::handlers::extract::AdminUser;
use crate::handlers::forms::{
    checked, invalid, plain_text, render_with_status, see_other, valid_or_bad_request,
};
use crate::handlers::{AppError, PageContext};
use crate::models;
use crate::services::admin::{self as admin_service, QueueStage};
use crate::services::vetting::{self, Decision, StageReview, VettingError};
use crate::views::Flash;
use crate::views::forms::FieldErrors;
use crate::views::vetting::{QueuePage, ReviewPage};

/// An unknown `stage` shows the first one (old links keep working); `q` is capped.
#[derive(Debug, Default, Deserialize, Validate)]
pub struct QueueQuery {
    pub stage: Option<String>,
    #[validate(length(max = 200, message = "Search for at most 200 characters."))]
    pub q: Option<String>,
}

const QUEUE_STAGES: [(&str, &str); 5] = [
    ("submitted", "Waiting for screening"),
    ("screening", "Screening"),
    ("technical", "Technical assessment"),
    ("interview", "Live interview"),
    ("decision", "Decision"),
];

pub async fn queue(
    ctx: PageContext,
    _admin: AdminUser,
    query: web::Query<QueueQuery>,
) -> Result<QueuePage, AppError> {
    valid_or_bad_request(&*query)?;
    let stage = query
        .stage
        .clone()
        .filter(|s| QUEUE_STAGES.iter().any(|(k, _)| k == s))
        .unwrap_or_else(|| "submitted".into());
    let q = search_text(&query.q);
    // `submitted` is no vetting stage: it is the column of applications waiting for one.
    let stage_key = stage
        .parse::<VettingStage>()
        .map_or(QueueStage::Submitted, QueueStage::InReview);
    let search = q.clone();
    let rows = ctx
        .db_read(move |conn| {
            admin_service::vetting_queue(conn, stage_key, &search).map_err(AppError::from)
        })
        .await?;
    Ok(QueuePage::new(
        ctx.layout("Vetting queue", "admin"),
        &QUEUE_STAGES,
        stage,
        q,
        rows,
        models::now(),
    ))
}

async fn review_page(
    ctx: &PageContext,
    id: i32,
    errors: FieldErrors,
) -> Result<ReviewPage, AppError> {
    let detail = ctx
        .db_read(move |conn| admin_service::developer_detail(conn, id))
        .await?;
    let layout = ctx.layout(
        &format!(
            "Review {} {}",
            detail.developer.first_name, detail.developer.last_name
        ),
        "admin",
    );
    Ok(ReviewPage::new(layout, id, detail, errors))
}

pub async fn review(
    ctx: PageContext,
    _admin: AdminUser,
    path: web::Path<i32>,
) -> Result<ReviewPage, AppError> {
    review_page(&ctx, path.into_inner(), FieldErrors::default()).await
}

/// A stage's result. Its messages show beside the stage, whichever field they are about.
#[derive(Debug, Default, Deserialize, Validate)]
pub struct StageForm {
    #[serde(default)]
    #[validate(custom(function = "stage_score"))]
    pub score: String,
    #[serde(default)]
    #[validate(
        length(max = 5000, message = "Private notes are at most 5000 characters."),
        custom(function = "plain_text")
    )]
    pub notes: String,
    #[serde(default)]
    #[validate(custom(function = "stage_summary"))]
    pub summary: String,
    #[serde(default)]
    #[validate(custom(function = "stage_outcome"))]
    pub outcome: String,
    #[validate(
        length(
            max = 1000,
            message = "The rejection reason is at most 1000 characters."
        ),
        custom(function = "plain_text")
    )]
    pub rejection_reason: Option<String>,
}

fn parse_score(value: &str) -> Option<i32> {
    value.trim().parse().ok().filter(|s| (1..=5).contains(s))
}

fn stage_score(value: &str) -> Result<(), validator::ValidationError> {
    parse_score(value)
        .map(|_| ())
        .ok_or_else(|| invalid("score", "Give a score from 1 to 5."))
}

/// Passed or failed: a stage result is never recorded as pending.
fn parse_outcome(value: &str) -> Option<ReviewOutcome> {
    value
        .parse()
        .ok()
        .filter(|o| matches!(o, ReviewOutcome::Passed | ReviewOutcome::Failed))
}

fn stage_outcome(value: &str) -> Result<(), validator::ValidationError> {
    parse_outcome(value)
        .map(|_| ())
        .ok_or_else(|| invalid("outcome", "Choose whether the stage is passed."))
}

fn stage_summary(value: &str) -> Result<(), validator::ValidationError> {
    if value.trim().is_empty() || value.chars().count() > 1000 {
        return Err(invalid(
            "summary",
            "Write a summary for companies (up to 1000 characters).",
        ));
    }
    plain_text(value)
}

pub(super) async fn vetting_result(
    ctx: &PageContext,
    id: i32,
    result: Result<(), VettingError>,
    field: &str,
    done: &str,
) -> Result<HttpResponse, AppError> {
    match result {
        Ok(()) => {
            // Committed: the catalog shows the change on its next request.
            ctx.state.catalog.changed();
            ctx.flash(Flash::success(done));
            Ok(see_other(&format!("/admin/vetting/{id}")))
        }
        Err(VettingError::NotAllowed(message)) => {
            let mut errors = FieldErrors::default();
            errors.add(field, message);
            render_with_status(
                &review_page(ctx, id, errors).await?,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn review_stage(
    ctx: PageContext,
    admin: AdminUser,
    path: web::Path<(i32, String)>,
    form: web::Form<StageForm>,
) -> Result<HttpResponse, AppError> {
    let (id, stage) = path.into_inner();
    let Some(stage_kind) = stage
        .parse::<VettingStage>()
        .ok()
        .filter(|s| vetting::STAGES.contains(s))
    else {
        return Err(AppError::NotFound);
    };
    let form = form.into_inner();
    let by_field = checked(&form);
    let mut errors = FieldErrors::default();
    for field in ["score", "outcome", "summary", "notes", "rejection_reason"] {
        if let Some(message) = by_field.get(field) {
            errors.add(&stage, message);
        }
    }
    let score = parse_score(&form.score);
    let passed = parse_outcome(&form.outcome).map(ReviewOutcome::is_passed);
    let (Some(score), Some(passed), true) = (score, passed, errors.is_empty()) else {
        return render_with_status(
            &review_page(&ctx, id, errors).await?,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let review = StageReview {
        score,
        notes: form.notes.trim().into(),
        summary: form.summary.trim().into(),
        passed,
        rejection_reason: blank_to_none(&form.rejection_reason),
    };
    let outbox = ctx.state.outbox.clone();
    let admin_id = admin.0.id;
    let result = ctx
        .db_attempt(move |conn| {
            vetting::review_stage(conn, &outbox, admin_id, id, stage_kind, review)
        })
        .await?;
    vetting_result(
        &ctx,
        id,
        result,
        &stage,
        "Stage recorded; the applicant has been emailed.",
    )
    .await
}

/// Approve (with a level, which the handler requires) or reject (with a reason, which
/// the service requires). `publish` is a checkbox.
#[derive(Debug, Default, Deserialize, Validate)]
pub struct DecisionForm {
    #[serde(default)]
    #[validate(custom(function = "decision_kind"))]
    pub decision: String,
    pub level: Option<String>,
    pub publish: Option<String>,
    #[validate(
        length(max = 1000, message = "The reason is at most 1000 characters."),
        custom(function = "plain_text")
    )]
    pub reason: Option<String>,
}

fn decision_kind(value: &str) -> Result<(), validator::ValidationError> {
    match value {
        "approve" | "reject" => Ok(()),
        _ => Err(invalid("decision", "Choose approve or reject.")),
    }
}

pub async fn decide(
    ctx: PageContext,
    admin: AdminUser,
    path: web::Path<i32>,
    form: web::Form<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let form = form.into_inner();
    valid_or_bad_request(&form)?;
    let decision = match form.decision.as_str() {
        "approve" => match form.level.as_deref().map(str::parse::<Level>) {
            Some(Ok(level)) => Decision::Approve {
                level,
                publish: form.publish.is_some(),
            },
            _ => {
                let mut errors = FieldErrors::default();
                errors.add("decision", "Choose the level: L1, L2 or L3.");
                return render_with_status(
                    &review_page(&ctx, id, errors).await?,
                    StatusCode::UNPROCESSABLE_ENTITY,
                );
            }
        },
        "reject" => Decision::Reject {
            reason: form.reason.unwrap_or_default(),
        },
        _ => return Err(AppError::BadRequest("Choose approve or reject.".into())),
    };
    let outbox = ctx.state.outbox.clone();
    let admin_id = admin.0.id;
    let result = ctx
        .db_attempt(move |conn| vetting::decide(conn, &outbox, admin_id, id, decision))
        .await?;
    vetting_result(
        &ctx,
        id,
        result,
        "decision",
        "Decision recorded; the applicant has been emailed.",
    )
    .await
}
