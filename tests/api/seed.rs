use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use ladder::db::DbConn;
use ladder::models::developer::DeveloperRow;
use ladder::models::experience::ExperienceRow;
use ladder::schema::{
    companies, company_members, developer_skills, developers, experiences, skills, users,
    vetting_reviews,
};
use ladder::services::seed::invariants::{Checker, Profile, Role};
use ladder::services::seed::{DEMO_ADMIN_EMAIL, Generator, SeedOptions, seed};

use crate::helpers::spawn_app;

fn fixed_now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 23)
        .unwrap()
        .and_hms_opt(8, 30, 0)
        .unwrap()
}

fn options(developers: usize) -> SeedOptions {
    SeedOptions {
        developers,
        now: fixed_now(),
        progress: false,
        avatars_in: None,
    }
}

/// Everything the seed writes, except password hashes (random for the demo accounts).
fn dump(conn: &mut DbConn) -> Vec<String> {
    let mut out = Vec::new();
    let u: Vec<(i32, String, String, String, Option<NaiveDateTime>)> = users::table
        .select((
            users::id,
            users::email,
            users::name,
            users::role,
            users::email_verified_at,
        ))
        .order(users::id)
        .load(conn)
        .unwrap();
    out.extend(u.iter().map(|r| format!("{r:?}")));
    let c: Vec<(i32, String, String, String)> = companies::table
        .select((
            companies::id,
            companies::slug,
            companies::name,
            companies::time_zone,
        ))
        .order(companies::id)
        .load(conn)
        .unwrap();
    out.extend(c.iter().map(|r| format!("{r:?}")));
    let m: Vec<(i32, i32, String)> = company_members::table
        .select((
            company_members::company_id,
            company_members::user_id,
            company_members::role,
        ))
        .order(company_members::id)
        .load(conn)
        .unwrap();
    out.extend(m.iter().map(|r| format!("{r:?}")));
    let s: Vec<(i32, String)> = skills::table
        .select((skills::id, skills::slug))
        .order(skills::id)
        .load(conn)
        .unwrap();
    out.extend(s.iter().map(|r| format!("{r:?}")));
    let d: Vec<DeveloperRow> = developers::table.order(developers::id).load(conn).unwrap();
    out.extend(d.iter().map(|r| format!("{r:?}")));
    let ds: Vec<(i32, i32, i32)> = developer_skills::table
        .select((
            developer_skills::developer_id,
            developer_skills::skill_id,
            developer_skills::years,
        ))
        .order((developer_skills::developer_id, developer_skills::skill_id))
        .load(conn)
        .unwrap();
    out.extend(ds.iter().map(|r| format!("{r:?}")));
    let e: Vec<ExperienceRow> = experiences::table
        .order(experiences::id)
        .load(conn)
        .unwrap();
    out.extend(e.iter().map(|r| format!("{r:?}")));
    out
}

#[tokio::test]
async fn seeding_is_deterministic_and_idempotent() {
    let first = spawn_app().await;
    let second = spawn_app().await;

    let (report, dump_a) = first
        .with_conn(|conn| {
            let report = seed(conn, &options(200)).unwrap();
            (report, dump(conn))
        })
        .await;
    assert_eq!(report.developers_added, 200);
    // The skills catalogue is loaded at start-up (reference data), so the seed adds none.
    assert_eq!(report.skills_added, 0);
    let skills: i64 = first
        .with_conn(|conn| skills::table.count().get_result(conn).unwrap())
        .await;
    assert!(skills >= 100, "a real skills catalogue: {skills}");
    assert_eq!(report.companies_added, 8);
    let roles: Vec<&str> = report.credentials.iter().map(|c| c.role).collect();
    assert!(roles.contains(&"admin") && roles.contains(&"company") && roles.contains(&"developer"));

    // The same seed in another database gives the same rows.
    let dump_b = second
        .with_conn(|conn| {
            seed(conn, &options(200)).unwrap();
            dump(conn)
        })
        .await;
    assert_eq!(dump_a, dump_b, "seed is not deterministic");

    // Running it again changes nothing and shows no new credentials.
    let (again, dump_c) = first
        .with_conn(|conn| {
            let report = seed(conn, &options(200)).unwrap();
            (report, dump(conn))
        })
        .await;
    assert_eq!(
        (
            again.skills_added,
            again.companies_added,
            again.developers_added
        ),
        (0, 0, 0)
    );
    assert!(again.credentials.is_empty());
    assert_eq!(dump_a, dump_c, "a second seed changed data");

    // Growing the catalogue adds only the missing developers.
    let grown = first
        .with_conn(|conn| seed(conn, &options(260)).unwrap())
        .await;
    assert_eq!(grown.developers_added, 60);
}

