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
//! and facets count ([`crate::services::catalog_bits`]), and check every [`CHECK_INTERVAL`]
//! whether the listed set changed (count and latest change times). Full-text search runs
//! in the database (FTS5 / tsvector), once per term per snapshot. Matches and facets are
//! cached per filter (the page aside), so paging reuses them. Figures and plans:
//! docs/catalog-benchmark.md; `ladder catalog explain` prints the plans.

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex, RwLock};
use std::time::{Duration as StdDuration, Instant};

use chrono::{Duration, NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use diesel::prelude::*;
use diesel::sql_types::{Double, Integer, Text};

use crate::db::{Db, DbConn};
use crate::domain::overlap::overlap_minutes;
pub use crate::domain::profile::{AVAILABILITY_DAYS, display_name};
use crate::domain::{Commitment, Level, Money};
use crate::models::{developer, developer_skill, experience, vetting_review};
use crate::schema::skills;
use crate::services::catalog_bits::Bits;
use crate::services::pricing::{self, Tier};

pub use developer::is_listed;

pub const PAGE_SIZE: usize = 20;
/// Longer text queries are refused (the search box has this `maxlength`).
pub const MAX_QUERY_CHARS: usize = 200;
pub const MAX_PAGE: u32 = 10_000;
pub const MAX_SKILLS: usize = 10;
/// How often one request checks whether the listed profiles changed.
pub const CHECK_INTERVAL: StdDuration = StdDuration::from_secs(2);
/// A snapshot is rebuilt at least this often (availability ages out with the clock; the
/// 30-day rule is applied per request, so this only bounds drift of the sort orders).
pub const MAX_SNAPSHOT_AGE: StdDuration = StdDuration::from_secs(600);
pub const YEARS_BUCKETS: [u8; 4] = [2, 5, 8, 12];
pub const OVERLAP_BUCKETS: [u8; 4] = [2, 4, 6, 8];
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

    /// What the matches and facets depend on: everything but the page.
    fn match_key(&self, zone: Option<Tz>) -> String {
        let mut key = self.to_query(None);
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
    #[cfg(test)]
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

/// Posting lists of one sort order: for each filter value, the bitset of the entries that
/// have it, in that order's position space (bit `r` is the `r`-th entry in the order).
struct OrderIndex {
    /// Rank → snapshot position.
    order: Vec<u32>,
    /// Snapshot position → rank.
    rank: Vec<u32>,
    levels: [Bits; 3],
    /// Indexed like [`Commitment::ALL`]: entries that offer that commitment.
    offers: [Bits; 2],
    skills: Vec<Bits>,
    zones: Vec<Bits>,
    /// `years_at_least[y]`: entries with at least `y` years, for `y` in `0..=MAX_YEARS`.
    years_at_least: Vec<Bits>,
    /// Rank → skill set and zone: facet counts over few matches walk these in rank order
    /// instead of intersecting every skill's (or zone's) bitset (see [`facet_counts`]).
    skill_sets: Vec<SkillSet>,
    zone_of: Vec<u16>,
}

/// The largest minimum-years filter the query string accepts.
const MAX_YEARS: usize = 40;

impl OrderIndex {
    fn build(order: Vec<u32>, entries: &[Entry], skills: usize, zones: usize) -> OrderIndex {
        let n = entries.len();
        let mut rank = vec![0u32; n];
        for (r, pos) in order.iter().enumerate() {
            rank[*pos as usize] = r as u32;
        }
        let mut levels: [Bits; 3] = std::array::from_fn(|_| Bits::zeros(n));
        let mut offers: [Bits; 2] = std::array::from_fn(|_| Bits::zeros(n));
        let mut skill_bits = vec![Bits::zeros(n); skills];
        let mut zone_bits = vec![Bits::zeros(n); zones];
        let mut years_at_least = vec![Bits::zeros(n); MAX_YEARS + 1];
        let mut skill_sets = Vec::with_capacity(n);
        let mut zone_of = Vec::with_capacity(n);
        for (r, pos) in order.iter().enumerate() {
            let e = &entries[*pos as usize];
            skill_sets.push(e.skills);
            zone_of.push(e.zone);
            levels[e.level as usize].set(r);
            for (i, c) in Commitment::ALL.iter().enumerate() {
                if e.offer.allows(*c) {
                    offers[i].set(r);
                }
            }
            e.skills.for_each(|k| skill_bits[k].set(r));
            zone_bits[e.zone as usize].set(r);
            let years = e.years.clamp(0, MAX_YEARS as i32) as usize;
            for bits in &mut years_at_least[..=years] {
                bits.set(r);
            }
        }
        OrderIndex {
            order,
            rank,
            levels,
            offers,
            skills: skill_bits,
            zones: zone_bits,
            years_at_least,
            skill_sets,
            zone_of,
        }
    }
}

/// How many of `matches` have each value of a many-valued facet (skills: 124 values;
/// zones: ≈ 50). Two ways, the cheaper one chosen by the number of matches: walk the
/// matches and add up their values (`per_match` visits each match's values), or
/// intersect each value's bitset with the matches (a popcount per 64 entries per value,
/// which the compiler vectorises). A level and a skill leave a few thousand of 57,000
/// matches, where the walk reads far less memory; with no filter, the intersections win.
fn facet_counts(
    matches: &Bits,
    values: &[Bits],
    per_match: impl Fn(usize, &mut [usize]),
) -> Vec<usize> {
    let mut counts = vec![0usize; values.len()];
    let found = matches.count();
    // A match costs a 32-byte load and about six increments; a word, an AND and a popcount:
    // one match ≈ 16 words.
    if found.saturating_mul(16) < values.len().saturating_mul(matches.words().len()) {
        for r in matches.iter() {
            per_match(r, &mut counts);
        }
    } else {
        for (count, value) in counts.iter_mut().zip(values) {
            *count = matches.and_count(value);
        }
    }
    counts
}

/// The sets that depend on the clock, for one sort order: still listed at the request's
/// cutoff, and available today.
struct Dated {
    listed: Bits,
    available: Bits,
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
    /// The snapshot holds the rows confirmed since then; the check counts the same rows.
    cutoff: NaiveDateTime,
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
    orders: [OrderIndex; 4],
    /// (confirmation time, position), oldest first: the entries past the 30-day cutoff
    /// are a prefix.
    by_confirmed: Vec<(NaiveDateTime, u32)>,
    /// (available from, position) of entries with a date, earliest first: the entries
    /// available today are a prefix.
    by_available: Vec<(NaiveDate, u32)>,
    /// [`Dated`] per (sort, expired entries, available entries): changes a few times a day.
    dated: Mutex<HashMap<DatedKey, Arc<Dated>>>,
    /// Overlap minutes with each zone in `zones`, per (viewer zone, viewer's date).
    overlaps: Mutex<HashMap<(Tz, NaiveDate), Overlaps>>,
    built_at: Instant,
    fingerprint: Fingerprint,
    /// Matches and facets per filter (page aside) and clock state: paging through results
    /// reuses them.
    results: Mutex<Fifo<(String, DatedKey), Arc<Matched>>>,
    /// Hits per search term, bounded by [`TERM_CACHE_HITS`] hits in all.
    terms: Mutex<Fifo<String, TermCell>>,
}

/// Overlap minutes with each of a snapshot's zones.
type Overlaps = Arc<Vec<u32>>;

/// (sort, entries past the 30-day cutoff, entries available today).
type DatedKey = (usize, usize, usize);

/// Hits of one search term: (snapshot position, score: lower is better), by position.
/// `None` for a term the database ignores (a PostgreSQL stop word).
type TermHits = Arc<Option<Vec<(u32, f64)>>>;

/// A term's hits once looked up (`None` inside: the lookup failed). Requests that want a
/// term being looked up wait for that lookup instead of running the same query.
type TermCell = Arc<std::sync::OnceLock<Option<TermHits>>>;

/// A map that forgets its oldest entries when it is full (first in, first out): a popular
/// key that goes is simply computed and inserted again. `weight` bounds memory besides the
/// number of entries.
struct Fifo<K, V> {
    map: HashMap<K, (V, usize)>,
    order: VecDeque<K>,
    entries: usize,
    max_weight: usize,
    weight: usize,
}

impl<K: Hash + Eq + Clone, V> Fifo<K, V> {
    fn new(entries: usize, max_weight: usize) -> Self {
        Fifo {
            map: HashMap::new(),
            order: VecDeque::new(),
            entries,
            max_weight,
            weight: 0,
        }
    }

    fn get(&self, key: &K) -> Option<&V> {
        self.map.get(key).map(|(v, _)| v)
    }

    /// Oldest first.
    fn keys(&self) -> impl DoubleEndedIterator<Item = &K> {
        self.order.iter()
    }

    fn insert(&mut self, key: K, value: V, weight: usize) {
        match self.map.insert(key.clone(), (value, weight)) {
            Some((_, old)) => self.weight -= old,
            None => self.order.push_back(key),
        }
        self.weight += weight;
        self.evict(0);
    }

    /// Changes a kept entry's weight (evicting others if that goes over the bound).
    fn reweigh(&mut self, key: &K, weight: usize) {
        if let Some((_, w)) = self.map.get_mut(key) {
            self.weight = self.weight - *w + weight;
            *w = weight;
        }
        self.evict(1);
    }

    /// Drops the oldest entries while over a bound, keeping at least `keep`.
    fn evict(&mut self, keep: usize) {
        while self.map.len() > keep
            && (self.map.len() > self.entries || self.weight > self.max_weight)
        {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            if let Some((_, w)) = self.map.remove(&oldest) {
                self.weight -= w;
            }
        }
    }

    fn remove(&mut self, key: &K) {
        if let Some((_, w)) = self.map.remove(key) {
            self.weight -= w;
            self.order.retain(|k| k != key);
        }
    }
}

/// A rebuilt snapshot looks up again the previous one's terms until it holds this many
/// hits: ≈ 0.5–1 s of one core on SQLite (bm25 costs ≈ 3 µs a hit), a little more with
/// PostgreSQL's `ts_rank`. Bounded because a busy catalog rebuilds often.
const WARM_HITS: usize = 250_000;

/// At most this many term hits are cached per snapshot (≈ 16 bytes each).
const TERM_CACHE_HITS: usize = 2_000_000;

struct CatalogCache {
    current: RwLock<Option<Arc<Snapshot>>>,
    build_lock: Mutex<()>,
    checked_at: Mutex<Instant>,
    checking: AtomicBool,
    force: AtomicBool,
    /// The last [`developer::listing_generation`] a request saw: the first request to see
    /// a newer one rebuilds.
    seen_generation: AtomicU64,
    /// When set, the periodic change check and rebuild run on a thread of their own with a
    /// connection from this pool, so no request waits for them.
    refresh_pool: Mutex<Option<Db>>,
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
                seen_generation: AtomicU64::new(developer::listing_generation()),
                refresh_pool: Mutex::new(None),
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

/// Lets the periodic change check of this database's snapshot (and the rebuild it may
/// trigger) run in the background with connections from `db` (the server calls it once).
pub fn refresh_in_background(cache_key: &str, db: Db) {
    *cache_for(cache_key)
        .refresh_pool
        .lock()
        .unwrap_or_else(|e| e.into_inner()) = Some(db);
}

/// The rows a snapshot is loaded from: approved, published, availability confirmed since
/// `cutoff`. Shared by the snapshot load, the change check and `ladder catalog explain`
/// (`catalog_plans`), so the plans printed are those of the SQL that runs.
macro_rules! listed_developers {
    ($cutoff:expr) => {{
        use $crate::schema::developers as d;
        d::table
            .filter(d::status.eq("approved"))
            .filter(d::availability_confirmed_at.ge($cutoff))
            .filter(d::published_at.is_not_null())
    }};
}

/// The change check: how many rows are listed and their latest change.
macro_rules! fingerprint_query {
    ($cutoff:expr) => {{
        use $crate::schema::developers as d;
        $crate::services::catalog::listed_developers!($cutoff)
            .select((diesel::dsl::count_star(), diesel::dsl::max(d::updated_at)))
    }};
}

/// The snapshot load: the listed developers' card fields.
macro_rules! listed_rows_query {
    ($cutoff:expr) => {{
        use $crate::schema::developers as d;
        $crate::services::catalog::listed_developers!($cutoff).select((
            d::id,
            d::slug,
            d::first_name,
            d::last_name,
            d::headline,
            d::level,
            d::commitment,
            d::years_experience,
            d::time_zone,
            d::available_from,
            d::availability_confirmed_at,
            d::published_at,
        ))
    }};
}

/// The snapshot load: the listed developers' skills.
macro_rules! listed_skills_query {
    ($cutoff:expr) => {{
        use $crate::schema::{developer_skills as ds, developers as d};
        let listed = $crate::services::catalog::listed_developers!($cutoff).select(d::id);
        ds::table.filter(ds::developer_id.eq_any(listed)).select((
            ds::developer_id,
            ds::skill_id,
            ds::years,
        ))
    }};
}

pub(crate) use {fingerprint_query, listed_developers, listed_rows_query, listed_skills_query};

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

fn cutoff(now: NaiveDateTime) -> NaiveDateTime {
    now - Duration::days(AVAILABILITY_DAYS)
}

/// What the change check compares: the rows the snapshot was loaded from (count and latest
/// change, answered from `developers_listed_idx` alone) and the plan prices.
fn fingerprint(conn: &mut DbConn, cutoff: NaiveDateTime) -> QueryResult<Fingerprint> {
    let (listed, updated): (i64, Option<NaiveDateTime>) = fingerprint_query!(cutoff).first(conn)?;
    let plans = crate::models::plan::all(conn)?
        .iter()
        .map(|p| p.price_cents * 31 + i64::from(p.hours_per_month))
        .sum();
    Ok(Fingerprint {
        cutoff,
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
    // One day of slack: requests apply the exact cutoff, and snapshots live ten minutes.
    let load_cutoff = cutoff(now) - Duration::days(1);
    let fingerprint = fingerprint(conn, load_cutoff)?;
    let t_fp = started.elapsed();
    let tiers = pricing::tiers(conn).map_err(|e| match e {
        pricing::PricingError::Query(q) => q,
        other => diesel::result::Error::QueryBuilderError(other.to_string().into()),
    })?;
    let rows: Vec<ListedRow> = listed_rows_query!(load_cutoff).load(conn)?;
    let skill_rows: Vec<(i32, String, String, String)> = skills::table
        .select((skills::id, skills::slug, skills::name, skills::category))
        .order(skills::name.asc())
        .load(conn)?;
    let links: Vec<(i32, i32, i32)> = listed_skills_query!(load_cutoff).load(conn)?;
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

    let snapshot = Snapshot::assemble(entries, skills, zones, tiers, fingerprint, now);
    tracing::info!(
        developers = snapshot.entries.len(),
        fingerprint_ms = t_fp.as_millis() as u64,
        load_ms = t_load.as_millis() as u64,
        total_ms = started.elapsed().as_millis() as u64,
        "catalog snapshot built"
    );
    Ok(snapshot)
}

impl Snapshot {
    /// Sort orders, posting lists and lookups over loaded entries.
    fn assemble(
        entries: Vec<Entry>,
        skills: Vec<SkillInfo>,
        zones: Vec<Tz>,
        tiers: Vec<Tier>,
        fingerprint: Fingerprint,
        now: NaiveDateTime,
    ) -> Snapshot {
        let today = now.date();
        let position_of: HashMap<i32, u32> = entries
            .iter()
            .enumerate()
            .map(|(pos, e)| (e.id, pos as u32))
            .collect();
        let skill_index: HashMap<String, u16> = skills
            .iter()
            .enumerate()
            .map(|(i, s)| (s.slug.clone(), i as u16))
            .collect();
        let price_from = |e: &Entry| price_from(&tiers, e.level, e.offer, None).cents();
        let orders: [OrderIndex; 4] = std::array::from_fn(|i| {
            let sort = Sort::ALL[i];
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
            OrderIndex::build(order, &entries, skills.len(), zones.len())
        });
        let mut by_confirmed: Vec<(NaiveDateTime, u32)> = entries
            .iter()
            .enumerate()
            .map(|(pos, e)| (e.confirmed_at, pos as u32))
            .collect();
        by_confirmed.sort_unstable();
        let mut by_available: Vec<(NaiveDate, u32)> = entries
            .iter()
            .enumerate()
            .filter_map(|(pos, e)| e.available_from.map(|d| (d, pos as u32)))
            .collect();
        by_available.sort_unstable();
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
        Snapshot {
            skills_by_popularity: Arc::new(by_popularity),
            entries,
            position_of,
            skills,
            skill_index,
            zones,
            zone_names,
            tiers,
            orders,
            by_confirmed,
            by_available,
            dated: Mutex::new(HashMap::new()),
            overlaps: Mutex::new(HashMap::new()),
            built_at: Instant::now(),
            fingerprint,
            results: Mutex::new(Fifo::new(CACHE_ENTRIES, usize::MAX)),
            terms: Mutex::new(Fifo::new(CACHE_ENTRIES, TERM_CACHE_HITS)),
        }
    }

    /// Which entries the clock has expired and made available: what [`Snapshot::dated`]
    /// depends on.
    fn dated_key(&self, sort: Sort, cutoff: NaiveDateTime, today: NaiveDate) -> DatedKey {
        let expired = self.by_confirmed.partition_point(|(c, _)| *c < cutoff);
        let available = self.by_available.partition_point(|(d, _)| *d <= today);
        (sort.index(), expired, available)
    }

    /// Listed-at-`cutoff` and available-on-`today` sets in `sort`'s position space.
    fn dated(&self, sort: Sort, cutoff: NaiveDateTime, today: NaiveDate) -> Arc<Dated> {
        let key = self.dated_key(sort, cutoff, today);
        let (_, expired, available) = key;
        if let Some(d) = self
            .dated
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
        {
            return d.clone();
        }
        let index = &self.orders[sort.index()];
        let n = self.entries.len();
        let mut listed = Bits::ones(n);
        for (_, pos) in &self.by_confirmed[..expired] {
            listed.clear(index.rank[*pos as usize] as usize);
        }
        let mut available_bits = Bits::zeros(n);
        for (_, pos) in &self.by_available[..available] {
            available_bits.set(index.rank[*pos as usize] as usize);
        }
        let dated = Arc::new(Dated {
            listed,
            available: available_bits,
        });
        let mut cache = self.dated.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() >= 64 {
            cache.clear();
        }
        cache.insert(key, dated.clone());
        dated
    }

    /// A term's hits if this snapshot has looked them up.
    fn cached_term(&self, key: &str) -> Option<TermHits> {
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
    fn warm_terms(&self, conn: &mut DbConn, previous: &Snapshot) {
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
    fn term(&self, conn: &mut DbConn, key: &str) -> QueryResult<TermHits> {
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

    /// Overlap minutes between the viewer's zone and each developer zone, on today's date
    /// in the viewer's zone.
    fn overlaps(&self, viewer_zone: Tz, now: NaiveDateTime) -> Arc<Vec<u32>> {
        let date = now.and_utc().with_timezone(&viewer_zone).date_naive();
        let key = (viewer_zone, date);
        if let Some(o) = self
            .overlaps
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
        {
            return o.clone();
        }
        let minutes: Arc<Vec<u32>> = Arc::new(
            self.zones
                .iter()
                .map(|z| overlap_minutes(viewer_zone, *z, date))
                .collect(),
        );
        let mut cache = self.overlaps.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() >= 1024 {
            cache.clear();
        }
        cache.insert(key, minutes.clone());
        minutes
    }
}

fn snapshot(conn: &mut DbConn, key: &str, now: NaiveDateTime) -> QueryResult<Arc<Snapshot>> {
    let cache = cache_for(key);
    let current = cache
        .current
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let generation = developer::listing_generation();
    // A write in this process (see `developer::listing_may_change`): rebuild now, so the
    // writer's next page shows it. Only the first request to notice pays for it.
    let written = cache.seen_generation.swap(generation, Ordering::SeqCst) != generation;
    let forced = cache.force.swap(false, Ordering::SeqCst) || written;
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
    if let Some(fresh) = check_if_due(&cache, &current, Some(conn), now)? {
        return Ok(fresh);
    }
    Ok(current)
}

/// The current snapshot when it can be served without a connection: one exists, no write
/// in this process is waiting to be seen, and checks run in the background.
fn current_without_db(cache: &Arc<CatalogCache>) -> Option<Arc<Snapshot>> {
    let current = cache
        .current
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone()?;
    let has_pool = cache
        .refresh_pool
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .is_some();
    if !has_pool
        || cache.force.load(Ordering::SeqCst)
        || cache.seen_generation.load(Ordering::SeqCst) != developer::listing_generation()
    {
        return None;
    }
    match check_if_due(cache, &current, None, crate::models::now()) {
        Ok(None) => Some(current),
        _ => None,
    }
}

/// Every [`CHECK_INTERVAL`], one caller checks whether the listed set changed: on a
/// background thread when the server registered a pool, else inline with `conn` (neither:
/// the check is left to a caller with a connection). Returns a snapshot rebuilt inline.
fn check_if_due(
    cache: &Arc<CatalogCache>,
    current: &Arc<Snapshot>,
    conn: Option<&mut DbConn>,
    now: NaiveDateTime,
) -> QueryResult<Option<Arc<Snapshot>>> {
    let due = cache
        .checked_at
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .elapsed()
        >= CHECK_INTERVAL;
    if !due {
        return Ok(None);
    }
    let pool = cache
        .refresh_pool
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    if pool.is_none() && conn.is_none() {
        return Ok(None);
    }
    // One check at a time; requests keep serving the current snapshot meanwhile.
    if cache
        .checking
        .compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst)
        .is_err()
    {
        return Ok(None);
    }
    match (pool, conn) {
        (Some(db), _) => {
            let (shared, current) = (cache.clone(), current.clone());
            let spawned = std::thread::Builder::new()
                .name("catalog-refresh".into())
                .spawn(move || {
                    let cache = shared;
                    let outcome = db.get().map_err(|e| e.to_string()).and_then(|mut conn| {
                        refresh(&cache, &current, &mut conn, crate::models::now(), true)
                            .map_err(|e| e.to_string())
                    });
                    if let Err(error) = outcome {
                        tracing::warn!(%error, "catalog snapshot check failed");
                    }
                    *cache.checked_at.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
                    cache.checking.store(false, Ordering::SeqCst);
                });
            if spawned.is_err() {
                cache.checking.store(false, Ordering::SeqCst);
            }
            Ok(None)
        }
        (None, Some(conn)) => {
            let outcome = refresh(cache, current, conn, now, false);
            *cache.checked_at.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
            cache.checking.store(false, Ordering::SeqCst);
            outcome
        }
        (None, None) => unreachable!("checked above"),
    }
}

/// Rebuilds the snapshot when the listed set changed (or it is old); returns the new one.
/// `warm`: before the new snapshot serves, look up again the search terms the old one had
/// cached (on the background thread, so searches after a rebuild don't each pay for a
/// term's first lookup — tens of milliseconds for a common word).
fn refresh(
    cache: &CatalogCache,
    current: &Snapshot,
    conn: &mut DbConn,
    now: NaiveDateTime,
    warm: bool,
) -> QueryResult<Option<Arc<Snapshot>>> {
    let changed = current.built_at.elapsed() >= MAX_SNAPSHOT_AGE
        || fingerprint(conn, current.fingerprint.cutoff)? != current.fingerprint;
    if !changed {
        return Ok(None);
    }
    let fresh = Arc::new(build_snapshot(conn, now)?);
    if warm {
        fresh.warm_terms(conn, current);
    }
    *cache.current.write().unwrap_or_else(|e| e.into_inner()) = Some(fresh.clone());
    Ok(Some(fresh))
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

#[derive(QueryableByName)]
struct Lexemes {
    #[diesel(sql_type = Integer)]
    n: i32,
}

/// One search term as the database sees it: the word, and whether it is the last one
/// (matched as a prefix, for type-ahead, when it has two characters or more).
fn term_key(term: &str, last: bool) -> String {
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
fn term_hits(conn: &mut DbConn, key: &str) -> QueryResult<Option<Vec<(i32, f64)>>> {
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
fn intersect_hits(a: &[(u32, f64)], b: &[(u32, f64)]) -> Vec<(u32, f64)> {
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

/// One page of a search: what [`CatalogPage`] shows.
struct Computed {
    total: usize,
    page: u32,
    pages: u32,
    cards: Arc<Vec<Card>>,
    facets: Arc<Facets>,
    unknown_skills: Vec<String>,
}

/// A filter's matches and facets in one snapshot, at one clock state; any page of it is
/// cut from here ([`page_of`]).
struct Matched {
    /// Bit `r`: the `r`-th entry in the filter's sort order matches.
    all: Bits,
    total: usize,
    facets: Arc<Facets>,
    unknown_skills: Vec<String>,
    /// Sorted by best match with a text query: the matching positions, best first.
    ranked: Option<Vec<u32>>,
    overlaps: Option<Overlaps>,
}

/// Runs a catalog search. `cache_key` names the database (one snapshot per database).
pub fn search(
    conn: &mut DbConn,
    cache_key: &str,
    filter: &CatalogFilter,
    viewer: &Viewer,
    now: NaiveDateTime,
) -> QueryResult<CatalogPage> {
    let snap = snapshot(conn, cache_key, now)?;
    // With a connection every term can be looked up, so there is always an answer.
    answer(Some(conn), &snap, filter, viewer, now)?.ok_or_else(|| {
        diesel::result::Error::QueryBuilderError("catalog search gave no answer".into())
    })
}

/// The same answer as [`search`] when the current snapshot alone can give it: no snapshot
/// rebuild pending, and every word of a text query already looked up in this snapshot.
/// `None` means: call [`search`] with a connection. Saves the hop to a blocking thread and
/// a pooled connection for most requests.
pub fn search_in_memory(
    cache_key: &str,
    filter: &CatalogFilter,
    viewer: &Viewer,
    now: NaiveDateTime,
) -> Option<CatalogPage> {
    let snap = current_without_db(&cache_for(cache_key))?;
    answer(None, &snap, filter, viewer, now).ok().flatten()
}

fn answer(
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
    }))
}

/// Hits of a free-text query: (snapshot position, score: lower is better), by position.
/// Per-term hits are cached per snapshot; a query's hits are their intersection. `None`
/// when a term isn't cached and there is no connection to look it up.
fn search_hits(
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

/// Which filter a mask belongs to: each facet ignores its own filter.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Dim {
    Level,
    Skills,
    Commitment,
    Years,
    Available,
    Overlap,
}

/// The page and facets from the posting lists of the filter's sort order. `hits`, when the
/// filter has a text query, are its matches (position, score: lower is better).
#[cfg(test)]
fn compute_with_hits(
    snap: &Snapshot,
    filter: &CatalogFilter,
    zone: Option<Tz>,
    now: NaiveDateTime,
    hits: Option<&[(u32, f64)]>,
) -> Computed {
    page_of(
        snap,
        &match_filter(snap, filter, zone, now, hits),
        filter,
        now,
    )
}

/// Matches and facets from the posting lists of the filter's sort order. `hits`, when the
/// filter has a text query, are its matches (position, score: lower is better).
fn match_filter(
    snap: &Snapshot,
    filter: &CatalogFilter,
    zone: Option<Tz>,
    now: NaiveDateTime,
    hits: Option<&[(u32, f64)]>,
) -> Matched {
    let today = now.date();
    let n = snap.entries.len();
    let index = &snap.orders[filter.sort.index()];
    let dated = snap.dated(filter.sort, cutoff(now), today);
    let mut unknown_skills = Vec::new();
    let mut wanted: Vec<usize> = Vec::new();
    for slug in &filter.skills {
        match snap.skill_index.get(slug) {
            Some(i) => wanted.push(*i as usize),
            None => unknown_skills.push(slug.clone()),
        }
    }
    let overlaps: Option<Arc<Vec<u32>>> = zone.map(|z| snap.overlaps(z, now));

    // The candidates: listed today, and matching the text query if there is one.
    let mut base = dated.listed.clone();
    if let Some(hits) = hits {
        let mut found = Bits::zeros(n);
        for (pos, _) in hits {
            found.set(index.rank[*pos as usize] as usize);
        }
        base.and_assign(&found);
    }

    let any_of = |sets: &mut dyn Iterator<Item = &Bits>| {
        let mut out = Bits::zeros(n);
        for s in sets {
            out.or_assign(s);
        }
        out
    };
    let mut masks: Vec<(Dim, Cow<'_, Bits>)> = Vec::new();
    if !filter.levels.is_empty() {
        let bits = any_of(&mut filter.levels.iter().map(|l| &index.levels[*l as usize]));
        masks.push((Dim::Level, Cow::Owned(bits)));
    }
    if !unknown_skills.is_empty() {
        // An unknown skill is one nobody has: all-of can't be met.
        masks.push((Dim::Skills, Cow::Owned(Bits::zeros(n))));
    } else if let Some((first, rest)) = wanted.split_first() {
        let mut bits = index.skills[*first].clone();
        for k in rest {
            bits.and_assign(&index.skills[*k]);
        }
        masks.push((Dim::Skills, Cow::Owned(bits)));
    }
    if let Some(c) = filter.commitment {
        let i = Commitment::ALL.iter().position(|x| *x == c).unwrap_or(0);
        masks.push((Dim::Commitment, Cow::Borrowed(&index.offers[i])));
    }
    if let Some(y) = filter.min_years {
        let y = usize::from(y).min(MAX_YEARS);
        masks.push((Dim::Years, Cow::Borrowed(&index.years_at_least[y])));
    }
    if filter.available_now {
        masks.push((Dim::Available, Cow::Borrowed(&dated.available)));
    }
    if let (Some(hours), Some(minutes)) = (filter.overlap_hours, overlaps.as_ref()) {
        let bits = any_of(
            &mut minutes
                .iter()
                .enumerate()
                .filter(|(_, m)| **m >= u32::from(hours) * 60)
                .map(|(z, _)| &index.zones[z]),
        );
        masks.push((Dim::Overlap, Cow::Owned(bits)));
    }

    let mut all = base.clone();
    for (_, m) in &masks {
        all.and_assign(m);
    }
    // The candidates passing every filter but `dim`'s: what `dim`'s facet counts over.
    let except = |dim: Dim| -> Cow<'_, Bits> {
        if !masks.iter().any(|(d, _)| *d == dim) {
            return Cow::Borrowed(&all);
        }
        let mut bits = base.clone();
        for (d, m) in &masks {
            if *d != dim {
                bits.and_assign(m);
            }
        }
        Cow::Owned(bits)
    };

    let levels_base = except(Dim::Level);
    let facets_levels: Vec<(Level, usize)> = Level::ALL
        .iter()
        .map(|l| (*l, levels_base.and_count(&index.levels[*l as usize])))
        .collect();
    let commit_base = except(Dim::Commitment);
    let facets_commit: Vec<(Commitment, usize)> = Commitment::ALL
        .iter()
        .enumerate()
        .map(|(i, c)| (*c, commit_base.and_count(&index.offers[i])))
        .collect();
    let years_base = except(Dim::Years);
    let facets_years: Vec<(u8, usize)> = YEARS_BUCKETS
        .iter()
        .map(|b| {
            let b_index = usize::from(*b).min(MAX_YEARS);
            (*b, years_base.and_count(&index.years_at_least[b_index]))
        })
        .collect();
    let facets_avail = except(Dim::Available).and_count(&dated.available);
    let facets_overlap: Vec<(u8, usize)> = match overlaps.as_ref() {
        Some(minutes) => {
            let overlap_base = except(Dim::Overlap);
            let per_zone = facet_counts(&overlap_base, &index.zones, |r, counts| {
                counts[usize::from(index.zone_of[r])] += 1;
            });
            OVERLAP_BUCKETS
                .iter()
                .map(|b| {
                    let count = per_zone
                        .iter()
                        .zip(minutes.iter())
                        .filter(|(_, m)| **m >= u32::from(*b) * 60)
                        .map(|(c, _)| *c)
                        .sum();
                    (*b, count)
                })
                .collect()
        }
        None => Vec::new(),
    };
    let facets_skills = facet_counts(&all, &index.skills, |r, counts| {
        index.skill_sets[r].for_each(|k| counts[k] += 1);
    });

    let total = all.count();
    let ranked = match hits {
        Some(hits) if filter.sort == Sort::Best => {
            let mut matched: Vec<(u32, f64)> = hits
                .iter()
                .filter(|(pos, _)| all.get(index.rank[*pos as usize] as usize))
                .copied()
                .collect();
            matched.sort_unstable_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
            Some(matched.into_iter().map(|(pos, _)| pos).collect())
        }
        _ => None,
    };
    Matched {
        all,
        total,
        facets: Arc::new(facets(
            snap,
            filter,
            zone.is_some(),
            &facets_skills,
            FacetCounts {
                levels: facets_levels,
                commitments: facets_commit,
                years: facets_years,
                available_now: facets_avail,
                overlap: facets_overlap,
            },
        )),
        unknown_skills,
        ranked,
        overlaps,
    }
}

/// The requested page of `matched`: in the sort's order, a window of set bits (page *p*
/// is found by popcounting words, so page 1500 costs what page 1 does); for best match
/// with a text query, a slice of the ranked matches.
fn page_of(
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

struct FacetCounts {
    levels: Vec<(Level, usize)>,
    commitments: Vec<(Commitment, usize)>,
    years: Vec<(u8, usize)>,
    available_now: usize,
    overlap: Vec<(u8, usize)>,
}

fn facets(
    snap: &Snapshot,
    filter: &CatalogFilter,
    has_zone: bool,
    skill_counts: &[usize],
    counts: FacetCounts,
) -> Facets {
    let mut skills: Vec<SkillFacet> = snap
        .skills
        .iter()
        .enumerate()
        .map(|(i, s)| SkillFacet {
            slug: s.slug.clone(),
            name: s.name.clone(),
            count: skill_counts[i],
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
    Facets {
        levels: counts.levels,
        skills,
        commitments: counts.commitments,
        years: counts.years,
        available_now: counts.available_now,
        overlap: if has_zone { counts.overlap } else { Vec::new() },
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

    /// The one-pass filter the posting lists replaced: every filter and facet decided per
    /// entry. The reference the fast path is checked against.
    fn reference(
        snap: &Snapshot,
        filter: &CatalogFilter,
        zone: Option<Tz>,
        now: NaiveDateTime,
        hits: Option<&[(u32, f64)]>,
    ) -> (Vec<String>, usize, u32, Facets) {
        let cutoff = cutoff(now);
        let today = now.date();
        let mut wanted = SkillSet::default();
        let mut impossible = false;
        for slug in &filter.skills {
            match snap.skill_index.get(slug) {
                Some(i) => wanted.insert(*i as usize),
                None => impossible = true,
            }
        }
        let overlaps: Option<Vec<u32>> = zone.map(|z| {
            let date = now.and_utc().with_timezone(&z).date_naive();
            snap.zones
                .iter()
                .map(|dz| overlap_minutes(z, *dz, date))
                .collect()
        });
        // Candidates in display order.
        let rank = &snap.orders[filter.sort.index()].rank;
        let candidates: Vec<u32> = match hits {
            None => snap.orders[filter.sort.index()].order.clone(),
            Some(hits) => {
                let mut hits = hits.to_vec();
                if filter.sort == Sort::Best {
                    hits.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
                } else {
                    hits.sort_by_key(|(p, _)| rank[*p as usize]);
                }
                hits.into_iter().map(|(p, _)| p).collect()
            }
        };
        let mut levels = [0usize; 3];
        let mut commit = [0usize; 2];
        let mut years = [0usize; YEARS_BUCKETS.len()];
        let mut overlap = [0usize; OVERLAP_BUCKETS.len()];
        let mut avail = 0;
        let mut skills = vec![0usize; snap.skills.len()];
        let mut matches = Vec::new();
        for pos in candidates {
            let e = &snap.entries[pos as usize];
            if e.confirmed_at < cutoff {
                continue;
            }
            let available = e.available_from.is_some_and(|d| d <= today);
            let minutes = overlaps.as_ref().map(|o| o[e.zone as usize]);
            let fails = [
                !filter.levels.is_empty() && !filter.levels.contains(&e.level),
                impossible || !e.skills.contains_all(&wanted),
                filter.commitment.is_some_and(|c| !e.offer.allows(c)),
                filter.min_years.is_some_and(|y| e.years < i32::from(y)),
                filter.available_now && !available,
                matches!((filter.overlap_hours, minutes), (Some(h), Some(m)) if m < u32::from(h) * 60),
            ];
            let passes_except = |i: usize| fails.iter().enumerate().all(|(j, f)| j == i || !f);
            if passes_except(0) {
                levels[e.level as usize] += 1;
            }
            if passes_except(2) {
                for (i, c) in Commitment::ALL.iter().enumerate() {
                    if e.offer.allows(*c) {
                        commit[i] += 1;
                    }
                }
            }
            if passes_except(3) {
                for (i, b) in YEARS_BUCKETS.iter().enumerate() {
                    if e.years >= i32::from(*b) {
                        years[i] += 1;
                    }
                }
            }
            if passes_except(4) && available {
                avail += 1;
            }
            if passes_except(5)
                && let Some(m) = minutes
            {
                for (i, b) in OVERLAP_BUCKETS.iter().enumerate() {
                    if m >= u32::from(*b) * 60 {
                        overlap[i] += 1;
                    }
                }
            }
            if fails.iter().all(|f| !f) {
                e.skills.for_each(|k| skills[k] += 1);
                matches.push(pos);
            }
        }
        let total = matches.len();
        let pages = total.div_ceil(PAGE_SIZE).max(1) as u32;
        let page = filter.page.clamp(1, pages);
        let slugs = matches
            .iter()
            .skip((page as usize - 1) * PAGE_SIZE)
            .take(PAGE_SIZE)
            .map(|p| snap.entries[*p as usize].slug.clone())
            .collect();
        let facets = facets(
            snap,
            filter,
            zone.is_some(),
            &skills,
            FacetCounts {
                levels: Level::ALL
                    .iter()
                    .map(|l| (*l, levels[*l as usize]))
                    .collect(),
                commitments: Commitment::ALL
                    .iter()
                    .enumerate()
                    .map(|(i, c)| (*c, commit[i]))
                    .collect(),
                years: YEARS_BUCKETS.iter().copied().zip(years).collect(),
                available_now: avail,
                overlap: OVERLAP_BUCKETS.iter().copied().zip(overlap).collect(),
            },
        );
        (slugs, total, page, facets)
    }

    struct Rng(u64);
    impl Rng {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }
    }

    fn random_snapshot(rng: &mut Rng, n: usize, now: NaiveDateTime) -> Snapshot {
        use chrono_tz::{America, Asia, Europe, Pacific};
        let zones = vec![
            Europe::Berlin,
            America::New_York,
            Asia::Kolkata,
            Pacific::Auckland,
            Tz::UTC,
            America::Sao_Paulo,
        ];
        let skills: Vec<SkillInfo> = (0..12)
            .map(|i| SkillInfo {
                id: i + 100,
                slug: format!("s{i}"),
                name: format!("Skill {i}"),
                category: "x".into(),
            })
            .collect();
        let tiers = Level::ALL
            .iter()
            .enumerate()
            .map(|(i, l)| Tier {
                level: *l,
                full_time: Money::from_cents(100_000 * (i as i64 + 1)),
                part_time: Money::from_cents(60_000 * (i as i64 + 1)),
                full_time_hours: 160,
                part_time_hours: 80,
            })
            .collect();
        let entries = (0..n)
            .map(|i| {
                let mut set = SkillSet::default();
                let mut top = Vec::new();
                for k in 0..12 {
                    if rng.below(3) == 0 {
                        set.insert(k);
                        top.push(k as u16);
                    }
                }
                Entry {
                    id: i as i32 * 7 + 1,
                    slug: format!("dev-{i}"),
                    first_name: "A".into(),
                    last_initial: "B".into(),
                    headline: String::new(),
                    level: Level::ALL[rng.below(3) as usize],
                    offer: [Offer::FullTime, Offer::PartTime, Offer::Both][rng.below(3) as usize],
                    years: rng.below(20) as i32,
                    zone: rng.below(zones.len() as u64) as u16,
                    available_from: (rng.below(4) > 0)
                        .then(|| now.date() + Duration::days(rng.below(20) as i64 - 10)),
                    // Some are past the 30-day cutoff: the snapshot loads a day of slack.
                    confirmed_at: now - Duration::hours(rng.below(31 * 24) as i64),
                    published_at: now - Duration::hours(rng.below(1000) as i64),
                    skills: set,
                    top_skills: top,
                }
            })
            .collect();
        Snapshot::assemble(
            entries,
            skills,
            zones,
            tiers,
            Fingerprint {
                cutoff: now,
                listed: n as i64,
                updated: None,
                plans: 0,
            },
            now,
        )
    }

    #[test]
    fn posting_lists_agree_with_the_one_pass_reference() {
        let now = NaiveDate::from_ymd_opt(2026, 11, 23)
            .unwrap()
            .and_hms_opt(10, 30, 0)
            .unwrap();
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        for round in 0..300 {
            let n = [0, 1, 63, 64, 65, 200, 1000][round % 7];
            let snap = random_snapshot(&mut rng, n, now);
            for _ in 0..6 {
                let mut filter = CatalogFilter {
                    page: 1,
                    ..Default::default()
                };
                for l in Level::ALL {
                    if rng.below(4) == 0 {
                        filter.levels.push(l);
                    }
                }
                for _ in 0..rng.below(3) {
                    let slug = if rng.below(15) == 0 {
                        "nobody-has-this".to_owned()
                    } else {
                        format!("s{}", rng.below(12))
                    };
                    if !filter.skills.contains(&slug) {
                        filter.skills.push(slug);
                    }
                }
                filter.commitment = match rng.below(3) {
                    0 => Some(Commitment::FullTime),
                    1 => Some(Commitment::PartTime),
                    _ => None,
                };
                filter.min_years = (rng.below(2) == 0).then(|| rng.below(25) as u8 + 1);
                filter.available_now = rng.below(3) == 0;
                filter.overlap_hours = (rng.below(2) == 0).then(|| rng.below(8) as u8 + 1);
                filter.sort = Sort::ALL[rng.below(4) as usize];
                filter.page = [1, 1, 2, 3, 50, MAX_PAGE][rng.below(6) as usize];
                let zone = match rng.below(3) {
                    0 => Some(chrono_tz::Europe::Berlin),
                    1 => Some(chrono_tz::America::Los_Angeles),
                    _ => None,
                };
                let hits: Option<Vec<(u32, f64)>> = if rng.below(3) == 0 {
                    let mut hits = Vec::new();
                    for p in 0..n as u32 {
                        if rng.below(3) == 0 {
                            // Few distinct scores: ties are broken by position.
                            hits.push((p, -(rng.below(5) as f64)));
                        }
                    }
                    Some(hits)
                } else {
                    None
                };
                filter.query = if hits.is_some() {
                    "q".into()
                } else {
                    String::new()
                };
                let fast = compute_with_hits(&snap, &filter, zone, now, hits.as_deref());
                let (slugs, total, page, facets) =
                    reference(&snap, &filter, zone, now, hits.as_deref());
                let fast_slugs: Vec<String> = fast.cards.iter().map(|c| c.slug.clone()).collect();
                assert_eq!(fast_slugs, slugs, "{filter:?} {zone:?}");
                assert_eq!((fast.total, fast.page), (total, page), "{filter:?}");
                assert_eq!(fast.facets.levels, facets.levels, "{filter:?}");
                assert_eq!(fast.facets.commitments, facets.commitments, "{filter:?}");
                assert_eq!(fast.facets.years, facets.years, "{filter:?}");
                assert_eq!(
                    fast.facets.available_now, facets.available_now,
                    "{filter:?}"
                );
                assert_eq!(fast.facets.overlap, facets.overlap, "{filter:?} {zone:?}");
                let skill_counts = |f: &Facets| -> Vec<(String, usize, bool)> {
                    f.skills
                        .iter()
                        .map(|s| (s.slug.clone(), s.count, s.selected))
                        .collect()
                };
                assert_eq!(
                    skill_counts(&fast.facets),
                    skill_counts(&facets),
                    "{filter:?}"
                );
            }
        }
    }

    #[test]
    fn fifo_forgets_the_oldest_entries_first() {
        let mut f: Fifo<u32, &str> = Fifo::new(3, 100);
        for (k, v) in [(1, "a"), (2, "b"), (3, "c")] {
            f.insert(k, v, 1);
        }
        // Re-inserting keeps the original position.
        f.insert(1, "a2", 1);
        f.insert(4, "d", 1);
        assert_eq!(f.get(&1), None);
        assert_eq!(f.keys().copied().collect::<Vec<_>>(), vec![2, 3, 4]);
        // Weight: a heavy entry pushes older ones out until the total fits.
        f.insert(5, "e", 1);
        f.reweigh(&5, 99);
        assert_eq!(f.keys().copied().collect::<Vec<_>>(), vec![4, 5]);
        assert_eq!(f.get(&5), Some(&"e"));
        f.remove(&5);
        assert_eq!(f.get(&5), None);
        f.insert(6, "f", 100);
        assert_eq!(f.get(&6), Some(&"f"));
    }

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

    #[test]
    fn names_show_the_last_initial_only() {
        assert_eq!(display_name("Maya", "O"), "Maya O.");
    }
}
