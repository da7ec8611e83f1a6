//! The JSON contract (docs/json.md) for what-if and ranking, shared by the
//! command line and the server's API so that both say the same thing.

use linchpin_engine::rank::{ModeImpact, Reach};
use linchpin_engine::readiness::Readiness;
use linchpin_engine::whatif::{FailureSpec, WhatIf};
use linchpin_engine::{Dur, SupplierRank};
use linchpin_model::{Catalog, EntityId};
use serde_json::{json, Value};

/// A duration in the JSON contract: `{"seconds": N, "text": "4h"}`, or null when unbounded.
pub fn dur_json(d: Dur) -> Value {
    match d.seconds() {
        Some(s) => json!({ "seconds": s, "text": d.to_string() }),
        None => Value::Null,
    }
}

/// The ref of an entity in canonical form.
pub fn ref_of(catalog: &Catalog, id: EntityId) -> String {
    catalog.entity(id).entity_ref.to_string()
}

/// A what-if result: `{scenario: {name, title, mode, fail}, functions}`.
pub fn whatif_json(
    catalog: &Catalog,
    name: Option<&str>,
    title: Option<&str>,
    spec: &FailureSpec,
    result: &WhatIf,
) -> Value {
    json!({
        "scenario": {
            "name": name,
            "title": title,
            "mode": spec.mode.as_str(),
            "fail": result.failed.iter().map(|f| json!({
                "ref": ref_of(catalog, f.id),
                "duration": dur_json(f.duration),
                "durationSource": f.source.as_str(),
            })).collect::<Vec<_>>(),
        },
        "functions": result.functions.iter().map(|f| json!({
            "ref": ref_of(catalog, f.id),
            "criticality": f.criticality.as_str(),
            "status": f.status.as_str(),
            "down": dur_json(f.down),
            "impaired": dur_json(f.impaired),
            "tolerance": f.tolerance.map(dur_json),
            "breach": f.breach,
            "path": f.path.iter().map(|&id| ref_of(catalog, id)).collect::<Vec<_>>(),
            "fallbacks": f.fallbacks.iter().map(|fb| json!({
                "at": ref_of(catalog, fb.at),
                "from": ref_of(catalog, fb.from),
                "to": ref_of(catalog, fb.to),
                "after": dur_json(fb.after),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// A supplier's readiness summary.
pub fn readiness_json(r: &Readiness) -> Value {
    json!({
        "statement": r.statement.describe(),
        "rtoAdequate": r.rto_adequate,
        "escrow": r.escrow.describe(),
        "exit": r.exit.describe(),
        "exitWithinTolerance": r.exit_within_tolerance,
        "alternatives": r.alternatives,
        "owner": r.owner,
        "tightestTolerance": r.tightest_tolerance.map(dur_json),
    })
}

fn mode_json(catalog: &Catalog, m: &ModeImpact) -> Value {
    json!({
        "duration": dur_json(m.duration),
        "durationSource": m.source.as_str(),
        "breaches": m.breaches.iter().map(|&id| ref_of(catalog, id)).collect::<Vec<_>>(),
    })
}

/// One ranked supplier.
pub fn supplier_json(catalog: &Catalog, r: &SupplierRank) -> Value {
    let refs = |v: &[Reach]| {
        v.iter()
            .map(|x| ref_of(catalog, x.function))
            .collect::<Vec<_>>()
    };
    let mut breaches: Vec<String> = r
        .outage
        .breaches
        .iter()
        .chain(&r.permanent.breaches)
        .map(|&id| ref_of(catalog, id))
        .collect();
    breaches.sort();
    breaches.dedup();
    json!({
        "ref": ref_of(catalog, r.id),
        "tier": r.tier,
        "score": (r.score * 10.0).round() / 10.0,
        "stops": refs(&r.stops),
        "degrades": refs(&r.degrades),
        "breaches": breaches,
        "outage": mode_json(catalog, &r.outage),
        "permanent": mode_json(catalog, &r.permanent),
        "readiness": readiness_json(&r.readiness),
    })
}
