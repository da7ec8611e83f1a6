//! The data behind the report, as JSON.

use crate::data::Report;
use linchpin_engine::Dur;
use linchpin_model::{Catalog, EntityId};
use serde_json::{json, Value};

fn r(c: &Catalog, id: EntityId) -> String {
    c.entity(id).entity_ref.to_string()
}

fn d(x: Dur) -> Value {
    match x.seconds() {
        Some(s) => json!({ "seconds": s, "text": x.to_string() }),
        None => Value::Null,
    }
}

/// The report's data.
pub fn json(report: &Report, c: &Catalog) -> Value {
    let refs = |v: &[EntityId]| v.iter().map(|&id| r(c, id)).collect::<Vec<_>>();
    json!({
        "today": report.today.to_string(),
        "functions": refs(&report.functions),
        "suppliers": report.ranking.iter().map(|x| json!({
            "ref": r(c, x.id),
            "tier": x.tier,
            "score": x.score,
            "stops": x.stops.iter().map(|f| r(c, f.function)).collect::<Vec<_>>(),
            "degrades": x.degrades.iter().map(|f| r(c, f.function)).collect::<Vec<_>>(),
            "outage": { "duration": d(x.outage.duration), "durationSource": x.outage.source.as_str(), "breaches": refs(&x.outage.breaches) },
            "permanent": { "duration": d(x.permanent.duration), "durationSource": x.permanent.source.as_str(), "breaches": refs(&x.permanent.breaches) },
            "readiness": {
                "statement": x.readiness.statement.describe(),
                "rtoAdequate": x.readiness.rto_adequate,
                "escrow": x.readiness.escrow.describe(),
                "exit": x.readiness.exit.describe(),
                "exitWithinTolerance": x.readiness.exit_within_tolerance,
                "alternatives": x.readiness.alternatives,
                "owner": x.readiness.owner,
            },
        })).collect::<Vec<_>>(),
        "concentration": {
            "functions": report.concentration.functions,
            "suppliers": report.concentration.suppliers.iter().map(|s| json!({
                "ref": r(c, s.id), "country": s.country, "share": s.reach.share, "directShare": s.reach.direct_share, "hidden": refs(&s.reach.hidden),
            })).collect::<Vec<_>>(),
            "countries": report.concentration.countries.iter().map(|k| json!({
                "country": k.country, "suppliers": refs(&k.suppliers), "share": k.reach.share, "directShare": k.reach.direct_share, "hidden": refs(&k.reach.hidden),
            })).collect::<Vec<_>>(),
        },
        "scenarios": report.scenarios.iter().map(|s| json!({
            "scenario": s.scenario.map(|id| r(c, id)),
            "title": s.title,
            "mode": s.spec.mode.as_str(),
            "fail": s.result.failed.iter().map(|f| json!({ "ref": r(c, f.id), "duration": d(f.duration), "durationSource": f.source.as_str() })).collect::<Vec<_>>(),
            "functions": s.result.functions.iter().map(|f| json!({
                "ref": r(c, f.id), "status": f.status.as_str(), "down": d(f.down), "impaired": d(f.impaired),
                "tolerance": f.tolerance.map(d), "breach": f.breach, "path": refs(&f.path),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "timeline": report.timeline.iter().map(|i| json!({
            "date": i.date.to_string(), "what": i.kind.label(), "supplier": r(c, i.supplier), "detail": i.detail, "overdue": i.overdue,
        })).collect::<Vec<_>>(),
        "actions": report.actions.iter().map(|g| json!({
            "owner": g.owner.as_ref().map(|o| o.to_string()),
            "actions": g.actions.iter().map(|a| json!({
                "id": a.finding.id, "severity": a.finding.severity.as_str(), "entity": r(c, a.finding.entity), "message": a.finding.message, "tier": a.tier,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "pictures": report.pictures.iter().map(|(id, p)| json!({
            "supplier": r(c, *id),
            "nodes": p.nodes.iter().map(|n| json!({ "ref": r(c, n.id), "layer": n.layer, "row": n.row, "status": n.status.as_str() })).collect::<Vec<_>>(),
            "edges": p.edges,
            "omitted": p.omitted,
        })).collect::<Vec<_>>(),
    })
}
