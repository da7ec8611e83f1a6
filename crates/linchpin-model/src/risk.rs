//! What continuity risk in money needs (docs/risk.md): what a business
//! function's stop costs, how often and for how long a supplier fails, and
//! the candidate actions `linchpin risk --actions` weighs. All optional:
//! without them nothing changes.

use crate::{Date, Duration, Span, Spanned};

/// A BusinessFunction's `cost`: what not working costs, in the landscape's
/// currency (`[risk] currency` of `linchpin.toml`).
#[derive(Debug, Clone, PartialEq)]
pub struct Cost {
    /// `downPerHour`: every hour the function does not work at all.
    pub down_per_hour: f64,
    /// `degradedPerHour`: every hour it works degraded.
    pub degraded_per_hour: f64,
    /// `steps`: a one-off cost once a stop has lasted a while (a fine, a
    /// lost contract), each at most once per stop.
    pub steps: Vec<CostStep>,
    /// Where `cost` was written.
    pub span: Span,
}

/// One step of a [`Cost`].
#[derive(Debug, Clone, PartialEq)]
pub struct CostStep {
    /// `after`: how long a stop lasts before the step is due.
    pub after: Duration,
    /// `cost`: the amount.
    pub cost: f64,
    /// `note`: what it is.
    pub note: Option<String>,
    /// Where the step was written.
    pub span: Span,
}

/// A Supplier's `failures`: how often it fails and for how long.
#[derive(Debug, Clone, PartialEq)]
pub struct FailureData {
    /// `sla`: the committed availability, a fraction (0.9995 for `99.95%`).
    pub sla: Option<Spanned<f64>>,
    /// `perYear`: how many outages a year, on average.
    pub per_year: Option<Spanned<f64>>,
    /// `duration`: how long an outage lasts, lognormal by median and 90th percentile.
    pub duration: Option<DurationDistribution>,
    /// `incidents` and the rows of `incidentsFile`: the outages seen.
    pub incidents: Vec<Incident>,
    /// `incidentsFile`: a CSV file of incidents, relative to the entity's file.
    pub incidents_file: Option<Spanned<String>>,
    /// `since`: when the incident history starts (the first incident if not given).
    pub since: Option<Spanned<Date>>,
    /// `permanentPerYear`: the probability of failing for good within a
    /// year (insolvency, withdrawal), a fraction.
    pub permanent_per_year: Option<Spanned<f64>>,
    /// Where `failures` was written.
    pub span: Span,
}

/// How long outages last: lognormal, given by its median and 90th percentile.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DurationDistribution {
    /// `median`.
    pub median: Duration,
    /// `p90` (four times the median when not given).
    pub p90: Option<Duration>,
    /// Where it was written.
    pub span: Span,
}

/// One outage in a supplier's history.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Incident {
    /// The day it began.
    pub start: Date,
    /// How long it lasted.
    pub duration: Duration,
    /// Where it was written (a line of the CSV file, or the YAML).
    pub span: Span,
}

/// `[risk]` of `linchpin.toml`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RiskConfig {
    /// `currency`: the one currency of every amount (ISO 4217).
    pub currency: Option<String>,
    /// `[[risk.action]]`: candidate actions.
    pub actions: Vec<Action>,
}

/// A candidate action: a change the simulation applies to see what it buys.
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    /// `name`: a short id.
    pub name: String,
    /// `title`: what it is, for people.
    pub title: Option<String>,
    /// `yearly-cost`: what it costs a year.
    pub yearly_cost: f64,
    /// `[[risk.action.alternative]]`: fallbacks added.
    pub alternatives: Vec<AddAlternative>,
    /// `[[risk.action.supplier]]`: changes to a supplier's failures or exit.
    pub suppliers: Vec<SupplierChange>,
    /// Where the action was written.
    pub span: Span,
}

/// An alternative an action adds: `at` depends on `on` or, after
/// `switchover`, on any of `add`.
#[derive(Debug, Clone, PartialEq)]
pub struct AddAlternative {
    /// The entity whose dependency gains the alternative.
    pub at: Spanned<String>,
    /// The dependency (the active option).
    pub on: Spanned<String>,
    /// The alternatives added.
    pub add: Vec<Spanned<String>>,
    /// How long switching takes: for a new group (zero if not given), or
    /// instead of an existing group's (kept if not given).
    pub switchover: Option<Duration>,
}

/// A change an action makes to one supplier.
#[derive(Debug, Clone, PartialEq)]
pub struct SupplierChange {
    /// The supplier.
    pub supplier: Spanned<String>,
    /// `max-outage`: no outage lasts longer (a recovery time that is
    /// contracted and rehearsed).
    pub max_outage: Option<Duration>,
    /// `per-year`: outages a year from now on.
    pub per_year: Option<f64>,
    /// `exit-lead-time`: how long replacing it takes (a tested exit plan,
    /// an escrow that can be released).
    pub exit_lead_time: Option<Duration>,
    /// `permanent-per-year`: the probability of failing for good, a fraction.
    pub permanent_per_year: Option<f64>,
}
