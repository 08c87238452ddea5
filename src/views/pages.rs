use askama::Template;
use askama_web::WebTemplate;

use super::Layout;
use crate::pricing::Tier;
use crate::services::figures::LandingFigures;

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
    /// (level, css class, developers listed now).
    pub listed_per_level: Vec<(&'static str, &'static str, i64)>,
    pub listed_total: i64,
    pub vetted_this_month: i64,
    /// "4.5" (of 5), and how many stage reviews it is the median of.
    pub median_score: Option<(String, usize)>,
}

impl LandingPage {
    pub fn new(layout: Layout, tiers: Vec<PlanTier>, trial_days: i32, f: LandingFigures) -> Self {
        LandingPage {
            layout,
            tiers,
            trial_days,
            listed_total: f.per_level.iter().map(|(_, n)| n).sum(),
            listed_per_level: f
                .per_level
                .iter()
                .map(|(level, n)| (level.as_str(), level.css(), *n))
                .collect(),
            vetted_this_month: f.vetted_this_month,
            median_score: f.median_score.map(|(m, n)| (format!("{m:.1}"), n)),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/pricing.html")]
pub struct PricingPage {
    pub layout: Layout,
    pub tiers: Vec<PlanTier>,
    pub trial_days: i32,
}
