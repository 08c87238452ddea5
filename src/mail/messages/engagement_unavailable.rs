//! A booking lost its developer to another company's checkout; nothing was charged.

use crate::mail::OutgoingEmail;
use crate::mail::templates::Notice;

use super::{Plan, link};

pub struct EngagementUnavailable {
    pub name: String,
    /// Why the developer can't take it (a sentence).
    pub why: String,
    pub plan: Plan,
}

impl EngagementUnavailable {
    pub const KIND: &'static str = "engagement_unavailable";

    pub fn subject(&self) -> String {
        "Your booking couldn't be completed: nothing was charged".into()
    }

    pub fn email(&self, to: &str, base_url: &str) -> Result<OutgoingEmail, askama::Error> {
        Notice {
            kind: Self::KIND,
            subject: self.subject(),
            name: self.name.clone(),
            heading: "This developer is no longer available".into(),
            paragraphs: vec![
                format!(
                    "{} Another company's checkout completed first, so your booking is cancelled.",
                    self.why
                ),
                "Nothing was charged and no subscription continues. Browse developers to book someone else.".into(),
            ],
            details: vec![format!("Plan: {}", self.plan.line())],
            action: Some(("Browse developers".into(), link(base_url, "/developers"))),
            footer: None,
        }
        .email(to, base_url)
    }
}
