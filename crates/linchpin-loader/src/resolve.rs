//! Entities → [`Catalog`]: duplicates, reference resolution, the
//! `dependencyImpact` overlay applied to `dependsOn`, and the implicit edges.

use linchpin_diagnostics::{article, did_you_mean, Diagnostic, Severity, SourceMap};
use linchpin_model::*;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

/// At most this many "did you mean" searches per run: each is a scan over
/// the names of one kind, cheap alone but not for a landscape of typos.
const SUGGESTION_BUDGET: usize = 2_000;

/// Builds the catalog, reporting duplicates and unresolvable refs.
pub fn resolve(
    entities: Vec<Entity>,
    sources: &SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> Catalog {
    // Duplicates: the first definition wins. The entities stay where they
    // are unless there are any (a million entities are 300 MB to move).
    let mut index: FxHashMap<String, EntityId> = FxHashMap::default();
    index.reserve(entities.len());
    let mut duplicates: Vec<usize> = Vec::new();
    for (i, entity) in entities.iter().enumerate() {
        let key = entity.entity_ref.key();
        match index.entry(key) {
            std::collections::hash_map::Entry::Occupied(first) => {
                let first: &Entity = &entities[first.get().index()];
                diagnostics.push(
                    Diagnostic::at(
                        "duplicate-entity",
                        entity.span,
                        format!("`{}` is defined twice", entity.entity_ref),
                    )
                    .with_note(format!(
                        "first defined at {}:{}",
                        sources.path(first.span.file),
                        first.span.line
                    ))
                    .with_help("rename or remove one of the two; this one is ignored"),
                );
                duplicates.push(i);
            }
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(EntityId(i as u32));
            }
        }
    }
    let kept = if duplicates.is_empty() {
        entities
    } else {
        // Drop the later definitions and number the rest anew.
        let mut kept = Vec::with_capacity(entities.len() - duplicates.len());
        let mut skip = duplicates.iter().peekable();
        for (i, entity) in entities.into_iter().enumerate() {
            if skip.peek() == Some(&&i) {
                skip.next();
                continue;
            }
            kept.push(entity);
        }
        for (i, entity) in kept.iter().enumerate() {
            index.insert(entity.entity_ref.key(), EntityId(i as u32));
        }
        kept
    };

    let mut suggester = Suggester {
        entities: &kept,
        names_by_kind: None,
        left: SUGGESTION_BUDGET,
    };
    let mut r = Resolver::new(&index);

    // Who provides each API.
    let mut providers: FxHashMap<usize, Vec<EntityId>> = FxHashMap::default();
    for (i, e) in kept.iter().enumerate() {
        if let Spec::Component(c) = &e.spec {
            for api in &c.provides_apis {
                if let Some(a) = r.edge(api, Some(&Kind::Api), "providesApis") {
                    providers.entry(a).or_default().push(EntityId(i as u32));
                }
            }
        }
    }
    suggester.finish(std::mem::take(&mut r.found), diagnostics);

    // Each entity's refs on all cores; then, in entity order, the edges
    // into place and the diagnostics out, so that the result is the same
    // as one pass in order.
    let resolved: Vec<EntityEdges<'_>> = kept
        .par_iter()
        .enumerate()
        .map_init(
            || Resolver::new(&index),
            |r, (i, e)| entity_edges(r, &providers, i, e),
        )
        .collect();
    let mut deps: Vec<Vec<Dependency>> = Vec::with_capacity(kept.len());
    // Edges of parts that come before their system: they go before the
    // system's own edges, as a pass in order puts them.
    let mut early: FxHashMap<usize, Vec<Dependency>> = FxHashMap::default();
    let mut reverse: Vec<(usize, Dependency)> = Vec::new();
    for (i, out) in resolved.into_iter().enumerate() {
        reverse.extend(out.reverse);
        suggester.finish(out.found, diagnostics);
        let mut own = out.own;
        if let Some(mut before) = early.remove(&i) {
            before.append(&mut own);
            own = before;
        }
        deps.push(own);
        if let Some((system, edge)) = out.system {
            if system <= i {
                deps[system].push(edge);
            } else {
                early.entry(system).or_default().push(edge);
            }
        }
    }
    // `dependencyOf` edges last: the holder's own word on the target (a
    // `dependsOn`, perhaps qualified as degraded or an `anyOf` option)
    // stands; otherwise the holder depends on it, hard.
    for (holder, edge) in reverse {
        let DepTarget::One(target) = edge.target else {
            continue;
        };
        if !deps[holder]
            .iter()
            .any(|d| d.target.entities().contains(&target))
        {
            deps[holder].push(edge);
        }
    }
    Catalog::from_indexed_parts(kept, index, deps)
}

