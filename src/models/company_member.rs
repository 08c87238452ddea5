use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::MemberRole;
use crate::schema::company_members;

#[derive(Debug, Clone, Queryable, Identifiable)]
#[diesel(table_name = company_members)]
pub struct CompanyMemberRow {
    pub id: i32,
    pub company_id: i32,
    pub user_id: i32,
    pub role: MemberRole,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = company_members)]
pub struct NewCompanyMember {
    pub company_id: i32,
    pub user_id: i32,
    pub role: MemberRole,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, new: &NewCompanyMember) -> QueryResult<CompanyMemberRow> {
    diesel::insert_into(company_members::table)
        .values(new)
        .returning(company_members::all_columns)
        .get_result(conn)
}

/// Makes `user_id` the owner of `company_id` (sign-up and seeding).
pub fn insert_owner(
    conn: &mut DbConn,
    company_id: i32,
    user_id: i32,
    at: chrono::NaiveDateTime,
) -> QueryResult<CompanyMemberRow> {
    insert(
        conn,
        &NewCompanyMember {
            company_id,
            user_id,
            role: MemberRole::Owner,
            created_at: at,
        },
    )
}

pub fn find_by_user(conn: &mut DbConn, user_id: i32) -> QueryResult<Option<CompanyMemberRow>> {
    company_members::table
        .filter(company_members::user_id.eq(user_id))
        .first(conn)
        .optional()
}

/// A company's members with their user rows, owner first.
pub fn members_of(
    conn: &mut DbConn,
    company_id: i32,
) -> QueryResult<Vec<(CompanyMemberRow, crate::models::user::UserRow)>> {
    use crate::schema::users;
    company_members::table
        .inner_join(users::table)
        .filter(company_members::company_id.eq(company_id))
        .order((company_members::role.desc(), company_members::id.asc()))
        .select((company_members::all_columns, users::all_columns))
        .load(conn)
}

/// Members of a company with their names and addresses, owner first.
pub fn for_company(
    conn: &mut DbConn,
    company_id: i32,
) -> QueryResult<Vec<(CompanyMemberRow, String, String)>> {
    Ok(members_of(conn, company_id)?
        .into_iter()
        .map(|(member, user)| (member, user.name, user.email))
        .collect())
}

pub fn find_in_company(
    conn: &mut DbConn,
    company_id: i32,
    id: i32,
) -> QueryResult<CompanyMemberRow> {
    company_members::table
        .filter(company_members::id.eq(id))
        .filter(company_members::company_id.eq(company_id))
        .first(conn)
}

pub fn delete(conn: &mut DbConn, id: i32) -> QueryResult<usize> {
    diesel::delete(company_members::table.find(id)).execute(conn)
}
