//! Posting lists of one sort order over the snapshot's entries.

use super::bits::Bits;
use super::entry::{Entry, SkillSet};
use crate::domain::Commitment;

/// Posting lists of one sort order: for each filter value, the bitset of the entries that
/// have it, in that order's position space (bit `r` is the `r`-th entry in the order).
pub(super) struct OrderIndex {
    /// Rank → snapshot position.
    pub(super) order: Vec<u32>,
    /// Snapshot position → rank.
    pub(super) rank: Vec<u32>,
    pub(super) levels: [Bits; 3],
    /// Indexed like [`Commitment::ALL`]: entries that offer that commitment.
    pub(super) offers: [Bits; 2],
    pub(super) skills: Vec<Bits>,
    pub(super) zones: Vec<Bits>,
    /// `years_at_least[y]`: entries with at least `y` years, for `y` in `0..=MAX_YEARS`.
    pub(super) years_at_least: Vec<Bits>,
    /// Rank → skill set and zone: facet counts over few matches walk these in rank order
    /// instead of intersecting every skill's (or zone's) bitset (see [`facet_counts`]).
    pub(super) skill_sets: Vec<SkillSet>,
    pub(super) zone_of: Vec<u16>,
}

/// The largest minimum-years filter the query string accepts.
pub(super) const MAX_YEARS: usize = 40;

impl OrderIndex {
    pub(super) fn build(
        order: Vec<u32>,
        entries: &[Entry],
        skills: usize,
        zones: usize,
    ) -> OrderIndex {
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
