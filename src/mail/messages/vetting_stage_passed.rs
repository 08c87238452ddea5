//! Sent when an applicant passes one vetting stage.

use crate::mail::OutgoingEmail;
use crate::mail::templates::Notice;

use super::link;

pub struct VettingStagePassed {
    pub name: String,
    /// The stage passed, as applicants read it ("technical assessment").
    pub stage: String,
    /// The next stage, or `None` when only the decision is left.
    pub next_stage: Option<String>,
}

impl VettingStagePassed {
    pub const KIND: &'static str = "vetting_stage_passed";

    pub fn subject(&self) -> String {
        format!("You passed the {} at Ladder", self.stage)
    }

    pub fn email(&self, to: &str, base_url: &str) -> Result<OutgoingEmail, askama::Error> {
        let next_line = match &self.next_stage {
            None => "You've passed all three stages. We'll confirm your level shortly.".to_owned(),
            Some(next) => format!("Next: the {next}. We'll be in touch to arrange it."),
        };
        Notice {
            kind: Self::KIND,
            subject: self.subject(),
            name: self.name.clone(),
            heading: format!("You passed the {}", self.stage),
            paragraphs: vec![next_line],
            details: Vec::new(),
            action: Some((
                "Follow your application".into(),
                link(base_url, "/me/application"),
            )),
            footer: None,
        }
        .email(to, base_url)
    }
}
