use askama::Template;
use askama_web::WebTemplate;

use super::Layout;
use super::forms::FieldErrors;
use crate::domain::country::Country;

#[derive(Debug, Clone, Default)]
pub struct SkillRowValues {
    pub slug: String,
    pub years: String,
}

#[derive(Debug, Clone, Default)]
pub struct ExperienceRowValues {
    pub company_name: String,
    pub title: String,
    pub start: String,
    pub end: String,
    pub summary: String,
}

/// Everything on the profile form, as typed (so a failed save shows it all again).
#[derive(Debug, Clone, Default)]
pub struct ProfileValues {
    pub headline: String,
    pub bio: String,
    pub country: String,
    pub time_zone: String,
    pub years_experience: String,
    pub commitment: String,
    pub available_from: String,
    pub github_url: String,
    pub linkedin_url: String,
    pub website_url: String,
    pub skills: Vec<SkillRowValues>,
    pub experiences: Vec<ExperienceRowValues>,
}

pub struct SkillOption {
    pub slug: String,
    pub name: String,
    pub category: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "me/profile.html")]
pub struct ProfilePage {
    pub layout: Layout,
    pub form: ProfileValues,
    pub errors: FieldErrors,
    pub skill_options: Vec<SkillOption>,
    pub countries: &'static [Country],
    pub time_zones: Vec<crate::domain::time_zone::ZoneGroup>,
    /// The current photo (alt "Your current photo") or monogram.
    pub avatar: crate::views::avatar::Avatar,
    /// An uploaded photo, not a monogram.
    pub has_photo: bool,
    pub avatar_error: Option<String>,
    pub notice: Option<String>,
    pub status_label: String,
    pub slug: String,
    pub is_approved: bool,
    pub availability_confirmed: Option<String>,
    pub availability_due: bool,
}
