//! Sent when a booking's checkout completes and its free trial starts: to the company's
//! people, the developer and the admins, each with their own wording.

use askama::Template;
use chrono::{NaiveDate, NaiveDateTime};

use crate::mail::OutgoingEmail;
use crate::mail::templates::render;

use super::Plan;

/// Who reads the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrialStartedAudience {
    Company,
    Developer,
    Admin,
}

pub struct TrialStarted {
    pub name: String,
    pub audience: TrialStartedAudience,
    pub engagement_id: i32,
    pub company_name: String,
    /// The developer's full name.
    pub developer_name: String,
    pub plan: Plan,
    pub starts_on: NaiveDate,
    pub trial_end: Option<NaiveDateTime>,
}

#[derive(Template)]
#[template(path = "emails/trial_started.html")]
pub struct TrialStartedHtml<'a> {
    pub m: &'a TrialStarted,
    pub base_url: &'a str,
}

#[derive(Template)]
#[template(path = "emails/trial_started.txt")]
pub struct TrialStartedText<'a> {
    pub m: &'a TrialStarted,
    pub base_url: &'a str,
}

impl TrialStarted {
    pub const KIND: &'static str = "trial_started";

    pub fn subject(&self) -> String {
        let (c, name) = (&self.company_name, &self.developer_name);
        match self.audience {
            TrialStartedAudience::Company => format!("Your free trial with {name} has started"),
            TrialStartedAudience::Developer => {
                format!("New engagement: {c} starts a free trial with you")
            }
            TrialStartedAudience::Admin => format!("Trial started: {c} × {name}"),
        }
    }

    pub fn email(&self, to: &str, base_url: &str) -> Result<OutgoingEmail, askama::Error> {
        render(
            Self::KIND,
            to,
            self.subject(),
            &TrialStartedHtml { m: self, base_url },
            &TrialStartedText { m: self, base_url },
        )
    }
}
