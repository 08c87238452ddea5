use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::schema::company_invitations;

#[derive(Debug, Clone, Queryable, Identifiable)]
#[diesel(table_name = company_invitations)]
pub struct CompanyInvitationRow {
    pub id: i32,
    pub company_id: i32,
    pub email: String,
    pub token_hash: String,
    pub invited_by: Option<i32>,
    pub expires_at: NaiveDateTime,
    pub accepted_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = company_invitations)]
pub struct NewCompanyInvitation {
    pub company_id: i32,
    pub email: String,
    pub token_hash: String,
    pub invited_by: Option<i32>,
    pub expires_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, new: &NewCompanyInvitation) -> QueryResult<usize> {
    diesel::insert_into(company_invitations::table)
        .values(new)
        .execute(conn)
}

pub fn find_by_hash(
    conn: &mut DbConn,
    token_hash: &str,
) -> QueryResult<Option<CompanyInvitationRow>> {
    company_invitations::table
        .filter(company_invitations::token_hash.eq(token_hash))
        .first(conn)
        .optional()
}

/// Invitations still waiting for an answer, newest first.
pub fn pending_for_company(
    conn: &mut DbConn,
    company_id: i32,
    now: NaiveDateTime,
) -> QueryResult<Vec<CompanyInvitationRow>> {
    company_invitations::table
        .filter(company_invitations::company_id.eq(company_id))
        .filter(company_invitations::accepted_at.is_null())
        .filter(company_invitations::revoked_at.is_null())
        .filter(company_invitations::expires_at.gt(now))
        .order(company_invitations::id.desc())
        .load(conn)
}

/// Marks it accepted; 0 when somebody else used it first (a double click).
pub fn mark_accepted(conn: &mut DbConn, id: i32, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        company_invitations::table
            .find(id)
            .filter(company_invitations::accepted_at.is_null())
            .filter(company_invitations::revoked_at.is_null()),
    )
    .set(company_invitations::accepted_at.eq(Some(at)))
    .execute(conn)
}

/// Voids the company's open invitations to this address (a new one replaces them).
pub fn revoke_for_email(
    conn: &mut DbConn,
    company_id: i32,
    email: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        company_invitations::table
            .filter(company_invitations::company_id.eq(company_id))
            .filter(company_invitations::email.eq(email))
            .filter(company_invitations::accepted_at.is_null())
            .filter(company_invitations::revoked_at.is_null()),
    )
    .set(company_invitations::revoked_at.eq(Some(at)))
    .execute(conn)
}
