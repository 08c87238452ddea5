//! The posting lists checked against a one-pass reference on random snapshots.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use chrono_tz::Tz;

use super::entry::*;
use super::facets::*;
use super::filter::*;
use super::load::*;
use super::search::*;
use super::snapshot::*;
use crate::domain::overlap::overlap_minutes;
use crate::domain::{Commitment, Level, Money};
use crate::pricing::Tier;

/// The page and facets from the posting lists of the filter's sort order. `hits`, when the
/// filter has a text query, are its matches (position, score: lower is better).
pub(super) fn compute_with_hits(
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

/// The one-pass filter the posting lists replaced: every filter and facet decided per
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
                avatar: None,
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
