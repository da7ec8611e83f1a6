//! The report as one self-contained HTML file: no external assets, readable
//! without JavaScript (a small script only makes tables sortable), prints
//! well.

use crate::data::{Report, ScenarioRun};
use crate::picture::Picture;
use crate::view::filters;
use linchpin_engine::readiness::{EscrowState, ExitState, StatementState};
use linchpin_engine::{Dur, Status};
use linchpin_model::{Catalog, Criticality, EntityId, FailureMode, Spec};
use std::fmt::Write;

pub use crate::view::{esc, message, safe_href, SCRIPT, STYLE};

/// How many suppliers the impact matrix shows as columns.
const MATRIX_COLUMNS: usize = 30;
/// How many suppliers the concentration chart shows.
const CHART_BARS: usize = 15;
/// Longest tables: the rest is summarised (a large landscape must still
/// give a file a browser opens at once; the CSV and JSON outputs hold all).
const MAX_ROWS: usize = 300;
/// How many functions the impact matrix shows as rows.
const MATRIX_ROWS: usize = 150;
/// How many actions per team.
const MAX_ACTIONS: usize = 25;

fn criticality(catalog: &Catalog, id: EntityId) -> Option<Criticality> {
    match &catalog.entity(id).spec {
        Spec::BusinessFunction(f) => Some(f.criticality),
        _ => None,
    }
}

fn anchor(catalog: &Catalog, id: EntityId) -> String {
    let r = &catalog.entity(id).entity_ref;
    format!("{}-{}-{}", r.kind, r.namespace, r.name).replace(['.', '/', ':'], "-")
}

/// Renders the report: each section in turn, in the page
/// (`templates/report.html`).
pub fn html(report: &Report, catalog: &Catalog) -> String {
    type Section = fn(&mut String, &Report, &Catalog);
    let parts: [Section; 11] = [
        summary,
        ranking,
        matrix,
        concentration,
        scenarios,
        risk,
        readiness,
        timeline,
        actions,
        reach,
        playbooks,
    ];
    let sections: Vec<String> = parts
        .iter()
        .map(|part| {
            let mut o = String::new();
            part(&mut o, report, catalog);
            o
        })
        .collect();
    let mut out = askama::Template::render(&Page {
        today: report.today,
        sections: &sections,
        version: env!("CARGO_PKG_VERSION"),
    })
    .unwrap_or_default();
    out.push('\n');
    out
}

/// The report's page around its sections.
#[derive(askama::Template)]
#[template(path = "report.html")]
struct Page<'a> {
    today: linchpin_model::Date,
    sections: &'a [String],
    version: &'a str,
}

/// A breach in the summary.
struct Worst {
    function: String,
    criticality: &'static str,
    scenario: String,
    down: Dur,
    tolerates: Dur,
}

/// The summary's figures (`templates/summary.html`).
#[derive(askama::Template)]
#[template(path = "summary.html")]
struct Summary {
    functions: usize,
    critical: usize,
    important: usize,
    standard: usize,
    suppliers: usize,
    tiers: [usize; 4],
    /// Valid, expired, requested, missing.
    statements: (usize, usize, usize, usize),
    exits_missing: usize,
    exits_untested: usize,
    /// Errors, warnings, notes.
    findings: (usize, usize, usize),
    /// The first linchpins: (anchor, name).
    linchpins: Vec<(String, String)>,
    more_linchpins: usize,
    worst: Vec<Worst>,
}

