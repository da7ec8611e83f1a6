//! Landscape → register of information: the 15 templates written from the
//! catalog, each row remembering the landscape entity it came from, and the
//! register fields the landscape does not give yet ([`gaps`]).
//!
//! Nothing here asks twice for what the model already says: criticality,
//! RTO and RPO of functions, exit plans and alternatives, the functions a
//! service supports (the dependency graph) and the supply chain with its
//! ranks (Suppliers' `dependsOn`) are derived.

use crate::package::Package;
use crate::tables::{tables, Table};
use linchpin_model::{
    Catalog, Contract, Criticality, Date, DepTarget, Duration, Entity, EntityId, EntityRef,
    IctService, Impact, Kind, LegalEntitySpec, Span, Spanned, Spec, SupplierSpec,
};
use std::collections::{BTreeSet, HashMap, HashSet};

/// Each word of the model's vocabulary with its code in the EBA taxonomy:
/// one table per list (the tests check that each holds exactly the
/// vocabulary's words and that every code is one the register's column
/// allows), and the single codes the export writes.
mod qnames {
    pub const ARRANGEMENT_TYPE: &[(&str, &str)] = &[
        ("standalone", "eba_CO:x1"),
        ("overarching", "eba_CO:x2"),
        ("subsequent", "eba_CO:x3"),
    ];
    pub const TERMINATION_REASON: &[(&str, &str)] = &[
        ("not-for-cause", "eba_CO:x4"),
        ("provider-breach", "eba_CO:x5"),
        ("impediment", "eba_CO:x6"),
        ("provider-weakness", "eba_CO:x7"),
        ("authority-request", "eba_CO:x8"),
        ("other", "eba_CO:x9"),
    ];
    pub const LEVEL: &[(&str, &str)] = &[
        ("low", "eba_ZZ:x791"),
        ("medium", "eba_ZZ:x792"),
        ("high", "eba_ZZ:x793"),
    ];
    pub const IMPACT: &[(&str, &str)] = &[
        ("low", "eba_ZZ:x791"),
        ("medium", "eba_ZZ:x792"),
        ("high", "eba_ZZ:x793"),
        ("not-assessed", "eba_ZZ:x799"),
    ];
    pub const RELIANCE: &[(&str, &str)] = &[
        ("not-significant", "eba_ZZ:x794"),
        ("low", "eba_ZZ:x795"),
        ("material", "eba_ZZ:x796"),
        ("full", "eba_ZZ:x797"),
    ];
    pub const SUBSTITUTABILITY: &[(&str, &str)] = &[
        ("not-substitutable", "eba_ZZ:x959"),
        ("highly-complex", "eba_ZZ:x960"),
        ("medium", "eba_ZZ:x961"),
        ("easy", "eba_ZZ:x962"),
    ];
    pub const SUBSTITUTABILITY_REASON: &[(&str, &str)] = &[
        ("no-alternatives", "eba_ZZ:x963"),
        ("data-migration", "eba_ZZ:x964"),
        ("other", "eba_ZZ:x965"),
    ];
    pub const REINTEGRATION: &[(&str, &str)] = &[
        ("not-applicable", "eba_ZZ:x0"),
        ("easy", "eba_ZZ:x798"),
        ("difficult", "eba_ZZ:x966"),
        ("highly-complex", "eba_ZZ:x967"),
    ];
    pub const PERSON_TYPE: &[(&str, &str)] =
        &[("legal", "eba_CT:x212"), ("natural", "eba_CT:x213")];
    pub const HIERARCHY: &[(&str, &str)] = &[
        ("ultimate-parent", "eba_RP:x53"),
        ("parent", "eba_RP:x551"),
        ("subsidiary", "eba_RP:x56"),
        ("outside-group", "eba_RP:x21"),
        ("outsourcing", "eba_RP:x210"),
    ];
    pub const YES: &str = "eba_BT:x28";
    pub const NO: &str = "eba_BT:x29";
    pub const BRANCH: &str = "eba_ZZ:x838";
    pub const NOT_BRANCH: &str = "eba_ZZ:x839";
    pub const NO_COUNTRY: &str = "eba_GA:qx2007";
    pub const LEI: &str = "eba_qCO:qx2000";
    pub const EUID: &str = "eba_qCO:qx2002";
}

/// A date for "no end" in the register.
const OPEN_END: &str = "9999-12-31";
/// A key cell that does not apply.
const NOT_APPLICABLE: &str = "Not Applicable";

/// Consolidated or individual reporting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consolidation {
    /// `CON`: the group.
    Consolidated,
    /// `IND`: one entity.
    Individual,
}

impl Consolidation {
    /// `CON` or `IND`.
    pub fn code(self) -> &'static str {
        match self {
            Consolidation::Consolidated => "CON",
            Consolidation::Individual => "IND",
        }
    }
}

/// What the export needs besides the landscape.
#[derive(Debug, Clone)]
pub struct Options {
    /// The reference date (`refPeriod`).
    pub reference_date: Date,
    /// `CON` or `IND`.
    pub consolidation: Consolidation,
    /// The creation time in the package name, `yyyyMMddHHmmssSSS`.
    pub created: String,
}

/// Where a row of the register came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    /// The landscape entity.
    pub entity: EntityId,
    /// The position of what the row was written from (the entity, a contract, a service).
    pub span: Span,
}

/// The register, with the origin of each of its rows.
#[derive(Debug, Clone)]
pub struct Register {
    /// The package, ready to write or validate.
    pub package: Package,
    /// `(file in the package, line)` → where the row came from.
    pub origins: HashMap<(String, u64), Origin>,
}

