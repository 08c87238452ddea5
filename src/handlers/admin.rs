//! `/admin`: dashboard, vetting queue and reviews, developers, companies, users, audit log,
//! outbox. Admins only; every action is recorded in the audit log by its service.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::extract::AdminUser;
use super::forms::{render_with_status, see_other};
use super::{AppError, PageContext};
use crate::db::DbError;
use crate::domain::Level;
use crate::domain::profile::paragraphs;
use crate::models::{self, audit};
use crate::services::admin as admin_service;
use crate::services::outbox::{self, RetryOutcome};
use crate::services::vetting::{self, Decision, StageReview, VettingError};
use crate::views::Flash;
use crate::views::admin::*;
use crate::views::forms::FieldErrors;

fn when(t: chrono::NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

/// The search box's text, at most 100 characters.
fn search_text(q: &Option<String>) -> String {
    q.as_deref().unwrap_or_default().chars().take(100).collect()
}

fn blank_to_none(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

pub async fn dashboard(ctx: PageContext, _admin: AdminUser) -> Result<DashboardPage, AppError> {
    let now = crate::models::now();
    let (d, billing) = ctx
        .state
        .db
        .read(move |conn| -> Result<_, AppError> {
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

#[derive(Debug, Default, Deserialize)]
pub struct QueueQuery {
    pub stage: Option<String>,
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
    let stage = query
        .stage
        .clone()
        .filter(|s| QUEUE_STAGES.iter().any(|(k, _)| k == s))
        .unwrap_or_else(|| "submitted".into());
    let q = search_text(&query.q);
    let (stage_key, search) = (stage.clone(), q.clone());
    let rows = ctx
        .state
        .db
        .read(move |conn| {
            admin_service::vetting_queue(conn, &stage_key, &search).map_err(AppError::from)
        })
        .await?;
    let now = models::now();
    Ok(QueuePage {
        layout: ctx.layout("Vetting queue", "admin"),
        stages: QUEUE_STAGES
            .iter()
            .map(|(k, l)| (k.to_string(), l.to_string()))
            .collect(),
        rows: rows
            .into_iter()
            .map(|d| QueueRow {
                id: d.id,
                name: format!("{} {}", d.first_name, d.last_name),
                headline: d.headline,
                country: crate::domain::country::name(&d.country_code)
                    .unwrap_or("")
                    .to_owned(),
                years: d.years_experience,
                stage: d.vetting_stage.unwrap_or_else(|| "screening".into()),
                submitted: d.submitted_at.map(when).unwrap_or_default(),
                waiting_days: d.submitted_at.map(|t| (now - t).num_days()).unwrap_or(0),
            })
            .collect(),
        stage,
        q,
    })
}

async fn review_page(
    ctx: &PageContext,
    id: i32,
    errors: FieldErrors,
) -> Result<ReviewPage, AppError> {
    let detail = ctx
        .state
        .db
        .read(move |conn| admin_service::developer_detail(conn, id).map_err(AppError::from))
        .await?;
    let admin_service::DeveloperDetail {
        developer: d,
        account,
        skills,
        experiences: roles,
        reviews,
        reviewers,
        history,
    } = detail;
    let current = match d.status.as_str() {
        "submitted" => Some("screening"),
        "in_review" => d.vetting_stage.as_deref(),
        _ => None,
    };
    let stages = vetting::STAGES
        .iter()
        .map(|key| {
            let review = reviews.iter().find(|r| r.stage == *key).map(|r| {
                let reviewer = r
                    .reviewer_id
                    .and_then(|rid| reviewers.iter().find(|(i, _)| *i == rid))
                    .map(|(_, n)| n.clone())
                    .unwrap_or_else(|| "—".into());
                (
                    r.score.unwrap_or(0),
                    r.outcome.clone(),
                    r.summary.clone(),
                    r.notes.clone(),
                    reviewer,
                    r.completed_at.map(when).unwrap_or_default(),
                )
            });
            StageView {
                key: key.to_string(),
                title: match *key {
                    "screening" => "Screening".into(),
                    "technical" => "Technical assessment".into(),
                    _ => "Live interview".into(),
                },
                review,
                is_current: current == Some(*key),
            }
        })
        .collect();
    Ok(ReviewPage {
        layout: ctx.layout(&format!("Review {} {}", d.first_name, d.last_name), "admin"),
        id,
        name: format!("{} {}", d.first_name, d.last_name),
        email: account.email.clone(),
        slug: d.slug.clone(),
        headline: d.headline.clone(),
        bio: paragraphs(&d.bio),
        country: crate::domain::country::name(&d.country_code)
            .unwrap_or("")
            .to_owned(),
        time_zone: d.time_zone.clone(),
        years: d.years_experience,
        commitment: d.commitment.replace('_', "-"),
        available_from: d
            .available_from
            .map(|a| a.to_string())
            .unwrap_or_else(|| "—".into()),
        links: [&d.github_url, &d.linkedin_url, &d.website_url]
            .iter()
            .filter_map(|l| (*l).clone())
            .collect(),
        skills: skills
            .into_iter()
            .map(|(_, name, years)| (name, years))
            .collect(),
        experiences: roles
            .into_iter()
            .map(|e| {
                let span = format!(
                    "{} – {}",
                    e.started_on.format("%b %Y"),
                    e.ended_on
                        .map(|x| x.format("%b %Y").to_string())
                        .unwrap_or_else(|| "now".into())
                );
                (e.title, e.company_name, span, e.summary)
            })
            .collect(),
        status: d.status.clone(),
        level: d.level.clone().unwrap_or_default(),
        published: d.published_at.is_some(),
        paused_reason: d.paused_reason.clone(),
        rejection_reason: d.rejection_reason.clone(),
        stages,
        at_decision: d.status == "in_review" && d.vetting_stage.as_deref() == Some("decision"),
        under_review: matches!(d.status.as_str(), "submitted" | "in_review"),
        errors,
        user_id: account.id,
        user_disabled: account.disabled_at.is_some(),
        history: history
            .into_iter()
            .map(|h| (when(h.created_at), h.action, h.details))
            .collect(),
    })
}

pub async fn review(
    ctx: PageContext,
    _admin: AdminUser,
    path: web::Path<i32>,
) -> Result<ReviewPage, AppError> {
    review_page(&ctx, path.into_inner(), FieldErrors::default()).await
}

#[derive(Debug, Default, Deserialize)]
pub struct StageForm {
    #[serde(default)]
    pub score: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub outcome: String,
    pub rejection_reason: Option<String>,
}

async fn vetting_result(
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
    if !vetting::STAGES.contains(&stage.as_str()) {
        return Err(AppError::NotFound);
    }
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    let score = form
        .score
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|s| (1..=5).contains(s));
    if score.is_none() {
        errors.add(&stage, "Give a score from 1 to 5.");
    }
    let passed = match form.outcome.as_str() {
        "passed" => Some(true),
        "failed" => Some(false),
        _ => {
            errors.add(&stage, "Choose whether the stage is passed.");
            None
        }
    };
    if form.summary.trim().is_empty() || form.summary.chars().count() > 1000 {
        errors.add(
            &stage,
            "Write a summary for companies (up to 1000 characters).",
        );
    }
    if form.notes.chars().count() > 5000 {
        errors.add(&stage, "Private notes are at most 5000 characters.");
    }
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
    let stage_key = stage.clone();
    let result = ctx
        .state
        .db
        .run(move |conn| {
            Ok::<_, AppError>(vetting::review_stage(
                conn, &outbox, admin_id, id, &stage_key, review,
            ))
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

#[derive(Debug, Default, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    pub decision: String,
    pub level: Option<String>,
    pub publish: Option<String>,
    pub reason: Option<String>,
}

pub async fn decide(
    ctx: PageContext,
    admin: AdminUser,
    path: web::Path<i32>,
    form: web::Form<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let form = form.into_inner();
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
        .state
        .db
        .run(move |conn| Ok::<_, AppError>(vetting::decide(conn, &outbox, admin_id, id, decision)))
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

#[derive(Debug, Default, Deserialize)]
pub struct PublishForm {
    pub reason: Option<String>,
    pub level: Option<String>,
}

pub async fn publish(
    ctx: PageContext,
    admin: AdminUser,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let admin_id = admin.0.id;
    let result = ctx
        .state
        .db
        .run(move |conn| Ok::<_, AppError>(vetting::set_published(conn, admin_id, id, true, None)))
        .await?;
    vetting_result(&ctx, id, result, "publish", "The profile is published.").await
}

pub async fn pause(
    ctx: PageContext,
    admin: AdminUser,
    path: web::Path<i32>,
    form: web::Form<PublishForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let admin_id = admin.0.id;
    let reason = form.into_inner().reason;
    let result = ctx
        .state
        .db
        .run(move |conn| {
            Ok::<_, AppError>(vetting::set_published(conn, admin_id, id, false, reason))
        })
        .await?;
    vetting_result(&ctx, id, result, "publish", "The profile is paused.").await
}

pub async fn change_level(
    ctx: PageContext,
    admin: AdminUser,
    path: web::Path<i32>,
    form: web::Form<PublishForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let Some(Ok(level)) = form.into_inner().level.as_deref().map(str::parse::<Level>) else {
        return Err(AppError::BadRequest("Choose level L1, L2 or L3.".into()));
    };
    let admin_id = admin.0.id;
    let result = ctx
        .state
        .db
        .run(move |conn| Ok::<_, AppError>(vetting::change_level(conn, admin_id, id, level)))
        .await?;
    vetting_result(&ctx, id, result, "level", "The level is changed.").await
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    pub q: Option<String>,
    pub status: Option<String>,
    pub level: Option<String>,
    pub action: Option<String>,
    pub subject: Option<String>,
}

pub async fn developers(
    ctx: PageContext,
    _admin: AdminUser,
    query: web::Query<ListQuery>,
) -> Result<DevelopersPage, AppError> {
    let q = search_text(&query.q);
    let status = query.status.clone().filter(|s| {
        crate::domain::DeveloperStatus::ALL
            .iter()
            .any(|v| v.as_str() == s)
    });
    let level = query.level.clone().filter(|l| l.parse::<Level>().is_ok());
    let (s, l, t) = (status.clone(), level.clone(), q.clone());
    let rows = ctx
        .state
        .db
        .read(move |conn| {
            admin_service::developers(conn, s.as_deref(), l.as_deref(), &t).map_err(AppError::from)
        })
        .await?;
    Ok(DevelopersPage {
        layout: ctx.layout("Developers", "admin"),
        q,
        status: status.unwrap_or_default(),
        level: level.unwrap_or_default(),
        rows: rows
            .into_iter()
            .map(|d| DeveloperListRow {
                id: d.id,
                name: format!("{} {}", d.first_name, d.last_name),
                slug: d.slug,
                status: d.status,
                level: d.level.unwrap_or_default(),
                published: d.published_at.is_some(),
                country: d.country_code,
            })
            .collect(),
    })
}

pub async fn companies(
    ctx: PageContext,
    _admin: AdminUser,
    query: web::Query<ListQuery>,
) -> Result<CompaniesPage, AppError> {
    let q = search_text(&query.q);
    let text = q.clone();
    let rows = ctx
        .state
        .db
        .read(move |conn| admin_service::companies(conn, &text).map_err(AppError::from))
        .await?;
    Ok(CompaniesPage {
        layout: ctx.layout("Companies", "admin"),
        q,
        rows: rows
            .into_iter()
            .map(|(c, members)| CompanyListRow {
                id: c.id,
                name: c.name,
                time_zone: c.time_zone,
                members,
                disabled: c.disabled_at.is_some(),
                created: when(c.created_at),
            })
            .collect(),
    })
}

pub async fn company(
    ctx: PageContext,
    _admin: AdminUser,
    path: web::Path<i32>,
) -> Result<CompanyPage, AppError> {
    let id = path.into_inner();
    let detail = ctx
        .state
        .db
        .read(move |conn| admin_service::company_detail(conn, id).map_err(AppError::from))
        .await?;
    Ok(CompanyPage {
        layout: ctx.layout(&detail.company.name, "admin"),
        id,
        name: detail.company.name.clone(),
        time_zone: detail.company.time_zone.clone(),
        website: detail.company.website.clone().unwrap_or_default(),
        about: detail.company.about.clone(),
        disabled: detail.company.disabled_at.is_some(),
        members: detail
            .members
            .into_iter()
            .map(|(m, u)| MemberRow {
                user_id: u.id,
                name: u.name,
                email: u.email,
                role: m.role,
                disabled: u.disabled_at.is_some(),
            })
            .collect(),
        history: detail
            .history
            .into_iter()
            .map(|h| (when(h.created_at), h.action, h.details))
            .collect(),
    })
}

/// `/…/disable` or `/…/enable`; anything else is not a route.
fn disable_or_enable(action: &str) -> Result<bool, AppError> {
    match action {
        "disable" => Ok(true),
        "enable" => Ok(false),
        _ => Err(AppError::NotFound),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ReasonForm {
    pub reason: Option<String>,
    pub back: Option<String>,
}

pub async fn set_company_disabled(
    ctx: PageContext,
    admin: AdminUser,
    path: web::Path<(i32, String)>,
    form: web::Form<ReasonForm>,
) -> Result<HttpResponse, AppError> {
    let (id, action) = path.into_inner();
    let disabled = disable_or_enable(&action)?;
    let reason = form.reason.clone().unwrap_or_default();
    let admin_id = admin.0.id;
    ctx.state
        .db
        .run(move |conn| {
            admin_service::set_company_disabled(conn, admin_id, id, disabled, reason.trim())
                .map_err(AppError::from)
        })
        .await?;
    ctx.flash(Flash::success(if disabled {
        "The company is disabled and its members are signed out."
    } else {
        "The company is enabled again."
    }));
    Ok(see_other(&format!("/admin/companies/{id}")))
}

pub async fn set_user_disabled(
    ctx: PageContext,
    admin: AdminUser,
    path: web::Path<(i32, String)>,
    form: web::Form<ReasonForm>,
) -> Result<HttpResponse, AppError> {
    let (id, action) = path.into_inner();
    let disabled = disable_or_enable(&action)?;
    let form = form.into_inner();
    let reason = form.reason.unwrap_or_default();
    let admin_id = admin.0.id;
    let changed = ctx
        .state
        .db
        .run(move |conn| {
            admin_service::set_user_disabled(conn, admin_id, id, disabled, reason.trim())
                .map_err(AppError::from)
        })
        .await?;
    ctx.flash(if !changed {
        Flash::error("You can't disable your own account.")
    } else if disabled {
        Flash::success("The user is disabled; their sessions have ended.")
    } else {
        Flash::success("The user can sign in again.")
    });
    Ok(see_other(&super::forms::safe_next(
        form.back.as_deref(),
        "/admin",
    )))
}

const AUDIT_ACTIONS: [&str; 11] = [
    "vetting.stage_passed",
    "vetting.approved",
    "vetting.rejected",
    "developer.published",
    "developer.paused",
    "developer.level_changed",
    "company.disabled",
    "company.enabled",
    "user.disabled",
    "user.enabled",
    "job.retried",
];

pub async fn audit_log(
    ctx: PageContext,
    _admin: AdminUser,
    query: web::Query<ListQuery>,
) -> Result<AuditPage, AppError> {
    let action = query
        .action
        .clone()
        .filter(|a| AUDIT_ACTIONS.contains(&a.as_str()));
    let subject = query
        .subject
        .clone()
        .filter(|s| ["developer", "company", "user", "job"].contains(&s.as_str()));
    let filter = audit::AuditFilter {
        action: action.clone(),
        subject_type: subject.clone(),
        actor_id: None,
    };
    let rows = ctx
        .state
        .db
        .read(move |conn| admin_service::audit_entries(conn, &filter).map_err(AppError::from))
        .await?;
    Ok(AuditPage {
        layout: ctx.layout("Audit log", "admin"),
        action: action.unwrap_or_default(),
        subject: subject.unwrap_or_default(),
        actions: AUDIT_ACTIONS.to_vec(),
        rows: rows
            .into_iter()
            .map(|(r, actor)| AuditView {
                when: when(r.created_at),
                actor: actor.unwrap_or_else(|| "system".into()),
                subject_link: match (r.subject_type.as_str(), r.subject_id) {
                    ("developer", Some(id)) => Some(format!("/admin/vetting/{id}")),
                    ("company", Some(id)) => Some(format!("/admin/companies/{id}")),
                    _ => None,
                },
                subject: format!(
                    "{} {}",
                    r.subject_type,
                    r.subject_id.map(|i| format!("#{i}")).unwrap_or_default()
                ),
                action: r.action,
                details: r.details,
            })
            .collect(),
    })
}

pub async fn outbox_page(
    ctx: PageContext,
    _admin: AdminUser,
    query: web::Query<ListQuery>,
) -> Result<OutboxPage, AppError> {
    let status = query
        .status
        .clone()
        .filter(|s| ["queued", "running", "done", "dead"].contains(&s.as_str()));
    let filter = status.clone();
    let (jobs, emails) = ctx
        .state
        .db
        .read(move |conn| -> Result<_, DbError> {
            Ok((
                outbox::list_jobs(conn, filter.as_deref(), 100)?,
                admin_service::recent_emails(conn, 100)?,
            ))
        })
        .await?;
    Ok(OutboxPage {
        layout: ctx.layout("Outbox", "admin"),
        status: status.unwrap_or_default(),
        jobs: jobs
            .into_iter()
            .map(|j| JobView {
                last_error: j.current_error().unwrap_or_default().to_owned(),
                id: j.id,
                kind: j.kind,
                status: j.status,
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
                status: e.status,
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
        .state
        .db
        .run(move |conn| outbox::retry_job(conn, id, Some(admin_id)).map_err(AppError::from))
        .await?;
    ctx.flash(match outcome {
        RetryOutcome::Requeued => Flash::success(format!("Job {id} is queued again.")),
        RetryOutcome::NotDead => Flash::info(format!("Job {id} isn't dead; nothing to retry.")),
    });
    Ok(see_other("/admin/outbox"))
}
