//! Sent when an application is rejected, at any stage.

use askama::Template;
use chrono::NaiveDateTime;

use crate::mail::OutgoingEmail;
use crate::mail::templates::render;

pub struct VettingRejected {
    pub name: String,
    /// The reviewers' reason, shown as written.
    pub reason: String,
    /// When the applicant may apply again.
    pub reapply_from: NaiveDateTime,
}

#[derive(Template)]
#[template(path = "emails/vetting_rejected.html")]
pub struct VettingRejectedHtml<'a> {
    pub m: &'a VettingRejected,
    pub base_url: &'a str,
}

#[derive(Template)]
#[template(path = "emails/vetting_rejected.txt")]
pub struct VettingRejectedText<'a> {
    pub m: &'a VettingRejected,
    pub base_url: &'a str,
}

impl VettingRejected {
    pub const KIND: &'static str = "vetting_rejected";

    pub fn subject(&self) -> String {
        "About your Ladder application".into()
    }

    pub fn email(&self, to: &str, base_url: &str) -> Result<OutgoingEmail, askama::Error> {
        render(
            Self::KIND,
            to,
            self.subject(),
            &VettingRejectedHtml { m: self, base_url },
            &VettingRejectedText { m: self, base_url },
        )
    }
}
