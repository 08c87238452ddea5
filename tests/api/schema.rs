//! Both backends' migrations must produce the same schema: tables, columns, types (as far
//! as the two can match), nullability and indexes. Needs PostgreSQL: runs when
//! `LADDER_TEST_POSTGRES_URL` is set (CI sets it) and says so when it skips.

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text};
use ladder::config::DatabaseUrl;
use ladder::db::{Db, DbConn};

use crate::helpers::{TestDatabase, with_database};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Column {
    name: String,
    kind: &'static str,
    nullable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Index {
    name: String,
    columns: Vec<String>,
    unique: bool,
}

#[derive(Debug, Default, PartialEq, Eq)]
struct Table {
    columns: Vec<Column>,
    indexes: Vec<Index>,
}

/// Backend type names mapped onto the shared vocabulary of our schema.
fn normalise(raw: &str) -> &'static str {
    match raw.to_ascii_lowercase().as_str() {
        "integer" | "int" | "int4" => "integer",
        "bigint" | "int8" => "bigint",
        "text" | "character varying" | "varchar" => "text",
        "boolean" | "bool" => "boolean",
        "timestamp" | "timestamp without time zone" => "timestamp",
        "date" => "date",
        "double precision" | "real" | "float8" => "double",
        "bytea" | "blob" => "binary",
        other => {
            panic!("type `{other}` has no counterpart on the other backend: add it to normalise()")
        }
    }
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct SqliteColumn {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Integer)]
    not_null: i32,
    #[diesel(sql_type = Integer)]
    pk: i32,
}

#[derive(QueryableByName)]
struct SqliteIndex {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Integer)]
    is_unique: i32,
}

#[derive(QueryableByName)]
struct PgColumn {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Text)]
    nullable: String,
}

#[derive(QueryableByName)]
struct PgIndex {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    definition: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn sqlite_schema(conn: &mut SqliteConnection) -> BTreeMap<String, Table> {
    let tables: Vec<Name> = diesel::sql_query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name <> '__diesel_schema_migrations' AND name NOT LIKE '%_fts%' ORDER BY name",
    )
    .load(conn)
    .unwrap();
    let mut schema = BTreeMap::new();
    for Name { name: table } in tables {
        let mut columns: Vec<Column> = diesel::sql_query(
            "SELECT name, type AS kind, \"notnull\" AS not_null, pk FROM pragma_table_info(?)",
        )
        .bind::<Text, _>(&table)
        .load::<SqliteColumn>(conn)
        .unwrap()
        .into_iter()
        .map(|c| Column {
            kind: normalise(&c.kind),
            nullable: c.not_null == 0 && c.pk == 0,
            name: c.name,
        })
        .collect();
        columns.sort();
        let mut indexes: Vec<Index> = diesel::sql_query(
            "SELECT name, \"unique\" AS is_unique FROM pragma_index_list(?) WHERE origin = 'c'",
        )
        .bind::<Text, _>(&table)
        .load::<SqliteIndex>(conn)
        .unwrap()
        .into_iter()
        .map(|i| {
            let columns = diesel::sql_query(
                "SELECT coalesce(name, '<expr>') AS name FROM pragma_index_info(?) ORDER BY seqno",
            )
            .bind::<Text, _>(&i.name)
            .load::<Name>(conn)
            .unwrap()
            .into_iter()
            .map(|n| n.name)
            .collect();
            Index {
                name: i.name,
                columns,
                unique: i.is_unique == 1,
            }
        })
        .collect();
        indexes.sort();
        schema.insert(table, Table { columns, indexes });
    }
    schema
}

/// Columns and indexes that exist on PostgreSQL only, by design (full-text search keeps a
/// `tsvector` column and GIN index there; SQLite keeps an FTS5 table instead).
fn pg_only(name: &str) -> bool {
    name.ends_with("_tsv") || name.ends_with("_search_idx")
}

