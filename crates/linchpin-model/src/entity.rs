//! Entities: the Backstage envelope and the kind-specific specs.
//!
//! Refs inside specs are kept as written (parsed, with their position); the
//! [`Catalog`](crate::Catalog) holds the resolved graph.

use crate::{Date, Duration, EntityRef, Kind, Span, Spanned};

/// One entity of the landscape.
#[derive(Debug, Clone)]
pub struct Entity {
    /// Its canonical reference.
    pub entity_ref: EntityRef,
    /// `apiVersion` as written.
    pub api_version: String,
    /// The `metadata` block.
    pub metadata: Metadata,
    /// The kind-specific `spec`.
    pub spec: Spec,
    /// Where the entity's document starts.
    pub span: Span,
}

impl Entity {
    /// The kind.
    pub fn kind(&self) -> &Kind {
        &self.entity_ref.kind
    }

    /// The name to show a person: the title if there is one, else the name.
    pub fn display_name(&self) -> &str {
        self.metadata
            .title
            .as_deref()
            .unwrap_or(&self.entity_ref.name)
    }

    /// The owner, on the kinds that have one.
    pub fn owner(&self) -> Option<&Spanned<EntityRef>> {
        match &self.spec {
            Spec::Component(s) => s.owner.as_ref(),
            Spec::Api(s) => s.owner.as_ref(),
            Spec::Resource(s) => s.owner.as_ref(),
            Spec::System(s) => s.owner.as_ref(),
            Spec::Domain(s) => s.owner.as_ref(),
            Spec::BusinessFunction(s) => s.owner.as_ref(),
            Spec::Supplier(s) => s.owner.as_ref(),
            _ => None,
        }
    }

    /// The declared dependencies, on the kinds that have them.
    pub fn dependencies(&self) -> Option<&Dependencies> {
        match &self.spec {
            Spec::Component(s) => Some(&s.dependencies),
            Spec::Resource(s) => Some(&s.dependencies),
            Spec::System(s) => Some(&s.dependencies),
            Spec::BusinessFunction(s) => Some(&s.dependencies),
            Spec::Supplier(s) => Some(&s.dependencies),
            _ => None,
        }
    }
}

/// The `metadata` block of the Backstage envelope.
#[derive(Debug, Clone, Default)]
pub struct Metadata {
    /// `name`.
    pub name: String,
    /// `namespace` (`default` when absent).
    pub namespace: String,
    /// `title`.
    pub title: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `labels`, in file order.
    pub labels: Vec<(String, String)>,
    /// `annotations`, in file order.
    pub annotations: Vec<(String, String)>,
    /// `tags`.
    pub tags: Vec<String>,
    /// `links`.
    pub links: Vec<Link>,
}

impl Metadata {
    /// The value of an annotation.
    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.annotations
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// An entry of `metadata.links`.
#[derive(Debug, Clone, Default)]
pub struct Link {
    /// The URL.
    pub url: String,
    /// A title.
    pub title: Option<String>,
    /// An icon name.
    pub icon: Option<String>,
    /// A link type.
    pub link_type: Option<String>,
}

/// The kind-specific part of an entity. Variants are boxed so that an
/// [`Entity`] stays small: a large landscape holds hundreds of thousands.
#[derive(Debug, Clone)]
pub enum Spec {
    /// A Component.
    Component(Box<ComponentSpec>),
    /// An API.
    Api(Box<ApiSpec>),
    /// A Resource.
    Resource(Box<ResourceSpec>),
    /// A System.
    System(Box<SystemSpec>),
    /// A Domain.
    Domain(Box<DomainSpec>),
    /// A Group.
    Group(Box<GroupSpec>),
    /// A User.
    User(Box<UserSpec>),
    /// A Location.
    Location(Box<LocationSpec>),
    /// A BusinessFunction.
    BusinessFunction(Box<FunctionSpec>),
    /// A Supplier.
    Supplier(Box<SupplierSpec>),
    /// A Scenario.
    Scenario(Box<ScenarioSpec>),
    /// A LegalEntity.
    LegalEntity(Box<LegalEntitySpec>),
    /// A kind Linchpin keeps but does not analyse.
    Other,
}

/// What losing a dependency does to the dependent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Impact {
    /// The dependent stops (the default).
    #[default]
    Down,
    /// The dependent keeps working, degraded.
    Degraded,
    /// No effect (documented only).
    None,
}

