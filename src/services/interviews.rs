//! Interviews: a company proposes up to three slots; the developer accepts one or
//! declines; the company cancels or reschedules. States: `proposed → scheduled |
//! declined | cancelled`, and a reschedule goes back to `proposed` with the calendar
//! SEQUENCE bumped. Scheduling mails both sides an `.ics` REQUEST; cancelling (or
//! declining after an invite went out) mails a CANCEL with the same UID. Every mail is
//! queued in the transaction that makes the change, and each transition is a conditional
//! update, so a repeated click changes nothing and sends nothing.

use chrono::{Duration, NaiveDateTime};
use chrono_tz::Tz;

use crate::catalog;
use crate::db::{DbConn, write_transaction};
use crate::domain::interview_slots::{SlotProposal, in_zone};
use crate::domain::{InterviewStatus, MemberRole};
use crate::error::InfraError;
use crate::mail::messages::{
    CalendarChange, InterviewCalendar, InterviewDeclined, InterviewRequest, InterviewWithdrawn,
    meeting_line,
};
use crate::mail::{Attachment, Outbox};
use crate::models::{self, company, company_member, developer, interview, interview_slot, user};
use crate::services::calendar::{self, Invite, Method, Person};

pub const MAX_MESSAGE_CHARS: usize = 2000;
pub const MAX_REASON_CHARS: usize = 500;

#[derive(Debug, thiserror::Error)]
pub enum InterviewError {
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    StateChanged(String),
    #[error(transparent)]
    Infra(#[from] InfraError),
}

crate::infra_error!(InterviewError, not_found = InterviewError::NotFound);

/// What the company typed: slots, link and message.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub slots: SlotProposal,
    /// `None`: "link to follow".
    pub meeting_url: Option<String>,
    pub message: String,
}

/// `Sat 20 Mar 2027, 10:00–11:00 (New York, United States · UTC−4)`: the zone as a place
/// and its offset on the day of the slot, so summer time reads right.
pub fn format_slot(utc: NaiveDateTime, zone: Tz, minutes: i32) -> String {
    let start = in_zone(zone, utc);
    let end = in_zone(zone, utc + Duration::minutes(i64::from(minutes)));
    format!(
        "{}–{} ({})",
        start.format("%a %-d %b %Y, %H:%M"),
        end.format("%H:%M"),
        crate::domain::time_zone::describe(zone.name(), utc.and_utc())
    )
}

fn zone_of(name: &str) -> Tz {
    name.parse().unwrap_or(chrono_tz::UTC)
}

/// Everything a page or an email says about one interview.
#[derive(Debug, Clone)]
pub struct InterviewDetail {
    pub row: interview::InterviewRow,
    pub slots: Vec<interview_slot::InterviewSlotRow>,
    pub developer_name: String,
    pub developer_slug: String,
    /// The developer's avatar file (under `/avatars/`), if any.
    pub developer_avatar: Option<String>,
    pub developer_zone: Tz,
    pub developer_email: String,
    pub company_name: String,
    pub company_zone: Tz,
    pub organizer: Person,
}

fn detail(
    conn: &mut DbConn,
    row: interview::InterviewRow,
) -> Result<InterviewDetail, InterviewError> {
    let d = developer::find(conn, row.developer_id)?;
    let dev_user = user::find(conn, d.user_id)?;
    let c = company::find(conn, row.company_id)?;
    let organizer_user = match row.organizer_id {
        Some(id) => Some(user::find(conn, id)?),
        None => None,
    };
    let organizer_user = match organizer_user {
        Some(u) if u.deleted_at.is_none() => u,
        _ => {
            // The organizer's account is gone: the company's owner stands in.
            let owner = company_member::for_company(conn, c.id)?
                .into_iter()
                .find(|(m, _, _)| m.role == MemberRole::Owner)
                .ok_or(InterviewError::NotFound)?;
            user::find(conn, owner.0.user_id)?
        }
    };
    let last_initial: String = d
        .last_name
        .chars()
        .next()
        .map(|ch| ch.to_uppercase().collect())
        .unwrap_or_default();
    Ok(InterviewDetail {
        slots: interview_slot::for_interview(conn, row.id)?,
        developer_name: catalog::display_name(&d.first_name, &last_initial),
        developer_slug: d.slug,
        developer_avatar: d.avatar_path,
        developer_zone: zone_of(&d.time_zone),
        developer_email: dev_user.email,
        company_zone: zone_of(&c.time_zone),
        company_name: c.name.clone(),
        organizer: Person {
            name: format!("{} ({})", organizer_user.name, c.name),
            email: organizer_user.email,
        },
        row,
    })
}

