//! Sent when a developer submits (or re-submits) their application for vetting.

use askama::Template;

use crate::mail::OutgoingEmail;
use crate::mail::templates::render;

pub struct ApplicationReceived {
    /// The applicant's name.
    pub name: String,
}

#[derive(Template)]
#[template(path = "emails/application_received.html")]
pub struct ApplicationReceivedHtml<'a> {
    pub m: &'a ApplicationReceived,
    pub base_url: &'a str,
}

#[derive(Template)]
#[template(path = "emails/application_received.txt")]
pub struct ApplicationReceivedText<'a> {
    pub m: &'a ApplicationReceived,
    pub base_url: &'a str,
}

impl ApplicationReceived {
    pub const KIND: &'static str = "application_received";

    pub fn subject(&self) -> String {
        "We received your Ladder application".into()
    }

    pub fn email(&self, to: &str, base_url: &str) -> Result<OutgoingEmail, askama::Error> {
        render(
            Self::KIND,
            to,
            self.subject(),
            &ApplicationReceivedHtml { m: self, base_url },
            &ApplicationReceivedText { m: self, base_url },
        )
    }
}
