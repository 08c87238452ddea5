//! A generated developer's career: years by level, a work history that spans exactly those
//! years, and titles that fit the level and the time in the career they were held.
//!
//! The rules (checked over every seeded developer by `invariants`):
//! - years of experience = whole calendar years from the start of the first role to the
//!   end of the last (today for a current role): `last_end.years_since(first_start)`;
//! - L1 has 1–4 years, L2 4–9, L3 8–18; developers without a level (applicants) get 1–15
//!   and are titled as the level their years suggest ([`implied_level`]);
//! - roles follow each other with a gap of two to eight weeks, never overlap, and only the
//!   most recent is current; nothing starts or ends after today;
//! - a "Senior" title needs level L2 or above and three years of career before the role; a
//!   lead/staff/principal title needs L3 and six years; an L3's current title is one of the
//!   two; no "Junior" title above L1;
//! - a title or summary that names a technology (e.g. "Rust Engineer") is only given to a
//!   role that ended after that technology came out.

use chrono::{Datelike, Duration, Months, NaiveDate};
use rand::Rng;
use rand::seq::IndexedRandom;
use rand_chacha::ChaCha8Rng;

use crate::domain::Level;
use crate::models::experience::NewExperience;

use super::data::{Text, Track};
use super::skills::first_year;

/// Years of experience allowed at each level.
pub fn years_range(level: Option<Level>) -> std::ops::RangeInclusive<i32> {
    match level {
        Some(Level::L1) => 1..=4,
        Some(Level::L2) => 4..=9,
        Some(Level::L3) => 8..=18,
        None => 1..=15,
    }
}

/// The level a developer's years suggest, for titles and headlines before vetting.
pub fn implied_level(years: i32) -> Level {
    match years {
        ..=3 => Level::L1,
        4..=7 => Level::L2,
        _ => Level::L3,
    }
}

/// How senior a title or headline sounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rank {
    Junior,
    Plain,
    Senior,
    Lead,
}

pub fn rank(title: &str) -> Rank {
    let words: Vec<String> = title
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .collect();
    let has = |w: &str| words.iter().any(|x| x == w);
    if has("staff") || has("lead") || has("principal") || has("head") || has("architect") {
        Rank::Lead
    } else if has("senior") {
        Rank::Senior
    } else if has("junior") || title.contains("Early-career") {
        Rank::Junior
    } else {
        Rank::Plain
    }
}

/// Whether a role title of `rank` fits `level`, for a role starting `years_in` whole years
/// into the career. The current role of an L3 must also be Senior or Lead (checked apart).
pub fn title_fits(rank: Rank, level: Level, years_in: i32) -> bool {
    match rank {
        Rank::Junior => level == Level::L1,
        Rank::Plain => true,
        Rank::Senior => level >= Level::L2 && years_in >= 3,
        Rank::Lead => level == Level::L3 && years_in >= 6,
    }
}

/// Whether every technology a text names existed in `year`.
pub fn fits_year(text: &Text, year: i32) -> bool {
    text.skills
        .iter()
        .all(|s| first_year(s).is_none_or(|y| y <= year))
}

/// The start of a career of exactly `years` whole years before `today`.
pub fn career_start(rng: &mut ChaCha8Rng, today: NaiveDate, years: i32) -> NaiveDate {
    let back = today
        .checked_sub_months(Months::new(12 * years as u32))
        .expect("in range");
    // Up to 330 days more, so the whole years stay the same.
    back - Duration::days(rng.random_range(0..330))
}

/// The work history from `start` to today, most recent first (`position` 0 is current).
pub fn history(
    rng: &mut ChaCha8Rng,
    track: &Track,
    employers: &[String],
    level: Level,
    start: NaiveDate,
    today: NaiveDate,
) -> Vec<NewExperience> {
    // Spans, newest first: each role 14–44 months, 2–8 weeks between roles; a remainder too
    // short for a role of its own goes to the oldest role.
    let mut spans: Vec<(NaiveDate, Option<NaiveDate>)> = Vec::new();
    let mut end: Option<NaiveDate> = None;
    let mut cursor = today;
    loop {
        let months = rng.random_range(14..=44);
        let mut from = cursor - Duration::days(months * 30);
        if (from - start).num_days() < 240 {
            from = start;
        }
        spans.push((from, end));
        if from == start {
            break;
        }
        let previous_end = from - Duration::days(rng.random_range(14..=56));
        if (previous_end - start).num_days() < 180 {
            spans.last_mut().expect("just pushed").0 = start;
            break;
        }
        end = Some(previous_end);
        cursor = previous_end;
    }

    let mut out = Vec::with_capacity(spans.len());
    for (position, (from, to)) in (0..).zip(spans) {
        let years_in = from.years_since(start).unwrap_or(0) as i32;
        let until_year = to.unwrap_or(today).year();
        let current = to.is_none();
        let titles: Vec<&Text> = track
            .titles
            .iter()
            .filter(|t| title_fits(rank(&t.text), level, years_in) && fits_year(t, until_year))
            .filter(|t| !(current && level == Level::L3) || rank(&t.text) >= Rank::Senior)
            .collect();
        let title = match titles.choose(rng) {
            Some(t) => t.text.clone(),
            // An L3 whose current role started early: a plain title's senior form.
            None => format!("Senior {}", plain_title(track)),
        };
        let summaries: Vec<&Text> = track
            .experience_summaries
            .iter()
            .filter(|s| fits_year(s, until_year))
            .collect();
        let summary = match summaries.choose(rng) {
            Some(s) => s.text.clone(),
            None => "Built and ran backend services for the product team.".to_owned(),
        };
        out.push(NewExperience {
            developer_id: 0,
            company_name: employers.choose(rng).expect("employers").clone(),
            title,
            started_on: from,
            ended_on: to,
            summary,
            position,
        });
    }
    out
}

/// A title of the track that names no technology, such as "Backend Engineer".
fn plain_title(track: &Track) -> &str {
    track
        .titles
        .iter()
        .find(|t| rank(&t.text) == Rank::Plain && t.skills.is_empty())
        .map_or("Backend Engineer", |t| t.text.as_str())
}
