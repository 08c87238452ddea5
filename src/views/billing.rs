//! Views of trials and billing: booking, checkout (Stripe's success page and the sandbox),
//! engagements for companies and developers, hours, invoices, and the admin's pages.

use askama::Template;
use askama_web::WebTemplate;

use super::Layout;
use super::forms::FieldErrors;
use crate::billing::state::EngagementStatus;
use crate::billing::{BillingMetrics, BookingOptions, EngagementView, format_minutes};
use crate::domain::{InvoiceStatus, Money};
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

pub fn invoice_status(status: &InvoiceStatus) -> (&'static str, &'static str) {
    match status {
        InvoiceStatus::Paid => ("Paid", "success"),
        InvoiceStatus::Open => ("Unpaid", "danger"),
        InvoiceStatus::Void => ("Void", "muted"),
        InvoiceStatus::Uncollectible => ("Uncollectible", "danger"),
        InvoiceStatus::Draft => ("Draft", "muted"),
    }
}

/// A note beside an invoice's amount, when the amount alone would puzzle: a trial's $0
/// invoice is Stripe's record of the free trial starting.
pub fn invoice_note(inv: &InvoiceRow) -> Option<&'static str> {
    (inv.amount_due_cents == 0).then_some("Trial — no charge")
}

/// How an engagement's start reads today, the one rule for every page that shows it:
/// "Starts 4 Dec" before the day, "Started 4 Dec" from it, "Cancelled before start" when it
/// ended before its first day. `with_year` adds the year ("4 Dec 2026").
pub fn start_text(row: &EngagementRow, with_year: bool) -> String {
    start_text_on(row, crate::models::now().date(), with_year)
}

pub fn start_text_on(row: &EngagementRow, today: chrono::NaiveDate, with_year: bool) -> String {
    let ended = [row.canceled_at, row.ended_at]
        .into_iter()
        .flatten()
        .map(|t| t.date())
        .min();
    if ended.is_some_and(|day| day < row.starts_on) {
        return "Cancelled before start".into();
    }
    let day = if with_year {
        row.starts_on.format("%-d %b %Y").to_string()
    } else {
        row.starts_on.format("%-d %b").to_string()
    };
    if row.starts_on > today {
        format!("Starts {day}")
    } else if row.starts_on == today {
        "Starts today".into()
    } else {
        format!("Started {day}")
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
    /// Hours per week against the weekly share of the booking.
    pub hours_chart: super::charts::Chart,
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
        self.engagement.commitment.label()
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    fn engagement(starts_on: NaiveDate) -> EngagementRow {
        let at = day(1).and_hms_opt(9, 0, 0).unwrap();
        EngagementRow {
            id: 1,
            company_id: 1,
            developer_id: 1,
            booked_by: None,
            level: crate::domain::Level::L2,
            commitment: crate::domain::Commitment::FullTime,
            price_cents: 220_000,
            currency: "usd".into(),
            hours_per_month: 160,
            stripe_lookup_key: "l2_full_time".into(),
            starts_on,
            three_month_commitment: false,
            status: EngagementStatus::Trialing,
            idempotency_key: "k".into(),
            checkout_session_id: None,
            checkout_url: None,
            stripe_subscription_id: None,
            trial_ends_at: None,
            current_period_end: None,
            cancel_at_period_end: false,
            state_version: 0,
            first_paid_at: None,
            cancel_requested_at: None,
            canceled_at: None,
            ended_at: None,
            end_reason: None,
            replaces_id: None,
            created_at: at,
            updated_at: at,
            checkout_expires_at: None,
            checkout_attempt: 0,
        }
    }

    #[test]
    fn a_start_in_the_future_is_still_to_come() {
        let e = engagement(day(4));
        assert_eq!(start_text_on(&e, day(2), false), "Starts 4 Dec");
        assert_eq!(start_text_on(&e, day(2), true), "Starts 4 Dec 2026");
        assert_eq!(start_text_on(&e, day(4), false), "Starts today");
        assert_eq!(start_text_on(&e, day(5), false), "Started 4 Dec");
        assert_eq!(start_text_on(&e, day(30), true), "Started 4 Dec 2026");
    }

    #[test]
    fn an_engagement_ended_before_its_first_day_never_started() {
        let mut e = engagement(day(4));
        e.status = EngagementStatus::Canceled;
        e.canceled_at = day(3).and_hms_opt(23, 59, 0);
        e.ended_at = e.canceled_at;
        assert_eq!(start_text_on(&e, day(2), false), "Cancelled before start");
        assert_eq!(start_text_on(&e, day(20), true), "Cancelled before start");
        // Ended on or after its first day: it did start.
        e.canceled_at = day(4).and_hms_opt(10, 0, 0);
        e.ended_at = day(10).and_hms_opt(10, 0, 0);
        assert_eq!(start_text_on(&e, day(20), false), "Started 4 Dec");
    }

    fn invoice() -> InvoiceRow {
        let at = day(1).and_hms_opt(9, 0, 0).unwrap();
        InvoiceRow {
            id: 1,
            engagement_id: 1,
            company_id: 1,
            stripe_invoice_id: "in_1".into(),
            number: None,
            status: InvoiceStatus::Paid,
            amount_due_cents: 0,
            amount_paid_cents: 0,
            currency: "usd".into(),
            period_start: at,
            period_end: at,
            hosted_invoice_url: None,
            attempt_count: 0,
            payment_failed_at: None,
            paid_at: None,
            stripe_created_at: at,
            created_at: at,
            updated_at: at,
        }
    }

    #[test]
    fn only_a_zero_invoice_gets_the_trial_note() {
        let note = |cents| {
            let inv = InvoiceRow {
                amount_due_cents: cents,
                ..invoice()
            };
            invoice_note(&inv)
        };
        assert_eq!(note(0), Some("Trial — no charge"));
        assert_eq!(note(220_000), None);
    }
}
