//! Stripe's subscription and invoice statuses, as Ladder stores and reads them.

use std::fmt;
use std::str::FromStr;

use super::ParseError;

/// Stripe's subscription statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubscriptionStatus {
    Incomplete,
    IncompleteExpired,
    Trialing,
    Active,
    PastDue,
    Unpaid,
    Canceled,
    Paused,
}

impl SubscriptionStatus {
    pub const ALL: [SubscriptionStatus; 8] = [
        SubscriptionStatus::Incomplete,
        SubscriptionStatus::IncompleteExpired,
        SubscriptionStatus::Trialing,
        SubscriptionStatus::Active,
        SubscriptionStatus::PastDue,
        SubscriptionStatus::Unpaid,
        SubscriptionStatus::Canceled,
        SubscriptionStatus::Paused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SubscriptionStatus::Incomplete => "incomplete",
            SubscriptionStatus::IncompleteExpired => "incomplete_expired",
            SubscriptionStatus::Trialing => "trialing",
            SubscriptionStatus::Active => "active",
            SubscriptionStatus::PastDue => "past_due",
            SubscriptionStatus::Unpaid => "unpaid",
            SubscriptionStatus::Canceled => "canceled",
            SubscriptionStatus::Paused => "paused",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        SubscriptionStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
    }

    /// The subscription still exists and may charge (everything but the two end states).
    pub fn is_live(self) -> bool {
        !matches!(
            self,
            SubscriptionStatus::Canceled | SubscriptionStatus::IncompleteExpired
        )
    }
}

impl fmt::Display for SubscriptionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SubscriptionStatus {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        SubscriptionStatus::parse(s)
            .ok_or_else(|| ParseError::new(format!("unknown subscription status `{s}`")))
    }
}

/// Stripe's invoice statuses (`invoice.status`): a draft is finalised to `open`, then
/// paid, voided or marked uncollectible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InvoiceStatus {
    Draft,
    Open,
    Paid,
    Uncollectible,
    Void,
}

impl InvoiceStatus {
    pub const ALL: [InvoiceStatus; 5] = [
        InvoiceStatus::Draft,
        InvoiceStatus::Open,
        InvoiceStatus::Paid,
        InvoiceStatus::Uncollectible,
        InvoiceStatus::Void,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceStatus::Draft => "draft",
            InvoiceStatus::Open => "open",
            InvoiceStatus::Paid => "paid",
            InvoiceStatus::Uncollectible => "uncollectible",
            InvoiceStatus::Void => "void",
        }
    }

    /// An invoice never goes back from paid or void to open: a stored invoice only moves
    /// to a status of at least its rank.
    pub fn rank(self) -> i32 {
        match self {
            InvoiceStatus::Draft => 0,
            InvoiceStatus::Open => 1,
            InvoiceStatus::Uncollectible => 2,
            InvoiceStatus::Paid | InvoiceStatus::Void => 3,
        }
    }
}

impl fmt::Display for InvoiceStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for InvoiceStatus {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        InvoiceStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| ParseError::new(format!("unknown invoice status `{s}`")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscription_statuses_round_trip() {
        for status in SubscriptionStatus::ALL {
            assert_eq!(status.as_str().parse::<SubscriptionStatus>(), Ok(status));
            assert_eq!(SubscriptionStatus::parse(status.as_str()), Some(status));
        }
        assert!("paid".parse::<SubscriptionStatus>().is_err());
        assert_eq!(SubscriptionStatus::parse("Active"), None);
    }

    #[test]
    fn invoice_statuses_round_trip() {
        for status in InvoiceStatus::ALL {
            assert_eq!(status.as_str().parse::<InvoiceStatus>(), Ok(status));
        }
        assert!("deleted".parse::<InvoiceStatus>().is_err());
        assert!("".parse::<InvoiceStatus>().is_err());
    }

    #[test]
    fn invoices_never_go_back_from_paid_or_void() {
        use InvoiceStatus::*;
        assert!(Draft.rank() < Open.rank());
        assert!(Open.rank() < Uncollectible.rank());
        assert!(Uncollectible.rank() < Paid.rank());
        assert_eq!(Paid.rank(), Void.rank());
    }
}
