//! The dashboard's pages as templates (`templates/`): each page is its
//! data, gathered by its handler, and a template that writes it — escaped
//! unless a value is markup the views made.

use crate::db::TokenInfo;
use crate::domain::snapshot::{Rejected, Snapshot};
use crate::views::Frame;

/// `/status`: the served version, a rejected newer one, the database.
#[derive(askama::Template)]
#[template(path = "status.html")]
pub struct StatusPage<'a> {
    /// The page title.
    pub title: &'a str,
    /// The frame.
    pub frame: &'a Frame<'a>,
    /// The version served.
    pub served: Option<&'a Snapshot>,
    /// The newest version, if it could not be served.
    pub rejected: Option<&'a Rejected>,
}

/// What `/admin/reminders` shows of `[notify]`.
pub struct ReminderSettings {
    /// `host:port (security)`.
    pub server: String,
    /// The sender.
    pub from: String,
    /// When digests go out.
    pub digest: String,
    /// The quiet days.
    pub quiet: String,
    /// Whether immediate messages are sent.
    pub immediate: bool,
    /// Who hears of rejected versions.
    pub admins: String,
    /// Each team (a Group) with the addresses its messages go to.
    pub teams: Vec<(String, Vec<String>)>,
}

/// `/admin/reminders`: the settings, a test, every delivery and its outcome.
#[derive(askama::Template)]
#[template(path = "notifications.html")]
pub struct RemindersPage<'a> {
    /// The page title.
    pub title: &'a str,
    /// The frame.
    pub frame: &'a Frame<'a>,
    /// The settings, if mail is configured.
    pub settings: Option<ReminderSettings>,
    /// The newest deliveries, pending first.
    pub deliveries: &'a [crate::db::Delivery],
    /// What the last action did.
    pub note: Option<String>,
}

/// `/tokens`: every token, a new one's secret once, the form for another.
#[derive(askama::Template)]
#[template(path = "tokens.html")]
pub struct TokensPage<'a> {
    /// The page title.
    pub title: &'a str,
    /// The frame.
    pub frame: &'a Frame<'a>,
    /// Every token.
    pub tokens: &'a [TokenInfo],
    /// The token just made: its holder and its secret.
    pub made: Option<(&'a str, &'a str)>,
}

/// `/signin`.
#[derive(askama::Template)]
#[template(path = "signin.html")]
pub struct SigninPage<'a> {
    /// The page title.
    pub title: &'a str,
    /// The frame.
    pub frame: &'a Frame<'a>,
    /// Where to go after signing in (a path on this server).
    pub next: &'a str,
}

/// A supplier in the ranking.
pub struct SupplierRow {
    /// Its tier.
    pub tier: u8,
    /// Its link (markup the views made).
    pub link: String,
    /// Its score, to one decimal.
    pub score: String,
    /// How many functions it stops.
    pub stops: usize,
    /// How many it degrades.
    pub degrades: usize,
    /// Its statement, in words.
    pub statement: String,
    /// Its exit plan, in words.
    pub exit: String,
    /// Whether it has an owner.
    pub owner: bool,
}

/// `/suppliers`.
#[derive(askama::Template)]
#[template(path = "suppliers.html")]
pub struct SuppliersPage<'a> {
    /// The page title.
    pub title: &'a str,
    /// The frame.
    pub frame: &'a Frame<'a>,
    /// The ranking.
    pub rows: Vec<SupplierRow>,
}

/// A business function in the list.
pub struct FunctionRow {
    /// Its link (markup the views made).
    pub link: String,
    /// Its criticality.
    pub criticality: &'static str,
    /// Its maximum tolerable downtime.
    pub tolerance: String,
    /// How many suppliers stop it alone.
    pub stopped: usize,
    /// How many degrade it.
    pub degraded: usize,
}

/// `/functions`.
#[derive(askama::Template)]
#[template(path = "functions.html")]
pub struct FunctionsPage<'a> {
    /// The page title.
    pub title: &'a str,
    /// The frame.
    pub frame: &'a Frame<'a>,
    /// The functions.
    pub rows: Vec<FunctionRow>,
}

/// One mode of a failure as a function sees it.
pub struct ModeCell {
    /// How long it is down or impaired.
    pub shown: String,
    /// Whether that breaches its tolerance.
    pub breach: bool,
}

impl ModeCell {
    /// The cell of mode `m` for `function`, capped by the reach's `cap`.
    pub fn of(
        m: &linchpin_engine::rank::ModeImpact,
        function: linchpin_model::EntityId,
        cap: linchpin_engine::Dur,
    ) -> ModeCell {
        ModeCell {
            shown: m.duration.min(cap).to_string(),
            breach: m.breaches.contains(&function),
        }
    }
}

/// A supplier that can stop or degrade a function.
pub struct FunctionSupplierRow {
    /// The supplier's link (markup the views made).
    pub link: String,
    /// Its tier.
    pub tier: u8,
    /// `down` or `degraded`.
    pub effect: &'static str,
    /// For its committed RTO.
    pub outage: ModeCell,
    /// For good.
    pub permanent: ModeCell,
}

