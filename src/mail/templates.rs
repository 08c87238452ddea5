//! One struct pair per email (HTML and text), both extending the shared email layout in
//! `templates/emails/layout.{html,txt}`.

use askama::Template;

use super::OutgoingEmail;

/// Renders both parts of a message.
pub fn render(
    kind: &'static str,
    to: &str,
    subject: String,
    html: &impl Template,
    text: &impl Template,
) -> Result<OutgoingEmail, askama::Error> {
    Ok(OutgoingEmail {
        kind,
        to: to.to_owned(),
        subject,
        text: text.render()?,
        html: html.render()?,
        attachments: Vec::new(),
    })
}

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
    pub preheader: &'a str,
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
                preheader: "Your Ladder mail settings work.",
            },
            &MailCheckText {
                m: self,
                base_url: &self.base_url,
            },
        )
    }
}

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
    pub preheader: &'a str,
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
            &VerifyEmailHtml {
                m: self,
                base_url,
                preheader: "One click to confirm your address.",
            },
            &VerifyEmailText { m: self, base_url },
        )
    }
}

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
    pub preheader: &'a str,
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
            &PasswordResetHtml {
                m: self,
                base_url,
                preheader: "Choose a new password for Ladder.",
            },
            &PasswordResetText { m: self, base_url },
        )
    }
}

/// A short notice with an optional call to action: vetting updates, availability
/// reminders, teammate invitations and every interview message share this shape.
pub struct Notice {
    pub kind: &'static str,
    pub subject: String,
    pub name: String,
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub details: Vec<String>,
    pub action: Option<(String, String)>,
    pub footer: Option<String>,
}

#[derive(Template)]
#[template(path = "emails/notice.html")]
pub struct NoticeHtml<'a> {
    pub m: &'a Notice,
    pub base_url: &'a str,
    pub preheader: &'a str,
}

#[derive(Template)]
#[template(path = "emails/notice.txt")]
pub struct NoticeText<'a> {
    pub m: &'a Notice,
    pub base_url: &'a str,
}

impl Notice {
    pub fn email(&self, to: &str, base_url: &str) -> Result<OutgoingEmail, askama::Error> {
        render(
            self.kind,
            to,
            self.subject.clone(),
            &NoticeHtml {
                m: self,
                base_url,
                preheader: &self.heading,
            },
            &NoticeText { m: self, base_url },
        )
    }
}
