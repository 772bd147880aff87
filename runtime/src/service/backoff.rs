//! Restart delays of a supervised service: exponential, capped, with jitter
//! (reference §2.4, decision 2).

use crate::registry::RestartPolicy;
use std::time::Duration;

/// The delay before restart number `attempt` (0 for the first restart), before jitter:
/// `min(initial_delay * backoff_factor^attempt, max_delay)`.
pub fn base_delay(policy: &RestartPolicy, attempt: u32) -> Duration {
    let factor = if policy.backoff_factor.is_finite() && policy.backoff_factor >= 1.0 {
        policy.backoff_factor
    } else {
        1.0
    };
    let exponent = i32::try_from(attempt).unwrap_or(i32::MAX);
    let seconds = policy.initial_delay.as_secs_f64() * factor.powi(exponent);
    let max = policy
        .max_delay
        .as_secs_f64()
        .max(policy.initial_delay.as_secs_f64());
    Duration::from_secs_f64(if seconds.is_finite() {
        seconds.min(max)
    } else {
        max
    })
}

/// [`base_delay`] spread by `± jitter` (a fraction), with `unit` a random number in
/// `[0, 1)`.
pub fn jittered(base: Duration, jitter: f64, unit: f64) -> Duration {
    let jitter = if jitter.is_finite() {
        jitter.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let scale = 1.0 + jitter * (2.0 * unit - 1.0);
    Duration::from_secs_f64((base.as_secs_f64() * scale).max(0.0))
}

/// The delay before restart number `attempt`, with fresh randomness.
pub fn delay(policy: &RestartPolicy, attempt: u32) -> Duration {
    jittered(base_delay(policy, attempt), policy.jitter, fastrand::f64())
}

#[cfg(test)]
mod test {
    use super::*;

    fn policy(initial_ms: u64, max_ms: u64, factor: f64) -> RestartPolicy {
        RestartPolicy {
            initial_delay: Duration::from_millis(initial_ms),
            max_delay: Duration::from_millis(max_ms),
            backoff_factor: factor,
            ..RestartPolicy::default()
        }
    }

    #[test]
    fn grows_exponentially_up_to_the_cap() {
        let p = policy(100, 1000, 2.0);
        let delays: Vec<u128> = (0..6).map(|a| base_delay(&p, a).as_millis()).collect();
        assert_eq!(delays, [100, 200, 400, 800, 1000, 1000]);
    }

    #[test]
    fn huge_attempts_do_not_overflow() {
        let p = policy(100, 90_000, 2.0);
        assert_eq!(base_delay(&p, u32::MAX), Duration::from_millis(90_000));
    }

    #[test]
    fn factor_below_one_keeps_the_delay_constant() {
        let p = policy(100, 1000, 0.5);
        assert_eq!(base_delay(&p, 3), Duration::from_millis(100));
    }

    #[test]
    fn jitter_spreads_both_ways() {
        let base = Duration::from_millis(1000);
        assert_eq!(jittered(base, 0.1, 0.0), Duration::from_millis(900));
        assert_eq!(jittered(base, 0.1, 0.5), Duration::from_millis(1000));
        assert!(jittered(base, 0.1, 0.999_999) < Duration::from_millis(1100));
        assert_eq!(jittered(base, f64::NAN, 0.0), base);
    }
}