impl Impact {
    /// Every value as written in YAML.
    pub const NAMES: &'static [&'static str] = &["down", "degraded", "none"];

    /// Parses the YAML value.
    pub fn parse(s: &str) -> Option<Impact> {
        match s {
            "down" => Some(Impact::Down),
            "degraded" => Some(Impact::Degraded),
            "none" => Some(Impact::None),
            _ => None,
        }
    }

    /// The YAML value.
    pub fn as_str(self) -> &'static str {
        match self {
            Impact::Down => "down",
            Impact::Degraded => "degraded",
            Impact::None => "none",
        }
    }
}

/// `dependsOn` plus the `dependencyImpact` overlay, as written.
#[derive(Debug, Clone, Default)]
pub struct Dependencies {
    /// `dependsOn`: Backstage's plain refs.
    pub depends_on: Vec<Spanned<EntityRef>>,
    /// `dependencyImpact`: Linchpin's qualifications of those refs.
    pub overlay: Vec<OverlayEntry>,
    /// `dependencyOf`: Backstage's reverse refs — each entity named depends
    /// (hard) on this one, unless it says otherwise itself.
    pub dependency_of: Vec<Spanned<EntityRef>>,
}

/// One entry of `dependencyImpact`.
#[derive(Debug, Clone)]
pub struct OverlayEntry {
    /// The ref or the group of alternatives qualified.
    pub target: OverlayTarget,
    /// What losing it (all of it, for `anyOf`) does.
    pub impact: Impact,
    /// Time to switch to another option of an `anyOf` (zero by default).
    pub switchover: Duration,
    /// What the dependency delivers (`hosting`, `payments`, ...).
    pub provides: Option<String>,
    /// A free note.
    pub note: Option<String>,
    /// Where the entry starts.
    pub span: Span,
}

/// What an overlay entry qualifies.
#[derive(Debug, Clone)]
pub enum OverlayTarget {
    /// `ref`: one dependency.
    Ref(Spanned<EntityRef>),
    /// `anyOf`: alternatives, the first being the active one.
    AnyOf(Vec<Spanned<EntityRef>>),
}

/// Backstage Component.
#[derive(Debug, Clone, Default)]
pub struct ComponentSpec {
    /// `type`.
    pub component_type: String,
    /// `lifecycle`.
    pub lifecycle: String,
    /// `owner`.
    pub owner: Option<Spanned<EntityRef>>,
    /// `system`.
    pub system: Option<Spanned<EntityRef>>,
    /// `subcomponentOf`.
    pub subcomponent_of: Option<Spanned<EntityRef>>,
    /// `providesApis`.
    pub provides_apis: Vec<Spanned<EntityRef>>,
    /// `consumesApis`.
    pub consumes_apis: Vec<Spanned<EntityRef>>,
    /// `dependsOn` + `dependencyImpact`.
    pub dependencies: Dependencies,
}

/// Backstage API.
#[derive(Debug, Clone, Default)]
pub struct ApiSpec {
    /// `type`.
    pub api_type: String,
    /// `lifecycle`.
    pub lifecycle: String,
    /// `owner`.
    pub owner: Option<Spanned<EntityRef>>,
    /// `system`.
    pub system: Option<Spanned<EntityRef>>,
}

/// Backstage Resource.
#[derive(Debug, Clone, Default)]
pub struct ResourceSpec {
    /// `type`.
    pub resource_type: String,
    /// `owner`.
    pub owner: Option<Spanned<EntityRef>>,
    /// `system`.
    pub system: Option<Spanned<EntityRef>>,
    /// `dependsOn` + `dependencyImpact`.
    pub dependencies: Dependencies,
}

