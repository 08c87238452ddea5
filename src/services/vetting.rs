//! The vetting pipeline (DESIGN §3): draft → submitted → in_review (screening → technical →
//! interview → decision) → approved | rejected; approved profiles are published or paused.
//! Every admin action is audited; the applicant is emailed on submission and each decision.

use chrono::{Duration, NaiveDateTime};

use crate::catalog::search_index;
use crate::db::{DbConn, DbError, write_transaction};
use crate::domain::{DeveloperStatus, Level, ReviewOutcome, VettingStage};
use crate::error::InfraError;
use crate::mail::Outbox;
use crate::mail::messages::{
    ApplicationReceived, AvailabilityReminder, Message, VettingApproved, VettingRejected,
    VettingStagePassed,
};
use crate::models::{self, audit, developer, developer_skill, experience, user, vetting_review};

pub const REAPPLY_AFTER_DAYS: i64 = 90;
/// Days after an availability confirmation when the reminder goes out (the catalog drops
/// the profile at `catalog::AVAILABILITY_DAYS`).
pub const REMIND_AFTER_DAYS: i64 = 25;
pub const STAGES: [VettingStage; 3] = VettingStage::REVIEWED;

#[derive(Debug, thiserror::Error)]
pub enum VettingError {
    #[error("{0}")]
    NotAllowed(String),
    #[error(transparent)]
    Infra(#[from] InfraError),
}

crate::infra_error!(VettingError);

fn not_allowed(message: impl Into<String>) -> VettingError {
    VettingError::NotAllowed(message.into())
}

/// What `/me/application` shows.
pub struct Application {
    pub developer: developer::DeveloperRow,
    pub reviews: Vec<vetting_review::VettingReviewRow>,
    pub checklist: Vec<ChecklistItem>,
}

pub fn application(
    conn: &mut DbConn,
    developer_id: i32,
    email_verified: bool,
) -> Result<Application, DbError> {
    Ok(Application {
        developer: developer::find(conn, developer_id)?,
        reviews: vetting_review::for_developer(conn, developer_id)?,
        checklist: checklist(conn, developer_id, email_verified)?,
    })
}

/// One line of the application checklist.
#[derive(Debug, Clone)]
pub struct ChecklistItem {
    pub label: &'static str,
    pub done: bool,
}

/// What vetting needs before an application can be submitted.
pub fn checklist(
    conn: &mut DbConn,
    developer_id: i32,
    email_verified: bool,
) -> Result<Vec<ChecklistItem>, DbError> {
    let d = developer::find(conn, developer_id)?;
    let skills = developer_skill::for_developer(conn, developer_id)?.len();
    let roles = experience::for_developer(conn, developer_id)?.len();
    Ok(vec![
        ChecklistItem {
            label: "Confirm your email address",
            done: email_verified,
        },
        ChecklistItem {
            label: "Write a headline",
            done: !d.headline.trim().is_empty(),
        },
        ChecklistItem {
            label: "Write a bio of at least 200 characters",
            done: d.bio.trim().chars().count() >= 200,
        },
        ChecklistItem {
            label: "List at least 3 skills with years",
            done: skills >= 3,
        },
        ChecklistItem {
            label: "Add at least one role to your experience",
            done: roles >= 1,
        },
        ChecklistItem {
            label: "Give your years of experience",
            done: d.years_experience > 0,
        },
        ChecklistItem {
            label: "Say when you're available from",
            done: d.available_from.is_some(),
        },
    ])
}

/// When a rejected applicant may apply again.
pub fn reapply_from(d: &developer::DeveloperRow) -> Option<NaiveDateTime> {
    (d.status == DeveloperStatus::Rejected)
        .then(|| d.decided_at.unwrap_or(d.updated_at) + Duration::days(REAPPLY_AFTER_DAYS))
}

/// Mails the account `user_id` the message made for its name.
fn notify<M: Message>(
    conn: &mut DbConn,
    outbox: &Outbox,
    user_id: i32,
    message: impl FnOnce(String) -> M,
) -> Result<(), VettingError> {
    let account = user::find(conn, user_id)?;
    let email = message(account.name).email(&account.email, &outbox.base_url)?;
    outbox.queue(conn, email)?;
    Ok(())
}

/// The developer submits (or, 90 days after a rejection, re-submits) their application.
pub fn submit(
    conn: &mut DbConn,
    outbox: &Outbox,
    developer_id: i32,
    email_verified: bool,
) -> Result<(), VettingError> {
    let items = checklist(conn, developer_id, email_verified)?;
    if let Some(missing) = items.iter().find(|i| !i.done) {
        return Err(not_allowed(format!(
            "Not yet: {}.",
            missing.label.to_lowercase()
        )));
    }
    write_transaction(conn, |conn| {
        let d = developer::find(conn, developer_id)?;
        let now = models::now();
        match d.status {
            DeveloperStatus::Draft => {}
            DeveloperStatus::Rejected if reapply_from(&d).is_some_and(|t| t <= now) => {
                vetting_review::delete_for_developer(conn, developer_id)?;
            }
            DeveloperStatus::Rejected => {
                return Err(not_allowed(
                    "You can apply again 90 days after the decision.",
                ));
            }
            _ => return Err(not_allowed("Your application is already submitted.")),
        }
        developer::apply_vetting(
            conn,
            developer_id,
            &developer::VettingChanges {
                status: Some(DeveloperStatus::Submitted),
                vetting_stage: Some(None),
                submitted_at: Some(Some(now)),
                decided_at: Some(None),
                rejection_reason: Some(None),
                updated_at: Some(now),
                ..Default::default()
            },
        )?;
        notify(conn, outbox, d.user_id, |name| ApplicationReceived { name })?;
        Ok(())
    })
}

/// What an admin records for one stage.
#[derive(Debug, Clone)]
pub struct StageReview {
    pub score: i32,
    pub notes: String,
    pub summary: String,
    pub passed: bool,
    /// Required when the stage is failed: the applicant reads it.
    pub rejection_reason: Option<String>,
}

fn current_stage(d: &developer::DeveloperRow) -> Option<VettingStage> {
    match d.status {
        DeveloperStatus::Submitted => Some(VettingStage::Screening),
        DeveloperStatus::InReview => d.vetting_stage,
        _ => None,
    }
}

/// Records a stage's review: passing moves the application on, failing rejects it.
pub fn review_stage(
    conn: &mut DbConn,
    outbox: &Outbox,
    admin_id: i32,
    developer_id: i32,
    stage: VettingStage,
    review: StageReview,
) -> Result<(), VettingError> {
    if !(1..=5).contains(&review.score) {
        return Err(not_allowed("Scores go from 1 to 5."));
    }
    let recorded = write_transaction(conn, |conn| {
        let d = developer::find(conn, developer_id)?;
        if current_stage(&d) != Some(stage) {
            return Err(not_allowed(format!(
                "This application isn't at the {} stage.",
                stage.title()
            )));
        }
        let now = models::now();
        vetting_review::insert(
            conn,
            &vetting_review::NewVettingReview {
                developer_id,
                stage,
                reviewer_id: Some(admin_id),
                score: Some(review.score),
                notes: review.notes.clone(),
                summary: review.summary.clone(),
                outcome: if review.passed {
                    ReviewOutcome::Passed
                } else {
                    ReviewOutcome::Failed
                },
                created_at: now,
                updated_at: now,
                completed_at: Some(now),
            },
        )?;
        if review.passed {
            let next = stage.next();
            developer::apply_vetting(
                conn,
                developer_id,
                &developer::VettingChanges {
                    status: Some(DeveloperStatus::InReview),
                    vetting_stage: Some(Some(next)),
                    updated_at: Some(now),
                    ..Default::default()
                },
            )?;
            audit::record(
                conn,
                Some(admin_id),
                "vetting.stage_passed",
                "developer",
                Some(developer_id),
                format!("{}: score {}", stage.as_str(), review.score),
            )?;
            notify(conn, outbox, d.user_id, |name| VettingStagePassed {
                name,
                stage: stage.title().to_owned(),
                next_stage: (next != VettingStage::Decision).then(|| next.title().to_owned()),
            })?;
        } else {
            let reason = review
                .rejection_reason
                .filter(|r| !r.trim().is_empty())
                .ok_or_else(|| {
                    not_allowed("Give the applicant a reason when a stage is not passed.")
                })?;
            reject_in_tx(conn, outbox, admin_id, &d, &reason, now)?;
        }
        Ok(())
    });
    match recorded {
        // Two admins reviewing the same stage at once: `vetting_reviews_developer_stage_key`
        // keeps the first review; the second is told, not shown a 500.
        Err(VettingError::Infra(e)) if e.is_unique_violation() => Err(not_allowed(
            "Another admin has just reviewed this stage. Reload to see their review.",
        )),
        other => other,
    }
}

fn reject_in_tx(
    conn: &mut DbConn,
    outbox: &Outbox,
    admin_id: i32,
    d: &developer::DeveloperRow,
    reason: &str,
    now: NaiveDateTime,
) -> Result<(), VettingError> {
    developer::apply_vetting(
        conn,
        d.id,
        &developer::VettingChanges {
            status: Some(DeveloperStatus::Rejected),
            vetting_stage: Some(None),
            level: Some(None),
            published_at: Some(None),
            decided_at: Some(Some(now)),
            rejection_reason: Some(Some(reason.to_owned())),
            updated_at: Some(now),
            ..Default::default()
        },
    )?;
    audit::record(
        conn,
        Some(admin_id),
        "vetting.rejected",
        "developer",
        Some(d.id),
        reason,
    )?;
    notify(conn, outbox, d.user_id, |name| VettingRejected {
        name,
        reason: reason.to_owned(),
        reapply_from: now + Duration::days(REAPPLY_AFTER_DAYS),
    })?;
    Ok(())
}

pub enum Decision {
    Approve { level: Level, publish: bool },
    Reject { reason: String },
}

/// The final decision, after the three stages (rejection is possible at any stage).
pub fn decide(
    conn: &mut DbConn,
    outbox: &Outbox,
    admin_id: i32,
    developer_id: i32,
    decision: Decision,
) -> Result<(), VettingError> {
    write_transaction(conn, |conn| {
        let d = developer::find(conn, developer_id)?;
        let now = models::now();
        match decision {
            Decision::Reject { reason } => {
                if !matches!(
                    d.status,
                    DeveloperStatus::Submitted | DeveloperStatus::InReview
                ) {
                    return Err(not_allowed(
                        "Only applications under review can be rejected.",
                    ));
                }
                if reason.trim().is_empty() {
                    return Err(not_allowed("Give the applicant a reason."));
                }
                reject_in_tx(conn, outbox, admin_id, &d, reason.trim(), now)
            }
            Decision::Approve { level, publish } => {
                if !(d.status == DeveloperStatus::InReview
                    && d.vetting_stage == Some(VettingStage::Decision))
                {
                    return Err(not_allowed("Approve after all three stages are passed."));
                }
                developer::apply_vetting(
                    conn,
                    developer_id,
                    &developer::VettingChanges {
                        status: Some(DeveloperStatus::Approved),
                        vetting_stage: Some(None),
                        level: Some(Some(level)),
                        published_at: Some(publish.then_some(now)),
                        paused_reason: Some(None),
                        decided_at: Some(Some(now)),
                        availability_confirmed_at: Some(Some(now)),
                        updated_at: Some(now),
                        ..Default::default()
                    },
                )?;
                audit::record(
                    conn,
                    Some(admin_id),
                    "vetting.approved",
                    "developer",
                    Some(developer_id),
                    format!("level {level}, published: {publish}"),
                )?;
                search_index::refresh(conn, &[developer_id])?;
                notify(conn, outbox, d.user_id, |name| VettingApproved {
                    name,
                    level,
                    published: publish,
                })
            }
        }
    })
}

/// Takes a published profile out of the catalog until an admin publishes it again,
/// audited as `developer.paused` with `reason`. Runs inside the caller's transaction.
pub(crate) fn pause(
    conn: &mut DbConn,
    admin_id: i32,
    developer_id: i32,
    reason: String,
    now: NaiveDateTime,
) -> diesel::QueryResult<()> {
    developer::apply_vetting(
        conn,
        developer_id,
        &developer::VettingChanges {
            published_at: Some(None),
            paused_reason: Some(Some(reason.clone())),
            updated_at: Some(now),
            ..Default::default()
        },
    )?;
    audit::record(
        conn,
        Some(admin_id),
        "developer.paused",
        "developer",
        Some(developer_id),
        reason,
    )?;
    Ok(())
}

/// Publishes an approved profile, or pauses it with a reason.
pub fn set_published(
    conn: &mut DbConn,
    admin_id: i32,
    developer_id: i32,
    publish: bool,
    reason: Option<String>,
) -> Result<(), VettingError> {
    write_transaction(conn, |conn| {
        let d = developer::find(conn, developer_id)?;
        if d.status != DeveloperStatus::Approved {
            return Err(not_allowed(
                "Only approved profiles can be published or paused.",
            ));
        }
        let now = models::now();
        let reason = reason
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty());
        if !publish && reason.is_none() {
            return Err(not_allowed("Say why the profile is paused."));
        }
        match reason {
            Some(reason) if !publish => pause(conn, admin_id, developer_id, reason, now)?,
            _ => {
                developer::apply_vetting(
                    conn,
                    developer_id,
                    &developer::VettingChanges {
                        published_at: Some(Some(now)),
                        paused_reason: Some(None),
                        updated_at: Some(now),
                        ..Default::default()
                    },
                )?;
                audit::record(
                    conn,
                    Some(admin_id),
                    "developer.published",
                    "developer",
                    Some(developer_id),
                    String::new(),
                )?;
            }
        }
        Ok(())
    })
}

