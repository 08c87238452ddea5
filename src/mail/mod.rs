//! Email: messages rendered from askama templates, stored in the `emails` table and
//! delivered by the `send_email` job through one of three transports.

pub mod messages;
pub mod templates;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Attachment as LettreAttachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::Settings;
use crate::db::DbConn;
use crate::models::{self, email};
use crate::queue::{self, Job};

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("LADDER_SMTP_URL is invalid: {0}")]
    Config(String),
    #[error("cannot build the message: {0}")]
    Build(String),
    #[error("SMTP delivery failed: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error(
        "SMTP delivery timed out after {} s (the server accepted the connection but did not finish the conversation)",
        .0.as_secs_f64()
    )]
    TimedOut(Duration),
}

/// How long connecting to the SMTP server may take (lettre's own timeout).
pub const SMTP_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one whole delivery may take: connect, greeting, TLS, authentication and data.
/// lettre's timeout does not cover a server that accepts the connection and never greets.
pub const SMTP_SEND_TIMEOUT: Duration = Duration::from_secs(60);

/// A file sent with a message (interview invites attach `.ics` files).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub filename: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// A rendered message, ready to store and send.
#[derive(Debug, Clone)]
pub struct OutgoingEmail {
    /// What kind of message this is (`verify_email`, `mail_check`, …), for the outbox.
    pub kind: &'static str,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub attachments: Vec<Attachment>,
}

/// Where services hand mail to: the sender address and the public URL for links.
#[derive(Debug, Clone)]
pub struct Outbox {
    pub from: String,
    pub base_url: String,
}

impl Outbox {
    pub fn from_settings(settings: &Settings) -> Self {
        Outbox {
            from: settings.mail_from.clone(),
            base_url: settings.base_url_str().to_owned(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// See [`queue`].
    pub fn queue(
        &self,
        conn: &mut DbConn,
        message: OutgoingEmail,
    ) -> diesel::QueryResult<email::EmailRow> {
        queue(conn, &self.from, message)
    }
}

/// Stores `message` and enqueues its delivery, inside the caller's transaction: if the
/// change that caused the email rolls back, no email exists and none is sent.
pub fn queue(
    conn: &mut DbConn,
    from: &str,
    message: OutgoingEmail,
) -> diesel::QueryResult<email::EmailRow> {
    let now = models::now();
    let domain = from
        .rsplit_once('@')
        .map(|(_, d)| d.trim_end_matches('>'))
        .unwrap_or("ladder.localhost");
    let row = email::insert(
        conn,
        &email::NewEmail {
            message_id: format!(
                "<{}.{}@{}>",
                now.and_utc().timestamp(),
                crate::crypto::random_token(20),
                domain
            ),
            kind: message.kind.into(),
            to_address: message.to,
            from_address: from.into(),
            subject: message.subject,
            text_body: message.text,
            html_body: message.html,
            status: email::EmailStatus::Queued,
            created_at: now,
        },
    )?;
    for a in message.attachments {
        email::insert_attachment(
            conn,
            &email::NewAttachment {
                email_id: row.id,
                filename: a.filename,
                content_type: a.content_type,
                content: a.content,
            },
        )?;
    }
    let job = queue::enqueue(conn, &Job::SendEmail { email_id: row.id })?;
    email::set_job(conn, row.id, job.id)?;
    Ok(email::EmailRow {
        job_id: Some(job.id),
        ..row
    })
}

/// How messages leave the building.
#[derive(Clone)]
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// Development: the stored message *is* the delivery; read it at `/dev/mailbox`.
    Mailbox,
    /// Unit tests: keeps the formatted messages in memory.
    Memory(Arc<Mutex<Vec<Vec<u8>>>>),
}

#[derive(Clone)]
pub struct Mailer {
    transport: Transport,
    send_timeout: Duration,
}

impl Mailer {
    pub fn new(transport: Transport) -> Self {
        Mailer {
            transport,
            send_timeout: SMTP_SEND_TIMEOUT,
        }
    }

    /// Bounds each whole delivery by `limit` instead of [`SMTP_SEND_TIMEOUT`].
    pub fn with_send_timeout(self, limit: Duration) -> Self {
        Mailer {
            send_timeout: limit,
            ..self
        }
    }

    pub fn from_settings(settings: &Settings) -> Result<Mailer, MailError> {
        match &settings.smtp_url {
            Some(url) => Ok(Mailer::new(Transport::Smtp(smtp_transport(url.expose())?))),
            None => Ok(Mailer::new(Transport::Mailbox)),
        }
    }

    pub fn memory() -> (Mailer, Arc<Mutex<Vec<Vec<u8>>>>) {
        let store = Arc::new(Mutex::new(Vec::new()));
        (Mailer::new(Transport::Memory(store.clone())), store)
    }

    pub fn transport_name(&self) -> &'static str {
        match self.transport {
            Transport::Smtp(_) => "smtp",
            Transport::Mailbox => "mailbox",
            Transport::Memory(_) => "memory",
        }
    }

    /// Delivers a stored message; returns the transport's name for the record.
    pub async fn send(
        &self,
        row: &email::EmailRow,
        attachments: &[email::AttachmentRow],
    ) -> Result<&'static str, MailError> {
        match &self.transport {
            Transport::Mailbox => Ok("mailbox"),
            Transport::Smtp(smtp) => {
                let message = build_message(row, attachments)?;
                tokio::time::timeout(self.send_timeout, smtp.send(message))
                    .await
                    .map_err(|_| MailError::TimedOut(self.send_timeout))??;
                Ok("smtp")
            }
            Transport::Memory(store) => {
                let formatted = build_message(row, attachments)?.formatted();
                store.lock().expect("mail store lock").push(formatted);
                Ok("memory")
            }
        }
    }
}

