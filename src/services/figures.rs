//! Figures over time for the admin dashboard, and the landing page's few honest numbers.
//! Month buckets are computed here in Rust from bounded queries, so both backends run the
//! same plain SQL (no backend-specific date functions).

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};

use crate::catalog::{AVAILABILITY_DAYS, Listed};
use crate::db::{DbConn, DbError};
use crate::domain::{DeveloperStatus, Level, VettingStage};
use crate::models::engagement::{self, EngagementHistory};
use crate::models::{developer, vetting_review};

/// How many months the dashboard's charts cover, the current one included.
pub const MONTHS: u32 = 12;

/// The first day of each of the last `n` months up to `now`'s, oldest first.
pub fn last_months(now: NaiveDateTime, n: u32) -> Vec<NaiveDate> {
    let mut month = first_of_month(now.date());
    let mut months = vec![month];
    for _ in 1..n {
        month = first_of_month(month - Duration::days(1));
        months.push(month);
    }
    months.reverse();
    months
}

pub fn first_of_month(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

fn next_month(first: NaiveDate) -> NaiveDate {
    first_of_month(first + Duration::days(32))
}

fn midnight(day: NaiveDate) -> NaiveDateTime {
    day.and_time(NaiveTime::MIN)
}

/// One month of the billing charts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthFigures {
    /// The month's first day.
    pub month: NaiveDate,
    /// Monthly recurring revenue at the month's end (at `now` for the current month): the
    /// sum of the monthly prices of the engagements paying then, meaning their first
    /// invoice was paid on or before that moment and they had not ended by it. A paying
    /// engagement is active, past due or ending, so the current month matches the
    /// dashboard's MRR figure. Prices are the engagement's booked snapshot, which never
    /// changes.
    pub mrr_cents: i64,
    /// Trials started in the month: engagements booked that month whose checkout finished
    /// (they have a trial end). A replacement is not counted: it continues the trial of
    /// the engagement it replaces.
    pub trials_started: i64,
    /// Of those, the ones that went on to a first payment (so far).
    pub trials_converted: i64,
}

/// When an engagement stopped paying or trialling: its `ended_at`, or for a final status
/// recorded without one, its last change.
fn stopped_at(e: &EngagementHistory) -> Option<NaiveDateTime> {
    e.ended_at.or(e.status.is_final().then_some(e.updated_at))
}

/// Buckets engagements into `months` (see [`MonthFigures`] for the rules).
pub fn monthly(
    history: &[EngagementHistory],
    months: &[NaiveDate],
    now: NaiveDateTime,
) -> Vec<MonthFigures> {
    months
        .iter()
        .map(|&month| {
            let start = midnight(month);
            let end = midnight(next_month(month));
            let at = (end - Duration::seconds(1)).min(now);
            let paying = |e: &&EngagementHistory| {
                e.first_paid_at.is_some_and(|p| p <= at) && stopped_at(e).is_none_or(|s| s > at)
            };
            let started: Vec<&EngagementHistory> = history
                .iter()
                .filter(|e| {
                    e.trial_ends_at.is_some()
                        && e.replaces_id.is_none()
                        && e.created_at >= start
                        && e.created_at < end
                })
                .collect();
            MonthFigures {
                month,
                mrr_cents: history.iter().filter(paying).map(|e| e.price_cents).sum(),
                trials_started: started.len() as i64,
                trials_converted: started.iter().filter(|e| e.first_paid_at.is_some()).count()
                    as i64,
            }
        })
        .collect()
}

/// The vetting funnel's steps, in order: each counts the applications that got at least
/// this far.
pub const FUNNEL: [&str; 5] = ["Applied", "Screened", "Assessed", "Interviewed", "Approved"];

/// How far one application got, as an index into [`FUNNEL`]: approved is the end; else the
/// furthest stage passed, by its review or by the application sitting at a later stage
/// (seeded data can be mid-vetting without reviews).
fn furthest_step(
    status: DeveloperStatus,
    current: Option<VettingStage>,
    passed: impl Iterator<Item = VettingStage>,
) -> usize {
    if status == DeveloperStatus::Approved {
        return 4;
    }
    let step_after = |stage: VettingStage| match stage {
        VettingStage::Screening => 1,
        VettingStage::Technical => 2,
        VettingStage::Interview | VettingStage::Decision => 3,
    };
    let by_reviews = passed.map(step_after).max().unwrap_or(0);
    let by_stage = match (status, current) {
        (DeveloperStatus::InReview, Some(stage)) => VettingStage::ALL
            .into_iter()
            .filter(|s| *s < stage)
            .map(step_after)
            .max()
            .unwrap_or(0),
        _ => 0,
    };
    by_reviews.max(by_stage)
}

