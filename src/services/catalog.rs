//! The developer catalog: parsing the filter from a query string, searching, facets,
//! and the public profile.
//!
//! Listing rule: `status = 'approved' AND published_at IS NOT NULL AND
//! availability_confirmed_at >= now - 30 days`.
//!
//! Why a snapshot: facet counts (one per level, skill, commitment, experience and overlap
//! bucket, each respecting the other filters) over tens of thousands of profiles cost tens
//! of milliseconds per request in SQL on either backend. The listable profiles are few and
//! small, so we keep a compact in-memory snapshot per database, loaded through the partial
//! index `developers_listed_idx`, filter and count in one pass over it, and check every
//! [`CHECK_INTERVAL`] whether the listed set changed (count and latest change times). Full-text
//! search runs in the database (FTS5 / tsvector) and its hits are cached per snapshot.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex, RwLock};
use std::time::{Duration as StdDuration, Instant};

use chrono::{Duration, NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use diesel::prelude::*;
use diesel::sql_types::{Double, Integer, Text};

use crate::db::DbConn;
use crate::domain::overlap::overlap_minutes;
use crate::domain::{Commitment, Level, Money};
use crate::models::{developer, developer_skill, experience, vetting_review};
use crate::schema::{developer_skills, developers, skills};
use crate::services::pricing::{self, Tier};

pub const PAGE_SIZE: usize = 20;
/// Longer text queries are refused (the search box has this `maxlength`).
pub const MAX_QUERY_CHARS: usize = 200;
pub const MAX_PAGE: u32 = 10_000;
pub const MAX_SKILLS: usize = 10;
/// Profiles whose availability was confirmed longer ago than this are hidden.
pub const AVAILABILITY_DAYS: i64 = 30;
/// How often one request checks whether the listed profiles changed.
pub const CHECK_INTERVAL: StdDuration = StdDuration::from_secs(2);
/// A snapshot is rebuilt at least this often (availability ages out with the clock; the
/// 30-day rule is applied per request, so this only bounds drift of the sort orders).
pub const MAX_SNAPSHOT_AGE: StdDuration = StdDuration::from_secs(600);
pub const YEARS_BUCKETS: [u8; 4] = [2, 5, 8, 12];
pub const OVERLAP_BUCKETS: [u8; 4] = [2, 4, 6, 8];
const MAX_FTS_HITS: i64 = 20_000;
const CACHE_ENTRIES: usize = 512;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Sort {
    #[default]
    Best,
    Newest,
    Level,
    Price,
}

impl Sort {
    pub const ALL: [Sort; 4] = [Sort::Best, Sort::Newest, Sort::Level, Sort::Price];

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Best => "best",
            Sort::Newest => "newest",
            Sort::Level => "level",
            Sort::Price => "price",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::Best => "Best match",
            Sort::Newest => "Newest",
            Sort::Level => "Level (senior first)",
            Sort::Price => "Price (lowest first)",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Why a query string was refused; shown on the 400 page.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FilterError(pub String);

/// What the visitor asked the catalog for, parsed from the query string.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CatalogFilter {
    pub levels: Vec<Level>,
    /// Skill slugs, all of which a developer must have.
    pub skills: Vec<String>,
    pub commitment: Option<Commitment>,
    pub min_years: Option<u8>,
    pub available_now: bool,
    pub overlap_hours: Option<u8>,
    /// Zone chosen in the form; the signed-in company's zone is the default.
    pub zone: Option<Tz>,
    pub query: String,
    pub sort: Sort,
    pub page: u32,
}

fn bad(message: impl Into<String>) -> FilterError {
    FilterError(message.into())
}

impl CatalogFilter {
    /// Parses `level=L1&level=L2&skill=rust&commitment=full_time&years=5&available=1&
    /// overlap=4&tz=Europe/Berlin&q=…&sort=best&page=2`. Empty values mean "any";
    /// unknown parameters are ignored.
    pub fn parse(query_string: &str) -> Result<Self, FilterError> {
        let mut filter = CatalogFilter {
            page: 1,
            ..Default::default()
        };
        for (key, value) in url::form_urlencoded::parse(query_string.as_bytes()) {
            // form_urlencoded replaces invalid UTF-8 with U+FFFD: refuse instead of guessing.
            if key.contains('\u{FFFD}') || value.contains('\u{FFFD}') {
                return Err(bad(
                    "The address contains characters that aren't valid text.",
                ));
            }
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            match key.as_ref() {
                "level" => {
                    for part in value.split(',').filter(|p| !p.trim().is_empty()) {
                        let level = Level::from_str(part).map_err(|_| {
                            bad(format!(
                                "Unknown level “{}”. Choose L1, L2 or L3.",
                                clip(part)
                            ))
                        })?;
                        if !filter.levels.contains(&level) {
                            filter.levels.push(level);
                        }
                    }
                }
                "skill" => {
                    for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                        let slug = part.to_ascii_lowercase();
                        if !filter.skills.contains(&slug) {
                            filter.skills.push(slug);
                        }
                    }
                    if filter.skills.len() > MAX_SKILLS {
                        return Err(bad(format!("Choose at most {MAX_SKILLS} skills.")));
                    }
                }
                "commitment" => {
                    filter.commitment = Some(
                        Commitment::from_str(value)
                            .map_err(|_| bad("Commitment is full_time or part_time."))?,
                    );
                }
                "years" => {
                    let years: u8 = value.parse().ok().filter(|y| *y <= 40).ok_or_else(|| {
                        bad("Minimum experience is a number of years from 0 to 40.")
                    })?;
                    filter.min_years = (years > 0).then_some(years);
                }
                "available" => {
                    filter.available_now = match value {
                        "1" | "on" | "true" | "yes" => true,
                        "0" | "off" | "false" | "no" => false,
                        _ => return Err(bad("“available” is 1 or 0.")),
                    };
                }
                "overlap" => {
                    let hours: u8 = value
                        .parse()
                        .ok()
                        .filter(|h| *h <= 8)
                        .ok_or_else(|| bad("Overlap is a number of hours from 0 to 8."))?;
                    filter.overlap_hours = (hours > 0).then_some(hours);
                }
                "tz" => {
                    filter.zone = Some(value.parse::<Tz>().map_err(|_| {
                        bad("Unknown time zone. Choose one from the list, such as Europe/Berlin.")
                    })?);
                }
                "q" => {
                    if value.chars().count() > MAX_QUERY_CHARS {
                        return Err(bad(format!(
                            "Search text is at most {MAX_QUERY_CHARS} characters."
                        )));
                    }
                    filter.query = value.to_owned();
                }
                "sort" => {
                    filter.sort = Sort::ALL
                        .into_iter()
                        .find(|s| s.as_str() == value)
                        .ok_or_else(|| bad("Sort by best, newest, level or price."))?;
                }
                "page" => {
                    filter.page = value
                        .parse::<u32>()
                        .ok()
                        .filter(|p| (1..=MAX_PAGE).contains(p))
                        .ok_or_else(|| bad(format!("Page is a number from 1 to {MAX_PAGE}.")))?;
                }
                _ => {}
            }
        }
        filter.levels.sort();
        filter.skills.sort();
        Ok(filter)
    }

    /// The canonical query string for this filter (without `page` when `page` is None).
    pub fn to_query(&self, page: Option<u32>) -> String {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        for level in &self.levels {
            out.append_pair("level", level.as_str());
        }
        for skill in &self.skills {
            out.append_pair("skill", skill);
        }
        if let Some(c) = self.commitment {
            out.append_pair("commitment", c.as_str());
        }
        if let Some(y) = self.min_years {
            out.append_pair("years", &y.to_string());
        }
        if self.available_now {
            out.append_pair("available", "1");
        }
        if let Some(h) = self.overlap_hours {
            out.append_pair("overlap", &h.to_string());
        }
        if let Some(z) = self.zone {
            out.append_pair("tz", z.name());
        }
        if !self.query.is_empty() {
            out.append_pair("q", &self.query);
        }
        if self.sort != Sort::Best {
            out.append_pair("sort", self.sort.as_str());
        }
        if let Some(p) = page.filter(|p| *p > 1) {
            out.append_pair("page", &p.to_string());
        }
        out.finish()
    }

    /// True when nothing narrows the list (sorting and paging aside).
    pub fn is_unfiltered(&self) -> bool {
        self.levels.is_empty()
            && self.skills.is_empty()
            && self.commitment.is_none()
            && self.min_years.is_none()
            && !self.available_now
            && self.overlap_hours.is_none()
            && self.query.is_empty()
    }

    fn cache_key(&self, zone: Option<Tz>) -> String {
        let mut key = self.to_query(Some(self.page));
        key.push_str("&_zone=");
        key.push_str(zone.map(|z| z.name()).unwrap_or(""));
        key
    }
}

