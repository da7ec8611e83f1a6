//! The register fields a landscape does not give yet: what `linchpin check`
//! lists months before filing day, and what `export` names before writing
//! a register with holes.

use crate::export::{
    export_with, no_keeper, provider_code, reporting_entity, Facts, Gap, Options, Register,
};
use crate::tables::tables;
use linchpin_engine::Finding;
use linchpin_model::{
    Catalog, Config, Contract, EntityId, FunctionSpec, IctService, Kind, LegalEntitySpec, Span,
    Spec, SupplierSpec,
};
use std::collections::BTreeSet;

struct Collector {
    out: Vec<Gap>,
}

impl Collector {
    fn gap(&mut self, entity: EntityId, span: Span, field: String, why: &str) {
        let message = format!("`{field}` is missing: {why}");
        self.out.push(Gap {
            entity,
            span,
            field,
            message,
            missing: true,
        });
    }

    fn wrong(&mut self, entity: EntityId, span: Span, field: String, message: String) {
        self.out.push(Gap {
            entity,
            span,
            field,
            message,
            missing: false,
        });
    }
}

/// Every register field the landscape still misses, in entity order. Empty
/// when the landscape does not keep a register (no LegalEntity with
/// `maintainsRegister: true`).
pub fn gaps(catalog: &Catalog) -> Vec<Gap> {
    let Some(reporting) = reporting_entity(catalog) else {
        return Vec::new();
    };
    gaps_with(
        catalog,
        reporting,
        &crate::export::Facts::new(catalog, reporting),
    )
}

/// What the checks of each kind need besides the entity.
struct Context<'c> {
    catalog: &'c Catalog,
    reporting: EntityId,
    /// The taxonomy's entity types (B_01.02 c0040) and licensed
    /// activities (B_06.01 c0020).
    entity_types: Vec<String>,
    activities: Vec<String>,
    /// Every contract reference of the landscape.
    references: BTreeSet<&'c str>,
}

pub(crate) fn gaps_with(
    catalog: &Catalog,
    reporting: EntityId,
    facts: &crate::export::Facts<'_>,
) -> Vec<Gap> {
    let all = tables();
    let allowed = |table: &str, column: &str| -> Vec<String> {
        all.iter()
            .find(|t| t.code == table)
            .and_then(|t| t.column(column))
            .map(|c| c.allowed.clone())
            .unwrap_or_default()
    };
    let x = Context {
        catalog,
        reporting,
        entity_types: allowed("B_01.02", "c0040"),
        activities: allowed("B_06.01", "c0020"),
        references: catalog
            .of_kind(&Kind::Supplier)
            .filter_map(|(_, e)| match &e.spec {
                Spec::Supplier(s) => Some(s.contracts.iter().map(|c| c.reference.as_str())),
                _ => None,
            })
            .flatten()
            .collect(),
    };
    let named = named_suppliers(catalog);
    let mut c = Collector { out: Vec::new() };
    for (id, e) in catalog.iter() {
        match &e.spec {
            Spec::LegalEntity(l) => legal_entity_gaps(&mut c, &x, id, e.span, l),
            Spec::BusinessFunction(f) => function_gaps(&mut c, &x, id, e.span, f),
            Spec::Supplier(s) if named.contains(&id) => supplier_gaps(&mut c, &x, id, e.span, s),
            _ => {}
        }
    }
    let mut out = c.out;
    out.extend(crate::export::unsupported_services(catalog, facts));
    out.sort_by_key(|g| (g.entity, g.span.line));
    out
}

/// Suppliers named in the register: direct ones (with contracts), their
/// subcontractors down the chain, and their ultimate parents.
fn named_suppliers(catalog: &Catalog) -> BTreeSet<EntityId> {
    let mut named: BTreeSet<EntityId> = BTreeSet::new();
    let mut pending: Vec<EntityId> = catalog
        .of_kind(&Kind::Supplier)
        .filter(|(_, e)| matches!(&e.spec, Spec::Supplier(s) if !s.contracts.is_empty()))
        .map(|(id, _)| id)
        .collect();
    while let Some(id) = pending.pop() {
        if !named.insert(id) {
            continue;
        }
        for dep in catalog.dependencies(id) {
            for &t in dep.target.entities() {
                if catalog.entity(t).kind() == &Kind::Supplier {
                    pending.push(t);
                }
            }
        }
        if let Spec::Supplier(s) = &catalog.entity(id).spec {
            if let Some(p) = s.parent.as_ref().and_then(|p| catalog.lookup(&p.value)) {
                pending.push(p);
            }
        }
    }
    named
}

