//! Sent when an applicant is approved at a level.

use crate::mail::OutgoingEmail;
use crate::mail::templates::Notice;

use super::link;
use crate::domain::Level;

pub struct VettingApproved {
    pub name: String,
    pub level: Level,
    /// Whether the profile went into the catalog at once.
    pub published: bool,
}

impl VettingApproved {
    pub const KIND: &'static str = "vetting_approved";

    pub fn subject(&self) -> String {
        format!("Welcome to Ladder — you're approved as {}", self.level)
    }

    pub fn email(&self, to: &str, base_url: &str) -> Result<OutgoingEmail, askama::Error> {
        let level = self.level;
        Notice {
            kind: Self::KIND,
            subject: self.subject(),
            name: self.name.clone(),
            heading: format!("You're approved as {level} ({})", level.title().to_lowercase()),
            paragraphs: vec![
                if self.published {
                    "Your profile is now in the catalog, with your reviewers' summaries as evidence.".into()
                } else {
                    "Your profile will appear in the catalog once we publish it.".into()
                },
                "Keep it current: confirm your availability at least every 30 days, or the profile leaves the catalog until you do.".into(),
            ],
            details: Vec::new(),
            action: Some(("See your profile".into(), link(base_url, "/me/profile"))),
            footer: None,
        }
        .email(to, base_url)
    }
}
