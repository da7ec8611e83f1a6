//! YAML tree → [`Entity`], reporting every problem of a document instead of
//! stopping at the first.
//!
//! Each kind lists its known fields; anything else is an `unknown-field`
//! warning with the nearest known field suggested. Fields that Backstage
//! defines are typed as strictly as Backstage's own validator types them, so
//! that whatever Linchpin accepts on a Backstage kind stays valid for
//! Backstage.

use crate::rules;
use crate::yaml::{Node, NodeKind, ScalarType};
use linchpin_diagnostics::{did_you_mean, Diagnostic, Span};
use linchpin_model::*;

/// Fields that make impact edges: a misspelling of one of them is an error
/// (`misspelled-dependency-field`), not a warning.
const DEPENDENCY_FIELDS: &[&str] = &[
    "dependsOn",
    "dependencyImpact",
    "anyOf",
    "consumesApis",
    "providesApis",
    "system",
];

/// Decodes one YAML document into an entity; `None` where the document is
/// too broken to identify an entity (the reasons are in `diagnostics`).
pub fn decode_entity(doc: &Node<'_>, diagnostics: &mut Vec<Diagnostic>) -> Option<Entity> {
    let mut d = Decoder { diagnostics };
    d.entity(doc)
}

struct Decoder<'d> {
    diagnostics: &'d mut Vec<Diagnostic>,
}

/// The entries of a mapping with the path that leads to it.
struct Fields<'n, 'a> {
    entries: &'n [(Node<'a>, Node<'a>)],
    /// Where a missing field is reported: the key that holds this mapping.
    anchor: Span,
    path: String,
    /// The mapping's field table, once [`Decoder::unknown_fields`] checked
    /// the mapping against it: from then on, reading a key the table does
    /// not list is a bug the tests catch (the one list of a kind's fields
    /// drives both the check and the decoding).
    known: std::cell::Cell<&'static [&'static str]>,
}

impl<'n, 'a> Fields<'n, 'a> {
    fn get(&self, key: &str) -> Option<&'n Node<'a>> {
        debug_assert!(
            self.known.get().is_empty() || self.known.get().contains(&key),
            "`{key}` is decoded but not in the field table of `{}`",
            self.path
        );
        self.entries
            .iter()
            .find(|(k, _)| k.as_scalar() == Some(key))
            .map(|(_, v)| v)
    }

    fn key_span(&self, key: &str) -> Option<Span> {
        self.entries
            .iter()
            .find(|(k, _)| k.as_scalar() == Some(key))
            .map(|(k, _)| k.span)
    }

    /// `get`, treating an explicit null like an absent key.
    fn value(&self, key: &str) -> Option<&'n Node<'a>> {
        self.get(key).filter(|v| !v.is_null())
    }

    /// The path of `key` in this mapping, rendered only when a message needs it.
    fn at<'s>(&'s self, key: &'s str) -> Path<'s> {
        Path::Key(&self.path, key)
    }

    fn path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }
}

/// Where a value sits in the document (`spec.dependsOn[2]`), kept as parts
/// so that the string is only built for a message.
#[derive(Clone, Copy)]
enum Path<'p> {
    /// `parent.key` (just `key` at the top).
    Key(&'p str, &'p str),
    /// `list[index]`.
    Item(&'p str, usize),
    /// A path already rendered.
    Full(&'p str),
}

impl std::fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Path::Key("", key) | Path::Full(key) => f.write_str(key),
            Path::Key(parent, key) => write!(f, "{parent}.{key}"),
            Path::Item(list, i) => write!(f, "{list}[{i}]"),
        }
    }
}

const ENVELOPE: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata",
    "spec",
    "relations",
    "status",
];
const METADATA: &[&str] = &[
    "name",
    "namespace",
    "title",
    "description",
    "labels",
    "annotations",
    "tags",
    "links",
    "uid",
    "etag",
    "generation",
];

/// The `spec` fields of each of Linchpin's own kinds: one list per kind,
/// which checks a mapping for unknown fields, bounds what decoding may read
/// ([`Fields::get`]), and which docs/model.md documents (a test checks).
pub const SPEC_FIELDS: &[(&str, &[&str])] = &[
    ("BusinessFunction", FUNCTION_FIELDS),
    ("Supplier", SUPPLIER_FIELDS),
    ("LegalEntity", LEGAL_ENTITY_FIELDS),
    ("Scenario", SCENARIO_FIELDS),
];

/// The `spec` fields of the Backstage kinds, as Backstage's schemas define
/// them plus Linchpin's `dependencyImpact`: the same role as
/// [`SPEC_FIELDS`], documented in docs/model.md's "Backstage kinds" table.
pub const BACKSTAGE_SPEC_FIELDS: &[(&str, &[&str])] = &[
    ("Component", COMPONENT_FIELDS),
    ("API", API_FIELDS),
    ("Resource", RESOURCE_FIELDS),
    ("System", SYSTEM_FIELDS),
    ("Domain", DOMAIN_FIELDS),
    ("Group", GROUP_FIELDS),
    ("User", USER_FIELDS),
    ("Location", LOCATION_FIELDS),
];

const COMPONENT_FIELDS: &[&str] = &[
    "type",
    "lifecycle",
    "owner",
    "system",
    "subcomponentOf",
    "providesApis",
    "consumesApis",
    "dependsOn",
    "dependencyOf",
    "dependencyImpact",
];

const API_FIELDS: &[&str] = &[
    "type",
    "lifecycle",
    "owner",
    "system",
    "definition",
    "remotes",
];

const RESOURCE_FIELDS: &[&str] = &[
    "type",
    "owner",
    "system",
    "dependsOn",
    "dependencyOf",
    "dependencyImpact",
];

const SYSTEM_FIELDS: &[&str] = &["owner", "domain", "type", "dependsOn", "dependencyImpact"];

const DOMAIN_FIELDS: &[&str] = &["owner", "subdomainOf", "type"];

const GROUP_FIELDS: &[&str] = &["type", "profile", "parent", "children", "members"];

const USER_FIELDS: &[&str] = &["profile", "memberOf"];

const LOCATION_FIELDS: &[&str] = &["type", "target", "targets", "presence"];

const FUNCTION_FIELDS: &[&str] = &[
    "criticality",
    "owner",
    "maxTolerableDowntime",
    "rto",
    "rpo",
    "dependsOn",
    "dependencyImpact",
    "licensedActivity",
    "criticalityReasons",
    "lastAssessed",
    "discontinuationImpact",
    "legalEntities",
    "cost",
];

const SUPPLIER_FIELDS: &[&str] = &[
    "type",
    "owner",
    "country",
    "identifiers",
    "parent",
    "dependsOn",
    "dependencyOf",
    "dependencyImpact",
    "continuity",
    "escrow",
    "exit",
    "contracts",
    "legalName",
    "latinName",
    "personType",
    "groupEntity",
    "failures",
];

const LEGAL_ENTITY_FIELDS: &[&str] = &[
    "maintainsRegister",
    "lei",
    "country",
    "entityType",
    "hierarchy",
    "parent",
    "competentAuthority",
    "totalAssets",
    "inRegisterSince",
    "lastUpdated",
    "removedFromRegister",
    "branches",
];

const SCENARIO_FIELDS: &[&str] = &["fail", "mode", "duration"];

