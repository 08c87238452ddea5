//! One file per table: the row types and the queries on that table, returning `QueryResult`.

pub mod audit;
pub mod billing_event;
pub mod company;
pub mod company_invitation;
pub mod company_member;
pub mod developer;
pub mod developer_skill;
pub mod email;
pub mod email_token;
pub mod engagement;
pub mod engagement_notice;
pub mod experience;
pub mod hour_log;
pub mod installation;
pub mod interview;
pub mod interview_slot;
pub mod invoice;
pub mod job;
pub mod plan;
pub mod rate_limit;
pub mod sandbox_subscription;
pub mod session;
pub mod shortlist;
pub mod shortlist_entry;
pub mod skill;
pub mod user;
pub mod vetting_review;

use chrono::{NaiveDateTime, SubsecRound, Utc};

/// The current time as stored: UTC, microsecond precision (what both backends keep).
pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}

/// Did a write lose a race against a unique index? Callers treat it as "the row exists":
/// load it, or answer as if their own insert had made it (DESIGN §6 rule 9).
pub fn is_unique_violation(e: &diesel::result::Error) -> bool {
    matches!(
        e,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

mod sql_text;

use crate::domain::{DeveloperStatus, ReviewOutcome, Role, VettingStage};

sql_text::sql_text_enum!(Role, DeveloperStatus, VettingStage, ReviewOutcome);

// Billing rows (engagements, plans, invoices, sandbox subscriptions, billing events).
use crate::domain::{
    Commitment, EngagementStatus, EventOutcome, InvoiceStatus, Level, SubscriptionStatus,
};

sql_text::sql_text_enum!(
    EngagementStatus,
    SubscriptionStatus,
    InvoiceStatus,
    Level,
    Commitment
);
sql_text::sql_text_enum!(display: EventOutcome);

// Developers, interviews, company members, jobs and emails.
sql_text::sql_text_enum!(
    crate::domain::InterviewStatus,
    crate::domain::MemberRole,
    crate::domain::CommitmentOffer,
    job::JobStatus,
    email::EmailStatus,
);
