//! The profile form: posted pairs (rows come as `skill_slug_3`, `exp_title_1`, …) into a
//! `ProfileForm` checked with `validator`, then into a `ProfileInput` of domain types.

use std::collections::BTreeMap;

use validator::{Validate, ValidationError};

use crate::domain::profile::{parse_date, parse_link, parse_month, parse_years};
use crate::domain::{CommitmentOffer, TimeZone, country};
use crate::services::profiles::{ExperienceInput, ProfileInput};
use crate::views::forms::FieldErrors;
use crate::views::profile::{ExperienceRowValues, ProfileValues, SkillRowValues};

pub const MAX_SKILLS: usize = 30;
pub const MAX_EXPERIENCES: usize = 15;

/// What the form's submit button asked for.
pub enum Action {
    Save,
    AddSkill,
    RemoveSkill(usize),
    AddExperience,
    RemoveExperience(usize),
}

fn parse_action(value: &str) -> Action {
    if let Some(n) = value
        .strip_prefix("remove_skill_")
        .and_then(|n| n.parse().ok())
    {
        return Action::RemoveSkill(n);
    }
    if let Some(n) = value
        .strip_prefix("remove_experience_")
        .and_then(|n| n.parse().ok())
    {
        return Action::RemoveExperience(n);
    }
    match value {
        "add_skill" => Action::AddSkill,
        "add_experience" => Action::AddExperience,
        _ => Action::Save,
    }
}

/// Everything on the profile form, as typed. The single fields are checked by the
/// `validate` rules; the repeated rows by `parse`, which knows the skills catalogue.
#[derive(Debug, Default, Validate)]
pub struct ProfileForm {
    #[validate(custom(function = "headline_text"))]
    pub headline: String,
    #[validate(custom(function = "bio_text"))]
    pub bio: String,
    #[validate(custom(function = "country_code"))]
    pub country: String,
    #[validate(custom(function = "time_zone"))]
    pub time_zone: String,
    #[validate(custom(function = "years"))]
    pub years_experience: String,
    #[validate(custom(function = "commitment_offer"))]
    pub commitment: String,
    #[validate(custom(function = "date"))]
    pub available_from: String,
    #[validate(custom(function = "github_link"))]
    pub github_url: String,
    #[validate(custom(function = "linkedin_link"))]
    pub linkedin_url: String,
    #[validate(custom(function = "any_link"))]
    pub website_url: String,
    pub skills: Vec<SkillRowValues>,
    pub experiences: Vec<ExperienceRowValues>,
}

/// A domain parser's refusal as a validation error carrying the same message.
fn refusal<T, E: std::fmt::Display>(parsed: Result<T, E>) -> Result<(), ValidationError> {
    parsed.map(|_| ()).map_err(|e| {
        let mut error = ValidationError::new("parse");
        error.message = Some(e.to_string().into());
        error
    })
}

/// Trimmed free text: at most `max` characters, no control characters but line breaks and tabs.
fn text_problem(value: &str, max: usize, label: &str) -> Option<String> {
    let trimmed = value.trim();
    if trimmed.chars().count() > max {
        return Some(format!("{label} is at most {max} characters."));
    }
    if trimmed
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Some("Remove the invisible control characters.".into());
    }
    None
}

fn text(value: &str, max: usize, label: &str) -> Result<(), ValidationError> {
    refusal(text_problem(value, max, label).map_or(Ok(()), Err))
}

fn headline_text(value: &str) -> Result<(), ValidationError> {
    text(value, 120, "The headline")
}

fn bio_text(value: &str) -> Result<(), ValidationError> {
    text(value, 5000, "The bio")
}

fn country_code(value: &str) -> Result<(), ValidationError> {
    refusal(country::parse_code(value))
}

fn time_zone(value: &str) -> Result<(), ValidationError> {
    refusal(TimeZone::parse(value))
}

fn years(value: &str) -> Result<(), ValidationError> {
    refusal(parse_years(value))
}

