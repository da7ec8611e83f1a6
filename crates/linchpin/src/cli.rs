//! Command-line arguments.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Linchpin keeps your software landscape as code and answers: what happens
/// to the business when a supplier stops delivering, and are we ready for it?
///
/// A landscape is a folder of YAML files in the Backstage catalog format,
/// extended with business functions, suppliers and failure scenarios.
#[derive(Debug, Parser)]
#[command(name = "linchpin", version, propagate_version = true)]
#[command(after_help = "Start with `linchpin check examples/webshop`.\n\
Exit codes: 0 clean, 1 the check failed, 2 usage or I/O error.\n\
Colour is off when NO_COLOR is set or output is not a terminal.")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate a landscape and check its readiness, every problem in one run.
    ///
    /// Reads every *.yaml / *.yml file below DIR (hidden and git-ignored
    /// paths skipped), follows Location targets, and reports YAML errors,
    /// unknown fields, broken references, bad durations and dates, and more:
    /// each with file, line, column and a stable code (`linchpin explain CODE`).
    /// Then it checks readiness — continuity statements, escrow, exit plans,
    /// single points of failure, hidden concentration — against each
    /// supplier's tier. Severities and thresholds: linchpin.toml. Adopt in CI
    /// with --write-baseline once, then --baseline: only new findings fail.
    Check(CheckArgs),
    /// Write the continuity report: one self-contained HTML file (or
    /// Markdown, or the JSON data behind it).
    ///
    /// Summary, suppliers by criticality (sortable), the function × supplier
    /// impact matrix, concentration, every scenario with downtime against
    /// tolerance and the explanation chains, readiness per supplier, the
    /// next 12 months, actions by team, and a picture of each linchpin's
    /// reach. Prints where the file is and a short summary.
    Report(ReportArgs),
    /// Draw the dependency graph: a focus neighbourhood, or an overview from
    /// business functions down to suppliers; coloured by status with --fail.
    ///
    /// SVG is drawn by Linchpin itself (no Graphviz needed); DOT and Mermaid
    /// are for other tools and wikis. Large landscapes are capped: use
    /// --focus and --depth to look closer.
    Graph(GraphArgs),
    /// The page a team opens when a supplier goes dark: what stops and for
    /// how long, who owns it, the fallbacks to activate, the exit plan, the
    /// escrow, the supplier's commitments, contracts and contacts.
    Playbook(PlaybookArgs),
    /// Simulate failures: which business functions stop or degrade, for how
    /// long, against what tolerance, and why.
    ///
    /// `--fail` takes refs (`supplier:stripe`, `resource:aws-eu-central-1`,
    /// or a bare name when it is unique). An outage lasts `--duration`, or
    /// each supplier's committed RTO; `--permanent` lasts until the exit plan
    /// is carried out (its lead time). Without either bound the failure is
    /// unbounded, and the output says so. `--scenario NAME` runs a Scenario
    /// entity of the landscape.
    Whatif(WhatifArgs),
    /// Rank every supplier by how much of the business its failure stops.
    ///
    /// Each supplier fails alone, as an outage (its committed RTO) and
    /// permanently (its exit lead time). Tier 1 ("linchpin"): alone stops a
    /// critical function; tier 2: stops an important function or degrades a
    /// critical one; tier 3: any other impact; tier 4: none.
    Rank(RankArgs),
    /// How much of the critical and important business each supplier, and
    /// each country's suppliers together, can stop or degrade — directly
    /// and through fourth parties (hidden concentration).
    Concentration(AnalysisArgs),
    /// Minimal sets of suppliers whose joint failure stops each critical
    /// function: what a view of single failures misses.
    Cutsets(CutsetArgs),
    /// Continuity risk in money and probability: simulated years of
    /// supplier failures, priced with each business function's cost.
    ///
    /// Per function and supplier: the expected loss a year with its
    /// standard error, the median, 90th and 99th percentile of a period's
    /// loss, the chance a stop outlasts the tolerance, and which suppliers
    /// the loss is owed to (failures that overlap included). Needs `cost` on
    /// functions and `failures` on suppliers (docs/risk.md). With
    /// `--actions`, each `[[risk.action]]` of linchpin.toml is simulated on
    /// the same years and ranked by the loss it removes per unit of cost.
    Risk(RiskArgs),
    /// What a change of the landscape does to continuity: for a pull request.
    ///
    /// BASE and HEAD are each a git revision of the repository that holds the
    /// landscape (read from git, nothing checked out) or a folder; HEAD
    /// defaults to the landscape folder as it is now. Reports, most serious
    /// first: new linchpins, new breaches of tolerance, functions a supplier's
    /// failure newly stops or degrades, alternatives lost, concentration that
    /// grew, readiness findings and register gaps new and resolved, and the
    /// problems the change brings into the files. `--format markdown` fits a
    /// pull-request comment; `--fail-on` gates a merge.
    Diff(DiffArgs),
    /// The continuity deadlines as a calendar file (iCalendar, `.ics`).
    ///
    /// One all-day event per deadline of the next 12 months — statements
    /// that expire, escrow deposits and exit-plan tests that fall due,
    /// notice deadlines, contract ends — and the overdue ones still open,
    /// for Outlook, Google Calendar or Thunderbird. `--team` keeps the
    /// suppliers one Group owns.
    Calendar(CalendarArgs),
    /// Find the third parties a landscape is missing, from evidence in code
    /// and infrastructure.
    ///
    /// Reads lockfiles (Cargo, npm, Yarn, pnpm, Poetry, pip, Go), Dockerfiles,
    /// Kubernetes and Compose files, GitHub Actions and GitLab CI, OpenAPI and
    /// AsyncAPI descriptions, and hostnames and URLs in any text file; matches
    /// them against the vendor catalog (extended by the landscape's own
    /// Supplier annotations). With --landscape: which vendors have no
    /// Supplier (undeclared-supplier) and which Suppliers left no trace.
    Discover(DiscoverArgs),
    /// Propose a first landscape from a Backstage catalog and the code beside it.
    ///
    /// Reads the catalog in DIR (and the repositories its components point
    /// to, when they are in DIR too), and writes new files into
    /// DIR/linchpin/: a Supplier for every third party the catalog's
    /// Resources, APIs and links name or the code shows (with the evidence),
    /// what depends on it (`dependencyOf`), and a BusinessFunction per
    /// System. Every proposal is marked `linchpin.dev/guess` until a person
    /// confirms it. Never overwrites; running it again adds only what is new.
    Init(InitArgs),
    /// Validate a file made for someone else, with the checks its receiver runs.
    #[command(subcommand)]
    Validate(ValidateCommand),
    /// Write a file for someone else from the landscape.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Serve the landscape to a team: dashboard, API, history, workflow.
    ///
    /// Loads DIR, watches it and reloads on change (a version with errors is
    /// shown with its diagnostics while the last valid one stays served).
    /// Keeps every loaded version, the continuity workflow (requests to
    /// suppliers, comments, evidence), tokens and an audit log in SQLite
    /// (default) or PostgreSQL (`--database postgres://…`). Without tokens
    /// it serves this machine only; `--create-token` makes one.
    Serve(ServeArgs),
    /// Explain what a diagnostic code means and how to fix it.
    ///
    /// `linchpin explain dangling-ref` prints the explanation;
    /// `linchpin explain --list` lists every code.
    Explain(ExplainArgs),
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The landscape: a folder, or a single file whose Locations are followed.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
    /// Fail (exit 1) on errors only, or on warnings too.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Worker threads (default: one per core).
    #[arg(long, hide = true, default_value_t = 0)]
    pub threads: usize,
    /// The date to judge readiness against, `YYYY-MM-DD` (default: today).
    #[arg(long)]
    pub today: Option<String>,
    /// Fail only on findings that this baseline file does not hold.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write every current finding to this baseline file.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Skip the readiness findings (validation only).
    #[arg(long)]
    pub no_findings: bool,
}

