//! `ladder seed`: demo data from the files in `seeds/`.
//!
//! Deterministic: developer number `i` is generated from its own RNG stream (a fixed seed
//! mixed with `i`), so it is the same whatever `--developers` says and however often the
//! command runs. Idempotent: rows are keyed by natural keys (skill slug, company slug,
//! email, developer slug) and only missing ones are inserted. Times are relative to
//! `SeedOptions::now` so the demo catalogue is always current.
//!
//! - `data`: the seed files; `mentions`: which skills a text names;
//! - `developer` (with `career`, `skills`, `vetting`): one developer, generated without a
//!   database, adding up by construction (`invariants` says what that means);
//! - `accounts`: skills, companies, admin; `store`: developers in batches; `billing`: demo
//!   engagements, invoices and hours.

mod accounts;
mod billing;
mod career;
mod data;
mod developer;
pub mod invariants;
mod mentions;
mod skills;
mod store;
mod vetting;

use chrono::NaiveDateTime;

use crate::db::{DbConn, write_transaction};

const RNG_SEED: u64 = 0x001a_dde5_2026;
/// Stands in for a password hash on seeded accounts nobody signs in to: never verifies.
pub const UNUSABLE_PASSWORD: &str = "!seeded-account";
pub const DEMO_ADMIN_EMAIL: &str = "admin@ladder.example";
pub const DEMO_DEVELOPER_EMAIL: &str = "developer@ladder.example";
pub const DEFAULT_DEVELOPERS: usize = 200;

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("seed data is invalid: {0}")]
    Data(String),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
    #[error("cannot write demo avatars: {0}")]
    Avatars(#[from] std::io::Error),
}

#[derive(Debug, Clone)]
pub struct SeedOptions {
    pub developers: usize,
    pub now: NaiveDateTime,
    pub progress: bool,
    /// The data directory to write demo developers' monogram avatars into (`avatars/`);
    /// `None` leaves them without a picture (the pages draw the same monogram).
    pub avatars_in: Option<std::path::PathBuf>,
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
    let data = data::SeedData::load()?;
    let mut report = SeedReport::default();
    let now = options.now;

    write_transaction(conn, |conn| -> Result<(), SeedError> {
        report.skills_added = accounts::insert_missing_skills(conn, &data.skills)?;
        let (added, credential) = accounts::seed_companies(conn, &data, now)?;
        report.companies_added = added;
        report.credentials.extend(credential);
        report.credentials.extend(accounts::seed_admin(conn, now)?);
        Ok(())
    })?;

    let (added, credential) = store::seed_developers(conn, &data, options)?;
    report.developers_added = added;
    report.credentials.extend(credential);
    report.engagements_added = billing::seed_engagements(conn, now)?;
    Ok(report)
}

/// The skills catalogue is reference data, not demo data: every start makes sure it is
/// there (developers pick from it even in a database without demo content).
pub fn ensure_skills(conn: &mut DbConn) -> Result<usize, SeedError> {
    let skills = data::skills()?;
    write_transaction(conn, |conn| accounts::insert_missing_skills(conn, &skills))
}

/// The demo developers without a database: what `seed` would store for developer number
/// `index`, as an [`invariants::Profile`].
pub struct Generator {
    data: data::SeedData,
}

impl Generator {
    pub fn new() -> Result<Self, SeedError> {
        Ok(Generator {
            data: data::SeedData::load()?,
        })
    }

    pub fn profile(&self, index: usize, now: NaiveDateTime) -> invariants::Profile {
        let g = developer::generate(&self.data, index, now);
        let reviews = vetting::reviews(&self.data, index, &g.profile, None);
        let p = g.profile;
        invariants::Profile {
            slug: p.slug,
            level: p.level,
            years: p.years_experience,
            headline: p.headline,
            bio: p.bio,
            skills: g.skills,
            roles: g
                .experiences
                .into_iter()
                .map(|e| invariants::Role {
                    title: e.title,
                    summary: e.summary,
                    started_on: e.started_on,
                    ended_on: e.ended_on,
                })
                .collect(),
            created_at: p.created_at,
            submitted_at: p.submitted_at,
            decided_at: p.decided_at,
            published_at: p.published_at,
            availability_confirmed_at: p.availability_confirmed_at,
            reviewed_at: reviews.iter().filter_map(|r| r.completed_at).collect(),
        }
    }
}

#[cfg(test)]
mod tests;
