//! Evidence grouped per vendor, with a confidence; and the drift against a
//! landscape.

use crate::catalog::VendorCatalog;
use crate::evidence::{Evidence, Kind};
use linchpin_model::{Catalog as Landscape, Criticality, EntityId, Spec};
use std::collections::BTreeMap;

/// How sure discover is that the code relies on a vendor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Confidence {
    /// Several independent kinds of evidence, or structured evidence in several files.
    High,
    /// Structured evidence (a lockfile, an image, an action, ...), or mentions in several files.
    Medium,
    /// A hostname or URL in one file.
    Low,
}

impl Confidence {
    /// The name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::High => "high",
            Confidence::Medium => "medium",
            Confidence::Low => "low",
        }
    }
}

/// One vendor with its evidence.
#[derive(Debug, Clone)]
pub struct Found {
    /// The vendor id.
    pub vendor: String,
    /// The confidence.
    pub confidence: Confidence,
    /// The evidence, by file and line.
    pub evidence: Vec<Evidence>,
    /// The landscape's Supplier for it, if declared.
    pub supplier: Option<EntityId>,
}

/// Groups evidence per vendor, most confident first.
pub fn group(evidence: Vec<Evidence>) -> Vec<Found> {
    let mut by_vendor: BTreeMap<String, Vec<Evidence>> = BTreeMap::new();
    for e in evidence {
        by_vendor.entry(e.vendor.clone()).or_default().push(e);
    }
    let mut found: Vec<Found> = by_vendor
        .into_iter()
        .map(|(vendor, mut evidence)| {
            evidence.sort_by(|a, b| {
                a.file
                    .cmp(&b.file)
                    .then(a.line.cmp(&b.line))
                    .then(a.kind.cmp(&b.kind))
            });
            let kinds: std::collections::BTreeSet<Kind> = evidence.iter().map(|e| e.kind).collect();
            let files: std::collections::BTreeSet<&str> =
                evidence.iter().map(|e| e.file.as_str()).collect();
            let structured = kinds.iter().any(|k| k.is_structured());
            let confidence =
                if structured && (kinds.len() >= 2 || files.len() >= 2) || files.len() >= 5 {
                    Confidence::High
                } else if structured || files.len() >= 2 {
                    Confidence::Medium
                } else {
                    Confidence::Low
                };
            Found {
                vendor,
                confidence,
                evidence,
                supplier: None,
            }
        })
        .collect();
    found.sort_by(|a, b| {
        a.confidence
            .cmp(&b.confidence)
            .then(b.evidence.len().cmp(&a.evidence.len()))
            .then(a.vendor.cmp(&b.vendor))
    });
    found
}

/// The Supplier of the landscape that stands for a vendor: one named like
/// the vendor id, or with the annotation `linchpin.dev/vendor: ID`.
pub fn supplier_for(landscape: &Landscape, vendor: &str) -> Option<EntityId> {
    landscape.iter().find_map(|(id, e)| {
        let Spec::Supplier(_) = &e.spec else {
            return None;
        };
        let named = e.entity_ref.name.eq_ignore_ascii_case(vendor);
        let annotated = e
            .metadata
            .annotation("linchpin.dev/vendor")
            .is_some_and(|v| v.split([',', ' ']).any(|x| x.trim() == vendor));
        (named || annotated).then_some(id)
    })
}

/// Drift against a landscape.
#[derive(Debug, Clone, Default)]
pub struct Drift {
    /// Vendors with evidence and no Supplier entity.
    pub undeclared: Vec<String>,
    /// Suppliers of the landscape with no evidence in the scanned paths.
    pub unseen: Vec<EntityId>,
    /// Evidence in a component's code of a declared supplier the component
    /// does not depend on, not even indirectly: (component, supplier, evidence).
    pub undeclared_dependencies: Vec<(EntityId, EntityId, Evidence)>,
    /// Third-party CI actions not pinned to a commit, in the code of a
    /// component that a critical or important function depends on:
    /// (component, the most critical such function, evidence).
    pub unpinned_actions: Vec<(EntityId, EntityId, Evidence)>,
}

