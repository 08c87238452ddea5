//! One demo developer, generated from its own RNG stream without a database: who they
//! are, where, their vetting state and level, career, profile texts and skills.

use chrono::{Datelike, Duration, NaiveDateTime};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::domain::{CommitmentOffer, DeveloperStatus, Level, Slug, VettingStage};
use crate::models::{developer, experience, vetting_review};

use super::data::{SeedData, Text};
use super::{DEMO_DEVELOPER_EMAIL, RNG_SEED, career, skills};

/// Everything about one generated developer, before ids are known.
pub struct GeneratedDeveloper {
    pub email: String,
    pub name: String,
    pub profile: developer::NewDeveloper,
    /// Skill slugs and years, core skills first.
    pub skills: Vec<(String, i32)>,
    /// Most recent first.
    pub experiences: Vec<experience::NewExperience>,
    pub reviews: Vec<vetting_review::NewVettingReview>,
}

pub(super) fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    items.choose(rng).expect("seed lists are not empty")
}

/// Developer number `index` as of `now`; the same whatever else is seeded.
pub(super) fn generate(data: &SeedData, index: usize, now: NaiveDateTime) -> GeneratedDeveloper {
    let mut rng =
        ChaCha8Rng::seed_from_u64(RNG_SEED ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let today = now.date();
    let days_ago = |n: i64| now - Duration::days(n);

    let first = pick(&mut rng, &data.names.first).clone();
    let last = pick(&mut rng, &data.names.last).clone();
    let mut weight_roll = rng.random_range(0..data.total_weight);
    let country = data
        .countries
        .iter()
        .find(|c| {
            if weight_roll < c.weight {
                true
            } else {
                weight_roll -= c.weight;
                false
            }
        })
        .expect("weights sum to total");
    let time_zone = pick(&mut rng, &country.time_zones).clone();
    let track = pick(&mut rng, &data.tracks);

    // The first developer is the demo account: always an approved, published L2.
    let roll = if index == 0 {
        0
    } else {
        rng.random_range(0..100)
    };
    let (status, vetting_stage) = match roll {
        0..68 => (DeveloperStatus::Approved, None),
        68..76 => (DeveloperStatus::Draft, None),
        76..82 => (DeveloperStatus::Submitted, None),
        82..85 => (DeveloperStatus::InReview, Some(VettingStage::Screening)),
        85..88 => (DeveloperStatus::InReview, Some(VettingStage::Technical)),
        88..91 => (DeveloperStatus::InReview, Some(VettingStage::Interview)),
        91..93 => (DeveloperStatus::InReview, Some(VettingStage::Decision)),
        _ => (DeveloperStatus::Rejected, None),
    };
    let level = match (status, index) {
        (DeveloperStatus::Approved, 0) => Some(Level::L2),
        (DeveloperStatus::Approved, _) => Some(match rng.random_range(0..100) {
            0..30 => Level::L1,
            30..72 => Level::L2,
            _ => Level::L3,
        }),
        _ => None,
    };
    let years: i32 = rng.random_range(career::years_range(level));
    let titled_as = level.unwrap_or_else(|| career::implied_level(years));

    let start = career::career_start(&mut rng, today, years);
    let experiences = career::history(&mut rng, track, &data.employers, titled_as, start, today);

    let headlines = match titled_as {
        Level::L1 => &track.headlines[0],
        Level::L2 => &track.headlines[1],
        Level::L3 => &track.headlines[2],
    };
    let headline = pick(&mut rng, headlines);
    let bio_parts: [&Text; 3] = [
        pick(&mut rng, &track.bio_openers),
        pick(&mut rng, &track.bio_middles),
        pick(&mut rng, &track.bio_closers),
    ];
    let bio = bio_parts
        .iter()
        .map(|t| {
            t.text
                .replace("{years}", &years.to_string())
                .replace("{country}", &country.name)
        })
        .collect::<Vec<_>>()
        .join("\n\n");
    // Every skill the headline, bio or work history names is on the profile.
    let mut named: Vec<String> = Vec::new();
    let texts = std::iter::once(headline).chain(bio_parts);
    for slug in texts.flat_map(|t| &t.skills) {
        if !named.contains(slug) {
            named.push(slug.clone());
        }
    }
    for e in &experiences {
        for t in track.titles.iter().chain(&track.experience_summaries) {
            if (t.text == e.title || t.text == e.summary) && !t.skills.is_empty() {
                for slug in &t.skills {
                    if !named.contains(slug) {
                        named.push(slug.clone());
                    }
                }
            }
        }
    }
    let skills = skills::choose(&mut rng, track, years, today.year(), &named);

    let commitment = match rng.random_range(0..100) {
        0..55 => CommitmentOffer::Both,
        55..85 => CommitmentOffer::FullTime,
        _ => CommitmentOffer::PartTime,
    };
    let approved = status == DeveloperStatus::Approved;
    let stale = approved && index != 0 && rng.random_ratio(1, 10);
    let paused = approved && index != 0 && !stale && rng.random_ratio(1, 14);
    // Dates run forwards and end by now: created → submitted → reviews (1, 3, 5 days
    // later) → decided (6 days) → availability last confirmed.
    let confirmed_days_ago = if stale {
        rng.random_range(31..90)
    } else {
        rng.random_range(0..25)
    };
    let (created_days_ago, submitted_days_ago) = match status {
        DeveloperStatus::Approved => {
            let submitted = confirmed_days_ago + rng.random_range(6..80);
            (submitted + rng.random_range(1..60), Some(submitted))
        }
        DeveloperStatus::Draft => (rng.random_range(20..400), None),
        DeveloperStatus::Submitted => {
            let created = rng.random_range(20..400);
            (created, Some(rng.random_range(1..created)))
        }
        _ => {
            let created = rng.random_range(20..400);
            (created, Some(rng.random_range(8..created)))
        }
    };
    let created_at = days_ago(created_days_ago);
    let submitted_at = submitted_days_ago.map(days_ago);
    let decided_at = matches!(
        status,
        DeveloperStatus::Approved | DeveloperStatus::Rejected
    )
    .then(|| submitted_at.unwrap_or(created_at) + Duration::days(6));
    let available_from = if approved && rng.random_ratio(3, 10) {
        Some(today + Duration::days(rng.random_range(7..45)))
    } else if approved {
        Some(today - Duration::days(rng.random_range(0..30)))
    } else {
        None
    };

    let base_slug = Slug::slugify(&format!("{first} {last}"));
    let slug = if base_slug.is_empty() {
        format!("developer-{}", index + 1)
    } else {
        format!("{base_slug}-{}", index + 1)
    };
    let email = if index == 0 {
        DEMO_DEVELOPER_EMAIL.to_owned()
    } else {
        format!("{}@devs.example", slug.replace('-', "."))
    };

    GeneratedDeveloper {
        email,
        name: format!("{first} {last}"),
        profile: developer::NewDeveloper {
            user_id: 0,
            slug,
            first_name: first,
            last_name: last,
            headline: headline.text.clone(),
            bio,
            country_code: country.code.clone(),
            time_zone,
            years_experience: years,
            commitment,
            level,
            status,
            vetting_stage,
            published_at: (approved && !paused).then(|| decided_at.unwrap_or(created_at)),
            available_from,
            availability_confirmed_at: approved.then(|| days_ago(confirmed_days_ago)),
            github_url: None,
            linkedin_url: None,
            website_url: None,
            submitted_at,
            decided_at,
            rejection_reason: (status == DeveloperStatus::Rejected).then(|| {
                "Thank you for applying. The technical assessment showed gaps in database design and testing that we'd expect at every level; you're welcome to re-apply in 90 days.".to_owned()
            }),
            created_at,
            updated_at: created_at,
        },
        skills,
        experiences,
        reviews: Vec::new(),
    }
}
