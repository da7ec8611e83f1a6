//! The evidence sources: one parser per format, each turning a file's text
//! into evidence. Pure: the scanner reads the files.

use crate::catalog::{api_endpoint_id, registrable, Vendor, VendorCatalog};
use crate::evidence::{Evidence, Kind};
use crate::image;
use linchpin_loader::yaml::{parse_documents, Limits, Node, NodeKind};
use linchpin_model::FileId;

/// What a file is, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    /// A lockfile of a package manager.
    Lockfile(Lock),
    /// A Dockerfile or Containerfile.
    Dockerfile,
    /// YAML (Kubernetes, Compose, CI, OpenAPI, ...).
    Yaml,
    /// JSON (OpenAPI, CycloneDX, ...).
    Json,
    /// Terraform HCL (`.tf`).
    Terraform,
    /// Terraform JSON (`.tf.json`).
    TerraformJson,
    /// `.terraform.lock.hcl`.
    TerraformLock,
    /// A list of modules by path (`go.mod`): `k8s.io/klog` names a package,
    /// not a host; not searched for hostnames (`go.sum` counts the registry).
    ModuleList,
    /// Anything else that is text.
    Text,
}

/// Lockfile formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    /// `Cargo.lock`.
    Cargo,
    /// `package-lock.json` / `npm-shrinkwrap.json`.
    Npm,
    /// `yarn.lock`.
    Yarn,
    /// `pnpm-lock.yaml`.
    Pnpm,
    /// `poetry.lock`.
    Poetry,
    /// `requirements*.txt`.
    Requirements,
    /// `go.sum`.
    GoSum,
    /// `Gemfile.lock`.
    Gemfile,
}

/// Classifies a file by its name.
pub fn classify(name: &str) -> FileType {
    let lower = name.to_ascii_lowercase();
    match lower.as_str() {
        "cargo.lock" => return FileType::Lockfile(Lock::Cargo),
        "package-lock.json" | "npm-shrinkwrap.json" => return FileType::Lockfile(Lock::Npm),
        "yarn.lock" => return FileType::Lockfile(Lock::Yarn),
        "pnpm-lock.yaml" => return FileType::Lockfile(Lock::Pnpm),
        "poetry.lock" => return FileType::Lockfile(Lock::Poetry),
        "go.sum" => return FileType::Lockfile(Lock::GoSum),
        "gemfile.lock" => return FileType::Lockfile(Lock::Gemfile),
        "go.mod" | "go.work" => return FileType::ModuleList,
        "dockerfile" | "containerfile" => return FileType::Dockerfile,
        ".terraform.lock.hcl" => return FileType::TerraformLock,
        _ => {}
    }
    if lower.starts_with("requirements") && lower.ends_with(".txt") {
        FileType::Lockfile(Lock::Requirements)
    } else if lower.starts_with("dockerfile.") || lower.ends_with(".dockerfile") {
        FileType::Dockerfile
    } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        FileType::Yaml
    } else if lower.ends_with(".tf.json") {
        FileType::TerraformJson
    } else if lower.ends_with(".tf") {
        FileType::Terraform
    } else if lower.ends_with(".json") {
        FileType::Json
    } else {
        FileType::Text
    }
}

/// Collects evidence for one file, deduplicating the same vendor and value.
/// A hostname on a line that already gave structured evidence for the same
/// vendor (the registry of an image) is dropped by [`Collector::finish`].
pub struct Collector<'c> {
    catalog: &'c VendorCatalog,
    file: String,
    /// The evidence found so far.
    pub found: Vec<Evidence>,
    /// Parse problems: (line, message). The file's other evidence stands.
    pub warnings: Vec<(u32, String)>,
}

impl<'c> Collector<'c> {
    /// Records a parse problem.
    pub fn warn(&mut self, line: u32, message: impl Into<String>) {
        if self.warnings.len() < 5 {
            self.warnings.push((line, message.into()));
        }
    }

    /// The evidence, without hostnames that repeat structured evidence of
    /// the same vendor on the same line, and the parse problems.
    pub fn finish_with_warnings(self) -> (Vec<Evidence>, Vec<(u32, String)>) {
        let warnings = self.warnings.clone();
        (self.finish(), warnings)
    }