/// B_01.01, B_01.02, B_01.03: a legal entity in scope and its branches.
fn legal_entity_gaps(
    c: &mut Collector,
    x: &Context<'_>,
    id: EntityId,
    at: Span,
    l: &LegalEntitySpec,
) {
    if l.maintains_register && id != x.reporting {
        c.wrong(
            id,
            at,
            "spec.maintainsRegister".into(),
            format!(
                "only one entity keeps the register; `{}` already does",
                x.catalog.entity(x.reporting).entity_ref
            ),
        );
    }
    if l.lei.is_none() {
        c.gap(
            id,
            at,
            "spec.lei".into(),
            "every entity in scope is identified by its LEI (B_01.02 c0010)",
        );
    }
    if l.country.is_none() {
        c.gap(
            id,
            at,
            "spec.country".into(),
            "the register gives each entity's country (B_01.02 c0030)",
        );
    }
    match &l.entity_type {
        None => c.gap(id, at, "spec.entityType".into(), "the register gives each entity's type, an `eba_CT` code such as `eba_CT:x12` for a credit institution (B_01.02 c0040)"),
        Some(t) if !x.entity_types.contains(&t.value) => c.wrong(
            id,
            t.span,
            "spec.entityType".into(),
            format!("`{}` is not an entity type of the DORA taxonomy; use one of {}", t.value, x.entity_types.join(", ")),
        ),
        Some(_) => {}
    }
    if l.hierarchy.is_none() {
        c.gap(
            id,
            at,
            "spec.hierarchy".into(),
            "the register gives each entity's place in the group (B_01.02 c0050)",
        );
    }
    if l.parent.is_none()
        && l.hierarchy
            .as_ref()
            .is_some_and(|h| matches!(h.value.as_str(), "parent" | "subsidiary"))
    {
        c.gap(
            id,
            at,
            "spec.parent".into(),
            "a subsidiary or intermediate parent names its direct parent (B_01.02 c0060)",
        );
    }
    if l.total_assets.is_none() {
        c.gap(id, at, "spec.totalAssets".into(), "the register gives each entity's total assets with their currency (B_01.02 c0100, c0110)");
    }
    if l.last_updated.is_none() {
        c.gap(id, at, "spec.lastUpdated".into(), "the register gives the date each entity's information was last updated (B_01.02 c0070, EBA rule e23676)");
    }
    if l.in_register_since.is_none() {
        c.gap(
            id,
            at,
            "spec.inRegisterSince".into(),
            "the register gives the date each entity entered it (B_01.02 c0080, EBA rule e23676)",
        );
    }
    for (i, b) in l.branches.iter().enumerate() {
        if b.name.is_none() {
            c.gap(
                id,
                b.code.span,
                format!("spec.branches[{i}].name"),
                "the register gives each branch's name (B_01.03 c0030, EBA rule e23675)",
            );
        }
        if b.country.is_none() {
            c.gap(
                id,
                b.code.span,
                format!("spec.branches[{i}].country"),
                "the register gives each branch's country (B_01.03 c0040, EBA rule e23675)",
            );
        }
    }
    if id == x.reporting && l.competent_authority.is_none() {
        c.gap(
            id,
            at,
            "spec.competentAuthority".into(),
            "the entity keeping the register names its competent authority (B_01.01 c0050)",
        );
    }
}

