//! The report in Markdown, for wikis and pull requests, with Mermaid
//! diagrams for the pictures.

use crate::data::Report;
use crate::picture::Picture;
use linchpin_engine::Status;
use linchpin_model::{Catalog, Criticality, EntityId, FailureMode, Spec};
use std::fmt::Write;

fn name(c: &Catalog, id: EntityId) -> String {
    c.entity(id).display_name().replace('|', "\\|")
}

fn crit(c: &Catalog, id: EntityId) -> &'static str {
    match &c.entity(id).spec {
        Spec::BusinessFunction(f) => f.criticality.as_str(),
        _ => "",
    }
}

/// Renders the report.
pub fn markdown(r: &Report, c: &Catalog) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# Continuity report\n\nWhat happens to the business when a supplier stops delivering, and are we ready for it? Judged on {}.\n", r.today);

    summary(&mut o, r, c);
    ranking(&mut o, r, c);
    matrix(&mut o, r, c);
    concentration(&mut o, r, c);
    scenarios(&mut o, r, c);
    risk(&mut o, r, c);
    readiness(&mut o, r, c);
    timeline(&mut o, r, c);
    actions(&mut o, r, c);
    pictures(&mut o, r, c);
    o
}

/// Continuity risk in money, when the landscape has costs and failure data.
fn risk(o: &mut String, r: &Report, c: &Catalog) {
    use crate::diff::render::md_text as cell;
    use crate::risk::{money, percent};
    let Some(section) = &r.risk else { return };
    let a = &section.assessment;
    let t = &a.risk.total;
    let _ = writeln!(
        o,
        "## Continuity risk in money
"
    );
    let _ = writeln!(
        o,
        "{} simulated years of supplier failures, priced with what each function's stop costs (amounts in {}).\n\n- **{}** expected loss a year (± {})\n- **{}** in a median year, **{}** or more one year in ten, **{}** or more one year in a hundred\n",
        money(f64::from(a.risk.samples)),
        section.currency.as_deref().unwrap_or("no currency set"),
        money(t.mean),
        money(t.standard_error),
        money(t.p50),
        money(t.p90),
        money(t.p99)
    );
    if !a.actions.is_empty() {
        let _ = writeln!(o, "| action | costs a year | removes a year | per unit of cost | net |\n|---|---:|---:|---:|---:|");
        for v in &a.actions {
            let action = &section.actions[v.index];
            let _ = writeln!(
                o,
                "| {} | {} | {} ± {} | {} | {} |",
                cell(action.title.as_deref().unwrap_or(&action.name)),
                money(action.yearly_cost),
                money(v.reduction),
                money(v.reduction_error),
                crate::risk::per_cost(v),
                money(v.reduction - action.yearly_cost)
            );
        }
        o.push('\n');
    }
    let _ = writeln!(o, "| function | expected loss a year | 1 year in 10 | outlasts its tolerance | down, hours a year |\n|---|---:|---:|---:|---:|");
    for f in a
        .risk
        .functions
        .iter()
        .filter(|f| f.costed || f.down_hours > 0.0)
    {
        let _ = writeln!(
            o,
            "| {} | {} ± {} | {} | {} | {:.1} |",
            cell(c.entity(f.id).display_name()),
            money(f.loss.mean),
            money(f.loss.standard_error),
            money(f.loss.p90),
            f.breach.map_or("no tolerance".into(), |b| percent(b.p)),
            f.down_hours
        );
    }
    o.push('\n');
}

/// The headline figures and the linchpins.
fn summary(o: &mut String, r: &Report, c: &Catalog) {
    let count = |k: Criticality| {
        r.functions
            .iter()
            .filter(|&&f| crit(c, f) == k.as_str())
            .count()
    };
    let tiers = |t: u8| r.ranking.iter().filter(|x| x.tier == t).count();
    let (valid, expired, requested, missing) = r.statement_counts();
    let (fe, fw, fi) = r.finding_counts();
    let _ = writeln!(o, "## Summary\n");
    let _ = writeln!(
        o,
        "- **{}** business functions: {} critical, {} important, {} standard",
        r.functions.len(),
        count(Criticality::Critical),
        count(Criticality::Important),
        count(Criticality::Standard)
    );
    let _ = writeln!(
        o,
        "- **{}** suppliers: **{} linchpins** (tier 1), {} tier 2, {} tier 3, {} tier 4",
        r.ranking.len(),
        tiers(1),
        tiers(2),
        tiers(3),
        tiers(4)
    );
    let _ = writeln!(o, "- Continuity statements of tiers 1–3: {valid} valid, {expired} expired, {requested} requested, {missing} missing");
    let _ = writeln!(
        o,
        "- Readiness findings: {fe} errors, {fw} warnings, {fi} info\n"
    );
    let all_linchpins = r.ranking.iter().filter(|x| x.tier == 1).count();
    let linchpins: Vec<String> = r
        .ranking
        .iter()
        .filter(|x| x.tier == 1)
        .take(20)
        .map(|x| name(c, x.id))
        .collect();
    if !linchpins.is_empty() {
        let rest = if all_linchpins > 20 {
            format!(" and {} more", all_linchpins - 20)
        } else {
            String::new()
        };
        let _ = writeln!(
            o,
            "**The linchpins** — each alone stops a critical function: {}{rest}.\n",
            linchpins.join(", ")
        );
    }
}