/// What resolving one entity gives: its own edges, the edge it adds to its
/// system (a system is down when a part is), and the diagnostics, in order.
struct EntityEdges<'r> {
    own: Vec<Dependency>,
    system: Option<(usize, Dependency)>,
    /// The edges its `dependencyOf` adds to other entities.
    reverse: Vec<(usize, Dependency)>,
    found: Vec<Found<'r>>,
}

fn entity_edges<'r>(
    r: &mut Resolver<'r>,
    providers: &FxHashMap<usize, Vec<EntityId>>,
    i: usize,
    e: &'r Entity,
) -> EntityEdges<'r> {
    let mut out = EntityEdges {
        own: Vec::new(),
        system: None,
        reverse: Vec::new(),
        found: Vec::new(),
    };
    if let Some(d) = e.dependencies() {
        r.declared(d, &mut out.own);
        for of in &d.dependency_of {
            if let Some(holder) = r.edge(of, None, "dependencyOf") {
                if holder != i {
                    out.reverse.push((
                        holder,
                        Dependency {
                            target: DepTarget::One(EntityId(i as u32)),
                            impact: Impact::Down,
                            origin: EdgeOrigin::DependencyOf(of.span),
                        },
                    ));
                }
            }
        }
    }
    match &e.spec {
        Spec::Component(c) => {
            for api in &c.consumes_apis {
                let Some(a) = r.edge(api, Some(&Kind::Api), "consumesApis") else {
                    continue;
                };
                for &provider in providers.get(&a).map(Vec::as_slice).unwrap_or_default() {
                    if provider.index() != i {
                        out.own.push(Dependency {
                            target: DepTarget::One(provider),
                            impact: Impact::Down,
                            origin: EdgeOrigin::ConsumesApi {
                                api: EntityId(a as u32),
                                span: api.span,
                            },
                        });
                    }
                }
            }
            out.system = r.system_part(c.system.as_ref(), i);
            r.relation(
                c.subcomponent_of.as_ref(),
                &[Kind::Component],
                "subcomponentOf",
            );
        }
        Spec::Api(a) => {
            out.system = r.system_part(a.system.as_ref(), i);
        }
        Spec::Resource(res) => out.system = r.system_part(res.system.as_ref(), i),
        Spec::System(s) => r.relation(s.domain.as_ref(), &[Kind::Domain], "domain"),
        Spec::Domain(d) => r.relation(d.subdomain_of.as_ref(), &[Kind::Domain], "subdomainOf"),
        Spec::Group(g) => {
            r.relation(g.parent.as_ref(), &[Kind::Group], "parent");
            for c in &g.children {
                r.relation(Some(c), &[Kind::Group], "children");
            }
            for m in &g.members {
                r.relation(Some(m), &[Kind::User], "members");
            }
        }
        Spec::User(u) => {
            for m in &u.member_of {
                r.relation(Some(m), &[Kind::Group], "memberOf");
            }
        }
        Spec::Supplier(s) => {
            r.relation(s.parent.as_ref(), &[Kind::Supplier], "parent");
            if let Some(exit) = &s.exit {
                for alt in &exit.alternatives {
                    r.relation(Some(alt), &[Kind::Supplier], "exit.alternatives");
                }
                r.relation(
                    exit.owner.as_ref(),
                    &[Kind::Group, Kind::User],
                    "exit.owner",
                );
            }
            if let Some(escrow) = &s.escrow {
                r.relation(
                    escrow.maintainer.as_ref(),
                    &[Kind::Group, Kind::User],
                    "escrow.maintainer",
                );
            }
            if let Some(g) = &s.group_entity {
                r.required(g, &[Kind::LegalEntity], "groupEntity");
            }
            for c in &s.contracts {
                for e in &c.signed_by {
                    r.required(e, &[Kind::LegalEntity], "signedBy");
                }
                for u in &c.used_by {
                    r.required(&u.entity, &[Kind::LegalEntity], "usedBy");
                }
                for service in &c.services {
                    for func in &service.functions {
                        r.required(func, &[Kind::BusinessFunction], "services.functions");
                    }
                }
            }
        }
        Spec::BusinessFunction(func) => {
            for e in &func.register.legal_entities {
                r.required(e, &[Kind::LegalEntity], "legalEntities");
            }
        }
        Spec::LegalEntity(le) => {
            if let Some(p) = &le.parent {
                r.required(p, &[Kind::LegalEntity], "parent");
            }
        }
        Spec::Scenario(s) => {
            for f in &s.fail {
                r.edge(f, None, "fail");
            }
        }
        Spec::Location(_) | Spec::Other => {}
    }
    if let Some(owner) = e.owner() {
        r.relation(Some(owner), &[Kind::Group, Kind::User], "owner");
    }
    out.found = std::mem::take(&mut r.found);
    out
}

