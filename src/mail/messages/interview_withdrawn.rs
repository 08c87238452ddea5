//! Tells the developer that a company withdrew an interview request before it was booked.

use crate::mail::OutgoingEmail;
use crate::mail::templates::Notice;

use super::link;

pub struct InterviewWithdrawn {
    /// The developer's name.
    pub name: String,
    pub company_name: String,
    /// The company's reason; empty when they gave none.
    pub reason: String,
}

impl InterviewWithdrawn {
    pub const KIND: &'static str = "interview_cancelled";

    pub fn subject(&self) -> String {
        format!("{} withdrew their interview request", self.company_name)
    }

    pub fn email(&self, to: &str, base_url: &str) -> Result<OutgoingEmail, askama::Error> {
        Notice {
            kind: Self::KIND,
            subject: self.subject(),
            name: self.name.clone(),
            heading: "Interview request withdrawn".into(),
            paragraphs: vec![format!(
                "{} withdrew their interview request.{}",
                self.company_name,
                reason_suffix(&self.reason)
            )],
            details: Vec::new(),
            action: Some((
                "See your interviews".into(),
                link(base_url, "/me/interviews"),
            )),
            footer: None,
        }
        .email(to, base_url)
    }
}

/// " Reason: …" after a sentence, or nothing when no reason was given.
pub fn reason_suffix(reason: &str) -> String {
    if reason.is_empty() {
        String::new()
    } else {
        format!(" Reason: {reason}")
    }
}
