//! A booked interview, or its cancellation, with a calendar file attached; sent to both
//! the developer and the organizer.

use crate::mail::OutgoingEmail;
use crate::mail::templates::Notice;

use super::interview_request::meeting_line;
use super::interview_withdrawn::reason_suffix;
use super::link;

/// What happened to the interview.
pub enum CalendarChange {
    Scheduled,
    /// The developer declined new times for an interview already in the calendars.
    Declined {
        reason: String,
    },
    /// The company cancelled; the reason may be empty.
    Cancelled {
        reason: String,
    },
}

pub struct InterviewCalendar {
    /// The recipient's name.
    pub name: String,
    /// True for the developer, false for the organizer (their links differ).
    pub to_developer: bool,
    pub developer_name: String,
    pub company_name: String,
    /// The interview's time, shown in the recipient's time zone.
    pub when: String,
    pub meeting_url: Option<String>,
    pub change: CalendarChange,
}

impl InterviewCalendar {
    pub fn kind(&self) -> &'static str {
        match self.change {
            CalendarChange::Scheduled => "interview_scheduled",
            CalendarChange::Declined { .. } => "interview_declined",
            CalendarChange::Cancelled { .. } => "interview_cancelled",
        }
    }

    fn heading(&self) -> &'static str {
        match self.change {
            CalendarChange::Scheduled => "Interview scheduled",
            CalendarChange::Declined { .. } => "Interview declined",
            CalendarChange::Cancelled { .. } => "Interview cancelled",
        }
    }

    pub fn subject(&self) -> String {
        format!(
            "{}: {} × {}",
            self.heading(),
            self.developer_name,
            self.company_name
        )
    }

    pub fn email(&self, to: &str, base_url: &str) -> Result<OutgoingEmail, askama::Error> {
        let paragraph = match &self.change {
            CalendarChange::Scheduled => {
                "The interview is booked. Add it to your calendar with the attached invitation."
                    .to_owned()
            }
            CalendarChange::Declined { reason } => format!(
                "{} declined the new times. Reason: {reason}",
                self.developer_name
            ),
            CalendarChange::Cancelled { reason } => format!(
                "{} cancelled the interview.{}",
                self.company_name,
                reason_suffix(reason)
            ),
        };
        let mut details = vec![self.when.clone()];
        if matches!(self.change, CalendarChange::Scheduled) {
            details.push(meeting_line(&self.meeting_url));
        }
        let path = if self.to_developer {
            "/me/interviews"
        } else {
            "/interviews"
        };
        Notice {
            kind: self.kind(),
            subject: self.subject(),
            name: self
                .name
                .split(" (")
                .next()
                .unwrap_or(&self.name)
                .to_owned(),
            heading: self.heading().to_owned(),
            paragraphs: vec![paragraph],
            details,
            action: Some(("Open in Ladder".into(), link(base_url, path))),
            footer: Some("The attached calendar file updates the event in your calendar.".into()),
        }
        .email(to, base_url)
    }
}
