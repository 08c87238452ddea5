//! The admin panel's reads and account actions (vetting lives in `services::vetting`).

use chrono::Duration;

use crate::db::{DbConn, DbError, write_transaction};
use crate::domain::{DeveloperStatus, Level, VettingStage};
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
    let counts = developer::count_by_stage(conn)?;
    let count = |status: DeveloperStatus, stage: Option<VettingStage>| {
        counts
            .iter()
            .filter(|(s, st, _)| *s == status && *st == stage)
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
    let decided = |status: DeveloperStatus| {
        decisions
            .iter()
            .filter(|(s, _)| *s == status)
            .map(|(_, n)| *n)
            .sum()
    };
    let mut per_level: Vec<(String, i64)> = developer::published_per_level(conn)?
        .into_iter()
        .map(|(l, n)| (l.map_or("—", Level::as_str).to_owned(), n))
        .collect();
    per_level.sort();
    Ok(Dashboard {
        pipeline,
        approved_this_week: decided(DeveloperStatus::Approved),
        rejected_this_week: decided(DeveloperStatus::Rejected),
        published_per_level: per_level,
        dead_jobs: job::count_by_status(conn, job::JobStatus::Dead)?,
        queued_jobs: job::count_by_status(conn, job::JobStatus::Queued)?,
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
            unlist_developer_of(conn, admin_id, id, reason, now)?;
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

/// A disabled developer account leaves the catalog in the same transaction: its published
/// profile is paused (audited as `developer.paused`), so its page, bookings, interview
/// requests and shortlist adds all refuse it. Enabling the account again does not publish
/// it: an admin does that, on purpose, from the review page.
fn unlist_developer_of(
    conn: &mut DbConn,
    admin_id: i32,
    user_id: i32,
    reason: &str,
    now: chrono::NaiveDateTime,
) -> Result<(), DbError> {
    let Some(d) = developer::find_by_user(conn, user_id)? else {
        return Ok(());
    };
    if d.published_at.is_none() {
        return Ok(());
    }
    let why = if reason.is_empty() {
        "Account disabled.".to_owned()
    } else {
        format!("Account disabled: {reason}")
    };
    Ok(super::vetting::pause(conn, admin_id, d.id, why, now)?)
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

/// A column of the vetting queue: submitted applications waiting for screening, or those
/// in review at one stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueStage {
    Submitted,
    InReview(VettingStage),
}

/// The vetting queue for one stage, oldest first.
pub fn vetting_queue(
    conn: &mut DbConn,
    stage: QueueStage,
    search: &str,
) -> Result<Vec<developer::DeveloperRow>, DbError> {
    let (status, stage) = match stage {
        QueueStage::Submitted => (DeveloperStatus::Submitted, None),
        QueueStage::InReview(stage) => (DeveloperStatus::InReview, Some(stage)),
    };
    Ok(developer::queue(conn, status, stage, Some(search), 200)?)
}

pub fn developers(
    conn: &mut DbConn,
    status: Option<DeveloperStatus>,
    level: Option<Level>,
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