fn clip(text: &str) -> String {
    text.chars().take(20).collect()
}

/// Words of a free-text query, lower-cased; punctuation and operators dropped, so the
/// query can't speak FTS5's or tsquery's syntax.
pub fn query_terms(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .take(12)
        .map(str::to_lowercase)
        .collect()
}

/// Who is looking: decides the default zone and who may see unlisted profiles.
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    pub zone: Option<Tz>,
    pub is_admin: bool,
    pub developer_id: Option<i32>,
}

// ---------------------------------------------------------------------------------------
// Snapshot

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Offer {
    FullTime,
    PartTime,
    Both,
}

impl Offer {
    fn parse(s: &str) -> Offer {
        match s {
            "full_time" => Offer::FullTime,
            "part_time" => Offer::PartTime,
            _ => Offer::Both,
        }
    }

    fn allows(self, c: Commitment) -> bool {
        matches!(
            (self, c),
            (Offer::Both, _)
                | (Offer::FullTime, Commitment::FullTime)
                | (Offer::PartTime, Commitment::PartTime)
        )
    }

    pub fn label(self) -> &'static str {
        match self {
            Offer::FullTime => "Full-time",
            Offer::PartTime => "Part-time",
            Offer::Both => "Full- or part-time",
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct SkillSet([u64; 4]);

impl SkillSet {
    fn insert(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    fn contains_all(&self, other: &SkillSet) -> bool {
        self.0.iter().zip(other.0.iter()).all(|(a, b)| a & b == *b)
    }
    fn for_each(&self, mut f: impl FnMut(usize)) {
        for (word_index, word) in self.0.iter().enumerate() {
            let mut w = *word;
            while w != 0 {
                let bit = w.trailing_zeros() as usize;
                f(word_index * 64 + bit);
                w &= w - 1;
            }
        }
    }
}

#[derive(Debug, Clone)]
struct Entry {
    id: i32,
    slug: String,
    first_name: String,
    last_initial: String,
    headline: String,
    level: Level,
    offer: Offer,
    years: i32,
    zone: u16,
    available_from: Option<NaiveDate>,
    confirmed_at: NaiveDateTime,
    published_at: NaiveDateTime,
    skills: SkillSet,
    /// Skill indexes, most years first.
    top_skills: Vec<u16>,
}

/// The fields the per-request pass reads, packed into one cache line. Each sort order has
/// its own array of these laid out in that order, so the pass over the candidates reads
/// memory sequentially instead of jumping through ~11 MB of [`Entry`]s (the cache misses
/// of that jump were most of an uncached request's CPU time).
#[derive(Debug, Clone, Copy)]
struct Hot {
    skills: SkillSet,
    confirmed_at: NaiveDateTime,
    available_from: Option<NaiveDate>,
    years: i32,
    pos: u32,
    zone: u16,
    level: Level,
    offer: Offer,
}

impl Hot {
    fn of(pos: u32, e: &Entry) -> Hot {
        Hot {
            skills: e.skills,
            confirmed_at: e.confirmed_at,
            available_from: e.available_from,
            years: e.years,
            pos,
            zone: e.zone,
            level: e.level,
            offer: e.offer,
        }
    }
}

#[derive(Debug, Clone)]
pub struct SkillInfo {
    pub id: i32,
    pub slug: String,
    pub name: String,
    pub category: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Fingerprint {
    listed: i64,
    updated: Option<NaiveDateTime>,
    plans: i64,
}

struct Snapshot {
    entries: Vec<Entry>,
    position_of: HashMap<i32, u32>,
    skills: Vec<SkillInfo>,
    skill_index: HashMap<String, u16>,
    skills_by_popularity: Arc<Vec<SkillInfo>>,
    zones: Vec<Tz>,
    zone_names: Arc<Vec<String>>,
    tiers: Vec<Tier>,
    /// Rank of each entry in each order, for sorting search hits.
    order_rank: [Vec<u32>; 4],
    /// [`Hot`] fields of every entry in each sort's order (`hot[s][order_rank[s][pos]]`
    /// is entry `pos`).
    hot: [Vec<Hot>; 4],
    built_at: Instant,
    fingerprint: Fingerprint,
    results: Mutex<HashMap<String, Arc<Computed>>>,
    searches: Mutex<HashMap<String, Hits>>,
}

/// Search hits as (snapshot position, rank: lower is better), best first.
type Hits = Arc<Vec<(u32, f64)>>;

struct CatalogCache {
    current: RwLock<Option<Arc<Snapshot>>>,
    build_lock: Mutex<()>,
    checked_at: Mutex<Instant>,
    checking: AtomicBool,
    force: AtomicBool,
}

static CACHES: LazyLock<Mutex<HashMap<String, Arc<CatalogCache>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

fn cache_for(key: &str) -> Arc<CatalogCache> {
    let mut caches = CACHES.lock().unwrap_or_else(|e| e.into_inner());
    caches
        .entry(key.to_owned())
        .or_insert_with(|| {
            Arc::new(CatalogCache {
                current: RwLock::new(None),
                build_lock: Mutex::new(()),
                checked_at: Mutex::new(Instant::now()),
                checking: AtomicBool::new(false),
                force: AtomicBool::new(false),
            })
        })
        .clone()
}

/// Makes the next catalog request for this database rebuild its snapshot. Services that
/// change listed profiles in this process call it; other processes notice within
/// [`CHECK_INTERVAL`] (profile changes bump `updated_at`).
pub fn invalidate(cache_key: &str) {
    cache_for(cache_key).force.store(true, Ordering::SeqCst);
}

fn cutoff(now: NaiveDateTime) -> NaiveDateTime {
    now - Duration::days(AVAILABILITY_DAYS)
}

fn fingerprint(conn: &mut DbConn) -> QueryResult<Fingerprint> {
    let (listed, updated): (i64, Option<NaiveDateTime>) = developers::table
        .filter(developers::status.eq("approved"))
        .filter(developers::published_at.is_not_null())
        .select((
            diesel::dsl::count_star(),
            diesel::dsl::max(developers::updated_at),
        ))
        .first(conn)?;
    let plans = crate::models::plan::all(conn)?
        .iter()
        .map(|p| p.price_cents * 31 + i64::from(p.hours_per_month))
        .sum();
    Ok(Fingerprint {
        listed,
        updated,
        plans,
    })
}

type ListedRow = (
    i32,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    i32,
    String,
    Option<NaiveDate>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
);

fn build_snapshot(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<Snapshot> {
    let started = Instant::now();
    let fingerprint = fingerprint(conn)?;
    let t_fp = started.elapsed();
    let tiers = pricing::tiers(conn).map_err(|e| match e {
        pricing::PricingError::Query(q) => q,
        other => diesel::result::Error::QueryBuilderError(other.to_string().into()),
    })?;
    // One day of slack: requests apply the exact cutoff, and snapshots live ten minutes.
    let load_cutoff = cutoff(now) - Duration::days(1);
    let listed = developers::table
        .filter(developers::status.eq("approved"))
        .filter(developers::published_at.is_not_null())
        .filter(developers::availability_confirmed_at.ge(load_cutoff));
    let rows: Vec<ListedRow> = listed
        .select((
            developers::id,
            developers::slug,
            developers::first_name,
            developers::last_name,
            developers::headline,
            developers::level,
            developers::commitment,
            developers::years_experience,
            developers::time_zone,
            developers::available_from,
            developers::availability_confirmed_at,
            developers::published_at,
        ))
        .load(conn)?;
    let skill_rows: Vec<(i32, String, String, String)> = skills::table
        .select((skills::id, skills::slug, skills::name, skills::category))
        .order(skills::name.asc())
        .load(conn)?;
    let links: Vec<(i32, i32, i32)> = developer_skills::table
        .filter(developer_skills::developer_id.eq_any(listed.select(developers::id)))
        .select((
            developer_skills::developer_id,
            developer_skills::skill_id,
            developer_skills::years,
        ))
        .load(conn)?;
    let t_load = started.elapsed();

    let skills: Vec<SkillInfo> = skill_rows
        .into_iter()
        .take(256)
        .map(|(id, slug, name, category)| SkillInfo {
            id,
            slug,
            name,
            category,
        })
        .collect();
    let skill_index: HashMap<String, u16> = skills
        .iter()
        .enumerate()
        .map(|(i, s)| (s.slug.clone(), i as u16))
        .collect();
    let skill_by_id: HashMap<i32, u16> = skills
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id, i as u16))
        .collect();

    let mut zones: Vec<Tz> = Vec::new();
    let mut zone_of: HashMap<String, u16> = HashMap::new();
    let mut entries = Vec::with_capacity(rows.len());
    let mut position_of = HashMap::with_capacity(rows.len());
    for row in rows {
        let (id, slug, first, last, headline, level, commitment, years, zone, avail, conf, publ) =
            row;
        let (Some(level), Some(confirmed_at), Some(published_at)) = (
            level.as_deref().and_then(|l| Level::from_str(l).ok()),
            conf,
            publ,
        ) else {
            continue;
        };
        let zone_index = match zone_of.get(&zone) {
            Some(i) => *i,
            None => {
                let tz = zone.parse::<Tz>().unwrap_or(Tz::UTC);
                zones.push(tz);
                let i = (zones.len() - 1) as u16;
                zone_of.insert(zone, i);
                i
            }
        };
        position_of.insert(id, entries.len() as u32);
        entries.push(Entry {
            id,
            slug,
            first_name: first,
            last_initial: last
                .chars()
                .next()
                .map(|c| c.to_uppercase().collect())
                .unwrap_or_default(),
            headline,
            level,
            offer: Offer::parse(&commitment),
            years,
            zone: zone_index,
            available_from: avail,
            confirmed_at,
            published_at,
            skills: SkillSet::default(),
            top_skills: Vec::new(),
        });
    }
    let mut years_of: HashMap<(u32, u16), i32> = HashMap::new();
    for (developer_id, skill_id, years) in links {
        if let (Some(pos), Some(skill)) =
            (position_of.get(&developer_id), skill_by_id.get(&skill_id))
        {
            let entry = &mut entries[*pos as usize];
            entry.skills.insert(*skill as usize);
            entry.top_skills.push(*skill);
            years_of.insert((*pos, *skill), years);
        }
    }
    for (pos, entry) in entries.iter_mut().enumerate() {
        let pos = pos as u32;
        entry.top_skills.sort_by_key(|s| {
            (
                std::cmp::Reverse(years_of.get(&(pos, *s)).copied().unwrap_or(0)),
                *s,
            )
        });
    }

    let today = now.date();
    let price_from = |e: &Entry| price_from(&tiers, e.level, e.offer, None).cents();
    let mut orders: [Vec<u32>; 4] = Default::default();
    for sort in Sort::ALL {
        let mut order: Vec<u32> = (0..entries.len() as u32).collect();
        let key = |p: &u32| &entries[*p as usize];
        match sort {
            Sort::Best => order.sort_by(|a, b| {
                let (a, b) = (key(a), key(b));
                let avail = |e: &Entry| e.available_from.is_none_or(|d| d > today);
                avail(a)
                    .cmp(&avail(b))
                    .then(b.confirmed_at.cmp(&a.confirmed_at))
                    .then(b.id.cmp(&a.id))
            }),
            Sort::Newest => order.sort_by(|a, b| {
                let (a, b) = (key(a), key(b));
                b.published_at.cmp(&a.published_at).then(b.id.cmp(&a.id))
            }),
            Sort::Level => order.sort_by(|a, b| {
                let (a, b) = (key(a), key(b));
                b.level
                    .cmp(&a.level)
                    .then(b.years.cmp(&a.years))
                    .then(a.id.cmp(&b.id))
            }),
            Sort::Price => order.sort_by(|a, b| {
                let (a, b) = (key(a), key(b));
                price_from(a).cmp(&price_from(b)).then(a.id.cmp(&b.id))
            }),
        }
        orders[sort.index()] = order;
    }
    let mut order_rank: [Vec<u32>; 4] = Default::default();
    for sort in Sort::ALL {
        let mut rank = vec![0u32; entries.len()];
        for (r, pos) in orders[sort.index()].iter().enumerate() {
            rank[*pos as usize] = r as u32;
        }
        order_rank[sort.index()] = rank;
    }
    let mut hot: [Vec<Hot>; 4] = Default::default();
    for sort in Sort::ALL {
        hot[sort.index()] = orders[sort.index()]
            .iter()
            .map(|p| Hot::of(*p, &entries[*p as usize]))
            .collect();
    }
    let zone_names: Arc<Vec<String>> =
        Arc::new(zones.iter().map(|z| z.name().to_owned()).collect());
    // The filter lists skills by how many listed developers have them.
    let mut popularity = vec![0usize; skills.len()];
    for e in &entries {
        e.skills.for_each(|s| popularity[s] += 1);
    }
    let mut by_popularity: Vec<SkillInfo> = skills.clone();
    by_popularity.sort_by(|a, b| {
        let (pa, pb) = (
            popularity[skill_index[&a.slug] as usize],
            popularity[skill_index[&b.slug] as usize],
        );
        pb.cmp(&pa).then(a.name.cmp(&b.name))
    });
    tracing::info!(
        developers = entries.len(),
        fingerprint_ms = t_fp.as_millis() as u64,
        load_ms = t_load.as_millis() as u64,
        total_ms = started.elapsed().as_millis() as u64,
        "catalog snapshot built"
    );
    Ok(Snapshot {
        skills_by_popularity: Arc::new(by_popularity),
        entries,
        position_of,
        skills,
        skill_index,
        zones,
        zone_names,
        tiers,
        order_rank,
        hot,
        built_at: Instant::now(),
        fingerprint,
        results: Mutex::new(HashMap::new()),
        searches: Mutex::new(HashMap::new()),
    })
}

fn snapshot(conn: &mut DbConn, key: &str, now: NaiveDateTime) -> QueryResult<Arc<Snapshot>> {
    let cache = cache_for(key);
    let current = cache
        .current
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let forced = cache.force.swap(false, Ordering::SeqCst);
    let Some(current) = current.filter(|_| !forced) else {
        let _building = cache.build_lock.lock().unwrap_or_else(|e| e.into_inner());
        // Another request may have built it while we waited.
        if !forced
            && let Some(s) = cache
                .current
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .clone()
        {
            return Ok(s);
        }
        let fresh = Arc::new(build_snapshot(conn, now)?);
        *cache.current.write().unwrap_or_else(|e| e.into_inner()) = Some(fresh.clone());
        *cache.checked_at.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
        return Ok(fresh);
    };
    let due = cache
        .checked_at
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .elapsed()
        >= CHECK_INTERVAL;
    // One request checks; the others keep serving the current snapshot meanwhile.
    if due
        && cache
            .checking
            .compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
    {
        let outcome = (|| -> QueryResult<Option<Arc<Snapshot>>> {
            let changed = current.built_at.elapsed() >= MAX_SNAPSHOT_AGE
                || fingerprint(conn)? != current.fingerprint;
            if !changed {
                return Ok(None);
            }
            let fresh = Arc::new(build_snapshot(conn, now)?);
            *cache.current.write().unwrap_or_else(|e| e.into_inner()) = Some(fresh.clone());
            Ok(Some(fresh))
        })();
        *cache.checked_at.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
        cache.checking.store(false, Ordering::SeqCst);
        if let Some(fresh) = outcome? {
            return Ok(fresh);
        }
    }
    Ok(current)
}

/// The monthly price a card shows: the cheapest commitment the developer offers (or the
/// chosen one). Prices come from the plans table only.
fn price_from(tiers: &[Tier], level: Level, offer: Offer, chosen: Option<Commitment>) -> Money {
    let tier = tiers.iter().find(|t| t.level == level);
    let Some(tier) = tier else {
        return Money::from_cents(0);
    };
    match (chosen, offer) {
        (Some(Commitment::FullTime), _) | (None, Offer::FullTime) => tier.full_time,
        _ => tier.part_time,
    }
}

// ---------------------------------------------------------------------------------------
// Full-text search

#[derive(QueryableByName)]
struct Hit {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Double)]
    rank: f64,
}

/// Matching developer ids with a rank where lower is better.
fn full_text(conn: &mut DbConn, terms: &[String]) -> QueryResult<Vec<(i32, f64)>> {
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let last = terms.len() - 1;
    let hits: Vec<Hit> = match conn {
        DbConn::Sqlite(c) => {
            // Each word quoted (no operators), the last one as a prefix for type-ahead.
            let expr = terms
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    if i == last && t.chars().count() >= 2 {
                        format!("\"{t}\"*")
                    } else {
                        format!("\"{t}\"")
                    }
                })
                .collect::<Vec<_>>()
                .join(" ");
            diesel::sql_query(
                "SELECT rowid AS id, bm25(developers_fts, 10.0, 6.0, 1.0, 4.0) AS rank \
                 FROM developers_fts WHERE developers_fts MATCH ? ORDER BY rank LIMIT ?",
            )
            .bind::<Text, _>(expr)
            .bind::<diesel::sql_types::BigInt, _>(MAX_FTS_HITS)
            .load(c)?
        }
        DbConn::Pg(c) => {
            let expr = terms
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    if i == last && t.chars().count() >= 2 {
                        format!("{t}:*")
                    } else {
                        t.clone()
                    }
                })
                .collect::<Vec<_>>()
                .join(" & ");
            diesel::sql_query(
                "SELECT id, -ts_rank(search_tsv, query)::float8 AS rank \
                 FROM developers, to_tsquery('english', $1) AS query \
                 WHERE search_tsv @@ query AND status = 'approved' AND published_at IS NOT NULL \
                 ORDER BY rank LIMIT $2",
            )
            .bind::<Text, _>(expr)
            .bind::<diesel::sql_types::BigInt, _>(MAX_FTS_HITS)
            .load(c)?
        }
    };
    Ok(hits.into_iter().map(|h| (h.id, h.rank)).collect())
}

