//! When to retry, and how long to wait in between.

use std::time::Duration;

/// Statuses that mean "try again later".
pub const RETRY_STATUSES: &[u16] = &[429, 502, 503, 504];

/// Exponential backoff with jitter, bounded in attempts and total time.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 disables retries).
    pub max_attempts: u32,
    /// The wait before the first retry; each retry doubles it.
    pub initial_backoff: Duration,
    /// The longest wait between two attempts.
    pub max_backoff: Duration,
    /// No retry starts after this much time since the first attempt.
    pub max_elapsed: Duration,
    /// Whether POST and PATCH requests are retried too (they may not be idempotent).
    pub retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            max_elapsed: Duration::from_secs(60),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The wait before attempt `attempt + 1` (attempts count from 1), honouring a server's
    /// `Retry-After`; `jitter` in `0.0..1.0` spreads clients apart.
    pub fn backoff(&self, attempt: u32, retry_after: Option<Duration>, jitter: f64) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(self.max_backoff);
        }
        let exponent = attempt.saturating_sub(1).min(16);
        let base = self
            .initial_backoff
            .saturating_mul(1 << exponent)
            .min(self.max_backoff);
        // "Equal jitter": at least half the base, so backoff still grows.
        base.mul_f64(0.5 + jitter.clamp(0.0, 1.0) / 2.0)
    }
}

/// A `Retry-After` header value in seconds. (The HTTP-date form is not read: APIs that rate
/// limit send seconds.)
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.backoff(1, None, 1.0), Duration::from_millis(200));
        assert_eq!(policy.backoff(2, None, 1.0), Duration::from_millis(400));
        assert_eq!(policy.backoff(2, None, 0.0), Duration::from_millis(200));
        assert_eq!(policy.backoff(30, None, 1.0), Duration::from_secs(10));
    }

    #[test]
    fn retry_after_wins_but_is_capped() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.backoff(1, Some(Duration::from_secs(2)), 0.3),
            Duration::from_secs(2)
        );
        assert_eq!(
            policy.backoff(1, Some(Duration::from_secs(900)), 0.3),
            Duration::from_secs(10)
        );
        assert_eq!(parse_retry_after(" 3 "), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }
}