fn summary(o: &mut String, r: &Report, c: &Catalog) {
    let count = |crit: Criticality| {
        r.functions
            .iter()
            .filter(|&&f| criticality(c, f) == Some(crit))
            .count()
    };
    let tiers = |t: u8| r.ranking.iter().filter(|x| x.tier == t).count();
    let all_linchpins = tiers(1);
    let linchpins: Vec<(String, String)> = r
        .ranking
        .iter()
        .filter(|x| x.tier == 1)
        .take(20)
        .map(|x| (anchor(c, x.id), c.entity(x.id).display_name().to_owned()))
        .collect();
    // The worst breaches: the longest downtimes beyond tolerance in any scenario.
    let mut worst: Vec<(&ScenarioRun, EntityId, Dur, Dur)> = Vec::new();
    for s in &r.scenarios {
        for f in s.result.functions.iter().filter(|f| f.breach) {
            worst.push((s, f.id, f.down, f.tolerance.unwrap_or(Dur::ZERO)));
        }
    }
    worst.sort_by(|a, b| {
        criticality(c, a.1)
            .cmp(&criticality(c, b.1))
            .then(b.2.cmp(&a.2))
    });
    let view = Summary {
        functions: r.functions.len(),
        critical: count(Criticality::Critical),
        important: count(Criticality::Important),
        standard: count(Criticality::Standard),
        suppliers: r.ranking.len(),
        tiers: [tiers(1), tiers(2), tiers(3), tiers(4)],
        statements: r.statement_counts(),
        exits_missing: r
            .ranking
            .iter()
            .filter(|x| x.tier <= 2 && x.readiness.exit == ExitState::Missing)
            .count(),
        exits_untested: r
            .ranking
            .iter()
            .filter(|x| {
                x.tier <= 2 && matches!(x.readiness.exit, ExitState::Untested | ExitState::Stale(_))
            })
            .count(),
        findings: r.finding_counts(),
        more_linchpins: all_linchpins - linchpins.len(),
        linchpins,
        worst: worst
            .iter()
            .take(8)
            .map(|(s, f, down, tol)| Worst {
                function: c.entity(*f).display_name().to_owned(),
                criticality: criticality(c, *f).map_or("", |x| x.as_str()),
                scenario: s.title.clone(),
                down: *down,
                tolerates: *tol,
            })
            .collect(),
    };
    o.push_str(&askama::Template::render(&view).unwrap_or_default());
    o.push('\n');
}