pub fn for_company(
    conn: &mut DbConn,
    company_id: i32,
) -> Result<Vec<InterviewDetail>, InterviewError> {
    interview::for_company(conn, company_id)?
        .into_iter()
        .map(|r| detail(conn, r))
        .collect()
}

pub fn for_developer(
    conn: &mut DbConn,
    developer_id: i32,
) -> Result<Vec<InterviewDetail>, InterviewError> {
    interview::for_developer(conn, developer_id)?
        .into_iter()
        .map(|r| detail(conn, r))
        .collect()
}

pub fn developer_zone(conn: &mut DbConn, developer_id: i32) -> Result<Tz, InterviewError> {
    Ok(zone_of(&developer::find(conn, developer_id)?.time_zone))
}

pub fn company_interview(
    conn: &mut DbConn,
    company_id: i32,
    id: i32,
) -> Result<InterviewDetail, InterviewError> {
    let row = interview::find_for_company(conn, company_id, id)?;
    detail(conn, row)
}

/// Who the company may interview: listed developers (the slug is what the form carries).
pub fn developer_for_proposal(
    conn: &mut DbConn,
    slug: &str,
) -> Result<(developer::DeveloperRow, String), InterviewError> {
    match developer::find_by_slug(conn, slug)? {
        Some(d) if catalog::is_listed(&d, models::now()) => {
            let initial: String = d.last_name.chars().take(1).collect();
            let name = catalog::display_name(&d.first_name, &initial.to_uppercase());
            Ok((d, name))
        }
        _ => Err(InterviewError::NotFound),
    }
}

fn slot_lines(d: &InterviewDetail, zone: Tz) -> Vec<String> {
    d.slots
        .iter()
        .map(|s| format_slot(s.starts_at, zone, d.row.duration_minutes))
        .collect()
}

fn queue_request_to_developer(
    conn: &mut DbConn,
    outbox: &Outbox,
    d: &InterviewDetail,
    rescheduled: bool,
) -> Result<(), InterviewError> {
    let message = InterviewRequest {
        name: d.developer_name.clone(),
        company_name: d.company_name.clone(),
        duration_minutes: d.row.duration_minutes,
        message: d.row.message.clone(),
        slots: slot_lines(d, d.developer_zone),
        meeting_url: d.row.meeting_url.clone(),
        rescheduled,
    }
    .email(&d.developer_email, &outbox.base_url)?;
    outbox.queue(conn, message)?;
    Ok(())
}

fn new_uid(outbox: &Outbox) -> String {
    let host = url::Url::parse(&outbox.base_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| "ladder.localhost".into());
    format!(
        "interview-{}@{host}",
        crate::crypto::random_token(24).to_lowercase()
    )
}

pub fn propose(
    conn: &mut DbConn,
    outbox: &Outbox,
    company_id: i32,
    organizer_id: i32,
    slug: &str,
    proposal: &Proposal,
) -> Result<i32, InterviewError> {
    write_transaction(conn, |conn| {
        let (dev, _) = developer_for_proposal(conn, slug)?;
        let now = models::now();
        let row = interview::insert(
            conn,
            &interview::NewInterview {
                company_id,
                developer_id: dev.id,
                organizer_id: Some(organizer_id),
                uid: new_uid(outbox),
                status: InterviewStatus::Proposed,
                sequence: 0,
                duration_minutes: proposal.slots.duration_minutes,
                time_zone: proposal.slots.zone.name().into(),
                meeting_url: proposal.meeting_url.clone(),
                message: proposal.message.clone(),
                created_at: now,
                updated_at: now,
            },
        )?;
        interview_slot::replace(conn, row.id, &proposal.slots.starts_utc)?;
        let d = detail(conn, row)?;
        queue_request_to_developer(conn, outbox, &d, false)?;
        Ok(d.row.id)
    })
}

