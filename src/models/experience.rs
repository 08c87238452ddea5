use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::schema::experiences;

#[derive(Debug, Clone, Queryable, Identifiable)]
#[diesel(table_name = experiences)]
pub struct ExperienceRow {
    pub id: i32,
    pub developer_id: i32,
    pub company_name: String,
    pub title: String,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub summary: String,
    pub position: i32,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = experiences)]
pub struct NewExperience {
    pub developer_id: i32,
    pub company_name: String,
    pub title: String,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub summary: String,
    pub position: i32,
}

pub fn insert_many(conn: &mut DbConn, rows: &[NewExperience]) -> QueryResult<usize> {
    crate::insert_batch!(conn, experiences::table, rows)
}

pub fn for_developer(conn: &mut DbConn, developer_id: i32) -> QueryResult<Vec<ExperienceRow>> {
    experiences::table
        .filter(experiences::developer_id.eq(developer_id))
        .order(experiences::position.asc())
        .load(conn)
}

/// Replaces a developer's experience entries with `rows` (positions as given).
pub fn replace(conn: &mut DbConn, developer_id: i32, rows: &[NewExperience]) -> QueryResult<usize> {
    diesel::delete(experiences::table.filter(experiences::developer_id.eq(developer_id)))
        .execute(conn)?;
    if rows.is_empty() {
        return Ok(0);
    }
    insert_many(conn, rows)
}
