//! Gathering the report's data from the engine.

use crate::picture::{reach_picture, Picture};
use crate::playbook::Playbook;
use linchpin_diagnostics::Severity;
use linchpin_engine::readiness::StatementState;
use linchpin_engine::whatif::{map_with_propagator, whatif_with};
use linchpin_engine::{
    concentration_from_ranking, findings_given, rank, Concentration, FailureSpec, Finding,
    ImpactGraph, SupplierRank, WhatIf,
};
use linchpin_model::{
    Catalog, Config, Date, Duration, EntityId, EntityRef, FailureMode, Kind, Spec,
};

/// One scenario run for the report.
#[derive(Debug, Clone)]
pub struct ScenarioRun {
    /// The Scenario entity, or `None` for a supplier's single failure.
    pub scenario: Option<EntityId>,
    /// A heading.
    pub title: String,
    /// What was failed, and how.
    pub spec: FailureSpec,
    /// The outcome.
    pub result: WhatIf,
}

/// What happens when on the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TimelineKind {
    /// A continuity statement stops being valid.
    StatementExpires,
    /// The next escrow deposit is due.
    EscrowDepositDue,
    /// The exit plan should be tested again.
    ExitTestDue,
    /// The last day to give notice on a contract.
    NoticeDeadline,
    /// A contract ends.
    ContractEnds,
}

impl TimelineKind {
    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            TimelineKind::StatementExpires => "continuity statement expires",
            TimelineKind::EscrowDepositDue => "escrow deposit due",
            TimelineKind::ExitTestDue => "exit-plan test due",
            TimelineKind::NoticeDeadline => "last day to give notice",
            TimelineKind::ContractEnds => "contract ends",
        }
    }
}

/// One dated event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineItem {
    /// When.
    pub date: Date,
    /// What.
    pub kind: TimelineKind,
    /// About which supplier.
    pub supplier: EntityId,
    /// Details (a contract reference).
    pub detail: Option<String>,
    /// Whether the date has already passed.
    pub overdue: bool,
}

/// Something someone should do.
#[derive(Debug, Clone)]
pub struct Action {
    /// The finding behind it.
    pub finding: Finding,
    /// The supplier's tier, if it is about a supplier.
    pub tier: Option<u8>,
}

/// The actions of one owning team, most urgent first.
#[derive(Debug, Clone)]
pub struct ActionGroup {
    /// The owner (a Group or User ref), `None` for entities nobody owns.
    pub owner: Option<EntityRef>,
    /// What to do.
    pub actions: Vec<Action>,
}

/// Everything the report shows.
#[derive(Debug, Clone)]
pub struct Report {
    /// The date the report judges against.
    pub today: Date,
    /// Every supplier, ranked.
    pub ranking: Vec<SupplierRank>,
    /// Readiness findings.
    pub findings: Vec<Finding>,
    /// Concentration per supplier and country.
    pub concentration: Concentration,
    /// Each Scenario of the landscape, then the tier-1 suppliers' permanent failures.
    pub scenarios: Vec<ScenarioRun>,
    /// The next twelve months (and what is already overdue).
    pub timeline: Vec<TimelineItem>,
    /// Findings as actions, grouped by owning team.
    pub actions: Vec<ActionGroup>,
    /// Business functions, most critical first.
    pub functions: Vec<EntityId>,
    /// The reach of the first tier-1 suppliers, as pictures.
    pub pictures: Vec<(EntityId, Picture)>,
    /// Playbooks of the first tier-1 and tier-2 suppliers.
    pub playbooks: Vec<Playbook>,
    /// Continuity risk in money, when the landscape has costs and failure
    /// data (docs/risk.md); made with the documents.
    pub risk: Option<RiskSection>,
}

/// The report's section on continuity risk in money.
#[derive(Debug, Clone)]
pub struct RiskSection {
    /// The simulation and the actions' values.
    pub assessment: linchpin_engine::risk::Assessment,
    /// `[risk] currency`.
    pub currency: Option<String>,
    /// `[[risk.action]]`, which the values index.
    pub actions: Vec<linchpin_model::Action>,
    /// Why the actions were not weighed (an action names what the landscape lacks).
    pub actions_problem: Option<String>,
}