/// New slots: back to `proposed` with the sequence bumped; the developer picks again.
pub fn reschedule(
    conn: &mut DbConn,
    outbox: &Outbox,
    company_id: i32,
    id: i32,
    proposal: &Proposal,
) -> Result<(), InterviewError> {
    write_transaction(conn, |conn| {
        let row = interview::find_for_company(conn, company_id, id)?;
        if !row.status.is_open() {
            return Err(InterviewError::StateChanged(format!(
                "This interview was {} and can't be rescheduled. Propose a new one instead.",
                row.status
            )));
        }
        let mut change =
            interview::Transition::from_row(&row, InterviewStatus::Proposed, models::now());
        change.sequence = row.sequence + 1;
        change.duration_minutes = proposal.slots.duration_minutes;
        change.time_zone = proposal.slots.zone.name().into();
        change.meeting_url = Some(proposal.meeting_url.clone());
        change.message = proposal.message.clone();
        if interview::transition(conn, id, row.status, &change)? == 0 {
            return Err(InterviewError::StateChanged(
                "The interview changed meanwhile; have a look and try again.".into(),
            ));
        }
        interview_slot::replace(conn, id, &proposal.slots.starts_utc)?;
        let fresh = interview::find(conn, id)?;
        let d = detail(conn, fresh)?;
        queue_request_to_developer(conn, outbox, &d, true)
    })
}

fn invite_for(d: &InterviewDetail, method: Method) -> Invite {
    let starts_at = d.row.starts_at.unwrap_or_default();
    let description = {
        let mut text = format!(
            "Interview between {} and {} arranged through Ladder.",
            d.company_name, d.developer_name
        );
        if !d.row.message.is_empty() {
            text.push_str(&format!("\n\n{}", d.row.message));
        }
        text.push_str(&format!("\n\n{}", meeting_line(&d.row.meeting_url)));
        text
    };
    Invite {
        method,
        uid: d.row.uid.clone(),
        sequence: d.row.sequence,
        starts_at,
        ends_at: starts_at + Duration::minutes(i64::from(d.row.duration_minutes)),
        stamp: calendar::stamp_now(),
        summary: format!("Interview: {} × {}", d.developer_name, d.company_name),
        description,
        location: d.row.meeting_url.clone(),
        url: d.row.meeting_url.clone(),
        organizer: d.organizer.clone(),
        attendee: Person {
            name: d.developer_name.clone(),
            email: d.developer_email.clone(),
        },
    }
}

/// Mails both sides the calendar file for the interview's current state.
fn queue_calendar(
    conn: &mut DbConn,
    outbox: &Outbox,
    d: &InterviewDetail,
    method: Method,
    change: impl Fn() -> CalendarChange,
) -> Result<(), InterviewError> {
    let starts = d.row.starts_at.unwrap_or_default();
    for (to, name, zone, to_developer) in [
        (
            &d.developer_email,
            &d.developer_name,
            d.developer_zone,
            true,
        ),
        (&d.organizer.email, &d.organizer.name, d.company_zone, false),
    ] {
        let invite = invite_for(d, method);
        let mut message = InterviewCalendar {
            name: name.clone(),
            to_developer,
            developer_name: d.developer_name.clone(),
            company_name: d.company_name.clone(),
            when: format_slot(starts, zone, d.row.duration_minutes),
            meeting_url: d.row.meeting_url.clone(),
            change: change(),
        }
        .email(to, &outbox.base_url)?;
        message.attachments.push(Attachment {
            filename: invite.filename().into(),
            content_type: invite.content_type().into(),
            content: invite.to_ics().into_bytes(),
        });
        outbox.queue(conn, message)?;
    }
    Ok(())
}

