//! Continuity risk in money (docs/risk.md) for people, machines and
//! spreadsheets: the text of `linchpin risk`, its JSON contract
//! (docs/json.md), its CSV, and the loss-exceedance curve as SVG — one
//! wording for the command and the report.

use crate::contract::ref_of;
use linchpin_engine::risk::{ActionValue, Assessment, Basis, Estimate, FunctionRisk, Probability};
use linchpin_model::{Action, Catalog, EntityId, Spec};
use serde_json::{json, Value};

/// An amount with thousands separators, rounded to the unit (`1,234,567`).
pub fn money(x: f64) -> String {
    let rounded = x.round();
    let negative = rounded < 0.0;
    let digits = format!("{:.0}", rounded.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if negative {
        format!("-{out}")
    } else {
        out
    }
}

/// An action's reduction per unit of its cost: `12.43`, or `free`.
pub fn per_cost(v: &ActionValue) -> String {
    if v.per_cost.is_finite() {
        format!("{:.2}", v.per_cost)
    } else {
        "free".to_owned()
    }
}

/// A round amount for an axis: `10k`, `1M`, `100M`, `1B`.
fn compact(x: f64) -> String {
    let (v, unit) = if x >= 1e9 {
        (x / 1e9, "B")
    } else if x >= 1e6 {
        (x / 1e6, "M")
    } else if x >= 1e3 {
        (x / 1e3, "k")
    } else {
        (x, "")
    };
    format!("{}{unit}", trim_float(v))
}

/// A probability as a percentage (`23.1 %`, `< 0.1 %`).
pub fn percent(p: f64) -> String {
    if p > 0.0 && p < 0.001 {
        "< 0.1 %".to_owned()
    } else {
        format!("{:.1} %", p * 100.0)
    }
}

fn name(catalog: &Catalog, id: EntityId) -> String {
    let e = catalog.entity(id);
    e.metadata
        .title
        .clone()
        .unwrap_or_else(|| e.entity_ref.name.to_string())
}

/// Where a supplier's figures come from, in words.
pub fn basis_text(basis: Basis) -> String {
    match basis {
        Basis::Incidents { count, years } => format!("{count} incidents in {years:.1} years"),
        Basis::Sla(a) => format!("its {} % availability commitment", trim_float(a * 100.0)),
        Basis::Given => "figures given".to_owned(),
        Basis::PermanentOnly => "failing for good only".to_owned(),
    }
}

fn basis_code(basis: Basis) -> &'static str {
    match basis {
        Basis::Incidents { .. } => "incidents",
        Basis::Sla(_) => "sla",
        Basis::Given => "given",
        Basis::PermanentOnly => "permanent-only",
    }
}

