//! `ladder seed`: demo data from the files in `seeds/`.
//!
//! Deterministic: developer number `i` is generated from its own RNG stream (a fixed seed
//! mixed with `i`), so it is the same whatever `--developers` says and however often the
//! command runs. Idempotent: rows are keyed by natural keys (skill slug, company slug,
//! email, developer slug) and only missing ones are inserted. Times are relative to
//! `SeedOptions::now` so the demo catalogue is always current.

use std::collections::{HashMap, HashSet};

use chrono::{Duration, NaiveDate, NaiveDateTime};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Deserialize;

use crate::auth::password::hash_password;
use crate::crypto::random_token;
use crate::catalog::search_index;
use crate::db::{Backend, DbConn, write_transaction};
use crate::domain::{Level, Role, Slug};
use crate::models::{
    company, company_member, developer, developer_skill, experience, skill, user, vetting_review,
};

const RNG_SEED: u64 = 0x001a_dde5_2026;
const BATCH: usize = 1000;
/// Stands in for a password hash on seeded accounts nobody signs in to: never verifies.
pub const UNUSABLE_PASSWORD: &str = "!seeded-account";
pub const DEMO_ADMIN_EMAIL: &str = "admin@ladder.example";
pub const DEMO_DEVELOPER_EMAIL: &str = "developer@ladder.example";
pub const DEFAULT_DEVELOPERS: usize = 200;

#[derive(Debug, Deserialize)]
struct SkillSeed {
    slug: String,
    name: String,
    category: String,
}

#[derive(Debug, Deserialize)]
struct Owner {
    name: String,
    email: String,
}

#[derive(Debug, Deserialize)]
struct CompanySeed {
    name: String,
    slug: String,
    time_zone: String,
    website: Option<String>,
    about: String,
    owner: Owner,
}

