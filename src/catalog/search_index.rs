//! Keeps the full-text index of developer profiles current.
//!
//! SQLite: the FTS5 table `developers_fts` (row id = developer id). PostgreSQL: the
//! `developers.search_tsv` column under the GIN index `developers_search_idx`. Triggers
//! follow edits of a profile's own text; anything that inserts developers or changes their
//! skills calls [`refresh`] for the developers it touched (bulk inserts stay fast that way).

use diesel::RunQueryDsl;
use diesel::connection::SimpleConnection;

use crate::db::DbConn;

/// Re-indexes the given developers (missing ids are ignored).
pub fn refresh(conn: &mut DbConn, developer_ids: &[i32]) -> diesel::QueryResult<()> {
    for chunk in developer_ids.chunks(2000) {
        let ids = chunk
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join(",");
        match conn {
            DbConn::Sqlite(c) => c.batch_execute(&format!(
                "DELETE FROM developers_fts WHERE rowid IN ({ids});
                 INSERT INTO developers_fts (rowid, name, headline, bio, skills)
                 SELECT d.id, d.first_name || ' ' || d.last_name, d.headline, d.bio,
                        COALESCE((SELECT group_concat(s.name, ' ') FROM developer_skills ds
                                  JOIN skills s ON s.id = ds.skill_id
                                  WHERE ds.developer_id = d.id), '')
                 FROM developers d WHERE d.id IN ({ids});"
            ))?,
            DbConn::Pg(c) => {
                diesel::sql_query(format!(
                    "UPDATE developers SET search_tsv = developers_search_document(id) WHERE id IN ({ids})"
                ))
                .execute(c)?;
            }
        }
    }
    Ok(())
}

/// Rebuilds the whole index (after restoring a dump, or if it is ever suspected stale).
pub fn rebuild(conn: &mut DbConn) -> diesel::QueryResult<()> {
    match conn {
        DbConn::Sqlite(c) => c.batch_execute(
            "DELETE FROM developers_fts;
             INSERT INTO developers_fts (rowid, name, headline, bio, skills)
             SELECT d.id, d.first_name || ' ' || d.last_name, d.headline, d.bio,
                    COALESCE((SELECT group_concat(s.name, ' ') FROM developer_skills ds
                              JOIN skills s ON s.id = ds.skill_id
                              WHERE ds.developer_id = d.id), '')
             FROM developers d;",
        ),
        DbConn::Pg(c) => {
            c.batch_execute("UPDATE developers SET search_tsv = developers_search_document(id);")
        }
    }
}