/// A register field the landscape does not give yet.
#[derive(Debug, Clone)]
pub struct Gap {
    /// The entity it belongs to.
    pub entity: EntityId,
    /// Where to add it.
    pub span: Span,
    /// The field (`spec.contracts[0].governingLaw`) and the template column it fills.
    pub field: String,
    /// What is missing and why the register needs it.
    pub message: String,
    /// True when the field is missing; false when it is there but wrong.
    pub missing: bool,
}

/// The entity keeping the register: the LegalEntity with `maintainsRegister: true`.
pub fn reporting_entity(catalog: &Catalog) -> Option<EntityId> {
    catalog
        .of_kind(&Kind::LegalEntity)
        .find(|(_, e)| legal(e).is_some_and(|l| l.maintains_register))
        .map(|(id, _)| id)
}

fn legal(e: &Entity) -> Option<&LegalEntitySpec> {
    match &e.spec {
        Spec::LegalEntity(l) => Some(l),
        _ => None,
    }
}

fn supplier(e: &Entity) -> Option<&SupplierSpec> {
    match &e.spec {
        Spec::Supplier(s) => Some(s),
        _ => None,
    }
}

/// The taxonomy code of a vocabulary word (the loader accepts only the
/// vocabulary's words, and the tests check that every table holds them all).
fn word<'a>(table: &[(&str, &'a str)], value: &str) -> &'a str {
    table
        .iter()
        .find(|(w, _)| *w == value)
        .map_or("", |(_, code)| code)
}

fn word_of<'a>(v: &Option<Spanned<String>>, table: &[(&str, &'a str)]) -> &'a str {
    v.as_ref().map_or("", |s| word(table, &s.value))
}

fn text(v: &Option<Spanned<String>>) -> String {
    v.as_ref().map(|s| s.value.clone()).unwrap_or_default()
}

fn country(v: &str) -> String {
    format!("eba_GA:{v}")
}

fn days(d: Option<Duration>) -> String {
    d.map(|d| (d.seconds().div_ceil(86_400)).to_string())
        .unwrap_or_default()
}

fn hours(d: Option<&Spanned<Duration>>) -> String {
    d.map(|d| (d.value.seconds().div_ceil(3_600)).to_string())
        .unwrap_or_default()
}

fn amount(a: f64) -> String {
    if a.fract() == 0.0 && a.abs() < 1e15 {
        format!("{}", a as i64)
    } else {
        format!("{a}")
    }
}

/// A supplier's identification code and its type (LEI, else EUID).
pub fn provider_code(s: &SupplierSpec) -> Option<(&str, &'static str)> {
    let id = |k: &str| {
        s.identifiers
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.value.as_str())
    };
    id("lei")
        .map(|v| (v, qnames::LEI))
        .or_else(|| id("euid").map(|v| (v, qnames::EUID)))
}

/// The landscape facts the templates are written from, resolved once.
pub(crate) struct Facts<'c> {
    catalog: &'c Catalog,
    reporting: EntityId,
    /// For every supplier: the business functions it supports directly
    /// (through our own components, not through another supplier).
    supported: HashMap<EntityId, BTreeSet<EntityId>>,
}

impl<'c> Facts<'c> {
    pub(crate) fn new(catalog: &'c Catalog, reporting: EntityId) -> Facts<'c> {
        let mut supported: HashMap<EntityId, BTreeSet<EntityId>> = HashMap::new();
        let mut seen = vec![false; catalog.len()];
        let mut stack = Vec::new();
        let mut touched = Vec::new();
        for (function, _) in catalog.of_kind(&Kind::BusinessFunction) {
            stack.push(function);
            seen[function.index()] = true;
            touched.push(function);
            while let Some(id) = stack.pop() {
                for dep in catalog.dependencies(id) {
                    if dep.impact == Impact::None {
                        continue;
                    }
                    let targets: &[EntityId] = match &dep.target {
                        DepTarget::One(t) => std::slice::from_ref(t),
                        DepTarget::AnyOf { options, .. } => options,
                    };
                    for &t in targets {
                        if seen[t.index()] {
                            continue;
                        }
                        seen[t.index()] = true;
                        touched.push(t);
                        if catalog.entity(t).kind() == &Kind::Supplier {
                            supported.entry(t).or_default().insert(function);
                        } else {
                            stack.push(t);
                        }
                    }
                }
            }
            for t in touched.drain(..) {
                seen[t.index()] = false;
            }
        }
        Facts {
            catalog,
            reporting,
            supported,
        }
    }

    fn lookup(&self, r: &EntityRef) -> Option<EntityId> {
        self.catalog.lookup(r)
    }

    fn lei_of(&self, id: EntityId) -> Option<&'c str> {
        legal(self.catalog.entity(id))
            .and_then(|l| l.lei.as_ref())
            .map(|l| l.value.as_str())
    }

    /// The legal entities that perform a function (the reporting entity by default).
    fn function_entities(&self, function: EntityId) -> Vec<EntityId> {
        let listed: Vec<EntityId> = match &self.catalog.entity(function).spec {
            Spec::BusinessFunction(f) => f
                .register
                .legal_entities
                .iter()
                .filter_map(|r| self.lookup(&r.value))
                .collect(),
            _ => Vec::new(),
        };
        if listed.is_empty() {
            vec![self.reporting]
        } else {
            listed
        }
    }

    /// The functions a service supports: those it names, else the graph's.
    fn service_functions(&self, supplier: EntityId, service: &IctService) -> Vec<EntityId> {
        if service.functions.is_empty() {
            self.supported
                .get(&supplier)
                .map(|s| s.iter().copied().collect())
                .unwrap_or_default()
        } else {
            service
                .functions
                .iter()
                .filter_map(|r| self.lookup(&r.value))
                .collect()
        }
    }

