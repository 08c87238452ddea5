//! Full-text search in the database (FTS5 on SQLite, tsvector on PostgreSQL), one term at a
//! time, cached per snapshot.

use std::sync::Arc;
use std::time::Instant;

use diesel::prelude::*;
use diesel::sql_types::{Double, Integer, Text};

use super::filter::query_terms;
use super::snapshot::Snapshot;
use crate::db::DbConn;

/// Hits of one search term: (snapshot position, score: lower is better), by position.
/// `None` for a term the database ignores (a PostgreSQL stop word).
pub(super) type TermHits = Arc<Option<Vec<(u32, f64)>>>;

/// A term's hits once looked up (`None` inside: the lookup failed). Requests that want a
/// term being looked up wait for that lookup instead of running the same query.
pub(super) type TermCell = Arc<std::sync::OnceLock<Option<TermHits>>>;

/// A rebuilt snapshot looks up again the previous one's terms until it holds this many
/// hits: ≈ 0.5–1 s of one core on SQLite (bm25 costs ≈ 3 µs a hit), a little more with
/// PostgreSQL's `ts_rank`. Bounded because a busy catalog rebuilds often.
pub(super) const WARM_HITS: usize = 250_000;

/// At most this many term hits are cached per snapshot (≈ 16 bytes each).
pub(super) const TERM_CACHE_HITS: usize = 2_000_000;

/// Developers matching one FTS5 term (a quoted word, `*` for a prefix), with its weighted
/// `bm25` (name 10, headline 6, bio 1, skills 4; lower is better). The index holds every
/// developer; the caller keeps the ones in its snapshot.
pub(crate) const SQLITE_TERM_HITS: &str = "SELECT rowid AS id, bm25(developers_fts, 10.0, 6.0, 1.0, 4.0) AS rank \
     FROM developers_fts WHERE developers_fts MATCH ?";

/// The same on PostgreSQL: the `tsvector` GIN index, ranked by `ts_rank` (negated: lower is
/// better), restricted to approved, published profiles.
pub(crate) const PG_TERM_HITS: &str = "SELECT id, -ts_rank(search_tsv, query)::float8 AS rank \
     FROM developers, to_tsquery('english', $1) AS query \
     WHERE search_tsv @@ query AND status = 'approved' AND published_at IS NOT NULL";

// ---------------------------------------------------------------------------------------
// Full-text search

#[derive(QueryableByName)]
pub(super) struct Hit {
    #[diesel(sql_type = Integer)]
    pub(super) id: i32,
    #[diesel(sql_type = Double)]
    pub(super) rank: f64,
}

#[derive(QueryableByName)]
pub(super) struct Lexemes {
    #[diesel(sql_type = Integer)]
    pub(super) n: i32,
}

/// One search term as the database sees it: the word, and whether it is the last one
/// (matched as a prefix, for type-ahead, when it has two characters or more).
pub(super) fn term_key(term: &str, last: bool) -> String {
    if last && term.chars().count() >= 2 {
        format!("{term}*")
    } else {
        term.to_owned()
    }
}

/// Listed developers matching one term, with their score for it (lower is better), or
/// `None` when the database ignores the term (a PostgreSQL stop word).
///
/// A query of several words is the AND of its terms, so its hits are the intersection of
/// the terms' hits. SQLite's `bm25()` of such a query is exactly the sum of each term's
/// `bm25()` (each phrase contributes `idf × tf-part` computed from that phrase alone and the
/// row's length), so summing per-term scores ranks exactly as the whole query would.
/// PostgreSQL's `ts_rank` of an AND query also weighs how close the words are to each
/// other; the sum of per-term `ts_rank`s is `ts_rank` of the OR of the words (times their
/// count), i.e. the proximity part is dropped (documented in docs/catalog-benchmark.md).
pub(super) fn term_hits(conn: &mut DbConn, key: &str) -> QueryResult<Option<Vec<(i32, f64)>>> {
    let (word, prefix) = match key.strip_suffix('*') {
        Some(word) => (word, true),
        None => (key, false),
    };
    let hits: Vec<Hit> = match conn {
        DbConn::Sqlite(c) => {
            // Quoted (no operators).
            let expr = if prefix {
                format!("\"{word}\"*")
            } else {
                format!("\"{word}\"")
            };
            diesel::sql_query(SQLITE_TERM_HITS)
                .bind::<Text, _>(expr)
                .load(c)?
        }
        DbConn::Pg(c) => {
            let expr = if prefix {
                format!("{word}:*")
            } else {
                word.to_owned()
            };
            let lexemes: Lexemes =
                diesel::sql_query("SELECT numnode(to_tsquery('english', $1)) AS n")
                    .bind::<Text, _>(&expr)
                    .get_result(c)?;
            if lexemes.n == 0 {
                return Ok(None);
            }
            diesel::sql_query(PG_TERM_HITS)
                .bind::<Text, _>(expr)
                .load(c)?
        }
    };
    Ok(Some(hits.into_iter().map(|h| (h.id, h.rank)).collect()))
}

