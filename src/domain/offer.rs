use std::fmt;
use std::str::FromStr;

use super::ParseError;

/// What a developer offers to work: full-time, part-time or both. Stored as
/// `full_time`, `part_time` or `both`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommitmentOffer {
    FullTime,
    PartTime,
    Both,
}

impl CommitmentOffer {
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
        for offer in [
            CommitmentOffer::FullTime,
            CommitmentOffer::PartTime,
            CommitmentOffer::Both,
        ] {
            assert_eq!(offer.as_str().parse::<CommitmentOffer>(), Ok(offer));
        }
        assert!("weekends".parse::<CommitmentOffer>().is_err());
    }
}
