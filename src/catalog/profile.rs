//! The public profile page's data.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use chrono_tz::Tz;
use diesel::prelude::*;

use super::filter::Viewer;
use crate::db::DbConn;
use crate::domain::Level;
use crate::domain::overlap::overlap_minutes;
use crate::domain::profile::display_name;
use crate::models::{developer, developer_skill, experience, vetting_review};
use crate::pricing::{self, Tier};
use crate::schema::skills;

// Profile

#[derive(Debug, Clone)]
pub struct ProfileSkill {
    pub name: String,
    pub slug: String,
    pub years: i32,
}

#[derive(Debug, Clone)]
pub struct Profile {
    pub developer: developer::DeveloperRow,
    pub display_name: String,
    pub level: Option<Level>,
    pub listed: bool,
    pub skills: Vec<ProfileSkill>,
    pub experiences: Vec<experience::ExperienceRow>,
    pub reviews: Vec<vetting_review::VettingReviewRow>,
    pub tier: Option<Tier>,
    pub overlap_minutes: Option<u32>,
    pub available_now: bool,
}

/// A profile as the viewer may see it: `None` when it doesn't exist or is unlisted and the
/// viewer is neither an admin nor its owner.
pub fn profile(
    conn: &mut DbConn,
    slug: &str,
    viewer: &Viewer,
    now: NaiveDateTime,
) -> QueryResult<Option<Profile>> {
    let Some(d) = developer::find_by_slug(conn, slug)? else {
        return Ok(None);
    };
    let listed = developer::is_listed(&d, now);
    if !listed && !viewer.is_admin && viewer.developer_id != Some(d.id) {
        return Ok(None);
    }
    let names: HashMap<i32, (String, String)> = skills::table
        .select((skills::id, skills::slug, skills::name))
        .load::<(i32, String, String)>(conn)?
        .into_iter()
        .map(|(id, slug, name)| (id, (slug, name)))
        .collect();
    let skills = developer_skill::for_developer(conn, d.id)?
        .into_iter()
        .filter_map(|s| {
            names.get(&s.skill_id).map(|(slug, name)| ProfileSkill {
                name: name.clone(),
                slug: slug.clone(),
                years: s.years,
            })
        })
        .collect();
    let experiences = experience::for_developer(conn, d.id)?;
    let reviews = vetting_review::passed_for_developer(conn, d.id)?;
    let level = d.level;
    let tier = match level {
        Some(level) => pricing::tiers(conn)
            .map_err(|e| diesel::result::Error::QueryBuilderError(e.to_string().into()))?
            .into_iter()
            .find(|t| t.level == level),
        None => None,
    };
    let overlap = match (viewer.zone, d.time_zone.parse::<Tz>()) {
        (Some(viewer_zone), Ok(dev_zone)) => {
            let date = now.and_utc().with_timezone(&viewer_zone).date_naive();
            Some(overlap_minutes(viewer_zone, dev_zone, date))
        }
        _ => None,
    };
    let last_initial: String = d
        .last_name
        .chars()
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    Ok(Some(Profile {
        display_name: display_name(&d.first_name, &last_initial),
        available_now: d.available_from.is_some_and(|a| a <= now.date()),
        level,
        listed,
        skills,
        experiences,
        reviews,
        tier,
        overlap_minutes: overlap,
        developer: d,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_show_the_last_initial_only() {
        assert_eq!(display_name("Maya", "O"), "Maya O.");
    }
}
