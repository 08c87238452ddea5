//! An engagement was cancelled in its trial or has ended: to the company's people and
//! the developer.

use askama::Template;

use crate::mail::OutgoingEmail;
use crate::mail::templates::render;

use super::Plan;

pub struct EngagementFinished {
    pub name: String,
    /// True for the developer, false for the company's people.
    pub to_developer: bool,
    /// Cancelled during the free trial, rather than ended after paid months.
    pub cancelled: bool,
    pub developer_name: String,
    pub company_name: String,
    pub plan: Plan,
}

#[derive(Template)]
#[template(path = "emails/engagement_finished.html")]
pub struct EngagementFinishedHtml<'a> {
    pub m: &'a EngagementFinished,
    pub base_url: &'a str,
}

#[derive(Template)]
#[template(path = "emails/engagement_finished.txt")]
pub struct EngagementFinishedText<'a> {
    pub m: &'a EngagementFinished,
    pub base_url: &'a str,
}

impl EngagementFinished {
    pub const KIND: &'static str = "engagement_finished";

    pub fn subject(&self) -> String {
        let what = if self.cancelled { "cancelled" } else { "ended" };
        format!(
            "Engagement {what}: {} × {}",
            self.company_name, self.developer_name
        )
    }

    pub fn email(&self, to: &str, base_url: &str) -> Result<OutgoingEmail, askama::Error> {
        render(
            Self::KIND,
            to,
            self.subject(),
            &EngagementFinishedHtml { m: self, base_url },
            &EngagementFinishedText { m: self, base_url },
        )
    }
}