/// Backstage System.
#[derive(Debug, Clone, Default)]
pub struct SystemSpec {
    /// `owner`.
    pub owner: Option<Spanned<EntityRef>>,
    /// `domain`.
    pub domain: Option<Spanned<EntityRef>>,
    /// `dependsOn` + `dependencyImpact` (beyond its parts).
    pub dependencies: Dependencies,
}

/// Backstage Domain.
#[derive(Debug, Clone, Default)]
pub struct DomainSpec {
    /// `owner`.
    pub owner: Option<Spanned<EntityRef>>,
    /// `subdomainOf`.
    pub subdomain_of: Option<Spanned<EntityRef>>,
}

/// Backstage Group.
#[derive(Debug, Clone, Default)]
pub struct GroupSpec {
    /// `type`.
    pub group_type: String,
    /// `parent`.
    pub parent: Option<Spanned<EntityRef>>,
    /// `children`.
    pub children: Vec<Spanned<EntityRef>>,
    /// `members`.
    pub members: Vec<Spanned<EntityRef>>,
    /// `profile.displayName`.
    pub display_name: Option<String>,
    /// `profile.email`.
    pub email: Option<String>,
}

/// Backstage User.
#[derive(Debug, Clone, Default)]
pub struct UserSpec {
    /// `memberOf`.
    pub member_of: Vec<Spanned<EntityRef>>,
    /// `profile.displayName`.
    pub display_name: Option<String>,
    /// `profile.email`.
    pub email: Option<String>,
}

/// Backstage Location.
#[derive(Debug, Clone, Default)]
pub struct LocationSpec {
    /// `type` (`url` or `file`), if given.
    pub location_type: Option<String>,
    /// `target` and `targets`, as written.
    pub targets: Vec<Spanned<String>>,
}

/// How much a business function matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Criticality {
    /// Its loss harms the business seriously and quickly.
    Critical,
    /// Its loss hurts.
    Important,
    /// Everything else.
    Standard,
}

impl Criticality {
    /// Every value as written in YAML.
    pub const NAMES: &'static [&'static str] = &["critical", "important", "standard"];

    /// Parses the YAML value.
    pub fn parse(s: &str) -> Option<Criticality> {
        match s {
            "critical" => Some(Criticality::Critical),
            "important" => Some(Criticality::Important),
            "standard" => Some(Criticality::Standard),
            _ => None,
        }
    }

    /// The YAML value.
    pub fn as_str(self) -> &'static str {
        match self {
            Criticality::Critical => "critical",
            Criticality::Important => "important",
            Criticality::Standard => "standard",
        }
    }
}

/// Linchpin BusinessFunction.
#[derive(Debug, Clone)]
pub struct FunctionSpec {
    /// `criticality`.
    pub criticality: Criticality,
    /// `owner`.
    pub owner: Option<Spanned<EntityRef>>,
    /// `maxTolerableDowntime` (MTPD).
    pub max_tolerable_downtime: Option<Spanned<Duration>>,
    /// `rto`.
    pub rto: Option<Spanned<Duration>>,
    /// `rpo`.
    pub rpo: Option<Spanned<Duration>>,
    /// `dependsOn` + `dependencyImpact`.
    pub dependencies: Dependencies,
    /// The register of information's view of the function.
    pub register: FunctionRegister,
    /// `cost`: what not working costs (docs/risk.md).
    pub cost: Option<crate::Cost>,
}

