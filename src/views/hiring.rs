//! Views of shortlists, compare, the team page, invitations and interviews.

use askama::Template;
use askama_web::WebTemplate;

use super::Layout;
use super::forms::FieldErrors;
use crate::domain::InterviewStatus;

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

#[derive(Debug, Clone, Default)]
pub struct InterviewFormValues {
    pub time_zone: String,
    pub slots: Vec<String>,
    pub duration: String,
    pub meeting_url: String,
    pub link_later: bool,
    pub message: String,
}

pub struct SlotField {
    pub number: usize,
    pub value: String,
    pub error: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "interviews/form.html")]
pub struct InterviewFormPage {
    pub layout: Layout,
    pub heading: String,
    pub action: String,
    pub developer_slug: String,
    pub developer_name: String,
    pub developer_zone: String,
    pub form: InterviewFormValues,
    pub slot_fields: Vec<SlotField>,
    pub errors: FieldErrors,
    pub time_zones: Vec<crate::domain::time_zone::ZoneGroup>,
    pub durations: Vec<i32>,
    pub min_local: String,
}

pub struct InterviewItem {
    pub id: i32,
    pub status: String,
    pub status_label: String,
    pub status_css: String,
    pub developer_name: String,
    pub developer_slug: String,
    pub developer_avatar: super::avatar::Avatar,
    pub company_name: String,
    /// The company's monogram (companies have no photo).
    pub company_avatar: super::avatar::Avatar,
    pub scheduled: Option<String>,
    /// (slot id, label in the viewer's zone).
    pub slots: Vec<(i32, String)>,
    pub duration: i32,
    pub meeting_url: Option<String>,
    pub message: String,
    pub reason: Option<String>,
    pub organizer: String,
    pub updated: String,
}

pub struct StatusGroup {
    pub title: String,
    pub items: Vec<InterviewItem>,
}

#[derive(Template, WebTemplate)]
#[template(path = "interviews/index.html")]
pub struct InterviewsPage {
    pub layout: Layout,
    pub groups: Vec<StatusGroup>,
    pub empty: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "interviews/show.html")]
pub struct InterviewPage {
    pub layout: Layout,
    pub i: InterviewItem,
    pub can_change: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "me/interviews.html")]
pub struct MyInterviewsPage {
    pub layout: Layout,
    pub zone: String,
    pub items: Vec<InterviewItem>,
}

pub fn status_label(status: InterviewStatus) -> (&'static str, &'static str) {
    match status {
        InterviewStatus::Proposed => ("Awaiting the developer", "badge-info"),
        InterviewStatus::Scheduled => ("Scheduled", "badge-success"),
        InterviewStatus::Declined => ("Declined", "badge-warning"),
        InterviewStatus::Cancelled => ("Cancelled", "badge-muted"),
    }
}
