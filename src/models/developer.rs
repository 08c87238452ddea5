use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::{CommitmentOffer, DeveloperStatus, Level, VettingStage};
use crate::schema::developers;

#[derive(Debug, Clone, Queryable, Identifiable)]
#[diesel(table_name = developers)]
pub struct DeveloperRow {
    pub id: i32,
    pub user_id: i32,
    pub slug: String,
    pub first_name: String,
    pub last_name: String,
    pub headline: String,
    pub bio: String,
    pub country_code: String,
    pub time_zone: String,
    pub years_experience: i32,
    pub commitment: CommitmentOffer,
    pub level: Option<Level>,
    pub status: DeveloperStatus,
    pub vetting_stage: Option<VettingStage>,
    pub published_at: Option<NaiveDateTime>,
    pub paused_reason: Option<String>,
    pub available_from: Option<NaiveDate>,
    pub availability_confirmed_at: Option<NaiveDateTime>,
    pub github_url: Option<String>,
    pub linkedin_url: Option<String>,
    pub website_url: Option<String>,
    pub avatar_path: Option<String>,
    pub submitted_at: Option<NaiveDateTime>,
    pub decided_at: Option<NaiveDateTime>,
    pub rejection_reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub availability_reminded_at: Option<NaiveDateTime>,
}

/// Whether the row's profile appears in the catalog at `now` (the rule:
/// [`crate::domain::profile::is_listed`]).
pub fn is_listed(d: &DeveloperRow, now: NaiveDateTime) -> bool {
    crate::domain::profile::is_listed(
        d.status == DeveloperStatus::Approved,
        d.published_at,
        d.availability_confirmed_at,
        now,
    )
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = developers)]
pub struct NewDeveloper {
    pub user_id: i32,
    pub slug: String,
    pub first_name: String,
    pub last_name: String,
    pub headline: String,
    pub bio: String,
    pub country_code: String,
    pub time_zone: String,
    pub years_experience: i32,
    pub commitment: CommitmentOffer,
    pub level: Option<Level>,
    pub status: DeveloperStatus,
    pub vetting_stage: Option<VettingStage>,
    pub published_at: Option<NaiveDateTime>,
    pub available_from: Option<NaiveDate>,
    pub availability_confirmed_at: Option<NaiveDateTime>,
    pub github_url: Option<String>,
    pub linkedin_url: Option<String>,
    pub website_url: Option<String>,
    pub submitted_at: Option<NaiveDateTime>,
    pub decided_at: Option<NaiveDateTime>,
    pub rejection_reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A profile with its id chosen by the caller (bulk seeding).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = developers)]
pub struct NewDeveloperWithId {
    pub id: i32,
    #[diesel(embed)]
    pub profile: NewDeveloper,
    /// A generated monogram (demo developers).
    pub avatar_path: Option<String>,
}

pub fn insert_many(conn: &mut DbConn, rows: &[NewDeveloperWithId]) -> QueryResult<usize> {
    crate::insert_batch!(conn, developers::table, rows)
}

/// The profile lookup (also explained by `ladder catalog explain`).
pub fn by_slug(
    slug: &str,
) -> diesel::dsl::Filter<developers::table, diesel::dsl::Eq<developers::slug, &str>> {
    developers::table.filter(developers::slug.eq(slug))
}

/// Any developer's slug (the lowest id), for tools that need an example.
pub fn first_slug(conn: &mut DbConn) -> QueryResult<Option<String>> {
    developers::table
        .order(developers::id.asc())
        .select(developers::slug)
        .first(conn)
        .optional()
}

pub fn find_by_slug(conn: &mut DbConn, slug: &str) -> QueryResult<Option<DeveloperRow>> {
    by_slug(slug).first(conn).optional()
}

pub fn max_id(conn: &mut DbConn) -> QueryResult<i32> {
    developers::table
        .select(diesel::dsl::max(developers::id))
        .first::<Option<i32>>(conn)
        .map(|m| m.unwrap_or(0))
}

/// The slugs among `candidates` that already exist.
pub fn existing_slugs(conn: &mut DbConn, candidates: &[String]) -> QueryResult<Vec<String>> {
    developers::table
        .filter(developers::slug.eq_any(candidates))
        .select(developers::slug)
        .load(conn)
}

pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    developers::table.count().get_result(conn)
}

pub fn insert(conn: &mut DbConn, row: &NewDeveloper) -> QueryResult<DeveloperRow> {
    diesel::insert_into(developers::table)
        .values(row)
        .returning(developers::all_columns)
        .get_result(conn)
}

pub fn find_by_user(conn: &mut DbConn, user_id: i32) -> QueryResult<Option<DeveloperRow>> {
    developers::table
        .filter(developers::user_id.eq(user_id))
        .first(conn)
        .optional()
}

