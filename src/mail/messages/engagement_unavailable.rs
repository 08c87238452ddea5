//! A booking lost its developer to another company's checkout; nothing was charged.

use askama::Template;

use crate::mail::OutgoingEmail;
use crate::mail::templates::render;

use super::Plan;

pub struct EngagementUnavailable {
    pub name: String,
    /// Why the developer can't take it (a sentence).
    pub why: String,
    pub plan: Plan,
}

#[derive(Template)]
#[template(path = "emails/engagement_unavailable.html")]
pub struct EngagementUnavailableHtml<'a> {
    pub m: &'a EngagementUnavailable,
    pub base_url: &'a str,
}

#[derive(Template)]
#[template(path = "emails/engagement_unavailable.txt")]
pub struct EngagementUnavailableText<'a> {
    pub m: &'a EngagementUnavailable,
    pub base_url: &'a str,
}

impl EngagementUnavailable {
    pub const KIND: &'static str = "engagement_unavailable";

    pub fn subject(&self) -> String {
        "Your booking couldn't be completed: nothing was charged".into()
    }

    pub fn email(&self, to: &str, base_url: &str) -> Result<OutgoingEmail, askama::Error> {
        render(
            Self::KIND,
            to,
            self.subject(),
            &EngagementUnavailableHtml { m: self, base_url },
            &EngagementUnavailableText { m: self, base_url },
        )
    }
}
