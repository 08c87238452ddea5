//! The in-memory snapshot of the listed developers: entries, sort orders, posting lists and
//! the per-clock sets derived from them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;

use super::bits::Bits;
use super::cache::{CACHE_ENTRIES, Fifo};
use super::choices::SnapshotChoices;
use super::entry::{Entry, price_from};
use super::facets::Matched;
use super::filter::Sort;
use super::fulltext::{TERM_CACHE_HITS, TermCell};
use super::index::OrderIndex;
use crate::domain::overlap::overlap_minutes;
use crate::pricing::Tier;

/// The sets that depend on the clock, for one sort order: still listed at the request's
/// cutoff, and available today.
pub(super) struct Dated {
    pub(super) listed: Bits,
    pub(super) available: Bits,
}

#[derive(Debug, Clone)]
pub struct SkillInfo {
    pub id: i32,
    pub slug: String,
    pub name: String,
    pub category: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Fingerprint {
    /// The snapshot holds the rows confirmed since then; the check counts the same rows.
    pub(super) cutoff: NaiveDateTime,
    pub(super) listed: i64,
    pub(super) updated: Option<NaiveDateTime>,
    pub(super) plans: i64,
}

pub(super) struct Snapshot {
    pub(super) entries: Vec<Entry>,
    pub(super) position_of: HashMap<i32, u32>,
    pub(super) skills: Vec<SkillInfo>,
    pub(super) skill_index: HashMap<String, u16>,
    pub(super) skills_by_popularity: Arc<Vec<SkillInfo>>,
    pub(super) zones: Vec<Tz>,
    pub(super) zone_names: Arc<Vec<String>>,
    /// The filter form's skill and zone choices.
    pub(super) choices: Arc<SnapshotChoices>,
    pub(super) tiers: Vec<Tier>,
    pub(super) orders: [OrderIndex; 4],
    /// (confirmation time, position), oldest first: the entries past the 30-day cutoff
    /// are a prefix.
    pub(super) by_confirmed: Vec<(NaiveDateTime, u32)>,
    /// (available from, position) of entries with a date, earliest first: the entries
    /// available today are a prefix.
    pub(super) by_available: Vec<(NaiveDate, u32)>,
    /// [`Dated`] per (sort, expired entries, available entries): changes a few times a day.
    pub(super) dated: Mutex<HashMap<DatedKey, Arc<Dated>>>,
    /// Overlap minutes with each zone in `zones`, per (viewer zone, viewer's date).
    pub(super) overlaps: Mutex<HashMap<(Tz, NaiveDate), Overlaps>>,
    pub(super) built_at: Instant,
    pub(super) fingerprint: Fingerprint,
    /// Matches and facets per filter (page aside) and clock state: paging through results
    /// reuses them.
    pub(super) results: Mutex<Fifo<(String, DatedKey), Arc<Matched>>>,
    /// Hits per search term, bounded by [`TERM_CACHE_HITS`] hits in all.
    pub(super) terms: Mutex<Fifo<String, TermCell>>,
}

/// Overlap minutes with each of a snapshot's zones.
pub(super) type Overlaps = Arc<Vec<u32>>;

/// (sort, entries past the 30-day cutoff, entries available today).
pub(super) type DatedKey = (usize, usize, usize);

impl Snapshot {
    /// Sort orders, posting lists and lookups over loaded entries.
    pub(super) fn assemble(
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
            choices: Arc::new(SnapshotChoices::build(&by_popularity, &zone_names)),
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
    pub(super) fn dated_key(
        &self,
        sort: Sort,
        cutoff: NaiveDateTime,
        today: NaiveDate,
    ) -> DatedKey {
        let expired = self.by_confirmed.partition_point(|(c, _)| *c < cutoff);
        let available = self.by_available.partition_point(|(d, _)| *d <= today);
        (sort.index(), expired, available)
    }

    /// Listed-at-`cutoff` and available-on-`today` sets in `sort`'s position space.
    pub(super) fn dated(&self, sort: Sort, cutoff: NaiveDateTime, today: NaiveDate) -> Arc<Dated> {
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
}

impl Snapshot {
    /// Overlap minutes between the viewer's zone and each developer zone, on today's date
    /// in the viewer's zone.
    pub(super) fn overlaps(&self, viewer_zone: Tz, now: NaiveDateTime) -> Arc<Vec<u32>> {
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
