//! Where an engagement is in its life (DESIGN §3). The moves between these states are
//! pure functions in `billing::state`; the row holds the state itself.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EngagementStatus {
    PendingCheckout,
    Trialing,
    Active,
    PastDue,
    Ending,
    Ended,
    Canceled,
}

impl EngagementStatus {
    pub const ALL: [EngagementStatus; 7] = [
        EngagementStatus::PendingCheckout,
        EngagementStatus::Trialing,
        EngagementStatus::Active,
        EngagementStatus::PastDue,
        EngagementStatus::Ending,
        EngagementStatus::Ended,
        EngagementStatus::Canceled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EngagementStatus::PendingCheckout => "pending_checkout",
            EngagementStatus::Trialing => "trialing",
            EngagementStatus::Active => "active",
            EngagementStatus::PastDue => "past_due",
            EngagementStatus::Ending => "ending",
            EngagementStatus::Ended => "ended",
            EngagementStatus::Canceled => "canceled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            EngagementStatus::PendingCheckout => "Awaiting checkout",
            EngagementStatus::Trialing => "Free trial",
            EngagementStatus::Active => "Active",
            EngagementStatus::PastDue => "Payment failed",
            EngagementStatus::Ending => "Ending",
            EngagementStatus::Ended => "Ended",
            EngagementStatus::Canceled => "Cancelled",
        }
    }

    /// The badge modifier the templates use.
    pub fn tone(self) -> &'static str {
        match self {
            EngagementStatus::PendingCheckout => "neutral",
            EngagementStatus::Trialing => "info",
            EngagementStatus::Active => "success",
            EngagementStatus::PastDue => "danger",
            EngagementStatus::Ending => "warning",
            EngagementStatus::Ended | EngagementStatus::Canceled => "muted",
        }
    }

    /// Final: nothing moves an ended or cancelled engagement again.
    pub fn is_final(self) -> bool {
        matches!(self, EngagementStatus::Ended | EngagementStatus::Canceled)
    }

    /// The developer is working for the company (or about to: the trial counts).
    pub fn is_engaged(self) -> bool {
        matches!(
            self,
            EngagementStatus::Trialing
                | EngagementStatus::Active
                | EngagementStatus::PastDue
                | EngagementStatus::Ending
        )
    }

    /// Holds the developer: a live engagement, or a booking waiting for checkout.
    pub fn holds_developer(self) -> bool {
        self.is_engaged() || self == EngagementStatus::PendingCheckout
    }

    /// Orders the states Stripe may report within one second.
    pub fn rank(self) -> i64 {
        match self {
            EngagementStatus::PendingCheckout => 0,
            EngagementStatus::Trialing => 1,
            EngagementStatus::PastDue => 2,
            EngagementStatus::Active => 3,
            EngagementStatus::Ending => 4,
            EngagementStatus::Ended | EngagementStatus::Canceled => 5,
        }
    }
}

impl fmt::Display for EngagementStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EngagementStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EngagementStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| format!("unknown engagement status {s:?}"))
    }
}