/// What DORA's register (template B_06.01) asks of a function beyond what
/// the rest of the model already says (criticality, RTO, RPO).
#[derive(Debug, Clone, Default)]
pub struct FunctionRegister {
    /// `licensedActivity`: an `eba_TA` code of the taxonomy.
    pub licensed_activity: Option<Spanned<String>>,
    /// `criticalityReasons`: why the function is (not) critical or important.
    pub criticality_reasons: Option<Spanned<String>>,
    /// `lastAssessed`: when its criticality was last assessed.
    pub last_assessed: Option<Spanned<Date>>,
    /// `discontinuationImpact`: [`vocabulary::IMPACT`].
    pub discontinuation_impact: Option<Spanned<String>>,
    /// `legalEntities`: the group companies that perform the function.
    pub legal_entities: Vec<Spanned<EntityRef>>,
}

/// What kind of third party a supplier is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SupplierType {
    /// Cloud provider (IaaS/PaaS).
    Cloud,
    /// Hosting or data-centre party.
    Hosting,
    /// Software as a service.
    Saas,
    /// Software vendor (software we run).
    Software,
    /// An open-source project or its registry.
    OpenSource,
    /// Telecom / network.
    Telecom,
    /// Services (people, logistics, consultancy).
    Services,
    /// Anything else.
    Other,
}

impl SupplierType {
    /// Every value as written in YAML.
    pub const NAMES: &'static [&'static str] = &[
        "cloud",
        "hosting",
        "saas",
        "software",
        "open-source",
        "telecom",
        "services",
        "other",
    ];

    /// Parses the YAML value.
    pub fn parse(s: &str) -> Option<SupplierType> {
        Some(match s {
            "cloud" => SupplierType::Cloud,
            "hosting" => SupplierType::Hosting,
            "saas" => SupplierType::Saas,
            "software" => SupplierType::Software,
            "open-source" => SupplierType::OpenSource,
            "telecom" => SupplierType::Telecom,
            "services" => SupplierType::Services,
            "other" => SupplierType::Other,
            _ => return None,
        })
    }

    /// The YAML value.
    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

/// Linchpin Supplier.
#[derive(Debug, Clone)]
pub struct SupplierSpec {
    /// `type`.
    pub supplier_type: SupplierType,
    /// `owner`: who manages the relationship.
    pub owner: Option<Spanned<EntityRef>>,
    /// `country`: ISO 3166-1 alpha-2 of the headquarters.
    pub country: Option<Spanned<String>>,
    /// `identifiers` (`lei`, `euid`, `vat`, `duns`, ...), in file order.
    pub identifiers: Vec<(String, Spanned<String>)>,
    /// `parent`: the ultimate parent.
    pub parent: Option<Spanned<EntityRef>>,
    /// `dependsOn` + `dependencyImpact`: fourth parties.
    pub dependencies: Dependencies,
    /// `continuity`.
    pub continuity: Option<Continuity>,
    /// `escrow`.
    pub escrow: Option<Escrow>,
    /// `exit`.
    pub exit: Option<ExitPlan>,
    /// `contracts`.
    pub contracts: Vec<Contract>,
    /// `legalName`: the registered name (defaults to the title).
    pub legal_name: Option<Spanned<String>>,
    /// `latinName`: the name in the Latin alphabet, when the legal name is not.
    pub latin_name: Option<Spanned<String>>,
    /// `personType`: [`vocabulary::PERSON_TYPE`].
    pub person_type: Option<Spanned<String>>,
    /// `groupEntity`: the company of our own group this supplier is (an
    /// intra-group ICT service provider).
    pub group_entity: Option<Spanned<EntityRef>>,
    /// `failures`: how often and for how long it fails (docs/risk.md).
    pub failures: Option<crate::FailureData>,
}

/// `continuity`: what we asked for and what the supplier committed to.
#[derive(Debug, Clone)]
pub struct Continuity {
    /// When a statement was requested.
    pub requested: Option<Date>,
    /// The statement received, if any.
    pub statement: Option<Statement>,
    /// Where the block starts.
    pub span: Span,
}