#[derive(Debug, clap::Args)]
pub struct CalendarArgs {
    /// The landscape folder (or file).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Only the suppliers this Group owns (a ref, or its name).
    #[arg(long)]
    pub team: Option<String>,
    /// Where the dashboard is served: each event links to its supplier there.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Where to write the calendar (default: stdout).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The date to start from, `YYYY-MM-DD` (default: today).
    #[arg(long)]
    pub today: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The side before the change: a git revision (`main`, `HEAD~1`, a
    /// commit) or a folder.
    pub base: String,
    /// The side after the change (default: the landscape folder as it is).
    pub head: Option<String>,
    /// The landscape folder; for revisions, its place in the repository.
    #[arg(
        short = 'C',
        long = "landscape",
        value_name = "DIR",
        default_value = "."
    )]
    pub landscape: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
    /// Exit 1 when the change brings any of these (comma-separated or repeated).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub fail_on: Vec<DiffGate>,
    /// The date to judge readiness against, `YYYY-MM-DD` (default: today).
    #[arg(long)]
    pub today: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// For the terminal.
    Human,
    /// The JSON contract (docs/json.md).
    Json,
    /// A pull-request comment (at most 65,536 characters).
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[allow(clippy::enum_variant_names)] // the values read `--fail-on new-…`
pub enum DiffGate {
    /// A supplier that alone stops a critical function, and did not before.
    NewLinchpin,
    /// A function down longer than it tolerates when a supplier fails, in either mode.
    NewBreach,
    /// A readiness finding or a register gap the base did not have.
    NewFinding,
    /// An error in the landscape's files that the base did not have.
    NewError,
}

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["fail", "scenario"])))]
pub struct WhatifArgs {
    /// The landscape folder (or file).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Entities to fail (refs; a bare name when it is unique).
    #[arg(long, num_args = 1.., conflicts_with = "scenario")]
    pub fail: Vec<String>,
    /// How long the outage lasts, e.g. `8h` (default: each supplier's committed RTO).
    #[arg(long, conflicts_with = "permanent")]
    pub duration: Option<String>,
    /// Fail until the exit plan is carried out (its lead time).
    #[arg(long)]
    pub permanent: bool,
    /// Run a Scenario entity of the landscape by name.
    #[arg(long)]
    pub scenario: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// The date to judge against, `YYYY-MM-DD` (default: today).
    #[arg(long)]
    pub today: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// The landscape folder (or file).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Where to write the report (`-` for stdout). Default:
    /// linchpin-report.html (.md, .json) in the current folder.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Html)]
    pub format: ReportFormat,
    /// The date to judge against, `YYYY-MM-DD` (default: today).
    #[arg(long)]
    pub today: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// One self-contained HTML file.
    Html,
    /// Markdown with Mermaid diagrams.
    Markdown,
    /// The data behind the report.
    Json,
    /// The risk register: one row per supplier, for spreadsheets.
    Csv,
}

