//! A supplier's continuity evidence against its tier (docs/engine.md, "Readiness and findings"): the
//! summary `rank` shows, and the facts readiness findings build on.

use crate::Dur;
use linchpin_model::{
    Catalog, Criticality, Date, EntityId, EscrowVerification, Spec, SupplierType,
};

/// What a supplier's failure does to one function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reach {
    /// The function.
    pub function: EntityId,
    /// Its criticality.
    pub criticality: Criticality,
    /// Down for `min(failure, down_cap)`.
    pub down_cap: Dur,
    /// Impaired for `min(failure, impaired_cap)`.
    pub impaired_cap: Dur,
}

/// The state of the continuity statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementState {
    /// Never asked for, never received.
    Missing,
    /// Asked for on this date, not received.
    Requested(Date),
    /// Received, but no longer valid since this date.
    Expired(Date),
    /// Received and valid (until this date, if one was given).
    Valid(Option<Date>),
}

/// The state of the exit plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitState {
    /// No exit plan.
    Missing,
    /// A plan, never tested.
    Untested,
    /// Tested on this date, more than a year ago.
    Stale(Date),
    /// Tested on this date, within the last year.
    Tested(Date),
}

/// The state of source-code escrow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EscrowState {
    /// Not needed: not software we run, or it supports no critical or important function.
    NotNeeded,
    /// Needed and absent.
    Missing,
    /// An agreement, verified this far, last deposit on this date.
    Present(Option<EscrowVerification>, Option<Date>),
}

impl StatementState {
    /// Words for people: `missing`, `requested 2026-01-05`, `expired …`, `valid until …`.
    pub fn describe(self) -> String {
        match self {
            StatementState::Missing => "missing".into(),
            StatementState::Requested(d) => format!("requested {d}"),
            StatementState::Expired(d) => format!("expired {d}"),
            StatementState::Valid(Some(d)) => format!("valid until {d}"),
            StatementState::Valid(None) => "valid".into(),
        }
    }
}

impl ExitState {
    /// Words for people: `missing`, `untested`, `last tested …`, `tested …`.
    pub fn describe(self) -> String {
        match self {
            ExitState::Missing => "missing".into(),
            ExitState::Untested => "untested".into(),
            ExitState::Stale(d) => format!("last tested {d}"),
            ExitState::Tested(d) => format!("tested {d}"),
        }
    }
}

impl EscrowState {
    /// Words for people: `n/a`, `missing`, or the verification and deposit date.
    pub fn describe(self) -> String {
        match self {
            EscrowState::NotNeeded => "n/a".into(),
            EscrowState::Missing => "missing".into(),
            EscrowState::Present(v, d) => format!(
                "{}{}",
                v.map_or("unverified", |v| v.as_str()),
                d.map(|d| format!(" {d}")).unwrap_or_default()
            ),
        }
    }
}

/// Readiness of one supplier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Readiness {
    /// The continuity statement.
    pub statement: StatementState,
    /// Whether the committed RTO is within the smallest tolerance of the
    /// functions it stops (`None` when there is no RTO or nothing stops).
    pub rto_adequate: Option<bool>,
    /// Escrow.
    pub escrow: EscrowState,
    /// The exit plan.
    pub exit: ExitState,
    /// Whether the exit's lead time is within that smallest tolerance
    /// (`None` without a lead time or a tolerance).
    pub exit_within_tolerance: Option<bool>,
    /// How many alternatives the exit plan names.
    pub alternatives: usize,
    /// Whether someone owns the relationship.
    pub owner: bool,
    /// The smallest tolerance among the functions it stops.
    pub tightest_tolerance: Option<Dur>,
}

impl Readiness {
    /// Ready for the supplier to stop delivering: a valid continuity
    /// statement whose RTO the business can live with, escrow where it is
    /// needed, an exit plan tested within the last year, and an owner.
    /// (How long the exit takes against tolerance and how many alternatives
    /// there are are shown on their own; an exit slower than tolerance is a
    /// finding, not a lack of preparation.)
    pub fn is_ready(&self) -> bool {
        matches!(self.statement, StatementState::Valid(_))
            && self.rto_adequate != Some(false)
            && self.escrow != EscrowState::Missing
            && matches!(self.exit, ExitState::Tested(_))
            && self.owner
    }
}

