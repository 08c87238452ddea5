//! How many engagements one developer can carry at once.
//!
//! The rule: **one live full-time engagement, or up to two live part-time ones; never a
//! full-time one next to a part-time one.** (A part-time plan is half a full-time month's
//! hours, so two of them fill a developer exactly as one full-time engagement does.)
//! "Live" is trialing, active, past due or ending: a booking still waiting for checkout
//! holds nothing, so the rule is checked again where money commits, under the developer's
//! row lock (see `billing::events`).

use crate::domain::Commitment;

/// Live part-time engagements one developer may have.
pub const MAX_PART_TIME: usize = 2;

/// Why one more `taking` engagement doesn't fit next to the `live` ones, if it doesn't.
pub fn refusal(taking: Commitment, live: &[Commitment]) -> Option<&'static str> {
    if live.contains(&Commitment::FullTime) {
        return Some("is engaged full-time elsewhere");
    }
    match taking {
        Commitment::FullTime if !live.is_empty() => {
            Some("has a part-time engagement, so only part-time is possible")
        }
        Commitment::PartTime if live.len() >= MAX_PART_TIME => {
            Some("already has two part-time engagements")
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Commitment::{FullTime, PartTime};

    #[test]
    fn one_full_time_or_two_part_time_never_both() {
        assert_eq!(refusal(FullTime, &[]), None);
        assert_eq!(refusal(PartTime, &[]), None);
        assert_eq!(refusal(PartTime, &[PartTime]), None);
        assert!(refusal(FullTime, &[FullTime]).is_some());
        assert!(refusal(PartTime, &[FullTime]).is_some());
        assert!(refusal(FullTime, &[PartTime]).is_some());
        assert!(refusal(PartTime, &[PartTime, PartTime]).is_some());
    }
}
