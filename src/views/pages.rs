use askama::Template;
use askama_web::WebTemplate;

use super::Layout;
use crate::pricing::Tier;

/// One level's prices, formatted for display.
#[derive(Debug, Clone)]
pub struct PlanTier {
    pub level: String,
    pub css: String,
    pub title: String,
    pub summary: String,
    pub full_time: String,
    pub part_time: String,
    pub full_time_hours: i32,
    pub part_time_hours: i32,
}

impl From<&Tier> for PlanTier {
    fn from(t: &Tier) -> Self {
        PlanTier {
            level: t.level.as_str().into(),
            css: t.level.css().into(),
            title: t.level.title().into(),
            summary: t.level.summary().into(),
            full_time: t.full_time.display(),
            part_time: t.part_time.display(),
            full_time_hours: t.full_time_hours,
            part_time_hours: t.part_time_hours,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/landing.html")]
pub struct LandingPage {
    pub layout: Layout,
    pub tiers: Vec<PlanTier>,
    pub trial_days: i32,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/pricing.html")]
pub struct PricingPage {
    pub layout: Layout,
    pub tiers: Vec<PlanTier>,
    pub trial_days: i32,
}