/// `/functions/{name}`.
#[derive(askama::Template)]
#[template(path = "function.html")]
pub struct FunctionPage<'a> {
    /// The page title: the function's name.
    pub title: &'a str,
    /// The frame.
    pub frame: &'a Frame<'a>,
    /// Its ref.
    pub reference: String,
    /// Its criticality.
    pub criticality: &'static str,
    /// Its description.
    pub description: Option<&'a str>,
    /// Its owner's ref.
    pub owner: Option<String>,
    /// Maximum tolerable downtime, RTO and RPO.
    pub mtd: String,
    /// RTO.
    pub rto: String,
    /// RPO.
    pub rpo: String,
    /// The suppliers that reach it.
    pub rows: Vec<FunctionSupplierRow>,
}

/// A function a supplier can stop or degrade.
pub struct ReachRow {
    /// The function's link (markup the views made).
    pub link: String,
    /// Its criticality.
    pub criticality: &'static str,
    /// `down` or `degraded`.
    pub class: &'static str,
    /// `stops` or `degrades`.
    pub effect: &'static str,
    /// What it tolerates.
    pub tolerance: String,
    /// For the committed RTO.
    pub outage: ModeCell,
    /// For good.
    pub permanent: ModeCell,
}

/// A ranked supplier's part of its page.
pub struct SupplierRank {
    /// The tier.
    pub tier: u8,
    /// What it reaches.
    pub reach: Vec<ReachRow>,
    /// How long an outage lasts, and why.
    pub outage: String,
    /// How long a permanent failure lasts, and why.
    pub permanent: String,
    /// The statement, in words.
    pub statement: String,
    /// Escrow, in words.
    pub escrow: String,
    /// The exit plan, in words.
    pub exit: String,
    /// How many alternatives.
    pub alternatives: usize,
}

/// A finding on a page.
pub struct FindingItem {
    /// `error` or `warning`.
    pub class: &'static str,
    /// Its id.
    pub id: &'static str,
    /// Its message (markup the views made: quoted names as code).
    pub message: String,
}

/// An evidence file of one of a supplier's requests.
pub struct EvidenceItem {
    /// The request.
    pub request: i64,
    /// The file's id.
    pub id: i64,
    /// Its name.
    pub filename: String,
    /// The request's kind.
    pub kind: &'static str,
    /// When it was uploaded.
    pub when: String,
}

/// `/suppliers/{name}`.
#[derive(askama::Template)]
#[template(path = "supplier.html")]
pub struct SupplierPage<'a> {
    /// The page title: the supplier's name.
    pub title: &'a str,
    /// The frame.
    pub frame: &'a Frame<'a>,
    /// Its ref.
    pub reference: String,
    /// Its type.
    pub supplier_type: &'static str,
    /// Its country.
    pub country: Option<&'a str>,
    /// Its tier.
    pub tier: Option<u8>,
    /// Its description.
    pub description: Option<&'a str>,
    /// Its ranking, when it is ranked.
    pub rank: Option<SupplierRank>,
    /// Its owner's ref.
    pub owner: Option<String>,
    /// Its findings.
    pub findings: Vec<FindingItem>,
    /// The picture of its reach (markup the views made), or empty.
    pub svg: &'a str,
    /// Its contracts: reference, start, end, notice, annual cost.
    pub contracts: Vec<(String, String, String, String, String)>,
    /// Its requests.
    pub rows: Vec<super::requests::RequestRow>,
    /// How many requests in all, when there are more than shown.
    pub more: Option<i64>,
    /// Whether the viewer may make requests.
    pub editor: bool,
    /// Evidence of its requests.
    pub evidence: Vec<EvidenceItem>,
    /// Its links that are safe to follow: (url, text).
    pub links: Vec<(&'a str, &'a str)>,
}

/// `/audit`.
#[derive(askama::Template)]
#[template(path = "audit.html")]
pub struct AuditPage<'a> {
    /// The page title.
    pub title: &'a str,
    /// The frame.
    pub frame: &'a Frame<'a>,
    /// The entries, newest first.
    pub entries: &'a [crate::db::Audit],
}

/// The overview's cards.
pub struct Cards {
    /// The version.
    pub version: String,
    /// Its commit, shortened.
    pub commit: Option<String>,
    /// The date it is judged on.
    pub today: linchpin_model::Date,
    /// Suppliers.
    pub suppliers: usize,
    /// Business functions.
    pub functions: usize,
    /// Tier 1 suppliers.
    pub tier1: usize,
    /// Tier 2 suppliers.
    pub tier2: usize,
    /// Tier 1–2 suppliers ready.
    pub ready: usize,
    /// Tier 1–2 suppliers.
    pub of: usize,
    /// Findings.
    pub findings: usize,
    /// Findings that are errors.
    pub errors: usize,
    /// Requests overdue.
    pub overdue: i64,
}