    /// The group companies using a contract, with the branch if any.
    fn users(&self, c: &Contract) -> Vec<(EntityId, Option<String>)> {
        let listed: Vec<_> = c
            .used_by
            .iter()
            .filter_map(|u| {
                self.lookup(&u.entity.value)
                    .map(|id| (id, u.branch.as_ref().map(|b| b.value.clone())))
            })
            .collect();
        if listed.is_empty() {
            vec![(self.reporting, None)]
        } else {
            listed
        }
    }

    fn signers(&self, c: &Contract) -> Vec<EntityId> {
        let listed: Vec<_> = c
            .signed_by
            .iter()
            .filter_map(|r| self.lookup(&r.value))
            .collect();
        if listed.is_empty() {
            vec![self.reporting]
        } else {
            listed
        }
    }

    /// The suppliers a supplier subcontracts to (its `dependsOn` Suppliers).
    fn subcontractors(&self, id: EntityId) -> Vec<EntityId> {
        let mut out = Vec::new();
        for dep in self.catalog.dependencies(id) {
            for &t in dep.target.entities() {
                if t != id && self.catalog.entity(t).kind() == &Kind::Supplier && !out.contains(&t)
                {
                    out.push(t);
                }
            }
        }
        out
    }
}

/// One template being written.
struct Sheet<'t> {
    table: &'t Table,
    rows: Vec<(Vec<String>, Origin)>,
    keys: HashSet<Vec<String>>,
    /// Column codes the export named that the template does not have: a
    /// bug of the export, refused before anything is written.
    unknown: BTreeSet<String>,
}

impl<'t> Sheet<'t> {
    fn new(table: &'t Table) -> Sheet<'t> {
        Sheet {
            table,
            rows: Vec::new(),
            keys: HashSet::new(),
            unknown: BTreeSet::new(),
        }
    }

    /// Adds a row given as `(column, value)` pairs; a row whose primary key
    /// was already written is skipped (the register holds it once).
    fn row(&mut self, cells: &[(&str, String)], origin: Origin) {
        let mut row = vec![String::new(); self.table.columns.len()];
        for (code, value) in cells {
            match self.table.columns.iter().position(|c| c.code == *code) {
                Some(i) => row[i] = value.clone(),
                None => {
                    self.unknown.insert((*code).to_owned());
                }
            }
        }
        if !self.table.primary.is_empty() {
            let key: Vec<String> = self
                .table
                .primary
                .iter()
                .filter_map(|k| self.table.columns.iter().position(|c| &c.code == k))
                .map(|i| row[i].clone())
                .collect();
            if !self.keys.insert(key) {
                return;
            }
        }
        self.rows.push((row, origin));
    }

    /// The table's CSV file (the csv crate: CRLF after each row, a cell
    /// quoted only when it must be; values never altered — this is the
    /// regulator's format), and the line each row starts on.
    fn write(&self, origins: &mut HashMap<(String, u64), Origin>) -> (String, Vec<u8>) {
        let path = format!("reports/{}", self.table.file);
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::with_capacity(64 + self.rows.len() * 96));
        let header = self.table.columns.iter().map(|c| c.code.as_str());
        // Writing to memory cannot fail: every row has the header's length.
        let _ = w.write_record(header);
        let mut line: u64 = 2;
        for (row, origin) in &self.rows {
            origins.insert((path.clone(), line), *origin);
            let _ = w.write_record(row);
            line += 1 + row
                .iter()
                .map(|c| c.matches('\n').count() as u64)
                .sum::<u64>();
        }
        (path, w.into_inner().unwrap_or_default())
    }
}

/// The package name: `{LEI}.{CON|IND}_{CC}_DORA010100_DORA_{refDate}_{created}`.
pub fn package_name(
    lei: &str,
    consolidation: Consolidation,
    cc: &str,
    options: &Options,
) -> String {
    format!(
        "{lei}.{}_{cc}_DORA010100_DORA_{}_{}",
        consolidation.code(),
        options.reference_date,
        options.created
    )
}

/// Writes the register from the landscape. Fails only when there is no
/// reporting entity; missing fields leave cells empty (see [`gaps`]) and
/// the validator names what that breaks.
pub fn export(catalog: &Catalog, options: &Options) -> Result<Register, String> {
    let reporting = reporting_entity(catalog).ok_or_else(no_keeper)?;
    export_with(catalog, options, &Facts::new(catalog, reporting))
}

pub(crate) fn no_keeper() -> String {
    "no LegalEntity has `maintainsRegister: true`: the register needs the entity that keeps it \
     (add a LegalEntity for your financial entity with its LEI and `maintainsRegister: true`; \
     docs/dora.md says what the register needs, and `linchpin export dora-roi examples/bank` shows a complete one)"
        .to_owned()
}

