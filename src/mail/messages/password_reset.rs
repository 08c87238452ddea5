//! A password-reset link.

use askama::Template;

use crate::mail::OutgoingEmail;
use crate::mail::templates::render;

/// A password-reset link.
pub struct PasswordReset {
    pub name: String,
    pub link: String,
    pub minutes_valid: i64,
}

#[derive(Template)]
#[template(path = "emails/password_reset.html")]
pub struct PasswordResetHtml<'a> {
    pub m: &'a PasswordReset,
    pub base_url: &'a str,
}

#[derive(Template)]
#[template(path = "emails/password_reset.txt")]
pub struct PasswordResetText<'a> {
    pub m: &'a PasswordReset,
    pub base_url: &'a str,
}

impl PasswordReset {
    pub fn email(&self, to: &str, base_url: &str) -> Result<OutgoingEmail, askama::Error> {
        render(
            "password_reset",
            to,
            "Reset your Ladder password".into(),
            &PasswordResetHtml { m: self, base_url },
            &PasswordResetText { m: self, base_url },
        )
    }
}
