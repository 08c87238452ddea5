//! The developer catalog: parsing the filter from a query string, searching, facets,
//! and the public profile.
//!
//! Listing rule: `status = 'approved' AND published_at IS NOT NULL AND
//! availability_confirmed_at >= now - 30 days`.
//!
//! Why a snapshot: facet counts (one per level, skill, commitment, experience and overlap
//! bucket, each respecting the other filters) over tens of thousands of profiles cost tens
//! of milliseconds per request in SQL on either backend. The listable profiles are few and
//! small, so we keep a compact in-memory snapshot per database, loaded through the index
//! `developers_listed_idx`, with posting lists (bitsets) per sort order that filters AND
//! and facets count ([`crate::catalog::bits`]), and check every [`CHECK_INTERVAL`]
//! whether the listed set changed (count and latest change times). Full-text search runs
//! in the database (FTS5 / tsvector), once per term per snapshot. Matches and facets are
//! cached per filter (the page aside), so paging reuses them. Figures and plans:
//! docs/catalog-benchmark.md; `ladder catalog explain` prints the plans.

pub mod bits;
mod cache;
mod entry;
pub mod explain;
mod facets;
mod filter;
mod fulltext;
mod index;
pub(crate) mod load;
mod profile;
mod refresh;
mod search;
pub mod search_index;
mod snapshot;
#[cfg(test)]
mod tests;

pub use crate::domain::profile::{AVAILABILITY_DAYS, display_name};
pub use crate::models::developer::is_listed;
pub use facets::{Facets, OVERLAP_BUCKETS, SkillFacet, YEARS_BUCKETS};
pub use filter::{
    CatalogFilter, FilterError, MAX_PAGE, MAX_QUERY_CHARS, MAX_SKILLS, PAGE_SIZE, Sort, Viewer,
    query_terms,
};
pub use profile::{Profile, ProfileSkill, profile};
pub use refresh::{CHECK_INTERVAL, MAX_SNAPSHOT_AGE, invalidate, refresh_in_background};
pub use search::{Card, CatalogPage, listed_slugs, search, search_in_memory};
pub use snapshot::SkillInfo;