fn commitment_offer(value: &str) -> Result<(), ValidationError> {
    refusal(value.parse::<CommitmentOffer>())
}

fn date(value: &str) -> Result<(), ValidationError> {
    refusal(parse_date(value))
}

fn github_link(value: &str) -> Result<(), ValidationError> {
    refusal(parse_link(value, Some("github.com")))
}

fn linkedin_link(value: &str) -> Result<(), ValidationError> {
    refusal(parse_link(value, Some("linkedin.com")))
}

fn any_link(value: &str) -> Result<(), ValidationError> {
    refusal(parse_link(value, None))
}

impl ProfileForm {
    /// The posted pairs as a form and the button pressed.
    pub fn from_pairs(pairs: Vec<(String, String)>) -> (Self, Action) {
        let mut f = ProfileForm::default();
        let mut action = Action::Save;
        let mut skills: BTreeMap<usize, SkillRowValues> = BTreeMap::new();
        let mut exps: BTreeMap<usize, ExperienceRowValues> = BTreeMap::new();
        for (key, value) in pairs {
            let row = |prefix: &str| {
                key.strip_prefix(prefix)
                    .and_then(|n| n.parse::<usize>().ok())
                    .filter(|n| *n < 100)
            };
            match key.as_str() {
                "headline" => f.headline = value,
                "bio" => f.bio = value,
                "country" => f.country = value,
                "time_zone" => f.time_zone = value,
                "years_experience" => f.years_experience = value,
                "commitment" => f.commitment = value,
                "available_from" => f.available_from = value,
                "github_url" => f.github_url = value,
                "linkedin_url" => f.linkedin_url = value,
                "website_url" => f.website_url = value,
                "action" => action = parse_action(&value),
                _ => {
                    if let Some(n) = row("skill_slug_") {
                        skills.entry(n).or_default().slug = value;
                    } else if let Some(n) = row("skill_years_") {
                        skills.entry(n).or_default().years = value;
                    } else if let Some(n) = row("exp_company_") {
                        exps.entry(n).or_default().company_name = value;
                    } else if let Some(n) = row("exp_title_") {
                        exps.entry(n).or_default().title = value;
                    } else if let Some(n) = row("exp_start_") {
                        exps.entry(n).or_default().start = value;
                    } else if let Some(n) = row("exp_end_") {
                        exps.entry(n).or_default().end = value;
                    } else if let Some(n) = row("exp_summary_") {
                        exps.entry(n).or_default().summary = value;
                    }
                }
            }
        }
        f.skills = skills.into_values().collect();
        f.experiences = exps.into_values().collect();
        (f, action)
    }

    /// Checks every field and row; `known_skills` are the catalogue's slugs.
    pub fn parse(&self, known_skills: &[String]) -> Result<ProfileInput, FieldErrors> {
        let mut e = match self.validate() {
            Ok(()) => FieldErrors::default(),
            Err(errors) => FieldErrors::from_validation(&errors),
        };
        let skills = self.skill_rows(&mut e, known_skills);
        let experiences = self.experience_rows(&mut e);
        if !e.is_empty() {
            return Err(e);
        }
        // The rules above accepted every field: these parses succeed.
        let country_code = e.check("country", country::parse_code(&self.country));
        let time_zone = e.check("time_zone", TimeZone::parse(&self.time_zone));
        let years = e.check("years_experience", parse_years(&self.years_experience));
        let commitment = e.check("commitment", self.commitment.parse::<CommitmentOffer>());
        let available_from = e.check("available_from", parse_date(&self.available_from));
        let github = e.check(
            "github_url",
            parse_link(&self.github_url, Some("github.com")),
        );
        let linkedin = e.check(
            "linkedin_url",
            parse_link(&self.linkedin_url, Some("linkedin.com")),
        );
        let website = e.check("website_url", parse_link(&self.website_url, None));
        match (
            country_code,
            time_zone,
            years,
            commitment,
            available_from,
            github,
            linkedin,
            website,
        ) {
            (
                Some(country_code),
                Some(time_zone),
                Some(years_experience),
                Some(commitment),
                Some(available_from),
                Some(github_url),
                Some(linkedin_url),
                Some(website_url),
            ) => Ok(ProfileInput {
                headline: self.headline.trim().to_owned(),
                bio: self.bio.trim().to_owned(),
                country_code,
                time_zone,
                years_experience,
                commitment,
                available_from,
                github_url,
                linkedin_url,
                website_url,
                skills,
                experiences,
            }),
            _ => Err(e),
        }
    }

