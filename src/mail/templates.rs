//! Rendering shared by the messages: both parts of a message extend the email layout in
//! `templates/emails/layout.{html,txt}`.

use askama::Template;

use super::OutgoingEmail;

pub use super::messages::{MailCheck, PasswordReset, VerifyEmail};

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
