//! What a hiring manager would notice at once on a demo profile, as checks: the seed's
//! generator satisfies them by construction (see `career` and `skills`), the tests check
//! them over every generated developer (100,000, without a database) and over what a real
//! seeded database stored (read back from its rows).

use chrono::{Datelike, NaiveDate, NaiveDateTime};

use crate::domain::Level;

use super::career::{self, Rank, rank};
use super::mentions::Mentions;
use super::skills::max_years;

/// One role of a work history.
#[derive(Debug, Clone)]
pub struct Role {
    pub title: String,
    pub summary: String,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
}

/// A developer's profile as stored: enough to judge whether it adds up.
#[derive(Debug, Clone)]
pub struct Profile {
    pub slug: String,
    pub level: Option<Level>,
    pub years: i32,
    pub headline: String,
    pub bio: String,
    /// Skill slugs and years.
    pub skills: Vec<(String, i32)>,
    pub roles: Vec<Role>,
    pub created_at: NaiveDateTime,
    pub submitted_at: Option<NaiveDateTime>,
    pub decided_at: Option<NaiveDateTime>,
    pub published_at: Option<NaiveDateTime>,
    pub availability_confirmed_at: Option<NaiveDateTime>,
    pub reviewed_at: Vec<NaiveDateTime>,
}

pub struct Checker {
    mentions: Mentions,
}

impl Checker {
    /// With the skills catalogue of `seeds/skills.json`.
    pub fn new() -> Self {
        let skills = super::data::skills().expect("seeds/skills.json parses");
        Checker {
            mentions: Mentions::new(skills.iter().map(|s| (s.slug.as_str(), s.name.as_str()))),
        }
    }

    /// The skills `text` names, by slug.
    pub fn named_skills(&self, text: &str) -> Vec<String> {
        self.mentions.find(text)
    }

    /// Everything that doesn't add up on `p` as of `now`, in words; empty when it does.
    pub fn violations(&self, p: &Profile, now: NaiveDateTime) -> Vec<String> {
        let mut out = Vec::new();
        let mut fail = |what: String| out.push(format!("{}: {what}", p.slug));
        let today = now.date();

        // Work history: in the past, in order, no overlap, one current role at most.
        let mut roles = p.roles.clone();
        roles.sort_by_key(|r| r.started_on);
        if roles.is_empty() {
            fail("no work history".into());
            return out;
        }
        for (i, r) in roles.iter().enumerate() {
            if r.started_on > today || r.ended_on.is_some_and(|e| e > today) {
                fail(format!("role {:?} is in the future", r.title));
            }
            if r.ended_on.is_some_and(|e| e < r.started_on) {
                fail(format!("role {:?} ends before it starts", r.title));
            }
            if let Some(next) = roles.get(i + 1) {
                match r.ended_on {
                    None => fail(format!("{:?} is current but not the latest", r.title)),
                    Some(e) if e >= next.started_on => {
                        fail(format!("{:?} overlaps {:?}", r.title, next.title))
                    }
                    _ => {}
                }
            }
        }
        let start = roles[0].started_on;
        let last = roles.last().expect("not empty");
        let end = last.ended_on.unwrap_or(today);
        let span = end.years_since(start).unwrap_or(0) as i32;
        if span != p.years {
            fail(format!(
                "{} years of experience, history spans {span}",
                p.years
            ));
        }

        // Level and years.
        if !career::years_range(p.level).contains(&p.years) {
            fail(format!("{:?} with {} years", p.level, p.years));
        }
        let level = p.level.unwrap_or_else(|| career::implied_level(p.years));

        // Titles by level and time in the career; technologies that existed then.
        for r in &roles {
            let years_in = r.started_on.years_since(start).unwrap_or(0) as i32;
            if !career::title_fits(rank(&r.title), level, years_in) {
                fail(format!(
                    "title {:?} at {level}, {years_in} years in",
                    r.title
                ));
            }
            let until = r.ended_on.unwrap_or(today).year();
            for text in [&r.title, &r.summary] {
                for slug in self.mentions.find(text) {
                    if super::skills::first_year(&slug).is_some_and(|y| y > until) {
                        fail(format!("{text:?} names {slug} before it existed"));
                    }
                }
            }
        }
        if level == Level::L3 && last.ended_on.is_none() && rank(&last.title) < Rank::Senior {
            fail(format!("L3 whose current title is {:?}", last.title));
        }
        match (rank(&p.headline), level) {
            (Rank::Junior, Level::L2 | Level::L3) | (Rank::Senior | Rank::Lead, Level::L1) => {
                fail(format!("headline {:?} at {level}", p.headline))
            }
            _ => {}
        }
        if p.headline.contains("Mid-level") && level != Level::L2 {
            fail(format!("headline {:?} at {level}", p.headline));
        }

        // Skills: within the career and the technology's age; every one the texts name.
        for (slug, years) in &p.skills {
            if *years < 1 || *years > max_years(slug, p.years, today.year()) {
                fail(format!(
                    "{slug}: {years} years in a {}-year career",
                    p.years
                ));
            }
        }
        let listed = |slug: &String| p.skills.iter().any(|(s, _)| s == slug);
        let texts = [&p.headline, &p.bio]
            .into_iter()
            .chain(roles.iter().flat_map(|r| [&r.title, &r.summary]));
        for text in texts {
            for slug in self.mentions.find(text) {
                if !listed(&slug) {
                    fail(format!("names {slug} but doesn't list it: {text:?}"));
                }
            }
        }
        if !p.bio.contains(&format!("{} years", p.years)) {
            fail(format!("bio doesn't say {} years", p.years));
        }

        // The vetting timeline runs forwards and ends by now.
        let mut previous = p.created_at;
        let steps = [p.submitted_at]
            .into_iter()
            .chain(p.reviewed_at.iter().copied().map(Some))
            .chain([p.decided_at]);
        for at in steps.flatten() {
            if at < previous || at > now {
                fail(format!(
                    "vetting step at {at} out of order or in the future"
                ));
            }
            previous = at;
        }
        for at in [p.published_at, p.availability_confirmed_at]
            .into_iter()
            .flatten()
        {
            if at < p.decided_at.unwrap_or(p.created_at) || at > now {
                fail(format!(
                    "published or confirmed at {at}, before the decision or later than now"
                ));
            }
        }
        out
    }
}

impl Default for Checker {
    fn default() -> Self {
        Self::new()
    }
}