// ---------------------------------------------------------------------------------------
// Search

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
}

#[derive(Debug, Clone)]
pub struct SkillFacet {
    pub slug: String,
    pub name: String,
    pub count: usize,
    pub selected: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Facets {
    pub levels: Vec<(Level, usize)>,
    pub skills: Vec<SkillFacet>,
    pub commitments: Vec<(Commitment, usize)>,
    /// (minimum years, developers with at least that many)
    pub years: Vec<(u8, usize)>,
    pub available_now: usize,
    /// (minimum hours, developers with at least that overlap); empty without a zone.
    pub overlap: Vec<(u8, usize)>,
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
}

struct Computed {
    total: usize,
    page: u32,
    pages: u32,
    cards: Arc<Vec<Card>>,
    facets: Arc<Facets>,
    unknown_skills: Vec<String>,
}

const F_LEVEL: u8 = 1;
const F_SKILLS: u8 = 2;
const F_COMMIT: u8 = 4;
const F_YEARS: u8 = 8;
const F_AVAIL: u8 = 16;
const F_OVERLAP: u8 = 32;

/// Runs a catalog search. `cache_key` names the database (one snapshot per database).
pub fn search(
    conn: &mut DbConn,
    cache_key: &str,
    filter: &CatalogFilter,
    viewer: &Viewer,
    now: NaiveDateTime,
) -> QueryResult<CatalogPage> {
    let snap = snapshot(conn, cache_key, now)?;
    let zone = filter.zone.or(viewer.zone);
    let key = filter.cache_key(zone);
    let cached = snap
        .results
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&key)
        .cloned();
    let computed = match cached {
        Some(c) => c,
        None => {
            let computed = Arc::new(compute(conn, &snap, filter, zone, now)?);
            let mut results = snap.results.lock().unwrap_or_else(|e| e.into_inner());
            if results.len() >= CACHE_ENTRIES {
                results.clear();
            }
            results.insert(key, computed.clone());
            computed
        }
    };
    Ok(CatalogPage {
        filter: filter.clone(),
        zone,
        total: computed.total,
        page: computed.page,
        pages: computed.pages,
        cards: computed.cards.clone(),
        facets: computed.facets.clone(),
        unknown_skills: computed.unknown_skills.clone(),
        all_skills: Arc::clone(&snap.skills_by_popularity),
        zone_options: Arc::clone(&snap.zone_names),
    })
}