pub fn change_level(
    conn: &mut DbConn,
    admin_id: i32,
    developer_id: i32,
    level: Level,
) -> Result<(), VettingError> {
    write_transaction(conn, |conn| {
        let d = developer::find(conn, developer_id)?;
        if d.status != DeveloperStatus::Approved {
            return Err(not_allowed("Only approved developers have a level."));
        }
        let now = models::now();
        developer::apply_vetting(
            conn,
            developer_id,
            &developer::VettingChanges {
                level: Some(Some(level)),
                updated_at: Some(now),
                ..Default::default()
            },
        )?;
        audit::record(
            conn,
            Some(admin_id),
            "developer.level_changed",
            "developer",
            Some(developer_id),
            format!(
                "{} → {level}",
                d.level.map(Level::as_str).unwrap_or_default()
            ),
        )?;
        Ok(())
    })
}

/// Daily: a reminder 25 days after the last availability confirmation (once per
/// confirmation). At 30 days the catalog stops listing the profile by itself.
pub fn send_availability_reminders(
    conn: &mut DbConn,
    outbox: &Outbox,
) -> Result<usize, VettingError> {
    let now = models::now();
    let due = developer::due_for_reminder(conn, now - Duration::days(REMIND_AFTER_DAYS))?;
    let mut sent = 0;
    for d in due {
        write_transaction(conn, |conn| {
            developer::mark_reminded(conn, d.id, now)?;
            let deadline = d.availability_confirmed_at.unwrap_or(now)
                + Duration::days(crate::catalog::AVAILABILITY_DAYS);
            notify(conn, outbox, d.user_id, |name| AvailabilityReminder {
                name,
                days_since: (now - d.availability_confirmed_at.unwrap_or(now)).num_days(),
                deadline,
            })
        })?;
        sent += 1;
    }
    Ok(sent)
}