fn trim_float(x: f64) -> String {
    let s = format!("{x:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn estimate_json(e: &Estimate) -> Value {
    json!({
        "expectedAnnualLoss": round2(e.mean),
        "standardError": round2(e.standard_error),
        "p50": round2(e.p50),
        "p90": round2(e.p90),
        "p99": round2(e.p99),
    })
}

fn probability_json(p: Option<Probability>) -> Value {
    match p {
        Some(p) => json!({ "p": round4(p.p), "standardError": round4(p.standard_error) }),
        None => Value::Null,
    }
}

/// The shares of a function's loss by supplier, in words: "stripe 62 %,
/// aws 30 % (joint failures 8 %)".
fn shares(catalog: &Catalog, f: &FunctionRisk) -> String {
    if f.loss.mean <= 0.0 {
        return String::new();
    }
    let mut parts: Vec<String> = f
        .contributions
        .iter()
        .take(4)
        .map(|(id, v)| {
            format!(
                "{} {:.0} %",
                catalog.entity(*id).entity_ref.name,
                v / f.loss.mean * 100.0
            )
        })
        .collect();
    if f.contributions.len() > 4 {
        parts.push(format!("{} more", f.contributions.len() - 4));
    }
    let mut text = parts.join(", ");
    if f.joint / f.loss.mean >= 0.005 {
        text.push_str(&format!(
            " ({:.0} % from failures that meet at an alternative)",
            f.joint / f.loss.mean * 100.0
        ));
    }
    text
}

/// `linchpin risk`'s text.
pub fn human(
    catalog: &Catalog,
    a: &Assessment,
    currency: Option<&str>,
    actions: &[Action],
) -> String {
    let r = &a.risk;
    let unit = currency.unwrap_or("(no currency set)");
    let period = if r.years == 1 {
        "a year".to_owned()
    } else {
        format!("{} years", r.years)
    };
    let mut out = format!(
        "Continuity risk: {} simulated periods of {period} (seed {}), amounts in {unit}\n",
        money(f64::from(r.samples)),
        r.seed
    );
    if r.detailed < r.samples {
        out.push_str(&format!(
            "  (the figures by function come from the first {} periods)\n",
            money(f64::from(r.detailed))
        ));
    }
    out.push('\n');
    out.push_str(&format!(
        "  {:<22}  {} ± {}\n",
        "Expected loss a year",
        money(r.total.mean),
        money(r.total.standard_error)
    ));
    out.push_str(&format!(
        "  {:<22}  median {} · 1 in 10 above {} · 1 in 100 above {}\n",
        format!("Loss of {period}"),
        money(r.total.p50),
        money(r.total.p90),
        money(r.total.p99)
    ));
    out.push_str("\nBusiness functions (loss a year ± standard error; what 1 period in 10 exceeds; chance a stop outlasts the tolerance)\n\n");
    for f in &r.functions {
        if !f.costed && f.breach.is_none_or(|b| b.p == 0.0) && f.down_hours == 0.0 {
            continue;
        }
        let breach = match f.breach {
            Some(b) => format!("{} ± {}", percent(b.p), percent(b.standard_error)),
            None => "no tolerance".to_owned(),
        };
        let loss = if f.costed {
            format!("{} ± {}", money(f.loss.mean), money(f.loss.standard_error))
        } else {
            "no cost".to_owned()
        };
        out.push_str(&format!(
            "  {:<28} {:>24}  p90 {:>12}  breach {:<18} down {:.1} h/yr\n",
            catalog.entity(f.id).entity_ref.name,
            loss,
            money(f.loss.p90),
            breach,
            f.down_hours
        ));
        let s = shares(catalog, f);
        if !s.is_empty() {
            out.push_str(&format!("      {s}\n"));
        }
    }
    out.push_str("\nSuppliers (the loss a year their failures cause; a stop several cause is shared by how long each stopped it)\n\n");
    for s in r.suppliers.iter().filter(|s| s.expected > 0.0) {
        let basis = a
            .models
            .iter()
            .find(|m| m.id == s.id)
            .map(|m| basis_text(m.basis))
            .unwrap_or_default();
        out.push_str(&format!(
            "  {:<28} {:>24}  {:.2} failures a year, from {basis}\n",
            catalog.entity(s.id).entity_ref.name,
            format!("{} ± {}", money(s.expected), money(s.standard_error)),
            s.failures_per_year
        ));
    }
    let quiet = r.suppliers.iter().filter(|s| s.expected <= 0.0).count();
    if quiet > 0 {
        out.push_str(&format!(
            "  ({quiet} more simulated supplier{} cost nothing: an alternative covers them, or no function with a cost depends on them)\n",
            if quiet == 1 { "" } else { "s" }
        ));
    }
    if !a.without_data.is_empty() || !a.gaps.is_empty() {
        out.push('\n');
    }
    if !a.without_data.is_empty() {
        let names: Vec<String> = a
            .without_data
            .iter()
            .take(6)
            .map(|&id| catalog.entity(id).entity_ref.name.to_string())
            .collect();
        let more = a.without_data.len().saturating_sub(6);
        out.push_str(&format!(
            "Not simulated: {} supplier{} without `failures` ({}{}); the totals leave {} out.\n",
            a.without_data.len(),
            if a.without_data.len() == 1 { "" } else { "s" },
            names.join(", "),
            if more > 0 {
                format!(", {more} more")
            } else {
                String::new()
            },
            if a.without_data.len() == 1 {
                "it"
            } else {
                "them"
            }
        ));
    }
    for g in &a.gaps {
        out.push_str(&format!(
            "Not simulated: {}: {}\n",
            catalog.entity(g.id).entity_ref.name,
            g.reason
        ));
    }
    if !a.actions.is_empty() {
        out.push_str("\nActions, the most loss removed per unit of cost first\n\n");
        let width = a
            .actions
            .iter()
            .map(|v| actions[v.index].name.chars().count())
            .max()
            .unwrap_or(0);
        for v in &a.actions {
            let action = &actions[v.index];
            out.push_str(&format!(
                "  {:<width$}  costs {} a year, removes {} ± {} a year: {} per unit of cost, net {}\n",
                action.name,
                money(action.yearly_cost),
                money(v.reduction),
                money(v.reduction_error),
                per_cost(v),
                money(v.reduction - action.yearly_cost)
            ));
            if let Some(t) = &action.title {
                out.push_str(&format!("      {t}\n"));
            }
        }
    }
    out
}

/// The JSON contract of `linchpin risk` (docs/json.md, "risk").
pub fn to_json(
    catalog: &Catalog,
    a: &Assessment,
    currency: Option<&str>,
    actions: &[Action],
) -> Value {
    let r = &a.risk;
    json!({
        "currency": currency,
        "samples": r.samples,
        "functionSamples": r.detailed,
        "years": r.years,
        "seed": r.seed,
        "total": estimate_json(&r.total),
        "functions": r.functions.iter().map(|f| {
            let tolerance = match &catalog.entity(f.id).spec {
                Spec::BusinessFunction(b) => b.max_tolerable_downtime.as_ref().map(|t| t.value.to_string()),
                _ => None,
            };
            let mut v = estimate_json(&f.loss);
            let o = v.as_object_mut().expect("an object");
            o.insert("ref".into(), json!(ref_of(catalog, f.id)));
            o.insert("title".into(), json!(name(catalog, f.id)));
            o.insert("costed".into(), json!(f.costed));
            o.insert("downHoursPerYear".into(), json!(round2(f.down_hours)));
            o.insert("degradedHoursPerYear".into(), json!(round2(f.degraded_hours)));
            o.insert("tolerance".into(), json!(tolerance));
            o.insert("breachProbability".into(), probability_json(f.breach));
            o.insert("fromJointFailures".into(), json!(round2(f.joint)));
            o.insert("suppliers".into(), json!(f.contributions.iter().map(|(id, l)| json!({
                "ref": ref_of(catalog, *id),
                "expectedAnnualLoss": round2(*l),
            })).collect::<Vec<_>>()));
            v
        }).collect::<Vec<_>>(),
        "suppliers": r.suppliers.iter().map(|s| {
            let basis = a.models.iter().find(|m| m.id == s.id).map(|m| m.basis);
            json!({
                "ref": ref_of(catalog, s.id),
                "title": name(catalog, s.id),
                "expectedAnnualLoss": round2(s.expected),
                "standardError": round2(s.standard_error),
                "failuresPerYear": round4(s.failures_per_year),
                "basis": basis.map(basis_code),
                "functions": s.functions.iter().map(|(id, l)| json!({
                    "ref": ref_of(catalog, *id),
                    "expectedAnnualLoss": round2(*l),
                })).collect::<Vec<_>>(),
            })
        }).collect::<Vec<_>>(),
        "notSimulated": a.without_data.iter().map(|&id| json!({
            "ref": ref_of(catalog, id),
            "reason": "no failures",
        })).chain(a.gaps.iter().map(|g| json!({
            "ref": ref_of(catalog, g.id),
            "reason": g.reason,
        }))).collect::<Vec<_>>(),
        "lossExceedance": r.curve.iter().map(|(l, p)| json!({
            "loss": round2(*l),
            "probability": round4(*p),
        })).collect::<Vec<_>>(),
        "actions": a.actions.iter().map(|v| {
            let action = &actions[v.index];
            json!({
                "name": action.name,
                "title": action.title,
                "yearlyCost": round2(action.yearly_cost),
                "expectedAnnualLoss": round2(v.loss.mean),
                "reduction": round2(v.reduction),
                "standardError": round2(v.reduction_error),
                "reductionPerCost": if v.per_cost.is_finite() { json!(round4(v.per_cost)) } else { Value::Null },
                "net": round2(v.reduction - action.yearly_cost),
            })
        }).collect::<Vec<_>>(),
    })
}

/// One row per function, supplier and action, for a spreadsheet.
pub fn csv(catalog: &Catalog, a: &Assessment, actions: &[Action]) -> String {
    let r = &a.risk;
    let cell = |x: f64| format!("{:.2}", x);
    let mut rows: Vec<[String; 9]> = Vec::new();
    rows.push([
        "total".into(),
        String::new(),
        String::new(),
        cell(r.total.mean),
        cell(r.total.standard_error),
        cell(r.total.p50),
        cell(r.total.p90),
        cell(r.total.p99),
        String::new(),
    ]);
    for f in &r.functions {
        rows.push([
            "function".into(),
            ref_of(catalog, f.id),
            name(catalog, f.id),
            cell(f.loss.mean),
            cell(f.loss.standard_error),
            cell(f.loss.p50),
            cell(f.loss.p90),
            cell(f.loss.p99),
            f.breach.map(|b| format!("{:.4}", b.p)).unwrap_or_default(),
        ]);
    }
    for s in &r.suppliers {
        rows.push([
            "supplier".into(),
            ref_of(catalog, s.id),
            name(catalog, s.id),
            cell(s.expected),
            cell(s.standard_error),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ]);
    }
    for v in &a.actions {
        let action = &actions[v.index];
        rows.push([
            "action".into(),
            action.name.clone(),
            action.title.clone().unwrap_or_default(),
            cell(-v.reduction),
            cell(v.reduction_error),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ]);
    }
    crate::csv::table(
        &[
            "scope",
            "ref",
            "title",
            "expected_annual_loss",
            "standard_error",
            "p50",
            "p90",
            "p99",
            "breach_probability",
        ],
        rows,
    )
}

/// The loss-exceedance curve: the probability that a period loses more
/// than each amount, amounts on a logarithmic axis. Empty when nothing is lost.
pub fn loss_curve_svg(a: &Assessment, currency: Option<&str>) -> String {
    let curve = &a.risk.curve;
    let points: Vec<(f64, f64)> = curve.iter().copied().filter(|(l, _)| *l >= 1.0).collect();
    if points.len() < 2 {
        return String::new();
    }
    let (w, h, left, bottom, top, right) = (640.0, 300.0, 70.0, 40.0, 16.0, 20.0);
    let lo = points[0].0.log10().floor();
    let hi = points[points.len() - 1].0.log10().ceil().max(lo + 1.0);
    let pmax = points.iter().map(|p| p.1).fold(0.0f64, f64::max).max(1e-4);
    // The y axis up to a round percentage above the highest point.
    let ymax = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0]
        .into_iter()
        .find(|&m| m >= pmax)
        .unwrap_or(1.0);
    let x = |l: f64| left + (l.log10() - lo) / (hi - lo) * (w - left - right);
    let y = |p: f64| top + (1.0 - p / ymax) * (h - top - bottom);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"loss-curve\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"Loss-exceedance curve: the chance that a year's loss exceeds each amount\">\n"
    );
    // Axes and grid.
    let mut decade = lo;
    while decade <= hi {
        let xv = x(10f64.powf(decade));
        svg.push_str(&format!(
            "<line x1=\"{xv:.1}\" y1=\"{top}\" x2=\"{xv:.1}\" y2=\"{:.1}\" class=\"grid\"/>\n<text x=\"{xv:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\n",
            h - bottom,
            h - bottom + 16.0,
            compact(10f64.powf(decade))
        ));
        decade += 1.0;
    }
    for k in 0..=4 {
        let p = ymax * f64::from(k) / 4.0;
        let yv = y(p);
        svg.push_str(&format!(
            "<line x1=\"{left}\" y1=\"{yv:.1}\" x2=\"{:.1}\" y2=\"{yv:.1}\" class=\"grid\"/>\n<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\n",
            w - right,
            left - 6.0,
            yv + 4.0,
            percent(p)
        ));
    }
    let path: Vec<String> = points
        .iter()
        .map(|&(l, p)| format!("{:.1},{:.1}", x(l), y(p)))
        .collect();
    svg.push_str(&format!(
        "<polyline points=\"{}\" class=\"curve\" fill=\"none\"/>\n",
        path.join(" ")
    ));
    svg.push_str(&format!(
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">loss of a year ({})</text>\n</svg>\n",
        left + (w - left - right) / 2.0,
        h - 4.0,
        currency.unwrap_or("no currency set")
    ));
    svg
}

#[cfg(test)]
mod tests {
    use super::{money, percent};

    #[test]
    fn amounts_and_percentages_read_well() {
        assert_eq!(money(1_234_567.4), "1,234,567");
        assert_eq!(money(999.5), "1,000");
        assert_eq!(money(0.0), "0");
        assert_eq!(money(-12_000.0), "-12,000");
        assert_eq!(percent(0.2314), "23.1 %");
        assert_eq!(percent(0.0004), "< 0.1 %");
        assert_eq!(super::compact(10_000.0), "10k");
        assert_eq!(super::compact(1e9), "1B");
    }
}