fn search_hits(conn: &mut DbConn, snap: &Snapshot, query: &str) -> QueryResult<Hits> {
    let terms = query_terms(query);
    let key = terms.join(" ");
    if let Some(hits) = snap
        .searches
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&key)
    {
        return Ok(hits.clone());
    }
    let mut hits: Vec<(u32, f64)> = full_text(conn, &terms)?
        .into_iter()
        .filter_map(|(id, rank)| snap.position_of.get(&id).map(|p| (*p, rank)))
        .collect();
    // Best first, once per query rather than per request.
    hits.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    let hits = Arc::new(hits);
    let mut searches = snap.searches.lock().unwrap_or_else(|e| e.into_inner());
    if searches.len() >= CACHE_ENTRIES {
        searches.clear();
    }
    searches.insert(key, hits.clone());
    Ok(hits)
}

fn compute(
    conn: &mut DbConn,
    snap: &Snapshot,
    filter: &CatalogFilter,
    zone: Option<Tz>,
    now: NaiveDateTime,
) -> QueryResult<Computed> {
    let cutoff = cutoff(now);
    let today = now.date();
    let mut wanted = SkillSet::default();
    let mut unknown_skills = Vec::new();
    for slug in &filter.skills {
        match snap.skill_index.get(slug) {
            Some(i) => wanted.insert(*i as usize),
            None => unknown_skills.push(slug.clone()),
        }
    }
    // Overlap per distinct zone (there are few), on today's date in the viewer's zone.
    let overlaps: Option<Vec<u32>> = zone.map(|viewer_zone| {
        let date = now.and_utc().with_timezone(&viewer_zone).date_naive();
        snap.zones
            .iter()
            .map(|z| overlap_minutes(viewer_zone, *z, date))
            .collect()
    });

    let mut facets_levels = [0usize; 3];
    let mut facets_commit = [0usize; 2];
    let mut facets_years = [0usize; YEARS_BUCKETS.len()];
    let mut facets_overlap = [0usize; OVERLAP_BUCKETS.len()];
    let mut facets_avail = 0usize;
    let mut facets_skills = vec![0usize; snap.skills.len()];
    let mut matches: Vec<u32> = Vec::new();
    let skills_impossible = !unknown_skills.is_empty();
    let has_wanted = wanted != SkillSet::default();
    let mut visit = |e: &Hot| {
        if e.confirmed_at < cutoff {
            return;
        }
        let available = e.available_from.is_some_and(|d| d <= today);
        let overlap = overlaps.as_ref().map(|o| o[e.zone as usize]);
        let mut failed = 0u8;
        if !filter.levels.is_empty() && !filter.levels.contains(&e.level) {
            failed |= F_LEVEL;
        }
        if skills_impossible || (has_wanted && !e.skills.contains_all(&wanted)) {
            // An unknown skill is one nobody has: all-of can't be met.
            failed |= F_SKILLS;
        }
        if filter.commitment.is_some_and(|c| !e.offer.allows(c)) {
            failed |= F_COMMIT;
        }
        if filter.min_years.is_some_and(|y| e.years < i32::from(y)) {
            failed |= F_YEARS;
        }
        if filter.available_now && !available {
            failed |= F_AVAIL;
        }
        if let (Some(hours), Some(minutes)) = (filter.overlap_hours, overlap)
            && minutes < u32::from(hours) * 60
        {
            failed |= F_OVERLAP;
        }
        if failed & !F_LEVEL == 0 {
            facets_levels[e.level as usize] += 1;
        }
        if failed & !F_COMMIT == 0 {
            for (i, c) in Commitment::ALL.iter().enumerate() {
                if e.offer.allows(*c) {
                    facets_commit[i] += 1;
                }
            }
        }
        if failed & !F_YEARS == 0 {
            for (i, b) in YEARS_BUCKETS.iter().enumerate() {
                if e.years >= i32::from(*b) {
                    facets_years[i] += 1;
                }
            }
        }
        if failed & !F_AVAIL == 0 && available {
            facets_avail += 1;
        }
        if failed & !F_OVERLAP == 0
            && let Some(minutes) = overlap
        {
            for (i, b) in OVERLAP_BUCKETS.iter().enumerate() {
                if minutes >= u32::from(*b) * 60 {
                    facets_overlap[i] += 1;
                }
            }
        }
        if failed == 0 {
            e.skills.for_each(|s| facets_skills[s] += 1);
            matches.push(e.pos);
        }
    };

    if filter.query.is_empty() {
        // Sequential over this sort's packed array.
        snap.hot[filter.sort.index()].iter().for_each(&mut visit);
    } else {
        let hits = search_hits(conn, snap, &filter.query)?;
        let rank = &snap.order_rank[filter.sort.index()];
        let hot = &snap.hot[filter.sort.index()];
        if filter.sort == Sort::Best {
            // Hits are stored in best-first order (see `search_hits`).
            for (p, _) in hits.iter() {
                visit(&hot[rank[*p as usize] as usize]);
            }
        } else {
            // Ranks in this sort's order, sorted: the walk is in display order and reads
            // the packed array forwards.
            let mut ranks: Vec<u32> = hits.iter().map(|(p, _)| rank[*p as usize]).collect();
            ranks.sort_unstable();
            for r in ranks {
                visit(&hot[r as usize]);
            }
        }
    }

    let total = matches.len();
    let pages = total.div_ceil(PAGE_SIZE).max(1) as u32;
    let page = filter.page.clamp(1, pages);
    let start = (page as usize - 1) * PAGE_SIZE;
    let cards = matches
        .iter()
        .skip(start)
        .take(PAGE_SIZE)
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
                overlap_minutes: overlaps.as_ref().map(|o| o[e.zone as usize]),
                price_from: price_from(&snap.tiers, e.level, e.offer, filter.commitment),
                commitment: e.offer.label(),
                available_now: e.available_from.is_some_and(|d| d <= today),
                available_from: e.available_from,
                years: e.years,
            }
        })
        .collect();

    let mut skills: Vec<SkillFacet> = snap
        .skills
        .iter()
        .enumerate()
        .map(|(i, s)| SkillFacet {
            slug: s.slug.clone(),
            name: s.name.clone(),
            count: facets_skills[i],
            selected: filter.skills.contains(&s.slug),
        })
        .filter(|f| f.count > 0 || f.selected)
        .collect();
    skills.sort_by(|a, b| {
        b.selected
            .cmp(&a.selected)
            .then(b.count.cmp(&a.count))
            .then(a.name.cmp(&b.name))
    });
    let facets = Facets {
        levels: Level::ALL
            .iter()
            .map(|l| (*l, facets_levels[*l as usize]))
            .collect(),
        skills,
        commitments: Commitment::ALL
            .iter()
            .enumerate()
            .map(|(i, c)| (*c, facets_commit[i]))
            .collect(),
        years: YEARS_BUCKETS
            .iter()
            .zip(facets_years)
            .map(|(b, n)| (*b, n))
            .collect(),
        available_now: facets_avail,
        overlap: if zone.is_some() {
            OVERLAP_BUCKETS
                .iter()
                .zip(facets_overlap)
                .map(|(b, n)| (*b, n))
                .collect()
        } else {
            Vec::new()
        },
    };
    Ok(Computed {
        total,
        page,
        pages,
        cards: Arc::new(cards),
        facets: Arc::new(facets),
        unknown_skills,
    })
}