pub(crate) fn export_with(
    catalog: &Catalog,
    options: &Options,
    facts: &Facts<'_>,
) -> Result<Register, String> {
    let reporting = facts.reporting;
    let all = tables();
    let mut w = Writer {
        catalog,
        options,
        facts,
        sheets: all.iter().map(Sheet::new).collect(),
    };
    let rep_entity = catalog.entity(reporting);
    let rep = legal(rep_entity).cloned().unwrap_or_default();
    let rep_lei = text(&rep.lei);
    let rep_country = text(&rep.country);
    let base_currency = rep
        .total_assets
        .as_ref()
        .map_or("EUR".to_owned(), |m| m.currency.clone());
    reporting_entity_row(&mut w, &rep);
    legal_entities(&mut w);
    functions(&mut w);
    let (providers, expense) = contracts(&mut w);
    provider_rows(&mut w, &providers, &expense);
    let sheets = w.sheets;
    let name = package_name(&rep_lei, options.consolidation, &rep_country, options);
    let mut package = Package {
        name,
        ..Package::default()
    };
    let mut origins = HashMap::new();
    package.files.insert(
        "META-INF/reportPackage.json".to_owned(),
        b"{\n  \"documentInfo\": {\n    \"documentType\": \"https://xbrl.org/report-package/2023\"\n  }\n}\n"
            .to_vec(),
    );
    package.files.insert(
        "reports/report.json".to_owned(),
        format!(
            "{{\n  \"documentInfo\": {{\n    \"documentType\": \"https://xbrl.org/2021/xbrl-csv\",\n    \"extends\": [\n      \"{}\"\n    ]\n  }}\n}}\n",
            crate::tables::MODULE
        )
        .into_bytes(),
    );
    package.files.insert(
        "reports/parameters.csv".to_owned(),
        format!(
            "name,value\r\nentityID,rs:{rep_lei}.{}\r\nrefPeriod,{}\r\nbaseCurrency,iso4217:{base_currency}\r\ndecimalsInteger,0\r\ndecimalsMonetary,-3\r\n",
            options.consolidation.code(),
            options.reference_date
        )
        .into_bytes(),
    );
    let unknown: Vec<String> = sheets
        .iter()
        .flat_map(|s| {
            s.unknown
                .iter()
                .map(move |c| format!("{} {c}", s.table.code))
        })
        .collect();
    if !unknown.is_empty() {
        return Err(format!(
            "internal error: the export names columns the EBA templates do not have ({}); please report it",
            unknown.join(", ")
        ));
    }
    let mut indicators = String::from("templateID,reported\r\n");
    for sheet in &sheets {
        indicators.push_str(&format!("{},true\r\n", sheet.table.code));
        let (path, bytes) = sheet.write(&mut origins);
        package.files.insert(path, bytes);
    }
    package.files.insert(
        "reports/FilingIndicators.csv".to_owned(),
        indicators.into_bytes(),
    );
    Ok(Register { package, origins })
}

/// The register being written: one sheet per template, and what every part
/// of the export reads.
struct Writer<'a> {
    catalog: &'a Catalog,
    options: &'a Options,
    facts: &'a Facts<'a>,
    sheets: Vec<Sheet<'a>>,
}

impl<'a> Writer<'a> {
    /// The sheet of a template (`B_01.01`).
    fn sheet(&mut self, code: &str) -> &mut Sheet<'a> {
        let i = self
            .sheets
            .iter()
            .position(|s| s.table.code == code)
            .unwrap_or(0);
        &mut self.sheets[i]
    }
}

/// Where a row came from.
fn at(entity: EntityId, span: Span) -> Origin {
    Origin { entity, span }
}

/// B_01.01: the entity maintaining the register.
fn reporting_entity_row(w: &mut Writer<'_>, rep: &LegalEntitySpec) {
    let (catalog, options) = (w.catalog, w.options);
    let reporting = w.facts.reporting;
    let rep_entity = catalog.entity(reporting);
    let rep_lei = text(&rep.lei);
    w.sheet("B_01.01").row(
        &[
            ("c0010", rep_lei.clone()),
            ("c0020", rep_entity.display_name().to_owned()),
            (
                "c0030",
                rep.country
                    .as_ref()
                    .map(|c| country(&c.value))
                    .unwrap_or_default(),
            ),
            ("c0040", text(&rep.entity_type)),
            ("c0050", text(&rep.competent_authority)),
            ("c0060", options.reference_date.to_string()),
        ],
        at(reporting, rep_entity.span),
    );
}

/// B_01.02 and B_01.03: the entities in scope and their branches.
fn legal_entities(w: &mut Writer<'_>) {
    let (catalog, facts) = (w.catalog, w.facts);
    for (id, e) in catalog.of_kind(&Kind::LegalEntity) {
        let Some(l) = legal(e) else { continue };
        let lei = text(&l.lei);
        let parent = l
            .parent
            .as_ref()
            .and_then(|p| facts.lookup(&p.value))
            .and_then(|p| facts.lei_of(p))
            .map_or_else(|| lei.clone(), str::to_owned);
        w.sheet("B_01.02").row(
            &[
                ("c0010", lei.clone()),
                ("c0020", e.display_name().to_owned()),
                (
                    "c0030",
                    l.country
                        .as_ref()
                        .map(|c| country(&c.value))
                        .unwrap_or_default(),
                ),
                ("c0040", text(&l.entity_type)),
                ("c0050", word_of(&l.hierarchy, qnames::HIERARCHY).to_owned()),
                ("c0060", parent),
                (
                    "c0070",
                    l.last_updated
                        .as_ref()
                        .map(|d| d.value.to_string())
                        .unwrap_or_default(),
                ),
                (
                    "c0080",
                    l.in_register_since
                        .as_ref()
                        .map(|d| d.value.to_string())
                        .unwrap_or_default(),
                ),
                (
                    "c0090",
                    l.removed_from_register
                        .as_ref()
                        .map_or(OPEN_END.to_owned(), |d| d.value.to_string()),
                ),
                (
                    "c0100",
                    l.total_assets
                        .as_ref()
                        .map(|m| format!("eba_CU:{}", m.currency))
                        .unwrap_or_default(),
                ),
                (
                    "c0110",
                    l.total_assets
                        .as_ref()
                        .map(|m| amount(m.amount))
                        .unwrap_or_default(),
                ),
            ],
            at(id, e.span),
        );
        for b in &l.branches {
            w.sheet("B_01.03").row(
                &[
                    ("c0010", b.code.value.clone()),
                    ("c0020", lei.clone()),
                    ("c0030", b.name.clone().unwrap_or_default()),
                    (
                        "c0040",
                        b.country
                            .as_ref()
                            .map(|c| country(&c.value))
                            .unwrap_or_default(),
                    ),
                ],
                at(id, b.code.span),
            );
        }
    }
}

