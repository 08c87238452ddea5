use std::fmt;
use std::str::FromStr;

use super::ParseError;

/// A vetted developer's level (DESIGN §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    L1,
    L2,
    L3,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::L1, Level::L2, Level::L3];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::L1 => "L1",
            Level::L2 => "L2",
            Level::L3 => "L3",
        }
    }

    /// Lower-case form used in CSS classes and URLs.
    pub fn css(self) -> &'static str {
        match self {
            Level::L1 => "l1",
            Level::L2 => "l2",
            Level::L3 => "l3",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Level::L1 => "Early-career",
            Level::L2 => "Mid-level",
            Level::L3 => "Senior",
        }
    }

    pub fn summary(self) -> &'static str {
        match self {
            Level::L1 => {
                "Strong fundamentals and a few years of practice. Best for well-defined API work, support rotations and internal tools."
            }
            Level::L2 => {
                "Production experience across the stack. Owns features end to end and ships MVPs without hand-holding."
            }
            Level::L3 => {
                "Senior engineers for system design, scaling and security-critical work; they raise the bar for the team around them."
            }
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Level {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        match s.trim() {
            "L1" | "l1" => Ok(Level::L1),
            "L2" | "l2" => Ok(Level::L2),
            "L3" | "l3" => Ok(Level::L3),
            _ => Err(ParseError::new("Choose level L1, L2 or L3.")),
        }
    }
}

/// Hours a company books a developer for each month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Commitment {
    FullTime,
    PartTime,
}

impl Commitment {
    pub const ALL: [Commitment; 2] = [Commitment::FullTime, Commitment::PartTime];

    pub fn as_str(self) -> &'static str {
        match self {
            Commitment::FullTime => "full_time",
            Commitment::PartTime => "part_time",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Commitment::FullTime => "Full-time",
            Commitment::PartTime => "Part-time",
        }
    }

    pub fn hours_per_month(self) -> i32 {
        match self {
            Commitment::FullTime => 160,
            Commitment::PartTime => 80,
        }
    }
}

impl FromStr for Commitment {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        match s.trim() {
            "full_time" => Ok(Commitment::FullTime),
            "part_time" => Ok(Commitment::PartTime),
            _ => Err(ParseError::new("Choose full-time or part-time.")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_round_trip() {
        for level in Level::ALL {
            assert_eq!(level.as_str().parse::<Level>().unwrap(), level);
        }
        assert!("L4".parse::<Level>().is_err());
        assert!("".parse::<Level>().is_err());
    }

    #[test]
    fn commitments_round_trip_and_know_their_hours() {
        for c in Commitment::ALL {
            assert_eq!(c.as_str().parse::<Commitment>().unwrap(), c);
        }
        assert_eq!(Commitment::FullTime.hours_per_month(), 160);
        assert_eq!(Commitment::PartTime.hours_per_month(), 80);
    }
}
