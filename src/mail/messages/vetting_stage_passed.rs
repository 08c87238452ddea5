//! Sent when an applicant passes one vetting stage.

use askama::Template;

use crate::mail::OutgoingEmail;
use crate::mail::templates::render;

pub struct VettingStagePassed {
    pub name: String,
    /// The stage passed, as applicants read it ("technical assessment").
    pub stage: String,
    /// The next stage, or `None` when only the decision is left.
    pub next_stage: Option<String>,
}

#[derive(Template)]
#[template(path = "emails/vetting_stage_passed.html")]
pub struct VettingStagePassedHtml<'a> {
    pub m: &'a VettingStagePassed,
    pub base_url: &'a str,
}

#[derive(Template)]
#[template(path = "emails/vetting_stage_passed.txt")]
pub struct VettingStagePassedText<'a> {
    pub m: &'a VettingStagePassed,
    pub base_url: &'a str,
}

impl VettingStagePassed {
    pub const KIND: &'static str = "vetting_stage_passed";

    pub fn subject(&self) -> String {
        format!("You passed the {} at Ladder", self.stage)
    }

    pub fn email(&self, to: &str, base_url: &str) -> Result<OutgoingEmail, askama::Error> {
        render(
            Self::KIND,
            to,
            self.subject(),
            &VettingStagePassedHtml { m: self, base_url },
            &VettingStagePassedText { m: self, base_url },
        )
    }
}