/// B_06.01: the functions, per entity that performs them.
fn functions(w: &mut Writer<'_>) {
    let (catalog, facts) = (w.catalog, w.facts);
    for (id, e) in catalog.of_kind(&Kind::BusinessFunction) {
        let Spec::BusinessFunction(f) = &e.spec else {
            continue;
        };
        let critical = match f.criticality {
            Criticality::Critical | Criticality::Important => qnames::YES,
            Criticality::Standard => qnames::NO,
        };
        for entity in facts.function_entities(id) {
            w.sheet("B_06.01").row(
                &[
                    ("c0010", e.entity_ref.name.to_string()),
                    ("c0020", text(&f.register.licensed_activity)),
                    ("c0030", e.display_name().to_owned()),
                    ("c0040", facts.lei_of(entity).unwrap_or_default().to_owned()),
                    ("c0050", critical.to_owned()),
                    ("c0060", text(&f.register.criticality_reasons)),
                    (
                        "c0070",
                        f.register
                            .last_assessed
                            .as_ref()
                            .map(|d| d.value.to_string())
                            .unwrap_or_default(),
                    ),
                    ("c0080", hours(f.rto.as_ref())),
                    ("c0090", hours(f.rpo.as_ref())),
                    (
                        "c0100",
                        word_of(&f.register.discontinuation_impact, qnames::IMPACT).to_owned(),
                    ),
                ],
                at(id, e.span),
            );
        }
    }
}

/// What every row of one contract repeats: the supplier, its provider code
/// and where in the landscape the contract is written.
struct ContractRows<'c> {
    id: EntityId,
    supplier: &'c SupplierSpec,
    contract: &'c Contract,
    code: &'c str,
    code_type: &'static str,
    origin: Origin,
}

/// The contracts: B_02.01, B_02.03, B_02.02, B_03.01, B_03.02, B_03.03,
/// B_04.01, B_05.02, B_07.01 (one function per table below); the providers
/// they name and the yearly expense per provider.
fn contracts(w: &mut Writer<'_>) -> (BTreeSet<EntityId>, HashMap<EntityId, (String, f64)>) {
    let catalog = w.catalog;
    let mut providers: BTreeSet<EntityId> = BTreeSet::new();
    let mut expense: HashMap<EntityId, (String, f64)> = HashMap::new();
    for (id, e) in catalog.of_kind(&Kind::Supplier) {
        let Some(s) = supplier(e) else { continue };
        if s.contracts.is_empty() {
            continue;
        }
        providers.insert(id);
        let (code, code_type) = provider_code(s).unwrap_or(("", ""));
        for c in &s.contracts {
            if let Some(m) = &c.annual_cost {
                let entry = expense.entry(id).or_insert((m.currency.clone(), 0.0));
                if entry.0 == m.currency {
                    entry.1 += m.amount;
                }
            }
            let k = ContractRows {
                id,
                supplier: s,
                contract: c,
                code,
                code_type,
                origin: at(id, c.span),
            };
            let users = w.facts.users(c);
            contract_row(w, &k);
            contract_parties(w, &k, &users);
            for service in &c.services {
                let service_type = service
                    .service_type
                    .as_ref()
                    .map(|t| format!("eba_TA:{}", t.value))
                    .unwrap_or_default();
                service_rows(w, &k, service, &service_type, &users);
                assessment_row(w, &k, service, &service_type);
                providers.extend(supply_chain_rows(w, &k, &service_type));
            }
        }
    }
    (providers, expense)
}

/// B_02.01 (the contract) and B_02.03 (the outside contracts an
/// intra-group contract passes on).
fn contract_row(w: &mut Writer<'_>, k: &ContractRows<'_>) {
    let c = k.contract;
    w.sheet("B_02.01").row(
        &[
            ("c0010", c.reference.clone()),
            (
                "c0020",
                c.arrangement_type
                    .as_ref()
                    .map_or(qnames::ARRANGEMENT_TYPE[0].1, |t| {
                        word(qnames::ARRANGEMENT_TYPE, &t.value)
                    })
                    .to_owned(),
            ),
            ("c0030", text(&c.overarching)),
            (
                "c0040",
                c.annual_cost
                    .as_ref()
                    .map(|m| format!("eba_CU:{}", m.currency))
                    .unwrap_or_default(),
            ),
            (
                "c0050",
                c.annual_cost
                    .as_ref()
                    .map(|m| amount(m.amount))
                    .unwrap_or_default(),
            ),
        ],
        k.origin,
    );
    for linked in &c.linked_to {
        w.sheet("B_02.03").row(
            &[
                ("c0010", c.reference.clone()),
                ("c0020", linked.value.clone()),
                ("c0030", "true".to_owned()),
            ],
            at(k.id, linked.span),
        );
    }
}

