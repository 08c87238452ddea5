//! Parsed domain types: once a value is one of these, it is valid.

pub mod client_address;
pub mod country;
mod email;
mod engagement_status;
mod event_outcome;
pub mod fit;
pub mod interview_slots;
mod level;
mod money;
pub mod monogram;
mod offer;
pub mod overlap;
pub mod profile;
mod slug;
mod status;
mod subscription;
pub mod time_zone;

pub use email::Email;
pub use engagement_status::EngagementStatus;
pub use event_outcome::EventOutcome;
pub use level::{Commitment, Level};
pub use money::Money;
pub use offer::CommitmentOffer;
pub use slug::Slug;
pub use status::{DeveloperStatus, InterviewStatus, MemberRole, ReviewOutcome, Role, VettingStage};
pub use subscription::{InvoiceStatus, SubscriptionStatus};
pub use time_zone::TimeZone;

/// The free trial every engagement starts with.
pub const TRIAL_DAYS: i32 = 14;

/// Why a piece of input was refused, phrased for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ParseError(pub String);

impl ParseError {
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}
