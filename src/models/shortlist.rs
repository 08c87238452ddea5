use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::schema::shortlists;

#[derive(Debug, Clone, Queryable, Identifiable)]
#[diesel(table_name = shortlists)]
pub struct ShortlistRow {
    pub id: i32,
    pub company_id: i32,
    pub name: String,
    pub created_by: Option<i32>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = shortlists)]
pub struct NewShortlist {
    pub company_id: i32,
    pub name: String,
    pub created_by: Option<i32>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, new: &NewShortlist) -> QueryResult<ShortlistRow> {
    diesel::insert_into(shortlists::table)
        .values(new)
        .returning(shortlists::all_columns)
        .get_result(conn)
}

/// The company's list with this id; `NotFound` for anybody else's.
pub fn find_for_company(conn: &mut DbConn, company_id: i32, id: i32) -> QueryResult<ShortlistRow> {
    shortlists::table
        .filter(shortlists::id.eq(id))
        .filter(shortlists::company_id.eq(company_id))
        .first(conn)
}

/// Oldest first: the first list is where "Shortlist" adds when no list is named.
pub fn for_company(conn: &mut DbConn, company_id: i32) -> QueryResult<Vec<ShortlistRow>> {
    shortlists::table
        .filter(shortlists::company_id.eq(company_id))
        .order((shortlists::created_at.asc(), shortlists::id.asc()))
        .load(conn)
}

pub fn rename(conn: &mut DbConn, id: i32, name: &str, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(shortlists::table.find(id))
        .set((shortlists::name.eq(name), shortlists::updated_at.eq(at)))
        .execute(conn)
}

pub fn touch(conn: &mut DbConn, id: i32, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(shortlists::table.find(id))
        .set(shortlists::updated_at.eq(at))
        .execute(conn)
}

pub fn delete(conn: &mut DbConn, id: i32) -> QueryResult<usize> {
    diesel::delete(shortlists::table.find(id)).execute(conn)
}
