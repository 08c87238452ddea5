//! What applying a billing event did, as `billing_events.outcome` records it.

use std::fmt;
use std::str::FromStr;

use super::ParseError;

/// The outcomes written: `applied`, `ignored: <reason>` or `refused: <reason>` (a repeated
/// delivery is found before anything is written, so there is no `duplicate` row).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EventOutcome {
    /// The event moved or refreshed an engagement, or mirrored an invoice.
    Applied,
    /// Nothing done, and why.
    Ignored(String),
    /// A subscription that must not bill was cancelled at Stripe, and why.
    Refused(String),
}

impl EventOutcome {
    /// The stored word, without the reason.
    pub fn kind(&self) -> &'static str {
        match self {
            EventOutcome::Applied => "applied",
            EventOutcome::Ignored(_) => "ignored",
            EventOutcome::Refused(_) => "refused",
        }
    }

    pub fn reason(&self) -> Option<&str> {
        match self {
            EventOutcome::Applied => None,
            EventOutcome::Ignored(reason) | EventOutcome::Refused(reason) => Some(reason),
        }
    }
}

/// The stored text: the kind, then `: <reason>` when there is one.
impl fmt::Display for EventOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.reason() {
            None => f.write_str(self.kind()),
            Some(reason) => write!(f, "{}: {reason}", self.kind()),
        }
    }
}

impl FromStr for EventOutcome {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        if s == "applied" {
            return Ok(EventOutcome::Applied);
        }
        match s.split_once(": ") {
            Some(("ignored", reason)) => Ok(EventOutcome::Ignored(reason.to_owned())),
            Some(("refused", reason)) => Ok(EventOutcome::Refused(reason.to_owned())),
            _ => Err(ParseError::new(format!(
                "unknown billing event outcome `{s}`"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_round_trip_through_their_stored_text() {
        let all = [
            (EventOutcome::Applied, "applied"),
            (
                EventOutcome::Ignored("subscription is paused".into()),
                "ignored: subscription is paused",
            ),
            (
                EventOutcome::Refused("a second checkout completed: sub_1".into()),
                "refused: a second checkout completed: sub_1",
            ),
        ];
        for (outcome, text) in all {
            assert_eq!(outcome.to_string(), text);
            assert_eq!(text.parse::<EventOutcome>(), Ok(outcome));
        }
        for unknown in ["duplicate", "ignored", "refused:", "Applied", "lost: x", ""] {
            assert!(unknown.parse::<EventOutcome>().is_err(), "{unknown}");
        }
    }
}