/// A multipart message: text and HTML alternatives, plus attachments when there are any.
pub fn build_message(
    row: &email::EmailRow,
    attachments: &[email::AttachmentRow],
) -> Result<Message, MailError> {
    let from: Mailbox = row
        .from_address
        .parse()
        .map_err(|e| MailError::Build(format!("sender: {e}")))?;
    let to: Mailbox = row
        .to_address
        .parse()
        .map_err(|e| MailError::Build(format!("recipient: {e}")))?;
    let alternative = MultiPart::alternative()
        .singlepart(SinglePart::plain(row.text_body.clone()))
        .singlepart(SinglePart::html(row.html_body.clone()));
    let body = if attachments.is_empty() {
        alternative
    } else {
        attachments
            .iter()
            .try_fold(MultiPart::mixed().multipart(alternative), |body, a| {
                let content_type = ContentType::parse(&a.content_type)
                    .map_err(|e| MailError::Build(format!("attachment type: {e}")))?;
                Ok::<_, MailError>(body.singlepart(
                    LettreAttachment::new(a.filename.clone()).body(a.content.clone(), content_type),
                ))
            })?
    };
    Message::builder()
        .from(from)
        .to(to)
        .subject(row.subject.clone())
        .message_id(Some(row.message_id.clone()))
        .date(row.created_at.and_utc().into())
        .multipart(body)
        .map_err(|e| MailError::Build(e.to_string()))
}

