//! Sent when an application is rejected, at any stage.

use chrono::NaiveDateTime;

use crate::mail::OutgoingEmail;
use crate::mail::templates::Notice;

use super::link;

pub struct VettingRejected {
    pub name: String,
    /// The reviewers' reason, shown as written.
    pub reason: String,
    /// When the applicant may apply again.
    pub reapply_from: NaiveDateTime,
}

impl VettingRejected {
    pub const KIND: &'static str = "vetting_rejected";

    pub fn subject(&self) -> String {
        "About your Ladder application".into()
    }

    pub fn email(&self, to: &str, base_url: &str) -> Result<OutgoingEmail, askama::Error> {
        Notice {
            kind: Self::KIND,
            subject: self.subject(),
            name: self.name.clone(),
            heading: "We can't offer you a place this time".into(),
            paragraphs: vec![
                "Thank you for the time you put into vetting. Our reviewers' reason:".into(),
                self.reason.clone(),
                format!(
                    "You're welcome to apply again after {}.",
                    self.reapply_from.format("%-d %B %Y")
                ),
            ],
            details: Vec::new(),
            action: Some((
                "See your application".into(),
                link(base_url, "/me/application"),
            )),
            footer: None,
        }
        .email(to, base_url)
    }
}
