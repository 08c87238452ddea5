//! Sent when a developer submits (or re-submits) their application for vetting.

use crate::mail::OutgoingEmail;
use crate::mail::templates::Notice;

use super::link;

pub struct ApplicationReceived {
    /// The applicant's name.
    pub name: String,
}

impl ApplicationReceived {
    pub const KIND: &'static str = "application_received";

    pub fn subject(&self) -> String {
        "We received your Ladder application".into()
    }

    pub fn email(&self, to: &str, base_url: &str) -> Result<OutgoingEmail, askama::Error> {
        Notice {
            kind: Self::KIND,
            subject: self.subject(),
            name: self.name.clone(),
            heading: "Your application is in".into(),
            paragraphs: vec![
                "Thanks for applying. A reviewer will look at your profile within a few working days.".into(),
                "Vetting has three stages: a screening of your profile, a technical assessment and a live interview with a senior engineer. We'll email you after each one.".into(),
            ],
            details: Vec::new(),
            action: Some(("Follow your application".into(), link(base_url, "/me/application"))),
            footer: None,
        }
        .email(to, base_url)
    }
}