/// B_03.01 (who signed), B_03.03 (the group company providing an
/// intra-group service), B_03.02 (the provider) and B_04.01 (who uses the
/// services).
fn contract_parties(
    w: &mut Writer<'_>,
    k: &ContractRows<'_>,
    users: &[(EntityId, Option<String>)],
) {
    let (c, facts) = (k.contract, w.facts);
    for signer in facts.signers(c) {
        w.sheet("B_03.01").row(
            &[
                ("c0010", c.reference.clone()),
                ("c0020", facts.lei_of(signer).unwrap_or_default().to_owned()),
                ("c0030", "true".to_owned()),
            ],
            k.origin,
        );
    }
    if let Some(g) = k
        .supplier
        .group_entity
        .as_ref()
        .and_then(|g| facts.lookup(&g.value))
    {
        w.sheet("B_03.03").row(
            &[
                ("c0010", c.reference.clone()),
                ("c0020", facts.lei_of(g).unwrap_or_default().to_owned()),
                ("c0031", "true".to_owned()),
            ],
            k.origin,
        );
    }
    w.sheet("B_03.02").row(
        &[
            ("c0010", c.reference.clone()),
            ("c0020", k.code.to_owned()),
            ("c0030", k.code_type.to_owned()),
        ],
        k.origin,
    );
    for (user, branch) in users {
        w.sheet("B_04.01").row(
            &[
                ("c0010", c.reference.clone()),
                ("c0020", facts.lei_of(*user).unwrap_or_default().to_owned()),
                (
                    "c0030",
                    if branch.is_some() {
                        qnames::BRANCH
                    } else {
                        qnames::NOT_BRANCH
                    }
                    .to_owned(),
                ),
                (
                    "c0040",
                    branch.clone().unwrap_or_else(|| NOT_APPLICABLE.to_owned()),
                ),
            ],
            k.origin,
        );
    }
}

/// B_02.02: one row per user of the service, function it supports, and
/// combination of the countries it is provided from, stores data in and
/// processes data in.
fn service_rows(
    w: &mut Writer<'_>,
    k: &ContractRows<'_>,
    service: &IctService,
    service_type: &str,
    users: &[(EntityId, Option<String>)],
) {
    let (catalog, facts, c) = (w.catalog, w.facts, k.contract);
    let functions = facts.service_functions(k.id, service);
    let stores = service.data_storage.unwrap_or(false);
    let places = |list: &[Spanned<String>]| -> Vec<String> {
        if !stores || list.is_empty() {
            vec![qnames::NO_COUNTRY.to_owned()]
        } else {
            list.iter().map(|c| country(&c.value)).collect()
        }
    };
    let provided: Vec<String> = if service.provided_from.is_empty() {
        vec![String::new()]
    } else {
        service
            .provided_from
            .iter()
            .map(|c| country(&c.value))
            .collect()
    };
    let at_rest = places(&service.data_at_rest);
    let processing = places(&service.data_processing);
    let origin = at(k.id, service.span);
    for (user, _) in users {
        let lei = facts.lei_of(*user).unwrap_or_default();
        for &function in &functions {
            if !facts.function_entities(function).contains(user) {
                continue;
            }
            let function_id = catalog.entity(function).entity_ref.name.to_string();
            for p in &provided {
                for r in &at_rest {
                    for q in &processing {
                        w.sheet("B_02.02").row(
                            &[
                                ("c0010", c.reference.clone()),
                                ("c0020", lei.to_owned()),
                                ("c0030", k.code.to_owned()),
                                ("c0040", k.code_type.to_owned()),
                                ("c0050", function_id.clone()),
                                ("c0060", service_type.to_owned()),
                                ("c0070", c.start.map(|d| d.to_string()).unwrap_or_default()),
                                (
                                    "c0080",
                                    c.end.map_or(OPEN_END.to_owned(), |d| d.to_string()),
                                ),
                                (
                                    "c0090",
                                    word_of(&c.termination_reason, qnames::TERMINATION_REASON)
                                        .to_owned(),
                                ),
                                ("c0100", days(c.notice_period)),
                                ("c0110", days(c.provider_notice_period)),
                                (
                                    "c0120",
                                    c.governing_law
                                        .as_ref()
                                        .map(|g| country(&g.value))
                                        .unwrap_or_default(),
                                ),
                                ("c0130", p.clone()),
                                (
                                    "c0140",
                                    if stores { qnames::YES } else { qnames::NO }.to_owned(),
                                ),
                                ("c0150", r.clone()),
                                ("c0160", q.clone()),
                                (
                                    "c0170",
                                    word_of(&service.data_sensitiveness, qnames::LEVEL).to_owned(),
                                ),
                                (
                                    "c0180",
                                    word_of(&service.reliance, qnames::RELIANCE).to_owned(),
                                ),
                            ],
                            origin,
                        );
                    }
                }
            }
        }
    }
}

