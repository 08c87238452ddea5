//! `/admin`: dashboard, vetting queue and reviews, developers, companies, users, audit log,
//! outbox. Admins only; every action is recorded in the audit log by its service.

pub mod audit;
pub mod dashboard;
pub mod directory;
pub mod outbox;
pub mod vetting;

use serde::Deserialize;
use validator::Validate;

use crate::views::vetting::when;

/// The search box's text, at most 100 characters.
fn search_text(q: &Option<String>) -> String {
    q.as_deref().unwrap_or_default().chars().take(100).collect()
}

fn blank_to_none(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// The admin lists' filters. Values a page doesn't know (`status=bogus`) are dropped by
/// that page, so old links still open; the search text is capped.
#[derive(Debug, Default, Deserialize, Validate)]
pub struct ListQuery {
    #[validate(length(max = 200, message = "Search for at most 200 characters."))]
    pub q: Option<String>,
    pub status: Option<String>,
    pub level: Option<String>,
    pub action: Option<String>,
    pub subject: Option<String>,
}