/// Periods the report simulates (docs/risk.md; `linchpin risk --samples`
/// for more).
pub const REPORT_SAMPLES: u32 = 10_000;

/// How many suppliers' single failures the report simulates besides the scenarios.
const TOP_SINGLE_FAILURES: usize = 5;
/// How many linchpins get a picture of their reach.
const MAX_PICTURES: usize = 10;
/// How many tier-1 and tier-2 suppliers get their playbook in the report.
const MAX_PLAYBOOKS: usize = 30;

impl Report {
    /// Runs every analysis the report needs.
    pub fn build(
        catalog: &Catalog,
        graph: &ImpactGraph,
        config: &Config,
        today: Date,
        threads: usize,
    ) -> Report {
        let ranking = rank(catalog, graph, today, threads);
        Report::build_parts(
            catalog,
            graph,
            config,
            today,
            threads,
            (ranking, None),
            true,
        )
    }

    /// The analyses without the reach pictures and playbooks, which only a
    /// written report carries: what the team server keeps per version (its
    /// pages draw a picture or a playbook when one is asked for). The
    /// pictures and playbooks were half the time of a version at 100k
    /// entities.
    pub fn build_for_pages(
        catalog: &Catalog,
        graph: &ImpactGraph,
        config: &Config,
        today: Date,
        threads: usize,
    ) -> Report {
        let ranking = (rank(catalog, graph, today, threads), None);
        Report::build_for_pages_ranked(catalog, graph, config, today, threads, ranking)
    }

    /// [`Report::build_for_pages`] with the ranking, and the concentration
    /// where given, already made (the server's reload takes them from the
    /// version before: `linchpin_engine::incremental`).
    pub fn build_for_pages_ranked(
        catalog: &Catalog,
        graph: &ImpactGraph,
        config: &Config,
        today: Date,
        threads: usize,
        known: (Vec<SupplierRank>, Option<Concentration>),
    ) -> Report {
        Report::build_parts(catalog, graph, config, today, threads, known, false)
    }

    fn build_parts(
        catalog: &Catalog,
        graph: &ImpactGraph,
        config: &Config,
        today: Date,
        threads: usize,
        (ranking, concentration): (Vec<SupplierRank>, Option<Concentration>),
        documents: bool,
    ) -> Report {
        let concentration = concentration
            .unwrap_or_else(|| concentration_from_ranking(catalog, graph, &ranking, threads));
        let findings = findings_given(
            catalog,
            graph,
            &ranking,
            Some(&concentration),
            config,
            today,
            threads,
        );
        // The landscape's scenarios, then the first linchpins stopping for
        // good (unless a scenario already says so); each run on all cores.
        let mut planned: Vec<(Option<EntityId>, String, FailureSpec)> = Vec::new();
        for (id, e) in catalog.iter() {
            let Spec::Scenario(s) = &e.spec else { continue };
            let spec = FailureSpec {
                fail: s
                    .fail
                    .iter()
                    .filter_map(|r| catalog.lookup(&r.value))
                    .collect(),
                mode: s.mode,
                duration: s.duration,
            };
            planned.push((Some(id), e.display_name().to_owned(), spec));
        }
        for r in ranking
            .iter()
            .filter(|r| r.tier == 1)
            .take(TOP_SINGLE_FAILURES)
        {
            let already = planned
                .iter()
                .any(|(_, _, s)| s.fail == [r.id] && s.mode == FailureMode::Permanent);
            if already {
                continue;
            }
            let spec = FailureSpec {
                fail: vec![r.id],
                mode: FailureMode::Permanent,
                duration: None,
            };
            let title = format!("{} stops for good", catalog.entity(r.id).display_name());
            planned.push((None, title, spec));
        }
        let results = map_with_propagator(graph, &planned, threads, |p, (_, _, spec)| {
            whatif_with(catalog, graph, p, spec)
        });
        let scenarios: Vec<ScenarioRun> = planned
            .into_iter()
            .zip(results)
            .map(|((scenario, title, spec), result)| ScenarioRun {
                scenario,
                title,
                spec,
                result,
            })
            .collect();
        let mut functions: Vec<EntityId> = catalog
            .iter()
            .filter(|(_, e)| matches!(e.spec, Spec::BusinessFunction(_)))
            .map(|(id, _)| id)
            .collect();
        functions.sort_by_key(|&id| match &catalog.entity(id).spec {
            Spec::BusinessFunction(f) => {
                (f.criticality, catalog.entity(id).entity_ref.name.clone())
            }
            _ => unreachable!(),
        });
        let mut report = Report {
            today,
            playbooks: Vec::new(),
            timeline: timeline(catalog, config, today),
            actions: actions(catalog, &ranking, &findings),
            ranking,
            findings,
            concentration,
            scenarios,
            functions,
            pictures: Vec::new(),
            risk: None,
        };
        if documents {
            report.add_documents(catalog, graph, threads);
            report.add_risk(catalog, graph, config, threads);
        }
        report
    }