/// Assesses one supplier.
pub fn readiness(
    catalog: &Catalog,
    id: EntityId,
    _tier: u8,
    stops: &[Reach],
    degrades: &[Reach],
    today: Date,
) -> Readiness {
    let Spec::Supplier(s) = &catalog.entity(id).spec else {
        unreachable!("readiness is assessed for suppliers only")
    };
    let tolerance_of = |f: EntityId| match &catalog.entity(f).spec {
        Spec::BusinessFunction(f) => f
            .max_tolerable_downtime
            .as_ref()
            .map(|d| Dur::from(d.value)),
        _ => None,
    };
    let tightest = stops.iter().filter_map(|r| tolerance_of(r.function)).min();
    let continuity = s.continuity.as_ref();
    let statement = match continuity.and_then(|c| c.statement.as_ref()) {
        Some(st) => match st.valid_until {
            Some(until) if until < today => StatementState::Expired(until),
            until => StatementState::Valid(until),
        },
        None => match continuity.and_then(|c| c.requested) {
            Some(d) => StatementState::Requested(d),
            None => StatementState::Missing,
        },
    };
    let rto = continuity
        .and_then(|c| c.statement.as_ref())
        .and_then(|st| st.rto)
        .map(Dur::from);
    let supports_important = stops
        .iter()
        .chain(degrades)
        .any(|r| r.criticality <= Criticality::Important);
    let escrow = match &s.escrow {
        Some(e) => EscrowState::Present(e.verification, e.last_deposit),
        None if s.supplier_type == SupplierType::Software && supports_important => {
            EscrowState::Missing
        }
        None => EscrowState::NotNeeded,
    };
    let exit = match &s.exit {
        None => ExitState::Missing,
        Some(e) => match e.last_tested {
            None => ExitState::Untested,
            Some(d) if today.days_until(d) < -365 => ExitState::Stale(d),
            Some(d) => ExitState::Tested(d),
        },
    };
    let lead = s
        .exit
        .as_ref()
        .and_then(|e| e.lead_time.as_ref())
        .map(|d| Dur::from(d.value));
    Readiness {
        statement,
        rto_adequate: match (rto, tightest) {
            (Some(r), Some(t)) => Some(r <= t),
            _ => None,
        },
        escrow,
        exit,
        exit_within_tolerance: match (lead, tightest) {
            (Some(l), Some(t)) => Some(l <= t),
            _ => None,
        },
        alternatives: s.exit.as_ref().map_or(0, |e| e.alternatives.len()),
        owner: s.owner.is_some(),
        tightest_tolerance: tightest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn ready() -> Readiness {
        Readiness {
            statement: StatementState::Valid(Some(date("2027-06-30"))),
            rto_adequate: Some(true),
            escrow: EscrowState::NotNeeded,
            exit: ExitState::Tested(date("2026-05-01")),
            exit_within_tolerance: Some(false),
            alternatives: 0,
            owner: true,
            tightest_tolerance: None,
        }
    }

    #[test]
    fn ready_means_statement_escrow_tested_exit_and_owner() {
        assert!(ready().is_ready());
        let not = [
            Readiness {
                statement: StatementState::Expired(date("2026-01-01")),
                ..ready()
            },
            Readiness {
                statement: StatementState::Requested(date("2026-01-01")),
                ..ready()
            },
            Readiness {
                rto_adequate: Some(false),
                ..ready()
            },
            Readiness {
                escrow: EscrowState::Missing,
                ..ready()
            },
            Readiness {
                exit: ExitState::Untested,
                ..ready()
            },
            Readiness {
                exit: ExitState::Stale(date("2024-01-01")),
                ..ready()
            },
            Readiness {
                owner: false,
                ..ready()
            },
        ];
        for r in not {
            assert!(!r.is_ready(), "{r:?}");
        }
        let escrowed = Readiness {
            escrow: EscrowState::Present(Some(EscrowVerification::Build), None),
            ..ready()
        };
        assert!(escrowed.is_ready());
    }
}
