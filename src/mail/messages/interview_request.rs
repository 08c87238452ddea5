//! Asks a developer to pick one of a company's proposed interview times (or new ones).

use crate::mail::OutgoingEmail;
use crate::mail::templates::Notice;

use super::link;

pub struct InterviewRequest {
    /// The developer's name.
    pub name: String,
    pub company_name: String,
    pub duration_minutes: i32,
    /// The company's message; empty when they wrote none.
    pub message: String,
    /// The proposed times, already shown in the developer's time zone.
    pub slots: Vec<String>,
    pub meeting_url: Option<String>,
    /// True when these replace times proposed before.
    pub rescheduled: bool,
}

/// How the meeting link reads in interview emails.
pub fn meeting_line(url: &Option<String>) -> String {
    match url {
        Some(u) => format!("Meeting link: {u}"),
        None => "Meeting link: to follow".into(),
    }
}

impl InterviewRequest {
    pub fn kind(&self) -> &'static str {
        if self.rescheduled {
            "interview_rescheduled"
        } else {
            "interview_request"
        }
    }

    pub fn subject(&self) -> String {
        if self.rescheduled {
            format!("{} proposed new interview times", self.company_name)
        } else {
            format!("{} would like to interview you", self.company_name)
        }
    }

    pub fn email(&self, to: &str, base_url: &str) -> Result<OutgoingEmail, askama::Error> {
        let heading = if self.rescheduled {
            "New interview times to choose from".to_owned()
        } else {
            format!("{} would like to interview you", self.company_name)
        };
        let mut paragraphs = vec![format!(
            "{} proposed these times for a {}-minute interview, shown in your time zone. Pick the one that suits you, or decline with a reason.",
            self.company_name, self.duration_minutes
        )];
        if !self.message.is_empty() {
            paragraphs.push(format!("Their message: “{}”", self.message));
        }
        let mut details = self.slots.clone();
        details.push(meeting_line(&self.meeting_url));
        Notice {
            kind: self.kind(),
            subject: self.subject(),
            name: self.name.clone(),
            heading,
            paragraphs,
            details,
            action: Some(("Choose a time".into(), link(base_url, "/me/interviews"))),
            footer: None,
        }
        .email(to, base_url)
    }
}