/// A continuity statement received from a supplier.
#[derive(Debug, Clone)]
pub struct Statement {
    /// When it was received.
    pub received: Option<Date>,
    /// Until when it is valid.
    pub valid_until: Option<Date>,
    /// The committed recovery time objective.
    pub rto: Option<Duration>,
    /// The committed recovery point objective.
    pub rpo: Option<Duration>,
    /// When the supplier last tested its continuity plan.
    pub bcp_tested: Option<Date>,
    /// Certifications (`ISO22301`, `SOC2-Type2`, ...).
    pub certifications: Vec<String>,
    /// Path or URL of the evidence document.
    pub document: Option<String>,
    /// Where the block starts.
    pub span: Span,
}

/// How far an escrow deposit was verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EscrowVerification {
    /// Not verified.
    None,
    /// The deposit was checked to be present and complete.
    Deposit,
    /// The deposit was built into working software.
    Build,
}

impl EscrowVerification {
    /// Every value as written in YAML.
    pub const NAMES: &'static [&'static str] = &["none", "deposit", "build"];

    /// Parses the YAML value.
    pub fn parse(s: &str) -> Option<EscrowVerification> {
        match s {
            "none" => Some(EscrowVerification::None),
            "deposit" => Some(EscrowVerification::Deposit),
            "build" => Some(EscrowVerification::Build),
            _ => None,
        }
    }

    /// The YAML value.
    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

/// `escrow`: a source-code escrow agreement.
#[derive(Debug, Clone)]
pub struct Escrow {
    /// The escrow agent.
    pub agent: Option<String>,
    /// The date of the last deposit.
    pub last_deposit: Option<Date>,
    /// How far the last deposit was verified.
    pub verification: Option<EscrowVerification>,
    /// When the code is released (`bankruptcy`, `discontinuation`, ...).
    pub release_conditions: Vec<String>,
    /// Who would run and patch the released code.
    pub maintainer: Option<Spanned<EntityRef>>,
    /// Where the block starts.
    pub span: Span,
}

/// How we would leave a supplier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExitStrategy {
    /// Move to another supplier.
    Replace,
    /// Do it ourselves.
    Insource,
    /// Take over the escrowed code.
    Escrow,
    /// Accept the loss.
    Accept,
}

impl ExitStrategy {
    /// Every value as written in YAML.
    pub const NAMES: &'static [&'static str] = &["replace", "insource", "escrow", "accept"];

    /// Parses the YAML value.
    pub fn parse(s: &str) -> Option<ExitStrategy> {
        match s {
            "replace" => Some(ExitStrategy::Replace),
            "insource" => Some(ExitStrategy::Insource),
            "escrow" => Some(ExitStrategy::Escrow),
            "accept" => Some(ExitStrategy::Accept),
            _ => None,
        }
    }

    /// The YAML value.
    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

/// `exit`: the exit plan.
#[derive(Debug, Clone)]
pub struct ExitPlan {
    /// The strategy.
    pub strategy: Option<ExitStrategy>,
    /// Replacement suppliers.
    pub alternatives: Vec<Spanned<EntityRef>>,
    /// How long the exit takes.
    pub lead_time: Option<Spanned<Duration>>,
    /// When the plan was last tested.
    pub last_tested: Option<Date>,
    /// Who owns the plan.
    pub owner: Option<Spanned<EntityRef>>,
    /// Where the block starts.
    pub span: Span,
}

/// An amount of money.
#[derive(Debug, Clone, PartialEq)]
pub struct Money {
    /// The amount.
    pub amount: f64,
    /// ISO 4217 currency code.
    pub currency: String,
}

