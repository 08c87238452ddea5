//! Matching a filter against the posting lists, and the facet counts beside it.

use std::borrow::Cow;
use std::sync::Arc;

use chrono::NaiveDateTime;
use chrono_tz::Tz;

use super::bits::Bits;
use super::filter::{CatalogFilter, Sort};
use super::index::MAX_YEARS;
use super::load::cutoff;
use super::snapshot::{Overlaps, Snapshot};
use crate::domain::{Commitment, Level};

pub const YEARS_BUCKETS: [u8; 4] = [2, 5, 8, 12];
pub const OVERLAP_BUCKETS: [u8; 4] = [2, 4, 6, 8];

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

/// How many of `matches` have each value of a many-valued facet (skills: 124 values;
/// zones: ≈ 50). Two ways, the cheaper one chosen by the number of matches: walk the
/// matches and add up their values (`per_match` visits each match's values), or
/// intersect each value's bitset with the matches (a popcount per 64 entries per value,
/// which the compiler vectorises). A level and a skill leave a few thousand of 57,000
/// matches, where the walk reads far less memory; with no filter, the intersections win.
pub(super) fn facet_counts(
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

/// A filter's matches and facets in one snapshot, at one clock state; any page of it is
/// cut from here ([`page_of`]).
pub(super) struct Matched {
    /// Bit `r`: the `r`-th entry in the filter's sort order matches.
    pub(super) all: Bits,
    pub(super) total: usize,
    pub(super) facets: Arc<Facets>,
    pub(super) unknown_skills: Vec<String>,
    /// Sorted by best match with a text query: the matching positions, best first.
    pub(super) ranked: Option<Vec<u32>>,
    pub(super) overlaps: Option<Overlaps>,
}

/// Which filter a mask belongs to: each facet ignores its own filter.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Dim {
    Level,
    Skills,
    Commitment,
    Years,
    Available,
    Overlap,
}

/// Matches and facets from the posting lists of the filter's sort order. `hits`, when the
/// filter has a text query, are its matches (position, score: lower is better).
pub(super) fn match_filter(
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

pub(super) struct FacetCounts {
    pub(super) levels: Vec<(Level, usize)>,
    pub(super) commitments: Vec<(Commitment, usize)>,
    pub(super) years: Vec<(u8, usize)>,
    pub(super) available_now: usize,
    pub(super) overlap: Vec<(u8, usize)>,
}

pub(super) fn facets(
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
