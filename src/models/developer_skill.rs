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
