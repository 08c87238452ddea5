//! Asks a developer to pick one of a company's proposed interview times (or new ones).

use askama::Template;

use crate::mail::OutgoingEmail;
use crate::mail::templates::render;

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

#[derive(Template)]
#[template(path = "emails/interview_request.html")]
pub struct InterviewRequestHtml<'a> {
    pub m: &'a InterviewRequest,
    pub base_url: &'a str,
}

#[derive(Template)]
#[template(path = "emails/interview_request.txt")]
pub struct InterviewRequestText<'a> {
    pub m: &'a InterviewRequest,
    pub base_url: &'a str,
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
        render(
            self.kind(),
            to,
            self.subject(),
            &InterviewRequestHtml { m: self, base_url },
            &InterviewRequestText { m: self, base_url },
        )
    }
}