pub fn id_for_user(conn: &mut DbConn, user_id: i32) -> QueryResult<Option<i32>> {
    developers::table
        .filter(developers::user_id.eq(user_id))
        .select(developers::id)
        .first(conn)
        .optional()
}

pub fn slug_taken(conn: &mut DbConn, slug: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        developers::table.filter(developers::slug.eq(slug)),
    ))
    .get_result(conn)
}

/// Takes a deleted account's profile out of the catalog and drops what identifies the person.
pub fn anonymise(conn: &mut DbConn, id: i32, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(developers::table.find(id))
        .set((
            developers::first_name.eq("Former"),
            developers::last_name.eq("developer"),
            developers::headline.eq(""),
            developers::bio.eq(""),
            developers::published_at.eq(None::<NaiveDateTime>),
            developers::github_url.eq(None::<String>),
            developers::linkedin_url.eq(None::<String>),
            developers::website_url.eq(None::<String>),
            developers::avatar_path.eq(None::<String>),
            developers::paused_reason.eq(Some("Account deleted")),
            developers::updated_at.eq(at),
        ))
        .execute(conn)
}

/// The fields a developer edits on `/me/profile`.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = developers, treat_none_as_null = true)]
pub struct ProfileChanges {
    pub headline: String,
    pub bio: String,
    pub country_code: String,
    pub time_zone: String,
    pub years_experience: i32,
    pub commitment: CommitmentOffer,
    pub available_from: Option<NaiveDate>,
    pub github_url: Option<String>,
    pub linkedin_url: Option<String>,
    pub website_url: Option<String>,
    pub updated_at: NaiveDateTime,
}

pub fn find(conn: &mut DbConn, id: i32) -> QueryResult<DeveloperRow> {
    developers::table.find(id).first(conn)
}

pub fn update_profile(conn: &mut DbConn, id: i32, changes: &ProfileChanges) -> QueryResult<usize> {
    diesel::update(developers::table.find(id))
        .set(changes)
        .execute(conn)
}

pub fn set_avatar(
    conn: &mut DbConn,
    id: i32,
    path: Option<&str>,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(developers::table.find(id))
        .set((
            developers::avatar_path.eq(path),
            developers::updated_at.eq(at),
        ))
        .execute(conn)
}

/// The developer confirms they are available: the 30-day clock restarts.
pub fn confirm_availability(conn: &mut DbConn, id: i32, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(developers::table.find(id))
        .set((
            developers::availability_confirmed_at.eq(Some(at)),
            developers::availability_reminded_at.eq(None::<NaiveDateTime>),
            developers::updated_at.eq(at),
        ))
        .execute(conn)
}

/// Vetting state changes, applied together.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = developers)]
pub struct VettingChanges {
    pub status: Option<DeveloperStatus>,
    pub vetting_stage: Option<Option<VettingStage>>,
    pub level: Option<Option<Level>>,
    pub published_at: Option<Option<NaiveDateTime>>,
    pub paused_reason: Option<Option<String>>,
    pub submitted_at: Option<Option<NaiveDateTime>>,
    pub decided_at: Option<Option<NaiveDateTime>>,
    pub rejection_reason: Option<Option<String>>,
    pub availability_confirmed_at: Option<Option<NaiveDateTime>>,
    pub updated_at: Option<NaiveDateTime>,
}

pub fn apply_vetting(conn: &mut DbConn, id: i32, changes: &VettingChanges) -> QueryResult<usize> {
    diesel::update(developers::table.find(id))
        .set(changes)
        .execute(conn)
}

