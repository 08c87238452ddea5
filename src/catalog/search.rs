//! A catalog search: one page of cards and the facets, cut from the cached matches.

use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use diesel::QueryResult;

use super::choices::SnapshotChoices;
use super::entry::price_from;
use super::facets::{Facets, Matched, match_filter};
use super::filter::{CatalogFilter, PAGE_SIZE, Viewer};
use super::fulltext::search_hits;
use super::load::cutoff;
use super::snapshot::{SkillInfo, Snapshot};
use crate::db::DbConn;
use crate::domain::profile::display_name;
use crate::domain::{Level, Money};

#[derive(Debug, Clone)]
pub struct Card {
    pub slug: String,
    pub display_name: String,
    pub headline: String,
    pub level: Level,
    pub top_skills: Vec<String>,
    pub time_zone: String,
    pub overlap_minutes: Option<u32>,
    pub price_from: Money,
    pub commitment: &'static str,
    pub available_now: bool,
    pub available_from: Option<NaiveDate>,
    pub years: i32,
    /// The avatar file (under `/avatars/`), if any.
    pub avatar: Option<String>,
}

#[derive(Debug, Clone)]
pub struct CatalogPage {
    pub filter: CatalogFilter,
    pub zone: Option<Tz>,
    pub total: usize,
    pub page: u32,
    pub pages: u32,
    pub cards: Arc<Vec<Card>>,
    pub facets: Arc<Facets>,
    /// Skill slugs in the query that no skill has.
    pub unknown_skills: Vec<String>,
    /// Every skill, most common first.
    pub all_skills: Arc<Vec<SkillInfo>>,
    /// The zones listed developers work in: choices for the overlap filter.
    pub zone_options: Arc<Vec<String>>,
    /// The filter form's skill and zone choices, shared by every page of the snapshot.
    pub choices: Arc<SnapshotChoices>,
}

/// One page of a search: what [`CatalogPage`] shows.
pub(super) struct Computed {
    pub(super) total: usize,
    pub(super) page: u32,
    pub(super) pages: u32,
    pub(super) cards: Arc<Vec<Card>>,
    pub(super) facets: Arc<Facets>,
    pub(super) unknown_skills: Vec<String>,
}

/// Runs a catalog search in `snap`, looking up text terms it hasn't yet with `conn`.
pub(super) fn search(
    conn: &mut DbConn,
    snap: &Snapshot,
    filter: &CatalogFilter,
    viewer: &Viewer,
    now: NaiveDateTime,
) -> QueryResult<CatalogPage> {
    // With a connection every term can be looked up, so there is always an answer.
    answer(Some(conn), snap, filter, viewer, now)?.ok_or_else(|| {
        diesel::result::Error::QueryBuilderError("catalog search gave no answer".into())
    })
}

/// The same answer as [`search`] when `snap` alone can give it: every word of a text
/// query already looked up in this snapshot.
pub(super) fn search_in_memory(
    snap: &Snapshot,
    filter: &CatalogFilter,
    viewer: &Viewer,
    now: NaiveDateTime,
) -> Option<CatalogPage> {
    answer(None, snap, filter, viewer, now).ok().flatten()
}

pub(super) fn answer(
    conn: Option<&mut DbConn>,
    snap: &Snapshot,
    filter: &CatalogFilter,
    viewer: &Viewer,
    now: NaiveDateTime,
) -> QueryResult<Option<CatalogPage>> {
    let zone = filter.zone.or(viewer.zone);
    let key = (
        filter.match_key(zone),
        snap.dated_key(filter.sort, cutoff(now), now.date()),
    );
    let cached = snap
        .results
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&key)
        .cloned();
    let matched = match cached {
        Some(m) => m,
        None => {
            let hits = if filter.query.is_empty() {
                None
            } else {
                match search_hits(conn, snap, &filter.query)? {
                    Some(hits) => Some(hits),
                    None => return Ok(None),
                }
            };
            let matched = Arc::new(match_filter(snap, filter, zone, now, hits.as_deref()));
            snap.results
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(key, matched.clone(), 1);
            matched
        }
    };
    let computed = page_of(snap, &matched, filter, now);
    Ok(Some(CatalogPage {
        filter: filter.clone(),
        zone,
        total: computed.total,
        page: computed.page,
        pages: computed.pages,
        cards: computed.cards,
        facets: computed.facets,
        unknown_skills: computed.unknown_skills,
        all_skills: Arc::clone(&snap.skills_by_popularity),
        zone_options: Arc::clone(&snap.zone_names),
        choices: Arc::clone(&snap.choices),
    }))
}

/// The requested page of `matched`: in the sort's order, a window of set bits (page *p*
/// is found by popcounting words, so page 1500 costs what page 1 does); for best match
/// with a text query, a slice of the ranked matches.
pub(super) fn page_of(
    snap: &Snapshot,
    matched: &Matched,
    filter: &CatalogFilter,
    now: NaiveDateTime,
) -> Computed {
    let today = now.date();
    let index = &snap.orders[filter.sort.index()];
    let total = matched.total;
    let pages = total.div_ceil(PAGE_SIZE).max(1) as u32;
    let page = filter.page.clamp(1, pages);
    let start = (page as usize - 1) * PAGE_SIZE;
    let shown: Vec<u32> = match &matched.ranked {
        Some(ranked) => ranked.iter().skip(start).take(PAGE_SIZE).copied().collect(),
        None => matched
            .all
            .select_range(start, PAGE_SIZE)
            .into_iter()
            .map(|r| index.order[r])
            .collect(),
    };
    let overlaps = matched.overlaps.as_ref();
    let cards = shown
        .iter()
        .map(|pos| {
            let e = &snap.entries[*pos as usize];
            Card {
                slug: e.slug.clone(),
                display_name: display_name(&e.first_name, &e.last_initial),
                headline: e.headline.clone(),
                level: e.level,
                top_skills: e
                    .top_skills
                    .iter()
                    .take(5)
                    .map(|s| snap.skills[*s as usize].name.clone())
                    .collect(),
                time_zone: snap.zone_names[e.zone as usize].clone(),
                overlap_minutes: overlaps.map(|o| o[e.zone as usize]),
                price_from: price_from(&snap.tiers, e.level, e.offer, filter.commitment),
                commitment: e.offer.label(),
                available_now: e.available_from.is_some_and(|d| d <= today),
                available_from: e.available_from,
                years: e.years,
                avatar: e.avatar.clone(),
            }
        })
        .collect();
    Computed {
        total,
        page,
        pages,
        cards: Arc::new(cards),
        facets: matched.facets.clone(),
        unknown_skills: matched.unknown_skills.clone(),
    }
}

/// Slugs of every listed profile, for the sitemap.
pub(super) fn listed_slugs(snap: &Snapshot, now: NaiveDateTime) -> Vec<(String, NaiveDateTime)> {
    let cutoff = cutoff(now);
    snap.entries
        .iter()
        .filter(|e| e.confirmed_at >= cutoff)
        .map(|e| (e.slug.clone(), e.published_at.max(e.confirmed_at)))
        .collect()
}
