//! The seed files in `seeds/`, compiled into the binary so `ladder seed` works from any
//! directory, and the texts of each track with the skills they name worked out once.

use serde::Deserialize;

use super::SeedError;
use super::mentions::Mentions;

#[derive(Debug, Deserialize)]
pub(super) struct SkillSeed {
    pub slug: String,
    pub name: String,
    pub category: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct Owner {
    pub name: String,
    pub email: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct CompanySeed {
    pub name: String,
    pub slug: String,
    pub time_zone: String,
    pub website: Option<String>,
    pub about: String,
    pub owner: Owner,
}

#[derive(Debug, Deserialize)]
pub(super) struct Names {
    pub first: Vec<String>,
    pub last: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct CountrySeed {
    pub code: String,
    pub name: String,
    pub time_zones: Vec<String>,
    pub weight: u32,
}

#[derive(Debug, Deserialize)]
struct Headlines {
    #[serde(rename = "L1")]
    l1: Vec<String>,
    #[serde(rename = "L2")]
    l2: Vec<String>,
    #[serde(rename = "L3")]
    l3: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct StageTexts {
    pub summaries: Vec<String>,
    pub notes: Vec<String>,
}

/// What reviewers wrote, per vetting stage (seeds/vetting.json).
#[derive(Debug, Deserialize)]
pub(super) struct VettingSeed {
    pub screening: StageTexts,
    pub technical: StageTexts,
    pub interview: StageTexts,
}

#[derive(Debug, Deserialize)]
struct TrackFile {
    core_skills: Vec<String>,
    optional_skills: Vec<String>,
    headlines: Headlines,
    bio_openers: Vec<String>,
    bio_middles: Vec<String>,
    bio_closers: Vec<String>,
    titles: Vec<String>,
    experience_summaries: Vec<String>,
}

/// A text and the catalogue skills it names (their slugs).
#[derive(Debug, Clone)]
pub(super) struct Text {
    pub text: String,
    pub skills: Vec<String>,
}

/// One career track with its texts; headlines are per level (index 0 = L1).
#[derive(Debug)]
pub(super) struct Track {
    pub core_skills: Vec<String>,
    pub optional_skills: Vec<String>,
    pub headlines: [Vec<Text>; 3],
    pub bio_openers: Vec<Text>,
    pub bio_middles: Vec<Text>,
    pub bio_closers: Vec<Text>,
    pub titles: Vec<Text>,
    pub experience_summaries: Vec<Text>,
}

pub(super) struct SeedData {
    pub skills: Vec<SkillSeed>,
    pub companies: Vec<CompanySeed>,
    pub names: Names,
    pub countries: Vec<CountrySeed>,
    pub tracks: Vec<Track>,
    pub employers: Vec<String>,
    pub vetting: VettingSeed,
    pub total_weight: u32,
}

fn parse<T: serde::de::DeserializeOwned>(name: &'static str, text: &str) -> Result<T, SeedError> {
    serde_json::from_str(text).map_err(|e| SeedError::Data(format!("seeds/{name}: {e}")))
}

pub(super) fn skills() -> Result<Vec<SkillSeed>, SeedError> {
    parse("skills.json", include_str!("../../../seeds/skills.json"))
}

impl SeedData {
    pub fn load() -> Result<Self, SeedError> {
        let skills = skills()?;
        let mentions = Mentions::new(skills.iter().map(|s| (s.slug.as_str(), s.name.as_str())));
        let files: Vec<TrackFile> =
            parse("tracks.json", include_str!("../../../seeds/tracks.json"))?;
        let texts = |list: Vec<String>| -> Vec<Text> {
            list.into_iter()
                .map(|text| Text {
                    skills: mentions.find(&text),
                    text,
                })
                .collect()
        };
        let tracks = files
            .into_iter()
            .map(|t| Track {
                core_skills: t.core_skills,
                optional_skills: t.optional_skills,
                headlines: [
                    texts(t.headlines.l1),
                    texts(t.headlines.l2),
                    texts(t.headlines.l3),
                ],
                bio_openers: texts(t.bio_openers),
                bio_middles: texts(t.bio_middles),
                bio_closers: texts(t.bio_closers),
                titles: texts(t.titles),
                experience_summaries: texts(t.experience_summaries),
            })
            .collect();
        let countries: Vec<CountrySeed> = parse(
            "countries.json",
            include_str!("../../../seeds/countries.json"),
        )?;
        Ok(SeedData {
            skills,
            companies: parse(
                "companies.json",
                include_str!("../../../seeds/companies.json"),
            )?,
            names: parse("names.json", include_str!("../../../seeds/names.json"))?,
            total_weight: countries.iter().map(|c| c.weight).sum(),
            countries,
            tracks,
            employers: parse(
                "employers.json",
                include_str!("../../../seeds/employers.json"),
            )?,
            vetting: parse("vetting.json", include_str!("../../../seeds/vetting.json"))?,
        })
    }
}
