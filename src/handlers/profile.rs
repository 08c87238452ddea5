//! `/me/profile`: the developer keeps their profile current (skills and experience rows
//! are added and removed by the same form, with or without JavaScript), uploads an avatar
//! and confirms availability.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use futures_util::StreamExt;

use super::extract::DeveloperUser;
use super::forms::{render_with_status, see_other};
use super::{AppError, PageContext};
use crate::domain::profile::{
    parse_commitment_offer, parse_date, parse_link, parse_month, parse_years,
};
use crate::domain::{DeveloperStatus, TimeZone, country};
use crate::services::profiles::{
    self, AVATAR_MAX_BYTES, AvatarError, ExperienceInput, Profile, ProfileInput,
};
use crate::views::Flash;
use crate::views::forms::FieldErrors;
use crate::views::profile::{
    ExperienceRowValues, ProfilePage, ProfileValues, SkillOption, SkillRowValues,
};

const MAX_SKILLS: usize = 30;
const MAX_EXPERIENCES: usize = 15;

fn values_from(profile: &Profile) -> ProfileValues {
    let d = &profile.developer;
    let mut values = ProfileValues {
        headline: d.headline.clone(),
        bio: d.bio.clone(),
        country: d.country_code.clone(),
        time_zone: d.time_zone.clone(),
        years_experience: d.years_experience.to_string(),
        commitment: d.commitment.clone(),
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

async fn page(
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
    let status_label = match (d.status.as_str(), d.published_at.is_some()) {
        ("approved", true) => format!(
            "Approved as {} · listed in the catalog",
            d.level.clone().unwrap_or_default()
        ),
        ("approved", false) => format!(
            "Approved as {} · not listed right now",
            d.level.clone().unwrap_or_default()
        ),
        ("draft", _) => "Draft · not yet submitted for vetting".into(),
        ("submitted", _) => "Submitted · waiting for screening".into(),
        ("in_review", _) => "In review".into(),
        ("rejected", _) => "Not approved this time".into(),
        (other, _) => other.into(),
    };
    Ok(ProfilePage {
        layout: ctx.layout("Your profile", "profile"),
        form: form.unwrap_or_else(|| values_from(&profile)),
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
        time_zones: crate::domain::time_zone::choices(),
        avatar_url: d.avatar_path.as_ref().map(|p| format!("/avatars/{p}")),
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

pub async fn show(ctx: PageContext, user: DeveloperUser) -> Result<ProfilePage, AppError> {
    let id = user.0.developer_id.ok_or(AppError::Forbidden)?;
    page(&ctx, id, None, FieldErrors::default(), None, None).await
}

/// What the form's submit button asked for.
enum Action {
    Save,
    AddSkill,
    RemoveSkill(usize),
    AddExperience,
    RemoveExperience(usize),
}

fn parse_action(value: &str) -> Action {
    if let Some(n) = value
        .strip_prefix("remove_skill_")
        .and_then(|n| n.parse().ok())
    {
        return Action::RemoveSkill(n);
    }
    if let Some(n) = value
        .strip_prefix("remove_experience_")
        .and_then(|n| n.parse().ok())
    {
        return Action::RemoveExperience(n);
    }
    match value {
        "add_skill" => Action::AddSkill,
        "add_experience" => Action::AddExperience,
        _ => Action::Save,
    }
}

/// The posted pairs as typed values; rows come as `skill_slug_3`, `exp_title_1`, …
fn values_from_pairs(pairs: &[(String, String)]) -> (ProfileValues, Action) {
    let mut v = ProfileValues::default();
    let mut action = Action::Save;
    let mut skills: std::collections::BTreeMap<usize, SkillRowValues> = Default::default();
    let mut exps: std::collections::BTreeMap<usize, ExperienceRowValues> = Default::default();
    for (key, value) in pairs {
        let value = value.clone();
        let row = |prefix: &str| {
            key.strip_prefix(prefix)
                .and_then(|n| n.parse::<usize>().ok())
                .filter(|n| *n < 100)
        };
        match key.as_str() {
            "headline" => v.headline = value,
            "bio" => v.bio = value,
            "country" => v.country = value,
            "time_zone" => v.time_zone = value,
            "years_experience" => v.years_experience = value,
            "commitment" => v.commitment = value,
            "available_from" => v.available_from = value,
            "github_url" => v.github_url = value,
            "linkedin_url" => v.linkedin_url = value,
            "website_url" => v.website_url = value,
            "action" => action = parse_action(&value),
            _ => {
                if let Some(n) = row("skill_slug_") {
                    skills.entry(n).or_default().slug = value;
                } else if let Some(n) = row("skill_years_") {
                    skills.entry(n).or_default().years = value;
                } else if let Some(n) = row("exp_company_") {
                    exps.entry(n).or_default().company_name = value;
                } else if let Some(n) = row("exp_title_") {
                    exps.entry(n).or_default().title = value;
                } else if let Some(n) = row("exp_start_") {
                    exps.entry(n).or_default().start = value;
                } else if let Some(n) = row("exp_end_") {
                    exps.entry(n).or_default().end = value;
                } else if let Some(n) = row("exp_summary_") {
                    exps.entry(n).or_default().summary = value;
                }
            }
        }
    }
    v.skills = skills.into_values().collect();
    v.experiences = exps.into_values().collect();
    (v, action)
}

fn text(errors: &mut FieldErrors, field: &str, value: &str, max: usize, label: &str) -> String {
    let trimmed = value.trim();
    if trimmed.chars().count() > max {
        errors.add(field, format!("{label} is at most {max} characters."));
    }
    if trimmed
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        errors.add(field, "Remove the invisible control characters.");
    }
    trimmed.to_owned()
}

fn validate(v: &ProfileValues, known_skills: &[String]) -> Result<ProfileInput, FieldErrors> {
    let mut e = FieldErrors::default();
    let headline = text(&mut e, "headline", &v.headline, 120, "The headline");
    let bio = text(&mut e, "bio", &v.bio, 5000, "The bio");
    let country_code = e.check("country", country::parse_code(&v.country));
    let time_zone = e.check("time_zone", TimeZone::parse(&v.time_zone));
    let years_experience = e.check("years_experience", parse_years(&v.years_experience));
    let commitment = e.check("commitment", parse_commitment_offer(&v.commitment));
    let available_from = e.check("available_from", parse_date(&v.available_from));
    let github_url = e.check("github_url", parse_link(&v.github_url, Some("github.com")));
    let linkedin_url = e.check(
        "linkedin_url",
        parse_link(&v.linkedin_url, Some("linkedin.com")),
    );
    let website_url = e.check("website_url", parse_link(&v.website_url, None));

    let mut skills = Vec::new();
    for (i, row) in v.skills.iter().enumerate() {
        if row.slug.trim().is_empty() && row.years.trim().is_empty() {
            continue;
        }
        if !known_skills.iter().any(|s| s == row.slug.trim()) {
            e.add(&format!("skill_{i}"), "Choose a skill from the list.");
            continue;
        }
        match parse_years(&row.years) {
            Ok(years) => skills.push((row.slug.trim().to_owned(), years)),
            Err(err) => e.add(&format!("skill_{i}"), err.to_string()),
        }
    }
    if skills.len() > MAX_SKILLS {
        e.add(
            "skills",
            format!("List at most {MAX_SKILLS} skills: the ones you'd want to be hired for."),
        );
    }

    let mut experiences = Vec::new();
    for (i, row) in v.experiences.iter().enumerate() {
        let blank = [
            &row.company_name,
            &row.title,
            &row.start,
            &row.end,
            &row.summary,
        ]
        .iter()
        .all(|f| f.trim().is_empty());
        if blank {
            continue;
        }
        let key = format!("exp_{i}");
        let company_name = text(&mut e, &key, &row.company_name, 120, "The company name");
        let title = text(&mut e, &key, &row.title, 120, "The title");
        let summary = text(&mut e, &key, &row.summary, 1000, "The summary");
        if company_name.is_empty() || title.is_empty() {
            e.add(&key, "Give the company and your title.");
        }
        let start = match parse_month(&row.start) {
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                e.add(&key, "Give the month you started.");
                None
            }
            Err(err) => {
                e.add(&key, err.to_string());
                None
            }
        };
        let end = e.check(&key, parse_month(&row.end)).flatten();
        if let (Some(s), Some(end)) = (start, end)
            && end < s
        {
            e.add(&key, "The end month is before the start month.");
        }
        if let Some(started_on) = start {
            experiences.push(ExperienceInput {
                company_name,
                title,
                started_on,
                ended_on: end,
                summary,
            });
        }
    }
    if experiences.len() > MAX_EXPERIENCES {
        e.add(
            "experiences",
            format!("List at most {MAX_EXPERIENCES} roles."),
        );
    }

    match (
        country_code,
        time_zone,
        years_experience,
        commitment,
        available_from,
        github_url,
        linkedin_url,
        website_url,
    ) {
        (
            Some(country_code),
            Some(tz),
            Some(years_experience),
            Some(commitment),
            Some(available_from),
            Some(github_url),
            Some(linkedin_url),
            Some(website_url),
        ) if e.is_empty() => Ok(ProfileInput {
            headline,
            bio,
            country_code,
            time_zone: tz.name().to_owned(),
            years_experience,
            commitment: commitment.to_owned(),
            available_from,
            github_url,
            linkedin_url,
            website_url,
            skills,
            experiences,
        }),
        _ => Err(e),
    }
}

pub async fn update(
    ctx: PageContext,
    user: DeveloperUser,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let id = user.0.developer_id.ok_or(AppError::Forbidden)?;
    let (mut values, action) = values_from_pairs(&form.into_inner());
    let notice = match action {
        Action::AddSkill if values.skills.len() < MAX_SKILLS => {
            values.skills.push(SkillRowValues::default());
            Some("Skill row added. Your changes are saved when you press “Save profile”.")
        }
        Action::RemoveSkill(n) if n < values.skills.len() => {
            values.skills.remove(n);
            Some("Skill removed. Your changes are saved when you press “Save profile”.")
        }
        Action::AddExperience if values.experiences.len() < MAX_EXPERIENCES => {
            values.experiences.push(ExperienceRowValues::default());
            Some("Role added. Your changes are saved when you press “Save profile”.")
        }
        Action::RemoveExperience(n) if n < values.experiences.len() => {
            values.experiences.remove(n);
            Some("Role removed. Your changes are saved when you press “Save profile”.")
        }
        Action::Save => None,
        _ => Some("Nothing to change there."),
    };
    if let Some(notice) = notice {
        let page = page(
            &ctx,
            id,
            Some(values),
            FieldErrors::default(),
            None,
            Some(notice.into()),
        )
        .await?;
        return render_with_status(&page, StatusCode::OK);
    }
    let known: Vec<String> = ctx
        .db_read(profiles::skills_catalogue)
        .await?
        .into_iter()
        .map(|s| s.slug)
        .collect();
    match validate(&values, &known) {
        Err(errors) => {
            let page = page(&ctx, id, Some(values), errors, None, None).await?;
            render_with_status(&page, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Ok(input) => {
            ctx.db(move |conn| {
                profiles::save(conn, id, input).map_err(|e| AppError::Internal(e.into()))
            })
            .await?;
            ctx.state.catalog.changed();
            ctx.flash(Flash::success("Your profile is saved."));
            Ok(see_other("/me/profile"))
        }
    }
}

/// Reads the `avatar` field, refusing more than 2 MB without buffering the rest.
async fn read_avatar(mut payload: Multipart) -> Result<Vec<u8>, AvatarError> {
    let mut bytes = Vec::new();
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(|_| AvatarError::Unreadable)?;
        if field.name() != Some("avatar") {
            continue;
        }
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|_| AvatarError::Unreadable)?;
            if bytes.len() + chunk.len() > AVATAR_MAX_BYTES {
                return Err(AvatarError::TooLarge);
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok(bytes);
    }
    Err(AvatarError::Empty)
}

pub async fn upload_avatar(
    ctx: PageContext,
    user: DeveloperUser,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let id = user.0.developer_id.ok_or(AppError::Forbidden)?;
    let processed = match read_avatar(payload).await {
        Ok(bytes) => web::block(move || profiles::process_avatar(&bytes))
            .await
            .map_err(|e| AppError::Internal(anyhow::anyhow!("avatar task failed: {e}")))?,
        Err(e) => Err(e),
    };
    match processed {
        Ok(jpeg) => {
            let data_dir = ctx.state.settings.data_dir.clone();
            ctx.db(move |conn| {
                profiles::store_avatar(conn, &data_dir, id, &jpeg)
                    .map_err(|e| AppError::Internal(e.into()))
            })
            .await?;
            ctx.flash(Flash::success("Your photo is updated."));
            Ok(see_other("/me/profile"))
        }
        Err(error) => {
            let status = if error == AvatarError::TooLarge {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let page = page(
                &ctx,
                id,
                None,
                FieldErrors::default(),
                Some(error.to_string()),
                None,
            )
            .await?;
            render_with_status(&page, status)
        }
    }
}

pub async fn confirm_availability(
    ctx: PageContext,
    user: DeveloperUser,
) -> Result<HttpResponse, AppError> {
    let id = user.0.developer_id.ok_or(AppError::Forbidden)?;
    ctx.db(move |conn| profiles::confirm_availability(conn, id))
        .await?;
    ctx.state.catalog.changed();
    ctx.flash(Flash::success(
        "Thanks — your availability is confirmed for the next 30 days.",
    ));
    Ok(see_other("/me/profile"))
}

/// Serves a processed avatar from the data directory.
pub async fn avatar(
    ctx: PageContext,
    name: web::Path<String>,
) -> Result<actix_files::NamedFile, AppError> {
    let name = name.into_inner();
    let safe = name.ends_with(".jpg")
        && name.len() < 80
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
    if !safe || name.contains("..") {
        return Err(AppError::NotFound);
    }
    let path = profiles::avatar_dir(&ctx.state.settings.data_dir).join(name);
    actix_files::NamedFile::open(path).map_err(|_| AppError::NotFound)
}
