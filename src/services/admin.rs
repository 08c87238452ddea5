//! The admin panel's reads and account actions (vetting lives in `services::vetting`).

use chrono::Duration;

use crate::db::{DbConn, DbError, write_transaction};
use crate::domain::{DeveloperStatus, VettingStage};
use crate::models::{
    self, audit, company, company_member, developer, developer_skill, email, experience, job,
    session, user, vetting_review,
};

#[derive(Debug, Default)]
pub struct Dashboard {
    /// (label, count, link) per vetting stage.
    pub pipeline: Vec<(String, i64, String)>,
    pub approved_this_week: i64,
    pub rejected_this_week: i64,
    /// (level, count)
    pub published_per_level: Vec<(String, i64)>,
    pub dead_jobs: i64,
    pub queued_jobs: i64,
}

pub fn dashboard(conn: &mut DbConn) -> Result<Dashboard, DbError> {
    let counts: Vec<(Option<DeveloperStatus>, Option<VettingStage>, i64)> =
        developer::count_by_stage(conn)?
            .into_iter()
            .map(|(status, stage, n)| (status.parse().ok(), stage.and_then(|s| s.parse().ok()), n))
            .collect();
    let count = |status: DeveloperStatus, stage: Option<VettingStage>| {
        counts
            .iter()
            .filter(|(s, st, _)| *s == Some(status) && *st == stage)
            .map(|(_, _, n)| *n)
            .sum::<i64>()
    };
    // The queue before screening, then every stage in the order applications move through.
    let mut pipeline = vec![(
        "Waiting for screening".to_owned(),
        count(DeveloperStatus::Submitted, None),
        "/admin/vetting?stage=submitted".to_owned(),
    )];
    pipeline.extend(VettingStage::ALL.into_iter().map(|stage| {
        let label = if stage == VettingStage::Screening {
            "Screening in progress".to_owned()
        } else {
            stage.label().to_owned()
        };
        (
            label,
            count(DeveloperStatus::InReview, Some(stage)),
            format!("/admin/vetting?stage={}", stage.as_str()),
        )
    }));
    let week_ago = models::now() - Duration::days(7);
    let decisions = developer::decisions_since(conn, week_ago)?;
    let decided = |status: &str| {
        decisions
            .iter()
            .filter(|(s, _)| s == status)
            .map(|(_, n)| *n)
            .sum()
    };
    let mut per_level: Vec<(String, i64)> = developer::published_per_level(conn)?
        .into_iter()
        .map(|(l, n)| (l.unwrap_or_else(|| "—".into()), n))
        .collect();
    per_level.sort();
    Ok(Dashboard {
        pipeline,
        approved_this_week: decided("approved"),
        rejected_this_week: decided("rejected"),
        published_per_level: per_level,
        dead_jobs: job::count_by_status(conn, "dead")?,
        queued_jobs: job::count_by_status(conn, "queued")?,
    })
}

pub struct CompanyDetail {
    pub company: company::CompanyRow,
    pub members: Vec<(company_member::CompanyMemberRow, user::UserRow)>,
    pub history: Vec<audit::AuditRow>,
}

pub fn company_detail(conn: &mut DbConn, id: i32) -> Result<CompanyDetail, DbError> {
    Ok(CompanyDetail {
        company: company::find(conn, id)?,
        members: company_member::members_of(conn, id)?,
        history: audit::for_subject(conn, "company", id)?,
    })
}

/// Disabling a company signs its members out and keeps them out until it is enabled.
pub fn set_company_disabled(
    conn: &mut DbConn,
    admin_id: i32,
    id: i32,
    disabled: bool,
    reason: &str,
) -> Result<(), DbError> {
    write_transaction(conn, |conn| {
        let now = models::now();
        company::find(conn, id)?;
        company::set_disabled(conn, id, disabled, now)?;
        for (member, _) in company_member::members_of(conn, id)? {
            user::bump_session_version(conn, member.user_id, now)?;
            if disabled {
                session::revoke_all_except(conn, member.user_id, None, now)?;
            }
        }
        let action = if disabled {
            "company.disabled"
        } else {
            "company.enabled"
        };
        audit::record(conn, Some(admin_id), action, "company", Some(id), reason)?;
        Ok(())
    })
}

