//! Daily sweep: asks an approved developer to confirm their availability.

use chrono::NaiveDateTime;

use crate::mail::OutgoingEmail;
use crate::mail::templates::Notice;

use super::link;

pub struct AvailabilityReminder {
    pub name: String,
    /// Days since the availability was last confirmed.
    pub days_since: i64,
    /// The profile leaves the catalog after this.
    pub deadline: NaiveDateTime,
}

impl AvailabilityReminder {
    pub const KIND: &'static str = "availability_reminder";

    pub fn subject(&self) -> String {
        "Is your Ladder availability still right?".into()
    }

    pub fn email(&self, to: &str, base_url: &str) -> Result<OutgoingEmail, askama::Error> {
        Notice {
            kind: Self::KIND,
            subject: self.subject(),
            name: self.name.clone(),
            heading: "Please confirm your availability".into(),
            paragraphs: vec![
                format!(
                    "Companies only see profiles confirmed in the last 30 days. Yours was last confirmed {} days ago; confirm by {} to stay in the catalog.",
                    self.days_since,
                    self.deadline.format("%-d %B")
                ),
                "It takes one click.".into(),
            ],
            details: Vec::new(),
            action: Some(("Confirm availability".into(), link(base_url, "/me/profile"))),
            footer: None,
        }
        .email(to, base_url)
    }
}
