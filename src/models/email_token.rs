use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::schema::email_tokens;

#[derive(Debug, Clone, Queryable, Identifiable)]
#[diesel(table_name = email_tokens)]
pub struct EmailTokenRow {
    pub id: i32,
    pub user_id: i32,
    pub purpose: String,
    pub token_hash: String,
    pub new_email: Option<String>,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = email_tokens)]
pub struct NewEmailToken {
    pub user_id: i32,
    pub purpose: String,
    pub token_hash: String,
    pub new_email: Option<String>,
    pub expires_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, new: &NewEmailToken) -> QueryResult<usize> {
    diesel::insert_into(email_tokens::table)
        .values(new)
        .execute(conn)
}

pub fn find_by_hash(
    conn: &mut DbConn,
    purpose: &str,
    token_hash: &str,
) -> QueryResult<Option<EmailTokenRow>> {
    email_tokens::table
        .filter(email_tokens::token_hash.eq(token_hash))
        .filter(email_tokens::purpose.eq(purpose))
        .first(conn)
        .optional()
}

/// Marks the token used; returns 0 when it was already used (a concurrent click).
pub fn mark_used(conn: &mut DbConn, id: i32, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        email_tokens::table
            .find(id)
            .filter(email_tokens::used_at.is_null()),
    )
    .set(email_tokens::used_at.eq(Some(at)))
    .execute(conn)
}

/// Voids a user's outstanding tokens of one purpose (a new one was issued, or they're moot).
pub fn invalidate(
    conn: &mut DbConn,
    user_id: i32,
    purpose: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        email_tokens::table
            .filter(email_tokens::user_id.eq(user_id))
            .filter(email_tokens::purpose.eq(purpose))
            .filter(email_tokens::used_at.is_null()),
    )
    .set(email_tokens::used_at.eq(Some(at)))
    .execute(conn)
}
