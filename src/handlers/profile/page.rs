//! The profile page: the saved profile as form values, and the page around the form.

use super::super::{AppError, PageContext};
use crate::domain::{DeveloperStatus, Level, country};
use crate::services::profiles::{self, Profile};
use crate::views::avatar::{AvatarSize, developer_avatar};
use crate::views::forms::FieldErrors;
use crate::views::profile::{
    ExperienceRowValues, ProfilePage, ProfileValues, SkillOption, SkillRowValues,
};

fn values_from(profile: &Profile) -> ProfileValues {
    let d = &profile.developer;
    let mut values = ProfileValues {
        headline: d.headline.clone(),
        bio: d.bio.clone(),
        country: d.country_code.clone(),
        time_zone: d.time_zone.clone(),
        years_experience: d.years_experience.to_string(),
        commitment: d.commitment.as_str().into(),
        available_from: d.available_from.map(|a| a.to_string()).unwrap_or_default(),
        github_url: d.github_url.clone().unwrap_or_default(),
        linkedin_url: d.linkedin_url.clone().unwrap_or_default(),
        website_url: d.website_url.clone().unwrap_or_default(),
        skills: profile
            .skills
            .iter()
            .map(|(slug, _, years)| SkillRowValues {
                slug: slug.clone(),
                years: years.to_string(),
            })
            .collect(),
        experiences: profile
            .experiences
            .iter()
            .map(|e| ExperienceRowValues {
                company_name: e.company_name.clone(),
                title: e.title.clone(),
                start: e.started_on.format("%Y-%m").to_string(),
                end: e
                    .ended_on
                    .map(|d| d.format("%Y-%m").to_string())
                    .unwrap_or_default(),
                summary: e.summary.clone(),
            })
            .collect(),
    };
    if values.skills.is_empty() {
        values.skills.push(SkillRowValues::default());
    }
    if values.experiences.is_empty() {
        values.experiences.push(ExperienceRowValues::default());
    }
    values
}

pub(super) async fn page(
    ctx: &PageContext,
    developer_id: i32,
    form: Option<ProfileValues>,
    errors: FieldErrors,
    avatar_error: Option<String>,
    notice: Option<String>,
) -> Result<ProfilePage, AppError> {
    let (profile, skills) = ctx
        .db_read(move |conn| {
            Ok::<_, AppError>((
                profiles::load(conn, developer_id)?,
                profiles::skills_catalogue(conn)?,
            ))
        })
        .await?;
    let d = &profile.developer;
    let now = crate::models::now();
    let level = d.level.map(Level::as_str).unwrap_or_default();
    let status_label = match (d.status, d.published_at.is_some()) {
        (DeveloperStatus::Approved, true) => {
            format!("Approved as {level} · listed in the catalog")
        }
        (DeveloperStatus::Approved, false) => {
            format!("Approved as {level} · not listed right now")
        }
        (DeveloperStatus::Draft, _) => "Draft · not yet submitted for vetting".into(),
        (DeveloperStatus::Submitted, _) => "Submitted · waiting for screening".into(),
        (DeveloperStatus::InReview, _) => "In review".into(),
        (DeveloperStatus::Rejected, _) => "Not approved this time".into(),
    };
    let form = form.unwrap_or_else(|| values_from(&profile));
    Ok(ProfilePage {
        layout: ctx.layout("Your profile", "profile"),
        time_zones: crate::domain::time_zone::grouped_choices_now(&form.time_zone),
        form,
        errors,
        skill_options: skills
            .into_iter()
            .map(|s| SkillOption {
                slug: s.slug,
                name: s.name,
                category: s.category,
            })
            .collect(),
        countries: country::all(),
        avatar: developer_avatar(d, AvatarSize::Large)
            .eager()
            .labelled("Your current photo"),
        has_photo: d
            .avatar_path
            .as_deref()
            .is_some_and(|p| p.ends_with(".jpg")),
        avatar_error,
        notice,
        status_label,
        slug: d.slug.clone(),
        is_approved: d.status == DeveloperStatus::Approved,
        availability_confirmed: d
            .availability_confirmed_at
            .map(|t| t.format("%-d %B %Y").to_string()),
        availability_due: d.availability_confirmed_at.is_none_or(|t| {
            now - t > chrono::Duration::days(crate::services::vetting::REMIND_AFTER_DAYS)
        }),
    })
}
