//! Prices per level, read from the `plans` table (the single source of truth, DESIGN §1).

use crate::db::DbConn;
use crate::domain::{Commitment, Level, Money};
use crate::error::InfraError;
use crate::models::plan;

/// The two prices of one level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tier {
    pub level: Level,
    pub full_time: Money,
    pub part_time: Money,
    pub full_time_hours: i32,
    pub part_time_hours: i32,
}

pub use crate::domain::TRIAL_DAYS;

#[derive(Debug, thiserror::Error)]
pub enum PricingError {
    #[error(transparent)]
    Infra(#[from] InfraError),
    #[error("the plans table is missing the {level} {commitment} price")]
    MissingPlan {
        level: Level,
        commitment: &'static str,
    },
}

crate::infra_error!(PricingError);

/// One tier per level, L1 to L3. Fails if the seeded plans are incomplete.
pub fn tiers(conn: &mut DbConn) -> Result<Vec<Tier>, PricingError> {
    let rows = plan::all(conn)?;
    Level::ALL
        .into_iter()
        .map(|level| {
            let find = |commitment: Commitment| {
                rows.iter()
                    .find(|r| r.level == level && r.commitment == commitment)
                    .ok_or(PricingError::MissingPlan {
                        level,
                        commitment: commitment.as_str(),
                    })
            };
            let full = find(Commitment::FullTime)?;
            let part = find(Commitment::PartTime)?;
            Ok(Tier {
                level,
                full_time: Money::from_cents(full.price_cents),
                part_time: Money::from_cents(part.price_cents),
                full_time_hours: full.hours_per_month,
                part_time_hours: part.hours_per_month,
            })
        })
        .collect()
}