/// Looks refs up; one per thread. Diagnostics wait in `found` for the
/// [`Suggester`], which runs in entity order.
struct Resolver<'r> {
    index: &'r FxHashMap<String, EntityId>,
    /// Reused buffer for lookup keys.
    key: String,
    found: Vec<Found<'r>>,
}

/// A diagnostic of resolution; a dangling ref still needs its help.
enum Found<'r> {
    Done(Diagnostic),
    Dangling(Diagnostic, &'r EntityRef),
}

/// Adds "did you mean" to dangling refs, in entity order, within a budget.
struct Suggester<'r> {
    entities: &'r [Entity],
    names_by_kind: Option<FxHashMap<Kind, Vec<(String, &'r EntityRef)>>>,
    left: usize,
}

impl<'r> Suggester<'r> {
    fn finish(&mut self, found: Vec<Found<'_>>, diagnostics: &mut Vec<Diagnostic>) {
        for f in found {
            diagnostics.push(match f {
                Found::Done(d) => d,
                Found::Dangling(d, r) => match self.suggestion(r) {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None => d.with_help(format!(
                        "add {} {} named `{}`, or correct the reference",
                        article(r.kind.display_name()),
                        r.kind.display_name(),
                        r.name
                    )),
                },
            });
        }
    }

    fn suggestion(&mut self, r: &EntityRef) -> Option<String> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let entities = self.entities;
        let names = self.names_by_kind.get_or_insert_with(|| {
            let mut m: FxHashMap<Kind, Vec<(String, &EntityRef)>> = FxHashMap::default();
            for e in entities {
                m.entry(e.entity_ref.kind.clone())
                    .or_default()
                    .push((e.entity_ref.name.to_ascii_lowercase(), &e.entity_ref));
            }
            m
        });
        let candidates = names.get(&r.kind)?;
        let near = did_you_mean(&r.name, candidates.iter().map(|(n, _)| n.as_str()))?;
        candidates
            .iter()
            .find(|(n, _)| n == near)
            .map(|(_, found)| found.to_string())
    }
}

