use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::schema::audit_log;

#[derive(Debug, Clone, Queryable, Identifiable)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    pub id: i32,
    pub actor_id: Option<i32>,
    pub action: String,
    pub subject_type: String,
    pub subject_id: Option<i32>,
    pub details: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = audit_log)]
pub struct NewAudit {
    pub actor_id: Option<i32>,
    pub action: String,
    pub subject_type: String,
    pub subject_id: Option<i32>,
    pub details: String,
    pub created_at: NaiveDateTime,
}

/// Records who did what to what; call it in the same transaction as the change.
pub fn record(
    conn: &mut DbConn,
    actor_id: Option<i32>,
    action: &str,
    subject_type: &str,
    subject_id: Option<i32>,
    details: impl Into<String>,
) -> QueryResult<usize> {
    diesel::insert_into(audit_log::table)
        .values(&NewAudit {
            actor_id,
            action: action.into(),
            subject_type: subject_type.into(),
            subject_id,
            details: details.into(),
            created_at: crate::models::now(),
        })
        .execute(conn)
}

#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub subject_type: Option<String>,
    pub actor_id: Option<i32>,
}

/// Newest first, with the actor's email when there is one.
pub fn list(
    conn: &mut DbConn,
    filter: &AuditFilter,
    limit: i64,
    offset: i64,
) -> QueryResult<Vec<(AuditRow, Option<String>)>> {
    use crate::schema::users;
    let mut query = audit_log::table
        .left_join(users::table.on(users::id.nullable().eq(audit_log::actor_id)))
        .select((audit_log::all_columns, users::email.nullable()))
        .order(audit_log::id.desc())
        .limit(limit)
        .offset(offset)
        .into_boxed();
    if let Some(action) = &filter.action {
        query = query.filter(audit_log::action.eq(action.clone()));
    }
    if let Some(subject) = &filter.subject_type {
        query = query.filter(audit_log::subject_type.eq(subject.clone()));
    }
    if let Some(actor) = filter.actor_id {
        query = query.filter(audit_log::actor_id.eq(actor));
    }
    query.load(conn)
}

pub fn for_subject(
    conn: &mut DbConn,
    subject_type: &str,
    subject_id: i32,
) -> QueryResult<Vec<AuditRow>> {
    audit_log::table
        .filter(audit_log::subject_type.eq(subject_type))
        .filter(audit_log::subject_id.eq(subject_id))
        .order(audit_log::id.desc())
        .load(conn)
}
