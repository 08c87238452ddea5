//! Daily sweep: asks an approved developer to confirm their availability.

use askama::Template;
use chrono::NaiveDateTime;

use crate::mail::OutgoingEmail;
use crate::mail::templates::render;

pub struct AvailabilityReminder {
    pub name: String,
    /// Days since the availability was last confirmed.
    pub days_since: i64,
    /// The profile leaves the catalog after this.
    pub deadline: NaiveDateTime,
}

#[derive(Template)]
#[template(path = "emails/availability_reminder.html")]
pub struct AvailabilityReminderHtml<'a> {
    pub m: &'a AvailabilityReminder,
    pub base_url: &'a str,
}

#[derive(Template)]
#[template(path = "emails/availability_reminder.txt")]
pub struct AvailabilityReminderText<'a> {
    pub m: &'a AvailabilityReminder,
    pub base_url: &'a str,
}

impl AvailabilityReminder {
    pub const KIND: &'static str = "availability_reminder";

    pub fn subject(&self) -> String {
        "Is your Ladder availability still right?".into()
    }

    pub fn email(&self, to: &str, base_url: &str) -> Result<OutgoingEmail, askama::Error> {
        render(
            Self::KIND,
            to,
            self.subject(),
            &AvailabilityReminderHtml { m: self, base_url },
            &AvailabilityReminderText { m: self, base_url },
        )
    }
}