/// B_07.01: the assessment of the service — substitutability, exit plan,
/// alternatives.
fn assessment_row(
    w: &mut Writer<'_>,
    k: &ContractRows<'_>,
    service: &IctService,
    service_type: &str,
) {
    let (catalog, facts) = (w.catalog, w.facts);
    let exit = k.supplier.exit.as_ref();
    let has_exit = exit.is_some_and(|x| x.strategy.is_some() || x.lead_time.is_some());
    let alternatives: Vec<String> = exit
        .map(|x| {
            x.alternatives
                .iter()
                .map(|a| {
                    facts
                        .lookup(&a.value)
                        .map_or(a.value.name.to_string(), |aid| {
                            catalog.entity(aid).display_name().to_owned()
                        })
                })
                .collect()
        })
        .unwrap_or_default();
    let yes_no = |b: bool| if b { qnames::YES } else { qnames::NO }.to_owned();
    w.sheet("B_07.01").row(
        &[
            ("c0010", k.contract.reference.clone()),
            ("c0020", k.code.to_owned()),
            ("c0030", k.code_type.to_owned()),
            ("c0040", service_type.to_owned()),
            (
                "c0050",
                word_of(&service.substitutability, qnames::SUBSTITUTABILITY).to_owned(),
            ),
            (
                "c0060",
                word_of(
                    &service.substitutability_reason,
                    qnames::SUBSTITUTABILITY_REASON,
                )
                .to_owned(),
            ),
            (
                "c0070",
                service
                    .last_audit
                    .as_ref()
                    .map(|d| d.value.to_string())
                    .unwrap_or_default(),
            ),
            ("c0080", yes_no(has_exit)),
            (
                "c0090",
                word_of(&service.reintegration, qnames::REINTEGRATION).to_owned(),
            ),
            (
                "c0100",
                word_of(&service.discontinuation_impact, qnames::IMPACT).to_owned(),
            ),
            ("c0110", yes_no(!alternatives.is_empty())),
            ("c0120", alternatives.join("; ")),
        ],
        at(k.id, service.span),
    );
}

/// B_05.02: the service's supply chain, breadth first, rank 1 being the
/// supplier itself. Returns every provider in it.
fn supply_chain_rows(
    w: &mut Writer<'_>,
    k: &ContractRows<'_>,
    service_type: &str,
) -> Vec<EntityId> {
    let (catalog, facts) = (w.catalog, w.facts);
    let mut rank_of: HashMap<EntityId, u32> = HashMap::new();
    let mut queue = std::collections::VecDeque::new();
    rank_of.insert(k.id, 1);
    queue.push_back(k.id);
    let mut links: Vec<(EntityId, u32, EntityId)> = vec![(k.id, 1, k.id)];
    while let Some(p) = queue.pop_front() {
        let rank = rank_of[&p];
        for sub in facts.subcontractors(p) {
            links.push((sub, rank + 1, p));
            if let std::collections::hash_map::Entry::Vacant(v) = rank_of.entry(sub) {
                v.insert(rank + 1);
                queue.push_back(sub);
            }
        }
    }
    let code_of = |x: EntityId| {
        supplier(catalog.entity(x))
            .and_then(provider_code)
            .unwrap_or(("", ""))
    };
    let mut named = Vec::with_capacity(links.len());
    for (who, rank, recipient) in links {
        named.push(who);
        let (wc, wt) = code_of(who);
        let (rc, rt) = code_of(recipient);
        w.sheet("B_05.02").row(
            &[
                ("c0010", k.contract.reference.clone()),
                ("c0020", service_type.to_owned()),
                ("c0030", wc.to_owned()),
                ("c0040", wt.to_owned()),
                ("c0050", rank.to_string()),
                ("c0060", rc.to_owned()),
                ("c0070", rt.to_owned()),
            ],
            at(who, catalog.entity(who).span),
        );
    }
    named
}

/// B_05.01: every provider named anywhere, and their ultimate parents.
fn provider_rows(
    w: &mut Writer<'_>,
    providers: &BTreeSet<EntityId>,
    expense: &HashMap<EntityId, (String, f64)>,
) {
    let (catalog, facts) = (w.catalog, w.facts);
    let mut pending: Vec<EntityId> = providers.iter().copied().collect();
    let mut listed: BTreeSet<EntityId> = BTreeSet::new();
    while let Some(id) = pending.pop() {
        if !listed.insert(id) {
            continue;
        }
        let e = catalog.entity(id);
        let Some(s) = supplier(e) else { continue };
        let (code, code_type) = provider_code(s).unwrap_or(("", ""));
        let (extra, extra_type) = match provider_code(s) {
            Some((_, t)) if t == qnames::LEI => s
                .identifiers
                .iter()
                .find(|(k, _)| k == "euid")
                .map_or((String::new(), ""), |(_, v)| {
                    (v.value.clone(), qnames::EUID)
                }),
            _ => (String::new(), ""),
        };
        let parent = s.parent.as_ref().and_then(|p| facts.lookup(&p.value));
        if let Some(p) = parent {
            pending.push(p);
        }
        // A provider without a parent is its own ultimate parent: the EBA's
        // rule e23674 wants the column filled in every row.
        let (pc, pt) = match parent {
            Some(p) => supplier(catalog.entity(p))
                .and_then(provider_code)
                .unwrap_or(("", "")),
            None => (code, code_type),
        };
        let legal_name = s
            .legal_name
            .as_ref()
            .map_or_else(|| e.display_name().to_owned(), |n| n.value.clone());
        let spend = expense.get(&id);
        w.sheet("B_05.01").row(
            &[
                ("c0010", code.to_owned()),
                ("c0020", code_type.to_owned()),
                ("c0030", extra),
                ("c0040", extra_type.to_owned()),
                ("c0050", legal_name.clone()),
                (
                    "c0060",
                    s.latin_name
                        .as_ref()
                        .map_or(legal_name, |n| n.value.clone()),
                ),
                (
                    "c0070",
                    s.person_type
                        .as_ref()
                        .map_or(qnames::PERSON_TYPE[0].1, |p| {
                            word(qnames::PERSON_TYPE, &p.value)
                        })
                        .to_owned(),
                ),
                (
                    "c0080",
                    s.country
                        .as_ref()
                        .map(|c| country(&c.value))
                        .unwrap_or_default(),
                ),
                (
                    "c0090",
                    spend
                        .map(|(c, _)| format!("eba_CU:{c}"))
                        .unwrap_or_default(),
                ),
                ("c0100", spend.map(|(_, a)| amount(*a)).unwrap_or_default()),
                ("c0110", pc.to_owned()),
                ("c0120", pt.to_owned()),
            ],
            at(id, e.span),
        );
    }

    // The package around the templates.
}

