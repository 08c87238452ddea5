//! Delivers one stored email. Idempotent: an email already sent is not sent again.

use serde::Deserialize;

use super::{JobContext, JobError, Runner};
use crate::db::DbError;
use crate::models::{self, email};
use crate::queue::kind;

pub struct SendEmail;

#[derive(Debug, Deserialize)]
pub struct Payload {
    pub email_id: i32,
}

impl Runner for SendEmail {
    const KIND: &'static str = kind::SEND_EMAIL;
    type Payload = Payload;

    async fn run(&self, ctx: &JobContext, Payload { email_id }: Payload) -> Result<(), JobError> {
        let (message, attachments) = ctx
            .db
            .run(move |conn| -> Result<_, DbError> {
                let message = email::find(conn, email_id)?;
                let attachments = email::attachments(conn, email_id)?;
                Ok((message, attachments))
            })
            .await?;
        if message.status == email::EmailStatus::Sent {
            return Ok(());
        }
        // The network call happens outside any transaction.
        let transport = ctx.mailer.send(&message, &attachments).await?;
        ctx.db
            .run(move |conn| {
                email::mark_sent(conn, email_id, transport, models::now()).map_err(DbError::from)
            })
            .await?;
        Ok(())
    }
}
