use diesel::prelude::*;

use crate::db::DbConn;
use crate::schema::skills;

#[derive(Debug, Clone, Queryable, Identifiable)]
#[diesel(table_name = skills)]
pub struct SkillRow {
    pub id: i32,
    pub slug: String,
    pub name: String,
    pub category: String,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = skills)]
pub struct NewSkill {
    pub slug: String,
    pub name: String,
    pub category: String,
}

pub fn all(conn: &mut DbConn) -> QueryResult<Vec<SkillRow>> {
    skills::table.order(skills::name.asc()).load(conn)
}

pub fn insert(conn: &mut DbConn, new: &NewSkill) -> QueryResult<SkillRow> {
    diesel::insert_into(skills::table)
        .values(new)
        .returning(skills::all_columns)
        .get_result(conn)
}
