//! An engagement was cancelled in its trial or has ended: to the company's people and
//! the developer.

use crate::mail::OutgoingEmail;
use crate::mail::templates::Notice;

use super::{Plan, link};

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
        let (name, c) = (&self.developer_name, &self.company_name);
        let (heading, paragraph) = if self.cancelled {
            (
                "The engagement was cancelled",
                format!(
                    "The engagement of {name} with {c} was cancelled during the free trial. Nothing was charged."
                ),
            )
        } else {
            (
                "The engagement has ended",
                format!(
                    "The engagement of {name} with {c} has ended. The last invoice covered the final month; nothing more will be charged."
                ),
            )
        };
        let (paragraphs, details, action) = if self.to_developer {
            (
                vec![
                    paragraph,
                    "Your profile shows you as available again.".into(),
                ],
                Vec::new(),
                ("See your engagements", "/me/engagements"),
            )
        } else {
            (
                vec![paragraph],
                vec![format!("Plan: {}", self.plan.line())],
                ("Browse developers", "/developers"),
            )
        };
        Notice {
            kind: Self::KIND,
            subject: self.subject(),
            name: self.name.clone(),
            heading: heading.into(),
            paragraphs,
            details,
            action: Some((action.0.into(), link(base_url, action.1))),
            footer: None,
        }
        .email(to, base_url)
    }
}
