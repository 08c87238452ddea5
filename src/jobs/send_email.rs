//! Delivers one stored email. Idempotent: an email already sent is not sent again.

use super::worker::{JobContext, JobError};
use crate::db::DbError;
use crate::models::{self, email};

pub async fn run(ctx: &JobContext, email_id: i32) -> Result<(), JobError> {
    let (message, attachments) = ctx
        .db
        .run(move |conn| -> Result<_, DbError> {
            let message = email::find(conn, email_id)?;
            let attachments = email::attachments(conn, email_id)?;
            Ok((message, attachments))
        })
        .await?;
    if message.status == "sent" {
        return Ok(());
    }
    // The network call happens outside any transaction.
    let transport = ctx
        .mailer
        .send(&message, &attachments)
        .await
        .map_err(|e| JobError::Failed(e.to_string()))?;
    ctx.db
        .run(move |conn| {
            email::mark_sent(conn, email_id, transport, models::now()).map_err(DbError::from)
        })
        .await?;
    Ok(())
}
