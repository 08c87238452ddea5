use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::schema::companies;

#[derive(Debug, Clone, Queryable, Identifiable)]
#[diesel(table_name = companies)]
pub struct CompanyRow {
    pub id: i32,
    pub name: String,
    pub slug: String,
    pub time_zone: String,
    pub website: Option<String>,
    pub about: String,
    pub disabled_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = companies)]
pub struct NewCompany {
    pub name: String,
    pub slug: String,
    pub time_zone: String,
    pub website: Option<String>,
    pub about: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, new: &NewCompany) -> QueryResult<CompanyRow> {
    diesel::insert_into(companies::table)
        .values(new)
        .returning(companies::all_columns)
        .get_result(conn)
}

pub fn find_by_slug(conn: &mut DbConn, slug: &str) -> QueryResult<Option<CompanyRow>> {
    companies::table
        .filter(companies::slug.eq(slug))
        .first(conn)
        .optional()
}

pub fn find(conn: &mut DbConn, id: i32) -> QueryResult<CompanyRow> {
    companies::table.find(id).first(conn)
}

pub fn slug_taken(conn: &mut DbConn, slug: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        companies::table.filter(companies::slug.eq(slug)),
    ))
    .get_result(conn)
}
