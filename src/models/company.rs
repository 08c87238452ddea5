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
    pub stripe_customer_id: Option<String>,
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

/// All companies, newest first, with their member count.
pub fn list_with_members(
    conn: &mut DbConn,
    text: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<(CompanyRow, i64)>> {
    use crate::schema::company_members;
    let mut query = companies::table
        .left_join(company_members::table)
        .group_by(companies::id)
        .select((
            companies::all_columns,
            diesel::dsl::count(company_members::id.nullable()),
        ))
        .order(companies::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(text) = text.filter(|t| !t.is_empty()) {
        query = query.filter(companies::name.like(format!("%{}%", text.replace(['%', '_'], ""))));
    }
    query.load(conn)
}

pub fn set_disabled(
    conn: &mut DbConn,
    id: i32,
    disabled: bool,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(companies::table.find(id))
        .set((
            companies::disabled_at.eq(disabled.then_some(at)),
            companies::updated_at.eq(at),
        ))
        .execute(conn)
}

/// Stores the company's Stripe customer unless one is already stored; returns the one
/// that is stored afterwards (two racing requests agree on the first).
pub fn set_stripe_customer(conn: &mut DbConn, id: i32, customer_id: &str) -> QueryResult<String> {
    diesel::update(
        companies::table
            .find(id)
            .filter(companies::stripe_customer_id.is_null()),
    )
    .set(companies::stripe_customer_id.eq(customer_id))
    .execute(conn)?;
    companies::table
        .find(id)
        .select(companies::stripe_customer_id)
        .first::<Option<String>>(conn)?
        .ok_or(diesel::result::Error::NotFound)
}

/// Companies, oldest first.
pub fn all_ordered(conn: &mut DbConn) -> QueryResult<Vec<CompanyRow>> {
    companies::table.order(companies::id.asc()).load(conn)
}
