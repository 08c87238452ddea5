//! Tells the organizer that the developer declined a proposed interview.

use askama::Template;

use crate::mail::OutgoingEmail;
use crate::mail::templates::render;

pub struct InterviewDeclined {
    /// The organizer's name.
    pub name: String,
    pub developer_name: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "emails/interview_declined.html")]
pub struct InterviewDeclinedHtml<'a> {
    pub m: &'a InterviewDeclined,
    pub base_url: &'a str,
}

#[derive(Template)]
#[template(path = "emails/interview_declined.txt")]
pub struct InterviewDeclinedText<'a> {
    pub m: &'a InterviewDeclined,
    pub base_url: &'a str,
}

impl InterviewDeclined {
    pub const KIND: &'static str = "interview_declined";

    pub fn subject(&self) -> String {
        format!("{} declined the interview", self.developer_name)
    }

    pub fn email(&self, to: &str, base_url: &str) -> Result<OutgoingEmail, askama::Error> {
        render(
            Self::KIND,
            to,
            self.subject(),
            &InterviewDeclinedHtml { m: self, base_url },
            &InterviewDeclinedText { m: self, base_url },
        )
    }
}
