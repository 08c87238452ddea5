//! Three days before a free trial ends, to the company's people.

use chrono::NaiveDateTime;

use crate::mail::OutgoingEmail;
use crate::mail::templates::Notice;

use super::{Plan, link, long_date};

pub struct TrialEnding {
    pub name: String,
    pub engagement_id: i32,
    pub developer_name: String,
    pub plan: Plan,
    pub ends: Option<NaiveDateTime>,
}

impl TrialEnding {
    pub const KIND: &'static str = "trial_ending";

    pub fn subject(&self) -> String {
        format!("Your trial with {} ends in 3 days", self.developer_name)
    }

    pub fn email(&self, to: &str, base_url: &str) -> Result<OutgoingEmail, askama::Error> {
        Notice {
            kind: Self::KIND,
            subject: self.subject(),
            name: self.name.clone(),
            heading: "Your trial ends in 3 days".into(),
            paragraphs: vec![
                format!(
                    "The free trial with {} ends on {}. Then the first month, {}, is charged to the card you gave at checkout.",
                    self.developer_name,
                    long_date(self.ends),
                    self.plan.price
                ),
                "To stop, cancel on the engagement page before the trial ends: nothing is charged. You can also replace the developer during the trial.".into(),
            ],
            details: vec![format!("Plan: {}", self.plan.line())],
            action: Some((
                "Open the engagement".into(),
                link(base_url, &format!("/engagements/{}", self.engagement_id)),
            )),
            footer: None,
        }
        .email(to, base_url)
    }
}