/// B_06.01: a business function.
fn function_gaps(c: &mut Collector, x: &Context<'_>, id: EntityId, at: Span, f: &FunctionSpec) {
    let r = &f.register;
    match &r.licensed_activity {
        None => c.gap(id, at, "spec.licensedActivity".into(), "the register gives the licensed activity a function belongs to, an `eba_TA` code (B_06.01 c0020)"),
        Some(a) if !x.activities.contains(&a.value) => c.wrong(
            id,
            a.span,
            "spec.licensedActivity".into(),
            format!("`{}` is not a licensed activity of the DORA taxonomy", a.value),
        ),
        Some(_) => {}
    }
    if r.criticality_reasons.is_none() {
        c.gap(
            id,
            at,
            "spec.criticalityReasons".into(),
            "the register says why a function is or is not critical or important (B_06.01 c0060)",
        );
    }
    if r.last_assessed.is_none() {
        c.gap(
            id,
            at,
            "spec.lastAssessed".into(),
            "the register gives the date of the last criticality assessment (B_06.01 c0070)",
        );
    }
    if r.discontinuation_impact.is_none() {
        c.gap(
            id,
            at,
            "spec.discontinuationImpact".into(),
            "the register gives the impact of discontinuing the function (B_06.01 c0100)",
        );
    }
    if f.rto.is_none() {
        c.gap(id, at, "spec.rto".into(), "the register gives every function's recovery time objective (B_06.01 c0080, EBA rule e23682)");
    }
    if f.rpo.is_none() {
        c.gap(id, at, "spec.rpo".into(), "the register gives every function's recovery point objective (B_06.01 c0090, EBA rule e23682)");
    }
}

/// B_05.01 and the supplier's contracts: a provider named in the register.
fn supplier_gaps(c: &mut Collector, x: &Context<'_>, id: EntityId, at: Span, s: &SupplierSpec) {
    if provider_code(s).is_none() {
        c.gap(id, at, "spec.identifiers.lei".into(), "every provider in the register is identified by its LEI, or by its EUID (B_05.01 c0010)");
    }
    if s.country.is_none() {
        c.gap(
            id,
            at,
            "spec.country".into(),
            "the register gives each provider's headquarters country (B_05.01 c0080)",
        );
    }
    for (i, k) in s.contracts.iter().enumerate() {
        contract_gaps(c, x, id, &format!("spec.contracts[{i}]"), k);
    }
}

/// B_02.01, B_02.02: one contract and its services.
fn contract_gaps(c: &mut Collector, x: &Context<'_>, id: EntityId, path: &str, k: &Contract) {
    let cs = k.span;
    let linked = k.overarching.iter().map(|o| (o, "overarching".to_owned()));
    let linked = linked.chain(
        k.linked_to
            .iter()
            .enumerate()
            .map(|(j, l)| (l, format!("linkedTo[{j}]"))),
    );
    for (target, field) in linked {
        if !x.references.contains(target.value.as_str()) {
            c.wrong(
                id,
                target.span,
                format!("{path}.{field}"),
                format!("`{path}.{field}` names contract `{}`, which no supplier of the landscape has; name the `reference` of one of its contracts", target.value),
            );
        }
    }
    if k.start.is_none() {
        c.gap(
            id,
            cs,
            format!("{path}.start"),
            "the register gives each contract's start date (B_02.02 c0070)",
        );
    }
    if k.annual_cost.is_none() {
        c.gap(
            id,
            cs,
            format!("{path}.annualCost"),
            "the register gives each contract's annual expense (B_02.01 c0050)",
        );
    }
    if k.governing_law.is_none() {
        c.gap(
            id,
            cs,
            format!("{path}.governingLaw"),
            "the register gives the country whose law governs the contract (B_02.02 c0120)",
        );
    }
    if k.notice_period.is_none() {
        c.gap(
            id,
            cs,
            format!("{path}.noticePeriod"),
            "the register gives our notice period (B_02.02 c0100)",
        );
    }
    if k.provider_notice_period.is_none() {
        c.gap(
            id,
            cs,
            format!("{path}.providerNoticePeriod"),
            "the register gives the supplier's notice period (B_02.02 c0110)",
        );
    }
    if k.services.is_empty() {
        c.gap(
            id,
            cs,
            format!("{path}.services"),
            "the register lists the ICT services each contract covers (B_02.02 c0060)",
        );
    }
    for (j, v) in k.services.iter().enumerate() {
        service_gaps(c, id, &format!("{path}.services[{j}]"), v);
    }
}

