//! Views of interviews: the company's list and detail, the proposal form, the developer's
//! requests. Times read in the viewer's zone ("Tue 3 Mar 2026, 10:00–10:45 (Berlin,
//! Germany · UTC+1)").

use askama::Template;
use askama_web::WebTemplate;
use chrono::{Duration, NaiveDateTime};
use chrono_tz::Tz;

use super::Layout;
use super::avatar::{self, Avatar, AvatarSize};
use super::forms::FieldErrors;
use crate::domain::InterviewStatus;
use crate::services::interviews::{InterviewDetail, format_slot};

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
    pub developer_avatar: Avatar,
    pub company_name: String,
    /// The company's monogram (companies have no photo).
    pub company_avatar: Avatar,
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

impl InterviewItem {
    /// `d` as a card, its times in `zone`.
    pub fn new(d: &InterviewDetail, zone: Tz) -> Self {
        let (label, css) = status_label(d.row.status);
        let minutes = d.row.duration_minutes;
        InterviewItem {
            id: d.row.id,
            status: d.row.status.as_str().into(),
            status_label: label.into(),
            status_css: css.into(),
            developer_name: d.developer_name.clone(),
            developer_slug: d.developer_slug.clone(),
            developer_avatar: Avatar::new(
                &d.developer_name,
                d.developer_avatar.as_deref(),
                AvatarSize::Medium,
            ),
            company_name: d.company_name.clone(),
            company_avatar: avatar::company(&d.company_name),
            scheduled: d
                .row
                .starts_at
                .filter(|_| d.row.status != InterviewStatus::Proposed)
                .map(|t| format_slot(t, zone, minutes)),
            slots: d
                .slots
                .iter()
                .map(|s| (s.id, format_slot(s.starts_at, zone, minutes)))
                .collect(),
            duration: minutes,
            meeting_url: d.row.meeting_url.clone(),
            message: d.row.message.clone(),
            reason: d
                .row
                .decline_reason
                .clone()
                .or_else(|| d.row.cancel_reason.clone())
                .filter(|_| !d.row.status.is_open()),
            organizer: d.organizer.name.clone(),
            updated: d.row.updated_at.format("%-d %b %Y").to_string(),
        }
    }
}

impl InterviewsPage {
    /// The company's interviews grouped by status, scheduled first, in the company's zone.
    pub fn new(layout: Layout, all: &[InterviewDetail], zone: Tz) -> Self {
        let groups = [
            (InterviewStatus::Scheduled, "Scheduled"),
            (InterviewStatus::Proposed, "Awaiting the developer"),
            (InterviewStatus::Declined, "Declined"),
            (InterviewStatus::Cancelled, "Cancelled"),
        ]
        .into_iter()
        .map(|(status, title)| StatusGroup {
            title: title.into(),
            items: all
                .iter()
                .filter(|d| d.row.status == status)
                .map(|d| InterviewItem::new(d, zone))
                .collect(),
        })
        .collect();
        InterviewsPage {
            layout,
            empty: all.is_empty(),
            groups,
        }
    }
}

impl InterviewPage {
    pub fn new(layout: Layout, d: &InterviewDetail, zone: Tz) -> Self {
        InterviewPage {
            layout,
            can_change: d.row.status.is_open(),
            i: InterviewItem::new(d, zone),
        }
    }
}

impl MyInterviewsPage {
    /// The developer's requests in their own zone; slots that have passed (or pass within
    /// the minute) can't be picked any more, so they aren't offered.
    pub fn new(layout: Layout, zone: Tz, all: &[InterviewDetail], now: NaiveDateTime) -> Self {
        let items = all
            .iter()
            .map(|d| {
                let mut item = InterviewItem::new(d, d.developer_zone);
                let future: Vec<i32> = d
                    .slots
                    .iter()
                    .filter(|s| s.starts_at > now + Duration::minutes(1))
                    .map(|s| s.id)
                    .collect();
                item.slots.retain(|(id, _)| future.contains(id));
                item
            })
            .collect();
        MyInterviewsPage {
            layout,
            zone: crate::domain::time_zone::describe(zone.name(), now.and_utc()),
            items,
        }
    }
}
