//! Entity references: `[kind:][namespace/]name`, as in Backstage.

use smol_str::SmolStr;
use std::fmt;

/// The kind of an entity. Comparison is case-insensitive at parse time: the
/// enum holds the canonical kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// Backstage Component.
    Component,
    /// Backstage API.
    Api,
    /// Backstage Resource.
    Resource,
    /// Backstage System.
    System,
    /// Backstage Domain.
    Domain,
    /// Backstage Group.
    Group,
    /// Backstage User.
    User,
    /// Backstage Location.
    Location,
    /// Backstage Template (kept, not analysed).
    Template,
    /// Linchpin BusinessFunction.
    BusinessFunction,
    /// Linchpin Supplier.
    Supplier,
    /// Linchpin Scenario.
    Scenario,
    /// Linchpin LegalEntity: a company of the group (DORA's entities in scope).
    LegalEntity,
    /// Any other kind, kept as written (lower-cased).
    Other(Box<str>),
}

impl Kind {
    /// Parses a kind case-insensitively. Never fails: unknown kinds are [`Kind::Other`].
    pub fn parse(s: &str) -> Kind {
        // Without lower-casing into a new string: this runs for every ref.
        const KNOWN: [(&str, Kind); 13] = [
            ("component", Kind::Component),
            ("api", Kind::Api),
            ("resource", Kind::Resource),
            ("system", Kind::System),
            ("domain", Kind::Domain),
            ("group", Kind::Group),
            ("user", Kind::User),
            ("location", Kind::Location),
            ("template", Kind::Template),
            ("businessfunction", Kind::BusinessFunction),
            ("supplier", Kind::Supplier),
            ("scenario", Kind::Scenario),
            ("legalentity", Kind::LegalEntity),
        ];
        KNOWN
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(s))
            .map_or_else(
                || Kind::Other(s.to_ascii_lowercase().into()),
                |(_, k)| k.clone(),
            )
    }

    /// The canonical lower-case form used in refs.
    pub fn as_str(&self) -> &str {
        match self {
            Kind::Component => "component",
            Kind::Api => "api",
            Kind::Resource => "resource",
            Kind::System => "system",
            Kind::Domain => "domain",
            Kind::Group => "group",
            Kind::User => "user",
            Kind::Location => "location",
            Kind::Template => "template",
            Kind::BusinessFunction => "businessfunction",
            Kind::Supplier => "supplier",
            Kind::Scenario => "scenario",
            Kind::LegalEntity => "legalentity",
            Kind::Other(s) => s,
        }
    }

    /// The kind as written in `kind:` fields (`BusinessFunction`, `API`, ...).
    pub fn display_name(&self) -> &str {
        match self {
            Kind::Component => "Component",
            Kind::Api => "API",
            Kind::Resource => "Resource",
            Kind::System => "System",
            Kind::Domain => "Domain",
            Kind::Group => "Group",
            Kind::User => "User",
            Kind::Location => "Location",
            Kind::Template => "Template",
            Kind::BusinessFunction => "BusinessFunction",
            Kind::Supplier => "Supplier",
            Kind::Scenario => "Scenario",
            Kind::LegalEntity => "LegalEntity",
            Kind::Other(s) => s,
        }
    }

    /// Whether this is one of Linchpin's own kinds (`linchpin.dev/v1alpha1`).
    pub fn is_linchpin(&self) -> bool {
        matches!(
            self,
            Kind::BusinessFunction | Kind::Supplier | Kind::Scenario | Kind::LegalEntity
        )
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A reference to an entity in canonical form. Namespace and name are small
/// strings stored inline up to 23 bytes: a large landscape holds millions of
/// refs, and nearly all names fit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntityRef {
    /// The kind.
    pub kind: Kind,
    /// The namespace (`default` unless given).
    pub namespace: SmolStr,
    /// The name.
    pub name: SmolStr,
}

/// Why a reference could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RefError {
    /// The ref is empty.
    #[error("the reference is empty")]
    Empty,
    /// A part (`kind`, `namespace` or `name`) is empty.
    #[error("the {0} of the reference is empty")]
    EmptyPart(&'static str),
    /// The ref has no kind and the field implies none.
    #[error("the reference must name its kind")]
    MissingKind,
    /// Too many separators.
    #[error("a reference is `[kind:][namespace/]name` with at most one `:` and one `/`")]
    Malformed,
}

impl EntityRef {
    /// Builds a ref in the default namespace.
    pub fn new(kind: Kind, name: &str) -> EntityRef {
        EntityRef {
            kind,
            namespace: SmolStr::new_static("default"),
            name: SmolStr::new(name),
        }
    }