    /// Simulates continuity risk in money, when the landscape has costs and
    /// failure data, with the candidate actions of `linchpin.toml`.
    pub fn add_risk(
        &mut self,
        catalog: &Catalog,
        graph: &ImpactGraph,
        config: &Config,
        threads: usize,
    ) {
        use linchpin_engine::risk::{assess, has_data, weigh_actions, Settings};
        if !has_data(catalog) {
            return;
        }
        let settings = Settings {
            samples: REPORT_SAMPLES,
            years: 1,
            seed: 1,
            threads,
            detail: REPORT_SAMPLES,
        };
        let actions = &config.risk.actions;
        let Ok(mut assessment) = assess(catalog, graph, None, &settings, self.today) else {
            return;
        };
        let mut actions_problem = None;
        if !actions.is_empty() {
            let a = &assessment;
            match weigh_actions(catalog, graph, &a.models, actions, &a.risk, &settings) {
                Ok(values) => assessment.actions = values,
                Err(problems) => {
                    let text: Vec<String> = problems.into_iter().map(|p| p.message).collect();
                    actions_problem = Some(text.join("; "));
                }
            }
        }
        self.risk = Some(RiskSection {
            assessment,
            currency: config.risk.currency.clone(),
            actions: actions.clone(),
            actions_problem,
        });
    }

    /// Draws the reach pictures of the first linchpins and writes the
    /// playbooks of the tier-1 and tier-2 suppliers (a report built
    /// [`for pages`](Report::build_for_pages) has neither).
    pub fn add_documents(&mut self, catalog: &Catalog, graph: &ImpactGraph, threads: usize) {
        // Each picture and playbook is a what-if of its own: on all cores.
        let linchpins: Vec<&SupplierRank> = self
            .ranking
            .iter()
            .filter(|r| r.tier == 1)
            .take(MAX_PICTURES)
            .collect();
        let pictures = map_with_propagator(graph, &linchpins, threads, |p, r| {
            (r.id, reach_picture(catalog, graph, p, r.id))
        });
        let important: Vec<&SupplierRank> = self
            .ranking
            .iter()
            .filter(|r| r.tier <= 2)
            .take(MAX_PLAYBOOKS)
            .collect();
        let findings = &self.findings;
        let playbooks = map_with_propagator(graph, &important, threads, |p, r| {
            Playbook::build(catalog, graph, p, r, findings)
        });
        self.pictures = pictures;
        self.playbooks = playbooks;
    }

    /// The ranking entry of a supplier.
    pub fn rank_of(&self, supplier: EntityId) -> Option<&SupplierRank> {
        self.ranking.iter().find(|r| r.id == supplier)
    }

    /// Counts of statement states over the suppliers of tiers 1–3:
    /// (valid, expired, requested, missing).
    pub fn statement_counts(&self) -> (usize, usize, usize, usize) {
        let mut c = (0, 0, 0, 0);
        for r in self.ranking.iter().filter(|r| r.tier <= 3) {
            match r.readiness.statement {
                StatementState::Valid(_) => c.0 += 1,
                StatementState::Expired(_) => c.1 += 1,
                StatementState::Requested(_) => c.2 += 1,
                StatementState::Missing => c.3 += 1,
            }
        }
        c
    }

    /// Findings by severity: (errors, warnings, infos).
    pub fn finding_counts(&self) -> (usize, usize, usize) {
        let count = |s: Severity| self.findings.iter().filter(|f| f.severity == s).count();
        (
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Info),
        )
    }
}

