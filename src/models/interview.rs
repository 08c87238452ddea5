use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::InterviewStatus;
use crate::schema::interviews;

#[derive(Debug, Clone, Queryable, Identifiable)]
#[diesel(table_name = interviews)]
pub struct InterviewRow {
    pub id: i32,
    pub company_id: i32,
    pub developer_id: i32,
    pub organizer_id: Option<i32>,
    pub uid: String,
    pub status: InterviewStatus,
    pub sequence: i32,
    pub duration_minutes: i32,
    pub time_zone: String,
    pub meeting_url: Option<String>,
    pub message: String,
    pub starts_at: Option<NaiveDateTime>,
    pub decline_reason: Option<String>,
    pub cancel_reason: Option<String>,
    pub invite_sent_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = interviews)]
pub struct NewInterview {
    pub company_id: i32,
    pub developer_id: i32,
    pub organizer_id: Option<i32>,
    pub uid: String,
    pub status: InterviewStatus,
    pub sequence: i32,
    pub duration_minutes: i32,
    pub time_zone: String,
    pub meeting_url: Option<String>,
    pub message: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, new: &NewInterview) -> QueryResult<InterviewRow> {
    diesel::insert_into(interviews::table)
        .values(new)
        .returning(interviews::all_columns)
        .get_result(conn)
}

pub fn find(conn: &mut DbConn, id: i32) -> QueryResult<InterviewRow> {
    interviews::table.find(id).first(conn)
}

pub fn find_for_company(conn: &mut DbConn, company_id: i32, id: i32) -> QueryResult<InterviewRow> {
    interviews::table
        .filter(interviews::id.eq(id))
        .filter(interviews::company_id.eq(company_id))
        .first(conn)
}

pub fn find_for_developer(
    conn: &mut DbConn,
    developer_id: i32,
    id: i32,
) -> QueryResult<InterviewRow> {
    interviews::table
        .filter(interviews::id.eq(id))
        .filter(interviews::developer_id.eq(developer_id))
        .first(conn)
}

pub fn for_company(conn: &mut DbConn, company_id: i32) -> QueryResult<Vec<InterviewRow>> {
    interviews::table
        .filter(interviews::company_id.eq(company_id))
        .order(interviews::id.desc())
        .load(conn)
}

pub fn for_developer(conn: &mut DbConn, developer_id: i32) -> QueryResult<Vec<InterviewRow>> {
    interviews::table
        .filter(interviews::developer_id.eq(developer_id))
        .order(interviews::id.desc())
        .load(conn)
}

/// Moves the interview from `from` to a new state; returns 0 when it was no longer in
/// `from` (a concurrent or repeated click), so each transition happens once.
pub fn transition(
    conn: &mut DbConn,
    id: i32,
    from: InterviewStatus,
    changes: &Transition,
) -> QueryResult<usize> {
    diesel::update(
        interviews::table
            .filter(interviews::id.eq(id))
            .filter(interviews::status.eq(from)),
    )
    .set(changes)
    .execute(conn)
}

#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = interviews)]
pub struct Transition {
    pub status: InterviewStatus,
    pub sequence: i32,
    pub starts_at: Option<NaiveDateTime>,
    pub duration_minutes: i32,
    pub time_zone: String,
    pub meeting_url: Option<Option<String>>,
    pub message: String,
    pub decline_reason: Option<Option<String>>,
    pub cancel_reason: Option<Option<String>>,
    pub invite_sent_at: Option<Option<NaiveDateTime>>,
    pub updated_at: NaiveDateTime,
}

impl Transition {
    /// The row's current values, to change from.
    pub fn from_row(row: &InterviewRow, status: InterviewStatus, at: NaiveDateTime) -> Self {
        Transition {
            status,
            sequence: row.sequence,
            starts_at: row.starts_at,
            duration_minutes: row.duration_minutes,
            time_zone: row.time_zone.clone(),
            meeting_url: Some(row.meeting_url.clone()),
            message: row.message.clone(),
            decline_reason: Some(row.decline_reason.clone()),
            cancel_reason: Some(row.cancel_reason.clone()),
            invite_sent_at: Some(row.invite_sent_at),
            updated_at: at,
        }
    }
}
