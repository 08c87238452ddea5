//! Invites someone to join a company's team.

use crate::mail::OutgoingEmail;
use crate::mail::templates::Notice;

use super::link;

pub struct TeamInvite {
    pub inviter_name: String,
    pub company_name: String,
    /// The raw invitation token (the link's last segment).
    pub token: String,
    pub days_valid: i64,
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
        Notice {
            kind: Self::KIND,
            subject: self.subject(),
            name: "there".into(),
            heading: format!("Join {} on Ladder", self.company_name),
            paragraphs: vec![format!(
                "{} invited you to join {} on Ladder, where your team shortlists, compares and interviews pre-vetted backend developers together.",
                self.inviter_name, self.company_name
            )],
            details: Vec::new(),
            action: Some((
                "Accept the invitation".into(),
                link(base_url, &format!("/invitations/{}", self.token)),
            )),
            footer: Some(format!(
                "The link works once and expires in {} days. If you weren't expecting this, ignore this email.",
                self.days_valid
            )),
        }
        .email(to, base_url)
    }
}