/// The indexed columns of a PostgreSQL index definition, `<expr>` for an expression (as
/// SQLite reports them); a partial index's `WHERE` is not a column.
fn index_columns(definition: &str) -> Vec<String> {
    let after_using = definition
        .find(" USING ")
        .map_or(definition, |at| &definition[at..]);
    let Some(open) = after_using.find('(') else {
        return Vec::new();
    };
    let mut columns = Vec::new();
    let mut current = String::new();
    let mut depth = 0;
    for c in after_using[open + 1..].chars() {
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => break,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                columns.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    columns.push(current);
    columns
        .into_iter()
        .map(|c| {
            let c = c.trim();
            if c.contains('(') {
                "<expr>".to_owned()
            } else {
                c.trim_matches('"').to_owned()
            }
        })
        .collect()
}

fn pg_schema(conn: &mut PgConnection) -> BTreeMap<String, Table> {
    let tables: Vec<Name> = diesel::sql_query(
        "SELECT table_name::text AS name FROM information_schema.tables \
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE' \
         AND table_name <> '__diesel_schema_migrations' ORDER BY table_name",
    )
    .load(conn)
    .unwrap();
    let mut schema = BTreeMap::new();
    for Name { name: table } in tables {
        let mut columns: Vec<Column> = diesel::sql_query(
            "SELECT column_name::text AS name, data_type::text AS kind, is_nullable::text AS nullable \
             FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1",
        )
        .bind::<Text, _>(&table)
        .load::<PgColumn>(conn)
        .unwrap()
        .into_iter()
        .filter(|c| !pg_only(&c.name))
        .map(|c| Column { kind: normalise(&c.kind), nullable: c.nullable == "YES", name: c.name })
        .collect();
        columns.sort();
        let mut indexes: Vec<Index> = diesel::sql_query(
            "SELECT indexname::text AS name, indexdef::text AS definition FROM pg_indexes \
             WHERE schemaname = 'public' AND tablename = $1 AND indexname NOT LIKE '%_pkey'",
        )
        .bind::<Text, _>(&table)
        .load::<PgIndex>(conn)
        .unwrap()
        .into_iter()
        .filter(|i| !pg_only(&i.name))
        .map(|i| {
            let columns = index_columns(&i.definition);
            Index {
                name: i.name,
                columns,
                unique: i.definition.starts_with("CREATE UNIQUE INDEX"),
            }
        })
        .collect();
        indexes.sort();
        schema.insert(table, Table { columns, indexes });
    }
    schema
}

#[tokio::test]
async fn sqlite_and_postgres_migrations_produce_the_same_schema() {
    let Some(admin_url) = std::env::var("LADDER_TEST_POSTGRES_URL")
        .ok()
        .filter(|v| !v.is_empty())
    else {
        eprintln!(
            "schema parity skipped: set LADDER_TEST_POSTGRES_URL to compare against PostgreSQL"
        );
        return;
    };
    tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().unwrap();
        let sqlite = Db::connect(
            &DatabaseUrl::parse(&format!("sqlite://{}", dir.path().join("p.db").display()))
                .unwrap(),
        )
        .unwrap();
        sqlite.migrate().unwrap();

        let name = format!(
            "ladder_parity_{}",
            ladder::crypto::random_token(10).to_lowercase()
        );
        let mut admin = PgConnection::establish(&admin_url).unwrap();
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .unwrap();
        // Dropped (with the database) however the comparison ends.
        let _guard = TestDatabase::Postgres {
            admin_url: admin_url.clone(),
            name: name.clone(),
        };
        {
            let pg = Db::connect(&DatabaseUrl::parse(&with_database(&admin_url, &name)).unwrap())
                .unwrap();
            pg.migrate().unwrap();
            let lite = match &mut *sqlite.get().unwrap() {
                DbConn::Sqlite(c) => sqlite_schema(c),
                DbConn::Pg(_) => unreachable!(),
            };
            let post = match &mut *pg.get().unwrap() {
                DbConn::Pg(c) => pg_schema(c),
                DbConn::Sqlite(_) => unreachable!(),
            };
            assert!(
                lite.len() >= 8,
                "expected the foundation tables, got {:?}",
                lite.keys()
            );
            assert_eq!(
                lite.keys().collect::<Vec<_>>(),
                post.keys().collect::<Vec<_>>(),
                "table sets differ"
            );
            for (table, l) in &lite {
                let p = &post[table];
                assert_eq!(
                    l.columns, p.columns,
                    "columns of {table} differ (left SQLite, right PostgreSQL)"
                );
                assert_eq!(
                    l.indexes, p.indexes,
                    "indexes of {table} differ (left SQLite, right PostgreSQL)"
                );
            }
            // Both seed the same six plans.
            let counts: Vec<i64> = [&sqlite, &pg]
                .iter()
                .map(|db| {
                    diesel::sql_query("SELECT COUNT(*) AS n FROM plans")
                        .get_result::<Count>(&mut *db.get().unwrap())
                        .unwrap()
                        .n
                })
                .collect();
            assert_eq!(counts, vec![6, 6]);
        }
    })
    .await
    .unwrap();
}
