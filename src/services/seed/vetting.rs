//! The vetting record of a generated developer: approved ones passed all three stages,
//! applicants in review passed the stages before their current one, rejected ones failed
//! the technical assessment. Reviews fall 1, 3 and 5 days after submission, before the
//! decision (6 days). Its own RNG stream, so profiles stay as they were.

use chrono::Duration;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::domain::{DeveloperStatus, Level, ReviewOutcome, VettingStage};
use crate::models::{developer, vetting_review};

use super::RNG_SEED;
use super::data::{SeedData, StageTexts};
use super::developer::pick;

pub(super) fn reviews(
    data: &SeedData,
    index: usize,
    profile: &developer::NewDeveloper,
    reviewer_id: Option<i32>,
) -> Vec<vetting_review::NewVettingReview> {
    let mut rng = ChaCha8Rng::seed_from_u64(
        (RNG_SEED ^ 0x7e77_1a6e).wrapping_add((index as u64).wrapping_mul(0xD1B5_4A32_D192_ED03)),
    );
    let stages: [(VettingStage, &StageTexts); 3] = [
        (VettingStage::Screening, &data.vetting.screening),
        (VettingStage::Technical, &data.vetting.technical),
        (VettingStage::Interview, &data.vetting.interview),
    ];
    let (passed, failed) = match (profile.status, profile.vetting_stage) {
        (DeveloperStatus::Approved, _)
        | (DeveloperStatus::InReview, Some(VettingStage::Decision)) => (3, None),
        (DeveloperStatus::InReview, Some(VettingStage::Interview)) => (2, None),
        (DeveloperStatus::InReview, Some(VettingStage::Technical)) => (1, None),
        (DeveloperStatus::Rejected, _) => (1, Some(1)),
        _ => (0, None),
    };
    let min_score = match profile.level {
        Some(Level::L3) => 4,
        _ => 3,
    };
    let start = profile.submitted_at.unwrap_or(profile.created_at);
    let mut out = Vec::new();
    for (i, (stage, texts)) in stages.iter().enumerate() {
        let outcome = if i < passed {
            ReviewOutcome::Passed
        } else if failed == Some(i) {
            ReviewOutcome::Failed
        } else {
            break;
        };
        let score = if outcome.is_passed() {
            rng.random_range(min_score..=5)
        } else {
            rng.random_range(1..=2)
        };
        let at = start + Duration::days(i as i64 * 2 + 1);
        out.push(vetting_review::NewVettingReview {
            developer_id: 0,
            stage: *stage,
            reviewer_id,
            score: Some(score),
            notes: pick(&mut rng, &texts.notes).clone(),
            summary: pick(&mut rng, &texts.summaries).clone(),
            outcome,
            created_at: at,
            updated_at: at,
            completed_at: Some(at),
        });
    }
    out
}