impl<'r> Resolver<'r> {
    fn new(index: &'r FxHashMap<String, EntityId>) -> Resolver<'r> {
        Resolver {
            index,
            key: String::new(),
            found: Vec::new(),
        }
    }

    fn lookup(&mut self, r: &EntityRef) -> Option<usize> {
        r.write_key(&mut self.key);
        self.index.get(&self.key).map(|id| id.index())
    }

    /// Resolves a ref on an impact edge: a dangling ref is an error.
    fn edge(
        &mut self,
        r: &'r Spanned<EntityRef>,
        kind: Option<&Kind>,
        field: &str,
    ) -> Option<usize> {
        self.resolve(
            r,
            kind.map(std::slice::from_ref).unwrap_or_default(),
            field,
            Severity::Error,
        )
    }

    /// Resolves a ref on a relation that is not an impact edge: a warning.
    /// Resolves a ref the register is written from: a dangling one is an
    /// error, since the register would silently lose or misplace a row.
    fn required(&mut self, r: &'r Spanned<EntityRef>, kinds: &[Kind], field: &str) {
        self.resolve(r, kinds, field, Severity::Error);
    }

    fn relation(&mut self, r: Option<&'r Spanned<EntityRef>>, kinds: &[Kind], field: &str) {
        if let Some(r) = r {
            self.resolve(r, kinds, field, Severity::Warning);
        }
    }

    fn resolve(
        &mut self,
        r: &'r Spanned<EntityRef>,
        kinds: &[Kind],
        field: &str,
        severity: Severity,
    ) -> Option<usize> {
        match self.lookup(&r.value) {
            Some(i) => {
                if !kinds.is_empty() && !kinds.contains(&r.value.kind) {
                    let expected: Vec<_> = kinds.iter().map(Kind::display_name).collect();
                    let found = r.value.kind.display_name();
                    self.found.push(Found::Done(
                        Diagnostic::at(
                            "wrong-ref-kind",
                            r.span,
                            format!(
                                "`{field}` must name {} {}, but `{}` is {} {found}",
                                article(expected[0]),
                                expected.join(" or "),
                                r.value,
                                article(found)
                            ),
                        )
                        .with_severity(severity),
                    ));
                    return None;
                }
                Some(i)
            }
            None => {
                let code = if severity == Severity::Error {
                    "dangling-ref"
                } else {
                    "dangling-relation"
                };
                let d = Diagnostic::at(
                    code,
                    r.span,
                    format!("`{}` (in `{field}`) does not exist", r.value),
                );
                self.found.push(Found::Dangling(d, &r.value));
                None
            }
        }
    }

    /// The edge a part adds to its system, with the system's index.
    fn system_part(
        &mut self,
        system: Option<&'r Spanned<EntityRef>>,
        part: usize,
    ) -> Option<(usize, Dependency)> {
        let s = self.edge(system?, Some(&Kind::System), "system")?;
        Some((
            s,
            Dependency {
                target: DepTarget::One(EntityId(part as u32)),
                impact: Impact::Down,
                origin: EdgeOrigin::SystemPart,
            },
        ))
    }

    fn declared(&mut self, d: &'r Dependencies, out: &mut Vec<Dependency>) {
        // Which overlay entry qualifies each ref: the first that names it.
        // A few entries are searched in place; many go through a map.
        let names = |entry: &'r OverlayEntry| -> &'r [Spanned<EntityRef>] {
            match &entry.target {
                OverlayTarget::Ref(r) => std::slice::from_ref(r),
                OverlayTarget::AnyOf(options) => options,
            }
        };
        let mut qualifier: FxHashMap<String, usize> = FxHashMap::default();
        if d.overlay.len() > 8 {
            for (i, entry) in d.overlay.iter().enumerate() {
                for r in names(entry) {
                    qualifier.entry(r.value.key()).or_insert(i);
                }
            }
        }
        for r in &d.depends_on {
            let entry = if d.overlay.len() > 8 {
                qualifier.get(&r.value.key()).map(|&i| &d.overlay[i])
            } else {
                d.overlay
                    .iter()
                    .find(|entry| names(entry).iter().any(|o| o.value.same_entity(&r.value)))
            };
            if matches!(entry.map(|e| &e.target), Some(OverlayTarget::AnyOf(_))) {
                continue; // resolved with its group below
            }
            let Some(target) = self.edge(r, None, "dependsOn") else {
                continue;
            };
            out.push(Dependency {
                target: DepTarget::One(EntityId(target as u32)),
                impact: entry.map_or(Impact::Down, |e| e.impact),
                origin: EdgeOrigin::Declared(r.span),
            });
        }
        for entry in &d.overlay {
            let OverlayTarget::AnyOf(options) = &entry.target else {
                continue;
            };
            let resolved: Vec<EntityId> = options
                .iter()
                .filter_map(|o| self.edge(o, None, "anyOf"))
                .map(|i| EntityId(i as u32))
                .collect();
            if resolved.is_empty() {
                continue;
            }
            out.push(Dependency {
                target: DepTarget::AnyOf {
                    options: resolved,
                    switchover: entry.switchover,
                },
                impact: entry.impact,
                origin: EdgeOrigin::Declared(entry.span),
            });
        }
    }
}