    /// Parses `[kind:][namespace/]name`. `default_kind` is the kind the field
    /// implies; `default_namespace` the namespace of the entity holding the ref.
    pub fn parse(
        text: &str,
        default_kind: Option<Kind>,
        default_namespace: &str,
    ) -> Result<EntityRef, RefError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(RefError::Empty);
        }
        let (kind, rest) = match text.split_once(':') {
            Some((k, rest)) if !k.contains('/') => {
                if k.is_empty() {
                    return Err(RefError::EmptyPart("kind"));
                }
                (Some(Kind::parse(k)), rest)
            }
            _ => (None, text),
        };
        if rest.contains(':') {
            return Err(RefError::Malformed);
        }
        let (namespace, name) = match rest.split_once('/') {
            Some((ns, name)) => {
                if ns.is_empty() {
                    return Err(RefError::EmptyPart("namespace"));
                }
                if name.contains('/') {
                    return Err(RefError::Malformed);
                }
                let ns = if ns.bytes().any(|b| b.is_ascii_uppercase()) {
                    SmolStr::new(ns.to_ascii_lowercase())
                } else {
                    SmolStr::new(ns)
                };
                (ns, name)
            }
            None => (SmolStr::new(default_namespace), rest),
        };
        if name.is_empty() {
            return Err(RefError::EmptyPart("name"));
        }
        let kind = kind.or(default_kind).ok_or(RefError::MissingKind)?;
        Ok(EntityRef {
            kind,
            namespace,
            name: SmolStr::new(name),
        })
    }

    /// The lookup key: canonical and lower-cased, since Backstage compares
    /// refs without regard to case.
    pub fn key(&self) -> String {
        let mut key = String::with_capacity(
            self.kind.as_str().len() + self.namespace.len() + self.name.len() + 2,
        );
        self.write_key(&mut key);
        key
    }

    /// Whether two refs name the same entity (as their keys compare),
    /// without building the keys.
    pub fn same_entity(&self, other: &EntityRef) -> bool {
        self.kind == other.kind
            && self.namespace.eq_ignore_ascii_case(&other.namespace)
            && self.name.eq_ignore_ascii_case(&other.name)
    }

    /// Writes the lookup key into `buf` (cleared first): [`EntityRef::key`]
    /// without an allocation, for hot loops.
    pub fn write_key(&self, buf: &mut String) {
        buf.clear();
        buf.push_str(self.kind.as_str());
        buf.push(':');
        let start = buf.len();
        buf.push_str(&self.namespace);
        buf.push('/');
        buf.push_str(&self.name);
        // ASCII letters only, as a char-by-char `to_ascii_lowercase`.
        buf[start..].make_ascii_lowercase();
    }
}

impl fmt::Display for EntityRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}/{}", self.kind, self.namespace, self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str, k: Option<Kind>) -> Result<String, RefError> {
        EntityRef::parse(s, k, "default").map(|r| r.to_string())
    }

    #[test]
    fn parses_backstage_refs() {
        assert_eq!(
            parse("supplier:stripe", None).unwrap(),
            "supplier:default/stripe"
        );
        assert_eq!(
            parse("Component:Payments/checkout", None).unwrap(),
            "component:payments/checkout"
        );
        assert_eq!(
            parse("team-a", Some(Kind::Group)).unwrap(),
            "group:default/team-a"
        );
        assert_eq!(
            parse("user:guest", Some(Kind::Group)).unwrap(),
            "user:default/guest"
        );
        assert_eq!(
            parse("BusinessFunction:checkout", None).unwrap(),
            "businessfunction:default/checkout"
        );
    }

    #[test]
    fn rejects_malformed_refs() {
        assert_eq!(parse("stripe", None), Err(RefError::MissingKind));
        assert_eq!(parse("", None), Err(RefError::Empty));
        assert_eq!(parse(":x", None), Err(RefError::EmptyPart("kind")));
        assert_eq!(parse("a:b:c", None), Err(RefError::Malformed));
        assert_eq!(parse("a:b/c/d", None), Err(RefError::Malformed));
        assert_eq!(parse("a:b/", None), Err(RefError::EmptyPart("name")));
    }

    #[test]
    fn keys_ignore_case() {
        let a = EntityRef::parse("Supplier:Stripe", None, "default").unwrap();
        let b = EntityRef::parse("supplier:default/stripe", None, "default").unwrap();
        assert_eq!(a.key(), b.key());
    }
}
