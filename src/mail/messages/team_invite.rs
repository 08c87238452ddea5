//! Invites someone to join a company's team.

use askama::Template;

use crate::mail::OutgoingEmail;
use crate::mail::templates::render;

pub struct TeamInvite {
    pub inviter_name: String,
    pub company_name: String,
    /// The raw invitation token (the link's last segment).
    pub token: String,
    pub days_valid: i64,
}

#[derive(Template)]
#[template(path = "emails/team_invite.html")]
pub struct TeamInviteHtml<'a> {
    pub m: &'a TeamInvite,
    pub base_url: &'a str,
}

#[derive(Template)]
#[template(path = "emails/team_invite.txt")]
pub struct TeamInviteText<'a> {
    pub m: &'a TeamInvite,
    pub base_url: &'a str,
}

impl TeamInvite {
    pub const KIND: &'static str = "team_invite";

    pub fn subject(&self) -> String {
        format!(
            "{} invited you to {} on Ladder",
            self.inviter_name, self.company_name
        )
    }

    pub fn email(&self, to: &str, base_url: &str) -> Result<OutgoingEmail, askama::Error> {
        render(
            Self::KIND,
            to,
            self.subject(),
            &TeamInviteHtml { m: self, base_url },
            &TeamInviteText { m: self, base_url },
        )
    }
}
