//! `ladder mail check`: proves the mail settings deliver.

use askama::Template;

use crate::mail::OutgoingEmail;
use crate::mail::templates::render;

/// `ladder mail check`: proves the mail settings deliver.
pub struct MailCheck {
    pub base_url: String,
    pub transport: String,
}

#[derive(Template)]
#[template(path = "emails/mail_check.html")]
pub struct MailCheckHtml<'a> {
    pub m: &'a MailCheck,
    pub base_url: &'a str,
}

#[derive(Template)]
#[template(path = "emails/mail_check.txt")]
pub struct MailCheckText<'a> {
    pub m: &'a MailCheck,
    pub base_url: &'a str,
}

impl MailCheck {
    pub fn email(&self, to: &str) -> Result<OutgoingEmail, askama::Error> {
        render(
            "mail_check",
            to,
            "Ladder mail check ✓ — your settings deliver".into(),
            &MailCheckHtml {
                m: self,
                base_url: &self.base_url,
            },
            &MailCheckText {
                m: self,
                base_url: &self.base_url,
            },
        )
    }
}
