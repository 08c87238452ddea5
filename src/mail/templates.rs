//! Rendering shared by the messages: each message has its own `templates/emails/<name>.{html,txt}`,
//! both extending the email layout in `templates/emails/layout.{html,txt}` (the HTML one
//! fills the layout's `preheader` block).

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
