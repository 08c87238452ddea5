//! Sliding-window rate limits for the endpoints attackers like: sign-in, sign-up, password
//! reset, verification resend. Counted per process in memory (cheap, no shared state);
//! with N processes behind a load balancer the effective limit is N times the figure.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub name: &'static str,
    pub max: usize,
    pub window: Duration,
}

const fn limit(name: &'static str, max: usize, minutes: u64) -> Limit {
    Limit {
        name,
        max,
        window: Duration::from_secs(minutes * 60),
    }
}

pub const SIGN_IN_PER_IP: Limit = limit("sign-in/ip", 20, 10);
pub const SIGN_IN_PER_ACCOUNT: Limit = limit("sign-in/account", 10, 10);
pub const SIGN_UP_PER_IP: Limit = limit("sign-up/ip", 10, 60);
pub const RESET_PER_IP: Limit = limit("reset/ip", 10, 60);
pub const RESET_PER_ACCOUNT: Limit = limit("reset/account", 3, 60);
pub const RESEND_PER_IP: Limit = limit("resend/ip", 10, 60);
pub const RESEND_PER_ACCOUNT: Limit = limit("resend/account", 3, 60);

#[derive(Default)]
pub struct RateLimiter {
    hits: Mutex<HashMap<(&'static str, String), VecDeque<Instant>>>,
}

impl RateLimiter {
    /// Records a hit on `key` if it is within `limit`; otherwise says how long to wait.
    pub fn hit(&self, limit: Limit, key: &str) -> Result<(), Duration> {
        self.hit_at(limit, key, Instant::now())
    }

    fn hit_at(&self, limit: Limit, key: &str, now: Instant) -> Result<(), Duration> {
        let mut hits = self.hits.lock().expect("rate limiter lock");
        if hits.len() > 50_000 {
            hits.retain(|_, q| {
                q.back()
                    .is_some_and(|t| now.duration_since(*t) < Duration::from_secs(3600))
            });
        }
        let queue = hits.entry((limit.name, key.to_lowercase())).or_default();
        while queue
            .front()
            .is_some_and(|t| now.duration_since(*t) >= limit.window)
        {
            queue.pop_front();
        }
        if queue.len() >= limit.max {
            let oldest = *queue.front().expect("non-empty when full");
            return Err(limit
                .window
                .saturating_sub(now.duration_since(oldest))
                .max(Duration::from_secs(1)));
        }
        queue.push_back(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_up_to_the_limit_then_says_how_long_to_wait() {
        let limiter = RateLimiter::default();
        let l = limit("test", 3, 1);
        let start = Instant::now();
        for _ in 0..3 {
            assert!(limiter.hit_at(l, "1.2.3.4", start).is_ok());
        }
        let wait = limiter
            .hit_at(l, "1.2.3.4", start + Duration::from_secs(10))
            .unwrap_err();
        assert_eq!(wait, Duration::from_secs(50));
        // Other keys are counted apart; keys are case-insensitive (emails).
        assert!(limiter.hit_at(l, "5.6.7.8", start).is_ok());
        // After the window, room again.
        assert!(
            limiter
                .hit_at(l, "1.2.3.4", start + Duration::from_secs(61))
                .is_ok()
        );
    }
}