/// Entries of `a` whose position is also in `b` (both by position), scores added.
pub(super) fn intersect_hits(a: &[(u32, f64)], b: &[(u32, f64)]) -> Vec<(u32, f64)> {
    let mut out = Vec::with_capacity(a.len().min(b.len()));
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push((a[i].0, a[i].1 + b[j].1));
                i += 1;
                j += 1;
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Search

impl Snapshot {
    /// A term's hits if this snapshot has looked them up.
    pub(super) fn cached_term(&self, key: &str) -> Option<TermHits> {
        let cell = self
            .terms
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key.to_owned())
            .cloned()?;
        cell.get().cloned().flatten()
    }

    /// Looks up the terms `previous` had cached, most recent first, up to [`WARM_HITS`]
    /// hits. Failures are left to the requests that want the term.
    pub(super) fn warm_terms(&self, conn: &mut DbConn, previous: &Snapshot) {
        let started = Instant::now();
        let keys: Vec<String> = previous
            .terms
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .keys()
            .rev()
            .cloned()
            .collect();
        let mut warmed = 0;
        let mut hits = 0;
        for key in keys {
            if hits >= WARM_HITS {
                break;
            }
            if let Ok(found) = self.term(conn, &key) {
                warmed += 1;
                hits += found.as_ref().as_ref().map_or(0, Vec::len);
            }
        }
        tracing::info!(
            terms = warmed,
            hits,
            ms = started.elapsed().as_millis() as u64,
            "catalog search terms warmed"
        );
    }

    /// A term's hits, looked up in the database once per snapshot.
    pub(super) fn term(&self, conn: &mut DbConn, key: &str) -> QueryResult<TermHits> {
        let cell: TermCell = {
            let mut cache = self.terms.lock().unwrap_or_else(|e| e.into_inner());
            let key = key.to_owned();
            match cache.get(&key) {
                Some(cell) => cell.clone(),
                None => {
                    let cell = TermCell::default();
                    cache.insert(key, cell.clone(), 1);
                    cell
                }
            }
        };
        let mut failure = None;
        let hits = cell.get_or_init(|| match term_hits(conn, key) {
            Ok(found) => {
                let hits = found.map(|hits| {
                    let mut hits: Vec<(u32, f64)> = hits
                        .into_iter()
                        .filter_map(|(id, rank)| self.position_of.get(&id).map(|p| (*p, rank)))
                        .collect();
                    hits.sort_unstable_by_key(|(p, _)| *p);
                    hits
                });
                let size = hits.as_ref().map_or(1, Vec::len);
                self.terms
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .reweigh(&key.to_owned(), size);
                Some(Arc::new(hits))
            }
            Err(e) => {
                failure = Some(e);
                None
            }
        });
        match hits {
            Some(hits) => Ok(hits.clone()),
            None => {
                // Let a later request try again.
                let mut cache = self.terms.lock().unwrap_or_else(|e| e.into_inner());
                let key = key.to_owned();
                if cache.get(&key).is_some_and(|c| Arc::ptr_eq(c, &cell)) {
                    cache.remove(&key);
                }
                Err(failure.unwrap_or_else(|| {
                    diesel::result::Error::QueryBuilderError(
                        "looking up a search term failed".into(),
                    )
                }))
            }
        }
    }
}

/// Hits of a free-text query: (snapshot position, score: lower is better), by position.
/// Per-term hits are cached per snapshot; a query's hits are their intersection. `None`
/// when a term isn't cached and there is no connection to look it up.
pub(super) fn search_hits(
    mut conn: Option<&mut DbConn>,
    snap: &Snapshot,
    query: &str,
) -> QueryResult<Option<Vec<(u32, f64)>>> {
    let terms = query_terms(query);
    let last = terms.len().saturating_sub(1);
    let mut acc: Option<Vec<(u32, f64)>> = None;
    for (i, term) in terms.iter().enumerate() {
        let key = term_key(term, i == last);
        let hits = match conn.as_deref_mut() {
            None => match snap.cached_term(&key) {
                Some(hits) => hits,
                None => return Ok(None),
            },
            Some(conn) => snap.term(conn, &key)?,
        };
        let Some(hits) = hits.as_ref() else {
            continue;
        };
        acc = Some(match acc {
            None => hits.clone(),
            Some(so_far) => intersect_hits(&so_far, hits),
        });
        if acc.as_ref().is_some_and(Vec::is_empty) {
            break;
        }
    }
    Ok(Some(acc.unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hits_intersect_by_position_and_add_scores() {
        let a = [(1, -1.0), (3, -2.0), (7, -0.5), (9, -1.0)];
        let b = [(0, -3.0), (3, -1.0), (9, -0.25), (10, -1.0)];
        assert_eq!(intersect_hits(&a, &b), vec![(3, -3.0), (9, -1.25)]);
        assert_eq!(intersect_hits(&a, &[]), vec![]);
        assert_eq!(term_key("kafka", true), "kafka*");
        assert_eq!(term_key("k", true), "k");
        assert_eq!(term_key("kafka", false), "kafka");
    }
}
