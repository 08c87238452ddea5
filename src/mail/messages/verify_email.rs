//! Confirms a new account's address, or a changed one.

use askama::Template;

use crate::mail::OutgoingEmail;
use crate::mail::templates::render;

/// Confirms a new account's address (or a changed one).
pub struct VerifyEmail {
    pub name: String,
    pub link: String,
    pub hours_valid: i64,
    /// True when confirming a change of address rather than a new account.
    pub is_change: bool,
}

#[derive(Template)]
#[template(path = "emails/verify_email.html")]
pub struct VerifyEmailHtml<'a> {
    pub m: &'a VerifyEmail,
    pub base_url: &'a str,
}

#[derive(Template)]
#[template(path = "emails/verify_email.txt")]
pub struct VerifyEmailText<'a> {
    pub m: &'a VerifyEmail,
    pub base_url: &'a str,
}

impl VerifyEmail {
    pub fn email(&self, to: &str, base_url: &str) -> Result<OutgoingEmail, askama::Error> {
        let (kind, subject) = if self.is_change {
            ("email_change", "Confirm your new email address for Ladder")
        } else {
            ("verify_email", "Confirm your email address for Ladder")
        };
        render(
            kind,
            to,
            subject.into(),
            &VerifyEmailHtml { m: self, base_url },
            &VerifyEmailText { m: self, base_url },
        )
    }
}
