//! The JSON contract (docs/json.md) for what-if and ranking, shared by the
//! command line and the server's API so that both say the same thing.

use linchpin_engine::rank::{ModeImpact, Reach};
use linchpin_engine::readiness::Readiness;
use linchpin_engine::whatif::{FailureSpec, WhatIf};
use linchpin_engine::{Dur, SupplierRank};
use linchpin_model::{Catalog, EntityId, EntityRef};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
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

/// One ranked supplier.
pub fn supplier_json(catalog: &Catalog, r: &SupplierRank) -> Value {
    serde_json::to_value(SupplierDoc { catalog, rank: r }).unwrap_or_default()
}

/// One ranked supplier as the contract shows it ([`supplier_json`]),
/// written straight to the output: the refs are formatted where they are
/// written, never kept as strings (the ranking of a large landscape is
/// hundreds of megabytes of them). Keys in alphabetical order, as a
/// `serde_json` object has them.
pub struct SupplierDoc<'a> {
    /// The landscape.
    pub catalog: &'a Catalog,
    /// The supplier's entry in the ranking.
    pub rank: &'a SupplierRank,
}

impl Serialize for SupplierDoc<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (catalog, r) = (self.catalog, self.rank);
        let reach = |v: &[Reach]| v.iter().map(|x| x.function).collect::<Vec<_>>();
        // Functions breached in either mode, in the order of their refs as
        // text.
        let mut breaches = r.breached();
        breaches.sort_by(|&a, &b| {
            cmp_as_text(&catalog.entity(a).entity_ref, &catalog.entity(b).entity_ref)
        });
        let mut map = serializer.serialize_map(Some(9))?;
        map.serialize_entry("breaches", &Refs(catalog, &breaches))?;
        map.serialize_entry("degrades", &Refs(catalog, &reach(&r.degrades)))?;
        map.serialize_entry("outage", &ModeDoc(catalog, &r.outage))?;
        map.serialize_entry("permanent", &ModeDoc(catalog, &r.permanent))?;
        map.serialize_entry("readiness", &readiness_json(&r.readiness))?;
        map.serialize_entry("ref", &RefText(&catalog.entity(r.id).entity_ref))?;
        map.serialize_entry("score", &((r.score * 10.0).round() / 10.0))?;
        map.serialize_entry("stops", &Refs(catalog, &reach(&r.stops)))?;
        map.serialize_entry("tier", &r.tier)?;
        map.end()
    }
}

/// How two refs compare as their text `kind:namespace/name` does, without
/// writing it out.
fn cmp_as_text(a: &EntityRef, b: &EntityRef) -> std::cmp::Ordering {
    if a.kind == b.kind && a.namespace == b.namespace {
        return a.name.as_bytes().cmp(b.name.as_bytes());
    }
    fn text(r: &EntityRef) -> impl Iterator<Item = u8> + '_ {
        let sep = |c: u8| std::iter::once(c);
        r.kind
            .as_str()
            .bytes()
            .chain(sep(b':'))
            .chain(r.namespace.bytes())
            .chain(sep(b'/'))
            .chain(r.name.bytes())
    }
    text(a).cmp(text(b))
}

/// A ref, written as text where it is serialized (no `String` per ref).
pub struct RefText<'a>(pub &'a EntityRef);

impl Serialize for RefText<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self.0)
    }
}

/// A list of entities' refs.
struct Refs<'a>(&'a Catalog, &'a [EntityId]);

impl Serialize for Refs<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.1.len()))?;
        for &id in self.1 {
            seq.serialize_element(&RefText(&self.0.entity(id).entity_ref))?;
        }
        seq.end()
    }
}

/// One mode of a supplier's failure.
struct ModeDoc<'a>(&'a Catalog, &'a ModeImpact);

impl Serialize for ModeDoc<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let m = self.1;
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("breaches", &Refs(self.0, &m.breaches))?;
        map.serialize_entry("duration", &dur_json(m.duration))?;
        map.serialize_entry("durationSource", m.source.as_str())?;
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::cmp_as_text;
    use linchpin_model::{EntityRef, Kind};

    /// Breaches are listed in the order of their refs as text; the
    /// comparison must agree with comparing the written refs, also where a
    /// namespace is a prefix of another (`a/` against `a-b/`).
    #[test]
    fn refs_compare_as_their_text() {
        let mut refs = Vec::new();
        for kind in [Kind::BusinessFunction, Kind::Component, Kind::Supplier] {
            for ns in ["a", "a-b", "ab", "a.b", "default", "z"] {
                for name in ["f", "f-1", "f.2", "f1", "g"] {
                    let mut r = EntityRef::new(kind.clone(), name);
                    r.namespace = ns.into();
                    refs.push(r);
                }
            }
        }
        for a in &refs {
            for b in &refs {
                assert_eq!(
                    cmp_as_text(a, b),
                    a.to_string().cmp(&b.to_string()),
                    "{a} against {b}"
                );
            }
        }
    }
}