/// The deadlines of the next 12 months (and the open overdue ones), by date.
pub fn timeline(catalog: &Catalog, config: &Config, today: Date) -> Vec<TimelineItem> {
    let horizon = today.add_days(365);
    let days = |d: Duration| (d.seconds() / 86_400) as i32;
    let mut items = Vec::new();
    for (id, e) in catalog.iter() {
        let Spec::Supplier(s) = &e.spec else { continue };
        let mut push = |date: Date, kind: TimelineKind, detail: Option<String>| {
            if date <= horizon {
                items.push(TimelineItem {
                    date,
                    kind,
                    supplier: id,
                    detail,
                    overdue: date < today,
                });
            }
        };
        if let Some(until) = s
            .continuity
            .as_ref()
            .and_then(|c| c.statement.as_ref())
            .and_then(|st| st.valid_until)
        {
            push(until, TimelineKind::StatementExpires, None);
        }
        if let Some(last) = s.escrow.as_ref().and_then(|e| e.last_deposit) {
            push(
                last.add_days(days(config.escrow_max_age)),
                TimelineKind::EscrowDepositDue,
                None,
            );
        }
        if let Some(exit) = &s.exit {
            if let Some(tested) = exit.last_tested {
                push(
                    tested.add_days(days(config.exit_test_max_age)),
                    TimelineKind::ExitTestDue,
                    None,
                );
            }
        }
        for c in &s.contracts {
            if let Some(end) = c.end {
                if let Some(notice) = c.notice_period {
                    push(
                        end.add_days(-days(notice)),
                        TimelineKind::NoticeDeadline,
                        Some(c.reference.clone()),
                    );
                }
                push(end, TimelineKind::ContractEnds, Some(c.reference.clone()));
            }
        }
    }
    // What lies in the past matters only while it is still an open task.
    items.retain(|i| {
        !i.overdue
            || matches!(
                i.kind,
                TimelineKind::StatementExpires
                    | TimelineKind::EscrowDepositDue
                    | TimelineKind::ExitTestDue
            )
    });
    items.retain(|i| !i.overdue || i.date.days_until(today) <= 365);
    items.sort_by(|a, b| {
        a.date
            .cmp(&b.date)
            .then(a.kind.cmp(&b.kind))
            .then(a.supplier.cmp(&b.supplier))
    });
    items
}

fn actions(catalog: &Catalog, ranking: &[SupplierRank], findings: &[Finding]) -> Vec<ActionGroup> {
    // Looked up by index and by owner: a landscape has tens of thousands of
    // findings, a thousand suppliers and as many teams.
    let mut tier_of: Vec<Option<u8>> = vec![None; catalog.len()];
    for r in ranking {
        tier_of[r.id.index()] = Some(r.tier);
    }
    let mut groups: Vec<ActionGroup> = Vec::new();
    let mut group_of: std::collections::HashMap<Option<&EntityRef>, usize> =
        std::collections::HashMap::new();
    for f in findings {
        let owner = catalog.entity(f.entity).owner().map(|o| &o.value);
        let action = Action {
            finding: f.clone(),
            tier: tier_of[f.entity.index()],
        };
        let g = *group_of.entry(owner).or_insert_with(|| {
            groups.push(ActionGroup {
                owner: owner.cloned(),
                actions: Vec::new(),
            });
            groups.len() - 1
        });
        groups[g].actions.push(action);
    }
    for g in &mut groups {
        g.actions.sort_by(|a, b| {
            a.finding
                .severity
                .cmp(&b.finding.severity)
                .then(a.tier.unwrap_or(9).cmp(&b.tier.unwrap_or(9)))
                .then(a.finding.id.cmp(b.finding.id))
                .then(a.finding.entity.cmp(&b.finding.entity))
        });
    }
    // Teams with the most urgent work first; nobody's work last.
    groups.sort_by_cached_key(|g| {
        (
            g.owner.is_none(),
            g.actions.iter().map(|x| x.finding.severity).min(),
            std::cmp::Reverse(g.actions.len()),
            g.owner.as_ref().map(|o| o.to_string()),
        )
    });
    let _ = Kind::Group;
    groups
}
