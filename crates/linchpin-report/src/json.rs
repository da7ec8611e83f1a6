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

/// A sequence made one element at a time while it is written.
struct Lazy<F>(F);

impl<F, I> serde::Serialize for Lazy<F>
where
    F: Fn() -> I,
    I: Iterator<Item = Value>,
{
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq((self.0)())
    }
}

/// The report's data, serialized as it is written (on a large landscape
/// the document runs to hundreds of megabytes; building it whole first
/// would hold it in memory twice).
pub fn json<'a>(report: &'a Report, c: &'a Catalog) -> impl serde::Serialize + 'a {
    ReportJson { report, c }
}

struct ReportJson<'a> {
    report: &'a Report,
    c: &'a Catalog,
}

impl serde::Serialize for ReportJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let (report, c) = (self.report, self.c);
        let refs = |v: &[EntityId]| v.iter().map(|&id| r(c, id)).collect::<Vec<_>>();
        // The keys in sorted order, as in every other JSON document Linchpin writes.
        let mut m = serializer.serialize_map(Some(9))?;
        m.serialize_entry(
            "actions",
            &Lazy(|| {
                report.actions.iter().map(move |g| json!({
                    "owner": g.owner.as_ref().map(|o| o.to_string()),
                    "actions": g.actions.iter().map(|a| json!({
                        "id": a.finding.id, "severity": a.finding.severity.as_str(), "entity": r(c, a.finding.entity), "message": a.finding.message, "tier": a.tier,
                    })).collect::<Vec<_>>(),
                }))
            }),
        )?;
        m.serialize_entry(
            "concentration",
            &json!({
                "functions": report.concentration.functions,
                "suppliers": report.concentration.suppliers.iter().map(|s| json!({
                    "ref": r(c, s.id), "country": s.country, "share": s.reach.share, "directShare": s.reach.direct_share, "hidden": refs(&s.reach.hidden),
                })).collect::<Vec<_>>(),
                "countries": report.concentration.countries.iter().map(|k| json!({
                    "country": k.country, "suppliers": refs(&k.suppliers), "share": k.reach.share, "directShare": k.reach.direct_share, "hidden": refs(&k.reach.hidden),
                })).collect::<Vec<_>>(),
            }),
        )?;
        m.serialize_entry("functions", &refs(&report.functions))?;
        m.serialize_entry(
            "pictures",
            &Lazy(|| {
                report.pictures.iter().map(move |(id, p)| json!({
                    "supplier": r(c, *id),
                    "nodes": p.nodes.iter().map(|n| json!({ "ref": r(c, n.id), "layer": n.layer, "row": n.row, "status": n.status.as_str() })).collect::<Vec<_>>(),
                    "edges": p.edges,
                    "omitted": p.omitted,
                }))
            }),
        )?;
        m.serialize_entry(
            "risk",
            &report
                .risk
                .as_ref()
                .map(|x| crate::risk::to_json(c, &x.assessment, x.currency.as_deref(), &x.actions)),
        )?;
        m.serialize_entry(
            "scenarios",
            &Lazy(|| {
                report.scenarios.iter().map(move |s| json!({
                    "scenario": s.scenario.map(|id| r(c, id)),
                    "title": s.title,
                    "mode": s.spec.mode.as_str(),
                    "fail": s.result.failed.iter().map(|f| json!({ "ref": r(c, f.id), "duration": d(f.duration), "durationSource": f.source.as_str() })).collect::<Vec<_>>(),
                    "functions": s.result.functions.iter().map(|f| json!({
                        "ref": r(c, f.id), "status": f.status.as_str(), "down": d(f.down), "impaired": d(f.impaired),
                        "tolerance": f.tolerance.map(d), "breach": f.breach, "path": refs(&f.path),
                        "fallbacks": f.fallbacks.iter().map(|fb| json!({ "at": r(c, fb.at), "from": r(c, fb.from), "to": r(c, fb.to), "after": d(fb.after) })).collect::<Vec<_>>(),
                    })).collect::<Vec<_>>(),
                }))
            }),
        )?;
        m.serialize_entry(
            "suppliers",
            &Lazy(|| {
                report.ranking.iter().map(move |x| json!({
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
                }))
            }),
        )?;
        m.serialize_entry(
            "timeline",
            &Lazy(|| {
                report.timeline.iter().map(move |i| json!({
                    "date": i.date.to_string(), "what": i.kind.label(), "supplier": r(c, i.supplier), "detail": i.detail, "overdue": i.overdue,
                }))
            }),
        )?;
        m.serialize_entry("today", &report.today.to_string())?;
        m.end()
    }
}