/// (step, applications that reached it) for [`FUNNEL`].
pub fn funnel(
    applications: &[(i32, DeveloperStatus, Option<VettingStage>)],
    passed: &[(i32, VettingStage)],
) -> Vec<(&'static str, i64)> {
    let mut reached = [0i64; FUNNEL.len()];
    for (id, status, current) in applications {
        let own = passed.iter().filter(|(d, _)| d == id).map(|(_, s)| *s);
        for count in reached
            .iter_mut()
            .take(furthest_step(*status, *current, own) + 1)
        {
            *count += 1;
        }
    }
    FUNNEL.into_iter().zip(reached).collect()
}

/// The median of values given as (value, how many times), halfway between the middle two
/// of an even count; `None` when there are none.
pub fn median(counts: &[(i32, i64)]) -> Option<f64> {
    let mut sorted: Vec<(i32, i64)> = counts.iter().copied().filter(|(_, n)| *n > 0).collect();
    sorted.sort_unstable();
    let total: i64 = sorted.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return None;
    }
    // The value at 0-based position `k` of the expanded, sorted list.
    let at = |k: i64| {
        let mut seen = 0;
        sorted
            .iter()
            .find(|(_, n)| {
                seen += n;
                seen > k
            })
            .map(|(v, _)| *v)
            .unwrap_or_default()
    };
    let mid = total / 2;
    Some(if total % 2 == 0 {
        f64::from(at(mid - 1) + at(mid)) / 2.0
    } else {
        f64::from(at(mid))
    })
}

/// Published profiles against the catalog: `published = listed + hidden_stale`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Listing {
    /// Approved and published.
    pub published: i64,
    /// In the catalog now (published and availability confirmed within 30 days).
    pub listed: i64,
    /// Published but hidden: availability not confirmed within [`AVAILABILITY_DAYS`] days.
    pub hidden_stale: i64,
}

