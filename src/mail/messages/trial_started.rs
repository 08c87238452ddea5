//! Sent when a booking's checkout completes and its free trial starts: to the company's
//! people, the developer and the admins, each with their own wording.

use chrono::{NaiveDate, NaiveDateTime};

use crate::mail::OutgoingEmail;
use crate::mail::templates::Notice;

use super::{Plan, link, long_date};

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
        let (c, name) = (&self.company_name, &self.developer_name);
        let details = vec![
            format!("Developer: {name}"),
            format!("Plan: {}", self.plan.line()),
            format!("Starts: {}", self.starts_on.format("%-d %B %Y")),
            format!("Free trial until: {}", long_date(self.trial_end)),
        ];
        let (heading, paragraphs, details, action) = match self.audience {
            TrialStartedAudience::Company => (
                "Your free trial has started".to_owned(),
                vec![
                    format!(
                        "{name} starts working with {c} on {}. Nothing is charged until the trial ends on {}; cancel before then and you pay nothing.",
                        self.starts_on.format("%-d %B"),
                        long_date(self.trial_end)
                    ),
                    "Hours are logged weekly and show on the engagement page.".into(),
                ],
                details,
                (
                    "Open the engagement",
                    format!("/engagements/{}", self.engagement_id),
                ),
            ),
            TrialStartedAudience::Developer => (
                format!("{c} booked you"),
                vec![format!(
                    "{c} booked you for a {} engagement starting {}. The first 14 days are a free trial for them; please log your hours every week.",
                    self.plan.commitment.label().to_lowercase(),
                    self.starts_on.format("%-d %B")
                )],
                vec![
                    format!("Company: {c}"),
                    format!("Commitment: {} h / month", self.plan.hours_per_month),
                ],
                ("See your engagements", "/me/engagements".to_owned()),
            ),
            TrialStartedAudience::Admin => (
                "A trial started".to_owned(),
                vec![format!("{c} started a trial with {name}.")],
                details,
                (
                    "Open in admin",
                    format!("/admin/engagements/{}", self.engagement_id),
                ),
            ),
        };
        Notice {
            kind: Self::KIND,
            subject: self.subject(),
            name: self.name.clone(),
            heading,
            paragraphs,
            details,
            action: Some((action.0.to_owned(), link(base_url, &action.1))),
            footer: None,
        }
        .email(to, base_url)
    }
}
