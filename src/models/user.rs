use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::Role;
use crate::schema::users;

#[derive(Debug, Clone, Queryable, Identifiable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: i32,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub role: Role,
    pub email_verified_at: Option<NaiveDateTime>,
    pub session_version: i32,
    pub disabled_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub role: Role,
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
            users::role.eq(Role::Admin),
            users::password_hash.eq(password_hash),
            users::email_verified_at.eq(Some(at)),
            users::session_version.eq(users::session_version + 1),
            users::updated_at.eq(at),
        ))
        .returning(users::all_columns)
        .get_result(conn)
}

/// A user who has not deleted their account.
pub fn find_active_by_email(conn: &mut DbConn, email: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(users::email.eq(email))
        .filter(users::deleted_at.is_null())
        .first(conn)
        .optional()
}

pub fn mark_email_verified(conn: &mut DbConn, id: i32, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        users::table
            .find(id)
            .filter(users::email_verified_at.is_null()),
    )
    .set((
        users::email_verified_at.eq(Some(at)),
        users::updated_at.eq(at),
    ))
    .execute(conn)
}

/// New password; bumps the session version so every other session ends. Returns the new version.
pub fn set_password(
    conn: &mut DbConn,
    id: i32,
    password_hash: &str,
    at: NaiveDateTime,
) -> QueryResult<i32> {
    diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(password_hash),
            users::session_version.eq(users::session_version + 1),
            users::updated_at.eq(at),
        ))
        .returning(users::session_version)
        .get_result(conn)
}

pub fn set_name(conn: &mut DbConn, id: i32, name: &str, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((users::name.eq(name), users::updated_at.eq(at)))
        .execute(conn)
}

/// A confirmed new address: verified by the click that confirmed it.
pub fn set_email(conn: &mut DbConn, id: i32, email: &str, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((
            users::email.eq(email),
            users::email_verified_at.eq(Some(at)),
            users::updated_at.eq(at),
        ))
        .execute(conn)
}

/// Ends every session of the user (disable, delete, reset).
pub fn bump_session_version(conn: &mut DbConn, id: i32, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((
            users::session_version.eq(users::session_version + 1),
            users::updated_at.eq(at),
        ))
        .execute(conn)
}

pub fn set_disabled(
    conn: &mut DbConn,
    id: i32,
    disabled: bool,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((
            users::disabled_at.eq(disabled.then_some(at)),
            users::session_version.eq(users::session_version + 1),
            users::updated_at.eq(at),
        ))
        .execute(conn)
}

/// Deleting an account keeps the row (invoices and engagements point at it) but removes
/// what identifies the person and makes it impossible to sign in.
pub fn anonymise(conn: &mut DbConn, id: i32, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((
            users::email.eq(format!("deleted-user-{id}@deleted.invalid")),
            users::name.eq("Deleted user"),
            users::password_hash.eq("!deleted"),
            users::session_version.eq(users::session_version + 1),
            users::deleted_at.eq(Some(at)),
            users::disabled_at.eq(Some(at)),
            users::updated_at.eq(at),
        ))
        .execute(conn)
}

/// Admins who can receive mail (not disabled, not deleted).
pub fn admins(conn: &mut DbConn) -> QueryResult<Vec<UserRow>> {
    users::table
        .filter(users::role.eq(Role::Admin))
        .filter(users::disabled_at.is_null())
        .filter(users::deleted_at.is_null())
        .order(users::id.asc())
        .load(conn)
}
