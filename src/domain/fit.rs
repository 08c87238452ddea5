//! How well a developer fits a role's brief: three hard filters, then a score out of 100
//! with the reasons a hiring manager reads on the card.
//!
//! **Hard filters** (a developer failing one is excluded, and counted under the first
//! one failed, in this order, so an over-tight brief shows which rule empties it):
//! 1. every must-have skill;
//! 2. the commitment (a developer offering "both" fits either);
//! 3. the level (when the brief names levels) and the monthly price within the budget cap.
//!
//! **Score** (weights sum to 100; ties are broken by the caller on developer id):
//! - nice-to-have skills: 40 × the share of them the developer has (40 when there are none);
//! - working-hours overlap with the team: 25 × overlap ÷ the brief's minimum, capped at 1
//!   (25 when the brief sets no minimum or no zone);
//! - start date: 20 when available by the brief's earliest start (or today when it has
//!   none), minus 1 per 3 days later, down to 0; 0 with no start date at all;
//! - depth on the must-haves: 15 × the mean of min(years, 5) ÷ 5 over the must-haves (15
//!   when there are none).
//!
//! The weights put what a brief calls "nice" first among the soft rules, then the hours
//! a team can actually work together, then when they can start; depth only reorders
//! developers otherwise alike.

use chrono::NaiveDate;

use super::overlap::format_hours;
use super::{Commitment, CommitmentOffer, Level, Money};

pub const NICE_WEIGHT: u32 = 40;
pub const OVERLAP_WEIGHT: u32 = 25;
pub const START_WEIGHT: u32 = 20;
pub const DEPTH_WEIGHT: u32 = 15;
/// Years on a skill past which depth no longer adds.
pub const DEPTH_CAP_YEARS: u32 = 5;
/// Days late per start-date point lost.
pub const DAYS_PER_START_POINT: i64 = 3;

/// What a role asks for. Skills are ids the caller resolves (catalog skill positions).
#[derive(Debug, Clone, Default)]
pub struct Brief<'a> {
    /// Empty: any level whose price fits the budget.
    pub levels: &'a [Level],
    pub must_have: &'a [u32],
    pub nice_to_have: &'a [u32],
    pub commitment: Option<Commitment>,
    /// The team's zone, as the place it reads ("Berlin"), when the brief has one.
    pub team_place: Option<&'a str>,
    /// 0: no minimum.
    pub min_overlap_minutes: u32,
    pub earliest_start: Option<NaiveDate>,
    pub budget: Option<Money>,
}

/// One developer as the brief sees them.
#[derive(Debug, Clone)]
pub struct Candidate<'a> {
    pub level: Level,
    /// (skill id, years), any order.
    pub skills: &'a [(u32, u8)],
    pub offer: CommitmentOffer,
    /// Working-hours overlap with the team's zone; `None` when the brief has no zone.
    pub overlap_minutes: Option<u32>,
    /// `None`: no start date (fully booked).
    pub available_from: Option<NaiveDate>,
    /// The monthly price at the brief's commitment (or the developer's cheapest offer).
    pub price: Money,
}

/// The hard filter a developer failed first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Excluded {
    MustHaves,
    Commitment,
    LevelOrBudget,
}

/// A developer who passed the hard filters: their score and the reasons, in card order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fit {
    pub score: u32,
    pub reasons: Vec<String>,
}

fn offers(offer: CommitmentOffer, wanted: Commitment) -> bool {
    matches!(
        (offer, wanted),
        (CommitmentOffer::Both, _)
            | (CommitmentOffer::FullTime, Commitment::FullTime)
            | (CommitmentOffer::PartTime, Commitment::PartTime)
    )
}

fn years_on(c: &Candidate<'_>, skill: u32) -> Option<u8> {
    c.skills.iter().find(|(s, _)| *s == skill).map(|(_, y)| *y)
}