/// The developer picks one of the proposed slots.
pub fn accept(
    conn: &mut DbConn,
    outbox: &Outbox,
    developer_id: i32,
    id: i32,
    slot_id: i32,
) -> Result<(), InterviewError> {
    write_transaction(conn, |conn| {
        let row = interview::find_for_developer(conn, developer_id, id)?;
        if row.status != InterviewStatus::Proposed {
            return Err(InterviewError::StateChanged(format!(
                "This interview is already {}.",
                row.status
            )));
        }
        let slot = interview_slot::for_interview(conn, id)?
            .into_iter()
            .find(|s| s.id == slot_id)
            .ok_or_else(|| {
                InterviewError::StateChanged("Choose one of the proposed times.".into())
            })?;
        if slot.starts_at <= models::now() {
            return Err(InterviewError::StateChanged(
                "That time has passed. Choose another one or ask the company for new times.".into(),
            ));
        }
        let now = models::now();
        let mut change = interview::Transition::from_row(&row, InterviewStatus::Scheduled, now);
        change.starts_at = Some(slot.starts_at);
        change.invite_sent_at = Some(Some(now));
        if interview::transition(conn, id, InterviewStatus::Proposed, &change)? == 0 {
            return Err(InterviewError::StateChanged(
                "This interview changed meanwhile.".into(),
            ));
        }
        let fresh = interview::find(conn, id)?;
        let d = detail(conn, fresh)?;
        queue_calendar(conn, outbox, &d, Method::Request, || {
            CalendarChange::Scheduled
        })
    })
}

/// The developer declines with a reason.
pub fn decline(
    conn: &mut DbConn,
    outbox: &Outbox,
    developer_id: i32,
    id: i32,
    reason: &str,
) -> Result<(), InterviewError> {
    write_transaction(conn, |conn| {
        let row = interview::find_for_developer(conn, developer_id, id)?;
        if row.status != InterviewStatus::Proposed {
            return Err(InterviewError::StateChanged(format!(
                "This interview is already {}.",
                row.status
            )));
        }
        let mut change =
            interview::Transition::from_row(&row, InterviewStatus::Declined, models::now());
        change.decline_reason = Some(Some(reason.to_owned()));
        if row.invite_sent_at.is_some() {
            change.sequence = row.sequence + 1;
        }
        if interview::transition(conn, id, InterviewStatus::Proposed, &change)? == 0 {
            return Err(InterviewError::StateChanged(
                "This interview changed meanwhile.".into(),
            ));
        }
        let fresh = interview::find(conn, id)?;
        let d = detail(conn, fresh)?;
        if d.row.invite_sent_at.is_some() {
            // An earlier time is in both calendars: take it out.
            return queue_calendar(conn, outbox, &d, Method::Cancel, || {
                CalendarChange::Declined {
                    reason: reason.to_owned(),
                }
            });
        }
        let message = InterviewDeclined {
            name: d
                .organizer
                .name
                .split(" (")
                .next()
                .unwrap_or_default()
                .to_owned(),
            developer_name: d.developer_name.clone(),
            reason: reason.to_owned(),
        }
        .email(&d.organizer.email, &outbox.base_url)?;
        outbox.queue(conn, message)?;
        Ok(())
    })
}

/// The company cancels a proposed or scheduled interview.
pub fn cancel(
    conn: &mut DbConn,
    outbox: &Outbox,
    company_id: i32,
    id: i32,
    reason: &str,
) -> Result<(), InterviewError> {
    write_transaction(conn, |conn| {
        let row = interview::find_for_company(conn, company_id, id)?;
        if !row.status.is_open() {
            return Err(InterviewError::StateChanged(format!(
                "This interview is already {}.",
                row.status
            )));
        }
        let mut change =
            interview::Transition::from_row(&row, InterviewStatus::Cancelled, models::now());
        change.cancel_reason = Some((!reason.is_empty()).then(|| reason.to_owned()));
        if row.invite_sent_at.is_some() {
            change.sequence = row.sequence + 1;
        }
        if interview::transition(conn, id, row.status, &change)? == 0 {
            return Err(InterviewError::StateChanged(
                "This interview changed meanwhile.".into(),
            ));
        }
        let fresh = interview::find(conn, id)?;
        let d = detail(conn, fresh)?;
        if d.row.invite_sent_at.is_some() {
            return queue_calendar(conn, outbox, &d, Method::Cancel, || {
                CalendarChange::Cancelled {
                    reason: reason.to_owned(),
                }
            });
        }
        let message = InterviewWithdrawn {
            name: d.developer_name.clone(),
            company_name: d.company_name.clone(),
            reason: reason.to_owned(),
        }
        .email(&d.developer_email, &outbox.base_url)?;
        outbox.queue(conn, message)?;
        Ok(())
    })
}
