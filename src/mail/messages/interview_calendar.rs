//! A booked interview, or its cancellation, with a calendar file attached; sent to both
//! the developer and the organizer.

use askama::Template;

use crate::mail::OutgoingEmail;
use crate::mail::templates::render;

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

#[derive(Template)]
#[template(path = "emails/interview_calendar.html")]
pub struct InterviewCalendarHtml<'a> {
    pub m: &'a InterviewCalendar,
    pub base_url: &'a str,
}

#[derive(Template)]
#[template(path = "emails/interview_calendar.txt")]
pub struct InterviewCalendarText<'a> {
    pub m: &'a InterviewCalendar,
    pub base_url: &'a str,
}

impl InterviewCalendar {
    pub fn kind(&self) -> &'static str {
        match self.change {
            CalendarChange::Scheduled => "interview_scheduled",
            CalendarChange::Declined { .. } => "interview_declined",
            CalendarChange::Cancelled { .. } => "interview_cancelled",
        }
    }

    /// The recipient's name without what follows it in brackets.
    pub fn greeting_name(&self) -> &str {
        self.name.split(" (").next().unwrap_or(&self.name)
    }

    pub fn heading(&self) -> &'static str {
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
        render(
            self.kind(),
            to,
            self.subject(),
            &InterviewCalendarHtml { m: self, base_url },
            &InterviewCalendarText { m: self, base_url },
        )
    }
}
