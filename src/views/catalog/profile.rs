//! The public profile page, mapped from the catalog's [`Profile`].

use askama::Template;
use askama_web::WebTemplate;
use chrono_tz::Tz;

use super::{availability_text, overlap_text};
use crate::catalog::Profile;
use crate::domain::{Commitment, CommitmentOffer, Level, VettingStage};
use crate::views::Layout;
use crate::views::avatar::{Avatar, AvatarSize};
use crate::views::hiring::ShortlistToggle;

pub struct ExperienceView {
    pub title: String,
    pub company: String,
    pub period: String,
    pub summary: String,
}

pub struct ReviewView {
    pub stage: String,
    pub score: i32,
    pub summary: String,
}

pub struct SkillView {
    pub name: String,
    pub years: i32,
}

pub struct Cta {
    pub label: String,
    pub reason: String,
    /// Set when the action is available: a link instead of a disabled button.
    pub href: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "developers/show.html")]
pub struct DeveloperShowPage {
    pub layout: Layout,
    pub slug: String,
    pub name: String,
    pub avatar: Avatar,
    pub headline: String,
    pub level: Option<String>,
    pub level_css: String,
    pub level_title: String,
    pub bio_paragraphs: Vec<String>,
    pub skills: Vec<SkillView>,
    pub experiences: Vec<ExperienceView>,
    pub reviews: Vec<ReviewView>,
    pub average_score: Option<String>,
    pub full_time: Option<(String, i32)>,
    pub part_time: Option<(String, i32)>,
    pub commitment: String,
    pub availability: String,
    pub available_now: bool,
    /// Place and offset, "Córdoba, Argentina · UTC−3".
    pub time_zone: String,
    /// The developer's wall-clock time, "14:05".
    pub local_time: Option<String>,
    pub overlap: Option<String>,
    pub years: i32,
    pub ctas: Vec<Cta>,
    pub shortlist: Option<ShortlistToggle>,
    pub unlisted_notice: Option<String>,
}

pub fn stage_label(stage: VettingStage) -> String {
    match stage {
        VettingStage::Screening => "Screening call".into(),
        VettingStage::Technical => "Technical assessment".into(),
        VettingStage::Interview => "Live interview".into(),
        VettingStage::Decision => stage.as_str().into(),
    }
}

/// What the visitor can do on a profile page besides reading it.
pub struct ProfileActions {
    pub ctas: Vec<Cta>,
    pub shortlist: Option<ShortlistToggle>,
}

impl DeveloperShowPage {
    /// The page title and meta description of `profile`.
    pub fn head(profile: &Profile) -> (String, String) {
        let d = &profile.developer;
        let level_text = profile
            .level
            .map(|l| format!("{} {}", l.as_str(), l.title().to_lowercase()))
            .unwrap_or_else(|| "backend".into());
        let description = format!(
            "{}, {level_text} backend developer: {}. {} years of experience, {}.",
            profile.display_name,
            d.headline,
            d.years_experience,
            crate::domain::time_zone::place(&d.time_zone)
        );
        (
            format!("{} · {}", profile.display_name, d.headline),
            description,
        )
    }

    /// The page of `profile` as seen from `viewer_zone` (the overlap line needs it).
    pub fn new(
        layout: Layout,
        profile: &Profile,
        viewer_zone: Option<Tz>,
        actions: ProfileActions,
    ) -> DeveloperShowPage {
        let d = &profile.developer;
        let zone_name = viewer_zone
            .map(|z| z.name().replace('_', " "))
            .unwrap_or_default();
        let scores: Vec<i32> = profile.reviews.iter().filter_map(|r| r.score).collect();
        let average_score = (!scores.is_empty()).then(|| {
            format!(
                "{:.1}",
                f64::from(scores.iter().sum::<i32>()) / scores.len() as f64
            )
        });
        let offers_full = d.commitment.allows(Commitment::FullTime);
        let offers_part = d.commitment.allows(Commitment::PartTime);
        let commitment = match d.commitment {
            CommitmentOffer::FullTime => "full-time only",
            CommitmentOffer::PartTime => "part-time only",
            CommitmentOffer::Both => "full-time or part-time",
        };
        DeveloperShowPage {
            layout,
            slug: d.slug.clone(),
            name: profile.display_name.clone(),
            avatar: Avatar::new(
                &profile.display_name,
                d.avatar_path.as_deref(),
                AvatarSize::Large,
            )
            .eager(),
            headline: d.headline.clone(),
            level: profile.level.map(|l| l.as_str().to_owned()),
            level_css: profile.level.map(Level::css).unwrap_or("").to_owned(),
            level_title: profile.level.map(Level::title).unwrap_or("").to_owned(),
            bio_paragraphs: crate::domain::profile::paragraphs(&d.bio),
            skills: profile
                .skills
                .iter()
                .map(|s| SkillView {
                    name: s.name.clone(),
                    years: s.years,
                })
                .collect(),
            experiences: profile
                .experiences
                .iter()
                .map(|e| ExperienceView {
                    title: e.title.clone(),
                    company: e.company_name.clone(),
                    period: format!(
                        "{} – {}",
                        e.started_on.format("%b %Y"),
                        e.ended_on
                            .map(|d| d.format("%b %Y").to_string())
                            .unwrap_or_else(|| "present".into())
                    ),
                    summary: e.summary.clone(),
                })
                .collect(),
            reviews: profile
                .reviews
                .iter()
                .map(|r| ReviewView {
                    stage: stage_label(r.stage),
                    score: r.score.unwrap_or(0),
                    summary: r.summary.clone(),
                })
                .collect(),
            average_score,
            full_time: profile
                .tier
                .as_ref()
                .filter(|_| offers_full)
                .map(|t| (t.full_time.display(), t.full_time_hours)),
            part_time: profile
                .tier
                .as_ref()
                .filter(|_| offers_part)
                .map(|t| (t.part_time.display(), t.part_time_hours)),
            commitment: commitment.into(),
            availability: availability_text(profile.available_now, d.available_from),
            available_now: profile.available_now,
            time_zone: crate::domain::time_zone::describe_now(&d.time_zone),
            local_time: crate::domain::time_zone::local_time(&d.time_zone, chrono::Utc::now()),
            overlap: profile.overlap_minutes.map(|m| overlap_text(m, &zone_name)),
            years: d.years_experience,
            ctas: actions.ctas,
            shortlist: actions.shortlist,
            unlisted_notice: (!profile.listed).then(|| {
                "This profile is not listed in the catalog (not approved, paused, or availability not confirmed in the last 30 days). Only you and admins can see it.".to_owned()
            }),
        }
    }
}