/// A state as a cell: its class (`ok`, `warn`, `bad`) and its words.
type StateCell = (&'static str, String);

fn statement_cell(s: StatementState) -> StateCell {
    let class = match s {
        StatementState::Valid(_) => "ok",
        StatementState::Requested(_) => "warn",
        _ => "bad",
    };
    (class, s.describe())
}

fn exit_cell(e: ExitState) -> StateCell {
    let class = match e {
        ExitState::Tested(_) => "ok",
        ExitState::Untested | ExitState::Stale(_) => "warn",
        ExitState::Missing => "bad",
    };
    (class, e.describe())
}

/// A supplier in the ranking.
struct Ranked {
    anchor: String,
    tier: u8,
    name: String,
    playbook: bool,
    kind: &'static str,
    score: String,
    stops: String,
    degrades: String,
    /// Duration and how many functions it breaches.
    outage: (String, usize),
    permanent: (String, usize),
    statement: StateCell,
    exit: StateCell,
}

/// The ranking (`templates/ranking.html`).
#[derive(askama::Template)]
#[template(path = "ranking.html")]
struct Ranking {
    rows: Vec<Ranked>,
    total: usize,
}

fn ranking(o: &mut String, r: &Report, c: &Catalog) {
    let list = |v: &[linchpin_engine::rank::Reach]| {
        if v.is_empty() {
            return "–".to_owned();
        }
        let mut text = v
            .iter()
            .take(8)
            .map(|f| c.entity(f.function).display_name())
            .collect::<Vec<_>>()
            .join(", ");
        if v.len() > 8 {
            let _ = write!(text, " and {} more", v.len() - 8);
        }
        text
    };
    let mode = |m: &linchpin_engine::rank::ModeImpact| (m.duration.to_string(), m.breaches.len());
    let rows = r
        .ranking
        .iter()
        .take(MAX_ROWS)
        .map(|x| Ranked {
            anchor: anchor(c, x.id),
            tier: x.tier,
            name: c.entity(x.id).display_name().to_owned(),
            playbook: r.playbooks.iter().any(|p| p.supplier == x.id),
            kind: match &c.entity(x.id).spec {
                Spec::Supplier(s) => s.supplier_type.as_str(),
                _ => "",
            },
            score: format!("{:.1}", x.score),
            stops: list(&x.stops),
            degrades: list(&x.degrades),
            outage: mode(&x.outage),
            permanent: mode(&x.permanent),
            statement: statement_cell(x.readiness.statement),
            exit: exit_cell(x.readiness.exit),
        })
        .collect();
    let view = Ranking {
        rows,
        total: r.ranking.len(),
    };
    o.push_str(&askama::Template::render(&view).unwrap_or_default());
    o.push('\n');
}

/// A function's row of the matrix: per supplier its class, mark and word.
struct MatrixRow {
    name: String,
    criticality: &'static str,
    cells: Vec<(&'static str, &'static str, &'static str)>,
}

/// The impact matrix (`templates/matrix.html`).
#[derive(askama::Template)]
#[template(path = "matrix.html")]
struct Matrix {
    suppliers: Vec<String>,
    hidden_columns: usize,
    rows: Vec<MatrixRow>,
    total: usize,
}

fn matrix(o: &mut String, r: &Report, c: &Catalog) {
    let relevant = || r.ranking.iter().filter(|x| x.tier <= 3);
    let columns: Vec<_> = relevant().take(MATRIX_COLUMNS).collect();
    let display = |id: EntityId| c.entity(id).display_name().to_owned();
    let rows = r
        .functions
        .iter()
        .take(MATRIX_ROWS)
        .map(|&f| MatrixRow {
            name: display(f),
            criticality: criticality(c, f).map_or("", |x| x.as_str()),
            cells: columns
                .iter()
                .map(|x| {
                    if x.stops.iter().any(|s| s.function == f) {
                        ("c-down", "■", "down")
                    } else if x.degrades.iter().any(|s| s.function == f) {
                        ("c-degraded", "◐", "degraded")
                    } else {
                        ("c-up", "·", "unaffected")
                    }
                })
                .collect(),
        })
        .collect();
    let view = Matrix {
        suppliers: columns.iter().map(|x| display(x.id)).collect(),
        hidden_columns: relevant().count().saturating_sub(columns.len()),
        rows,
        total: r.functions.len(),
    };
    o.push_str(&askama::Template::render(&view).unwrap_or_default());
    o.push('\n');
}

fn percent(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

/// A supplier's or a country's share of the functions.
struct ShareRow {
    name: String,
    /// The supplier's country, or how many suppliers a country has.
    country: String,
    suppliers: usize,
    share: String,
    direct_share: String,
    direct: String,
    hidden: String,
    hidden_names: String,
}

/// Concentration (`templates/concentration.html`).
#[derive(askama::Template)]
#[template(path = "concentration.html")]
struct Concentration {
    functions: usize,
    suppliers: Vec<ShareRow>,
    countries: Vec<ShareRow>,
}

fn concentration(o: &mut String, r: &Report, c: &Catalog) {
    let k = &r.concentration;
    let names = |ids: &[EntityId]| {
        ids.iter()
            .map(|&f| c.entity(f).display_name())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let row = |name: String,
               country: String,
               suppliers: usize,
               reach: &linchpin_engine::concentration::Reach| {
        let direct = reach.direct_share * 100.0;
        let hidden = (reach.share - reach.direct_share).max(0.0) * 100.0;
        ShareRow {
            name,
            country,
            suppliers,
            share: percent(reach.share),
            direct_share: percent(reach.direct_share),
            direct: format!("{direct:.1}"),
            hidden: format!("{hidden:.1}"),
            hidden_names: names(&reach.hidden),
        }
    };
    let view = Concentration {
        functions: k.functions,
        suppliers: k
            .suppliers
            .iter()
            .take(CHART_BARS)
            .map(|s| {
                row(
                    c.entity(s.id).display_name().to_owned(),
                    s.country.clone().unwrap_or_else(|| "?".to_owned()),
                    0,
                    &s.reach,
                )
            })
            .collect(),
        countries: k
            .countries
            .iter()
            .map(|x| {
                row(
                    x.country.clone(),
                    String::new(),
                    x.suppliers.len(),
                    &x.reach,
                )
            })
            .collect(),
    };
    o.push_str(&askama::Template::render(&view).unwrap_or_default());
    o.push('\n');
}

struct RiskFunctionRow {
    name: String,
    loss: String,
    error: String,
    p90: String,
    breach: String,
    down: String,
    shares: String,
}

struct RiskSupplierRow {
    name: String,
    loss: String,
    error: String,
    failures: String,
    basis: String,
}

struct RiskActionRow {
    title: String,
    cost: String,
    reduction: String,
    error: String,
    per_cost: String,
    net: String,
    negative: bool,
}

/// Continuity risk in money (`templates/risk.html`), when the landscape
/// has costs and failure data.
#[derive(askama::Template)]
#[template(path = "risk.html")]
struct RiskView {
    samples: String,
    currency: String,
    expected: String,
    error: String,
    p50: String,
    p90: String,
    p99: String,
    curve: String,
    actions: Vec<RiskActionRow>,
    actions_problem: String,
    functions: Vec<RiskFunctionRow>,
    suppliers: Vec<RiskSupplierRow>,
    not_simulated: String,
}

fn risk(o: &mut String, r: &Report, c: &Catalog) {
    use crate::risk::{basis_text, loss_curve_svg, money, percent};
    let Some(section) = &r.risk else { return };
    let a = &section.assessment;
    let view = RiskView {
        samples: money(f64::from(a.risk.samples)),
        currency: section
            .currency
            .clone()
            .unwrap_or_else(|| "no currency set".into()),
        expected: money(a.risk.total.mean),
        error: money(a.risk.total.standard_error),
        p50: money(a.risk.total.p50),
        p90: money(a.risk.total.p90),
        p99: money(a.risk.total.p99),
        curve: loss_curve_svg(a, section.currency.as_deref()),
        actions: a
            .actions
            .iter()
            .map(|v| {
                let action = &section.actions[v.index];
                RiskActionRow {
                    title: action.title.clone().unwrap_or_else(|| action.name.clone()),
                    cost: money(action.yearly_cost),
                    reduction: money(v.reduction),
                    error: money(v.reduction_error),
                    per_cost: crate::risk::per_cost(v),
                    net: money(v.reduction - action.yearly_cost),
                    negative: v.reduction < action.yearly_cost,
                }
            })
            .collect(),
        actions_problem: section.actions_problem.clone().unwrap_or_default(),
        functions: a
            .risk
            .functions
            .iter()
            .filter(|f| f.costed || f.down_hours > 0.0)
            .take(MAX_ROWS)
            .map(|f| RiskFunctionRow {
                name: c.entity(f.id).display_name().to_owned(),
                loss: if f.costed {
                    money(f.loss.mean)
                } else {
                    "no cost".into()
                },
                error: money(f.loss.standard_error),
                p90: money(f.loss.p90),
                breach: f.breach.map_or("no tolerance".into(), |b| percent(b.p)),
                down: format!("{:.1}", f.down_hours),
                shares: f
                    .contributions
                    .iter()
                    .take(3)
                    .filter(|_| f.loss.mean > 0.0)
                    .map(|(id, v)| {
                        format!(
                            "{} {:.0} %",
                            c.entity(*id).display_name(),
                            v / f.loss.mean * 100.0
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
            })
            .collect(),
        suppliers: a
            .risk
            .suppliers
            .iter()
            .filter(|s| s.expected > 0.0)
            .take(MAX_ROWS)
            .map(|s| RiskSupplierRow {
                name: c.entity(s.id).display_name().to_owned(),
                loss: money(s.expected),
                error: money(s.standard_error),
                failures: format!("{:.2}", s.failures_per_year),
                basis: a
                    .models
                    .iter()
                    .find(|m| m.id == s.id)
                    .map(|m| basis_text(m.basis))
                    .unwrap_or_default(),
            })
            .collect(),
        not_simulated: a
            .without_data
            .iter()
            .map(|&id| c.entity(id).display_name().to_owned())
            .chain(
                a.gaps
                    .iter()
                    .map(|g| format!("{} ({})", c.entity(g.id).display_name(), g.reason)),
            )
            .collect::<Vec<_>>()
            .join(", "),
    };
    o.push_str(&askama::Template::render(&view).unwrap_or_default());
    o.push('\n');
}

/// A bar: downtime against tolerance, on a logarithmic scale of minutes up
/// to the longest value in the scenario.
fn downtime_bar(down: Dur, impaired: Dur, tolerance: Option<Dur>, scale: f64) -> String {
    let pos = |d: Dur| -> f64 {
        match d.seconds() {
            None => 100.0,
            Some(s) => ((1.0 + s as f64 / 60.0).ln() / scale * 100.0).min(100.0),
        }
    };
    let (value, class) = if down.is_positive() {
        (down, "down")
    } else {
        (impaired, "degraded")
    };
    let class = if value.is_inf() { "inf" } else { class };
    let mut bar = format!(
        "<div class=\"bar\"><span class=\"fill {class}\" style=\"width:{:.1}%\"></span>",
        pos(value)
    );
    if let Some(t) = tolerance {
        let _ = write!(
            bar,
            "<span class=\"tol\" style=\"left:{:.1}%\" title=\"tolerates {t}\"></span>",
            pos(t)
        );
    }
    bar.push_str("</div>");
    bar
}

/// What fails in a scenario: its name, and for how long and why (`None`:
/// unbounded; the why is the project's own words).
struct Failing {
    name: String,
    how: Option<(Dur, &'static str)>,
}

/// A function a scenario affects.
struct Affected {
    name: String,
    criticality: &'static str,
    status: &'static str,
    breach: bool,
    how_long: Dur,
    tolerates: String,
    bar: String,
    why: String,
}

/// One scenario's run.
struct Run {
    title: String,
    mode: &'static str,
    failed: Vec<Failing>,
    rows: Vec<Affected>,
    total: usize,
}

/// The scenarios (`templates/scenarios.html`).
#[derive(askama::Template)]
#[template(path = "scenarios.html")]
struct Scenarios {
    runs: Vec<Run>,
}

fn scenarios(o: &mut String, r: &Report, c: &Catalog) {
    let display = |id: EntityId| c.entity(id).display_name().to_owned();
    let runs = r
        .scenarios
        .iter()
        .map(|s| {
            let failed = s
                .result
                .failed
                .iter()
                .map(|f| Failing {
                    name: display(f.id),
                    how: (!f.duration.is_inf()).then_some({
                        (
                            f.duration,
                            match f.source {
                                linchpin_engine::whatif::DurationSource::Given => "as given",
                                linchpin_engine::whatif::DurationSource::StatementRto => {
                                    "the committed RTO"
                                }
                                linchpin_engine::whatif::DurationSource::ExitLeadTime => {
                                    "the exit plan's lead time"
                                }
                                linchpin_engine::whatif::DurationSource::Unbounded => "unbounded",
                            },
                        )
                    }),
                })
                .collect();
            let affected: Vec<_> = s
                .result
                .functions
                .iter()
                .filter(|f| f.status != Status::Up)
                .collect();
            let shown = &affected[..affected.len().min(MAX_ROWS)];
            let longest = shown
                .iter()
                .flat_map(|f| [f.impaired, f.tolerance.unwrap_or(Dur::ZERO)])
                .filter_map(|d| d.seconds())
                .max()
                .unwrap_or(60)
                .max(60);
            let scale = (1.0 + longest as f64 / 60.0).ln() * 1.1;
            Run {
                title: s.title.clone(),
                mode: match s.spec.mode {
                    FailureMode::Outage => "outage",
                    FailureMode::Permanent => "permanent failure, until the exit is carried out",
                },
                failed,
                rows: shown
                    .iter()
                    .map(|f| Affected {
                        name: display(f.id),
                        criticality: f.criticality.as_str(),
                        status: f.status.as_str(),
                        breach: f.breach,
                        how_long: if f.status == Status::Down {
                            f.down
                        } else {
                            f.impaired
                        },
                        tolerates: f.tolerance.map_or("–".to_owned(), |t| t.to_string()),
                        bar: downtime_bar(f.down, f.impaired, f.tolerance, scale),
                        why: crate::explanation(f, display),
                    })
                    .collect(),
                total: affected.len(),
            }
        })
        .collect();
    o.push_str(&askama::Template::render(&Scenarios { runs }).unwrap_or_default());
    o.push('\n');
}

/// A supplier's readiness.
struct Ready {
    name: String,
    tier: u8,
    statement: StateCell,
    rto_fits: Option<bool>,
    escrow: Option<StateCell>,
    exit: StateCell,
    exit_fits: Option<bool>,
    alternatives: usize,
    owner: bool,
    missing: Vec<&'static str>,
}

/// Readiness per supplier (`templates/readiness.html`).
#[derive(askama::Template)]
#[template(path = "readiness.html")]
struct Readiness {
    rows: Vec<Ready>,
    total: usize,
}

fn readiness(o: &mut String, r: &Report, c: &Catalog) {
    let rows = r
        .ranking
        .iter()
        .filter(|x| x.tier <= 3)
        .take(MAX_ROWS)
        .map(|x| {
            let rd = &x.readiness;
            Ready {
                name: c.entity(x.id).display_name().to_owned(),
                tier: x.tier,
                statement: statement_cell(rd.statement),
                rto_fits: rd.rto_adequate,
                escrow: match rd.escrow {
                    EscrowState::NotNeeded => None,
                    EscrowState::Missing => Some(("bad", "✘ missing".to_owned())),
                    EscrowState::Present(Some(linchpin_model::EscrowVerification::Build), _) => {
                        Some(("ok", format!("✔ {}", rd.escrow.describe())))
                    }
                    EscrowState::Present(..) => {
                        Some(("warn", format!("~ {}", rd.escrow.describe())))
                    }
                },
                exit: exit_cell(rd.exit),
                exit_fits: rd.exit_within_tolerance,
                alternatives: rd.alternatives,
                owner: rd.owner,
                missing: r
                    .findings
                    .iter()
                    .filter(|f| f.entity == x.id)
                    .map(|f| f.id)
                    .collect(),
            }
        })
        .collect();
    let view = Readiness {
        rows,
        total: r.ranking.iter().filter(|x| x.tier <= 3).count(),
    };
    o.push_str(&askama::Template::render(&view).unwrap_or_default());
    o.push('\n');
}

/// A dated item of the next 12 months.
struct Dated<'a> {
    date: linchpin_model::Date,
    overdue: bool,
    what: &'static str,
    supplier: &'a str,
    detail: &'a str,
}

/// The next 12 months (`templates/timeline.html`).
#[derive(askama::Template)]
#[template(path = "timeline.html")]
struct Timeline<'a> {
    items: Vec<Dated<'a>>,
    total: usize,
}

fn timeline(o: &mut String, r: &Report, c: &Catalog) {
    let view = Timeline {
        items: r
            .timeline
            .iter()
            .take(MAX_ROWS)
            .map(|item| Dated {
                date: item.date,
                overdue: item.overdue,
                what: item.kind.label(),
                supplier: c.entity(item.supplier).display_name(),
                detail: item.detail.as_deref().unwrap_or(""),
            })
            .collect(),
        total: r.timeline.len(),
    };
    o.push_str(&askama::Template::render(&view).unwrap_or_default());
    o.push('\n');
}

/// One finding as a team's action.
struct ActionItem<'a> {
    severity: &'static str,
    message: &'a str,
    id: &'static str,
}

/// A team's actions.
struct TeamActions<'a> {
    owner: String,
    actions: Vec<ActionItem<'a>>,
    more: usize,
}

/// Actions by team (`templates/actions.html`).
#[derive(askama::Template)]
#[template(path = "actions.html")]
struct Actions<'a> {
    teams: Vec<TeamActions<'a>>,
    more_teams: usize,
    more_actions: usize,
}

fn actions(o: &mut String, r: &Report, c: &Catalog) {
    const MAX_TEAMS: usize = 30;
    let teams = r
        .actions
        .iter()
        .take(MAX_TEAMS)
        .map(|g| TeamActions {
            owner: match &g.owner {
                Some(o) => match c.lookup(o) {
                    Some(id) => c.entity(id).display_name().to_owned(),
                    None => o.to_string(),
                },
                None => "Nobody (no owner set)".to_owned(),
            },
            actions: g
                .actions
                .iter()
                .take(MAX_ACTIONS)
                .map(|a| ActionItem {
                    severity: a.finding.severity.as_str(),
                    message: &a.finding.message,
                    id: a.finding.id,
                })
                .collect(),
            more: g.actions.len().saturating_sub(MAX_ACTIONS),
        })
        .collect();
    let rest = r.actions.get(MAX_TEAMS..).unwrap_or_default();
    let view = Actions {
        teams,
        more_teams: rest.len(),
        more_actions: rest.iter().map(|g| g.actions.len()).sum(),
    };
    o.push_str(&askama::Template::render(&view).unwrap_or_default());
    o.push('\n');
}

/// A playbook in the report, folded.
struct FoldedPlaybook {
    anchor: String,
    name: String,
    tier: u8,
    article: String,
}

/// The playbooks (`templates/playbooks.html`).
#[derive(askama::Template)]
#[template(path = "playbooks.html")]
struct Playbooks {
    items: Vec<FoldedPlaybook>,
    eligible: usize,
}

fn playbooks(o: &mut String, r: &Report, c: &Catalog) {
    let view = Playbooks {
        items: r
            .playbooks
            .iter()
            .map(|p| FoldedPlaybook {
                anchor: anchor(c, p.supplier),
                name: c.entity(p.supplier).display_name().to_owned(),
                tier: p.rank.tier,
                article: crate::playbook::playbook_html_fragment(p, c, "h3", 40),
            })
            .collect(),
        eligible: r.ranking.iter().filter(|x| x.tier <= 2).count(),
    };
    o.push_str(&askama::Template::render(&view).unwrap_or_default());
    o.push('\n');
}

/// A linchpin's reach, drawn.
struct Drawn {
    name: String,
    svg: String,
    omitted: usize,
}

/// The linchpins' reach (`templates/reach.html`).
#[derive(askama::Template)]
#[template(path = "reach.html")]
struct Reach {
    pictures: Vec<Drawn>,
}

fn reach(o: &mut String, r: &Report, c: &Catalog) {
    let view = Reach {
        pictures: r
            .pictures
            .iter()
            .map(|(id, picture)| {
                let name = c.entity(*id).display_name().to_owned();
                Drawn {
                    svg: svg(picture, c, &format!("Reach of {name}")),
                    omitted: picture.omitted,
                    name,
                }
            })
            .collect(),
    };
    o.push_str(&askama::Template::render(&view).unwrap_or_default());
    o.push('\n');
}

/// A box of the picture.
struct PictureBox<'a> {
    x: String,
    y: String,
    w: f64,
    h: f64,
    fill: &'static str,
    stroke: &'static str,
    tx: String,
    ty1: String,
    ty2: String,
    kind: &'a str,
    status: String,
    label: String,
}

/// The picture as SVG (`templates/picture.html`).
#[derive(askama::Template)]
#[template(path = "picture.html")]
struct PictureSvg<'a> {
    width: String,
    height: String,
    title: &'a str,
    /// Each arrow's path and its head's.
    edges: Vec<(String, String)>,
    nodes: Vec<PictureBox<'a>>,
}

/// The picture as inline SVG.
pub fn svg(p: &Picture, c: &Catalog, title: &str) -> String {
    const W: f64 = 210.0;
    const H: f64 = 34.0;
    const GAP_X: f64 = 70.0;
    const GAP_Y: f64 = 14.0;
    let width = p.layers() as f64 * (W + GAP_X) - GAP_X + 20.0;
    let height = p.rows() as f64 * (H + GAP_Y) - GAP_Y + 20.0;
    let pos = |n: &crate::picture::PictureNode| {
        (
            10.0 + n.layer as f64 * (W + GAP_X),
            10.0 + n.row as f64 * (H + GAP_Y),
        )
    };
    let edges = p
        .edges
        .iter()
        .enumerate()
        .map(|(e, &(a, b))| {
            let (ax, ay) = pos(&p.nodes[a]);
            let (bx, by) = pos(&p.nodes[b]);
            // From the right side of one box, through the waypoints of the
            // columns it crosses, to the left side of the other.
            let mut points = vec![(ax + W, ay + H / 2.0)];
            for &(l, r) in p.routes.get(e).map(Vec::as_slice).unwrap_or_default() {
                let x = 10.0 + l as f64 * (W + GAP_X);
                let y = 10.0 + r as f64 * (H + GAP_Y) + H / 2.0;
                points.push((x, y));
                points.push((x + W, y));
            }
            points.push((bx, by + H / 2.0));
            let mut d = format!("M{:.1},{:.1}", points[0].0, points[0].1);
            for pair in points.windows(2).step_by(2) {
                let ((x1, y1), (x2, y2)) = (pair[0], pair[1]);
                let mid = (x1 + x2) / 2.0;
                let _ = write!(d, " C{mid:.1},{y1:.1} {mid:.1},{y2:.1} {x2:.1},{y2:.1}");
            }
            for pair in points[1..].windows(2).step_by(2) {
                let _ = write!(
                    d,
                    " M{:.1},{:.1} L{:.1},{:.1}",
                    pair[0].0, pair[0].1, pair[1].0, pair[1].1
                );
            }
            let (x1, y1) = points[points.len() - 2];
            let (x2, y2) = points[points.len() - 1];
            let arrow = format!(
                "M{:.1},{:.1} L{x2:.1},{y2:.1}",
                x2 - 0.1 * (x2 - x1).signum().max(0.1),
                y2 - 0.0 * y1
            );
            (d, arrow)
        })
        .collect();
    let nodes = p
        .nodes
        .iter()
        .map(|n| {
            let (x, y) = pos(n);
            let e = c.entity(n.id);
            let (fill, stroke) = match n.status {
                Status::Down => ("#f4c7c3", "#b3261e"),
                Status::Degraded => ("#fde7b0", "#b26a00"),
                Status::Up => ("#eef1f7", "#8a94a6"),
            };
            let full = e.display_name();
            PictureBox {
                x: format!("{x:.1}"),
                y: format!("{y:.1}"),
                w: W,
                h: H,
                fill,
                stroke,
                tx: format!("{:.1}", x + 6.0),
                ty1: format!("{:.1}", y + 12.0),
                ty2: format!("{:.1}", y + 27.0),
                kind: e.kind().as_str(),
                status: if n.status == Status::Up {
                    String::new()
                } else {
                    format!(" · {}", n.status.as_str())
                },
                label: if full.chars().count() > 30 {
                    full.chars().take(29).collect::<String>() + "…"
                } else {
                    full.to_owned()
                },
            }
        })
        .collect();
    let mut out = askama::Template::render(&PictureSvg {
        width: format!("{width:.0}"),
        height: format!("{height:.0}"),
        title,
        edges,
        nodes,
    })
    .unwrap_or_default();
    out.push('\n');
    out
}
