//! Tells the organizer that the developer declined a proposed interview.

use crate::mail::OutgoingEmail;
use crate::mail::templates::Notice;

use super::link;

pub struct InterviewDeclined {
    /// The organizer's name.
    pub name: String,
    pub developer_name: String,
    pub reason: String,
}

impl InterviewDeclined {
    pub const KIND: &'static str = "interview_declined";

    pub fn subject(&self) -> String {
        format!("{} declined the interview", self.developer_name)
    }

    pub fn email(&self, to: &str, base_url: &str) -> Result<OutgoingEmail, askama::Error> {
        Notice {
            kind: Self::KIND,
            subject: self.subject(),
            name: self.name.clone(),
            heading: format!("{} declined the interview", self.developer_name),
            paragraphs: vec![format!("Their reason: “{}”", self.reason)],
            details: Vec::new(),
            action: Some(("See your interviews".into(), link(base_url, "/interviews"))),
            footer: None,
        }
        .email(to, base_url)
    }
}