/// One contract with a supplier.
#[derive(Debug, Clone)]
pub struct Contract {
    /// The contract's reference.
    pub reference: String,
    /// Start date.
    pub start: Option<Date>,
    /// End date.
    pub end: Option<Date>,
    /// Notice period.
    pub notice_period: Option<Duration>,
    /// Annual cost.
    pub annual_cost: Option<Money>,
    /// `type`: [`vocabulary::ARRANGEMENT_TYPE`].
    pub arrangement_type: Option<Spanned<String>>,
    /// `overarching`: the reference of the overarching contract.
    pub overarching: Option<Spanned<String>>,
    /// `linkedTo`: for a contract with a company of our own group, the
    /// references of the contracts it passes on (DORA B_02.03).
    pub linked_to: Vec<Spanned<String>>,
    /// `terminationReason`: [`vocabulary::TERMINATION_REASON`].
    pub termination_reason: Option<Spanned<String>>,
    /// `providerNoticePeriod`: the supplier's notice period.
    pub provider_notice_period: Option<Duration>,
    /// `governingLaw`: the country whose law governs the contract.
    pub governing_law: Option<Spanned<String>>,
    /// `signedBy`: the group companies that signed it.
    pub signed_by: Vec<Spanned<EntityRef>>,
    /// `usedBy`: the group companies (or their branches) that use it.
    pub used_by: Vec<ContractUser>,
    /// `services`: the ICT services it covers.
    pub services: Vec<IctService>,
    /// Where the entry starts.
    pub span: Span,
}

/// A group company using a contract, possibly through one of its branches.
#[derive(Debug, Clone)]
pub struct ContractUser {
    /// The legal entity.
    pub entity: Spanned<EntityRef>,
    /// The branch code, when a branch uses it.
    pub branch: Option<Spanned<String>>,
}

/// One ICT service inside a contract, with its assessment.
#[derive(Debug, Clone)]
pub struct IctService {
    /// `type`: `S01` … `S19` ([`vocabulary::SERVICE_TYPE`]).
    pub service_type: Option<Spanned<String>>,
    /// `functions`: the business functions it supports (derived from the
    /// dependency graph when not given).
    pub functions: Vec<Spanned<EntityRef>>,
    /// `providedFrom`: countries the service is provided from.
    pub provided_from: Vec<Spanned<String>>,
    /// `dataStorage`: whether it stores our data.
    pub data_storage: Option<bool>,
    /// `dataAtRest`: countries where the data is stored.
    pub data_at_rest: Vec<Spanned<String>>,
    /// `dataProcessing`: countries where the data is processed.
    pub data_processing: Vec<Spanned<String>>,
    /// `dataSensitiveness`: [`vocabulary::LEVEL`].
    pub data_sensitiveness: Option<Spanned<String>>,
    /// `reliance`: [`vocabulary::RELIANCE`].
    pub reliance: Option<Spanned<String>>,
    /// `substitutability`: [`vocabulary::SUBSTITUTABILITY`].
    pub substitutability: Option<Spanned<String>>,
    /// `substitutabilityReason`: [`vocabulary::SUBSTITUTABILITY_REASON`].
    pub substitutability_reason: Option<Spanned<String>>,
    /// `lastAudit`: when the service was last audited.
    pub last_audit: Option<Spanned<Date>>,
    /// `reintegration`: [`vocabulary::REINTEGRATION`].
    pub reintegration: Option<Spanned<String>>,
    /// `discontinuationImpact`: [`vocabulary::IMPACT`].
    pub discontinuation_impact: Option<Spanned<String>>,
    /// Where the entry starts.
    pub span: Span,
}

/// Linchpin LegalEntity: a company of the group — the DORA register's
/// reporting entity and the entities in its scope.
#[derive(Debug, Clone, Default)]
pub struct LegalEntitySpec {
    /// `maintainsRegister`: this entity keeps the register of information.
    pub maintains_register: bool,
    /// `lei`.
    pub lei: Option<Spanned<String>>,
    /// `country`: ISO 3166-1 alpha-2.
    pub country: Option<Spanned<String>>,
    /// `entityType`: an `eba_CT` code of the taxonomy (`eba_CT:x12` is a credit institution).
    pub entity_type: Option<Spanned<String>>,
    /// `hierarchy`: [`vocabulary::HIERARCHY`].
    pub hierarchy: Option<Spanned<String>>,
    /// `parent`: the direct parent undertaking.
    pub parent: Option<Spanned<EntityRef>>,
    /// `competentAuthority`.
    pub competent_authority: Option<Spanned<String>>,
    /// `totalAssets`.
    pub total_assets: Option<Money>,
    /// `inRegisterSince`: when it was integrated in the register.
    pub in_register_since: Option<Spanned<Date>>,
    /// `lastUpdated`: when its entry was last updated.
    pub last_updated: Option<Spanned<Date>>,
    /// `removedFromRegister`: when it left the register.
    pub removed_from_register: Option<Spanned<Date>>,
    /// `branches`.
    pub branches: Vec<Branch>,
}