/// "Maya O." — last names stay an initial until an engagement exists (DESIGN §2).
pub fn display_name(first: &str, last_initial: &str) -> String {
    if last_initial.is_empty() {
        first.to_owned()
    } else {
        format!("{first} {last_initial}.")
    }
}

/// Slugs of every listed profile, for the sitemap.
pub fn listed_slugs(
    conn: &mut DbConn,
    cache_key: &str,
    now: NaiveDateTime,
) -> QueryResult<Vec<(String, NaiveDateTime)>> {
    let snap = snapshot(conn, cache_key, now)?;
    let cutoff = cutoff(now);
    Ok(snap
        .entries
        .iter()
        .filter(|e| e.confirmed_at >= cutoff)
        .map(|e| (e.slug.clone(), e.published_at.max(e.confirmed_at)))
        .collect())
}

// ---------------------------------------------------------------------------------------
// Profile

#[derive(Debug, Clone)]
pub struct ProfileSkill {
    pub name: String,
    pub slug: String,
    pub years: i32,
}

#[derive(Debug, Clone)]
pub struct Profile {
    pub developer: developer::DeveloperRow,
    pub display_name: String,
    pub level: Option<Level>,
    pub listed: bool,
    pub skills: Vec<ProfileSkill>,
    pub experiences: Vec<experience::ExperienceRow>,
    pub reviews: Vec<vetting_review::VettingReviewRow>,
    pub tier: Option<Tier>,
    pub overlap_minutes: Option<u32>,
    pub available_now: bool,
}