/// `/`: the overview.
#[derive(askama::Template)]
#[template(path = "overview.html")]
pub struct OverviewPage<'a> {
    /// The page title.
    pub title: &'a str,
    /// The frame.
    pub frame: &'a Frame<'a>,
    /// The cards, when a version is served.
    pub cards: Option<Cards>,
    /// The tables below the cards (rendered once per version and day).
    pub tables: &'a str,
}

/// A linchpin in the overview.
pub struct LinchpinRow {
    /// Its link (markup the views made).
    pub link: String,
    /// The functions it stops (links).
    pub stops: String,
    /// The functions it degrades (links).
    pub degrades: String,
    /// The functions it breaches (links).
    pub breaches: String,
    /// Its statement, in words.
    pub statement: String,
    /// Its exit plan, in words.
    pub exit: String,
}

/// A scenario's breach.
pub struct BreachRow {
    /// The scenario.
    pub scenario: String,
    /// The function (link).
    pub link: String,
    /// How long it is down.
    pub down: String,
    /// What it tolerates.
    pub tolerance: String,
}

/// A deadline of the next 12 months.
pub struct DeadlineRow {
    /// Whether it has passed.
    pub overdue: bool,
    /// When.
    pub date: linchpin_model::Date,
    /// What, in words.
    pub what: String,
    /// More about it.
    pub detail: Option<String>,
    /// The supplier (link).
    pub link: String,
}

/// The overview's tables.
#[derive(askama::Template)]
#[template(path = "overview_tables.html")]
pub struct OverviewTables {
    /// Tier 1 suppliers.
    pub linchpins: Vec<LinchpinRow>,
    /// The worst breaches of the scenarios.
    pub breaches: Vec<BreachRow>,
    /// The next deadlines.
    pub timeline: Vec<DeadlineRow>,
}

/// A finding in the list.
pub struct FindingRow {
    /// `error`, `warning` or `info`.
    pub severity: &'static str,
    /// Its id.
    pub id: &'static str,
    /// The entity (link).
    pub link: String,
    /// The message (markup the views made).
    pub message: String,
    /// The file.
    pub file: String,
    /// The line.
    pub line: u32,
}

/// `/findings`.
#[derive(askama::Template)]
#[template(path = "findings.html")]
pub struct FindingsPage<'a> {
    /// The page title.
    pub title: &'a str,
    /// The frame.
    pub frame: &'a Frame<'a>,
    /// The severity filter.
    pub severity: Option<&'a str>,
    /// The finding-id filter.
    pub id: Option<&'a str>,
    /// The text filter.
    pub text: &'a str,
    /// Every finding id.
    pub ids: Vec<&'static str>,
    /// The findings shown.
    pub rows: Vec<FindingRow>,
    /// All findings.
    pub total: usize,
}

/// `/trends`.
#[derive(askama::Template)]
#[template(path = "trends.html")]
pub struct TrendsPage<'a> {
    /// The page title.
    pub title: &'a str,
    /// The frame.
    pub frame: &'a Frame<'a>,
    /// The charts (SVG the views drew).
    pub charts: Vec<String>,
    /// The versions, oldest first.
    pub versions: &'a [crate::db::VersionRow],
}

/// What fails in a what-if.
pub struct FailingItem {
    /// Its link.
    pub link: String,
    /// For how long.
    pub duration: String,
    /// Where the duration comes from.
    pub source: &'static str,
}

/// A function a what-if stops or degrades.
pub struct ImpactRow {
    /// Its link.
    pub link: String,
    /// Its criticality.
    pub criticality: &'static str,
    /// `down` or `degraded`.
    pub status: &'static str,
    /// How long down.
    pub down: String,
    /// How long impaired.
    pub impaired: String,
    /// What it tolerates.
    pub tolerance: String,
    /// Whether it breaches.
    pub breach: bool,
    /// Why: the chain and the fallbacks on it (markup the views made).
    pub why: String,
}

/// A what-if's answer.
pub struct WhatifResult {
    /// What fails.
    pub failing: Vec<FailingItem>,
    /// The functions it reaches.
    pub functions: Vec<ImpactRow>,
    /// How many keep working.
    pub up: usize,
    /// The picture (SVG the views drew).
    pub svg: String,
}

/// `/whatif`.
#[derive(askama::Template)]
#[template(path = "whatif.html")]
pub struct WhatifPage<'a> {
    /// The page title.
    pub title: &'a str,
    /// The frame.
    pub frame: &'a Frame<'a>,
    /// The refs asked for.
    pub fail: String,
    /// Whether the mode is permanent.
    pub permanent: bool,
    /// The duration asked for.
    pub duration: &'a str,
    /// Suppliers' names to choose from.
    pub names: Vec<&'a str>,
    /// Suggestions when nothing is asked: (ref, title).
    pub suggestions: Vec<(String, &'a str)>,
    /// The answer.
    pub result: Option<WhatifResult>,
}
