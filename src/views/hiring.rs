//! Views of shortlists, compare, the team page and invitations (interviews: `views::interviews`).

use askama::Template;
use askama_web::WebTemplate;

use chrono::NaiveDateTime;
use chrono_tz::Tz;

use super::Layout;
use super::avatar::{Avatar, AvatarSize};
use super::catalog::{availability_text, overlap_text, stage_label};
use super::forms::FieldErrors;
use crate::catalog::Profile;
use crate::domain::time_zone::{describe_now, place};
use crate::domain::{Commitment, Level};
use crate::services::shortlists::{EntryDetail, ShortlistDetail, ShortlistSummary};

/// One list in a developer's shortlist buttons.
#[derive(Debug, Clone)]
pub struct ToggleList {
    pub id: i32,
    pub name: String,
    pub on: bool,
}

/// The in-place add/remove buttons for one developer (catalog card, profile page).
#[derive(Debug, Clone)]
pub struct ShortlistToggle {
    pub slug: String,
    pub csrf_token: String,
    pub next: String,
    pub lists: Vec<ToggleList>,
}

#[derive(Template, WebTemplate)]
#[template(path = "shortlists/_toggle_fragment.html")]
pub struct ShortlistToggleFragment {
    pub t: ShortlistToggle,
}

pub struct ListSummary {
    pub id: i32,
    pub name: String,
    pub entries: i64,
    pub updated: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "shortlists/index.html")]
pub struct ShortlistsPage {
    pub layout: Layout,
    pub lists: Vec<ListSummary>,
    pub name: String,
    pub errors: FieldErrors,
}

pub struct EntryView {
    pub id: i32,
    pub slug: String,
    pub name: String,
    pub avatar: super::avatar::Avatar,
    pub headline: String,
    pub level: String,
    pub level_css: String,
    pub listed: bool,
    pub note: String,
    pub added: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "shortlists/show.html")]
pub struct ShortlistPage {
    pub layout: Layout,
    pub id: i32,
    pub name: String,
    pub entries: Vec<EntryView>,
    pub rename_value: String,
    pub errors: FieldErrors,
}

pub struct CompareColumn {
    pub slug: String,
    pub name: String,
    pub avatar: super::avatar::Avatar,
    pub listed: bool,
    pub level: String,
    pub level_css: String,
    pub full_time: Option<String>,
    pub part_time: Option<String>,
    pub skills: Vec<(String, i32)>,
    pub years: i32,
    pub experience: Vec<String>,
    pub overlap: String,
    pub time_zone: String,
    pub availability: String,
    pub available_now: bool,
    pub vetting: Vec<(String, i32)>,
    pub average_score: String,
    pub note: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "shortlists/compare.html")]
pub struct ComparePage {
    pub layout: Layout,
    pub id: i32,
    pub name: String,
    pub zone: String,
    pub columns: Vec<CompareColumn>,
}

pub struct MemberView {
    pub id: i32,
    pub name: String,
    pub email: String,
    pub is_owner: bool,
    pub is_me: bool,
    pub joined: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "company/team.html")]
pub struct TeamPage {
    pub layout: Layout,
    pub company_name: String,
    pub is_owner: bool,
    pub members: Vec<MemberView>,
    pub invitations: Vec<(String, String)>,
    pub email: String,
    pub errors: FieldErrors,
}

#[derive(Template, WebTemplate)]
#[template(path = "invitations/show.html")]
pub struct InvitationPage {
    pub layout: Layout,
    pub token: String,
    pub company_name: String,
    pub email: String,
    /// "join" (signed-in company user without a company), "signup", "signin", "other".
    pub mode: &'static str,
    pub name: String,
    pub errors: FieldErrors,
}

fn when(at: NaiveDateTime) -> String {
    at.format("%-d %b %Y").to_string()
}

impl ShortlistsPage {
    pub fn new(
        layout: Layout,
        lists: Vec<ShortlistSummary>,
        name: String,
        errors: FieldErrors,
    ) -> Self {
        ShortlistsPage {
            layout,
            lists: lists
                .into_iter()
                .map(|l| ListSummary {
                    id: l.id,
                    name: l.name,
                    entries: l.entries,
                    updated: when(l.updated_at),
                })
                .collect(),
            name,
            errors,
        }
    }
}

