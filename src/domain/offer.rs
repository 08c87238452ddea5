use std::fmt;
use std::str::FromStr;

use super::{Commitment, ParseError};

/// What a developer offers to work: full-time, part-time or both. Stored as
/// `full_time`, `part_time` or `both`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommitmentOffer {
    FullTime,
    PartTime,
    Both,
}

impl CommitmentOffer {
    pub const ALL: [CommitmentOffer; 3] = [
        CommitmentOffer::FullTime,
        CommitmentOffer::PartTime,
        CommitmentOffer::Both,
    ];

    /// Whether the developer takes engagements of `commitment`.
    pub fn allows(self, commitment: Commitment) -> bool {
        matches!(
            (self, commitment),
            (CommitmentOffer::Both, _)
                | (CommitmentOffer::FullTime, Commitment::FullTime)
                | (CommitmentOffer::PartTime, Commitment::PartTime)
        )
    }

    /// The commitments a company can book, in `Commitment::ALL` order.
    pub fn offered(self) -> Vec<Commitment> {
        Commitment::ALL
            .into_iter()
            .filter(|c| self.allows(*c))
            .collect()
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CommitmentOffer::FullTime => "full_time",
            CommitmentOffer::PartTime => "part_time",
            CommitmentOffer::Both => "both",
        }
    }
}

impl fmt::Display for CommitmentOffer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CommitmentOffer {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        match s.trim() {
            "full_time" => Ok(CommitmentOffer::FullTime),
            "part_time" => Ok(CommitmentOffer::PartTime),
            "both" => Ok(CommitmentOffer::Both),
            _ => Err(ParseError::new("Choose full-time, part-time or both.")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_the_stored_strings() {
        for offer in CommitmentOffer::ALL {
            assert_eq!(offer.as_str().parse::<CommitmentOffer>(), Ok(offer));
        }
        let stored: Vec<&str> = CommitmentOffer::ALL.iter().map(|o| o.as_str()).collect();
        assert_eq!(stored, ["full_time", "part_time", "both"]);
        assert!("weekends".parse::<CommitmentOffer>().is_err());
    }

    #[test]
    fn offers_allow_their_commitments() {
        use Commitment::{FullTime, PartTime};
        assert_eq!(CommitmentOffer::FullTime.offered(), [FullTime]);
        assert_eq!(CommitmentOffer::PartTime.offered(), [PartTime]);
        assert_eq!(CommitmentOffer::Both.offered(), [FullTime, PartTime]);
        assert!(CommitmentOffer::Both.allows(PartTime));
        assert!(!CommitmentOffer::FullTime.allows(PartTime));
    }
}