/// `smtp://user:pass@host:587` (STARTTLS required), `smtps://user:pass@host:465` (TLS from
/// the first byte). `?tls=opportunistic` or `?tls=none` relax `smtp://` for local relays.
/// Credentials are percent-decoded; connecting times out after [`SMTP_CONNECT_TIMEOUT`] (and
/// [`Mailer::send`] bounds the whole delivery).
pub fn smtp_transport(url: &str) -> Result<AsyncSmtpTransport<Tokio1Executor>, MailError> {
    let parsed = url::Url::parse(url).map_err(|e| MailError::Config(e.to_string()))?;
    let host = parsed
        .host_str()
        .ok_or_else(|| MailError::Config("no host".into()))?
        .to_owned();
    let tls_mode = parsed
        .query_pairs()
        .find(|(k, _)| k == "tls")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| "required".into());
    let tls_params =
        || TlsParameters::new(host.clone()).map_err(|e| MailError::Config(e.to_string()));
    let builder = match (parsed.scheme(), tls_mode.as_str()) {
        ("smtps", _) => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&host)
            .port(parsed.port().unwrap_or(465))
            .tls(Tls::Wrapper(tls_params()?)),
        ("smtp", "required") => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&host)
            .port(parsed.port().unwrap_or(587))
            .tls(Tls::Required(tls_params()?)),
        ("smtp", "opportunistic") => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&host)
            .port(parsed.port().unwrap_or(587))
            .tls(Tls::Opportunistic(tls_params()?)),
        ("smtp", "none") => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&host)
            .port(parsed.port().unwrap_or(25))
            .tls(Tls::None),
        (scheme, mode) => {
            return Err(MailError::Config(format!(
                "unsupported scheme `{scheme}` or tls mode `{mode}`"
            )));
        }
    };
    let builder = if parsed.username().is_empty() {
        builder
    } else {
        let decode = |s: &str| percent_decode(s);
        builder.credentials(Credentials::new(
            decode(parsed.username()),
            decode(parsed.password().unwrap_or("")),
        ))
    };
    Ok(builder.timeout(Some(SMTP_CONNECT_TIMEOUT)).build())
}

fn percent_decode(text: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", text.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(subject: &str) -> email::EmailRow {
        email::EmailRow {
            id: 1,
            message_id: "<1.abc@ladder.example>".into(),
            kind: "mail_check".into(),
            to_address: "Zoë Brandt <zoe@example.com>".into(),
            from_address: "Ladder <hello@ladder.example>".into(),
            subject: subject.into(),
            text_body: "Hello in text".into(),
            html_body: "<p>Hello in HTML</p>".into(),
            status: email::EmailStatus::Queued,
            transport: None,
            job_id: None,
            created_at: models::now(),
            sent_at: None,
        }
    }

    #[tokio::test]
    async fn memory_transport_gets_a_multipart_message_with_attachments() {
        let (mailer, store) = Mailer::memory();
        let attachment = email::AttachmentRow {
            id: 1,
            email_id: 1,
            filename: "invite.ics".into(),
            content_type: "text/calendar; method=REQUEST; charset=utf-8".into(),
            content: b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".to_vec(),
        };
        assert_eq!(
            mailer
                .send(&row("Grüße from Ladder"), &[attachment])
                .await
                .unwrap(),
            "memory"
        );
        let sent = store.lock().unwrap();
        let text = String::from_utf8_lossy(&sent[0]);
        assert!(text.contains("multipart/mixed"), "{text}");
        assert!(text.contains("multipart/alternative"));
        assert!(text.contains("text/plain") && text.contains("text/html"));
        assert!(text.contains("invite.ics"));
        assert!(text.contains("Message-ID: <1.abc@ladder.example>"));
        // Non-ASCII subjects are encoded (RFC 2047), never sent raw.
        assert!(text.contains("Subject: =?utf-8?"), "{text}");
    }

    // The pooled transport spawns onto the runtime, so this needs one.
    #[tokio::test]
    async fn smtp_urls_are_parsed_with_their_tls_mode() {
        assert!(smtp_transport("smtp://user:p%40ss@mail.example:587").is_ok());
        assert!(smtp_transport("smtps://mail.example").is_ok());
        assert!(smtp_transport("smtp://127.0.0.1:2525?tls=none").is_ok());
        assert!(smtp_transport("smtp://mail.example?tls=sometimes").is_err());
        assert!(smtp_transport("http://mail.example").is_err());
        assert_eq!(percent_decode("p%40ss"), "p@ss");
        assert_eq!(percent_decode("a+b"), "a+b");
    }
}