#[derive(Debug, Deserialize)]
struct Names {
    first: Vec<String>,
    last: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct CountrySeed {
    code: String,
    name: String,
    time_zones: Vec<String>,
    weight: u32,
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
struct StageTexts {
    summaries: Vec<String>,
    notes: Vec<String>,
}

/// What reviewers wrote, per vetting stage (seeds/vetting.json).
#[derive(Debug, Deserialize)]
struct VettingSeed {
    screening: StageTexts,
    technical: StageTexts,
    interview: StageTexts,
}

#[derive(Debug, Deserialize)]
struct TrackSeed {
    core_skills: Vec<String>,
    optional_skills: Vec<String>,
    headlines: Headlines,
    bio_openers: Vec<String>,
    bio_middles: Vec<String>,
    bio_closers: Vec<String>,
    titles: Vec<String>,
    experience_summaries: Vec<String>,
}

/// The seed files, compiled into the binary so `ladder seed` works from any directory.
struct SeedData {
    skills: Vec<SkillSeed>,
    companies: Vec<CompanySeed>,
    names: Names,
    countries: Vec<CountrySeed>,
    tracks: Vec<TrackSeed>,
    employers: Vec<String>,
    vetting: VettingSeed,
}

impl SeedData {
    fn load() -> Result<Self, SeedError> {
        fn parse<T: serde::de::DeserializeOwned>(
            name: &'static str,
            text: &str,
        ) -> Result<T, SeedError> {
            serde_json::from_str(text).map_err(|e| SeedError::Data(format!("seeds/{name}: {e}")))
        }
        Ok(SeedData {
            skills: parse("skills.json", include_str!("../../seeds/skills.json"))?,
            companies: parse("companies.json", include_str!("../../seeds/companies.json"))?,
            names: parse("names.json", include_str!("../../seeds/names.json"))?,
            countries: parse("countries.json", include_str!("../../seeds/countries.json"))?,
            tracks: parse("tracks.json", include_str!("../../seeds/tracks.json"))?,
            employers: parse("employers.json", include_str!("../../seeds/employers.json"))?,
            vetting: parse("vetting.json", include_str!("../../seeds/vetting.json"))?,
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("seed data is invalid: {0}")]
    Data(String),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
}

#[derive(Debug, Clone)]
pub struct SeedOptions {
    pub developers: usize,
    pub now: NaiveDateTime,
    pub progress: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    pub role: &'static str,
    pub email: String,
    pub password: String,
}

#[derive(Debug, Default)]
pub struct SeedReport {
    pub skills_added: usize,
    pub companies_added: usize,
    pub developers_added: usize,
    pub engagements_added: usize,
    /// Sign-in details of demo accounts created by this run (shown once, never stored).
    pub credentials: Vec<Credential>,
}

pub fn seed(conn: &mut DbConn, options: &SeedOptions) -> Result<SeedReport, SeedError> {
    let data = SeedData::load()?;
    let mut report = SeedReport::default();
    let now = options.now;

    write_transaction(conn, |conn| -> Result<(), SeedError> {
        report.skills_added = seed_skills(conn, &data)?;
        let (added, credential) = seed_companies(conn, &data, now)?;
        report.companies_added = added;
        report.credentials.extend(credential);
        if user::find_by_email(conn, DEMO_ADMIN_EMAIL)?.is_none() {
            let password = random_token(20);
            user::insert(
                conn,
                &new_user(
                    DEMO_ADMIN_EMAIL,
                    "Ladder Admin",
                    hash_password(&password),
                    Role::Admin,
                    now,
                ),
            )?;
            report.credentials.push(Credential {
                role: "admin",
                email: DEMO_ADMIN_EMAIL.into(),
                password,
            });
        }
        Ok(())
    })?;

    let (added, credential) = seed_developers(conn, &data, options)?;
    report.developers_added = added;
    report.credentials.extend(credential);
    report.engagements_added = super::seed_billing::seed_engagements(conn, now)?;
    Ok(report)
}

fn new_user(
    email: &str,
    name: &str,
    password_hash: String,
    role: Role,
    now: NaiveDateTime,
) -> user::NewUser {
    user::NewUser {
        email: email.to_owned(),
        name: name.to_owned(),
        password_hash,
        role: role.as_str().into(),
        email_verified_at: Some(now),
        session_version: 1,
        created_at: now,
        updated_at: now,
    }
}

/// The skills catalogue is reference data, not demo data: every start makes sure it is
/// there (developers pick from it even in a database without demo content).
pub fn ensure_skills(conn: &mut DbConn) -> Result<usize, SeedError> {
    let skills: Vec<SkillSeed> = serde_json::from_str(include_str!("../../seeds/skills.json"))
        .map_err(|e| SeedError::Data(format!("seeds/skills.json: {e}")))?;
    write_transaction(conn, |conn| insert_missing_skills(conn, &skills))
}

fn seed_skills(conn: &mut DbConn, data: &SeedData) -> Result<usize, SeedError> {
    insert_missing_skills(conn, &data.skills)
}

fn insert_missing_skills(conn: &mut DbConn, skills: &[SkillSeed]) -> Result<usize, SeedError> {
    let existing: HashSet<String> = skill::all(conn)?.into_iter().map(|s| s.slug).collect();
    let mut added = 0;
    for s in skills.iter().filter(|s| !existing.contains(&s.slug)) {
        Slug::parse(&s.slug).map_err(|_| SeedError::Data(format!("bad skill slug {}", s.slug)))?;
        skill::insert(
            conn,
            &skill::NewSkill {
                slug: s.slug.clone(),
                name: s.name.clone(),
                category: s.category.clone(),
            },
        )?;
        added += 1;
    }
    Ok(added)
}

fn seed_companies(
    conn: &mut DbConn,
    data: &SeedData,
    now: NaiveDateTime,
) -> Result<(usize, Option<Credential>), SeedError> {
    let mut added = 0;
    let mut credential = None;
    for (index, c) in data.companies.iter().enumerate() {
        if company::find_by_slug(conn, &c.slug)?.is_some() {
            continue;
        }
        let row = company::insert(
            conn,
            &company::NewCompany {
                name: c.name.clone(),
                slug: c.slug.clone(),
                time_zone: c.time_zone.clone(),
                website: c.website.clone(),
                about: c.about.clone(),
                created_at: now,
                updated_at: now,
            },
        )?;
        // The first company is the demo one: its owner gets a real password.
        let password_hash = if index == 0 {
            let password = random_token(20);
            let hash = hash_password(&password);
            credential = Some(Credential {
                role: "company",
                email: c.owner.email.clone(),
                password,
            });
            hash
        } else {
            UNUSABLE_PASSWORD.to_owned()
        };
        let owner = match user::find_by_email(conn, &c.owner.email)? {
            Some(existing) => existing,
            None => user::insert(
                conn,
                &new_user(
                    &c.owner.email,
                    &c.owner.name,
                    password_hash,
                    Role::Company,
                    now,
                ),
            )?,
        };
        company_member::insert(
            conn,
            &company_member::NewCompanyMember {
                company_id: row.id,
                user_id: owner.id,
                role: "owner".into(),
                created_at: now,
            },
        )?;
        added += 1;
    }
    Ok((added, credential))
}

/// Everything about one generated developer, before ids are known.
struct GeneratedDeveloper {
    email: String,
    name: String,
    profile: developer::NewDeveloper,
    skills: Vec<(String, i32)>,
    experiences: Vec<experience::NewExperience>,
    reviews: Vec<vetting_review::NewVettingReview>,
}

fn seed_developers(
    conn: &mut DbConn,
    data: &SeedData,
    options: &SeedOptions,
) -> Result<(usize, Option<Credential>), SeedError> {
    let skill_ids: HashMap<String, i32> = skill::all(conn)?
        .into_iter()
        .map(|s| (s.slug, s.id))
        .collect();
    let total_weight: u32 = data.countries.iter().map(|c| c.weight).sum();
    let reviewer_id = user::find_by_email(conn, DEMO_ADMIN_EMAIL)?.map(|u| u.id);
    let bar = if options.progress {
        let bar = indicatif::ProgressBar::new(options.developers as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{msg} [{bar:40}] {pos}/{len} ({per_sec}, {eta} left)",
            )
            .expect("static template")
            .progress_chars("=> "),
        );
        bar.set_message("developers");
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };

    let mut added = 0;
    let mut credential = None;
    let mut start = 0;
    while start < options.developers {
        let end = (start + BATCH).min(options.developers);
        let generated: Vec<GeneratedDeveloper> = (start..end)
            .map(|i| {
                let mut g = generate_developer(data, total_weight, i, options.now);
                g.reviews = generate_reviews(data, i, &g.profile, reviewer_id);
                g
            })
            .collect();
        let batch_added = write_transaction(conn, |conn| -> Result<usize, SeedError> {
            let slugs: Vec<String> = generated.iter().map(|g| g.profile.slug.clone()).collect();
            let existing: HashSet<String> = developer::existing_slugs(conn, &slugs)?
                .into_iter()
                .collect();
            let fresh: Vec<&GeneratedDeveloper> = generated
                .iter()
                .filter(|g| !existing.contains(&g.profile.slug))
                .collect();
            if fresh.is_empty() {
                return Ok(0);
            }
            let first_user_id = user::max_id(conn)? + 1;
            let first_developer_id = developer::max_id(conn)? + 1;
            let mut users = Vec::with_capacity(fresh.len());
            let mut profiles = Vec::with_capacity(fresh.len());
            let mut skills = Vec::new();
            let mut experiences = Vec::new();
            let mut reviews = Vec::new();
            for (offset, g) in (0..).zip(fresh.iter()) {
                let (next_user_id, next_developer_id) =
                    (first_user_id + offset, first_developer_id + offset);
                let password_hash = if g.email == DEMO_DEVELOPER_EMAIL {
                    let password = random_token(20);
                    let hash = hash_password(&password);
                    credential = Some(Credential {
                        role: "developer",
                        email: g.email.clone(),
                        password,
                    });
                    hash
                } else {
                    UNUSABLE_PASSWORD.to_owned()
                };
                users.push(user::NewUserWithId {
                    id: next_user_id,
                    user: new_user(
                        &g.email,
                        &g.name,
                        password_hash,
                        Role::Developer,
                        g.profile.created_at,
                    ),
                });
                let mut profile = g.profile.clone();
                profile.user_id = next_user_id;
                profiles.push(developer::NewDeveloperWithId {
                    id: next_developer_id,
                    profile,
                });
                for (slug, years) in &g.skills {
                    let skill_id = *skill_ids.get(slug).ok_or_else(|| {
                        SeedError::Data(format!("tracks.json names unknown skill {slug}"))
                    })?;
                    skills.push(developer_skill::DeveloperSkillRow {
                        developer_id: next_developer_id,
                        skill_id,
                        years: *years,
                    });
                }
                for e in &g.experiences {
                    experiences.push(experience::NewExperience {
                        developer_id: next_developer_id,
                        ..e.clone()
                    });
                }
                for r in &g.reviews {
                    reviews.push(vetting_review::NewVettingReview {
                        developer_id: next_developer_id,
                        ..r.clone()
                    });
                }
            }
            crate::insert_batch!(conn, crate::schema::users::table, &users)?;
            developer::insert_many(conn, &profiles)?;
            for chunk in skills.chunks(5000) {
                developer_skill::insert_many(conn, chunk)?;
            }
            for chunk in experiences.chunks(2000) {
                experience::insert_many(conn, chunk)?;
            }
            for chunk in reviews.chunks(2000) {
                vetting_review::insert_many(conn, chunk)?;
            }
            let ids: Vec<i32> = profiles.iter().map(|p| p.id).collect();
            search_index::refresh(conn, &ids)?;
            Ok(fresh.len())
        })?;
        added += batch_added;
        bar.inc((end - start) as u64);
        start = end;
    }
    bar.finish_and_clear();

    if added > 0 && conn.backend() == Backend::Postgres {
        // Explicit ids leave the identity sequences behind; move them past the new rows.
        use diesel::connection::SimpleConnection;
        conn.batch_execute(
            "SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT MAX(id) FROM users));
             SELECT setval(pg_get_serial_sequence('developers', 'id'), (SELECT MAX(id) FROM developers));",
        )?;
        // The search-index refresh rewrote every new row: vacuum now so the catalog's
        // index-only scans and the planner see a settled table, not autovacuum mid-traffic.
        // (One statement per call: several in one string would form a transaction block.)
        for table in ["developers", "developer_skills", "vetting_reviews"] {
            conn.batch_execute(&format!("VACUUM ANALYZE {table}"))?;
        }
    }
    Ok((added, credential))
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    items.choose(rng).expect("seed lists are not empty")
}

fn generate_developer(
    data: &SeedData,
    total_weight: u32,
    index: usize,
    now: NaiveDateTime,
) -> GeneratedDeveloper {
    let mut rng =
        ChaCha8Rng::seed_from_u64(RNG_SEED ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let today = now.date();
    let days_ago = |n: i64| now - Duration::days(n);

    let first = pick(&mut rng, &data.names.first).clone();
    let last = pick(&mut rng, &data.names.last).clone();
    let mut weight_roll = rng.random_range(0..total_weight);
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
        0..68 => ("approved", None),
        68..76 => ("draft", None),
        76..82 => ("submitted", None),
        82..85 => ("in_review", Some("screening")),
        85..88 => ("in_review", Some("technical")),
        88..91 => ("in_review", Some("interview")),
        91..93 => ("in_review", Some("decision")),
        _ => ("rejected", None),
    };
    let level = match (status, index) {
        ("approved", 0) => Some(Level::L2),
        ("approved", _) => Some(match rng.random_range(0..100) {
            0..30 => Level::L1,
            30..72 => Level::L2,
            _ => Level::L3,
        }),
        _ => None,
    };
    let years: i32 = match level {
        Some(Level::L1) => rng.random_range(2..=4),
        Some(Level::L2) => rng.random_range(4..=8),
        Some(Level::L3) => rng.random_range(8..=16),
        None => rng.random_range(2..=12),
    };
    let headline_pool = match level.unwrap_or(if years >= 8 {
        Level::L3
    } else if years >= 4 {
        Level::L2
    } else {
        Level::L1
    }) {
        Level::L1 => &track.headlines.l1,
        Level::L2 => &track.headlines.l2,
        Level::L3 => &track.headlines.l3,
    };
    let headline = pick(&mut rng, headline_pool).clone();
    let fill = |text: &str| {
        text.replace("{years}", &years.to_string())
            .replace("{country}", &country.name)
    };
    let bio = [
        fill(pick(&mut rng, &track.bio_openers).as_str()),
        fill(pick(&mut rng, &track.bio_middles).as_str()),
        fill(pick(&mut rng, &track.bio_closers).as_str()),
    ]
    .join("\n\n");

    let mut skills: Vec<(String, i32)> = track
        .core_skills
        .iter()
        .map(|slug| (slug.clone(), rng.random_range(1..=years.max(1))))
        .collect();
    let extra = rng.random_range(2..=5).min(track.optional_skills.len());
    for slug in track.optional_skills.choose_multiple(&mut rng, extra) {
        skills.push((slug.clone(), rng.random_range(1..=years.clamp(1, 6))));
    }
    // The main language carries the developer's full experience.
    if let Some(first_skill) = skills.first_mut() {
        first_skill.1 = years.max(1);
    }

    let commitment = match rng.random_range(0..100) {
        0..55 => "both",
        55..85 => "full_time",
        _ => "part_time",
    };
    let created_days_ago = rng.random_range(20..400);
    let created_at = days_ago(created_days_ago);
    let approved = status == "approved";
    let stale = approved && index != 0 && rng.random_ratio(1, 10);
    let paused = approved && index != 0 && !stale && rng.random_ratio(1, 14);
    let confirmed_days_ago = if stale {
        rng.random_range(31..90)
    } else {
        rng.random_range(0..25)
    };
    let available_from = if approved && rng.random_ratio(3, 10) {
        Some(today + Duration::days(rng.random_range(7..45)))
    } else if approved {
        Some(today - Duration::days(rng.random_range(0..30)))
    } else {
        None
    };
    let submitted_at =
        (status != "draft").then(|| days_ago(rng.random_range(1..created_days_ago.max(2))));
    let decided_at = matches!(status, "approved" | "rejected")
        .then(|| submitted_at.unwrap_or(created_at) + Duration::days(6));

    // Work history, most recent first, ending today for the current role.
    let mut experiences = Vec::new();
    let mut end: Option<NaiveDate> = None;
    let mut cursor = today;
    let roles = rng.random_range(2..=3);
    for position in 0..roles {
        let months = rng.random_range(14..40);
        let started_on = cursor - Duration::days(months * 30);
        experiences.push(experience::NewExperience {
            developer_id: 0,
            company_name: pick(&mut rng, &data.employers).clone(),
            title: pick(&mut rng, &track.titles).clone(),
            started_on,
            ended_on: end,
            summary: pick(&mut rng, &track.experience_summaries).clone(),
            position,
        });
        end = Some(started_on - Duration::days(rng.random_range(10..60)));
        cursor = end.expect("just set");
    }

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
            headline,
            bio,
            country_code: country.code.clone(),
            time_zone,
            years_experience: years,
            commitment: commitment.into(),
            level: level.map(|l| l.as_str().to_owned()),
            status: status.into(),
            vetting_stage: vetting_stage.map(str::to_owned),
            published_at: (approved && !paused).then(|| decided_at.unwrap_or(created_at)),
            available_from,
            availability_confirmed_at: approved.then(|| days_ago(confirmed_days_ago)),
            github_url: None,
            linkedin_url: None,
            website_url: None,
            submitted_at,
            decided_at,
            rejection_reason: (status == "rejected").then(|| {
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

/// The vetting record of one generated developer: approved ones passed all three stages,
/// applicants in review passed the stages before their current one, rejected ones failed
/// the technical assessment. Its own RNG stream, so profiles stay as they were.
fn generate_reviews(
    data: &SeedData,
    index: usize,
    profile: &developer::NewDeveloper,
    reviewer_id: Option<i32>,
) -> Vec<vetting_review::NewVettingReview> {
    let mut rng = ChaCha8Rng::seed_from_u64(
        (RNG_SEED ^ 0x7e77_1a6e).wrapping_add((index as u64).wrapping_mul(0xD1B5_4A32_D192_ED03)),
    );
    let stages: [(&str, &StageTexts); 3] = [
        ("screening", &data.vetting.screening),
        ("technical", &data.vetting.technical),
        ("interview", &data.vetting.interview),
    ];
    let (passed, failed) = match (profile.status.as_str(), profile.vetting_stage.as_deref()) {
        ("approved", _) | ("in_review", Some("decision")) => (3, None),
        ("in_review", Some("interview")) => (2, None),
        ("in_review", Some("technical")) => (1, None),
        ("rejected", _) => (1, Some(1)),
        _ => (0, None),
    };
    let min_score = match profile.level.as_deref() {
        Some("L3") => 4,
        _ => 3,
    };
    let start = profile.submitted_at.unwrap_or(profile.created_at);
    let mut out = Vec::new();
    for (i, (stage, texts)) in stages.iter().enumerate() {
        let outcome = if i < passed {
            "passed"
        } else if failed == Some(i) {
            "failed"
        } else {
            break;
        };
        let score = if outcome == "passed" {
            rng.random_range(min_score..=5)
        } else {
            rng.random_range(1..=2)
        };
        let at = start + Duration::days(i as i64 * 2 + 1);
        out.push(vetting_review::NewVettingReview {
            developer_id: 0,
            stage: (*stage).to_owned(),
            reviewer_id,
            score: Some(score),
            notes: pick(&mut rng, &texts.notes).clone(),
            summary: pick(&mut rng, &texts.summaries).clone(),
            outcome: outcome.to_owned(),
            created_at: at,
            updated_at: at,
            completed_at: Some(at),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed_now() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 23)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap()
    }

    #[test]
    fn seed_files_parse_and_reference_known_skills() {
        let data = SeedData::load().unwrap();
        let known: HashSet<&str> = data.skills.iter().map(|s| s.slug.as_str()).collect();
        for track in &data.tracks {
            for slug in track.core_skills.iter().chain(&track.optional_skills) {
                assert!(known.contains(slug.as_str()), "unknown skill {slug}");
            }
        }
        for country in &data.countries {
            for tz in &country.time_zones {
                crate::domain::TimeZone::parse(tz).unwrap_or_else(|_| panic!("bad zone {tz}"));
            }
        }
        for c in &data.companies {
            crate::domain::TimeZone::parse(&c.time_zone).unwrap();
            crate::domain::Email::parse(&c.owner.email).unwrap();
        }
    }

    #[test]
    fn a_developer_is_the_same_whatever_the_batch() {
        let data = SeedData::load().unwrap();
        let weight = data.countries.iter().map(|c| c.weight).sum();
        let a = generate_developer(&data, weight, 17, fixed_now());
        let b = generate_developer(&data, weight, 17, fixed_now());
        assert_eq!(a.profile.slug, b.profile.slug);
        assert_eq!(a.profile.bio, b.profile.bio);
        assert_eq!(a.skills, b.skills);
        assert!(
            !a.profile.bio.contains('{'),
            "unfilled placeholder: {}",
            a.profile.bio
        );
    }

    #[test]
    fn the_demo_developer_is_a_published_l2() {
        let data = SeedData::load().unwrap();
        let weight = data.countries.iter().map(|c| c.weight).sum();
        let demo = generate_developer(&data, weight, 0, fixed_now());
        assert_eq!(demo.email, DEMO_DEVELOPER_EMAIL);
        assert_eq!(demo.profile.level.as_deref(), Some("L2"));
        assert!(demo.profile.published_at.is_some());
    }
}
