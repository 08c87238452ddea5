use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::schema::users;

#[derive(Debug, Clone, Queryable, Identifiable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: i32,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub role: String,
    pub email_verified_at: Option<NaiveDateTime>,
    pub session_version: i32,
    pub disabled_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub role: String,
    pub email_verified_at: Option<NaiveDateTime>,
    pub session_version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A user row with its id chosen by the caller (bulk seeding).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = users)]
pub struct NewUserWithId {
    pub id: i32,
    #[diesel(embed)]
    pub user: NewUser,
}

pub fn insert(conn: &mut DbConn, new: &NewUser) -> QueryResult<UserRow> {
    diesel::insert_into(users::table)
        .values(new)
        .returning(users::all_columns)
        .get_result(conn)
}

pub fn find(conn: &mut DbConn, id: i32) -> QueryResult<UserRow> {
    users::table.find(id).first(conn)
}

pub fn find_by_email(conn: &mut DbConn, email: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(users::email.eq(email))
        .first(conn)
        .optional()
}

pub fn max_id(conn: &mut DbConn) -> QueryResult<i32> {
    users::table
        .select(diesel::dsl::max(users::id))
        .first::<Option<i32>>(conn)
        .map(|m| m.unwrap_or(0))
}

/// Makes `user_id` an admin with a new password; ends their other sessions.
pub fn promote_to_admin(
    conn: &mut DbConn,
    user_id: i32,
    password_hash: &str,
    at: NaiveDateTime,
) -> QueryResult<UserRow> {
    diesel::update(users::table.find(user_id))
        .set((
            users::role.eq("admin"),
            users::password_hash.eq(password_hash),
            users::email_verified_at.eq(Some(at)),
            users::session_version.eq(users::session_version + 1),
            users::updated_at.eq(at),
        ))
        .returning(users::all_columns)
        .get_result(conn)
}
