//! Reference skills, the demo companies with their owners, and the demo admin: rows keyed
//! by natural keys (skill slug, company slug, email), inserted only when missing.

use std::collections::HashSet;

use chrono::NaiveDateTime;

use crate::auth::password::hash_password;
use crate::crypto::random_token;
use crate::db::DbConn;
use crate::domain::{Role, Slug};
use crate::models::{company, company_member, skill, user};

use super::data::{SeedData, SkillSeed};
use super::{Credential, DEMO_ADMIN_EMAIL, SeedError, UNUSABLE_PASSWORD};

pub(super) fn new_user(
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
        role,
        email_verified_at: Some(now),
        session_version: 1,
        created_at: now,
        updated_at: now,
    }
}

/// A real password for a demo account, shown once in the report.
pub(super) fn demo_password(role: &'static str, email: &str) -> (String, Credential) {
    let password = random_token(20);
    let hash = hash_password(&password);
    (
        hash,
        Credential {
            role,
            email: email.to_owned(),
            password,
        },
    )
}

pub(super) fn insert_missing_skills(
    conn: &mut DbConn,
    skills: &[SkillSeed],
) -> Result<usize, SeedError> {
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

/// The demo admin, with a real password when created.
pub(super) fn seed_admin(
    conn: &mut DbConn,
    now: NaiveDateTime,
) -> Result<Option<Credential>, SeedError> {
    if user::find_by_email(conn, DEMO_ADMIN_EMAIL)?.is_some() {
        return Ok(None);
    }
    let (hash, credential) = demo_password("admin", DEMO_ADMIN_EMAIL);
    user::insert(
        conn,
        &new_user(DEMO_ADMIN_EMAIL, "Ladder Admin", hash, Role::Admin, now),
    )?;
    Ok(Some(credential))
}

pub(super) fn seed_companies(
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
            let (hash, demo) = demo_password("company", &c.owner.email);
            credential = Some(demo);
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
        company_member::insert_owner(conn, row.id, owner.id, now)?;
        added += 1;
    }
    Ok((added, credential))
}