/// The suppliers, most critical first.
fn ranking(o: &mut String, r: &Report, c: &Catalog) {
    let _ = writeln!(o, "## Suppliers, most critical first\n");
    let _ = writeln!(o, "| # | Tier | Supplier | Score | Stops | Degrades | Outage | Permanent | Statement | Exit plan |\n|---:|---:|---|---:|---|---|---|---|---|---|");
    for (i, x) in r.ranking.iter().enumerate().take(300) {
        let list = |v: &[linchpin_engine::rank::Reach]| {
            if v.is_empty() {
                return "–".to_owned();
            }
            let mut t = v
                .iter()
                .take(8)
                .map(|f| name(c, f.function))
                .collect::<Vec<_>>()
                .join(", ");
            if v.len() > 8 {
                t.push_str(&format!(" and {} more", v.len() - 8));
            }
            t
        };
        let mode = |m: &linchpin_engine::rank::ModeImpact| match m.breaches.len() {
            0 => m.duration.to_string(),
            b => format!(
                "{} (**{b} breach{}**)",
                m.duration,
                if b == 1 { "" } else { "es" }
            ),
        };
        let _ = writeln!(
            o,
            "| {} | {} | {} | {:.1} | {} | {} | {} | {} | {} | {} |",
            i + 1,
            x.tier,
            name(c, x.id),
            x.score,
            list(&x.stops),
            list(&x.degrades),
            mode(&x.outage),
            mode(&x.permanent),
            x.readiness.statement.describe(),
            x.readiness.exit.describe()
        );
    }
    o.push('\n');
}

/// Which function each of the top suppliers stops or degrades.
fn matrix(o: &mut String, r: &Report, c: &Catalog) {
    let columns: Vec<_> = r.ranking.iter().filter(|x| x.tier <= 3).take(20).collect();
    let _ = writeln!(o, "## Impact matrix\n\n■ down, ◐ degraded, · unaffected.\n");
    let _ = write!(o, "| Function |");
    for x in &columns {
        let _ = write!(o, " {} |", name(c, x.id));
    }
    let _ = write!(o, "\n|---|");
    for _ in &columns {
        o.push_str(":---:|");
    }
    o.push('\n');
    for &f in r.functions.iter().take(150) {
        let _ = write!(o, "| {} ({}) |", name(c, f), crit(c, f));
        for x in &columns {
            let mark = if x.stops.iter().any(|s| s.function == f) {
                "■"
            } else if x.degrades.iter().any(|s| s.function == f) {
                "◐"
            } else {
                "·"
            };
            let _ = write!(o, " {mark} |");
        }
        o.push('\n');
    }
    o.push('\n');
}