/// Services that would give B_02.02 no row: they support no business
/// function that a company using the contract performs.
pub(crate) fn unsupported_services(catalog: &Catalog, facts: &Facts<'_>) -> Vec<Gap> {
    let mut out = Vec::new();
    for (id, e) in catalog.of_kind(&Kind::Supplier) {
        let Some(s) = supplier(e) else { continue };
        for (i, c) in s.contracts.iter().enumerate() {
            let users = facts.users(c);
            for (j, service) in c.services.iter().enumerate() {
                let functions = facts.service_functions(id, service);
                let served = users.iter().any(|(u, _)| {
                    functions
                        .iter()
                        .any(|&f| facts.function_entities(f).contains(u))
                });
                if !served {
                    let field = format!("spec.contracts[{i}].services[{j}].functions");
                    let message = if functions.is_empty() {
                        format!("`{field}` is missing: no business function depends on this supplier; name the functions the service supports, or add the `dependsOn` edges that lead to it")
                    } else {
                        format!("`{field}`: none of the functions it supports is performed by a company using the contract (`usedBy`, the functions' `legalEntities`)")
                    };
                    out.push(Gap {
                        entity: id,
                        span: service.span,
                        field,
                        message,
                        missing: functions.is_empty(),
                    });
                }
            }
        }
    }
    out
}

/// Where the rows of a filed package came from, matched by primary key
/// against the register the landscape exports now: `(file, line)` of the
/// filed package → origin. Rows of templates without a key, and rows the
/// landscape no longer has, stay untraced.
pub fn trace(register: &Register, filed: &Package) -> HashMap<(String, u64), Origin> {
    let mut out = HashMap::new();
    let mut ignored = Vec::new();
    for table in tables() {
        if table.primary.is_empty() {
            continue;
        }
        let path = format!("reports/{}", table.file);
        let (Some(ours), Some(theirs)) =
            (register.package.files.get(&path), filed.files.get(&path))
        else {
            continue;
        };
        let keyed = |bytes: &[u8], ignored: &mut Vec<crate::validate::Problem>| {
            let csv = crate::validate::read_csv(&path, bytes, ignored)?;
            let index = csv.index();
            let cols: Option<Vec<usize>> = table
                .primary
                .iter()
                .map(|c| index.get(c.as_str()).copied())
                .collect();
            let cols = cols?;
            Some(
                csv.rows
                    .iter()
                    .map(|(line, cells)| {
                        (
                            *line,
                            cols.iter().map(|&i| cells[i].clone()).collect::<Vec<_>>(),
                        )
                    })
                    .collect::<Vec<_>>(),
            )
        };
        let (Some(ours), Some(theirs)) = (keyed(ours, &mut ignored), keyed(theirs, &mut ignored))
        else {
            continue;
        };
        let by_key: HashMap<Vec<String>, Origin> = ours
            .into_iter()
            .filter_map(|(line, key)| {
                register
                    .origins
                    .get(&(path.clone(), line))
                    .map(|o| (key, *o))
            })
            .collect();
        for (line, key) in theirs {
            if let Some(o) = by_key.get(&key) {
                out.insert((path.clone(), line), *o);
            }
        }
    }
    out
}

#[cfg(test)]
mod vocabulary_tests {
    use super::qnames;
    use linchpin_model::vocabulary as words;

    /// Each table of codes holds exactly the model's words, in its order,
    /// and every code is a member of the taxonomy (a column allows it).
    #[test]
    fn every_word_has_its_taxonomy_code() {
        let allowed: std::collections::HashSet<String> = crate::tables::tables()
            .into_iter()
            .flat_map(|t| t.columns.into_iter().flat_map(|c| c.allowed))
            .collect();
        type Codes = &'static [(&'static str, &'static str)];
        let pairs: [(&str, &[&str], Codes); 10] = [
            (
                "arrangement type",
                words::ARRANGEMENT_TYPE,
                qnames::ARRANGEMENT_TYPE,
            ),
            (
                "termination reason",
                words::TERMINATION_REASON,
                qnames::TERMINATION_REASON,
            ),
            ("level", words::LEVEL, qnames::LEVEL),
            ("impact", words::IMPACT, qnames::IMPACT),
            ("reliance", words::RELIANCE, qnames::RELIANCE),
            (
                "substitutability",
                words::SUBSTITUTABILITY,
                qnames::SUBSTITUTABILITY,
            ),
            (
                "substitutability reason",
                words::SUBSTITUTABILITY_REASON,
                qnames::SUBSTITUTABILITY_REASON,
            ),
            ("reintegration", words::REINTEGRATION, qnames::REINTEGRATION),
            ("person type", words::PERSON_TYPE, qnames::PERSON_TYPE),
            ("hierarchy", words::HIERARCHY, qnames::HIERARCHY),
        ];
        for (what, vocabulary, table) in pairs {
            let table_words: Vec<&str> = table.iter().map(|(w, _)| *w).collect();
            assert_eq!(
                table_words, vocabulary,
                "{what}: the words and the codes' table differ"
            );
            for (w, code) in table {
                assert!(
                    allowed.contains(*code),
                    "{what} `{w}`: `{code}` is not in the taxonomy"
                );
            }
        }
        for code in [
            qnames::YES,
            qnames::NO,
            qnames::BRANCH,
            qnames::NOT_BRANCH,
            qnames::NO_COUNTRY,
        ] {
            assert!(allowed.contains(code), "`{code}` is not in the taxonomy");
        }
    }
}
