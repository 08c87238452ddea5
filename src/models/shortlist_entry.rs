use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::schema::{developers, shortlist_entries, shortlists};

#[derive(Debug, Clone, Queryable, Identifiable)]
#[diesel(table_name = shortlist_entries)]
pub struct ShortlistEntryRow {
    pub id: i32,
    pub shortlist_id: i32,
    pub developer_id: i32,
    pub note: String,
    pub added_by: Option<i32>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = shortlist_entries)]
pub struct NewShortlistEntry {
    pub shortlist_id: i32,
    pub developer_id: i32,
    pub note: String,
    pub added_by: Option<i32>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, new: &NewShortlistEntry) -> QueryResult<usize> {
    diesel::insert_into(shortlist_entries::table)
        .values(new)
        .execute(conn)
}

pub fn find(
    conn: &mut DbConn,
    shortlist_id: i32,
    developer_id: i32,
) -> QueryResult<Option<ShortlistEntryRow>> {
    shortlist_entries::table
        .filter(shortlist_entries::shortlist_id.eq(shortlist_id))
        .filter(shortlist_entries::developer_id.eq(developer_id))
        .first(conn)
        .optional()
}

pub fn find_in_list(
    conn: &mut DbConn,
    shortlist_id: i32,
    id: i32,
) -> QueryResult<ShortlistEntryRow> {
    shortlist_entries::table
        .filter(shortlist_entries::id.eq(id))
        .filter(shortlist_entries::shortlist_id.eq(shortlist_id))
        .first(conn)
}

/// Entries of a list in the order they were added.
pub fn for_list(conn: &mut DbConn, shortlist_id: i32) -> QueryResult<Vec<ShortlistEntryRow>> {
    shortlist_entries::table
        .filter(shortlist_entries::shortlist_id.eq(shortlist_id))
        .order((
            shortlist_entries::created_at.asc(),
            shortlist_entries::id.asc(),
        ))
        .load(conn)
}

pub fn count_for_list(conn: &mut DbConn, shortlist_id: i32) -> QueryResult<i64> {
    shortlist_entries::table
        .filter(shortlist_entries::shortlist_id.eq(shortlist_id))
        .count()
        .get_result(conn)
}

/// (shortlist id, developer slug) of every entry the company has for these developers.
pub fn memberships(
    conn: &mut DbConn,
    company_id: i32,
    slugs: &[String],
) -> QueryResult<Vec<(i32, String)>> {
    shortlist_entries::table
        .inner_join(shortlists::table)
        .inner_join(developers::table)
        .filter(shortlists::company_id.eq(company_id))
        .filter(developers::slug.eq_any(slugs))
        .select((shortlist_entries::shortlist_id, developers::slug))
        .load(conn)
}

pub fn set_note(conn: &mut DbConn, id: i32, note: &str, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(shortlist_entries::table.find(id))
        .set((
            shortlist_entries::note.eq(note),
            shortlist_entries::updated_at.eq(at),
        ))
        .execute(conn)
}

pub fn delete(conn: &mut DbConn, id: i32) -> QueryResult<usize> {
    diesel::delete(shortlist_entries::table.find(id)).execute(conn)
}

/// Every developer on any of the company's shortlists, once each.
pub fn developers_for_company(
    conn: &mut DbConn,
    company_id: i32,
) -> QueryResult<Vec<crate::models::developer::DeveloperRow>> {
    let ids: Vec<i32> = shortlist_entries::table
        .inner_join(shortlists::table)
        .filter(shortlists::company_id.eq(company_id))
        .select(shortlist_entries::developer_id)
        .distinct()
        .load(conn)?;
    developers::table
        .filter(developers::id.eq_any(ids))
        .order(developers::first_name.asc())
        .load(conn)
}
