//! Tells the developer that a company withdrew an interview request before it was booked.

use askama::Template;

use crate::mail::OutgoingEmail;
use crate::mail::templates::render;

pub struct InterviewWithdrawn {
    /// The developer's name.
    pub name: String,
    pub company_name: String,
    /// The company's reason; empty when they gave none.
    pub reason: String,
}

#[derive(Template)]
#[template(path = "emails/interview_withdrawn.html")]
pub struct InterviewWithdrawnHtml<'a> {
    pub m: &'a InterviewWithdrawn,
    pub base_url: &'a str,
}

#[derive(Template)]
#[template(path = "emails/interview_withdrawn.txt")]
pub struct InterviewWithdrawnText<'a> {
    pub m: &'a InterviewWithdrawn,
    pub base_url: &'a str,
}

impl InterviewWithdrawn {
    pub const KIND: &'static str = "interview_cancelled";

    pub fn subject(&self) -> String {
        format!("{} withdrew their interview request", self.company_name)
    }

    pub fn email(&self, to: &str, base_url: &str) -> Result<OutgoingEmail, askama::Error> {
        render(
            Self::KIND,
            to,
            self.subject(),
            &InterviewWithdrawnHtml { m: self, base_url },
            &InterviewWithdrawnText { m: self, base_url },
        )
    }
}
