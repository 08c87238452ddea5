//! Sent to an account's owner when someone tries to sign up again with their address.

use crate::mail::OutgoingEmail;
use crate::mail::templates::Notice;

use super::link;

pub struct AccountExists {
    pub name: String,
}

impl AccountExists {
    pub const KIND: &'static str = "account_exists";

    pub fn subject(&self) -> String {
        "Someone tried to create a Ladder account with your address".into()
    }

    pub fn email(&self, to: &str, base_url: &str) -> Result<OutgoingEmail, askama::Error> {
        Notice {
            kind: Self::KIND,
            subject: self.subject(),
            name: self.name.clone(),
            heading: "You already have a Ladder account".into(),
            paragraphs: vec![
                "Someone (maybe you) just tried to create a new Ladder account with this email address. You already have one, so we didn't create another.".into(),
                "If it was you, sign in, or reset your password if you've forgotten it. If it wasn't, you can ignore this email: nothing has changed.".into(),
            ],
            details: vec![format!(
                "Forgotten your password? Reset it at {}",
                link(base_url, "/password/forgot")
            )],
            action: Some(("Sign in".into(), link(base_url, "/login"))),
            footer: None,
        }
        .email(to, base_url)
    }
}