/// The vetting queue: applicants in one status/stage, oldest submission first.
pub fn queue(
    conn: &mut DbConn,
    status: DeveloperStatus,
    stage: Option<VettingStage>,
    search: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<DeveloperRow>> {
    let mut query = developers::table
        .filter(developers::status.eq(status))
        .order((developers::submitted_at.asc(), developers::id.asc()))
        .limit(limit)
        .into_boxed();
    if let Some(stage) = stage {
        query = query.filter(developers::vetting_stage.eq(stage));
    }
    if let Some(text) = search.filter(|t| !t.is_empty()) {
        let pattern = format!("%{}%", text.replace(['%', '_'], ""));
        query = query.filter(
            developers::first_name
                .concat(" ")
                .concat(developers::last_name)
                .like(pattern.clone())
                .or(developers::headline.like(pattern)),
        );
    }
    query.load(conn)
}

/// Admin list of developers with optional filters, newest first.
pub fn search_admin(
    conn: &mut DbConn,
    status: Option<DeveloperStatus>,
    level: Option<Level>,
    text: Option<&str>,
    limit: i64,
    offset: i64,
) -> QueryResult<Vec<DeveloperRow>> {
    let mut query = developers::table
        .order(developers::id.desc())
        .limit(limit)
        .offset(offset)
        .into_boxed();
    if let Some(status) = status {
        query = query.filter(developers::status.eq(status));
    }
    if let Some(level) = level {
        query = query.filter(developers::level.eq(level));
    }
    if let Some(text) = text.filter(|t| !t.is_empty()) {
        let pattern = format!("%{}%", text.replace(['%', '_'], ""));
        query = query.filter(
            developers::first_name
                .concat(" ")
                .concat(developers::last_name)
                .like(pattern.clone())
                .or(developers::slug.like(pattern)),
        );
    }
    query.load(conn)
}

/// (status, vetting stage, count) over all developers.
pub fn count_by_stage(
    conn: &mut DbConn,
) -> QueryResult<Vec<(DeveloperStatus, Option<VettingStage>, i64)>> {
    developers::table
        .group_by((developers::status, developers::vetting_stage))
        .select((
            developers::status,
            developers::vetting_stage,
            diesel::dsl::count_star(),
        ))
        .load(conn)
}

/// (level, count) of published approved profiles.
pub fn published_per_level(conn: &mut DbConn) -> QueryResult<Vec<(Option<Level>, i64)>> {
    developers::table
        .filter(developers::status.eq(DeveloperStatus::Approved))
        .filter(developers::published_at.is_not_null())
        .group_by(developers::level)
        .select((developers::level, diesel::dsl::count_star()))
        .load(conn)
}

/// (status, count) of decisions since `since`.
pub fn decisions_since(
    conn: &mut DbConn,
    since: NaiveDateTime,
) -> QueryResult<Vec<(DeveloperStatus, i64)>> {
    developers::table
        .filter(developers::decided_at.ge(since))
        .group_by(developers::status)
        .select((developers::status, diesel::dsl::count_star()))
        .load(conn)
}

/// Approved developers whose confirmation is older than `before` and who were not yet reminded.
pub fn due_for_reminder(
    conn: &mut DbConn,
    before: NaiveDateTime,
) -> QueryResult<Vec<DeveloperRow>> {
    developers::table
        .filter(developers::status.eq(DeveloperStatus::Approved))
        .filter(developers::availability_confirmed_at.lt(before))
        .filter(developers::availability_reminded_at.is_null())
        .load(conn)
}

pub fn mark_reminded(conn: &mut DbConn, id: i32, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(developers::table.find(id))
        .set(developers::availability_reminded_at.eq(Some(at)))
        .execute(conn)
}

/// Sets when the developer is available (`None`: not available); bumps `updated_at` so
/// every catalog process notices.
pub fn set_available_from(
    conn: &mut DbConn,
    id: i32,
    from: Option<chrono::NaiveDate>,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(developers::table.find(id))
        .set((
            developers::available_from.eq(from),
            developers::updated_at.eq(at),
        ))
        .execute(conn)
}

/// The first `limit` approved, published developers by id (demo data picks from them).
pub fn approved_sample(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<DeveloperRow>> {
    developers::table
        .filter(developers::status.eq(DeveloperStatus::Approved))
        .filter(developers::published_at.is_not_null())
        .order(developers::id.asc())
        .limit(limit)
        .load(conn)
}

pub fn find_by_user_email(conn: &mut DbConn, email: &str) -> QueryResult<Option<DeveloperRow>> {
    use crate::schema::users;
    developers::table
        .inner_join(users::table)
        .filter(users::email.eq(email))
        .select(developers::all_columns)
        .first(conn)
        .optional()
}

/// Published approved profiles whose availability was last confirmed before `cutoff`, or
/// never: the catalog hides them until the developer confirms again.
pub fn published_unconfirmed_before(conn: &mut DbConn, cutoff: NaiveDateTime) -> QueryResult<i64> {
    developers::table
        .filter(developers::status.eq(DeveloperStatus::Approved))
        .filter(developers::published_at.is_not_null())
        .filter(
            developers::availability_confirmed_at
                .is_null()
                .or(developers::availability_confirmed_at.lt(cutoff)),
        )
        .count()
        .get_result(conn)
}

/// (id, status, current vetting stage) of everyone who has applied (drafts excluded): the
/// vetting funnel's input.
pub fn applications(
    conn: &mut DbConn,
) -> QueryResult<Vec<(i32, DeveloperStatus, Option<VettingStage>)>> {
    developers::table
        .filter(developers::status.ne(DeveloperStatus::Draft))
        .select((
            developers::id,
            developers::status,
            developers::vetting_stage,
        ))
        .load(conn)
}
