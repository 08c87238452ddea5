//! Reading the stored emails and jobs: the development mailbox, `ladder jobs`, the admin outbox.

use crate::db::DbConn;
use crate::models::{self, email, job};

pub fn recent_emails(conn: &mut DbConn, limit: i64) -> diesel::QueryResult<Vec<email::EmailRow>> {
    email::recent(conn, limit)
}

pub fn email_with_attachments(
    conn: &mut DbConn,
    id: i32,
) -> diesel::QueryResult<(email::EmailRow, Vec<email::AttachmentRow>)> {
    let message = email::find(conn, id)?;
    let attachments = email::attachments(conn, id)?;
    Ok((message, attachments))
}

pub fn attachment(
    conn: &mut DbConn,
    email_id: i32,
    id: i32,
) -> diesel::QueryResult<email::AttachmentRow> {
    email::find_attachment(conn, email_id, id)
}

pub fn list_jobs(
    conn: &mut DbConn,
    status: Option<job::JobStatus>,
    limit: i64,
) -> diesel::QueryResult<Vec<job::JobRow>> {
    job::list(conn, status, limit)
}

#[derive(Debug, PartialEq, Eq)]
pub enum RetryOutcome {
    Requeued,
    NotDead,
}

/// Puts a dead job (and its email, if it delivers one) back in the queue; an admin's retry
/// is audited.
pub fn retry_job(
    conn: &mut DbConn,
    id: i32,
    admin_id: Option<i32>,
) -> diesel::QueryResult<RetryOutcome> {
    crate::db::write_transaction(conn, |conn| {
        let row = job::find(conn, id)?;
        if job::retry(conn, id, models::now())? == 0 {
            return Ok(RetryOutcome::NotDead);
        }
        email::set_status_for_job(conn, id, email::EmailStatus::Queued)?;
        if let Some(admin) = admin_id {
            crate::models::audit::record(
                conn,
                Some(admin),
                "job.retried",
                "job",
                Some(id),
                row.kind,
            )?;
        }
        Ok(RetryOutcome::Requeued)
    })
}

/// (status, count) of jobs, for `/metrics`.
pub fn job_counts(conn: &mut DbConn) -> diesel::QueryResult<Vec<(&'static str, i64)>> {
    job::JobStatus::ALL
        .into_iter()
        .map(|s| job::count_by_status(conn, s).map(|n| (s.as_str(), n)))
        .collect()
}

/// The links in a text body, in order (the mailbox shows them as buttons).
pub fn links_in(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(|w| w.trim_start_matches(['(', '<', '"']))
        .filter(|w| w.starts_with("http://") || w.starts_with("https://"))
        .map(|w| w.trim_end_matches(['.', ',', ')', '>', '"']).to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::links_in;

    #[test]
    fn finds_links_in_text() {
        let text = "Confirm: http://127.0.0.1:8080/verify-email/abc.\nOr (https://x.example/y) now";
        assert_eq!(
            links_in(text),
            vec![
                "http://127.0.0.1:8080/verify-email/abc",
                "https://x.example/y"
            ]
        );
    }
}