    /// The evidence, without hostnames that repeat structured evidence of
    /// the same vendor on the same line.
    pub fn finish(mut self) -> Vec<Evidence> {
        let structured: Vec<(String, u32)> = self
            .found
            .iter()
            .filter(|e| e.kind.is_structured())
            .map(|e| (e.vendor.clone(), e.line))
            .collect();
        self.found.retain(|e| {
            e.kind.is_structured()
                || !structured
                    .iter()
                    .any(|(v, l)| *v == e.vendor && *l == e.line)
        });
        self.found
    }

    /// A collector for one file.
    pub fn new(catalog: &'c VendorCatalog, file: String) -> Collector<'c> {
        Collector {
            catalog,
            file,
            found: Vec::new(),
            warnings: Vec::new(),
        }
    }

    fn push(&mut self, vendor: &Vendor, kind: Kind, value: &str, line: u32) {
        if let Some(e) = self
            .found
            .iter_mut()
            .find(|e| e.vendor == vendor.id && e.kind == kind && e.value == value)
        {
            e.count += 1;
            return;
        }
        self.found.push(Evidence {
            vendor: vendor.id.clone(),
            kind,
            value: value.to_owned(),
            file: self.file.clone(),
            line,
            count: 1,
            pinned: None,
        });
    }

    /// Evidence of a vendor given by id (one the catalog may not hold yet:
    /// [`VendorCatalog::add_unknown_publishers`] adds it after the scan).
    fn push_id(&mut self, vendor: &str, kind: Kind, value: &str, line: u32, pinned: Option<bool>) {
        if let Some(e) = self
            .found
            .iter_mut()
            .find(|e| e.vendor == vendor && e.kind == kind && e.value == value)
        {
            e.count += 1;
            return;
        }
        self.found.push(Evidence {
            vendor: vendor.to_owned(),
            kind,
            value: value.to_owned(),
            file: self.file.clone(),
            line,
            count: 1,
            pinned,
        });
    }

    pub(crate) fn catalog(&self) -> &'c VendorCatalog {
        self.catalog
    }

    pub(crate) fn catalog_by_host(&self, host: &str) -> Option<&'c Vendor> {
        self.catalog.by_host(host)
    }

    pub(crate) fn push_public(&mut self, vendor: &Vendor, kind: Kind, value: &str, line: u32) {
        self.push(vendor, kind, value, line);
    }

    pub(crate) fn push_id_public(&mut self, vendor: &str, kind: Kind, value: &str, line: u32) {
        self.push_id(vendor, kind, value, line, None);
    }

    fn host(&mut self, host: &str, kind: Kind, line: u32) {
        if let Some(v) = self.catalog.by_host(host) {
            self.push(v, kind, &host.to_ascii_lowercase(), line);
        }
    }

    /// An API of no known vendor, called from code.
    fn unknown_api(&mut self, host: &str, line: u32) {
        let id = api_endpoint_id(host);
        if linchpin_loader::rules::is_valid_name(&id) {
            self.push_id(&id, Kind::Endpoint, &host.to_ascii_lowercase(), line, None);
        }
    }

    fn url(&mut self, url: &str, kind: Kind, line: u32) {
        if let Some(host) = host_of(url) {
            self.host(host, kind, line);
        }
    }

    /// An image reference: its registry, and its publisher when known.
    pub fn image(&mut self, reference: &str, line: u32) {
        let Some(img) = image::parse(reference) else {
            return;
        };
        // A bare name that is not one of Docker Hub's official images
        // (`image: adservice`) is a placeholder a build or a deploy tool
        // replaces, not a pull from Docker Hub.
        if img.registry == "docker.io" && !image::is_official(&img.repository) {
            return;
        }
        let catalog = self.catalog;
        if let Some(v) = catalog.by_image_key(&img.registry) {
            self.push(v, Kind::ContainerRegistry, &img.registry, line);
        }
        if let Some(ns) = img.namespace() {
            let key = if img.registry == "docker.io" {
                ns.to_owned()
            } else {
                format!("{}/{ns}", img.registry)
            };
            if let Some(v) = catalog.by_image_key(&key) {
                self.push(
                    v,
                    Kind::ImagePublisher,
                    &format!("{}/{}", img.registry, img.repository),
                    line,
                );
            }
        }
    }
}

