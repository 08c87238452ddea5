//! One typed message per email: a struct with the facts the email needs, its subject and
//! its rendering. Services build a message and hand it to the [`super::Outbox`]; no email
//! text is written anywhere else.

mod account_exists;
mod application_received;
mod availability_reminder;
mod engagement_finished;
mod engagement_unavailable;
mod interview_calendar;
mod interview_declined;
mod interview_request;
mod interview_withdrawn;
mod mail_check;
mod password_reset;
mod payment_failed;
mod payment_succeeded;
mod team_invite;
mod trial_ending;
mod trial_started;
mod verify_email;
mod vetting_approved;
mod vetting_rejected;
mod vetting_stage_passed;

pub use account_exists::AccountExists;
pub use application_received::ApplicationReceived;
pub use availability_reminder::AvailabilityReminder;
pub use engagement_finished::EngagementFinished;
pub use engagement_unavailable::EngagementUnavailable;
pub use interview_calendar::{CalendarChange, InterviewCalendar};
pub use interview_declined::InterviewDeclined;
pub use interview_request::{InterviewRequest, meeting_line};
pub use interview_withdrawn::InterviewWithdrawn;
pub use mail_check::MailCheck;
pub use password_reset::PasswordReset;
pub use payment_failed::PaymentFailed;
pub use payment_succeeded::PaymentSucceeded;
pub use team_invite::TeamInvite;
pub use trial_ending::TrialEnding;
pub use trial_started::{TrialStarted, TrialStartedAudience};
pub use verify_email::VerifyEmail;
pub use vetting_approved::VettingApproved;
pub use vetting_rejected::VettingRejected;
pub use vetting_stage_passed::VettingStagePassed;

use chrono::NaiveDateTime;

/// Dates in emails read like "3 March 2026"; a missing one is a dash. (Templates pass
/// fields by reference.)
pub fn long_date(at: &Option<NaiveDateTime>) -> String {
    at.map(|t| t.format("%-d %B %Y").to_string())
        .unwrap_or_else(|| "—".into())
}

/// An engagement's plan as billing emails show it: "L3 full-time · $9,000.00 / month (160 h)".
#[derive(Debug, Clone)]
pub struct Plan {
    pub level: String,
    pub commitment: crate::domain::Commitment,
    pub price: crate::domain::Money,
    pub hours_per_month: i32,
}

impl Plan {
    pub fn line(&self) -> String {
        format!(
            "{} {} · {} / month ({} h)",
            self.level,
            self.commitment.label().to_lowercase(),
            self.price,
            self.hours_per_month
        )
    }
}

/// What every message can do: render itself for one recipient (`base_url` makes links
/// absolute).
pub trait Message {
    fn email(&self, to: &str, base_url: &str) -> Result<super::OutgoingEmail, askama::Error>;
}

macro_rules! messages {
    ($($message:ty),* $(,)?) => {
        $(impl Message for $message {
            fn email(&self, to: &str, base_url: &str) -> Result<super::OutgoingEmail, askama::Error> {
                <$message>::email(self, to, base_url)
            }
        })*
    };
}

messages!(
    AccountExists,
    ApplicationReceived,
    AvailabilityReminder,
    EngagementFinished,
    EngagementUnavailable,
    InterviewCalendar,
    InterviewDeclined,
    InterviewRequest,
    InterviewWithdrawn,
    PasswordReset,
    PaymentFailed,
    PaymentSucceeded,
    TeamInvite,
    TrialEnding,
    TrialStarted,
    VettingApproved,
    VettingRejected,
    VettingStagePassed,
    VerifyEmail,
);

impl Message for MailCheck {
    /// The check carries its own base URL.
    fn email(&self, to: &str, _base_url: &str) -> Result<super::OutgoingEmail, askama::Error> {
        MailCheck::email(self, to)
    }
}
