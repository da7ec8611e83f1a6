//! Durations that may be unbounded.

use linchpin_model::Duration;
use std::fmt;

/// A length of time in seconds, or unbounded ([`Dur::INF`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Dur(u64);

impl Dur {
    /// No time at all.
    pub const ZERO: Dur = Dur(0);
    /// Unbounded: for as long as the failure lasts, with no end in sight.
    pub const INF: Dur = Dur(u64::MAX);

    /// Whole seconds.
    pub const fn from_seconds(s: u64) -> Dur {
        Dur(s)
    }

    /// The seconds, or `None` when unbounded.
    pub fn seconds(self) -> Option<u64> {
        (self != Dur::INF).then_some(self.0)
    }

    /// Whether this is unbounded.
    pub fn is_inf(self) -> bool {
        self == Dur::INF
    }

    /// Whether this is more than nothing.
    pub fn is_positive(self) -> bool {
        self.0 > 0
    }

    /// Sum, unbounded if either is (or if it overflows).
    pub fn plus(self, other: Dur) -> Dur {
        if self.is_inf() || other.is_inf() {
            Dur::INF
        } else {
            Dur(self.0.saturating_add(other.0).min(u64::MAX - 1))
        }
    }
}

impl From<Duration> for Dur {
    fn from(d: Duration) -> Dur {
        Dur(d.seconds())
    }
}

impl fmt::Display for Dur {
    /// `unbounded`, or the duration in its largest exact unit (`4h`, `90d`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.seconds() {
            None => f.write_str("unbounded"),
            Some(s) => write!(f, "{}", Duration::from_seconds(s)),
        }
    }
}
