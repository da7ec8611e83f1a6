//! The resolved landscape: entities indexed by reference, and the impact
//! graph between them.

use crate::{Duration, Entity, EntityRef, Impact, Kind, Span};
use rustc_hash::FxHashMap;

/// Index of an entity in a [`Catalog`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntityId(pub u32);

impl EntityId {
    /// The index as `usize`.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// One resolved impact edge: the entity that holds it depends on `target`.
#[derive(Debug, Clone, PartialEq)]
pub struct Dependency {
    /// What is depended on.
    pub target: DepTarget,
    /// What losing it does (for `anyOf`: losing every option).
    pub impact: Impact,
    /// Why the edge exists (what it delivers and any note stay on the
    /// entity's `dependencyImpact` entry, where `origin` points).
    pub origin: EdgeOrigin,
}

/// The target of a [`Dependency`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DepTarget {
    /// A single entity.
    One(EntityId),
    /// Alternatives: the first is active; switching to another takes `switchover`.
    AnyOf {
        /// The options, active first.
        options: Vec<EntityId>,
        /// Time to switch to another option.
        switchover: Duration,
    },
}

impl DepTarget {
    /// Every entity the edge points at.
    pub fn entities(&self) -> &[EntityId] {
        match self {
            DepTarget::One(id) => std::slice::from_ref(id),
            DepTarget::AnyOf { options, .. } => options,
        }
    }
}

/// Why an edge exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeOrigin {
    /// Written in `dependsOn` (and possibly qualified by `dependencyImpact`),
    /// at this position.
    Declared(Span),
    /// Implied by `consumesApis`: the consumer depends on the API's provider.
    ConsumesApi {
        /// The API through which the dependency runs.
        api: EntityId,
        /// Where the API is consumed.
        span: Span,
    },
    /// Implied by `spec.system`: a System depends on each of its parts.
    SystemPart,
    /// Implied by the target's `dependencyOf`, written at this position.
    DependencyOf(Span),
}

/// Every entity of a landscape with its impact graph.
#[derive(Debug, Default, Clone)]
pub struct Catalog {
    entities: Vec<Entity>,
    index: FxHashMap<String, EntityId>,
    dependencies: Vec<Vec<Dependency>>,
}

impl Catalog {
    /// Builds a catalog from entities already de-duplicated by the loader,
    /// and one list of dependencies per entity.
    ///
    /// # Panics
    /// If `dependencies` does not have one entry per entity (a loader bug).
    pub fn from_parts(entities: Vec<Entity>, dependencies: Vec<Vec<Dependency>>) -> Catalog {
        assert_eq!(entities.len(), dependencies.len());
        let index = entities
            .iter()
            .enumerate()
            .map(|(i, e)| (e.entity_ref.key(), EntityId(i as u32)))
            .collect();
        Catalog {
            entities,
            index,
            dependencies,
        }
    }

    /// Like [`Catalog::from_parts`], with the index by [`EntityRef::key`]
    /// already built (the loader builds it while finding duplicates).
    ///
    /// # Panics
    /// If the lengths differ (a loader bug).
    pub fn from_indexed_parts(
        entities: Vec<Entity>,
        index: FxHashMap<String, EntityId>,
        dependencies: Vec<Vec<Dependency>>,
    ) -> Catalog {
        assert_eq!(entities.len(), dependencies.len());
        assert_eq!(entities.len(), index.len());
        Catalog {
            entities,
            index,
            dependencies,
        }
    }

    /// Every entity, in load order.
    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }

    /// Number of entities.
    pub fn len(&self) -> usize {
        self.entities.len()
    }

    /// Whether the catalog has no entity.
    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }

    /// The entity with this id.
    pub fn entity(&self, id: EntityId) -> &Entity {
        &self.entities[id.index()]
    }

    /// Every id with its entity.
    pub fn iter(&self) -> impl Iterator<Item = (EntityId, &Entity)> {
        self.entities
            .iter()
            .enumerate()
            .map(|(i, e)| (EntityId(i as u32), e))
    }

    /// The entities of one kind.
    pub fn of_kind<'a>(&'a self, kind: &'a Kind) -> impl Iterator<Item = (EntityId, &'a Entity)> {
        self.iter().filter(move |(_, e)| e.kind() == kind)
    }

    /// Looks a reference up (case-insensitively, as Backstage does).
    pub fn lookup(&self, entity_ref: &EntityRef) -> Option<EntityId> {
        self.index.get(&entity_ref.key()).copied()
    }

    /// Looks up a key as [`EntityRef::key`] makes it.
    pub fn lookup_key(&self, key: &str) -> Option<EntityId> {
        self.index.get(key).copied()
    }

    /// Resolves a ref a person typed: `kind:namespace/name`, or a bare name
    /// that only one entity has. The error says what is wrong, with a
    /// "did you mean" where a near name exists.
    pub fn resolve(&self, text: &str) -> Result<EntityId, String> {
        let text = text.trim();
        if let Ok(r) = EntityRef::parse(text, None, "default") {
            return self.lookup(&r).ok_or_else(|| {
                let names = self
                    .iter()
                    .filter(|(_, e)| e.entity_ref.kind == r.kind)
                    .map(|(_, e)| e.entity_ref.name.as_str());
                let hint = linchpin_diagnostics::did_you_mean(&r.name, names)
                    .map(|n| format!("; did you mean `{}:{n}`?", r.kind))
                    .unwrap_or_default();
                format!("no entity `{r}` in the landscape{hint}")
            });
        }
        let matches: Vec<EntityId> = self
            .iter()
            .filter(|(_, e)| e.entity_ref.name.eq_ignore_ascii_case(text))
            .map(|(id, _)| id)
            .collect();
        match matches.as_slice() {
            [one] => Ok(*one),
            [] => {
                let names = self.iter().map(|(_, e)| e.entity_ref.name.as_str());
                let hint = linchpin_diagnostics::did_you_mean(text, names)
                    .and_then(|near| {
                        self.iter()
                            .find(|(_, e)| e.entity_ref.name == near)
                            .map(|(_, e)| format!("; did you mean `{}`?", e.entity_ref))
                    })
                    .unwrap_or_default();
                Err(format!("no entity named `{text}` in the landscape{hint}"))
            }
            many => {
                let refs: Vec<String> = many
                    .iter()
                    .map(|&id| format!("`{}`", self.entity(id).entity_ref))
                    .collect();
                Err(format!(
                    "`{text}` is ambiguous: {}; write the kind too",
                    refs.join(", ")
                ))
            }
        }
    }

    /// What an entity depends on: declared and implicit edges.
    pub fn dependencies(&self, id: EntityId) -> &[Dependency] {
        &self.dependencies[id.index()]
    }

    /// The number of impact edges (an `anyOf` counts once per option).
    pub fn edge_count(&self) -> usize {
        self.dependencies
            .iter()
            .flatten()
            .map(|d| d.target.entities().len())
            .sum()
    }
}
