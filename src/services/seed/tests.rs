use std::collections::HashSet;

use chrono::{NaiveDate, NaiveDateTime};

use super::data::SeedData;
use super::developer::generate;
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
fn every_track_has_titles_for_every_level() {
    use super::career::{Rank, rank};
    let data = SeedData::load().unwrap();
    for track in &data.tracks {
        let ranks: Vec<Rank> = track.titles.iter().map(|t| rank(&t.text)).collect();
        for wanted in [Rank::Plain, Rank::Senior, Rank::Lead] {
            assert!(
                ranks.contains(&wanted),
                "{:?}: no {wanted:?} title",
                track.core_skills
            );
        }
    }
}

#[test]
fn a_developer_is_the_same_whatever_the_batch() {
    let data = SeedData::load().unwrap();
    let a = generate(&data, 17, fixed_now());
    let b = generate(&data, 17, fixed_now());
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
    let demo = generate(&data, 0, fixed_now());
    assert_eq!(demo.email, DEMO_DEVELOPER_EMAIL);
    assert_eq!(
        demo.profile.level.map(crate::domain::Level::as_str),
        Some("L2")
    );
    assert!(demo.profile.published_at.is_some());
}