/// The share of functions per supplier and per country.
fn concentration(o: &mut String, r: &Report, c: &Catalog) {
    let _ = writeln!(o, "## Concentration\n\nShare of the {} critical and important functions each supplier can stop or degrade.\n\n| Supplier | Country | Share | Direct | Hidden, through fourth parties |\n|---|---|---:|---:|---|", r.concentration.functions);
    for s in r.concentration.suppliers.iter().take(15) {
        let hidden = if s.reach.hidden.is_empty() {
            "–".to_owned()
        } else {
            s.reach
                .hidden
                .iter()
                .map(|&f| name(c, f))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = writeln!(
            o,
            "| {} | {} | {:.0}% | {:.0}% | {} |",
            name(c, s.id),
            s.country.as_deref().unwrap_or("?"),
            s.reach.share * 100.0,
            s.reach.direct_share * 100.0,
            hidden
        );
    }
    let _ = writeln!(
        o,
        "\n| Country | Suppliers | Share | Direct |\n|---|---:|---:|---:|"
    );
    for k in &r.concentration.countries {
        let _ = writeln!(
            o,
            "| {} | {} | {:.0}% | {:.0}% |",
            k.country,
            k.suppliers.len(),
            k.reach.share * 100.0,
            k.reach.direct_share * 100.0
        );
    }
    o.push('\n');
}

/// The landscape's scenarios and what they stop.
fn scenarios(o: &mut String, r: &Report, c: &Catalog) {
    let _ = writeln!(o, "## Scenarios\n");
    for s in &r.scenarios {
        let mode = match s.spec.mode {
            FailureMode::Outage => "outage",
            FailureMode::Permanent => "permanent failure",
        };
        let failed: Vec<String> = s
            .result
            .failed
            .iter()
            .map(|f| format!("{} ({})", name(c, f.id), f.duration))
            .collect();
        let _ = writeln!(o, "### {}\n\n{mode}: {}\n", s.title, failed.join(", "));
        let affected: Vec<_> = s
            .result
            .functions
            .iter()
            .filter(|f| f.status != Status::Up)
            .take(300)
            .collect();
        if affected.is_empty() {
            o.push_str("No business function is affected.\n\n");
            continue;
        }
        let _ = writeln!(
            o,
            "| Function | Status | For | Tolerates | Why |\n|---|---|---:|---:|---|"
        );
        for f in affected {
            let how_long = if f.status == Status::Down {
                f.down
            } else {
                f.impaired
            };
            let chain = crate::explanation(f, |id| name(c, id));
            let _ = writeln!(
                o,
                "| {} ({}) | {}{} | {} | {} | {} |",
                name(c, f.id),
                f.criticality.as_str(),
                f.status.as_str(),
                if f.breach { " — **breach**" } else { "" },
                how_long,
                f.tolerance.map_or("–".into(), |d| d.to_string()),
                chain
            );
        }
        o.push('\n');
    }
}

/// Readiness per supplier of tiers 1–3.
fn readiness(o: &mut String, r: &Report, c: &Catalog) {
    let _ = writeln!(o, "## Readiness per supplier\n\n| Supplier | Tier | Statement | RTO fits | Escrow | Exit plan | Exit fits | Alternatives | Owner |\n|---|---:|---|---|---|---|---|---:|---|");
    for x in r.ranking.iter().filter(|x| x.tier <= 3).take(300) {
        let rd = &x.readiness;
        let yn = |b: Option<bool>| match b {
            Some(true) => "✔",
            Some(false) => "✘",
            None => "–",
        };
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            name(c, x.id),
            x.tier,
            rd.statement.describe(),
            yn(rd.rto_adequate),
            rd.escrow.describe(),
            rd.exit.describe(),
            yn(rd.exit_within_tolerance),
            rd.alternatives,
            if rd.owner { "✔" } else { "✘" }
        );
    }
    o.push('\n');
}

/// What is dated in the next twelve months.
fn timeline(o: &mut String, r: &Report, c: &Catalog) {
    let _ = writeln!(o, "## The next 12 months\n");
    if r.timeline.is_empty() {
        o.push_str("Nothing dated in the next twelve months.\n\n");
    } else {
        let _ = writeln!(o, "| Date | What | Supplier | Details |\n|---|---|---|---|");
        for i in r.timeline.iter().take(300) {
            let _ = writeln!(
                o,
                "| {} | {}{} | {} | {} |",
                i.date,
                if i.overdue { "**overdue:** " } else { "" },
                i.kind.label(),
                name(c, i.supplier),
                i.detail.as_deref().unwrap_or("")
            );
        }
        o.push('\n');
    }
}

/// The findings grouped by the team that owns them.
fn actions(o: &mut String, r: &Report, c: &Catalog) {
    let _ = writeln!(o, "## Actions by team\n");
    for g in r.actions.iter().take(30) {
        let owner = match &g.owner {
            Some(ow) => c
                .lookup(ow)
                .map_or_else(|| ow.to_string(), |id| name(c, id)),
            None => "Nobody (no owner set)".to_owned(),
        };
        let _ = writeln!(o, "### {owner}\n");
        for a in g.actions.iter().take(25) {
            let _ = writeln!(
                o,
                "- **{}** {} (`{}`)",
                a.finding.severity.as_str(),
                a.finding.message,
                a.finding.id
            );
        }
        o.push('\n');
    }
}

/// The reach of the linchpins as Mermaid diagrams.
fn pictures(o: &mut String, r: &Report, c: &Catalog) {
    let _ = writeln!(o, "## Reach of the linchpins\n");
    for (id, p) in &r.pictures {
        let _ = writeln!(
            o,
            "### {}\n\n```mermaid\n{}```\n",
            name(c, *id),
            mermaid(p, c)
        );
        if p.omitted > 0 {
            let _ = writeln!(o, "{} more functions not drawn.\n", p.omitted);
        }
    }
}

/// A picture as a Mermaid flowchart.
pub fn mermaid(p: &Picture, c: &Catalog) -> String {
    let mut s = String::from("flowchart LR\n");
    for (i, n) in p.nodes.iter().enumerate() {
        let label = c.entity(n.id).display_name().replace('"', "'");
        let _ = writeln!(s, "  n{i}[\"{}: {label}\"]", c.entity(n.id).kind().as_str());
    }
    for &(a, b) in &p.edges {
        let _ = writeln!(s, "  n{a} --> n{b}");
    }
    for (i, n) in p.nodes.iter().enumerate() {
        let class = if n.status == Status::Down {
            "down"
        } else {
            "degraded"
        };
        let _ = writeln!(s, "  class n{i} {class}");
    }
    s.push_str("  classDef down fill:#f4c7c3,stroke:#b3261e\n  classDef degraded fill:#fde7b0,stroke:#b26a00\n");
    s
}
