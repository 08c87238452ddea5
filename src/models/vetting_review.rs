use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::{ReviewOutcome, VettingStage};
use crate::schema::vetting_reviews;

/// One stage of a developer's vetting. `notes` are private to admins; `summary` is what
/// companies see on the profile.
#[derive(Debug, Clone, Queryable, Identifiable)]
#[diesel(table_name = vetting_reviews)]
pub struct VettingReviewRow {
    pub id: i32,
    pub developer_id: i32,
    pub stage: VettingStage,
    pub reviewer_id: Option<i32>,
    pub score: Option<i32>,
    pub notes: String,
    pub summary: String,
    pub outcome: ReviewOutcome,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub completed_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = vetting_reviews)]
pub struct NewVettingReview {
    pub developer_id: i32,
    pub stage: VettingStage,
    pub reviewer_id: Option<i32>,
    pub score: Option<i32>,
    pub notes: String,
    pub summary: String,
    pub outcome: ReviewOutcome,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub completed_at: Option<NaiveDateTime>,
}

pub fn insert_many(conn: &mut DbConn, rows: &[NewVettingReview]) -> QueryResult<usize> {
    crate::insert_batch!(conn, vetting_reviews::table, rows)
}

/// Completed, passed stages of one developer, in stage order: the evidence companies see.
pub fn passed_for_developer(
    conn: &mut DbConn,
    developer_id: i32,
) -> QueryResult<Vec<VettingReviewRow>> {
    let mut rows: Vec<VettingReviewRow> = vetting_reviews::table
        .filter(vetting_reviews::developer_id.eq(developer_id))
        .filter(vetting_reviews::outcome.eq(ReviewOutcome::Passed))
        .load(conn)?;
    rows.sort_by_key(|r| r.stage);
    Ok(rows)
}

pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    vetting_reviews::table.count().get_result(conn)
}

/// All reviews of one developer (any outcome), in stage order.
pub fn for_developer(conn: &mut DbConn, developer_id: i32) -> QueryResult<Vec<VettingReviewRow>> {
    let mut rows: Vec<VettingReviewRow> = vetting_reviews::table
        .filter(vetting_reviews::developer_id.eq(developer_id))
        .load(conn)?;
    rows.sort_by_key(|r| r.stage);
    Ok(rows)
}

pub fn insert(conn: &mut DbConn, row: &NewVettingReview) -> QueryResult<usize> {
    diesel::insert_into(vetting_reviews::table)
        .values(row)
        .execute(conn)
}

/// A re-application starts the stages afresh.
pub fn delete_for_developer(conn: &mut DbConn, developer_id: i32) -> QueryResult<usize> {
    diesel::delete(vetting_reviews::table.filter(vetting_reviews::developer_id.eq(developer_id)))
        .execute(conn)
}

/// (developer, stage) of every passed stage review: how far each application got.
pub fn passed_stages(conn: &mut DbConn) -> QueryResult<Vec<(i32, VettingStage)>> {
    vetting_reviews::table
        .filter(vetting_reviews::outcome.eq(ReviewOutcome::Passed))
        .select((vetting_reviews::developer_id, vetting_reviews::stage))
        .load(conn)
}

/// How many completed stage reviews of approved developers gave each score (1 to 5):
/// at most five rows, whatever the number of developers.
pub fn score_counts_of_approved(conn: &mut DbConn) -> QueryResult<Vec<(i32, i64)>> {
    use crate::schema::developers;
    vetting_reviews::table
        .inner_join(developers::table)
        .filter(developers::status.eq(crate::domain::DeveloperStatus::Approved))
        .filter(vetting_reviews::outcome.ne(ReviewOutcome::Pending))
        .filter(vetting_reviews::score.is_not_null())
        .group_by(vetting_reviews::score)
        .select((
            vetting_reviews::score.assume_not_null(),
            diesel::dsl::count_star(),
        ))
        .load(conn)
}
