//! The developer catalog: parsing the filter from a query string, searching, facets,
//! and the public profile.
//!
//! Listing rule: `status = 'approved' AND published_at IS NOT NULL AND
//! availability_confirmed_at >= now - 30 days`.
//!
//! Why a snapshot: facet counts (one per level, skill, commitment, experience and overlap
//! bucket, each respecting the other filters) over tens of thousands of profiles cost tens
//! of milliseconds per request in SQL on either backend. The listable profiles are few and
//! small, so the [`Catalog`] keeps a compact in-memory snapshot, loaded through the index
//! `developers_listed_idx`, with posting lists (bitsets) per sort order that filters AND
//! and facets count ([`crate::catalog::bits`]), and check every [`CHECK_INTERVAL`]
//! whether the listed set changed (count and latest change times). Full-text search runs
//! in the database (FTS5 / tsvector), once per term per snapshot. Matches and facets are
//! cached per filter (the page aside), so paging reuses them. Figures and plans:
//! docs/catalog-benchmark.md; `ladder catalog explain` prints the plans.

pub mod bits;
mod cache;
mod choices;
mod entry;
pub mod explain;
mod facets;
mod filter;
mod fulltext;
mod index;
mod listed;
mod load;
mod profile;
mod queries;
mod refresh;
mod search;
pub mod search_index;
mod snapshot;
#[cfg(test)]
mod tests;

use std::sync::Arc;
use std::sync::atomic::Ordering;

use chrono::NaiveDateTime;
use diesel::QueryResult;

use crate::db::{Db, DbConn};

pub use crate::domain::profile::{AVAILABILITY_DAYS, display_name};
pub use crate::models::developer::is_listed;
pub use choices::{ChoiceText, SnapshotChoices};
pub use facets::{Facets, OVERLAP_BUCKETS, SkillFacet, YEARS_BUCKETS};
pub use filter::{
    CatalogFilter, FilterError, MAX_PAGE, MAX_QUERY_CHARS, MAX_SKILLS, PAGE_SIZE, Sort, Viewer,
    query_terms,
};
pub use listed::{Listed, ListedDeveloper};
pub use profile::{Profile, ProfileSkill, profile};
pub use refresh::{CHECK_INTERVAL, MAX_SNAPSHOT_AGE};
pub use search::{Card, CatalogPage};
pub use snapshot::SkillInfo;

/// The developer catalog of one database: its snapshot, caches and change signal. Cheap to
/// clone (the clones share everything); the server keeps one in its state.
#[derive(Clone)]
pub struct Catalog {
    cache: Arc<refresh::CatalogCache>,
}

impl Default for Catalog {
    fn default() -> Self {
        Catalog::new()
    }
}

impl Catalog {
    pub fn new() -> Catalog {
        Catalog {
            cache: Arc::new(refresh::CatalogCache::new()),
        }
    }

    /// Lets the periodic change check (and the rebuild it may trigger) run in the
    /// background with connections from `db` (the server calls it once).
    pub fn refresh_in_background(&self, db: Db) {
        *self
            .cache
            .refresh_pool
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some(db);
    }

    /// Tells the catalog that a write which can change what it lists has **committed**: the
    /// next request rebuilds the snapshot, so it shows the new rows. Call it after the
    /// transaction, never inside it (a rebuild then could miss the rows). Other processes
    /// notice within [`CHECK_INTERVAL`] (such writes bump `updated_at`).
    pub fn changed(&self) {
        self.cache.force.store(true, Ordering::SeqCst);
    }

    /// Runs a catalog search.
    pub fn search(
        &self,
        conn: &mut DbConn,
        filter: &CatalogFilter,
        viewer: &Viewer,
        now: NaiveDateTime,
    ) -> QueryResult<CatalogPage> {
        let snap = refresh::snapshot(&self.cache, conn, now)?;
        search::search(conn, &snap, filter, viewer, now)
    }

    /// The same answer as [`Catalog::search`] when the current snapshot alone can give it:
    /// no rebuild pending, and every word of a text query already looked up. `None` means:
    /// call [`Catalog::search`] with a connection. Saves the hop to a blocking thread and a
    /// pooled connection for most requests.
    pub fn search_in_memory(
        &self,
        filter: &CatalogFilter,
        viewer: &Viewer,
        now: NaiveDateTime,
    ) -> Option<CatalogPage> {
        let snap = refresh::current_without_db(&self.cache)?;
        search::search_in_memory(&snap, filter, viewer, now)
    }

    /// A profile as the viewer may see it: `None` when it doesn't exist or is unlisted and
    /// the viewer is neither an admin nor its owner.
    pub fn profile(
        &self,
        conn: &mut DbConn,
        slug: &str,
        viewer: &Viewer,
        now: NaiveDateTime,
    ) -> QueryResult<Option<Profile>> {
        profile::profile(conn, slug, viewer, now)
    }

    /// Slugs of every listed profile and when each last changed, for the sitemap.
    pub fn listed_slugs(
        &self,
        conn: &mut DbConn,
        now: NaiveDateTime,
    ) -> QueryResult<Vec<(String, NaiveDateTime)>> {
        let snap = refresh::snapshot(&self.cache, conn, now)?;
        Ok(search::listed_slugs(&snap, now))
    }

    /// The developers listed at `now`, from the current snapshot: what a ranking (a brief's
    /// matches) walks in memory.
    pub fn listed(&self, conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<Listed> {
        let snap = refresh::snapshot(&self.cache, conn, now)?;
        Ok(Listed::new(snap, now))
    }
}
