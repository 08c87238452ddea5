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

/// A user's place in their company's team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MemberRole {
    Owner,
    Member,
}

impl MemberRole {
    pub const ALL: [MemberRole; 2] = [MemberRole::Owner, MemberRole::Member];

    pub fn as_str(self) -> &'static str {
        match self {
            MemberRole::Owner => "owner",
            MemberRole::Member => "member",
        }
    }
}

impl FromStr for MemberRole {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        MemberRole::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| ParseError::new(format!("unknown member role `{s}`")))
    }
}

/// Where an interview request stands: proposed by the company, then scheduled or declined
/// by the developer, or cancelled by the company.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InterviewStatus {
    Proposed,
    Scheduled,
    Declined,
    Cancelled,
}

impl InterviewStatus {
    pub const ALL: [InterviewStatus; 4] = [
        InterviewStatus::Proposed,
        InterviewStatus::Scheduled,
        InterviewStatus::Declined,
        InterviewStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InterviewStatus::Proposed => "proposed",
            InterviewStatus::Scheduled => "scheduled",
            InterviewStatus::Declined => "declined",
            InterviewStatus::Cancelled => "cancelled",
        }
    }

    /// Proposed or scheduled: the interview may still happen (and be cancelled or moved).
    pub fn is_open(self) -> bool {
        matches!(self, InterviewStatus::Proposed | InterviewStatus::Scheduled)
    }
}

impl std::fmt::Display for InterviewStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for InterviewStatus {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        InterviewStatus::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| ParseError::new(format!("unknown interview status `{s}`")))
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
    fn member_roles_and_interview_statuses_round_trip() {
        for r in MemberRole::ALL {
            assert_eq!(r.as_str().parse::<MemberRole>().unwrap(), r);
        }
        assert_eq!(MemberRole::Owner.as_str(), "owner");
        assert_eq!(MemberRole::Member.as_str(), "member");
        assert!("admin".parse::<MemberRole>().is_err());
        for s in InterviewStatus::ALL {
            assert_eq!(s.as_str().parse::<InterviewStatus>().unwrap(), s);
        }
        let stored: Vec<&str> = InterviewStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(stored, ["proposed", "scheduled", "declined", "cancelled"]);
        assert!("canceled".parse::<InterviewStatus>().is_err());
        assert!(InterviewStatus::Proposed.is_open() && InterviewStatus::Scheduled.is_open());
        assert!(!InterviewStatus::Declined.is_open() && !InterviewStatus::Cancelled.is_open());
    }

    #[test]
    fn stages_advance_in_order() {
        assert_eq!(VettingStage::Screening.next(), VettingStage::Technical);
        assert_eq!(VettingStage::Technical.next(), VettingStage::Interview);
        assert_eq!(VettingStage::Interview.next(), VettingStage::Decision);
        assert!(VettingStage::Screening < VettingStage::Interview);
    }
}