/// B_02.02, B_07.01: one ICT service of a contract and its assessment.
fn service_gaps(c: &mut Collector, id: EntityId, p: &str, v: &IctService) {
    let vs = v.span;
    let stores = v.data_storage == Some(true);
    let mut need = |field: &str, missing: bool, why: &str| {
        if missing {
            c.gap(id, vs, format!("{p}.{field}"), why);
        }
    };
    need(
        "type",
        v.service_type.is_none(),
        "the register gives the type of each ICT service, S01 … S19 (B_02.02 c0060)",
    );
    need(
        "providedFrom",
        v.provided_from.is_empty(),
        "the register gives the country the service is provided from (B_02.02 c0130)",
    );
    need(
        "dataStorage",
        v.data_storage.is_none(),
        "the register says whether the service stores data (B_02.02 c0140)",
    );
    need(
        "dataAtRest",
        stores && v.data_at_rest.is_empty(),
        "a service storing data gives where it rests (B_02.02 c0150)",
    );
    need(
        "dataProcessing",
        stores && v.data_processing.is_empty(),
        "a service storing data gives where it is processed (B_02.02 c0160)",
    );
    need(
        "dataSensitiveness",
        stores && v.data_sensitiveness.is_none(),
        "a service storing data gives the data's sensitiveness (B_02.02 c0170)",
    );
    need(
        "reliance",
        v.reliance.is_none(),
        "the register gives the level of reliance on the service (B_02.02 c0180)",
    );
    need(
        "substitutability",
        v.substitutability.is_none(),
        "the assessment gives how substitutable the service is (B_07.01 c0050)",
    );
    need(
        "substitutabilityReason",
        v.substitutability_reason.is_none()
            && v.substitutability.as_ref().is_some_and(|x| {
                matches!(x.value.as_str(), "not-substitutable" | "highly-complex")
            }),
        "a service that is hard to substitute gives the reason (B_07.01 c0060)",
    );
    need("lastAudit", v.last_audit.is_none(), "the assessment gives the date of the service's last audit (B_07.01 c0070, EBA rule e23681)");
    need(
        "reintegration",
        v.reintegration.is_none(),
        "the assessment gives whether the service could be brought in-house (B_07.01 c0090)",
    );
    need(
        "discontinuationImpact",
        v.discontinuation_impact.is_none(),
        "the assessment gives the impact of discontinuing the service (B_07.01 c0100)",
    );
}

/// The gaps as `register-gap` findings of `linchpin check` (and of the
/// server): one per entity, listing its missing fields; off or allowed as
/// `linchpin.toml` and the entity's annotation say.
pub fn findings(catalog: &Catalog, config: &Config) -> Vec<Finding> {
    const ID: &str = "register-gap";
    let Some(severity) = config.severity_of(ID) else {
        return Vec::new();
    };
    let mut by_entity: std::collections::BTreeMap<EntityId, Vec<Gap>> =
        std::collections::BTreeMap::new();
    for gap in gaps(catalog) {
        by_entity.entry(gap.entity).or_default().push(gap);
    }
    by_entity
        .into_iter()
        .filter(|(entity, _)| !linchpin_engine::findings::allowed(catalog, *entity, ID))
        .map(|(entity, gaps)| {
            let (missing, wrong): (Vec<Gap>, Vec<Gap>) = gaps.into_iter().partition(|g| g.missing);
            let mut parts = Vec::new();
            let missing_any = !missing.is_empty();
            if missing_any {
                let n = missing.len();
                let fields: Vec<&str> = missing.iter().map(|g| g.field.as_str()).collect();
                parts.push(format!(
                    "misses {n} field{} of the DORA register: {}",
                    if n == 1 { "" } else { "s" },
                    fields.join(", ")
                ));
            }
            parts.extend(wrong.into_iter().map(|g| g.message));
            Finding {
                id: ID,
                severity,
                entity,
                message: format!(
                    "`{}`{} {}",
                    catalog.entity(entity).entity_ref,
                    if missing_any { "" } else { ":" },
                    parts.join("; ")
                ),
            }
        })
        .collect()
}

/// [`export`](crate::export::export) and [`gaps`] together, deriving the
/// landscape's facts (the functions each supplier supports) once.
pub fn export_with_gaps(
    catalog: &Catalog,
    options: &Options,
) -> Result<(Register, Vec<Gap>), String> {
    let reporting = reporting_entity(catalog).ok_or_else(no_keeper)?;
    let facts = Facts::new(catalog, reporting);
    let register = export_with(catalog, options, &facts)?;
    Ok((register, gaps_with(catalog, reporting, &facts)))
}
