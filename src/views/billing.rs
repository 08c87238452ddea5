//! Views of trials and billing: booking, checkout (Stripe's success page and the sandbox),
//! engagements for companies and developers, hours, invoices, and the admin's pages.

use askama::Template;
use askama_web::WebTemplate;

use super::Layout;
use super::forms::FieldErrors;
use crate::billing::state::EngagementStatus;
use crate::billing::{BillingMetrics, BookingOptions, EngagementView, format_minutes};
use crate::domain::Money;
use crate::models::billing_event::BillingEventRow;
use crate::models::engagement::EngagementRow;
use crate::models::hour_log::HourLogRow;
use crate::models::invoice::InvoiceRow;
use crate::models::sandbox_subscription::SandboxSubscriptionRow;

pub fn hours(minutes: &i32) -> String {
    format_minutes(*minutes)
}

pub fn money(cents: &i64) -> String {
    Money::from_cents(*cents).to_string()
}

pub fn invoice_status(status: &str) -> (&'static str, &'static str) {
    match status {
        "paid" => ("Paid", "success"),
        "open" => ("Unpaid", "danger"),
        "void" => ("Void", "muted"),
        "uncollectible" => ("Uncollectible", "danger"),
        _ => ("Draft", "muted"),
    }
}

/// What the booking form was given (re-rendered with errors on a 422).
#[derive(Debug, Clone, Default)]
pub struct BookingValues {
    pub commitment: String,
    pub starts_on: String,
    pub three_month_commitment: bool,
    pub idempotency_key: String,
    pub replaces: Option<i32>,
}

#[derive(Template, WebTemplate)]
#[template(path = "engagements/new.html")]
pub struct BookingPage {
    pub layout: Layout,
    pub o: BookingOptions,
    pub v: BookingValues,
    pub errors: FieldErrors,
    pub trial_days: u32,
    pub recommended_months: u32,
    /// The engagement this booking replaces: (id, developer name).
    pub replacing: Option<(i32, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "engagements/index.html")]
pub struct EngagementsPage {
    pub layout: Layout,
    pub engagements: Vec<EngagementView>,
}

pub struct EngagementPageData {
    pub e: EngagementView,
    pub invoices: Vec<InvoiceRow>,
    pub hours: Vec<HourLogRow>,
    pub replaces: Option<EngagementView>,
    pub replaced_by: Option<EngagementView>,
    pub replacement_candidates: Vec<(String, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "engagements/show.html")]
pub struct EngagementPage {
    pub layout: Layout,
    pub d: EngagementPageData,
}

/// The checkout success page and its polling fragment.
#[derive(Template, WebTemplate)]
#[template(path = "billing/success.html")]
pub struct CheckoutSuccessPage {
    pub layout: Layout,
    pub e: EngagementView,
}

#[derive(Template, WebTemplate)]
#[template(path = "billing/_checkout_status.html")]
pub struct CheckoutStatusFragment {
    pub e: EngagementView,
}

impl CheckoutSuccessPage {
    pub fn waiting(&self) -> bool {
        self.e.status == EngagementStatus::PendingCheckout
    }
}

impl CheckoutStatusFragment {
    pub fn waiting(&self) -> bool {
        self.e.status == EngagementStatus::PendingCheckout
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "billing/unavailable.html")]
pub struct StripeUnavailablePage {
    pub layout: Layout,
    pub engagement_id: i32,
    pub retry_action: String,
    pub message: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "billing/sandbox_checkout.html")]
pub struct SandboxCheckoutPage {
    pub layout: Layout,
    pub session_id: String,
    pub engagement: EngagementRow,
    pub developer_name: String,
    pub company_name: String,
    pub trial_days: u32,
    pub trial_ends: String,
    pub name_on_card: String,
    pub error: Option<String>,
}

impl SandboxCheckoutPage {
    pub fn price(&self) -> String {
        Money::from_cents(self.engagement.price_cents).to_string()
    }
    pub fn commitment_label(&self) -> &'static str {
        crate::domain::Commitment::from_str_or_full(&self.engagement.commitment).label()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "billing/index.html")]
pub struct BillingPage {
    pub layout: Layout,
    pub invoices: Vec<(InvoiceRow, String)>,
    pub has_customer: bool,
    pub payment_failed: bool,
    pub sandbox: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "billing/sandbox_portal.html")]
pub struct SandboxPortalPage {
    pub layout: Layout,
    pub card_last4: Option<String>,
    pub payment_failed: bool,
    pub error: Option<String>,
}

/// One engagement on the developer's pages, with its logged weeks.
pub struct DeveloperEngagement {
    pub e: EngagementView,
    pub hours: Vec<HourLogRow>,
}

#[derive(Template, WebTemplate)]
#[template(path = "me/engagements.html")]
pub struct MyEngagementsPage {
    pub layout: Layout,
    pub engagements: Vec<DeveloperEngagement>,
}

#[derive(Debug, Clone, Default)]
pub struct HoursValues {
    pub engagement: String,
    pub week: String,
    pub hours: String,
    pub note: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "me/hours.html")]
pub struct MyHoursPage {
    pub layout: Layout,
    pub engagements: Vec<DeveloperEngagement>,
    pub loggable: Vec<(i32, String)>,
    pub v: HoursValues,
    pub errors: FieldErrors,
    pub this_week: String,
}

pub struct AdminEngagementRow {
    pub row: EngagementRow,
    pub status: EngagementStatus,
    pub company: String,
    pub developer: String,
    /// "full-time" or "part-time".
    pub commitment: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/engagements.html")]
pub struct AdminEngagementsPage {
    pub layout: Layout,
    pub rows: Vec<AdminEngagementRow>,
    pub filter: String,
    pub statuses: Vec<(&'static str, &'static str)>,
    pub metrics: BillingMetrics,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/engagement.html")]
pub struct AdminEngagementPage {
    pub layout: Layout,
    pub e: EngagementView,
    pub invoices: Vec<InvoiceRow>,
    pub sandbox: Option<SandboxSubscriptionRow>,
    pub events: Vec<BillingEventRow>,
    pub sandbox_mode: bool,
}