impl Decoder<'_> {
    fn push(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    fn entity(&mut self, doc: &Node<'_>) -> Option<Entity> {
        let NodeKind::Map(entries) = &doc.kind else {
            self.push(
                Diagnostic::at(
                    "not-an-entity",
                    doc.span,
                    format!("expected an entity (a mapping with apiVersion, kind, metadata and spec), found {}", doc.shape()),
                )
                .with_help("every YAML document of a landscape file is one entity"),
            );
            return None;
        };
        let top = Fields {
            entries,
            anchor: doc.span,
            path: String::new(),
            known: std::cell::Cell::new(&[]),
        };
        if top.get("kind").is_none() && top.get("apiVersion").is_none() {
            self.push(
                Diagnostic::at(
                    "not-an-entity",
                    doc.span,
                    "this document has no `apiVersion` and no `kind`: it is not an entity",
                )
                .with_help("landscape files hold Backstage-style entities; move other YAML out of the landscape folder"),
            );
            return None;
        }
        self.unknown_fields(&top, ENVELOPE, "an entity");
        let api_version = self.required_string(&top, "apiVersion", "an entity");
        let kind_text = self.required_string(&top, "kind", "an entity");
        let metadata_node = self.required(&top, "metadata", "an entity");
        let (Some(kind_text), Some(metadata_node)) = (kind_text, metadata_node) else {
            return None;
        };
        let kind = Kind::parse(&kind_text.value);
        if !matches!(kind, Kind::Other(_)) && kind.display_name() != kind_text.value {
            self.push(
                Diagnostic::at(
                    "invalid-value",
                    kind_text.span,
                    format!(
                        "kind `{}` must be written `{}`",
                        kind_text.value,
                        kind.display_name()
                    ),
                )
                .with_help("Backstage compares kinds exactly and would reject this entity"),
            );
        }
        let api_version = api_version.map(|v| {
            self.check_api_version(&kind, &v);
            v.value
        });

        let mut metadata_fields = self.fields(metadata_node, "metadata")?;
        metadata_fields.anchor = top.key_span("metadata").unwrap_or(metadata_node.span);
        let metadata = self.metadata(&metadata_fields);
        let name_span = metadata_fields
            .get("name")
            .map_or(metadata_node.span, |n| n.span);
        let metadata = metadata?;
        let ns = metadata.namespace.clone();

        let spec_node = top.value("spec");
        let spec_required = !matches!(kind, Kind::Other(_) | Kind::Template);
        let empty = Node {
            kind: NodeKind::Map(Vec::new()),
            span: top.anchor,
        };
        let mut spec_fields = self.fields(spec_node.unwrap_or(&empty), "spec")?;
        spec_fields.anchor = top.key_span("spec").unwrap_or(top.anchor);
        let what = match kind.display_name().chars().next() {
            Some('A' | 'E' | 'I' | 'O' | 'U') => format!("an {}", kind.display_name()),
            _ => format!("a {}", kind.display_name()),
        };
        let spec = if spec_node.is_none() && spec_required {
            self.push(Diagnostic::at(
                "missing-field",
                top.anchor,
                format!("{} `{}` has no `spec`", kind.display_name(), metadata.name),
            ));
            // Decode the empty spec only to keep the entity: its missing
            // fields are one problem, reported once above.
            let mut scratch = Vec::new();
            Decoder {
                diagnostics: &mut scratch,
            }
            .spec(&kind, &spec_fields, &ns, &what)
        } else {
            self.spec(&kind, &spec_fields, &ns, &what)
        };
        let spec = match (spec, &kind) {
            (Some(spec), _) => spec,
            (None, Kind::Template) => {
                self.push(
                    Diagnostic::at(
                        "unknown-kind",
                        kind_text.span,
                        format!("Template `{}` is kept but not analysed", metadata.name),
                    )
                    .with_help("software templates take no part in the impact analysis"),
                );
                Spec::Other
            }
            (None, Kind::Other(_)) => {
                let known = [
                    "Component",
                    "API",
                    "Resource",
                    "System",
                    "Domain",
                    "Group",
                    "User",
                    "Location",
                    "BusinessFunction",
                    "Supplier",
                    "Scenario",
                ];
                let mut diag = Diagnostic::at(
                    "unknown-kind",
                    kind_text.span,
                    format!(
                        "kind `{}` is not analysed by Linchpin; `{}` is kept but takes no part in the impact analysis",
                        kind_text.value, metadata.name
                    ),
                );
                if let Some(near) = did_you_mean(&kind_text.value, known) {
                    diag = diag.with_help(format!("did you mean `{near}`?"));
                }
                self.push(diag);
                Spec::Other
            }
            (None, _) => return None,
        };
        Some(Entity {
            entity_ref: EntityRef {
                kind,
                namespace: metadata.namespace.as_str().into(),
                name: metadata.name.as_str().into(),
            },
            api_version: api_version.unwrap_or_default(),
            metadata,
            spec,
            span: name_span,
        })
    }

    /// The kind's spec; `None` for kinds Linchpin does not analyse, or where
    /// the spec is too broken to keep the entity.
    fn spec(&mut self, kind: &Kind, f: &Fields<'_, '_>, ns: &str, what: &str) -> Option<Spec> {
        Some(match kind {
            Kind::Component => Spec::Component(Box::new(self.component(f, ns, what))),
            Kind::Api => Spec::Api(Box::new(self.api(f, ns, what))),
            Kind::Resource => Spec::Resource(Box::new(self.resource(f, ns, what))),
            Kind::System => Spec::System(Box::new(self.system(f, ns, what))),
            Kind::Domain => Spec::Domain(Box::new(self.domain(f, ns, what))),
            Kind::Group => Spec::Group(Box::new(self.group(f, ns, what))),
            Kind::User => Spec::User(Box::new(self.user(f, ns, what))),
            Kind::Location => Spec::Location(Box::new(self.location(f, what))),
            Kind::BusinessFunction => Spec::BusinessFunction(Box::new(self.function(f, ns, what)?)),
            Kind::Supplier => Spec::Supplier(Box::new(self.supplier(f, ns, what)?)),
            Kind::Scenario => Spec::Scenario(Box::new(self.scenario(f, ns, what))),
            Kind::LegalEntity => Spec::LegalEntity(Box::new(self.legal_entity(f, ns, what))),
            Kind::Template | Kind::Other(_) => return None,
        })
    }

    fn check_api_version(&mut self, kind: &Kind, api_version: &Spanned<String>) {
        let v = api_version.value.as_str();
        let (ok, expected) = if kind.is_linchpin() {
            (v == "linchpin.dev/v1alpha1", "linchpin.dev/v1alpha1")
        } else if matches!(kind, Kind::Other(_)) {
            (true, "")
        } else if matches!(kind, Kind::Template) {
            (
                v.starts_with("scaffolder.backstage.io/") || v.starts_with("backstage.io/"),
                "scaffolder.backstage.io/v1beta3",
            )
        } else {
            (
                v == "backstage.io/v1alpha1" || v == "backstage.io/v1beta1",
                "backstage.io/v1alpha1",
            )
        };
        if !ok {
            self.push(
                Diagnostic::at(
                    "invalid-api-version",
                    api_version.span,
                    format!(
                        "{} entities use apiVersion `{expected}`, not `{v}`",
                        kind.display_name()
                    ),
                )
                .with_help(format!("write `apiVersion: {expected}`")),
            );
        }
    }

    fn metadata(&mut self, f: &Fields<'_, '_>) -> Option<Metadata> {
        self.unknown_fields(f, METADATA, "metadata");
        let name = self.required_string(f, "name", "an entity");
        if let Some(name) = &name {
            if !rules::is_valid_name(&name.value) {
                self.push(
                    Diagnostic::at(
                        "invalid-name",
                        name.span,
                        format!("`{}` is not a valid entity name", name.value),
                    )
                    .with_help("names are 1–63 characters of a-z, A-Z, 0-9, separated by `-`, `_` or `.`, e.g. `checkout-service`"),
                );
            }
        }
        let namespace = match self.opt_string(f, "namespace") {
            Some(ns) => {
                if !rules::is_valid_namespace(&ns.value) {
                    self.push(
                        Diagnostic::at(
                            "invalid-namespace",
                            ns.span,
                            format!("`{}` is not a valid namespace", ns.value),
                        )
                        .with_help(
                            "namespaces are lower-case letters, digits and `-`, e.g. `payments`",
                        ),
                    );
                }
                ns.value
            }
            None => "default".to_owned(),
        };
        let title = self.opt_string(f, "title").map(|s| s.value);
        let description = self.opt_string(f, "description").map(|s| s.value);
        let labels = self.string_map(f, "labels", true);
        let annotations = self.string_map(f, "annotations", false);
        let mut tags = Vec::new();
        for tag in self.string_list(f, "tags") {
            if !rules::is_valid_tag(&tag.value) {
                self.push(
                    Diagnostic::at("invalid-tag", tag.span, format!("`{}` is not a valid tag", tag.value))
                        .with_help("tags are lower-case letters, digits, `+`, `#` and `:`, separated by single `-`, e.g. `go-1-15`"),
                );
            }
            tags.push(tag.value);
        }
        let mut links = Vec::new();
        if let Some(list) = self.list(f, "links") {
            for (i, item) in list.iter().enumerate() {
                let Some(lf) = self.fields(item, &format!("metadata.links[{i}]")) else {
                    continue;
                };
                self.unknown_fields(&lf, &["url", "title", "icon", "type"], "a link");
                let url = self.required_string(&lf, "url", "a link");
                links.push(Link {
                    url: url.map(|u| u.value).unwrap_or_default(),
                    title: self.opt_string(&lf, "title").map(|s| s.value),
                    icon: self.opt_string(&lf, "icon").map(|s| s.value),
                    link_type: self.opt_string(&lf, "type").map(|s| s.value),
                });
            }
        }
        Some(Metadata {
            name: name?.value,
            namespace,
            title,
            description,
            labels,
            annotations,
            tags,
            links,
        })
    }

    fn component(&mut self, f: &Fields<'_, '_>, ns: &str, what: &str) -> ComponentSpec {
        self.unknown_fields(f, COMPONENT_FIELDS, what);
        let dependency_of = self.ref_list(f, "dependencyOf", None, ns);
        ComponentSpec {
            component_type: self
                .required_string(f, "type", what)
                .map(|s| s.value)
                .unwrap_or_default(),
            lifecycle: self
                .required_string(f, "lifecycle", what)
                .map(|s| s.value)
                .unwrap_or_default(),
            owner: self.required_ref(f, "owner", Some(Kind::Group), ns, what),
            system: self.opt_ref(f, "system", Some(Kind::System), ns),
            subcomponent_of: self.opt_ref(f, "subcomponentOf", Some(Kind::Component), ns),
            provides_apis: self.ref_list(f, "providesApis", Some(Kind::Api), ns),
            consumes_apis: self.ref_list(f, "consumesApis", Some(Kind::Api), ns),
            dependencies: Dependencies {
                dependency_of,
                ..self.dependencies(f, ns)
            },
        }
    }

    fn api(&mut self, f: &Fields<'_, '_>, ns: &str, what: &str) -> ApiSpec {
        self.unknown_fields(f, API_FIELDS, what);
        let spec = ApiSpec {
            api_type: self
                .required_string(f, "type", what)
                .map(|s| s.value)
                .unwrap_or_default(),
            lifecycle: self
                .required_string(f, "lifecycle", what)
                .map(|s| s.value)
                .unwrap_or_default(),
            owner: self.required_ref(f, "owner", Some(Kind::Group), ns, what),
            system: self.opt_ref(f, "system", Some(Kind::System), ns),
        };
        // Backstage's newer schema for MCP and model servers describes
        // transport `remotes` instead of a definition.
        let has_remotes = f.value("remotes").is_some();
        if spec.api_type == "mcp-server" && !has_remotes {
            self.missing(f, "remotes", "an MCP server API");
        }
        if has_remotes {
            match self.list(f, "remotes") {
                None => {}
                Some(remotes) => {
                    for (i, remote) in remotes.iter().enumerate() {
                        if let Some(r) = self.fields(remote, &format!("spec.remotes[{i}]")) {
                            self.unknown_fields(&r, &["type", "url"], "an MCP remote");
                            self.required_string(&r, "type", "an MCP remote");
                            self.required_string(&r, "url", "an MCP remote");
                        }
                    }
                }
            }
        }
        match f.value("definition") {
            None if has_remotes || spec.api_type == "mcp-server" => {}
            None => self.missing(f, "definition", what),
            Some(node) => match &node.kind {
                NodeKind::Scalar(..) => {
                    self.string(node, f.at("definition"));
                }
                // Backstage's placeholders (`$text: ./openapi.yaml`) are
                // substituted at ingestion.
                NodeKind::Map(entries)
                    if entries.len() == 1
                        && entries[0].0.as_scalar().is_some_and(|k| k.starts_with('$')) => {}
                _ => self.wrong_type(
                    node,
                    f.at("definition"),
                    "a string (or a `$text` placeholder)",
                ),
            },
        }
        spec
    }

    fn resource(&mut self, f: &Fields<'_, '_>, ns: &str, what: &str) -> ResourceSpec {
        self.unknown_fields(f, RESOURCE_FIELDS, what);
        let dependency_of = self.ref_list(f, "dependencyOf", None, ns);
        ResourceSpec {
            resource_type: self
                .required_string(f, "type", what)
                .map(|s| s.value)
                .unwrap_or_default(),
            owner: self.required_ref(f, "owner", Some(Kind::Group), ns, what),
            system: self.opt_ref(f, "system", Some(Kind::System), ns),
            dependencies: Dependencies {
                dependency_of,
                ..self.dependencies(f, ns)
            },
        }
    }

    fn system(&mut self, f: &Fields<'_, '_>, ns: &str, what: &str) -> SystemSpec {
        self.unknown_fields(f, SYSTEM_FIELDS, what);
        self.opt_string(f, "type");
        SystemSpec {
            owner: self.required_ref(f, "owner", Some(Kind::Group), ns, what),
            domain: self.opt_ref(f, "domain", Some(Kind::Domain), ns),
            dependencies: self.dependencies(f, ns),
        }
    }

    fn domain(&mut self, f: &Fields<'_, '_>, ns: &str, what: &str) -> DomainSpec {
        self.unknown_fields(f, DOMAIN_FIELDS, what);
        self.opt_string(f, "type");
        DomainSpec {
            owner: self.required_ref(f, "owner", Some(Kind::Group), ns, what),
            subdomain_of: self.opt_ref(f, "subdomainOf", Some(Kind::Domain), ns),
        }
    }

    fn profile(&mut self, f: &Fields<'_, '_>) -> (Option<String>, Option<String>) {
        let Some(p) = self.child(f, "profile") else {
            return (None, None);
        };
        self.unknown_fields(&p, &["displayName", "email", "picture"], "a profile");
        self.opt_string(&p, "picture");
        (
            self.opt_string(&p, "displayName").map(|s| s.value),
            self.opt_string(&p, "email").map(|s| s.value),
        )
    }

    fn group(&mut self, f: &Fields<'_, '_>, ns: &str, what: &str) -> GroupSpec {
        self.unknown_fields(f, GROUP_FIELDS, what);
        let group_type = self
            .required_string(f, "type", what)
            .map(|s| s.value)
            .unwrap_or_default();
        if f.get("children").is_none() {
            self.missing(f, "children", what);
        }
        let (display_name, email) = self.profile(f);
        GroupSpec {
            group_type,
            parent: self.opt_ref(f, "parent", Some(Kind::Group), ns),
            children: self.ref_list(f, "children", Some(Kind::Group), ns),
            members: self.ref_list(f, "members", Some(Kind::User), ns),
            display_name,
            email,
        }
    }

    fn user(&mut self, f: &Fields<'_, '_>, ns: &str, what: &str) -> UserSpec {
        self.unknown_fields(f, USER_FIELDS, what);
        if f.get("memberOf").is_none() {
            self.missing(f, "memberOf", what);
        }
        let (display_name, email) = self.profile(f);
        UserSpec {
            member_of: self.ref_list(f, "memberOf", Some(Kind::Group), ns),
            display_name,
            email,
        }
    }

    fn location(&mut self, f: &Fields<'_, '_>, what: &str) -> LocationSpec {
        self.unknown_fields(f, LOCATION_FIELDS, what);
        let mut targets = Vec::new();
        if let Some(t) = self.opt_string(f, "target") {
            targets.push(t);
        }
        targets.extend(self.string_list(f, "targets"));
        if let Some(p) = self.opt_string(f, "presence") {
            if p.value != "required" && p.value != "optional" {
                self.invalid_value(&p, "spec.presence", &["required", "optional"]);
            }
        }
        LocationSpec {
            location_type: self.opt_string(f, "type").map(|s| s.value),
            targets,
        }
    }

    fn function(&mut self, f: &Fields<'_, '_>, ns: &str, what: &str) -> Option<FunctionSpec> {
        self.unknown_fields(f, FUNCTION_FIELDS, what);
        let criticality = self.required_enum(
            f,
            "criticality",
            what,
            Criticality::NAMES,
            Criticality::parse,
        );
        let spec = FunctionSpec {
            criticality: criticality.unwrap_or(Criticality::Standard),
            owner: self.opt_ref(f, "owner", Some(Kind::Group), ns),
            max_tolerable_downtime: self.opt_duration(f, "maxTolerableDowntime"),
            rto: self.opt_duration(f, "rto"),
            rpo: self.opt_duration(f, "rpo"),
            dependencies: self.dependencies(f, ns),
            register: FunctionRegister {
                licensed_activity: self.opt_code(f, "licensedActivity", "eba_TA:"),
                criticality_reasons: self.opt_string(f, "criticalityReasons"),
                last_assessed: self.opt_date(f, "lastAssessed"),
                discontinuation_impact: self.opt_word(
                    f,
                    "discontinuationImpact",
                    vocabulary::IMPACT,
                ),
                legal_entities: self.ref_list(f, "legalEntities", Some(Kind::LegalEntity), ns),
            },
            cost: self.child(f, "cost").map(|c| self.cost(&c)),
        };
        Some(spec)
    }

    fn supplier(&mut self, f: &Fields<'_, '_>, ns: &str, what: &str) -> Option<SupplierSpec> {
        self.unknown_fields(f, SUPPLIER_FIELDS, what);
        let supplier_type = self
            .required_enum(f, "type", what, SupplierType::NAMES, SupplierType::parse)
            .unwrap_or(SupplierType::Other);
        let country = self.opt_country(f, "country");
        let mut identifiers = Vec::new();
        for (key, value) in self.string_map_spanned(f, "identifiers") {
            if key == "lei" {
                self.check_lei(&value);
            }
            identifiers.push((key, value));
        }
        let continuity = self.child(f, "continuity").map(|c| self.continuity(&c));
        let escrow = self.child(f, "escrow").map(|c| self.escrow(&c, ns));
        let exit = self.child(f, "exit").map(|c| self.exit(&c, ns));
        let mut contracts = Vec::new();
        if let Some(list) = self.list(f, "contracts") {
            for (i, item) in list.iter().enumerate() {
                if let Some(c) = self.contract(item, &format!("{}[{i}]", f.path("contracts")), ns) {
                    contracts.push(c);
                }
            }
        }
        Some(SupplierSpec {
            supplier_type,
            owner: self.opt_ref(f, "owner", Some(Kind::Group), ns),
            country,
            identifiers,
            parent: self.opt_ref(f, "parent", Some(Kind::Supplier), ns),
            dependencies: Dependencies {
                dependency_of: self.ref_list(f, "dependencyOf", None, ns),
                ..self.dependencies(f, ns)
            },
            continuity,
            escrow,
            exit,
            contracts,
            legal_name: self.opt_string(f, "legalName"),
            latin_name: self.opt_string(f, "latinName"),
            person_type: self.opt_word(f, "personType", vocabulary::PERSON_TYPE),
            group_entity: self.opt_ref(f, "groupEntity", Some(Kind::LegalEntity), ns),
            failures: self.child(f, "failures").map(|c| self.failures(&c)),
        })
    }

    /// A BusinessFunction's `cost` (docs/risk.md).
    fn cost(&mut self, f: &Fields<'_, '_>) -> Cost {
        self.unknown_fields(f, &["downPerHour", "degradedPerHour", "steps"], "a cost");
        let mut steps = Vec::new();
        if let Some(list) = self.list(f, "steps") {
            for (i, item) in list.iter().enumerate() {
                let path = format!("{}[{i}]", f.path("steps"));
                let Some(step) = self.fields(item, &path) else {
                    continue;
                };
                self.unknown_fields(&step, &["after", "cost", "note"], "a cost step");
                let after = self.opt_duration(&step, "after");
                if after.is_none() && step.value("after").is_none() {
                    self.missing(&step, "after", "a cost step");
                }
                let cost = self.amount(&step, "cost");
                if cost.is_none() && step.value("cost").is_none() {
                    self.missing(&step, "cost", "a cost step");
                }
                if let (Some(after), Some(cost)) = (after, cost) {
                    steps.push(CostStep {
                        after: after.value,
                        cost,
                        note: self.opt_string(&step, "note").map(|n| n.value),
                        span: item.span,
                    });
                }
            }
        }
        steps.sort_by_key(|s| s.after);
        Cost {
            down_per_hour: self.amount(f, "downPerHour").unwrap_or(0.0),
            degraded_per_hour: self.amount(f, "degradedPerHour").unwrap_or(0.0),
            steps,
            span: f.anchor,
        }
    }

    /// A Supplier's `failures` (docs/risk.md).
    fn failures(&mut self, f: &Fields<'_, '_>) -> FailureData {
        self.unknown_fields(
            f,
            &[
                "sla",
                "perYear",
                "duration",
                "incidents",
                "incidentsFile",
                "since",
                "permanentPerYear",
            ],
            "failures",
        );
        let sla = self.percentage(f, "sla");
        if let Some(s) = &sla {
            if s.value < 0.5 || s.value >= 1.0 {
                self.push(
                    Diagnostic::at(
                        "invalid-value",
                        s.span,
                        format!(
                            "`{}` must be an availability from 50 % to below 100 %",
                            f.path("sla")
                        ),
                    )
                    .with_help("write the committed availability as a percentage: `99.9%`"),
                );
            }
        }
        let permanent = self.percentage(f, "permanentPerYear");
        if let Some(p) = &permanent {
            if p.value >= 1.0 {
                self.push(
                    Diagnostic::at(
                        "invalid-value",
                        p.span,
                        format!("`{}` must be below 100 %", f.path("permanentPerYear")),
                    )
                    .with_help("the probability of failing for good within a year, e.g. `0.5%`"),
                );
            }
        }
        let per_year = f.value("perYear").and_then(|node| {
            let value = self.amount(f, "perYear")?;
            Some(Spanned::new(value, node.span))
        });
        let duration = self.child(f, "duration").and_then(|d| {
            self.unknown_fields(&d, &["median", "p90"], "a duration distribution");
            let median = self.opt_duration(&d, "median");
            if median.is_none() && d.value("median").is_none() {
                self.missing(&d, "median", "a duration distribution");
            }
            let p90 = self.opt_duration(&d, "p90");
            let median = median?;
            if let Some(p) = &p90 {
                if p.value < median.value || median.value.seconds() == 0 {
                    self.push(Diagnostic::at(
                        "invalid-value",
                        p.span,
                        format!(
                            "`{}` must be at least the median, and the median more than zero",
                            d.path("p90")
                        ),
                    ));
                    return None;
                }
            }
            Some(DurationDistribution {
                median: median.value,
                p90: p90.map(|p| p.value),
                span: d.anchor,
            })
        });
        let mut incidents = Vec::new();
        if let Some(list) = self.list(f, "incidents") {
            for (i, item) in list.iter().enumerate() {
                let path = format!("{}[{i}]", f.path("incidents"));
                let Some(inc) = self.fields(item, &path) else {
                    continue;
                };
                self.unknown_fields(&inc, &["start", "duration", "note"], "an incident");
                let start = inc.value("start").and_then(|node| {
                    let text = node.as_scalar()?;
                    match incident_day(text) {
                        Some(d) => Some(d),
                        None => {
                            self.push(
                                Diagnostic::at(
                                    "invalid-date",
                                    node.span,
                                    format!("`{text}` is not a valid date for `{}`", inc.path("start")),
                                )
                                .with_help("write `YYYY-MM-DD` or an ISO 8601 time such as `2026-03-04T10:15:00Z`"),
                            );
                            None
                        }
                    }
                });
                if inc.value("start").is_none() {
                    self.missing(&inc, "start", "an incident");
                }
                if inc.value("duration").is_none() {
                    self.missing(&inc, "duration", "an incident");
                }
                let duration = self.opt_duration(&inc, "duration");
                self.opt_string(&inc, "note");
                if let (Some(start), Some(duration)) = (start, duration) {
                    incidents.push(Incident {
                        start,
                        duration: duration.value,
                        span: item.span,
                    });
                }
            }
        }
        FailureData {
            sla,
            per_year,
            duration,
            incidents,
            incidents_file: self.opt_string(f, "incidentsFile"),
            since: self.opt_date(f, "since"),
            permanent_per_year: permanent,
            span: f.anchor,
        }
    }

    /// A number of zero or more.
    fn amount(&mut self, f: &Fields<'_, '_>, key: &str) -> Option<f64> {
        let node = f.value(key)?;
        let value = match node.scalar_type() {
            Some(ScalarType::Int | ScalarType::Float) => node
                .as_scalar()
                .and_then(|s| s.replace('_', "").parse::<f64>().ok()),
            _ => None,
        };
        match value {
            Some(v) if v >= 0.0 && v.is_finite() => Some(v),
            Some(_) => {
                self.push(Diagnostic::at(
                    "invalid-value",
                    node.span,
                    format!("`{}` is negative; amounts are zero or more", f.path(key)),
                ));
                None
            }
            None => {
                self.wrong_type(node, f.at(key), "a number");
                None
            }
        }
    }

    /// A percentage, `99.95%` or `99.95`, as a fraction.
    fn percentage(&mut self, f: &Fields<'_, '_>, key: &str) -> Option<Spanned<f64>> {
        let node = f.value(key)?;
        let text = node.as_scalar().unwrap_or_default();
        let number = text.trim().trim_end_matches('%').trim();
        match number.parse::<f64>() {
            Ok(v) if (0.0..=100.0).contains(&v) => Some(Spanned::new(v / 100.0, node.span)),
            _ => {
                self.push(
                    Diagnostic::at(
                        "invalid-value",
                        node.span,
                        format!("`{text}` is not a percentage for `{}`", f.path(key)),
                    )
                    .with_help(
                        "write a percentage from 0 to 100, e.g. `99.9%` (the sign may be left out)",
                    ),
                );
                None
            }
        }
    }

    fn check_lei(&mut self, value: &Spanned<String>) {
        if !rules::is_valid_lei(&value.value) {
            self.push(
                Diagnostic::at("invalid-lei", value.span, format!("`{}` is not a valid LEI", value.value))
                    .with_help("an LEI is 20 upper-case letters and digits ending in two check digits; copy it from the GLEIF database"),
            );
        }
    }

    fn country(&mut self, c: &Spanned<String>) {
        if !rules::is_valid_country(&c.value) {
            let mut d = Diagnostic::at(
                "invalid-country",
                c.span,
                format!("`{}` is not an ISO 3166-1 alpha-2 country code", c.value),
            );
            d = d.with_help(if c.value.eq_ignore_ascii_case("uk") {
                "the United Kingdom's code is `GB`".to_owned()
            } else {
                "use two upper-case letters, e.g. `DE`, `US`, `GB`".to_owned()
            });
            self.push(d);
        }
    }

    fn opt_country(&mut self, f: &Fields<'_, '_>, key: &str) -> Option<Spanned<String>> {
        let c = self.opt_string(f, key)?;
        self.country(&c);
        Some(c)
    }

    /// A country or a list of countries.
    fn countries(&mut self, f: &Fields<'_, '_>, key: &str) -> Vec<Spanned<String>> {
        let list = match f.value(key) {
            None => return Vec::new(),
            Some(n) if matches!(n.kind, NodeKind::Scalar(..)) => {
                self.string(n, f.at(key)).into_iter().collect()
            }
            Some(_) => self.string_list(f, key),
        };
        for c in &list {
            self.country(c);
        }
        list
    }

    /// A word of one of DORA's closed lists ([`vocabulary`]).
    fn opt_word(
        &mut self,
        f: &Fields<'_, '_>,
        key: &str,
        words: &[&str],
    ) -> Option<Spanned<String>> {
        let s = self.opt_string(f, key)?;
        if !words.contains(&s.value.as_str()) {
            self.invalid_value(&s, &f.path(key), words);
            return None;
        }
        Some(s)
    }

    /// A taxonomy code such as `eba_TA:x133`, checked for its prefix here;
    /// the register checks it against the taxonomy's list.
    fn opt_code(&mut self, f: &Fields<'_, '_>, key: &str, prefix: &str) -> Option<Spanned<String>> {
        let s = self.opt_string(f, key)?;
        let rest = s.value.strip_prefix(prefix).unwrap_or_default();
        if rest.is_empty() || !rest.bytes().all(|b| b.is_ascii_alphanumeric()) {
            self.push(
                Diagnostic::at(
                    "invalid-value",
                    s.span,
                    format!("`{}` is not a code of the DORA taxonomy for `{}`", s.value, f.path(key)),
                )
                .with_help(format!("write the taxonomy code, e.g. `{prefix}x12`; docs/dora.md lists where to find them")),
            );
            return None;
        }
        Some(s)
    }

    fn opt_bool(&mut self, f: &Fields<'_, '_>, key: &str) -> Option<bool> {
        let node = f.value(key)?;
        if node.scalar_type() == Some(ScalarType::Bool) {
            Some(
                node.as_scalar()
                    .unwrap_or_default()
                    .eq_ignore_ascii_case("true"),
            )
        } else {
            self.wrong_type(node, f.at(key), "`true` or `false`");
            None
        }
    }

    fn money(&mut self, f: &Fields<'_, '_>, key: &str) -> Option<Money> {
        f.value(key)?;
        let m = self.child(f, key)?;
        self.unknown_fields(&m, &["amount", "currency"], "an amount");
        let amount = match m.value("amount") {
            None => {
                self.missing(&m, "amount", "an amount");
                None
            }
            Some(a) => match a.scalar_type() {
                Some(ScalarType::Int | ScalarType::Float) => {
                    a.as_scalar().and_then(|s| s.parse::<f64>().ok())
                }
                _ => {
                    self.wrong_type(a, m.at("amount"), "a number");
                    None
                }
            },
        };
        if let Some(a) = amount {
            if a < 0.0 {
                self.push(Diagnostic::at(
                    "invalid-value",
                    m.value("amount").map_or(m.anchor, |n| n.span),
                    format!(
                        "`{}` is negative; amounts are zero or more",
                        m.path("amount")
                    ),
                ));
            }
        }
        let currency = self.required_string(&m, "currency", "an amount");
        if let Some(c) = &currency {
            if c.value.len() != 3 || !c.value.bytes().all(|b| b.is_ascii_uppercase()) {
                self.push(
                    Diagnostic::at(
                        "invalid-value",
                        c.span,
                        format!("`{}` is not an ISO 4217 currency code", c.value),
                    )
                    .with_help("use three upper-case letters, e.g. `EUR`, `USD`"),
                );
            }
        }
        Some(Money {
            amount: amount?,
            currency: currency?.value,
        })
    }

    fn legal_entity(&mut self, f: &Fields<'_, '_>, ns: &str, what: &str) -> LegalEntitySpec {
        self.unknown_fields(f, LEGAL_ENTITY_FIELDS, what);
        let lei = self.opt_string(f, "lei");
        if let Some(l) = &lei {
            self.check_lei(l);
        }
        let mut branches = Vec::new();
        if let Some(list) = self.list(f, "branches") {
            for (i, item) in list.iter().enumerate() {
                let Some(b) = self.fields(item, &format!("{}[{i}]", f.path("branches"))) else {
                    continue;
                };
                self.unknown_fields(&b, &["code", "name", "country"], "a branch");
                if let Some(code) = self.required_string(&b, "code", "a branch") {
                    branches.push(Branch {
                        code,
                        name: self.opt_string(&b, "name").map(|s| s.value),
                        country: self.opt_country(&b, "country"),
                    });
                }
            }
        }
        LegalEntitySpec {
            maintains_register: self.opt_bool(f, "maintainsRegister").unwrap_or(false),
            lei,
            country: self.opt_country(f, "country"),
            entity_type: self.opt_code(f, "entityType", "eba_CT:"),
            hierarchy: self.opt_word(f, "hierarchy", vocabulary::HIERARCHY),
            parent: self.opt_ref(f, "parent", Some(Kind::LegalEntity), ns),
            competent_authority: self.opt_string(f, "competentAuthority"),
            total_assets: self.money(f, "totalAssets"),
            in_register_since: self.opt_date(f, "inRegisterSince"),
            last_updated: self.opt_date(f, "lastUpdated"),
            removed_from_register: self.opt_date(f, "removedFromRegister"),
            branches,
        }
    }

    fn service(&mut self, node: &Node<'_>, path: &str, ns: &str) -> Option<IctService> {
        let f = self.fields(node, path)?;
        self.unknown_fields(
            &f,
            &[
                "type",
                "functions",
                "providedFrom",
                "dataStorage",
                "dataAtRest",
                "dataProcessing",
                "dataSensitiveness",
                "reliance",
                "substitutability",
                "substitutabilityReason",
                "lastAudit",
                "reintegration",
                "discontinuationImpact",
            ],
            "an ICT service",
        );
        Some(IctService {
            service_type: self.opt_word(&f, "type", vocabulary::SERVICE_TYPE),
            functions: self.ref_list(&f, "functions", Some(Kind::BusinessFunction), ns),
            provided_from: self.countries(&f, "providedFrom"),
            data_storage: self.opt_bool(&f, "dataStorage"),
            data_at_rest: self.countries(&f, "dataAtRest"),
            data_processing: self.countries(&f, "dataProcessing"),
            data_sensitiveness: self.opt_word(&f, "dataSensitiveness", vocabulary::LEVEL),
            reliance: self.opt_word(&f, "reliance", vocabulary::RELIANCE),
            substitutability: self.opt_word(&f, "substitutability", vocabulary::SUBSTITUTABILITY),
            substitutability_reason: self.opt_word(
                &f,
                "substitutabilityReason",
                vocabulary::SUBSTITUTABILITY_REASON,
            ),
            last_audit: self.opt_date(&f, "lastAudit"),
            reintegration: self.opt_word(&f, "reintegration", vocabulary::REINTEGRATION),
            discontinuation_impact: self.opt_word(&f, "discontinuationImpact", vocabulary::IMPACT),
            span: node.span,
        })
    }

    fn continuity(&mut self, f: &Fields<'_, '_>) -> Continuity {
        self.unknown_fields(f, &["requested", "statement"], "continuity");
        let statement = f.value("statement").and_then(|_| {
            let s = self.child(f, "statement")?;
            self.unknown_fields(
                &s,
                &[
                    "received",
                    "validUntil",
                    "rto",
                    "rpo",
                    "bcpTested",
                    "certifications",
                    "document",
                ],
                "a continuity statement",
            );
            let received = self.opt_date(&s, "received");
            let valid_until = self.opt_date(&s, "validUntil");
            if let (Some(r), Some(v)) = (&received, &valid_until) {
                if v.value < r.value {
                    self.push(Diagnostic::at(
                        "inconsistent-dates",
                        v.span,
                        format!(
                            "the statement is valid until {} but was received on {}",
                            v.value, r.value
                        ),
                    ));
                }
            }
            Some(Statement {
                received: received.map(|d| d.value),
                valid_until: valid_until.map(|d| d.value),
                rto: self.opt_duration(&s, "rto").map(|d| d.value),
                rpo: self.opt_duration(&s, "rpo").map(|d| d.value),
                bcp_tested: self.opt_date(&s, "bcpTested").map(|d| d.value),
                certifications: self
                    .string_list(&s, "certifications")
                    .into_iter()
                    .map(|s| s.value)
                    .collect(),
                document: self.opt_string(&s, "document").map(|s| s.value),
                span: s.anchor,
            })
        });
        Continuity {
            requested: self.opt_date(f, "requested").map(|d| d.value),
            statement,
            span: f.anchor,
        }
    }

    fn escrow(&mut self, f: &Fields<'_, '_>, ns: &str) -> Escrow {
        self.unknown_fields(
            f,
            &[
                "agent",
                "lastDeposit",
                "verification",
                "releaseConditions",
                "maintainer",
            ],
            "escrow",
        );
        Escrow {
            agent: self.opt_string(f, "agent").map(|s| s.value),
            last_deposit: self.opt_date(f, "lastDeposit").map(|d| d.value),
            verification: self.opt_enum(
                f,
                "verification",
                EscrowVerification::NAMES,
                EscrowVerification::parse,
            ),
            release_conditions: self
                .string_list(f, "releaseConditions")
                .into_iter()
                .map(|s| s.value)
                .collect(),
            maintainer: self.opt_ref(f, "maintainer", Some(Kind::Group), ns),
            span: f.anchor,
        }
    }

    fn exit(&mut self, f: &Fields<'_, '_>, ns: &str) -> ExitPlan {
        self.unknown_fields(
            f,
            &[
                "strategy",
                "alternatives",
                "leadTime",
                "lastTested",
                "owner",
            ],
            "an exit plan",
        );
        ExitPlan {
            strategy: self.opt_enum(f, "strategy", ExitStrategy::NAMES, ExitStrategy::parse),
            alternatives: self.ref_list(f, "alternatives", Some(Kind::Supplier), ns),
            lead_time: self.opt_duration(f, "leadTime"),
            last_tested: self.opt_date(f, "lastTested").map(|d| d.value),
            owner: self.opt_ref(f, "owner", Some(Kind::Group), ns),
            span: f.anchor,
        }
    }

    fn contract(&mut self, node: &Node<'_>, path: &str, ns: &str) -> Option<Contract> {
        let f = self.fields(node, path)?;
        self.unknown_fields(
            &f,
            &[
                "reference",
                "start",
                "end",
                "noticePeriod",
                "annualCost",
                "type",
                "overarching",
                "linkedTo",
                "terminationReason",
                "providerNoticePeriod",
                "governingLaw",
                "signedBy",
                "usedBy",
                "services",
            ],
            "a contract",
        );
        let reference = self.required_string(&f, "reference", "a contract");
        let start = self.opt_date(&f, "start");
        let end = self.opt_date(&f, "end");
        if let (Some(s), Some(e)) = (&start, &end) {
            if e.value < s.value {
                self.push(Diagnostic::at(
                    "inconsistent-dates",
                    e.span,
                    format!(
                        "the contract ends on {} before it starts on {}",
                        e.value, s.value
                    ),
                ));
            }
        }
        let arrangement_type = self.opt_word(&f, "type", vocabulary::ARRANGEMENT_TYPE);
        let overarching = self.opt_string(&f, "overarching");
        if let Some(t) = &arrangement_type {
            if t.value == "subsequent" && overarching.is_none() {
                self.push(
                    Diagnostic::at(
                        "missing-field",
                        t.span,
                        format!("a subsequent contract needs `{}`", f.path("overarching")),
                    )
                    .with_help("name the reference of the overarching contract it belongs to"),
                );
            }
        }
        let mut used_by = Vec::new();
        if let Some(list) = self.list(&f, "usedBy") {
            let list_path = f.path("usedBy");
            for (i, item) in list.iter().enumerate() {
                let item_path = format!("{list_path}[{i}]");
                if let NodeKind::Map(_) = item.kind {
                    let Some(u) = self.fields(item, &item_path) else {
                        continue;
                    };
                    self.unknown_fields(&u, &["entity", "branch"], "a contract user");
                    if let Some(entity) = self.required_ref(
                        &u,
                        "entity",
                        Some(Kind::LegalEntity),
                        ns,
                        "a contract user",
                    ) {
                        used_by.push(ContractUser {
                            entity,
                            branch: self.opt_string(&u, "branch"),
                        });
                    }
                } else if let Some(entity) =
                    self.parse_ref(item, Path::Full(&item_path), Some(Kind::LegalEntity), ns)
                {
                    used_by.push(ContractUser {
                        entity,
                        branch: None,
                    });
                }
            }
        }
        let mut services = Vec::new();
        if let Some(list) = self.list(&f, "services") {
            let list_path = f.path("services");
            for (i, item) in list.iter().enumerate() {
                if let Some(s) = self.service(item, &format!("{list_path}[{i}]"), ns) {
                    services.push(s);
                }
            }
        }
        let contract = Contract {
            reference: String::new(),
            start: start.map(|d| d.value),
            end: end.map(|d| d.value),
            notice_period: self.opt_duration(&f, "noticePeriod").map(|d| d.value),
            annual_cost: self.money(&f, "annualCost"),
            arrangement_type,
            overarching,
            linked_to: self.string_list(&f, "linkedTo"),
            termination_reason: self.opt_word(
                &f,
                "terminationReason",
                vocabulary::TERMINATION_REASON,
            ),
            provider_notice_period: self
                .opt_duration(&f, "providerNoticePeriod")
                .map(|d| d.value),
            governing_law: self.opt_country(&f, "governingLaw"),
            signed_by: self.ref_list(&f, "signedBy", Some(Kind::LegalEntity), ns),
            used_by,
            services,
            span: node.span,
        };
        Some(Contract {
            reference: reference?.value,
            ..contract
        })
    }

    fn scenario(&mut self, f: &Fields<'_, '_>, ns: &str, what: &str) -> ScenarioSpec {
        self.unknown_fields(f, SCENARIO_FIELDS, what);
        if f.value("fail").is_none() {
            self.missing(f, "fail", what);
        }
        let fail = self.ref_list(f, "fail", None, ns);
        let mode = self
            .opt_enum(f, "mode", FailureMode::NAMES, FailureMode::parse)
            .unwrap_or_default();
        let duration = self.opt_duration(f, "duration");
        if let (FailureMode::Permanent, Some(d)) = (mode, &duration) {
            self.push(Diagnostic::at(
                "scenario-duration-ignored",
                d.span,
                "a permanent failure lasts until the exit is carried out; `duration` has no effect",
            ));
        }
        ScenarioSpec {
            fail,
            mode,
            duration: duration.map(|d| d.value),
        }
    }

    fn dependencies(&mut self, f: &Fields<'_, '_>, ns: &str) -> Dependencies {
        let depends_on = self.ref_list(f, "dependsOn", None, ns);
        let mut overlay = Vec::new();
        let Some(list) = self.list(f, "dependencyImpact") else {
            return Dependencies {
                depends_on,
                overlay,
                dependency_of: Vec::new(),
            };
        };
        let declared: Vec<String> = depends_on.iter().map(|r| r.value.key()).collect();
        let mut qualified: Vec<(String, Span)> = Vec::new();
        for (i, item) in list.iter().enumerate() {
            let path = format!("{}[{i}]", f.path("dependencyImpact"));
            let Some(e) = self.fields(item, &path) else {
                continue;
            };
            self.unknown_fields(
                &e,
                &["ref", "anyOf", "impact", "switchover", "provides", "note"],
                "a dependencyImpact entry",
            );
            let single = self.opt_ref(&e, "ref", None, ns);
            let group = e
                .value("anyOf")
                .map(|_| self.ref_list(&e, "anyOf", None, ns));
            let target = match (single, group) {
                (Some(r), None) => {
                    if let Some(s) = e.value("switchover") {
                        self.push(
                            Diagnostic::at(
                                "overlay-invalid-entry",
                                s.span,
                                "`switchover` applies to `anyOf` entries only",
                            )
                            .with_help("remove it, or list the alternatives with `anyOf`"),
                        );
                    }
                    OverlayTarget::Ref(r)
                }
                (None, Some(options)) => {
                    if options.len() < 2 {
                        self.push(
                            Diagnostic::at(
                                "overlay-invalid-entry",
                                e.anchor,
                                "`anyOf` needs at least two alternatives",
                            )
                            .with_help("for a single dependency write `ref:` instead"),
                        );
                    }
                    OverlayTarget::AnyOf(options)
                }
                (Some(_), Some(_)) => {
                    self.push(
                        Diagnostic::at(
                            "overlay-invalid-entry",
                            e.anchor,
                            "an entry has either `ref` or `anyOf`, not both",
                        )
                        .with_help("split it into two entries"),
                    );
                    continue;
                }
                (None, None) => {
                    if e.get("ref").is_none() && e.get("anyOf").is_none() {
                        self.push(
                            Diagnostic::at(
                                "overlay-invalid-entry",
                                e.anchor,
                                "an entry needs `ref` (one dependency) or `anyOf` (alternatives)",
                            )
                            .with_help("e.g. `- ref: supplier:sendgrid` with `impact: degraded`"),
                        );
                    }
                    continue;
                }
            };
            let refs: &[Spanned<EntityRef>] = match &target {
                OverlayTarget::Ref(r) => std::slice::from_ref(r),
                OverlayTarget::AnyOf(options) => options,
            };
            for r in refs {
                let key = r.value.key();
                if !declared.contains(&key) {
                    self.push(
                        Diagnostic::at(
                            "overlay-not-in-depends-on",
                            r.span,
                            format!("`{}` is qualified here but not listed in `dependsOn`", r.value),
                        )
                        .with_help(format!("add `- {}` to `dependsOn`, so that Backstage's own graph stays complete", r.value)),
                    );
                }
                if let Some((_, first)) = qualified.iter().find(|(k, _)| *k == key) {
                    self.push(
                        Diagnostic::at(
                            "overlay-duplicate-ref",
                            r.span,
                            format!(
                                "`{}` is already qualified by another dependencyImpact entry",
                                r.value
                            ),
                        )
                        .with_note(format!("first qualified at line {}", first.line))
                        .with_help("merge the two entries"),
                    );
                } else {
                    qualified.push((key, r.span));
                }
            }
            let impact = self
                .opt_enum(&e, "impact", Impact::NAMES, Impact::parse)
                .unwrap_or_default();
            let switchover = self
                .opt_duration(&e, "switchover")
                .map(|d| d.value)
                .unwrap_or_default();
            overlay.push(OverlayEntry {
                target,
                impact,
                switchover,
                provides: self.opt_string(&e, "provides").map(|s| s.value),
                note: self.opt_string(&e, "note").map(|s| s.value),
                span: e.anchor,
            });
        }
        Dependencies {
            depends_on,
            overlay,
            dependency_of: Vec::new(),
        }
    }

    // ---- typed accessors --------------------------------------------------

    fn fields<'n, 'a>(&mut self, node: &'n Node<'a>, path: &str) -> Option<Fields<'n, 'a>> {
        match &node.kind {
            NodeKind::Map(entries) => {
                for (k, _) in entries {
                    if k.scalar_type() != Some(ScalarType::String) {
                        self.push(Diagnostic::at(
                            "wrong-type",
                            k.span,
                            format!("keys of `{path}` must be strings, found {}", k.shape()),
                        ));
                    }
                }
                Some(Fields {
                    entries,
                    anchor: node.span,
                    path: path.to_owned(),
                    known: std::cell::Cell::new(&[]),
                })
            }
            _ => {
                self.wrong_type(node, Path::Full(path), "a mapping");
                None
            }
        }
    }

    /// The mapping under `key`, with missing fields reported at the key.
    fn child<'n, 'a>(&mut self, f: &Fields<'n, 'a>, key: &str) -> Option<Fields<'n, 'a>> {
        let node = f.value(key)?;
        let mut child = self.fields(node, &f.path(key))?;
        child.anchor = f.key_span(key).unwrap_or(node.span);
        Some(child)
    }

    fn unknown_fields(&mut self, f: &Fields<'_, '_>, known: &'static [&'static str], what: &str) {
        f.known.set(known);
        for (k, _) in f.entries {
            let Some(key) = k.as_scalar() else { continue };
            if known.contains(&key) {
                continue;
            }
            let near = did_you_mean(key, known.iter().copied());
            // A misspelled field that carries dependencies silently drops
            // them: for an impact analysis that is an error.
            let d = match near {
                Some(near) if DEPENDENCY_FIELDS.contains(&near) => Diagnostic::at(
                    "misspelled-dependency-field",
                    k.span,
                    format!(
                        "`{}` is not a field of {what}: the dependencies it lists are not in the impact analysis",
                        f.path(key)
                    ),
                )
                .with_help(format!("did you mean `{near}`?")),
                _ => {
                    let d = Diagnostic::at(
                        "unknown-field",
                        k.span,
                        format!("`{}` is not a field of {what}; it is ignored", f.path(key)),
                    );
                    match near {
                        Some(near) => d.with_help(format!("did you mean `{near}`?")),
                        None => d,
                    }
                }
            };
            self.push(d);
        }
    }

    fn wrong_type(&mut self, node: &Node<'_>, path: Path<'_>, expected: &str) {
        let mut d = Diagnostic::at(
            "wrong-type",
            node.span,
            format!("`{path}` must be {expected}, found {}", node.shape()),
        );
        if expected == "a string" && node.scalar_type().is_some() {
            d = d.with_help(format!(
                "quote the value (`\"{}\"`) to make it a string",
                node.as_scalar().unwrap_or_default()
            ));
        } else if expected.starts_with("a list") && matches!(node.kind, NodeKind::Scalar(..)) {
            d = d.with_help(format!(
                "write a list: `[{}]`",
                node.as_scalar().unwrap_or_default()
            ));
        }
        self.push(d);
    }

    fn missing(&mut self, f: &Fields<'_, '_>, key: &str, what: &str) {
        self.push(Diagnostic::at(
            "missing-field",
            f.anchor,
            format!("{what} needs `{}`", f.path(key)),
        ));
    }

    fn required<'n, 'a>(
        &mut self,
        f: &Fields<'n, 'a>,
        key: &str,
        what: &str,
    ) -> Option<&'n Node<'a>> {
        let v = f.value(key);
        if v.is_none() {
            self.missing(f, key, what);
        }
        v
    }

    fn string(&mut self, node: &Node<'_>, path: Path<'_>) -> Option<Spanned<String>> {
        if node.scalar_type() == Some(ScalarType::String) {
            let s = node.as_scalar().unwrap_or_default();
            Some(Spanned::new(s.to_owned(), node.span))
        } else {
            self.wrong_type(node, path, "a string");
            None
        }
    }

    fn opt_string(&mut self, f: &Fields<'_, '_>, key: &str) -> Option<Spanned<String>> {
        let node = f.value(key)?;
        self.string(node, f.at(key))
    }

    fn required_string(
        &mut self,
        f: &Fields<'_, '_>,
        key: &str,
        what: &str,
    ) -> Option<Spanned<String>> {
        let node = self.required(f, key, what)?;
        let s = self.string(node, f.at(key))?;
        if s.value.trim().is_empty() {
            self.push(Diagnostic::at(
                "missing-field",
                node.span,
                format!("`{}` is empty", f.path(key)),
            ));
            return None;
        }
        Some(s)
    }

    fn list<'n, 'a>(&mut self, f: &Fields<'n, 'a>, key: &str) -> Option<&'n [Node<'a>]> {
        let node = f.value(key)?;
        match &node.kind {
            NodeKind::Seq(items) => Some(items),
            _ => {
                self.wrong_type(node, f.at(key), "a list");
                None
            }
        }
    }

    fn string_list(&mut self, f: &Fields<'_, '_>, key: &str) -> Vec<Spanned<String>> {
        let Some(items) = self.list(f, key) else {
            return Vec::new();
        };
        let path = f.path(key);
        items
            .iter()
            .enumerate()
            .filter_map(|(i, n)| self.string(n, Path::Item(&path, i)))
            .collect()
    }

    fn string_map(&mut self, f: &Fields<'_, '_>, key: &str, labels: bool) -> Vec<(String, String)> {
        let entries = self.string_map_spanned(f, key);
        let mut out = Vec::with_capacity(entries.len());
        for (k, v) in entries {
            if labels && !rules::is_valid_label_value(&v.value) {
                self.push(
                    Diagnostic::at(
                        "invalid-metadata-key",
                        v.span,
                        format!("`{}` is not a valid label value", v.value),
                    )
                    .with_help(
                        "label values follow the rules of names: letters, digits, `-`, `_`, `.`",
                    ),
                );
            }
            out.push((k, v.value));
        }
        out
    }

    fn string_map_spanned(
        &mut self,
        f: &Fields<'_, '_>,
        key: &str,
    ) -> Vec<(String, Spanned<String>)> {
        let Some(node) = f.value(key) else {
            return Vec::new();
        };
        let Some(m) = self.fields(node, &f.path(key)) else {
            return Vec::new();
        };
        let mut out = Vec::with_capacity(m.entries.len());
        for (k, v) in m.entries {
            let Some(kt) = k.as_scalar() else { continue };
            if key != "identifiers" && !rules::is_valid_metadata_key(kt) {
                self.push(
                    Diagnostic::at(
                        "invalid-metadata-key",
                        k.span,
                        format!("`{kt}` is not a valid {} key", &key[..key.len() - 1]),
                    )
                    .with_help("keys are `[prefix/]name`, e.g. `linchpin.dev/source` or `tier`"),
                );
            }
            if let Some(s) = self.string(v, m.at(kt)) {
                out.push((kt.to_owned(), s));
            }
        }
        out
    }

    fn parse_ref(
        &mut self,
        node: &Node<'_>,
        path: Path<'_>,
        default_kind: Option<Kind>,
        ns: &str,
    ) -> Option<Spanned<EntityRef>> {
        let text = match node.scalar_type() {
            Some(ScalarType::String) => node.as_scalar().unwrap_or_default(),
            _ => {
                self.wrong_type(node, path, "a string");
                return None;
            }
        };
        match EntityRef::parse(text, default_kind, ns) {
            Ok(r) => Some(Spanned::new(r, node.span)),
            Err(RefError::MissingKind) => {
                self.push(
                    Diagnostic::at(
                        "ref-needs-kind",
                        node.span,
                        format!("`{text}` in `{path}` must name its kind"),
                    )
                    .with_help(format!(
                        "write e.g. `supplier:{text}` or `component:{text}`"
                    )),
                );
                None
            }
            Err(e) => {
                self.push(
                    Diagnostic::at(
                        "invalid-ref",
                        node.span,
                        format!("`{text}` is not a valid reference: {e}"),
                    )
                    .with_help("references are `[kind:][namespace/]name`, e.g. `supplier:stripe`"),
                );
                None
            }
        }
    }

    fn opt_ref(
        &mut self,
        f: &Fields<'_, '_>,
        key: &str,
        default_kind: Option<Kind>,
        ns: &str,
    ) -> Option<Spanned<EntityRef>> {
        let node = f.value(key)?;
        self.parse_ref(node, f.at(key), default_kind, ns)
    }

    fn required_ref(
        &mut self,
        f: &Fields<'_, '_>,
        key: &str,
        default_kind: Option<Kind>,
        ns: &str,
        what: &str,
    ) -> Option<Spanned<EntityRef>> {
        let node = self.required(f, key, what)?;
        self.parse_ref(node, f.at(key), default_kind, ns)
    }

    fn ref_list(
        &mut self,
        f: &Fields<'_, '_>,
        key: &str,
        default_kind: Option<Kind>,
        ns: &str,
    ) -> Vec<Spanned<EntityRef>> {
        let Some(items) = self.list(f, key) else {
            return Vec::new();
        };
        let path = f.path(key);
        // Sized once: most lists are all valid refs.
        let mut refs = Vec::with_capacity(items.len());
        for (i, n) in items.iter().enumerate() {
            if let Some(r) = self.parse_ref(n, Path::Item(&path, i), default_kind.clone(), ns) {
                refs.push(r);
            }
        }
        refs
    }

    fn invalid_value(&mut self, s: &Spanned<String>, path: &str, allowed: &[&str]) {
        let mut d = Diagnostic::at(
            "invalid-value",
            s.span,
            format!(
                "`{}` is not allowed for `{path}`; use one of: {}",
                s.value,
                allowed.join(", ")
            ),
        );
        if let Some(near) = did_you_mean(&s.value, allowed.iter().copied()) {
            d = d.with_help(format!("did you mean `{near}`?"));
        }
        self.push(d);
    }

    fn opt_enum<T>(
        &mut self,
        f: &Fields<'_, '_>,
        key: &str,
        allowed: &[&str],
        parse: fn(&str) -> Option<T>,
    ) -> Option<T> {
        let s = self.opt_string(f, key)?;
        let v = parse(&s.value);
        if v.is_none() {
            self.invalid_value(&s, &f.path(key), allowed);
        }
        v
    }

    fn required_enum<T>(
        &mut self,
        f: &Fields<'_, '_>,
        key: &str,
        what: &str,
        allowed: &[&str],
        parse: fn(&str) -> Option<T>,
    ) -> Option<T> {
        if f.value(key).is_none() {
            self.push(
                Diagnostic::at(
                    "missing-field",
                    f.anchor,
                    format!("{what} needs `{}`", f.path(key)),
                )
                .with_help(format!("one of: {}", allowed.join(", "))),
            );
            return None;
        }
        self.opt_enum(f, key, allowed, parse)
    }

    fn opt_duration(&mut self, f: &Fields<'_, '_>, key: &str) -> Option<Spanned<Duration>> {
        let node = f.value(key)?;
        let Some(text) = node.as_scalar() else {
            self.wrong_type(node, f.at(key), "a duration such as `4h`");
            return None;
        };
        match Duration::parse(text) {
            Ok(d) => Some(Spanned::new(d, node.span)),
            Err(e) => {
                self.push(
                    Diagnostic::at(
                        "invalid-duration",
                        node.span,
                        format!(
                            "`{text}` is not a valid duration for `{}`: {e}",
                            f.path(key)
                        ),
                    )
                    .with_help("write a whole number and a unit: `15m`, `4h`, `90d`, `2w`"),
                );
                None
            }
        }
    }

    fn opt_date(&mut self, f: &Fields<'_, '_>, key: &str) -> Option<Spanned<Date>> {
        let node = f.value(key)?;
        let Some(text) = node.as_scalar() else {
            self.wrong_type(node, f.at(key), "a date such as `2026-02-01`");
            return None;
        };
        match Date::parse(text) {
            Ok(d) => Some(Spanned::new(d, node.span)),
            Err(e) => {
                self.push(
                    Diagnostic::at(
                        "invalid-date",
                        node.span,
                        format!("`{text}` is not a valid date for `{}`: {e}", f.path(key)),
                    )
                    .with_help("write dates as `YYYY-MM-DD`"),
                );
                None
            }
        }
    }
}

