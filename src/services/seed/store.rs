//! Writing generated developers in batches of a thousand: users, profiles, skills, work
//! history and reviews with explicit ids, then the search index; developers whose slug
//! exists already are skipped, so seeding again or with more developers adds only the
//! missing ones.

use std::collections::{HashMap, HashSet};

use crate::catalog::search_index;
use crate::db::{Backend, DbConn, write_transaction};
use crate::domain::Role;
use crate::domain::profile::display_name_from_last;
use crate::models::{developer, developer_skill, experience, skill, user, vetting_review};
use crate::services::profiles;

use super::accounts::{demo_password, new_user};
use super::data::SeedData;
use super::developer::{GeneratedDeveloper, generate};
use super::{
    Credential, DEMO_ADMIN_EMAIL, DEMO_DEVELOPER_EMAIL, SeedError, SeedOptions, UNUSABLE_PASSWORD,
    vetting,
};

const BATCH: usize = 1000;

fn progress_bar(options: &SeedOptions) -> indicatif::ProgressBar {
    if !options.progress {
        return indicatif::ProgressBar::hidden();
    }
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
}

pub(super) fn seed_developers(
    conn: &mut DbConn,
    data: &SeedData,
    options: &SeedOptions,
) -> Result<(usize, Option<Credential>), SeedError> {
    let skill_ids: HashMap<String, i32> = skill::all(conn)?
        .into_iter()
        .map(|s| (s.slug, s.id))
        .collect();
    let reviewer_id = user::find_by_email(conn, DEMO_ADMIN_EMAIL)?.map(|u| u.id);
    let bar = progress_bar(options);

    let mut added = 0;
    let mut credential = None;
    let mut monogram_files = HashMap::new();
    let mut start = 0;
    while start < options.developers {
        let end = (start + BATCH).min(options.developers);
        let generated: Vec<GeneratedDeveloper> = (start..end)
            .map(|i| {
                let mut g = generate(data, i, options.now);
                g.reviews = vetting::reviews(data, i, &g.profile, reviewer_id);
                g
            })
            .collect();
        let avatars = monograms(&generated, options, &mut monogram_files)?;
        added += write_transaction(conn, |conn| {
            write_batch(conn, &generated, &avatars, &skill_ids, &mut credential)
        })?;
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

/// The monogram file of each generated developer, written when missing. Cheap even for a
/// 100,000-developer catalogue: files are named by their content, so developers with the
/// same initials and tone share one, and `written` remembers each display name's file.
fn monograms(
    generated: &[GeneratedDeveloper],
    options: &SeedOptions,
    written: &mut HashMap<String, String>,
) -> Result<Vec<Option<String>>, SeedError> {
    let Some(data_dir) = &options.avatars_in else {
        return Ok(vec![None; generated.len()]);
    };
    generated
        .iter()
        .map(|g| {
            let name = display_name_from_last(&g.profile.first_name, &g.profile.last_name);
            if let Some(file) = written.get(&name) {
                return Ok(Some(file.clone()));
            }
            let file = profiles::store_monogram(data_dir, &name)?;
            written.insert(name, file.clone());
            Ok(Some(file))
        })
        .collect()
}

fn write_batch(
    conn: &mut DbConn,
    generated: &[GeneratedDeveloper],
    avatars: &[Option<String>],
    skill_ids: &HashMap<String, i32>,
    credential: &mut Option<Credential>,
) -> Result<usize, SeedError> {
    let slugs: Vec<String> = generated.iter().map(|g| g.profile.slug.clone()).collect();
    let existing: HashSet<String> = developer::existing_slugs(conn, &slugs)?
        .into_iter()
        .collect();
    let fresh: Vec<(&GeneratedDeveloper, &Option<String>)> = generated
        .iter()
        .zip(avatars)
        .filter(|(g, _)| !existing.contains(&g.profile.slug))
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
    for (offset, (g, avatar)) in (0..).zip(fresh.iter()) {
        let (user_id, developer_id) = (first_user_id + offset, first_developer_id + offset);
        let password_hash = if g.email == DEMO_DEVELOPER_EMAIL {
            let (hash, demo) = demo_password("developer", &g.email);
            *credential = Some(demo);
            hash
        } else {
            UNUSABLE_PASSWORD.to_owned()
        };
        users.push(user::NewUserWithId {
            id: user_id,
            user: new_user(
                &g.email,
                &g.name,
                password_hash,
                Role::Developer,
                g.profile.created_at,
            ),
        });
        let mut profile = g.profile.clone();
        profile.user_id = user_id;
        profiles.push(developer::NewDeveloperWithId {
            id: developer_id,
            profile,
            avatar_path: (*avatar).clone(),
        });
        for (slug, years) in &g.skills {
            let skill_id = *skill_ids.get(slug).ok_or_else(|| {
                SeedError::Data(format!("tracks.json names unknown skill {slug}"))
            })?;
            skills.push(developer_skill::DeveloperSkillRow {
                developer_id,
                skill_id,
                years: *years,
            });
        }
        experiences.extend(g.experiences.iter().map(|e| experience::NewExperience {
            developer_id,
            ..e.clone()
        }));
        reviews.extend(g.reviews.iter().map(|r| vetting_review::NewVettingReview {
            developer_id,
            ..r.clone()
        }));
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
}