/// A branch of a legal entity.
#[derive(Debug, Clone)]
pub struct Branch {
    /// `code`: its identification code.
    pub code: Spanned<String>,
    /// `name`.
    pub name: Option<String>,
    /// `country`.
    pub country: Option<Spanned<String>>,
}

/// The words the model accepts for DORA's closed lists. The register export
/// maps each to its taxonomy code (in the same order).
pub mod vocabulary {
    /// Contract types.
    pub const ARRANGEMENT_TYPE: &[&str] = &["standalone", "overarching", "subsequent"];
    /// Reasons a contract was terminated.
    pub const TERMINATION_REASON: &[&str] = &[
        "not-for-cause",
        "provider-breach",
        "impediment",
        "provider-weakness",
        "authority-request",
        "other",
    ];
    /// ICT service types of the ITS annex.
    pub const SERVICE_TYPE: &[&str] = &[
        "S01", "S02", "S03", "S04", "S05", "S06", "S07", "S08", "S09", "S10", "S11", "S12", "S13",
        "S14", "S15", "S16", "S17", "S18", "S19",
    ];
    /// Data sensitiveness.
    pub const LEVEL: &[&str] = &["low", "medium", "high"];
    /// Impact of discontinuing a function or service.
    pub const IMPACT: &[&str] = &["low", "medium", "high", "not-assessed"];
    /// Reliance on a service.
    pub const RELIANCE: &[&str] = &["not-significant", "low", "material", "full"];
    /// How hard a service is to substitute.
    pub const SUBSTITUTABILITY: &[&str] =
        &["not-substitutable", "highly-complex", "medium", "easy"];
    /// Why a service is hard to substitute.
    pub const SUBSTITUTABILITY_REASON: &[&str] = &["no-alternatives", "data-migration", "other"];
    /// How hard bringing a service back in-house would be.
    pub const REINTEGRATION: &[&str] = &["not-applicable", "easy", "difficult", "highly-complex"];
    /// A supplier's legal form.
    pub const PERSON_TYPE: &[&str] = &["legal", "natural"];
    /// A legal entity's place in the group.
    pub const HIERARCHY: &[&str] = &[
        "ultimate-parent",
        "parent",
        "subsidiary",
        "outside-group",
        "outsourcing",
    ];
}

/// Outage or permanent failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum FailureMode {
    /// A failure for a time.
    #[default]
    Outage,
    /// A failure until the exit plan is carried out.
    Permanent,
}

impl FailureMode {
    /// Every value as written in YAML.
    pub const NAMES: &'static [&'static str] = &["outage", "permanent"];

    /// Parses the YAML value.
    pub fn parse(s: &str) -> Option<FailureMode> {
        match s {
            "outage" => Some(FailureMode::Outage),
            "permanent" => Some(FailureMode::Permanent),
            _ => None,
        }
    }

    /// The YAML value.
    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

/// Linchpin Scenario.
#[derive(Debug, Clone)]
pub struct ScenarioSpec {
    /// The entities that fail.
    pub fail: Vec<Spanned<EntityRef>>,
    /// Outage or permanent.
    pub mode: FailureMode,
    /// How long an outage lasts (defaults to the committed RTO).
    pub duration: Option<Duration>,
}
