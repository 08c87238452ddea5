//! Three days before a free trial ends, to the company's people.

use askama::Template;
use chrono::NaiveDateTime;

use crate::mail::OutgoingEmail;
use crate::mail::templates::render;

use super::Plan;

pub struct TrialEnding {
    pub name: String,
    pub engagement_id: i32,
    pub developer_name: String,
    pub plan: Plan,
    pub ends: Option<NaiveDateTime>,
}

#[derive(Template)]
#[template(path = "emails/trial_ending.html")]
pub struct TrialEndingHtml<'a> {
    pub m: &'a TrialEnding,
    pub base_url: &'a str,
}

#[derive(Template)]
#[template(path = "emails/trial_ending.txt")]
pub struct TrialEndingText<'a> {
    pub m: &'a TrialEnding,
    pub base_url: &'a str,
}

impl TrialEnding {
    pub const KIND: &'static str = "trial_ending";

    pub fn subject(&self) -> String {
        format!("Your trial with {} ends in 3 days", self.developer_name)
    }

    pub fn email(&self, to: &str, base_url: &str) -> Result<OutgoingEmail, askama::Error> {
        render(
            Self::KIND,
            to,
            self.subject(),
            &TrialEndingHtml { m: self, base_url },
            &TrialEndingText { m: self, base_url },
        )
    }
}