#[tokio::test]
async fn the_demo_catalogue_covers_every_level_and_stage() {
    let app = spawn_app().await;
    let (levels, statuses, stages, admin) = app
        .with_conn(|conn| {
            seed(conn, &options(200)).unwrap();
            let levels: Vec<Option<String>> = developers::table
                .select(developers::level)
                .distinct()
                .load(conn)
                .unwrap();
            let statuses: Vec<String> = developers::table
                .select(developers::status)
                .distinct()
                .load(conn)
                .unwrap();
            let stages: Vec<Option<String>> = developers::table
                .select(developers::vetting_stage)
                .distinct()
                .load(conn)
                .unwrap();
            let admin: i64 = users::table
                .filter(users::email.eq(DEMO_ADMIN_EMAIL))
                .filter(users::role.eq("admin"))
                .count()
                .get_result(conn)
                .unwrap();
            (levels, statuses, stages, admin)
        })
        .await;
    for level in ["L1", "L2", "L3"] {
        assert!(
            levels.contains(&Some(level.to_owned())),
            "no {level} developer"
        );
    }
    for status in ["draft", "submitted", "in_review", "approved", "rejected"] {
        assert!(
            statuses.iter().any(|s| s == status),
            "no {status} developer"
        );
    }
    for stage in ["screening", "technical", "interview", "decision"] {
        assert!(
            stages.contains(&Some(stage.to_owned())),
            "no developer at {stage}"
        );
    }
    assert_eq!(admin, 1);
}

/// The profiles a seeded database stored, read back from its rows.
fn stored_profiles(conn: &mut DbConn) -> Vec<Profile> {
    let devs: Vec<DeveloperRow> = developers::table.order(developers::id).load(conn).unwrap();
    let roles: Vec<ExperienceRow> = experiences::table
        .order(experiences::id)
        .load(conn)
        .unwrap();
    let skills: Vec<(i32, String, i32)> = developer_skills::table
        .inner_join(skills::table)
        .select((
            developer_skills::developer_id,
            skills::slug,
            developer_skills::years,
        ))
        .load(conn)
        .unwrap();
    let reviews: Vec<(i32, Option<NaiveDateTime>)> = vetting_reviews::table
        .select((vetting_reviews::developer_id, vetting_reviews::completed_at))
        .order(vetting_reviews::id)
        .load(conn)
        .unwrap();
    devs.into_iter()
        .map(|d| Profile {
            level: d.level,
            years: d.years_experience,
            headline: d.headline.clone(),
            bio: d.bio.clone(),
            skills: skills
                .iter()
                .filter(|s| s.0 == d.id)
                .map(|s| (s.1.clone(), s.2))
                .collect(),
            roles: roles
                .iter()
                .filter(|r| r.developer_id == d.id)
                .map(|r| Role {
                    title: r.title.clone(),
                    summary: r.summary.clone(),
                    started_on: r.started_on,
                    ended_on: r.ended_on,
                })
                .collect(),
            created_at: d.created_at,
            submitted_at: d.submitted_at,
            decided_at: d.decided_at,
            published_at: d.published_at,
            availability_confirmed_at: d.availability_confirmed_at,
            reviewed_at: reviews
                .iter()
                .filter(|r| r.0 == d.id)
                .filter_map(|r| r.1)
                .collect(),
            slug: d.slug,
        })
        .collect()
}

#[tokio::test]
async fn every_seeded_developer_adds_up_in_the_database() {
    let app = spawn_app().await;
    let profiles = app
        .with_conn(|conn| {
            seed(conn, &options(200)).unwrap();
            stored_profiles(conn)
        })
        .await;
    assert_eq!(profiles.len(), 200);
    let checker = Checker::new();
    let wrong: Vec<String> = profiles
        .iter()
        .flat_map(|p| checker.violations(p, fixed_now()))
        .collect();
    assert!(
        wrong.is_empty(),
        "{} problems:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    // Some bios describe work with more than the core skills (and list them).
    let named_beyond_core = profiles
        .iter()
        .filter(|p| checker.named_skills(&p.bio).len() > 3)
        .count();
    assert!(
        named_beyond_core > 10,
        "bios name few skills: {named_beyond_core}"
    );
}

#[test]
fn a_hundred_thousand_generated_developers_add_up() {
    let generator = Generator::new().unwrap();
    let checker = Checker::new();
    let started = std::time::Instant::now();
    let mut wrong = Vec::new();
    let mut levels = [0usize; 4];
    for i in 0..100_000 {
        let p = generator.profile(i, fixed_now());
        levels[p.level.map_or(0, |l| l as usize + 1)] += 1;
        wrong.extend(checker.violations(&p, fixed_now()));
        if wrong.len() > 50 {
            break;
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(levels.iter().all(|n| *n > 10_000), "levels: {levels:?}");
    eprintln!(
        "100,000 developers generated and checked in {:?}",
        started.elapsed()
    );
}
