//! Sent when an applicant is approved at a level.

use askama::Template;

use crate::mail::OutgoingEmail;
use crate::mail::templates::render;

use crate::domain::Level;

pub struct VettingApproved {
    pub name: String,
    pub level: Level,
    /// Whether the profile went into the catalog at once.
    pub published: bool,
}

#[derive(Template)]
#[template(path = "emails/vetting_approved.html")]
pub struct VettingApprovedHtml<'a> {
    pub m: &'a VettingApproved,
    pub base_url: &'a str,
}

#[derive(Template)]
#[template(path = "emails/vetting_approved.txt")]
pub struct VettingApprovedText<'a> {
    pub m: &'a VettingApproved,
    pub base_url: &'a str,
}

impl VettingApproved {
    pub const KIND: &'static str = "vetting_approved";

    pub fn subject(&self) -> String {
        format!("Welcome to Ladder — you're approved as {}", self.level)
    }

    pub fn email(&self, to: &str, base_url: &str) -> Result<OutgoingEmail, askama::Error> {
        render(
            Self::KIND,
            to,
            self.subject(),
            &VettingApprovedHtml { m: self, base_url },
            &VettingApprovedText { m: self, base_url },
        )
    }
}
