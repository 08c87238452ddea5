//! Parsed domain types: once a value is one of these, it is valid.

pub mod client_address;
pub mod country;
mod email;
pub mod interview_slots;
mod level;
mod money;
mod offer;
pub mod overlap;
pub mod profile;
mod slug;
mod status;
pub mod time_zone;

pub use email::Email;
pub use level::{Commitment, Level};
pub use money::Money;
pub use offer::CommitmentOffer;
pub use slug::Slug;
pub use status::{DeveloperStatus, InterviewStatus, MemberRole, ReviewOutcome, Role, VettingStage};
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
