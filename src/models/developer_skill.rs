use diesel::prelude::*;

use crate::db::DbConn;
use crate::schema::developer_skills;

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = developer_skills)]
pub struct DeveloperSkillRow {
    pub developer_id: i32,
    pub skill_id: i32,
    pub years: i32,
}

pub fn insert_many(conn: &mut DbConn, rows: &[DeveloperSkillRow]) -> QueryResult<usize> {
    crate::insert_batch!(conn, developer_skills::table, rows)
}

pub fn for_developer(conn: &mut DbConn, developer_id: i32) -> QueryResult<Vec<DeveloperSkillRow>> {
    developer_skills::table
        .filter(developer_skills::developer_id.eq(developer_id))
        .order(developer_skills::years.desc())
        .load(conn)
}

/// Replaces a developer's skills with `rows`.
pub fn replace(
    conn: &mut DbConn,
    developer_id: i32,
    rows: &[DeveloperSkillRow],
) -> QueryResult<usize> {
    diesel::delete(developer_skills::table.filter(developer_skills::developer_id.eq(developer_id)))
        .execute(conn)?;
    if rows.is_empty() {
        return Ok(0);
    }
    insert_many(conn, rows)
}

/// (slug, name, years) of a developer's skills, most years first.
pub fn named_for_developer(
    conn: &mut DbConn,
    developer_id: i32,
) -> QueryResult<Vec<(String, String, i32)>> {
    use crate::schema::skills;
    developer_skills::table
        .inner_join(skills::table)
        .filter(developer_skills::developer_id.eq(developer_id))
        .order((developer_skills::years.desc(), skills::name.asc()))
        .select((skills::slug, skills::name, developer_skills::years))
        .load(conn)
}
