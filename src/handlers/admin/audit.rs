//! `/admin/audit`: the audit log, filtered by action and subject.

use actix_web::web;

use super::{ListQuery, when};
use crate::handlers::extract::AdminUser;
use crate::handlers::forms::valid_or_bad_request;
use crate::handlers::{AppError, PageContext};
use crate::models::audit;
use crate::services::admin as admin_service;
use crate::views::admin::*;

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
    valid_or_bad_request(&*query)?;
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
        .db_read(move |conn| admin_service::audit_entries(conn, &filter))
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