/// Whether a profile appears in the catalog at `now`.
pub fn is_listed(d: &developer::DeveloperRow, now: NaiveDateTime) -> bool {
    d.status == "approved"
        && d.published_at.is_some()
        && d.availability_confirmed_at
            .is_some_and(|c| c >= cutoff(now))
}

/// A profile as the viewer may see it: `None` when it doesn't exist or is unlisted and the
/// viewer is neither an admin nor its owner.
pub fn profile(
    conn: &mut DbConn,
    slug: &str,
    viewer: &Viewer,
    now: NaiveDateTime,
) -> QueryResult<Option<Profile>> {
    let Some(d) = developer::find_by_slug(conn, slug)? else {
        return Ok(None);
    };
    let listed = is_listed(&d, now);
    if !listed && !viewer.is_admin && viewer.developer_id != Some(d.id) {
        return Ok(None);
    }
    let names: HashMap<i32, (String, String)> = skills::table
        .select((skills::id, skills::slug, skills::name))
        .load::<(i32, String, String)>(conn)?
        .into_iter()
        .map(|(id, slug, name)| (id, (slug, name)))
        .collect();
    let skills = developer_skill::for_developer(conn, d.id)?
        .into_iter()
        .filter_map(|s| {
            names.get(&s.skill_id).map(|(slug, name)| ProfileSkill {
                name: name.clone(),
                slug: slug.clone(),
                years: s.years,
            })
        })
        .collect();
    let experiences = experience::for_developer(conn, d.id)?;
    let reviews = vetting_review::passed_for_developer(conn, d.id)?;
    let level = d.level.as_deref().and_then(|l| Level::from_str(l).ok());
    let tier = match level {
        Some(level) => pricing::tiers(conn)
            .map_err(|e| diesel::result::Error::QueryBuilderError(e.to_string().into()))?
            .into_iter()
            .find(|t| t.level == level),
        None => None,
    };
    let overlap = match (viewer.zone, d.time_zone.parse::<Tz>()) {
        (Some(viewer_zone), Ok(dev_zone)) => {
            let date = now.and_utc().with_timezone(&viewer_zone).date_naive();
            Some(overlap_minutes(viewer_zone, dev_zone, date))
        }
        _ => None,
    };
    let last_initial: String = d
        .last_name
        .chars()
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    Ok(Some(Profile {
        display_name: display_name(&d.first_name, &last_initial),
        available_now: d.available_from.is_some_and(|a| a <= now.date()),
        level,
        listed,
        skills,
        experiences,
        reviews,
        tier,
        overlap_minutes: overlap,
        developer: d,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_filter_and_round_trips() {
        let f = CatalogFilter::parse(
            "level=L2&level=L1&skill=rust&skill=postgresql&commitment=full_time&years=5&available=1&overlap=4&tz=Europe%2FBerlin&q=async+apis&sort=price&page=3&utm_source=x",
        )
        .unwrap();
        assert_eq!(f.levels, vec![Level::L1, Level::L2]);
        assert_eq!(f.skills, vec!["postgresql", "rust"]);
        assert_eq!(f.commitment, Some(Commitment::FullTime));
        assert_eq!(f.min_years, Some(5));
        assert!(f.available_now);
        assert_eq!(f.overlap_hours, Some(4));
        assert_eq!(f.zone, Some(chrono_tz::Europe::Berlin));
        assert_eq!(f.query, "async apis");
        assert_eq!(f.sort, Sort::Price);
        assert_eq!(f.page, 3);
        assert_eq!(CatalogFilter::parse(&f.to_query(Some(3))).unwrap(), f);
    }

    #[test]
    fn empty_values_mean_any() {
        let f =
            CatalogFilter::parse("level=&commitment=&years=&overlap=&tz=&q=&sort=&page=").unwrap();
        assert!(f.is_unfiltered());
        assert_eq!(f.page, 1);
        assert_eq!(f.to_query(None), "");
    }

    #[test]
    fn refuses_bad_values() {
        for bad in [
            "level=L4",
            "level=%3Cscript%3E",
            "page=0",
            "page=-1",
            "page=99999999999999999999",
            "page=abc",
            "sort=random",
            "commitment=weekends",
            "years=-3",
            "overlap=9",
            "tz=Mars%2FOlympus",
            "q=%FF",
            "available=maybe",
        ] {
            assert!(CatalogFilter::parse(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn long_queries_are_refused_and_terms_lose_syntax() {
        assert!(CatalogFilter::parse(&format!("q={}", "a".repeat(10_000))).is_err());
        let ok = format!("q={}", "é".repeat(MAX_QUERY_CHARS));
        assert_eq!(
            CatalogFilter::parse(&ok).unwrap().query.chars().count(),
            MAX_QUERY_CHARS
        );
        assert_eq!(
            query_terms("\"rust\" OR NEAR(pg*) -x"),
            vec!["rust", "or", "near", "pg", "x"]
        );
    }

    #[test]
    fn skill_sets_check_all_of() {
        let mut dev = SkillSet::default();
        dev.insert(3);
        dev.insert(130);
        let mut want = SkillSet::default();
        want.insert(130);
        assert!(dev.contains_all(&want));
        want.insert(4);
        assert!(!dev.contains_all(&want));
        let mut seen = Vec::new();
        dev.for_each(|i| seen.push(i));
        assert_eq!(seen, vec![3, 130]);
    }

    #[test]
    fn names_show_the_last_initial_only() {
        assert_eq!(display_name("Maya", "O"), "Maya O.");
    }
}
