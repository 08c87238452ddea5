//! Trials and billing. Company: `/engagements/new` → `POST /engagements` → checkout
//! (Stripe or `/billing/sandbox/checkout/{session}`) → `/billing/checkout/success`;
//! `/engagements`, `/engagements/{id}` (cancel, replace), `/billing` (invoices, portal).
//! Developer: `/me/engagements`, `/me/hours`. Admin: `/admin/engagements` with the
//! sandbox's controls. Stripe: `POST /webhooks/stripe`. One file per audience.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDate;
use serde::Deserialize;
use validator::Validate;

use super::extract::{AdminUser, DeveloperUser};
use super::forms::{
    checked, invalid, no_control_chars, plain_text, record_id, render_with_status, see_other,
    valid_or_bad_request,
};
use super::shortlists::VerifiedMember;
use super::{AppError, PageContext};
use crate::billing::state::EngagementStatus;
use crate::billing::webhook::{self, WebhookError};
use crate::billing::{
    self, Applied, BillingError, BookingRequest, CancelOutcome, RECOMMENDED_MONTHS, SandboxAction,
    SandboxPayment,
};
use crate::crypto::random_token;
use crate::domain::Commitment;
use crate::models;
use crate::pricing::TRIAL_DAYS;
use crate::state::AppState;
use crate::views::Flash;
use crate::views::billing::{
    AdminEngagementPage, AdminEngagementRow, AdminEngagementsPage, BillingPage, BookingPage,
    BookingValues, CheckoutStatusFragment, CheckoutSuccessPage, DeveloperEngagement,
    EngagementPage, EngagementPageData, EngagementsPage, HoursValues, MyEngagementsPage,
    MyHoursPage, SandboxCheckoutPage, SandboxPortalPage, StripeUnavailablePage,
};
use crate::views::forms::FieldErrors;

mod admin_engagements;
mod billing_pages;
mod engagements;
mod hours;
mod sandbox;
mod webhooks;

pub use admin_engagements::*;
pub use billing_pages::*;
pub use engagements::*;
pub use hours::*;
pub use sandbox::*;
pub use webhooks::*;

pub(super) fn ok_html(page: &impl askama::Template) -> Result<HttpResponse, AppError> {
    render_with_status(page, StatusCode::OK)
}