    fn skill_rows(&self, e: &mut FieldErrors, known_skills: &[String]) -> Vec<(String, i32)> {
        let mut skills = Vec::new();
        for (i, row) in self.skills.iter().enumerate() {
            if row.slug.trim().is_empty() && row.years.trim().is_empty() {
                continue;
            }
            if !known_skills.iter().any(|s| s == row.slug.trim()) {
                e.add(&format!("skill_{i}"), "Choose a skill from the list.");
                continue;
            }
            match parse_years(&row.years) {
                Ok(years) => skills.push((row.slug.trim().to_owned(), years)),
                Err(err) => e.add(&format!("skill_{i}"), err.to_string()),
            }
        }
        if skills.len() > MAX_SKILLS {
            e.add(
                "skills",
                format!("List at most {MAX_SKILLS} skills: the ones you'd want to be hired for."),
            );
        }
        skills
    }

    fn experience_rows(&self, e: &mut FieldErrors) -> Vec<ExperienceInput> {
        let mut experiences = Vec::new();
        for (i, row) in self.experiences.iter().enumerate() {
            let blank = [
                &row.company_name,
                &row.title,
                &row.start,
                &row.end,
                &row.summary,
            ]
            .iter()
            .all(|f| f.trim().is_empty());
            if blank {
                continue;
            }
            let key = format!("exp_{i}");
            for (value, max, label) in [
                (&row.company_name, 120, "The company name"),
                (&row.title, 120, "The title"),
                (&row.summary, 1000, "The summary"),
            ] {
                if let Some(problem) = text_problem(value, max, label) {
                    e.add(&key, problem);
                }
            }
            let company_name = row.company_name.trim().to_owned();
            let title = row.title.trim().to_owned();
            if company_name.is_empty() || title.is_empty() {
                e.add(&key, "Give the company and your title.");
            }
            let start = match parse_month(&row.start) {
                Ok(Some(d)) => Some(d),
                Ok(None) => {
                    e.add(&key, "Give the month you started.");
                    None
                }
                Err(err) => {
                    e.add(&key, err.to_string());
                    None
                }
            };
            let end = e.check(&key, parse_month(&row.end)).flatten();
            if let (Some(s), Some(end)) = (start, end)
                && end < s
            {
                e.add(&key, "The end month is before the start month.");
            }
            if let Some(started_on) = start {
                experiences.push(ExperienceInput {
                    company_name,
                    title,
                    started_on,
                    ended_on: end,
                    summary: row.summary.trim().to_owned(),
                });
            }
        }
        if experiences.len() > MAX_EXPERIENCES {
            e.add(
                "experiences",
                format!("List at most {MAX_EXPERIENCES} roles."),
            );
        }
        experiences
    }
}

impl From<ProfileForm> for ProfileValues {
    fn from(f: ProfileForm) -> Self {
        ProfileValues {
            headline: f.headline,
            bio: f.bio,
            country: f.country,
            time_zone: f.time_zone,
            years_experience: f.years_experience,
            commitment: f.commitment,
            available_from: f.available_from,
            github_url: f.github_url,
            linkedin_url: f.linkedin_url,
            website_url: f.website_url,
            skills: f.skills,
            experiences: f.experiences,
        }
    }
}
