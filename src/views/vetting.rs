//! Views of vetting: the admin's queue and one applicant's review page.

use askama::Template;
use askama_web::WebTemplate;
use chrono::NaiveDateTime;

use super::Layout;
use super::avatar::{AvatarSize, developer_avatar};
use super::forms::FieldErrors;
use crate::domain::profile::paragraphs;
use crate::domain::{DeveloperStatus, Level, ReviewOutcome, VettingStage};
use crate::models::developer::DeveloperRow;
use crate::services::admin::DeveloperDetail;
use crate::services::vetting;

/// How the admin pages print a moment: `2026-12-02 14:05` (UTC).
pub fn when(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

pub struct QueueRow {
    pub id: i32,
    pub name: String,
    pub avatar: super::avatar::Avatar,
    pub headline: String,
    pub country: String,
    pub years: i32,
    pub stage: String,
    pub submitted: String,
    pub waiting_days: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/queue.html")]
pub struct QueuePage {
    pub layout: Layout,
    pub stage: String,
    pub q: String,
    pub stages: Vec<(String, String)>,
    pub rows: Vec<QueueRow>,
}

pub struct StageView {
    pub key: String,
    pub title: String,
    /// (score, outcome, summary, notes, reviewer, when) once reviewed.
    pub review: Option<(i32, ReviewOutcome, String, String, String, String)>,
    pub is_current: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/review.html")]
pub struct ReviewPage {
    pub layout: Layout,
    pub id: i32,
    pub name: String,
    pub avatar: super::avatar::Avatar,
    pub email: String,
    pub slug: String,
    pub headline: String,
    pub bio: Vec<String>,
    pub country: String,
    pub time_zone: String,
    pub years: i32,
    pub commitment: String,
    pub available_from: String,
    pub links: Vec<String>,
    pub skills: Vec<(String, i32)>,
    pub experiences: Vec<(String, String, String, String)>,
    pub status: String,
    pub approved: bool,
    pub rejected: bool,
    pub level: String,
    pub published: bool,
    pub paused_reason: Option<String>,
    pub rejection_reason: Option<String>,
    pub stages: Vec<StageView>,
    pub at_decision: bool,
    pub under_review: bool,
    pub errors: FieldErrors,
    pub user_id: i32,
    pub user_disabled: bool,
    pub history: Vec<(String, String, String)>,
}

impl QueuePage {
    /// One queue column: `stages` are the (key, label) tabs, `stage` the one shown.
    pub fn new(
        layout: Layout,
        stages: &[(&str, &str)],
        stage: String,
        q: String,
        rows: Vec<DeveloperRow>,
        now: NaiveDateTime,
    ) -> Self {
        QueuePage {
            layout,
            stages: stages
                .iter()
                .map(|(k, l)| (k.to_string(), l.to_string()))
                .collect(),
            rows: rows
                .into_iter()
                .map(|d| QueueRow {
                    avatar: developer_avatar(&d, AvatarSize::Small),
                    id: d.id,
                    name: format!("{} {}", d.first_name, d.last_name),
                    headline: d.headline,
                    country: crate::domain::country::name(&d.country_code)
                        .unwrap_or("")
                        .to_owned(),
                    years: d.years_experience,
                    stage: d
                        .vetting_stage
                        .unwrap_or(VettingStage::Screening)
                        .as_str()
                        .into(),
                    submitted: d.submitted_at.map(when).unwrap_or_default(),
                    waiting_days: d.submitted_at.map(|t| (now - t).num_days()).unwrap_or(0),
                })
                .collect(),
            stage,
            q,
        }
    }
}

impl ReviewPage {
    pub fn new(layout: Layout, id: i32, detail: DeveloperDetail, errors: FieldErrors) -> Self {
        let DeveloperDetail {
            developer: d,
            account,
            skills,
            experiences: roles,
            reviews,
            reviewers,
            history,
        } = detail;
        let current = match d.status {
            DeveloperStatus::Submitted => Some(VettingStage::Screening),
            DeveloperStatus::InReview => d.vetting_stage,
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
                        r.outcome,
                        r.summary.clone(),
                        r.notes.clone(),
                        reviewer,
                        r.completed_at.map(when).unwrap_or_default(),
                    )
                });
                StageView {
                    key: key.as_str().into(),
                    title: key.label().into(),
                    review,
                    is_current: current == Some(*key),
                }
            })
            .collect();
        ReviewPage {
            layout,
            id,
            name: format!("{} {}", d.first_name, d.last_name),
            avatar: developer_avatar(&d, AvatarSize::Large).eager(),
            email: account.email.clone(),
            slug: d.slug.clone(),
            headline: d.headline.clone(),
            bio: paragraphs(&d.bio),
            country: crate::domain::country::name(&d.country_code)
                .unwrap_or("")
                .to_owned(),
            time_zone: crate::domain::time_zone::describe_now(&d.time_zone),
            years: d.years_experience,
            commitment: d.commitment.as_str().replace('_', "-"),
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
            status: d.status.as_str().into(),
            approved: d.status == DeveloperStatus::Approved,
            rejected: d.status == DeveloperStatus::Rejected,
            level: d.level.map(Level::as_str).unwrap_or_default().into(),
            published: d.published_at.is_some(),
            paused_reason: d.paused_reason.clone(),
            rejection_reason: d.rejection_reason.clone(),
            stages,
            at_decision: d.status == DeveloperStatus::InReview
                && d.vetting_stage == Some(VettingStage::Decision),
            under_review: matches!(
                d.status,
                DeveloperStatus::Submitted | DeveloperStatus::InReview
            ),
            errors,
            user_id: account.id,
            user_disabled: account.disabled_at.is_some(),
            history: history
                .into_iter()
                .map(|h| (when(h.created_at), h.action, h.details))
                .collect(),
        }
    }
}
