use askama::Template;
use askama_web::WebTemplate;

use super::Layout;
use super::charts::{self, Chart, ChartSpec, Series, bar_chart};
use crate::services::figures::{DashboardFigures, Listing};

#[derive(Template, WebTemplate)]
#[template(path = "me/application.html")]
pub struct ApplicationPage {
    pub layout: Layout,
    pub draft: bool,
    pub rejected: bool,
    pub status_label: String,
    pub checklist: Vec<(String, bool)>,
    pub can_submit: bool,
    pub email_verified: bool,
    /// (what, when) in order.
    pub timeline: Vec<(String, String)>,
    pub rejection_reason: Option<String>,
    pub reapply_from: Option<String>,
    pub error: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/dashboard.html")]
pub struct DashboardPage {
    pub layout: Layout,
    pub pipeline: Vec<(String, i64, String)>,
    pub approved_this_week: i64,
    pub rejected_this_week: i64,
    pub published_per_level: Vec<(String, i64)>,
    pub dead_jobs: i64,
    pub queued_jobs: i64,
    pub billing: crate::billing::BillingMetrics,
    pub listing: Listing,
    pub availability_days: i64,
    pub mrr_chart: Chart,
    pub funnel_chart: Chart,
    pub trials_chart: Chart,
}

impl DashboardPage {
    pub fn new(
        layout: Layout,
        d: crate::services::admin::Dashboard,
        billing: crate::billing::BillingMetrics,
        figures: DashboardFigures,
    ) -> Self {
        let months: Vec<String> = figures
            .months
            .iter()
            .map(|m| m.month.format("%b %Y").to_string())
            .collect();
        let first = months.first().cloned().unwrap_or_default();
        let last = months.last().cloned().unwrap_or_default();
        let mrr: Vec<f64> = figures
            .months
            .iter()
            .map(|m| m.mrr_cents as f64 / 100.0)
            .collect();
        let mrr_chart = bar_chart(ChartSpec {
            id: "chart-mrr".into(),
            title: "MRR by month".into(),
            description: format!(
                "Monthly recurring revenue at the end of each month from {first} to {last}; now {}.",
                charts::dollars(mrr.last().copied().unwrap_or(0.0))
            ),
            categories: months.clone(),
            series: vec![Series {
                name: "MRR".into(),
                tone: "chart-primary",
                values: mrr,
            }],
            format: charts::dollars,
            reference: None,
        });
        let funnel_chart = bar_chart(ChartSpec {
            id: "chart-funnel".into(),
            title: "Vetting funnel".into(),
            description: format!(
                "Applications by the furthest step reached: {}.",
                figures
                    .funnel
                    .iter()
                    .map(|(step, n)| format!("{step} {n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            categories: figures
                .funnel
                .iter()
                .map(|(s, _)| (*s).to_owned())
                .collect(),
            series: vec![Series {
                name: "Applications".into(),
                tone: "chart-tertiary",
                values: figures.funnel.iter().map(|(_, n)| *n as f64).collect(),
            }],
            format: charts::count,
            reference: None,
        });
        let started: Vec<f64> = figures
            .months
            .iter()
            .map(|m| m.trials_started as f64)
            .collect();
        let converted: Vec<f64> = figures
            .months
            .iter()
            .map(|m| m.trials_converted as f64)
            .collect();
        let trials_chart = bar_chart(ChartSpec {
            id: "chart-trials".into(),
            title: "Trials started and converted".into(),
            description: format!(
                "Trials started each month from {first} to {last}, and how many of them became paid: {} started, {} converted.",
                started.iter().sum::<f64>(),
                converted.iter().sum::<f64>()
            ),
            categories: months,
            series: vec![
                Series {
                    name: "Started".into(),
                    tone: "chart-primary",
                    values: started,
                },
                Series {
                    name: "Converted".into(),
                    tone: "chart-secondary",
                    values: converted,
                },
            ],
            format: charts::count,
            reference: None,
        });
        DashboardPage {
            layout,
            pipeline: d.pipeline,
            approved_this_week: d.approved_this_week,
            rejected_this_week: d.rejected_this_week,
            published_per_level: d.published_per_level,
            dead_jobs: d.dead_jobs,
            queued_jobs: d.queued_jobs,
            billing,
            listing: figures.listing,
            availability_days: crate::domain::profile::AVAILABILITY_DAYS,
            mrr_chart,
            funnel_chart,
            trials_chart,
        }
    }
}

pub struct DeveloperListRow {
    pub id: i32,
    pub name: String,
    pub avatar: super::avatar::Avatar,
    pub slug: String,
    pub status: String,
    pub level: String,
    pub published: bool,
    pub country: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/developers.html")]
pub struct DevelopersPage {
    pub layout: Layout,
    pub q: String,
    pub status: String,
    pub level: String,
    pub rows: Vec<DeveloperListRow>,
}

pub struct CompanyListRow {
    pub id: i32,
    pub name: String,
    pub time_zone: String,
    pub members: i64,
    pub disabled: bool,
    pub created: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/companies.html")]
pub struct CompaniesPage {
    pub layout: Layout,
    pub q: String,
    pub rows: Vec<CompanyListRow>,
}

pub struct MemberRow {
    pub user_id: i32,
    pub name: String,
    pub email: String,
    pub role: String,
    pub disabled: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/company.html")]
pub struct CompanyPage {
    pub layout: Layout,
    pub id: i32,
    pub name: String,
    pub time_zone: String,
    pub website: String,
    pub about: String,
    pub disabled: bool,
    pub members: Vec<MemberRow>,
    pub history: Vec<(String, String, String)>,
}

pub struct AuditView {
    pub when: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub subject_link: Option<String>,
    pub details: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/audit.html")]
pub struct AuditPage {
    pub layout: Layout,
    pub action: String,
    pub subject: String,
    pub actions: Vec<&'static str>,
    pub rows: Vec<AuditView>,
}

pub struct JobView {
    pub id: i32,
    pub kind: String,
    pub status: String,
    pub attempts: String,
    pub run_at: String,
    pub last_error: String,
}

pub struct EmailView {
    pub id: i32,
    pub to: String,
    pub subject: String,
    pub kind: String,
    pub status: String,
    pub created: String,
    pub job_id: Option<i32>,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/outbox.html")]
pub struct OutboxPage {
    pub layout: Layout,
    pub status: String,
    pub jobs: Vec<JobView>,
    pub emails: Vec<EmailView>,
}
