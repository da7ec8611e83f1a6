//! `linchpin.toml`: severities of findings and the thresholds of the
//! readiness checks, set per landscape.

use crate::Duration;
use linchpin_diagnostics::{codes, Severity};
use std::collections::BTreeMap;

/// The settings of one landscape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Severity overrides by finding id; `None` turns a finding off.
    pub severity: BTreeMap<String, Option<Severity>>,
    /// A statement requested longer ago than this and still missing is overdue.
    pub statement_overdue: Duration,
    /// An escrow deposit older than this is stale.
    pub escrow_max_age: Duration,
    /// An exit plan tested longer ago than this counts as untested.
    pub exit_test_max_age: Duration,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            severity: BTreeMap::new(),
            statement_overdue: Duration::from_days(60),
            escrow_max_age: Duration::from_days(365),
            exit_test_max_age: Duration::from_days(365),
        }
    }
}

impl Config {
    /// The names of the thresholds in `[thresholds]`.
    pub const THRESHOLDS: &'static [&'static str] =
        &["statement-overdue", "escrow-max-age", "exit-test-max-age"];

    /// The severity of a finding, `None` when it is off.
    pub fn severity_of(&self, id: &str) -> Option<Severity> {
        match self.severity.get(id) {
            Some(s) => *s,
            None => Some(codes::default_severity(id)),
        }
    }

    /// Sets a threshold by its name; `false` for an unknown name.
    pub fn set_threshold(&mut self, name: &str, value: Duration) -> bool {
        match name {
            "statement-overdue" => self.statement_overdue = value,
            "escrow-max-age" => self.escrow_max_age = value,
            "exit-test-max-age" => self.exit_test_max_age = value,
            _ => return false,
        }
        true
    }
}