/// Scores `c` against `brief` on `today`, or says which hard filter excludes them.
pub fn fit(brief: &Brief<'_>, c: &Candidate<'_>, today: NaiveDate) -> Result<Fit, Excluded> {
    let must_years: Vec<u8> = brief
        .must_have
        .iter()
        .map(|s| years_on(c, *s))
        .collect::<Option<_>>()
        .ok_or(Excluded::MustHaves)?;
    if let Some(wanted) = brief.commitment
        && !offers(c.offer, wanted)
    {
        return Err(Excluded::Commitment);
    }
    let level_ok = brief.levels.is_empty() || brief.levels.contains(&c.level);
    let budget_ok = brief
        .budget
        .is_none_or(|cap| c.price.cents() <= cap.cents());
    if !level_ok || !budget_ok {
        return Err(Excluded::LevelOrBudget);
    }

    let nice_had = brief
        .nice_to_have
        .iter()
        .filter(|s| years_on(c, **s).is_some())
        .count() as u32;
    let nice_total = brief.nice_to_have.len() as u32;
    let nice = (NICE_WEIGHT * nice_had)
        .checked_div(nice_total)
        .unwrap_or(NICE_WEIGHT);

    let overlap = match (c.overlap_minutes, brief.min_overlap_minutes) {
        (Some(m), need) if need > 0 => OVERLAP_WEIGHT * m.min(need) / need,
        _ => OVERLAP_WEIGHT,
    };

    let wanted_by = brief.earliest_start.unwrap_or(today).max(today);
    let start = match c.available_from {
        None => 0,
        Some(from) => {
            let late = (from - wanted_by).num_days().max(0);
            (i64::from(START_WEIGHT) - late / DAYS_PER_START_POINT).max(0) as u32
        }
    };

    let depth = if must_years.is_empty() {
        DEPTH_WEIGHT
    } else {
        let sum: u32 = must_years
            .iter()
            .map(|y| u32::from(*y).min(DEPTH_CAP_YEARS))
            .sum();
        DEPTH_WEIGHT * sum / (DEPTH_CAP_YEARS * must_years.len() as u32)
    };

    let mut reasons = Vec::with_capacity(5);
    if !brief.must_have.is_empty() {
        let n = brief.must_have.len();
        reasons.push(format!("{n} of {n} must-haves"));
    }
    if nice_total > 0 {
        reasons.push(format!("{nice_had} of {nice_total} nice-to-haves"));
    }
    if let (Some(m), Some(place)) = (c.overlap_minutes, brief.team_place) {
        reasons.push(format!("{} overlap with {place}", format_hours(m)));
    }
    reasons.push(match brief.budget {
        Some(cap) => format!(
            "{} {} within your {}",
            c.level,
            c.price.display(),
            cap.display()
        ),
        None => format!("{} {}", c.level, c.price.display()),
    });
    reasons.push(match c.available_from {
        Some(from) if from <= today => "available now".to_owned(),
        Some(from) => format!("available from {}", from.format("%-d %b")),
        None => "no start date yet".to_owned(),
    });

    Ok(Fit {
        score: nice + overlap + start + depth,
        reasons,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    const RUST: u32 = 1;
    const TOKIO: u32 = 2;
    const PG: u32 = 3;
    const KAFKA: u32 = 4;
    const K8S: u32 = 5;
    const AWS: u32 = 6;

    fn brief<'a>() -> Brief<'a> {
        Brief {
            levels: &[],
            must_have: &[RUST, TOKIO, PG, KAFKA],
            nice_to_have: &[K8S, AWS, 99],
            commitment: Some(Commitment::FullTime),
            team_place: Some("Berlin"),
            min_overlap_minutes: 4 * 60,
            earliest_start: Some(day(12, 14)),
            budget: Some(Money::from_cents(250_000)),
        }
    }

    fn dev<'a>(skills: &'a [(u32, u8)]) -> Candidate<'a> {
        Candidate {
            level: Level::L2,
            skills,
            offer: CommitmentOffer::Both,
            overlap_minutes: Some(5 * 60),
            available_from: Some(day(12, 14)),
            price: Money::from_cents(220_000),
        }
    }

    const ALL_MUST: &[(u32, u8)] = &[
        (RUST, 6),
        (TOKIO, 5),
        (PG, 8),
        (KAFKA, 5),
        (K8S, 2),
        (AWS, 3),
    ];

    #[test]
    fn the_card_reads_like_the_brief() {
        let f = fit(&brief(), &dev(ALL_MUST), day(12, 2)).unwrap();
        assert_eq!(
            f.reasons,
            [
                "4 of 4 must-haves",
                "2 of 3 nice-to-haves",
                "5 h overlap with Berlin",
                "L2 $2,200 within your $2,500",
                "available from 14 Dec",
            ]
        );
        // 40·2/3 = 26 + 25 + 20 + 15 (all must-haves ≥ 5 years).
        assert_eq!(f.score, 26 + 25 + 20 + 15);
    }

    #[test]
    fn hard_filters_exclude_in_order_must_haves_commitment_then_level_or_budget() {
        let b = brief();
        let missing = &[(RUST, 6), (TOKIO, 5), (PG, 8)];
        assert_eq!(fit(&b, &dev(missing), day(12, 2)), Err(Excluded::MustHaves));

        let mut part = dev(ALL_MUST);
        part.offer = CommitmentOffer::PartTime;
        assert_eq!(fit(&b, &part, day(12, 2)), Err(Excluded::Commitment));
        part.offer = CommitmentOffer::FullTime;
        assert!(fit(&b, &part, day(12, 2)).is_ok());

        let mut dear = dev(ALL_MUST);
        dear.price = Money::from_cents(250_001);
        assert_eq!(fit(&b, &dear, day(12, 2)), Err(Excluded::LevelOrBudget));
        dear.price = Money::from_cents(250_000);
        assert!(fit(&b, &dear, day(12, 2)).is_ok(), "the cap itself fits");

        let levels = [Level::L3];
        let only_l3 = Brief {
            levels: &levels,
            ..brief()
        };
        assert_eq!(
            fit(&only_l3, &dev(ALL_MUST), day(12, 2)),
            Err(Excluded::LevelOrBudget)
        );
    }

    #[test]
    fn overlap_start_and_depth_rank_but_never_exclude() {
        let b = brief();
        let today = day(12, 2);
        let best = fit(&b, &dev(ALL_MUST), today).unwrap().score;

        let mut short = dev(ALL_MUST);
        short.overlap_minutes = Some(60);
        let s = fit(&b, &short, today).unwrap();
        assert_eq!(
            best - s.score,
            25 - 25 / 4,
            "1 h of a 4 h minimum keeps a quarter"
        );
        assert!(s.reasons.contains(&"1 h overlap with Berlin".to_owned()));

        let mut late = dev(ALL_MUST);
        late.available_from = Some(day(12, 14 + 9));
        assert_eq!(best - fit(&b, &late, today).unwrap().score, 3);
        late.available_from = Some(day(12, 31) + chrono::Duration::days(60));
        assert_eq!(best - fit(&b, &late, today).unwrap().score, 20);
        late.available_from = None;
        let booked = fit(&b, &late, today).unwrap();
        assert_eq!(best - booked.score, 20);
        assert_eq!(booked.reasons.last().unwrap(), "no start date yet");

        let junior = &[
            (RUST, 1),
            (TOKIO, 1),
            (PG, 1),
            (KAFKA, 1),
            (K8S, 1),
            (AWS, 1),
        ];
        assert_eq!(best - fit(&b, &dev(junior), today).unwrap().score, 15 - 3);
    }

    #[test]
    fn an_empty_brief_fits_everyone_with_full_marks_and_plain_reasons() {
        let b = Brief::default();
        let mut c = dev(&[]);
        c.overlap_minutes = None;
        c.available_from = Some(day(11, 1));
        let f = fit(&b, &c, day(12, 2)).unwrap();
        assert_eq!(f.score, 100);
        assert_eq!(f.reasons, ["L2 $2,200", "available now"]);
    }

    #[test]
    fn weights_sum_to_one_hundred() {
        assert_eq!(
            NICE_WEIGHT + OVERLAP_WEIGHT + START_WEIGHT + DEPTH_WEIGHT,
            100
        );
    }
}