/// The day of an incident's start: `YYYY-MM-DD`, or an ISO 8601 time whose
/// date part is that.
pub(crate) fn incident_day(text: &str) -> Option<Date> {
    let text = text.trim();
    let day = match text.get(10..11) {
        Some("T" | "t" | " ") => &text[..10],
        _ => text,
    };
    Date::parse(day).ok()
}

#[cfg(test)]
mod tests {
    use super::{BACKSTAGE_SPEC_FIELDS, SPEC_FIELDS};
    use std::collections::BTreeSet;

    /// docs/model.md's "Backstage kinds" table lists exactly the fields of
    /// each Backstage kind's table, in the same order.
    #[test]
    fn the_model_documents_the_fields_of_backstage_kinds() {
        let docs = include_str!("../../../docs/model.md");
        let start = docs
            .find("\n## Backstage kinds")
            .expect("a Backstage kinds section");
        let rows: Vec<(String, Vec<String>)> = docs[start..]
            .lines()
            .skip_while(|l| !l.starts_with("| kind |"))
            .skip(2)
            .take_while(|l| l.starts_with('|'))
            .map(|l| {
                let cells: Vec<&str> = l.split('|').map(str::trim).collect();
                let words = |c: &str| -> Vec<String> {
                    c.split(',')
                        .map(|w| w.trim().trim_matches('`').to_owned())
                        .collect()
                };
                (cells[1].trim_matches('`').to_owned(), words(cells[2]))
            })
            .collect();
        let listed: Vec<(String, Vec<String>)> = BACKSTAGE_SPEC_FIELDS
            .iter()
            .map(|(k, f)| (k.to_string(), f.iter().map(|s| s.to_string()).collect()))
            .collect();
        assert_eq!(
            rows, listed,
            "docs/model.md and the Backstage field tables differ"
        );
    }

    /// docs/model.md documents exactly the fields each kind's table lists:
    /// the first table of the kind's section, a row per field (`a.b` rows
    /// document a part of field `a`).
    #[test]
    fn the_model_documents_every_field_of_each_kind() {
        let docs = include_str!("../../../docs/model.md");
        for (kind, fields) in SPEC_FIELDS {
            let start = docs
                .find(&format!("\n## {kind} ("))
                .unwrap_or_else(|| panic!("docs/model.md has no section for {kind}"));
            let section = &docs[start + 1..];
            let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
            let documented: BTreeSet<&str> = section
                .lines()
                .skip_while(|l| !l.starts_with("| `"))
                .take_while(|l| l.starts_with('|'))
                .flat_map(|l| {
                    l.split('|')
                        .nth(1)
                        .unwrap_or("")
                        .split(',')
                        .map(|name| name.trim().trim_matches('`'))
                        .map(|name| name.split('.').next().unwrap_or(name))
                        .collect::<Vec<_>>()
                })
                .collect();
            let listed: BTreeSet<&str> = fields.iter().copied().collect();
            assert_eq!(
                documented, listed,
                "{kind}: docs/model.md and the field table differ"
            );
        }
    }
}