/// Disabling a user ends all their sessions; admins cannot disable themselves.
pub fn set_user_disabled(
    conn: &mut DbConn,
    admin_id: i32,
    id: i32,
    disabled: bool,
    reason: &str,
) -> Result<bool, DbError> {
    if admin_id == id {
        return Ok(false);
    }
    write_transaction(conn, |conn| {
        user::find(conn, id)?;
        let now = models::now();
        user::set_disabled(conn, id, disabled, now)?;
        if disabled {
            session::revoke_all_except(conn, id, None, now)?;
        }
        let action = if disabled {
            "user.disabled"
        } else {
            "user.enabled"
        };
        audit::record(conn, Some(admin_id), action, "user", Some(id), reason)?;
        Ok(true)
    })
}

pub fn recent_emails(conn: &mut DbConn, limit: i64) -> Result<Vec<email::EmailRow>, DbError> {
    Ok(email::recent(conn, limit)?)
}

/// Everything the review page shows about one applicant.
pub struct DeveloperDetail {
    pub developer: developer::DeveloperRow,
    pub account: user::UserRow,
    /// (slug, name, years)
    pub skills: Vec<(String, String, i32)>,
    pub experiences: Vec<experience::ExperienceRow>,
    pub reviews: Vec<vetting_review::VettingReviewRow>,
    /// (reviewer id, name)
    pub reviewers: Vec<(i32, String)>,
    pub history: Vec<audit::AuditRow>,
}

pub fn developer_detail(conn: &mut DbConn, id: i32) -> Result<DeveloperDetail, DbError> {
    let developer = developer::find(conn, id)?;
    let account = user::find(conn, developer.user_id)?;
    let reviews = vetting_review::for_developer(conn, id)?;
    let mut reviewers = Vec::new();
    for rid in reviews.iter().filter_map(|r| r.reviewer_id) {
        if !reviewers.iter().any(|(i, _)| *i == rid) {
            reviewers.push((rid, user::find(conn, rid)?.name));
        }
    }
    Ok(DeveloperDetail {
        skills: developer_skill::named_for_developer(conn, id)?,
        experiences: experience::for_developer(conn, id)?,
        history: audit::for_subject(conn, "developer", id)?,
        developer,
        account,
        reviews,
        reviewers,
    })
}

/// The vetting queue for one stage (`submitted` = waiting for screening), oldest first.
pub fn vetting_queue(
    conn: &mut DbConn,
    stage: &str,
    search: &str,
) -> Result<Vec<developer::DeveloperRow>, DbError> {
    let (status, stage) = if stage == "submitted" {
        ("submitted", None)
    } else {
        ("in_review", Some(stage))
    };
    Ok(developer::queue(conn, status, stage, Some(search), 200)?)
}

pub fn developers(
    conn: &mut DbConn,
    status: Option<&str>,
    level: Option<&str>,
    text: &str,
) -> Result<Vec<developer::DeveloperRow>, DbError> {
    Ok(developer::search_admin(
        conn,
        status,
        level,
        Some(text),
        100,
        0,
    )?)
}

pub fn companies(
    conn: &mut DbConn,
    text: &str,
) -> Result<Vec<(company::CompanyRow, i64)>, DbError> {
    Ok(company::list_with_members(conn, Some(text), 200)?)
}

pub fn audit_entries(
    conn: &mut DbConn,
    filter: &audit::AuditFilter,
) -> Result<Vec<(audit::AuditRow, Option<String>)>, DbError> {
    Ok(audit::list(conn, filter, 200, 0)?)
}