/// The host of a URL (`scheme://[user@]host[:port]/...`), if it has one.
pub fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    let host = host.split(':').next()?;
    (host.contains('.') && !host.is_empty()).then_some(host)
}

/// Bytes that can be part of a hostname.
const HOST_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'.' || c == b'-';
        b += 1;
    }
    t
};

/// Every hostname in plain text: maximal runs of host characters that hold a
/// dot, end in a top-level label some vendor uses, and belong to a catalog
/// vendor. One pass over the bytes; lines are counted only for candidates.
pub fn scan_text(c: &mut Collector<'_>, text: &str) {
    scan_bytes(c, text.as_bytes());
}

/// [`scan_text`] over raw bytes (any encoding: hostnames are ASCII).
pub fn scan_bytes(c: &mut Collector<'_>, bytes: &[u8]) {
    let code = is_code(&c.file);
    let n = bytes.len();
    let mut i = 0;
    let mut line = 1u32;
    let mut counted = 0usize;
    while i < n {
        while i < n && !HOST_BYTE[bytes[i] as usize] {
            i += 1;
        }
        let start = i;
        let mut dots = 0u32;
        let mut alpha = false;
        while i < n && HOST_BYTE[bytes[i] as usize] {
            let b = bytes[i];
            dots += u32::from(b == b'.');
            alpha |= b.is_ascii_alphabetic();
            i += 1;
        }
        if dots == 0 || !alpha || i - start <= 3 {
            continue;
        }
        let mut a = start;
        let mut z = i;
        while a < z && matches!(bytes[a], b'.' | b'-') {
            a += 1;
        }
        while z > a && matches!(bytes[z - 1], b'.' | b'-') {
            z -= 1;
        }
        // Host bytes are ASCII, so this cannot fail.
        let Ok(token) = std::str::from_utf8(&bytes[a..z]) else {
            continue;
        };
        let url = bytes[..start].ends_with(b"://");
        if !(c.catalog.could_match(token) && c.catalog.by_host(token).is_some()) {
            // A URL of no known vendor in a string of code: an API the
            // program calls, if it looks like one.
            if code && url && in_code_string(bytes, start, true) && is_api(token, &bytes[z..]) {
                line += bytes[counted..start]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count() as u32;
                counted = start;
                c.unknown_api(token, line);
            }
            continue;
        }
        if names_no_host(bytes, a) {
            continue;
        }
        line += bytes[counted..start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u32;
        counted = start;
        let kind = if code && in_code_string(bytes, start, url) {
            Kind::Endpoint
        } else if url {
            Kind::Url
        } else {
            Kind::Hostname
        };
        c.host(token, kind, line);
    }
}

/// Whether a URL of an unknown host names an API: the host says so
/// (`api.`, `rest.`, `graph.`) or the path does (`/api`, `/v1`,
/// `/graphql`) — and it is no placeholder, test host or schema.
fn is_api(host: &str, after: &[u8]) -> bool {
    let host = host.to_ascii_lowercase();
    let first = host.split('.').next().unwrap_or_default();
    let last = host.rsplit('.').next().unwrap_or_default();
    if host
        .split('.')
        .all(|l| l.bytes().all(|b| b.is_ascii_digit()))
        || matches!(
            last,
            "local" | "internal" | "test" | "example" | "invalid" | "localhost" | "lan" | "svc"
        )
        || last.len() < 2
        || matches!(
            registrable(&host).as_str(),
            "example.com"
                | "example.org"
                | "example.net"
                | "w3.org"
                | "json-schema.org"
                | "schema.org"
        )
        || host.contains(".cluster.")
    {
        return false;
    }
    if matches!(first, "api" | "rest" | "graph" | "gateway") || first.starts_with("api-") {
        return true;
    }
    let path = after.strip_prefix(b"/").unwrap_or(b"");
    path.starts_with(b"api/")
        || path.starts_with(b"graphql")
        || (path.first() == Some(&b'v') && path.get(1).is_some_and(u8::is_ascii_digit))
}

/// Extensions of source code: a vendor's URL or host in one of its string
/// literals is an endpoint the program calls.
const CODE_EXTENSIONS: &[&str] = &[
    "ts", "tsx", "js", "jsx", "mjs", "cjs", "py", "rb", "go", "java", "kt", "kts", "cs", "php",
    "rs", "swift", "scala", "ex", "exs", "dart", "cpp", "c", "h",
];

/// Whether a file is source code, by its extension.
pub fn is_code(file: &str) -> bool {
    file.rsplit_once('.')
        .is_some_and(|(_, ext)| CODE_EXTENSIONS.iter().any(|e| e.eq_ignore_ascii_case(ext)))
}

/// Whether the host at `bytes[start]` opens a string literal (`"https://api…`,
/// `'smtp.sendgrid.net'`) on a line that is not a comment.
fn in_code_string(bytes: &[u8], start: usize, url: bool) -> bool {
    let mut at = start;
    if url {
        at -= 3;
        while at > 0
            && (bytes[at - 1].is_ascii_alphanumeric()
                || matches!(bytes[at - 1], b'+' | b'.' | b'-'))
        {
            at -= 1;
        }
    }
    if at == 0 || !matches!(bytes[at - 1], b'"' | b'\'' | b'`') {
        return false;
    }
    let line_start = bytes[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = bytes[line_start..at].trim_ascii_start();
    !(line.starts_with(b"//")
        || line.starts_with(b"#")
        || line.starts_with(b"*")
        || line.starts_with(b"/*")
        || line.starts_with(b"--"))
}

/// Whether the hostname-like token starting at `bytes[a]` is the domain of an
/// e-mail address (`Jane <jane@gmail.com>`, a package's author): a mailbox,
/// not a use of the mail provider — unless it is git's SSH address
/// (`git@github.com:org/repo`) or the user-info of a URL
/// (`https://key@o1.ingest.sentry.io/42`), which name hosts used.
fn names_no_host(bytes: &[u8], a: usize) -> bool {
    if a == 0 || bytes[a - 1] != b'@' {
        return false;
    }
    let line_start = bytes[..a]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let word = bytes[line_start..a - 1]
        .rsplit(|b| b.is_ascii_whitespace() || b"\"'<>(),;=`".contains(b))
        .next()
        .unwrap_or_default();
    let in_url = word.windows(3).any(|w| w == b"://");
    !in_url && word != b"git"
}

/// `FROM` lines of a Dockerfile (stages named earlier are not images).
pub fn scan_dockerfile(c: &mut Collector<'_>, text: &str) {
    let mut stages: Vec<String> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let mut words = line.split_whitespace();
        if !words.next().is_some_and(|w| w.eq_ignore_ascii_case("FROM")) {
            continue;
        }
        let args: Vec<&str> = words.filter(|w| !w.starts_with("--")).collect();
        let Some(&image) = args.first() else { continue };
        if !stages.iter().any(|s| s.eq_ignore_ascii_case(image)) && image != "scratch" {
            c.image(image, i as u32 + 1);
        }
        if args.len() >= 3 && args[1].eq_ignore_ascii_case("AS") {
            stages.push(args[2].to_owned());
        }
    }
}

/// YAML files: images anywhere (Kubernetes of any kind, Compose, CI jobs),
/// GitHub Actions' `uses`, GitLab CI, `ExternalName` services, OpenAPI and
/// AsyncAPI servers.
pub fn scan_yaml(c: &mut Collector<'_>, path: &str, text: &str) {
    let mut diags = Vec::new();
    let docs = parse_documents(text, FileId(0), Limits::default(), &mut diags);
    if let Some(d) = diags
        .iter()
        .find(|d| d.severity == linchpin_diagnostics::Severity::Error)
    {
        c.warn(
            d.span.map_or(1, |s| s.line),
            format!("{}; the rest of the file was not read as YAML", d.message),
        );
    }
    let workflow = path.contains(".github/workflows/")
        || path.ends_with("action.yml")
        || path.ends_with("action.yaml");
    let gitlab = path.ends_with(".gitlab-ci.yml") || path.contains(".gitlab/ci/");
    if workflow {
        if let Some(v) = c.catalog.get("github") {
            c.push(v, Kind::CiPlatform, "GitHub Actions", 1);
        }
    }
    if gitlab {
        if let Some(v) = c.catalog.get("gitlab") {
            c.push(v, Kind::CiPlatform, "GitLab CI", 1);
        }
    }
    for doc in &docs {
        walk_yaml(c, doc, workflow);
        api_servers(c, doc);
        external_name(c, doc);
    }
}

fn walk_yaml(c: &mut Collector<'_>, node: &Node<'_>, workflow: bool) {
    match &node.kind {
        NodeKind::Map(entries) => {
            for (k, v) in entries {
                match (k.as_scalar(), v.as_scalar()) {
                    (Some("image"), Some(img)) => c.image(img, v.span.line),
                    (Some("image"), None) => {
                        // GitLab: `image: { name: ... }`
                        if let NodeKind::Map(inner) = &v.kind {
                            if let Some((_, n)) =
                                inner.iter().find(|(k, _)| k.as_scalar() == Some("name"))
                            {
                                if let Some(img) = n.as_scalar() {
                                    c.image(img, n.span.line);
                                }
                            }
                        }
                    }
                    (Some("uses"), Some(action)) if workflow => {
                        github_action(c, action, v.span.line)
                    }
                    (Some("runs-on"), _) if workflow => runner_labels(c, v),
                    (Some("annotations"), _) => annotations(c, v),
                    _ => walk_yaml(c, v, workflow),
                }
            }
        }
        NodeKind::Seq(items) => {
            for item in items {
                walk_yaml(c, item, workflow);
            }
        }
        NodeKind::Scalar(..) => {}
    }
}

fn github_action(c: &mut Collector<'_>, action: &str, line: u32) {
    if action.starts_with("./") {
        return;
    }
    if let Some(img) = action.strip_prefix("docker://") {
        c.image(img, line);
        return;
    }
    let (name, reference) = action.split_once('@').unwrap_or((action, ""));
    let Some(owner) = name.split('/').next().filter(|o| !o.is_empty()) else {
        return;
    };
    let catalog = c.catalog;
    // GitHub's own actions are GitHub's; any other owner's code runs in
    // the pipeline with its secrets: a supplier of the pipeline.
    if FIRST_PARTY_ACTION_OWNERS.contains(&owner.to_ascii_lowercase().as_str()) {
        if let Some(v) = catalog.get("github") {
            c.push(v, Kind::GithubAction, name, line);
        }
        return;
    }
    let pinned = is_commit(reference);
    let vendor = match catalog.by_github_org(owner) {
        Some(v) if v.id != "github" => v.id.clone(),
        _ => crate::catalog::action_owner_id(owner),
    };
    c.push_id(&vendor, Kind::CiAction, action, line, Some(pinned));
}

/// Runner labels of hosted-runner providers, by prefix.
const RUNNER_PROVIDERS: &[(&str, &str)] = &[("depot-", "depot"), ("blacksmith-", "blacksmith")];

/// `runs-on:` — a label, a list of labels, or `{group, labels}`.
fn runner_labels<'n>(c: &mut Collector<'_>, node: &'n Node<'_>) {
    let mut labels: Vec<(&'n str, u32)> = Vec::new();
    let mut add = |n: &'n Node<'_>| {
        if let Some(l) = n.as_scalar() {
            labels.push((l, n.span.line));
        }
    };
    match &node.kind {
        NodeKind::Scalar(..) => add(node),
        NodeKind::Seq(items) => items.iter().for_each(&mut add),
        NodeKind::Map(entries) => {
            for (k, v) in entries {
                if k.as_scalar() == Some("labels") {
                    match &v.kind {
                        NodeKind::Seq(items) => items.iter().for_each(&mut add),
                        _ => add(v),
                    }
                }
            }
        }
    }
    let catalog = c.catalog;
    for (label, line) in labels {
        let provider = RUNNER_PROVIDERS
            .iter()
            .find(|(prefix, _)| label.starts_with(prefix))
            .and_then(|(_, id)| catalog.get(id));
        if let Some(v) = provider {
            c.push(v, Kind::CiRunner, label, line);
        }
    }
}

/// Non-domain annotation prefixes of a vendor's tools.
const ANNOTATION_PREFIXES: &[(&str, &str)] = &[("argocd", "argo-cd")];

/// `metadata.annotations` (Backstage and Kubernetes): a key in a vendor's
/// domain (`sonarqube.org/project-key`, `pagerduty.com/service-id`) says
/// the vendor's service is set up for the entity.
fn annotations(c: &mut Collector<'_>, node: &Node<'_>) {
    let NodeKind::Map(entries) = &node.kind else {
        return;
    };
    let catalog = c.catalog;
    for (k, _) in entries {
        let Some(key) = k.as_scalar() else { continue };
        let Some((prefix, _)) = key.split_once('/') else {
            continue;
        };
        let vendor = if prefix.contains('.') {
            catalog.by_host(prefix)
        } else {
            ANNOTATION_PREFIXES
                .iter()
                .find(|(p, _)| *p == prefix)
                .and_then(|(_, id)| catalog.get(id))
        };
        if let Some(v) = vendor {
            c.push(v, Kind::Annotation, key, k.span.line);
        }
    }
}

/// Owners whose actions are GitHub's own.
const FIRST_PARTY_ACTION_OWNERS: &[&str] = &["actions", "github"];

/// A full commit id (40 hex digits, or 64 for SHA-256 repositories).
fn is_commit(reference: &str) -> bool {
    matches!(reference.len(), 40 | 64) && reference.bytes().all(|b| b.is_ascii_hexdigit())
}

fn get<'n, 'a>(node: &'n Node<'a>, key: &str) -> Option<&'n Node<'a>> {
    match &node.kind {
        NodeKind::Map(entries) => entries
            .iter()
            .find(|(k, _)| k.as_scalar() == Some(key))
            .map(|(_, v)| v),
        _ => None,
    }
}

fn api_servers(c: &mut Collector<'_>, doc: &Node<'_>) {
    let is_api = ["openapi", "swagger", "asyncapi"]
        .iter()
        .any(|k| get(doc, k).is_some());
    if !is_api {
        return;
    }
    if let Some(host) = get(doc, "host").and_then(Node::as_scalar) {
        c.host(
            host,
            Kind::ApiServer,
            get(doc, "host").map_or(1, |n| n.span.line),
        );
    }
    match get(doc, "servers").map(|s| &s.kind) {
        Some(NodeKind::Seq(servers)) => {
            for s in servers {
                if let Some(u) = get(s, "url") {
                    if let Some(text) = u.as_scalar() {
                        c.url(text, Kind::ApiServer, u.span.line);
                    }
                }
            }
        }
        Some(NodeKind::Map(servers)) => {
            for (_, s) in servers {
                for key in ["url", "host"] {
                    if let Some(u) = get(s, key) {
                        if let Some(text) = u.as_scalar() {
                            c.url(text, Kind::ApiServer, u.span.line);
                        }
                    }
                }
            }
        }
        _ => {}
    }
}

fn external_name(c: &mut Collector<'_>, doc: &Node<'_>) {
    if get(doc, "kind").and_then(Node::as_scalar) != Some("Service") {
        return;
    }
    let Some(spec) = get(doc, "spec") else { return };
    if get(spec, "type").and_then(Node::as_scalar) == Some("ExternalName") {
        if let Some(n) = get(spec, "externalName") {
            if let Some(host) = n.as_scalar() {
                c.host(host, Kind::ExternalService, n.span.line);
            }
        }
    }
}

/// JSON documents that are OpenAPI / AsyncAPI descriptions: their servers
/// (SBOMs have their own parser, `sbom`).
pub fn scan_json(c: &mut Collector<'_>, doc: &serde_json::Value, text: &str) {
    let is_api = ["openapi", "swagger", "asyncapi"]
        .iter()
        .any(|k| doc.get(k).is_some());
    if !is_api {
        return;
    }
    let line_of = |needle: &str| {
        text.lines()
            .position(|l| l.contains(needle))
            .map_or(1, |p| p as u32 + 1)
    };
    if let Some(host) = doc.get("host").and_then(|h| h.as_str()) {
        c.host(host, Kind::ApiServer, line_of(host));
    }
    let servers: Vec<&serde_json::Value> = match doc.get("servers") {
        Some(serde_json::Value::Array(a)) => a.iter().collect(),
        Some(serde_json::Value::Object(o)) => o.values().collect(),
        _ => Vec::new(),
    };
    for s in servers {
        if let Some(u) = s.get("url").and_then(|u| u.as_str()) {
            c.url(u, Kind::ApiServer, line_of(u));
        }
    }
}