#[derive(Debug, Clone, Default)]
pub struct DashboardFigures {
    pub listing: Listing,
    pub months: Vec<MonthFigures>,
    pub funnel: Vec<(&'static str, i64)>,
}

pub fn dashboard(
    conn: &mut DbConn,
    listed: &Listed,
    now: NaiveDateTime,
) -> Result<DashboardFigures, DbError> {
    let hidden_stale =
        developer::published_unconfirmed_before(conn, now - Duration::days(AVAILABILITY_DAYS))?;
    let listed = listed.len() as i64;
    let months = last_months(now, MONTHS);
    let history = engagement::history_since(conn, midnight(months[0]))?;
    Ok(DashboardFigures {
        listing: Listing {
            published: listed + hidden_stale,
            listed,
            hidden_stale,
        },
        months: monthly(&history, &months, now),
        funnel: funnel(
            &developer::applications(conn)?,
            &vetting_review::passed_stages(conn)?,
        ),
    })
}

/// The landing page's figures, all from the database.
#[derive(Debug, Clone, Default)]
pub struct LandingFigures {
    /// Listed developers per level, L1 to L3.
    pub per_level: Vec<(Level, i64)>,
    /// Applications approved since the first of this month.
    pub vetted_this_month: i64,
    /// The median score (1 to 5) of the stage reviews behind approved developers, and how
    /// many reviews that is; `None` before any.
    pub median_score: Option<(f64, usize)>,
}

pub fn landing(
    conn: &mut DbConn,
    listed: &Listed,
    now: NaiveDateTime,
) -> Result<LandingFigures, DbError> {
    let per_level = Level::ALL
        .into_iter()
        .map(|level| {
            let n = listed.iter().filter(|d| d.level() == level).count();
            (level, n as i64)
        })
        .collect();
    let month_start = midnight(first_of_month(now.date()));
    let vetted_this_month = developer::decisions_since(conn, month_start)?
        .into_iter()
        .filter(|(status, _)| *status == DeveloperStatus::Approved)
        .map(|(_, n)| n)
        .sum();
    let scores = vetting_review::score_counts_of_approved(conn)?;
    let count = scores.iter().map(|(_, n)| *n as usize).sum();
    Ok(LandingFigures {
        per_level,
        vetted_this_month,
        median_score: median(&scores).map(|m| (m, count)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::EngagementStatus;

    fn at(y: i32, m: u32, d: u32) -> NaiveDateTime {
        midnight(NaiveDate::from_ymd_opt(y, m, d).unwrap()) + Duration::hours(12)
    }

    fn history(
        created: NaiveDateTime,
        paid: Option<NaiveDateTime>,
        ended: Option<NaiveDateTime>,
    ) -> EngagementHistory {
        EngagementHistory {
            created_at: created,
            replaces_id: None,
            status: EngagementStatus::Active,
            trial_ends_at: Some(created + Duration::days(14)),
            first_paid_at: paid,
            ended_at: ended,
            updated_at: created,
            price_cents: 100_000,
        }
    }

    #[test]
    fn months_run_oldest_first_across_a_year_end() {
        let months = last_months(at(2026, 2, 15), 4);
        let firsts: Vec<String> = months.iter().map(|m| m.to_string()).collect();
        assert_eq!(
            firsts,
            ["2025-11-01", "2025-12-01", "2026-01-01", "2026-02-01"]
        );
        assert_eq!(last_months(at(2026, 3, 31), 12).len(), 12);
    }

    #[test]
    fn mrr_counts_engagements_paying_at_each_month_end() {
        let now = at(2026, 4, 10);
        let months = last_months(now, 4); // Jan..Apr
        let mut replacement = history(at(2026, 2, 3), None, None);
        replacement.replaces_id = Some(1);
        let mut ended_without_date = history(at(2026, 1, 2), Some(at(2026, 1, 16)), None);
        ended_without_date.status = EngagementStatus::Ended;
        ended_without_date.updated_at = at(2026, 2, 20);
        let rows = vec![
            history(at(2026, 1, 5), Some(at(2026, 1, 19)), None),
            history(at(2026, 2, 1), Some(at(2026, 2, 15)), Some(at(2026, 3, 15))),
            history(at(2026, 2, 20), None, Some(at(2026, 2, 25))),
            replacement,
            ended_without_date,
        ];
        let figures = monthly(&rows, &months, now);
        let mrr: Vec<i64> = figures.iter().map(|f| f.mrr_cents / 100).collect();
        assert_eq!(mrr, [2_000, 2_000, 1_000, 1_000]);
        let started: Vec<i64> = figures.iter().map(|f| f.trials_started).collect();
        assert_eq!(started, [2, 2, 0, 0], "the replacement continues a trial");
        let converted: Vec<i64> = figures.iter().map(|f| f.trials_converted).collect();
        assert_eq!(converted, [2, 1, 0, 0]);
    }

    #[test]
    fn the_funnel_counts_how_far_each_application_got() {
        use DeveloperStatus::*;
        let apps = vec![
            (1, Submitted, None),
            (2, InReview, Some(VettingStage::Screening)),
            (3, InReview, Some(VettingStage::Interview)),
            (4, Rejected, None),
            (5, Approved, None),
        ];
        let passed = vec![
            (4, VettingStage::Screening),
            (4, VettingStage::Technical),
            (3, VettingStage::Screening),
        ];
        let counts: Vec<i64> = funnel(&apps, &passed).iter().map(|(_, n)| *n).collect();
        assert_eq!(counts, [5, 3, 3, 1, 1]);
        assert_eq!(funnel(&apps, &passed)[0].0, "Applied");
    }

    #[test]
    fn medians() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[(5, 0)]), None);
        assert_eq!(median(&[(5, 1), (1, 1), (3, 1)]), Some(3.0));
        assert_eq!(median(&[(4, 2), (3, 1), (5, 1)]), Some(4.0));
        assert_eq!(median(&[(3, 1), (4, 1)]), Some(3.5));
        assert_eq!(median(&[(5, 3), (1, 1)]), Some(5.0));
        assert_eq!(median(&[(2, 50), (4, 50)]), Some(3.0));
    }
}
