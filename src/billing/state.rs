//! The engagement state machine (DESIGN §3), as pure functions.
//!
//! `pending_checkout → trialing → active → (past_due ↔ active) → ending → ended`, plus
//! `canceled` (during the trial, or before checkout completed).
//!
//! Stripe repeats events and delivers them in any order, so the state is never derived
//! from arrival order. Every subscription state carries a *version*: the second its event
//! was created at the source, then the rank of the state it implies (later in the
//! lifecycle ranks higher, which orders the several events Stripe creates in the same
//! second: the trial ending and the first invoice being paid, say). A state is applied
//! only if its version is at least the stored one, and the two end states are final.
//! Whatever order a lifecycle's events arrive in, the engagement ends in the state of the
//! newest one.

use chrono::NaiveDateTime;

pub use crate::domain::EngagementStatus;

use super::{SubscriptionSnapshot, SubscriptionStatus};

/// A state's version: the source's event second, then the state's rank.
pub fn version(created: NaiveDateTime, status: EngagementStatus) -> i64 {
    created.and_utc().timestamp() * 8 + status.rank()
}

/// The engagement state a subscription implies, or `None` for states that don't move an
/// engagement (`incomplete`: checkout hasn't finished; `paused`).
pub fn implied_by(subscription: &SubscriptionSnapshot) -> Option<EngagementStatus> {
    Some(match subscription.status {
        SubscriptionStatus::Trialing => EngagementStatus::Trialing,
        SubscriptionStatus::Active if subscription.is_cancelling() => EngagementStatus::Ending,
        SubscriptionStatus::Active => EngagementStatus::Active,
        SubscriptionStatus::PastDue => EngagementStatus::PastDue,
        // Stripe gave up collecting (retries exhausted): no invoice is attempted again, so
        // the engagement is over; the still-existing subscription is cancelled at Stripe.
        SubscriptionStatus::Unpaid => EngagementStatus::Ended,
        SubscriptionStatus::Canceled | SubscriptionStatus::IncompleteExpired => {
            if ended_within_trial(subscription) {
                EngagementStatus::Canceled
            } else {
                EngagementStatus::Ended
            }
        }
        SubscriptionStatus::Incomplete | SubscriptionStatus::Paused => return None,
    })
}

/// A subscription that stopped before its trial was over never charged anything: the
/// engagement was cancelled, not ended.
fn ended_within_trial(subscription: &SubscriptionSnapshot) -> bool {
    let stopped = subscription.ended_at.or(subscription.canceled_at);
    match (stopped, subscription.trial_end) {
        (Some(stopped), Some(trial_end)) => stopped < trial_end,
        // Never had a trial end (incomplete_expired): nothing was ever charged.
        (_, None) => true,
        (None, Some(_)) => false,
    }
}

/// The stored state an event is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stored {
    pub status: EngagementStatus,
    pub version: i64,
}

/// Whether a state with `version` replaces the stored one, and the status it leaves.
///
/// Equal versions apply (the same state reported by two events of one second, e.g. the
/// checkout and the subscription it created), which only ever refreshes the same status.
pub fn next(
    stored: Stored,
    proposed: EngagementStatus,
    version: i64,
) -> Option<(EngagementStatus, i64)> {
    if stored.status.is_final() || version < stored.version {
        return None;
    }
    if proposed == EngagementStatus::PendingCheckout {
        return None;
    }
    Some((proposed, version))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::billing::from_unix;

    fn sub(status: SubscriptionStatus) -> SubscriptionSnapshot {
        SubscriptionSnapshot {
            id: "sub_1".into(),
            customer_id: "cus_1".into(),
            status,
            engagement_id: Some(1),
            trial_end: Some(from_unix(1_000_000)),
            current_period_end: Some(from_unix(1_000_000)),
            cancel_at_period_end: false,
            cancel_at: None,
            canceled_at: None,
            ended_at: None,
        }
    }

    #[test]
    fn statuses_round_trip() {
        for status in EngagementStatus::ALL {
            assert_eq!(status.as_str().parse::<EngagementStatus>(), Ok(status));
        }
        assert!("paid".parse::<EngagementStatus>().is_err());
    }

    #[test]
    fn subscription_states_map_to_engagement_states() {
        assert_eq!(
            implied_by(&sub(SubscriptionStatus::Trialing)),
            Some(EngagementStatus::Trialing)
        );
        assert_eq!(
            implied_by(&sub(SubscriptionStatus::Active)),
            Some(EngagementStatus::Active)
        );
        let ending = SubscriptionSnapshot {
            cancel_at_period_end: true,
            ..sub(SubscriptionStatus::Active)
        };
        assert_eq!(implied_by(&ending), Some(EngagementStatus::Ending));
        let ending_on_a_date = SubscriptionSnapshot {
            cancel_at: Some(from_unix(3_000_000)),
            ..sub(SubscriptionStatus::Active)
        };
        assert_eq!(
            implied_by(&ending_on_a_date),
            Some(EngagementStatus::Ending)
        );
        assert_eq!(
            implied_by(&sub(SubscriptionStatus::Unpaid)),
            Some(EngagementStatus::Ended)
        );
        assert_eq!(implied_by(&sub(SubscriptionStatus::Incomplete)), None);
    }

    #[test]
    fn a_subscription_stopped_in_its_trial_is_cancelled_and_later_ended() {
        let in_trial = SubscriptionSnapshot {
            ended_at: Some(from_unix(999_000)),
            ..sub(SubscriptionStatus::Canceled)
        };
        assert_eq!(implied_by(&in_trial), Some(EngagementStatus::Canceled));
        let after = SubscriptionSnapshot {
            ended_at: Some(from_unix(2_000_000)),
            ..sub(SubscriptionStatus::Canceled)
        };
        assert_eq!(implied_by(&after), Some(EngagementStatus::Ended));
    }

    #[test]
    fn older_states_and_anything_after_the_end_are_ignored() {
        let t = from_unix(5_000);
        let active = Stored {
            status: EngagementStatus::Active,
            version: version(t, EngagementStatus::Active),
        };
        let earlier = from_unix(4_000);
        assert_eq!(
            next(
                active,
                EngagementStatus::Trialing,
                version(earlier, EngagementStatus::Trialing)
            ),
            None
        );
        // Same second: the trial ending outranks the trial.
        assert_eq!(
            next(
                active,
                EngagementStatus::Trialing,
                version(t, EngagementStatus::Trialing)
            ),
            None
        );
        let later = from_unix(6_000);
        assert_eq!(
            next(
                active,
                EngagementStatus::PastDue,
                version(later, EngagementStatus::PastDue)
            ),
            Some((
                EngagementStatus::PastDue,
                version(later, EngagementStatus::PastDue)
            ))
        );
        let ended = Stored {
            status: EngagementStatus::Ended,
            version: 0,
        };
        assert_eq!(
            next(
                ended,
                EngagementStatus::Active,
                version(later, EngagementStatus::Active)
            ),
            None
        );
    }
}
