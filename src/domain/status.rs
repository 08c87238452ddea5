use std::str::FromStr;

use super::ParseError;

/// Who a user is to Ladder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Company,
    Developer,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Company => "company",
            Role::Developer => "developer",
            Role::Admin => "admin",
        }
    }
}

impl FromStr for Role {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        match s {
            "company" => Ok(Role::Company),
            "developer" => Ok(Role::Developer),
            "admin" => Ok(Role::Admin),
            _ => Err(ParseError::new(format!("unknown role `{s}`"))),
        }
    }
}

/// A developer profile's place in vetting (DESIGN §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeveloperStatus {
    Draft,
    Submitted,
    InReview,
    Approved,
    Rejected,
}

impl DeveloperStatus {
    pub const ALL: [DeveloperStatus; 5] = [
        DeveloperStatus::Draft,
        DeveloperStatus::Submitted,
        DeveloperStatus::InReview,
        DeveloperStatus::Approved,
        DeveloperStatus::Rejected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeveloperStatus::Draft => "draft",
            DeveloperStatus::Submitted => "submitted",
            DeveloperStatus::InReview => "in_review",
            DeveloperStatus::Approved => "approved",
            DeveloperStatus::Rejected => "rejected",
        }
    }
}

impl FromStr for DeveloperStatus {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        DeveloperStatus::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| ParseError::new(format!("unknown status `{s}`")))
    }
}

/// The stages an application moves through while `in_review` (in this order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum VettingStage {
    Screening,
    Technical,
    Interview,
    Decision,
}

impl VettingStage {
    pub const ALL: [VettingStage; 4] = [
        VettingStage::Screening,
        VettingStage::Technical,
        VettingStage::Interview,
        VettingStage::Decision,
    ];

    /// The three stages an admin reviews (the decision follows them).
    pub const REVIEWED: [VettingStage; 3] = [
        VettingStage::Screening,
        VettingStage::Technical,
        VettingStage::Interview,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            VettingStage::Screening => "screening",
            VettingStage::Technical => "technical",
            VettingStage::Interview => "interview",
            VettingStage::Decision => "decision",
        }
    }

    /// The stage after this one (the decision is the last).
    pub fn next(self) -> VettingStage {
        match self {
            VettingStage::Screening => VettingStage::Technical,
            VettingStage::Technical => VettingStage::Interview,
            VettingStage::Interview | VettingStage::Decision => VettingStage::Decision,
        }
    }

    /// The stage in a sentence ("the technical assessment").
    pub fn title(self) -> &'static str {
        match self {
            VettingStage::Screening => "screening",
            VettingStage::Technical => "technical assessment",
            VettingStage::Interview => "live interview",
            VettingStage::Decision => "decision",
        }
    }

    /// The stage as a heading ("Technical assessment").
    pub fn label(self) -> &'static str {
        match self {
            VettingStage::Screening => "Screening",
            VettingStage::Technical => "Technical assessment",
            VettingStage::Interview => "Live interview",
            VettingStage::Decision => "Decision",
        }
    }
}

impl FromStr for VettingStage {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        VettingStage::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| ParseError::new(format!("unknown vetting stage `{s}`")))
    }
}

/// How a vetting stage's review ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReviewOutcome {
    Pending,
    Passed,
    Failed,
}

impl ReviewOutcome {
    pub const ALL: [ReviewOutcome; 3] = [
        ReviewOutcome::Pending,
        ReviewOutcome::Passed,
        ReviewOutcome::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReviewOutcome::Pending => "pending",
            ReviewOutcome::Passed => "passed",
            ReviewOutcome::Failed => "failed",
        }
    }

    pub fn is_passed(self) -> bool {
        self == ReviewOutcome::Passed
    }
}

impl FromStr for ReviewOutcome {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        ReviewOutcome::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| ParseError::new(format!("unknown review outcome `{s}`")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_stages_round_trip() {
        for s in DeveloperStatus::ALL {
            assert_eq!(s.as_str().parse::<DeveloperStatus>().unwrap(), s);
        }
        for s in VettingStage::ALL {
            assert_eq!(s.as_str().parse::<VettingStage>().unwrap(), s);
        }
        for o in ReviewOutcome::ALL {
            assert_eq!(o.as_str().parse::<ReviewOutcome>().unwrap(), o);
        }
        assert!("maybe".parse::<ReviewOutcome>().is_err());
        for r in [Role::Company, Role::Developer, Role::Admin] {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
        }
    }

    #[test]
    fn stages_advance_in_order() {
        assert_eq!(VettingStage::Screening.next(), VettingStage::Technical);
        assert_eq!(VettingStage::Technical.next(), VettingStage::Interview);
        assert_eq!(VettingStage::Interview.next(), VettingStage::Decision);
        assert!(VettingStage::Screening < VettingStage::Interview);
    }
}
