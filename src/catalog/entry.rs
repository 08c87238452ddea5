//! One listed developer packed for the snapshot: what a card shows and what filters test.

use chrono::{NaiveDate, NaiveDateTime};

use crate::domain::{Commitment, CommitmentOffer, Level, Money};
use crate::pricing::Tier;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Offer {
    FullTime,
    PartTime,
    Both,
}

impl Offer {
    pub(super) fn from(offer: CommitmentOffer) -> Offer {
        match offer {
            CommitmentOffer::FullTime => Offer::FullTime,
            CommitmentOffer::PartTime => Offer::PartTime,
            CommitmentOffer::Both => Offer::Both,
        }
    }

    pub(super) fn allows(self, c: Commitment) -> bool {
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
pub(super) struct SkillSet([u64; 4]);

impl SkillSet {
    pub(super) fn insert(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    #[cfg(test)]
    pub(super) fn contains_all(&self, other: &SkillSet) -> bool {
        self.0.iter().zip(other.0.iter()).all(|(a, b)| a & b == *b)
    }
    pub(super) fn for_each(&self, mut f: impl FnMut(usize)) {
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
pub(super) struct Entry {
    pub(super) id: i32,
    pub(super) slug: String,
    pub(super) first_name: String,
    pub(super) last_initial: String,
    pub(super) headline: String,
    pub(super) level: Level,
    pub(super) offer: Offer,
    pub(super) years: i32,
    pub(super) zone: u16,
    pub(super) available_from: Option<NaiveDate>,
    pub(super) confirmed_at: NaiveDateTime,
    pub(super) published_at: NaiveDateTime,
    pub(super) skills: SkillSet,
    /// Skill indexes, most years first.
    pub(super) top_skills: Vec<u16>,
    /// The avatar file (under `/avatars/`), if any.
    pub(super) avatar: Option<String>,
}

/// The monthly price a card shows: the cheapest commitment the developer offers (or the
/// chosen one). Prices come from the plans table only.
pub(super) fn price_from(
    tiers: &[Tier],
    level: Level,
    offer: Offer,
    chosen: Option<Commitment>,
) -> Money {
    let tier = tiers.iter().find(|t| t.level == level);
    let Some(tier) = tier else {
        return Money::from_cents(0);
    };
    match (chosen, offer) {
        (Some(Commitment::FullTime), _) | (None, Offer::FullTime) => tier.full_time,
        _ => tier.part_time,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
