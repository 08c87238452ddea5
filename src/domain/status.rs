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

/// The stages an application moves through while `in_review`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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

    pub fn as_str(self) -> &'static str {
        match self {
            VettingStage::Screening => "screening",
            VettingStage::Technical => "technical",
            VettingStage::Interview => "interview",
            VettingStage::Decision => "decision",
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
        for r in [Role::Company, Role::Developer, Role::Admin] {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
        }
    }
}