/// Where a component's code lives, relative to the scanned path: the
/// `linchpin.dev/source` annotation (`services/checkout`, `.` for all of
/// it), or the path inside the repository of `backstage.io/source-location`
/// (`url:https://host/org/repo/tree/main/services/checkout`).
pub fn source_path(landscape: &Landscape, component: EntityId) -> Option<String> {
    let m = &landscape.entity(component).metadata;
    if let Some(p) = m.annotation("linchpin.dev/source") {
        return Some(
            p.trim()
                .trim_start_matches("./")
                .trim_end_matches('/')
                .to_owned(),
        );
    }
    let url = m.annotation("backstage.io/source-location")?;
    let url = url.strip_prefix("url:").unwrap_or(url);
    for marker in ["/tree/", "/blob/", "/-/tree/", "/src/branch/"] {
        if let Some((_, rest)) = url.split_once(marker) {
            let path = rest.split_once('/').map_or("", |(_, p)| p);
            return Some(path.trim_end_matches('/').to_owned());
        }
    }
    None
}

/// Matches the findings with the landscape's Suppliers.
pub fn drift(found: &mut [Found], landscape: &Landscape, _catalog: &VendorCatalog) -> Drift {
    let mut drift = Drift::default();
    for f in found.iter_mut() {
        f.supplier = supplier_for(landscape, &f.vendor);
        if f.supplier.is_none() {
            drift.undeclared.push(f.vendor.clone());
        }
    }
    for (id, e) in landscape.iter() {
        if matches!(e.spec, Spec::Supplier(_)) && !found.iter().any(|f| f.supplier == Some(id)) {
            drift.unseen.push(id);
        }
    }
    // Components that say where their code is: does each declared supplier
    // found in that code lie in the component's dependency cone?
    let graph = linchpin_engine::ImpactGraph::new(landscape);
    // For each entity, the most critical of the critical and important
    // functions that depend on it (first by name among equals).
    let mut serves: Vec<Option<EntityId>> = vec![None; landscape.len()];
    let mut functions: Vec<(Criticality, &str, EntityId)> = landscape
        .iter()
        .filter_map(|(id, e)| match &e.spec {
            Spec::BusinessFunction(f) if f.criticality <= Criticality::Important => {
                Some((f.criticality, e.entity_ref.name.as_str(), id))
            }
            _ => None,
        })
        .collect();
    functions.sort();
    // Most critical first; a node already marked has everything below it
    // marked too (by the same or a more critical function): one pass.
    let mut stack: Vec<u32> = Vec::new();
    for &(_, _, function) in &functions {
        stack.push(function.0);
        while let Some(n) = stack.pop() {
            if serves[n as usize].is_some() {
                continue;
            }
            serves[n as usize] = Some(function);
            for edge in graph.edges(n) {
                stack.extend_from_slice(graph.targets(edge));
            }
        }
    }
    for (component, e) in landscape.iter() {
        if !matches!(e.spec, Spec::Component(_)) {
            continue;
        }
        let Some(root) = source_path(landscape, component) else {
            continue;
        };
        let inside = |file: &str| {
            root.is_empty() || root == "." || file == root || file.starts_with(&format!("{root}/"))
        };
        let cone = graph.cone(component.0);
        if let Some(&function) = serves[component.index()].as_ref() {
            for f in found.iter() {
                for ev in f
                    .evidence
                    .iter()
                    .filter(|ev| ev.pinned == Some(false) && inside(&ev.file))
                {
                    drift
                        .unpinned_actions
                        .push((component, function, ev.clone()));
                }
            }
        }
        for f in found.iter() {
            let Some(supplier) = f.supplier else { continue };
            if cone.contains(&supplier.0) {
                continue;
            }
            if let Some(ev) = f.evidence.iter().find(|ev| inside(&ev.file)) {
                drift
                    .undeclared_dependencies
                    .push((component, supplier, ev.clone()));
            }
        }
    }
    drift
}
