use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::schema::{email_attachments, emails};

/// Whether a stored email went out: `queued` until its job delivers it (and again when an
/// admin retries the job), `sent`, or `dead` when its job gave up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EmailStatus {
    Queued,
    Sent,
    Dead,
}

impl EmailStatus {
    pub const ALL: [EmailStatus; 3] = [EmailStatus::Queued, EmailStatus::Sent, EmailStatus::Dead];

    pub fn as_str(self) -> &'static str {
        match self {
            EmailStatus::Queued => "queued",
            EmailStatus::Sent => "sent",
            EmailStatus::Dead => "dead",
        }
    }
}

impl std::fmt::Display for EmailStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for EmailStatus {
    type Err = crate::domain::ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EmailStatus::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| crate::domain::ParseError::new(format!("unknown email status `{s}`")))
    }
}

#[derive(Debug, Clone, Queryable, Identifiable)]
#[diesel(table_name = emails)]
pub struct EmailRow {
    pub id: i32,
    pub message_id: String,
    pub kind: String,
    pub to_address: String,
    pub from_address: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub status: EmailStatus,
    pub transport: Option<String>,
    pub job_id: Option<i32>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = emails)]
pub struct NewEmail {
    pub message_id: String,
    pub kind: String,
    pub to_address: String,
    pub from_address: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub status: EmailStatus,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Identifiable)]
#[diesel(table_name = email_attachments)]
pub struct AttachmentRow {
    pub id: i32,
    pub email_id: i32,
    pub filename: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = email_attachments)]
pub struct NewAttachment {
    pub email_id: i32,
    pub filename: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

pub fn insert(conn: &mut DbConn, new: &NewEmail) -> QueryResult<EmailRow> {
    diesel::insert_into(emails::table)
        .values(new)
        .returning(emails::all_columns)
        .get_result(conn)
}

pub fn insert_attachment(conn: &mut DbConn, new: &NewAttachment) -> QueryResult<usize> {
    diesel::insert_into(email_attachments::table)
        .values(new)
        .execute(conn)
}

pub fn set_job(conn: &mut DbConn, id: i32, job_id: i32) -> QueryResult<usize> {
    diesel::update(emails::table.find(id))
        .set(emails::job_id.eq(Some(job_id)))
        .execute(conn)
}

pub fn find(conn: &mut DbConn, id: i32) -> QueryResult<EmailRow> {
    emails::table.find(id).first(conn)
}

pub fn attachments(conn: &mut DbConn, email_id: i32) -> QueryResult<Vec<AttachmentRow>> {
    email_attachments::table
        .filter(email_attachments::email_id.eq(email_id))
        .order(email_attachments::id.asc())
        .load(conn)
}

pub fn find_attachment(conn: &mut DbConn, email_id: i32, id: i32) -> QueryResult<AttachmentRow> {
    email_attachments::table
        .filter(email_attachments::email_id.eq(email_id))
        .filter(email_attachments::id.eq(id))
        .first(conn)
}

/// Newest first.
pub fn recent(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<EmailRow>> {
    emails::table
        .order(emails::id.desc())
        .limit(limit)
        .load(conn)
}

/// Messages sent to `address`, newest first.
pub fn for_recipient(conn: &mut DbConn, address: &str) -> QueryResult<Vec<EmailRow>> {
    emails::table
        .filter(emails::to_address.eq(address))
        .order(emails::id.desc())
        .load(conn)
}

pub fn mark_sent(
    conn: &mut DbConn,
    id: i32,
    transport: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(emails::table.find(id))
        .set((
            emails::status.eq(EmailStatus::Sent),
            emails::transport.eq(Some(transport)),
            emails::sent_at.eq(Some(now)),
        ))
        .execute(conn)
}

pub fn set_status_for_job(
    conn: &mut DbConn,
    job_id: i32,
    status: EmailStatus,
) -> QueryResult<usize> {
    diesel::update(
        emails::table
            .filter(emails::job_id.eq(Some(job_id)))
            .filter(emails::status.ne(EmailStatus::Sent)),
    )
    .set(emails::status.eq(status))
    .execute(conn)
}

#[cfg(test)]
mod tests {
    use super::EmailStatus;

    #[test]
    fn email_statuses_round_trip_the_stored_strings() {
        for s in EmailStatus::ALL {
            assert_eq!(s.as_str().parse::<EmailStatus>().unwrap(), s);
        }
        let stored: Vec<&str> = EmailStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(stored, ["queued", "sent", "dead"]);
        assert!("bounced".parse::<EmailStatus>().is_err());
    }
}
