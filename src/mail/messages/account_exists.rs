//! Sent to an account's owner when someone tries to sign up again with their address.

use askama::Template;

use crate::mail::OutgoingEmail;
use crate::mail::templates::render;

pub struct AccountExists {
    pub name: String,
}

#[derive(Template)]
#[template(path = "emails/account_exists.html")]
pub struct AccountExistsHtml<'a> {
    pub m: &'a AccountExists,
    pub base_url: &'a str,
}

#[derive(Template)]
#[template(path = "emails/account_exists.txt")]
pub struct AccountExistsText<'a> {
    pub m: &'a AccountExists,
    pub base_url: &'a str,
}

impl AccountExists {
    pub const KIND: &'static str = "account_exists";

    pub fn subject(&self) -> String {
        "Someone tried to create a Ladder account with your address".into()
    }

    pub fn email(&self, to: &str, base_url: &str) -> Result<OutgoingEmail, askama::Error> {
        render(
            Self::KIND,
            to,
            self.subject(),
            &AccountExistsHtml { m: self, base_url },
            &AccountExistsText { m: self, base_url },
        )
    }
}