#[derive(Debug, clap::Args)]
pub struct GraphArgs {
    /// The landscape folder (or file).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Draw the neighbourhood of this entity (a ref, or a unique name).
    #[arg(long)]
    pub focus: Option<String>,
    /// How many steps from the focus, in either direction.
    #[arg(long, default_value_t = 2)]
    pub depth: usize,
    /// The most entities to draw.
    #[arg(long, default_value_t = 80)]
    pub max_nodes: usize,
    /// Colour by what failing these entities does (a what-if picture).
    #[arg(long, num_args = 1..)]
    pub fail: Vec<String>,
    /// How long the failure lasts (with --fail).
    #[arg(long, conflicts_with = "permanent")]
    pub duration: Option<String>,
    /// Fail until the exit plan is carried out (with --fail).
    #[arg(long)]
    pub permanent: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = GraphFormat::Svg)]
    pub format: GraphFormat,
    /// Where to write it (default: stdout).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// SVG, laid out by Linchpin.
    Svg,
    /// Graphviz DOT.
    Dot,
    /// A Mermaid flowchart.
    Mermaid,
}

#[derive(Debug, clap::Args)]
pub struct PlaybookArgs {
    /// The supplier (a ref, or its name).
    pub supplier: String,
    /// The landscape folder (or file).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PlaybookFormat::Markdown)]
    pub format: PlaybookFormat,
    /// Where to write it (default: stdout).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The date to judge readiness against, `YYYY-MM-DD` (default: today).
    #[arg(long)]
    pub today: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlaybookFormat {
    /// Markdown, for wikis and runbooks.
    Markdown,
    /// A standalone HTML page.
    Html,
}

#[derive(Debug, Subcommand)]
pub enum ValidateCommand {
    /// Check an EU DORA Register of Information package (xBRL-CSV, EBA 4.0)
    /// as a supervisor's intake does, before you file it.
    ///
    /// Takes the `.zip` or its unzipped folder. Checks the package name,
    /// layout and entry point, parameters, filing indicators, headers, CSV
    /// structure, empty and duplicate keys, foreign keys across templates,
    /// value formats and closed lists, LEI format with check digits,
    /// negative amounts, and the EBA's business rules: mandatory columns,
    /// conditional cells and the contract date order (each message names
    /// the EBA rule id). Whether an LEI is live at GLEIF needs the internet
    /// and is not checked. Exit 1 when there is an error.
    DoraRoi(ValidateDoraArgs),
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The landscape: a folder.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Where to listen. Beyond 127.0.0.1 only with tokens.
    #[arg(long, default_value = "127.0.0.1:7878")]
    pub bind: std::net::SocketAddr,
    /// The address users reach the server at, when it is not the one it
    /// listens on (behind a TLS-terminating proxy): changes are accepted
    /// only from pages of this origin, and with https cookies are `Secure`.
    #[arg(long, value_name = "URL")]
    pub public_url: Option<String>,
    /// The database: `sqlite://PATH` (created on first run) or `postgres://USER@HOST/DB`.
    #[arg(long, value_name = "URL", default_value = "sqlite://linchpin.db")]
    pub database: String,
    /// Judge readiness as of this date (YYYY-MM-DD) instead of today.
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
    /// Read today's date from this file at each use (a clock tests can move).
    #[arg(long, value_name = "PATH", hide = true)]
    pub today_file: Option<PathBuf>,
    /// Seconds between looks for changes to the landscape where the
    /// operating system does not report them (it does on local disks, and a
    /// change is then noticed at once).
    #[arg(long, default_value_t = 2)]
    pub poll: u64,
    /// The largest evidence upload, in MiB.
    #[arg(long, default_value_t = 10)]
    pub max_upload: usize,
    /// Create an API token with this name, print it once, and exit.
    #[arg(long, value_name = "NAME")]
    pub create_token: Option<String>,
    /// The new token's role: calendar (reads /calendar.ics only), viewer, editor or admin.
    #[arg(long, default_value = "viewer", requires = "create_token")]
    pub role: String,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Write the EU DORA Register of Information (xBRL-CSV report package,
    /// EBA 4.0) from the landscape, and validate it before anyone files it.
    ///
    /// The landscape keeps the register when one LegalEntity has
    /// `maintainsRegister: true`. Criticality, RTO/RPO, exit plans,
    /// alternatives, the functions each service supports and the supply
    /// chain come from the model; the rest from LegalEntity, contracts and
    /// their services (docs/dora.md). Every missing field and every problem
    /// the validator finds is named with the landscape file and line it
    /// comes from. An invalid register is not written unless
    /// --allow-invalid. Exit 1 when the register is invalid.
    DoraRoi(ExportDoraArgs),
}

#[derive(Debug, clap::Args)]
pub struct ExportDoraArgs {
    /// The landscape: a folder, or a single file whose Locations are followed.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// The reference date of the register (YYYY-MM-DD), e.g. 2026-12-31.
    #[arg(long, value_name = "DATE")]
    pub reference_date: String,
    /// CON (consolidated, the group) or IND (one entity).
    #[arg(long, value_enum, default_value_t = ConsolidationArg::Con)]
    pub consolidation: ConsolidationArg,
    /// Where to write: a folder (the package's own name is used) or a `.zip` path.
    #[arg(short, long, value_name = "PATH", default_value = ".")]
    pub output: PathBuf,
    /// Write the register even when it is invalid (it says so loudly).
    #[arg(long)]
    pub allow_invalid: bool,
    /// The creation time in the package name (yyyyMMddHHmmssSSS); now by default.
    #[arg(long, value_name = "STAMP")]
    pub timestamp: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Print at most this many problems per rule in human output (0: all).
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConsolidationArg {
    /// Consolidated: the group.
    #[value(name = "CON", alias = "con")]
    Con,
    /// Individual: one entity.
    #[value(name = "IND", alias = "ind")]
    Ind,
}

#[derive(Debug, clap::Args)]
pub struct ValidateDoraArgs {
    /// The package: `{LEI}.{CON|IND}_{CC}_DORA010100_DORA_{date}_{timestamp}.zip` or its folder.
    pub package: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Print at most this many problems per rule in human output (0: all).
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// The landscape the package was exported from: each problem then names
    /// the entity and the YAML file and line its row came from.
    #[arg(long, value_name = "DIR")]
    pub landscape: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The folder holding the Backstage catalog (and, optionally, the code).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Also read the code in these folders (the repositories the catalog's
    /// components point to, cloned side by side): found by the repository
    /// name of each component's `backstage.io/source-location`.
    #[arg(long, value_name = "PATH")]
    pub code: Vec<PathBuf>,
    /// Show what would be written, write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Output format of the summary.
    #[arg(long, value_enum, default_value_t = InitFormat::Human)]
    pub format: InitFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InitFormat {
    /// For a person.
    Human,
    /// For a program (docs/json.md).
    Json,
}

#[derive(Debug, clap::Args)]
pub struct DiscoverArgs {
    /// Folders or files to scan.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The landscape to compare with.
    #[arg(long, value_name = "DIR")]
    pub landscape: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
    /// Write a Supplier file per undeclared vendor into DIR (never overwrites).
    #[arg(long, value_name = "DIR", requires = "landscape")]
    pub write: Option<PathBuf>,
    /// Also scan git-ignored paths and node_modules.
    #[arg(long)]
    pub no_ignore: bool,
    /// Also scan every hidden file and folder (.github and other known evidence are always scanned).
    #[arg(long)]
    pub hidden: bool,
    /// Fail (exit 1) on errors only, or on warnings too (undeclared suppliers are warnings).
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Report vendors found with at least this confidence (`low`: also a
    /// hostname or URL seen in one file only). Declared suppliers are
    /// always reported.
    #[arg(long, value_enum, default_value_t = MinConfidence::Medium)]
    pub min_confidence: MinConfidence,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MinConfidence {
    /// Every match, a hostname in one file included.
    Low,
    /// Structured evidence, or mentions in several files.
    Medium,
    /// Several kinds of evidence, or in several files.
    High,
}

#[derive(Debug, clap::Args)]
pub struct RankArgs {
    /// The landscape folder (or file).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TableFormat::Human)]
    pub format: TableFormat,
    /// The date to judge readiness against, `YYYY-MM-DD` (default: today).
    #[arg(long)]
    pub today: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct RiskArgs {
    /// The landscape folder (or file).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Years in each simulated period (the percentiles are of a period's loss).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub years: u32,
    /// Simulated periods: more give smaller standard errors.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(100..=10_000_000))]
    pub samples: u32,
    /// Periods (the first ones) broken down by function: the per-function
    /// figures come from them; the total, the suppliers' losses, the curve
    /// and the actions from every period.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(100..=10_000_000))]
    pub detail: u32,
    /// The seed: the same seed gives the same numbers.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Weigh each `[[risk.action]]` of linchpin.toml: the loss it removes per unit of its cost.
    #[arg(long)]
    pub actions: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TableFormat::Human)]
    pub format: TableFormat,
    /// The date an incident history ends, `YYYY-MM-DD` (default: today).
    #[arg(long)]
    pub today: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct AnalysisArgs {
    /// The landscape folder (or file).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, clap::Args)]
pub struct CutsetArgs {
    /// The landscape folder (or file).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// The largest set of suppliers to consider (1 to 4).
    #[arg(long, short = 'k', default_value_t = 2, value_parser = clap::value_parser!(u8).range(1..=4))]
    pub max_size: u8,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    /// A readable table.
    Human,
    /// The JSON contract (see docs/json.md).
    Json,
    /// One row per supplier, for spreadsheets.
    Csv,
}

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// The code, e.g. `dangling-ref`.
    #[arg(required_unless_present = "list")]
    pub code: Option<String>,
    /// List every code with its default severity and summary.
    #[arg(long)]
    pub list: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable text with snippets.
    Human,
    /// The JSON contract (see docs/json.md).
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// Readable text with snippets.
    Human,
    /// The JSON contract (see docs/json.md).
    Json,
    /// SARIF 2.1.0, for code-scanning interfaces.
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Exit 1 when there is an error.
    Error,
    /// Exit 1 when there is an error or a warning.
    Warning,
}

pub fn parse() -> Cli {
    Cli::parse()
}
