//! `/dev/mailbox`: every email the app has sent, readable in the browser. Development only,
//! and only from this machine: the mails hold sign-in and reset links.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use super::{AppError, PageContext};
use crate::domain::client_address::is_loopback;
use crate::services::outbox;
use crate::views::dev::{AttachmentItem, MailboxItem, MailboxPage, MessagePage};

fn ensure_development(ctx: &PageContext) -> Result<(), AppError> {
    if ctx.state.settings.environment.is_production() || !is_loopback(ctx.client_ip) {
        return Err(AppError::NotFound);
    }
    Ok(())
}

pub async fn index(ctx: PageContext) -> Result<MailboxPage, AppError> {
    ensure_development(&ctx)?;
    let rows = ctx.db(|conn| outbox::recent_emails(conn, 200)).await?;
    let messages = rows
        .into_iter()
        .map(|r| MailboxItem {
            id: r.id,
            to: r.to_address,
            subject: r.subject,
            kind: r.kind,
            status: r.status.as_str().into(),
            created_at: r.created_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        })
        .collect();
    Ok(MailboxPage {
        layout: ctx.layout("Development mailbox", ""),
        messages,
    })
}

pub async fn show(ctx: PageContext, path: web::Path<i32>) -> Result<MessagePage, AppError> {
    ensure_development(&ctx)?;
    let id = path.into_inner();
    let (message, attachments) = ctx
        .db(move |conn| outbox::email_with_attachments(conn, id))
        .await?;
    let headers = vec![
        ("From".to_owned(), message.from_address.clone()),
        ("To".to_owned(), message.to_address.clone()),
        ("Subject".to_owned(), message.subject.clone()),
        ("Message-ID".to_owned(), message.message_id.clone()),
        (
            "Date".to_owned(),
            message
                .created_at
                .format("%a, %d %b %Y %H:%M:%S +0000")
                .to_string(),
        ),
        (
            "Status".to_owned(),
            format!(
                "{} via {}",
                message.status,
                message.transport.as_deref().unwrap_or("—")
            ),
        ),
    ];
    Ok(MessagePage {
        layout: ctx.layout(&message.subject, ""),
        id,
        headers,
        links: outbox::links_in(&message.text_body),
        subject: message.subject,
        text: message.text_body,
        attachments: attachments
            .into_iter()
            .map(|a| AttachmentItem {
                id: a.id,
                size: a.content.len(),
                filename: a.filename,
                content_type: a.content_type,
            })
            .collect(),
    })
}

/// The HTML part on its own, for the sandboxed frame on the message page. Email HTML
/// relies on inline styles, so this one response gets a policy allowing them and nothing else.
pub async fn html_part(ctx: PageContext, path: web::Path<i32>) -> Result<HttpResponse, AppError> {
    ensure_development(&ctx)?;
    let id = path.into_inner();
    let (message, _) = ctx
        .db(move |conn| outbox::email_with_attachments(conn, id))
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; img-src data: 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'",
        ))
        .insert_header((header::X_FRAME_OPTIONS, "SAMEORIGIN"))
        .body(message.html_body))
}

pub async fn attachment(
    ctx: PageContext,
    path: web::Path<(i32, i32)>,
) -> Result<HttpResponse, AppError> {
    ensure_development(&ctx)?;
    let (email_id, id) = path.into_inner();
    let file = ctx
        .db(move |conn| outbox::attachment(conn, email_id, id))
        .await?;
    let safe_name: String = file
        .filename
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .collect();
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, file.content_type))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{safe_name}\""),
        ))
        .body(file.content))
}