impl EntryView {
    fn new(e: EntryDetail) -> Self {
        EntryView {
            avatar: Avatar::new(&e.display_name, e.avatar.as_deref(), AvatarSize::Medium),
            id: e.id,
            level_css: e.level.map(Level::css).unwrap_or("").into(),
            level: e.level.map(Level::as_str).unwrap_or("").into(),
            slug: e.slug,
            name: e.display_name,
            headline: e.headline,
            listed: e.listed,
            note: e.note,
            added: when(e.added_at),
        }
    }
}

impl ShortlistPage {
    /// `rename_value`: what the rename field shows after a refused rename (else the name).
    pub fn new(
        layout: Layout,
        id: i32,
        detail: ShortlistDetail,
        rename_value: Option<String>,
        errors: FieldErrors,
    ) -> Self {
        ShortlistPage {
            layout,
            id,
            rename_value: rename_value.unwrap_or_else(|| detail.list.name.clone()),
            name: detail.list.name,
            entries: detail.entries.into_iter().map(EntryView::new).collect(),
            errors,
        }
    }
}

impl CompareColumn {
    /// A listed developer as the company sees them; `place` names the company's zone.
    fn listed(entry: EntryDetail, p: Profile, place: &str) -> Self {
        let d = &p.developer;
        let scores: Vec<i32> = p.reviews.iter().filter_map(|r| r.score).collect();
        CompareColumn {
            avatar: Avatar::new(
                &p.display_name,
                d.avatar_path.as_deref(),
                AvatarSize::Medium,
            )
            .eager(),
            slug: d.slug.clone(),
            name: p.display_name.clone(),
            listed: p.listed,
            level: p.level.map(|l| l.as_str().to_owned()).unwrap_or_default(),
            level_css: p.level.map(Level::css).unwrap_or("").into(),
            full_time: p
                .tier
                .as_ref()
                .filter(|_| d.commitment.allows(Commitment::FullTime))
                .map(|t| t.full_time.display()),
            part_time: p
                .tier
                .as_ref()
                .filter(|_| d.commitment.allows(Commitment::PartTime))
                .map(|t| t.part_time.display()),
            skills: p.skills.iter().map(|s| (s.name.clone(), s.years)).collect(),
            years: d.years_experience,
            experience: p
                .experiences
                .iter()
                .take(3)
                .map(|e| format!("{} · {}", e.title, e.company_name))
                .collect(),
            overlap: p
                .overlap_minutes
                .map(|m| overlap_text(m, place))
                .unwrap_or_default(),
            time_zone: describe_now(&d.time_zone),
            availability: availability_text(p.available_now, d.available_from),
            available_now: p.available_now,
            vetting: p
                .reviews
                .iter()
                .map(|r| (stage_label(r.stage), r.score.unwrap_or(0)))
                .collect(),
            average_score: if scores.is_empty() {
                String::new()
            } else {
                format!(
                    "{:.1}",
                    f64::from(scores.iter().sum::<i32>()) / scores.len() as f64
                )
            },
            note: entry.note,
        }
    }

    /// A developer on the list who is no longer listed: name, picture and note only.
    fn unlisted(entry: EntryDetail) -> Self {
        CompareColumn {
            avatar: Avatar::new(
                &entry.display_name,
                entry.avatar.as_deref(),
                AvatarSize::Medium,
            )
            .eager(),
            slug: entry.slug,
            name: entry.display_name,
            listed: false,
            level: String::new(),
            level_css: String::new(),
            full_time: None,
            part_time: None,
            skills: Vec::new(),
            years: 0,
            experience: Vec::new(),
            overlap: String::new(),
            time_zone: String::new(),
            availability: "No longer listed".into(),
            available_now: false,
            vetting: Vec::new(),
            average_score: String::new(),
            note: entry.note,
        }
    }
}

impl ComparePage {
    /// The list side by side; overlap is with the company's `zone`, named as a place
    /// ("Berlin, Germany") in each column and with its offset in the lead.
    pub fn new(
        layout: Layout,
        id: i32,
        zone: Option<Tz>,
        detail: ShortlistDetail,
        columns: Vec<(EntryDetail, Option<Profile>)>,
    ) -> Self {
        let place = zone.map(|z| place(z.name())).unwrap_or_default();
        ComparePage {
            layout,
            id,
            name: detail.list.name,
            zone: zone.map(|z| describe_now(z.name())).unwrap_or_default(),
            columns: columns
                .into_iter()
                .map(|(entry, profile)| match profile {
                    Some(p) => CompareColumn::listed(entry, p, &place),
                    None => CompareColumn::unlisted(entry),
                })
                .collect(),
        }
    }
}
