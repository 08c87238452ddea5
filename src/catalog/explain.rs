//! `ladder catalog explain`: the query plans of the catalog's own SQL on the configured
//! database, so anyone can check that it uses its indexes (issue 5).
//!
//! The queries are the ones the catalog runs, not copies: the snapshot load and the change
//! check come from the functions in [`super::queries`], full text from its SQL constants, the
//! profile page from [`developer::by_slug`]. Each is wrapped in `EXPLAIN QUERY PLAN`
//! (SQLite) or `EXPLAIN (ANALYZE, BUFFERS)` (PostgreSQL: the query runs once, with the
//! values bound, so the plan is the one those values get).

use chrono::{Duration, NaiveDateTime};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Integer, Text};
use diesel::sqlite::Sqlite;

use super::fulltext::{PG_TERM_HITS, SQLITE_TERM_HITS};
use super::queries::{fingerprint_query, listed_rows_query, listed_skills_query};
use crate::db::DbConn;
use crate::domain::profile::AVAILABILITY_DAYS;
use crate::models::developer;

/// One query and its plan, as the database printed it.
pub struct Plan {
    pub name: &'static str,
    pub lines: Vec<String>,
}

/// `EXPLAIN QUERY PLAN <query>` with the query's own bind parameters.
#[derive(QueryId)]
struct SqlitePlan<Q>(Q);

impl<Q: QueryFragment<Sqlite>> QueryFragment<Sqlite> for SqlitePlan<Q> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        out.push_sql("EXPLAIN QUERY PLAN ");
        self.0.walk_ast(out.reborrow())
    }
}

impl<Q> Query for SqlitePlan<Q> {
    type SqlType = (Integer, Integer, Integer, Text);
}

impl<Q> RunQueryDsl<diesel::SqliteConnection> for SqlitePlan<Q> {}

/// `EXPLAIN (ANALYZE, BUFFERS) <query>` with the query's own bind parameters.
#[derive(QueryId)]
struct PgPlan<Q>(Q);

impl<Q: QueryFragment<Pg>> QueryFragment<Pg> for PgPlan<Q> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql("EXPLAIN (ANALYZE, BUFFERS) ");
        self.0.walk_ast(out.reborrow())
    }
}

impl<Q> Query for PgPlan<Q> {
    type SqlType = Text;
}

impl<Q> RunQueryDsl<diesel::PgConnection> for PgPlan<Q> {}

/// SQLite's plan rows (id, parent, unused, detail) as the `sqlite3` shell draws them.
fn sqlite_tree(rows: Vec<(i32, i32, i32, String)>) -> Vec<String> {
    let mut depth: Vec<(i32, usize)> = Vec::new();
    rows.into_iter()
        .map(|(id, parent, _, detail)| {
            let level = depth
                .iter()
                .find(|(i, _)| *i == parent)
                .map_or(0, |(_, d)| d + 1);
            depth.push((id, level));
            format!("{}{detail}", "  ".repeat(level))
        })
        .collect()
}

fn sqlite<Q>(conn: &mut diesel::SqliteConnection, query: Q) -> QueryResult<Vec<String>>
where
    Q: QueryFragment<Sqlite> + QueryId,
{
    Ok(sqlite_tree(SqlitePlan(query).load(conn)?))
}

fn pg<Q>(conn: &mut diesel::PgConnection, query: Q) -> QueryResult<Vec<String>>
where
    Q: QueryFragment<Pg> + QueryId,
{
    PgPlan(query).load(conn)
}

/// Plans of the catalog's queries. `word` is a full-text term (as typed: a single word)
/// and `slug` a developer's slug for the profile lookup.
pub fn explain(
    conn: &mut DbConn,
    now: NaiveDateTime,
    word: &str,
    slug: &str,
) -> QueryResult<Vec<Plan>> {
    // As the snapshot loads: the 30-day rule with one day of slack.
    let cutoff = now - Duration::days(AVAILABILITY_DAYS + 1);
    let slug = slug.to_owned();
    let plans = match conn {
        DbConn::Sqlite(c) => vec![
            ("change check", sqlite(c, fingerprint_query(cutoff))?),
            (
                "snapshot: listed developers",
                sqlite(c, listed_rows_query(cutoff))?,
            ),
            (
                "snapshot: their skills",
                sqlite(c, listed_skills_query(cutoff))?,
            ),
            (
                "full text: one term",
                sqlite_tree(
                    diesel::sql_query(format!("EXPLAIN QUERY PLAN {SQLITE_TERM_HITS}"))
                        .bind::<Text, _>(format!("\"{word}\""))
                        .load::<SqliteRow>(c)?
                        .into_iter()
                        .map(|r| (r.id, r.parent, r.notused, r.detail))
                        .collect(),
                ),
            ),
            (
                "profile page: by slug",
                sqlite(c, developer::by_slug(&slug))?,
            ),
        ],
        DbConn::Pg(c) => vec![
            ("change check", pg(c, fingerprint_query(cutoff))?),
            (
                "snapshot: listed developers",
                pg(c, listed_rows_query(cutoff))?,
            ),
            (
                "snapshot: their skills",
                pg(c, listed_skills_query(cutoff))?,
            ),
            (
                "full text: one term",
                diesel::sql_query(format!("EXPLAIN (ANALYZE, BUFFERS) {PG_TERM_HITS}"))
                    .bind::<Text, _>(word)
                    .load::<PgRow>(c)?
                    .into_iter()
                    .map(|r| r.line)
                    .collect(),
            ),
            ("profile page: by slug", pg(c, developer::by_slug(&slug))?),
        ],
    };
    Ok(plans
        .into_iter()
        .map(|(name, lines)| Plan { name, lines })
        .collect())
}

#[derive(QueryableByName)]
struct SqliteRow {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Integer)]
    parent: i32,
    #[diesel(sql_type = Integer)]
    notused: i32,
    #[diesel(sql_type = Text)]
    detail: String,
}

#[derive(QueryableByName)]
struct PgRow {
    #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
    line: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_plan_rows_indent_under_their_parent() {
        let rows = vec![
            (2, 0, 0, "SEARCH developer_skills".to_owned()),
            (5, 0, 0, "LIST SUBQUERY 1".to_owned()),
            (7, 5, 0, "SEARCH developers USING INDEX x".to_owned()),
        ];
        assert_eq!(
            sqlite_tree(rows),
            vec![
                "SEARCH developer_skills",
                "LIST SUBQUERY 1",
                "  SEARCH developers USING INDEX x",
            ]
        );
    }
}
