//! Lockfiles: which package registries the build pulls from, and how many
//! packages — direct and transitive where the format tells.

use crate::evidence::Kind;
use crate::sources::{host_of, Collector, Lock};
use linchpin_loader::yaml::{parse_documents, Limits, Node, NodeKind};
use linchpin_model::FileId;
use rustc_hash::FxHashMap;
use toml::de::{DeTable, DeValue};

/// Package counts per registry host.
#[derive(Default)]
struct Counts {
    by_host: FxHashMap<String, (usize, u32)>,
    direct: Option<usize>,
    /// Why the file could not be read: (line, message).
    error: Option<(u32, String)>,
}

/// Where a TOML error is.
fn toml_error(text: &str, e: &toml::de::Error) -> (u32, String) {
    let at = e.span().map_or(0, |r| r.start).min(text.len());
    (
        text[..at].matches('\n').count() as u32 + 1,
        format!("not valid TOML: {}", e.message().trim()),
    )
}

impl Counts {
    fn add(&mut self, host: &str, line: u32) {
        let e = self
            .by_host
            .entry(host.to_ascii_lowercase())
            .or_insert((0, line));
        e.0 += 1;
    }
}

/// Scans one lockfile.
pub fn scan_lockfile(c: &mut Collector<'_>, lock: Lock, text: &str) {
    let counts = match lock {
        Lock::Cargo => cargo(text),
        Lock::Npm => npm(text),
        Lock::Yarn => yarn(text),
        Lock::Pnpm => pnpm(text),
        Lock::Poetry => poetry(text),
        Lock::Requirements => requirements(text),
        Lock::GoSum => go_sum(text),
        Lock::Gemfile => gemfile_lock(text),
    };
    if let Some((line, message)) = &counts.error {
        c.warn(
            *line,
            format!("{message}; packages after it were not counted"),
        );
    }
    let mut hosts: Vec<_> = counts.by_host.into_iter().collect();
    hosts.sort();
    for (host, (n, line)) in hosts {
        let packages = if n == 1 {
            "1 package".to_owned()
        } else {
            format!("{n} packages")
        };
        let value = match counts.direct {
            Some(d) if d <= n => format!("{packages} ({d} direct) from {host}"),
            _ => format!("{packages} from {host}"),
        };
        c.registry(&host, &value, line);
    }
}

impl Collector<'_> {
    fn registry(&mut self, host: &str, value: &str, line: u32) {
        if let Some(v) = self.catalog_by_host(host) {
            let v = v.clone();
            self.push_public(&v, Kind::PackageRegistry, value, line);
        }
    }
}

fn line_of(text: &str, needle: &str) -> u32 {
    text.lines()
        .position(|l| l.contains(needle))
        .map_or(1, |p| p as u32 + 1)
}

/// Calls `each` with every `[[package]]` table of a TOML lockfile
/// (Cargo.lock, poetry.lock) and the byte offset where it starts; a file that
/// is not TOML leaves its error in `counts`.
fn for_each_toml_package(
    text: &str,
    counts: &mut Counts,
    mut each: impl FnMut(&DeTable<'_>, usize, &mut Counts),
) {
    let table = match DeTable::parse(text) {
        Ok(t) => t,
        Err(e) => {
            counts.error = Some(toml_error(text, &e));
            return;
        }
    };
    let table = table.into_inner();
    let Some(DeValue::Array(list)) = toml_get(&table, "package") else {
        return;
    };
    for p in list {
        if let DeValue::Table(t) = p.get_ref() {
            each(t, p.span().start.min(text.len()), counts);
        }
    }
}

/// The project's home page in a `Cargo.toml` (`[package]` or
/// `[workspace.package]`) or a `pyproject.toml` (`[project.urls]`,
/// `[tool.poetry]`): where its own domain is named.
pub fn toml_homepages(text: &str) -> Vec<String> {
    let Ok(table) = DeTable::parse(text) else {
        return Vec::new();
    };
    let table = table.into_inner();
    fn sub<'a, 'i>(t: &'a DeTable<'i>, key: &str) -> Option<&'a DeTable<'i>> {
        match toml_get(t, key) {
            Some(DeValue::Table(inner)) => Some(inner),
            _ => None,
        }
    }
    let mut out = Vec::new();
    let mut take = |t: &DeTable<'_>, key: &str| {
        if let Some(s) = toml_str(t, key) {
            out.push(s.to_owned());
        }
    };
    if let Some(p) = sub(&table, "package") {
        take(p, "homepage");
    }
    if let Some(w) = sub(&table, "workspace").and_then(|w| sub(w, "package")) {
        take(w, "homepage");
    }
    if let Some(urls) = sub(&table, "project").and_then(|p| sub(p, "urls")) {
        for key in ["Homepage", "homepage", "Documentation"] {
            take(urls, key);
        }
    }
    if let Some(poetry) = sub(&table, "tool").and_then(|t| sub(t, "poetry")) {
        take(poetry, "homepage");
    }
    out
}

/// The value under `key` in a TOML table.
pub(crate) fn toml_get<'a, 'i>(table: &'a DeTable<'i>, key: &str) -> Option<&'a DeValue<'i>> {
    table
        .iter()
        .find(|(k, _)| k.get_ref().as_ref() == key)
        .map(|(_, v)| v.get_ref())
}

/// The string under `key` in a TOML table.
fn toml_str<'a>(table: &'a DeTable<'_>, key: &str) -> Option<&'a str> {
    match toml_get(table, key) {
        Some(DeValue::String(s)) => Some(s.as_ref()),
        _ => None,
    }
}

fn cargo(text: &str) -> Counts {
    let mut counts = Counts::default();
    for_each_toml_package(text, &mut counts, |t, _, counts| {
        let Some(source) = toml_str(t, "source") else {
            return; // the workspace's own crates
        };
        let url = source.split_once('+').map_or(source, |(_, u)| u);
        let host = match host_of(url) {
            // The crates.io index lives on GitHub, its sparse protocol on index.crates.io.
            Some("github.com") if url.contains("rust-lang/crates.io-index") => "crates.io",
            Some(h) => h,
            None => return,
        };
        counts.add(host, line_of(text, source));
    });
    counts
}

fn npm(text: &str) -> Counts {
    let mut counts = Counts::default();
    let doc = match serde_json::from_str::<serde_json::Value>(text) {
        Ok(d) => d,
        Err(e) => {
            counts.error = Some((e.line() as u32, format!("not valid JSON: {e}")));
            return counts;
        }
    };
    let default_host = "registry.npmjs.org";
    if let Some(packages) = doc.get("packages").and_then(|p| p.as_object()) {
        // lockfileVersion 2 and 3.
        for (path, p) in packages {
            if path.is_empty() || p.get("link").and_then(|l| l.as_bool()) == Some(true) {
                continue;
            }
            let resolved = p.get("resolved").and_then(|r| r.as_str());
            let host = resolved.and_then(host_of).unwrap_or(default_host);
            counts.add(host, resolved.map_or(1, |r| line_of(text, r)));
        }
        if let Some(root) = packages.get("") {
            let direct = ["dependencies", "devDependencies", "optionalDependencies"]
                .iter()
                .filter_map(|k| root.get(k).and_then(|d| d.as_object()).map(|o| o.len()))
                .sum();
            counts.direct = Some(direct);
        }
    } else if let Some(deps) = doc.get("dependencies").and_then(|d| d.as_object()) {
        // lockfileVersion 1: nested `dependencies`.
        counts.direct = Some(deps.len());
        let mut stack: Vec<&serde_json::Map<String, serde_json::Value>> = vec![deps];
        while let Some(map) = stack.pop() {
            for p in map.values() {
                let resolved = p.get("resolved").and_then(|r| r.as_str());
                let host = resolved.and_then(host_of).unwrap_or(default_host);
                counts.add(host, resolved.map_or(1, |r| line_of(text, r)));
                if let Some(inner) = p.get("dependencies").and_then(|d| d.as_object()) {
                    stack.push(inner);
                }
            }
        }
    }
    counts
}

fn yarn(text: &str) -> Counts {
    let mut counts = Counts::default();
    if text.contains("__metadata:") {
        // Yarn 2+ (berry) writes YAML without download URLs: npm's registry
        // by default.
        let n = text
            .lines()
            .filter(|l| l.starts_with('"') && l.ends_with(':'))
            .count();
        for _ in 0..n {
            counts.add("registry.yarnpkg.com", 1);
        }
        return counts;
    }
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("resolved ") {
            let url = rest.trim().trim_matches('"');
            if let Some(host) = host_of(url) {
                counts.add(host, i as u32 + 1);
            }
        }
    }
    counts
}

fn pnpm(text: &str) -> Counts {
    let mut counts = Counts::default();
    let mut diags = Vec::new();
    let docs = parse_documents(
        text,
        FileId(0),
        Limits {
            max_depth: 64,
            alias_budget: 100_000,
        },
        &mut diags,
    );
    if let Some(d) = diags.first() {
        counts.error = Some((d.span.map_or(1, |s| s.line), d.message.clone()));
    }
    let Some(doc) = docs.first() else {
        return counts;
    };
    let get = |n: &'_ Node<'_>, key: &str| -> Option<usize> {
        match &n.kind {
            NodeKind::Map(e) => e.iter().position(|(k, _)| k.as_scalar() == Some(key)),
            _ => None,
        }
    };
    if let NodeKind::Map(entries) = &doc.kind {
        if let Some(i) = get(doc, "packages") {
            if let NodeKind::Map(pkgs) = &entries[i].1.kind {
                for (k, _) in pkgs {
                    counts.add("registry.npmjs.org", k.span.line);
                }
            }
        }
        if let Some(i) = get(doc, "importers") {
            if let NodeKind::Map(importers) = &entries[i].1.kind {
                if let Some((_, root)) = importers.iter().find(|(k, _)| k.as_scalar() == Some("."))
                {
                    if let NodeKind::Map(sections) = &root.kind {
                        let direct = sections
                            .iter()
                            .filter(|(k, _)| {
                                matches!(
                                    k.as_scalar(),
                                    Some(
                                        "dependencies" | "devDependencies" | "optionalDependencies"
                                    )
                                )
                            })
                            .map(|(_, v)| match &v.kind {
                                NodeKind::Map(m) => m.len(),
                                _ => 0,
                            })
                            .sum();
                        counts.direct = Some(direct);
                    }
                }
            }
        }
    }
    counts
}

fn poetry(text: &str) -> Counts {
    let mut counts = Counts::default();
    for_each_toml_package(text, &mut counts, |t, at, counts| {
        let url = match toml_get(t, "source") {
            Some(DeValue::Table(s)) => toml_str(s, "url"),
            _ => None,
        };
        let host = url.and_then(host_of).unwrap_or("pypi.org");
        counts.add(host, text[..at].matches('\n').count() as u32 + 1);
    });
    counts
}

fn requirements(text: &str) -> Counts {
    let mut counts = Counts::default();
    let mut index = "pypi.org".to_owned();
    let mut direct = 0;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split(" #").next().unwrap_or(raw).trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(url) = line
            .strip_prefix("--index-url")
            .or_else(|| line.strip_prefix("-i "))
        {
            if let Some(h) = host_of(url.trim_start_matches(['=', ' '])) {
                index = h.to_owned();
            }
            continue;
        }
        if line.starts_with('-') {
            continue; // -r, -c, -e, --extra-index-url and other options
        }
        let name_ok = line
            .chars()
            .next()
            .is_some_and(|ch| ch.is_ascii_alphanumeric());
        if name_ok {
            if line.contains("://") {
                if let Some(h) = line.split_whitespace().find_map(host_of) {
                    counts.add(h, i as u32 + 1);
                }
            } else {
                counts.add(&index, i as u32 + 1);
            }
            direct += 1;
        }
    }
    // pip-compile output marks transitive packages with `# via`.
    if !text.contains("# via") {
        counts.direct = Some(direct);
    }
    counts
}

fn go_sum(text: &str) -> Counts {
    let mut counts = Counts::default();
    let mut seen = rustc_hash::FxHashSet::default();
    for (i, line) in text.lines().enumerate() {
        let mut parts = line.split_whitespace();
        let (Some(module), Some(version)) = (parts.next(), parts.next()) else {
            continue;
        };
        let version = version.trim_end_matches("/go.mod");
        if seen.insert((module.to_owned(), version.to_owned())) {
            // Modules are downloaded through the Go module proxy by default.
            counts.add("proxy.golang.org", i as u32 + 1);
        }
    }
    counts
}

/// `Gemfile.lock`: each `GEM` section's `remote:` and the gems under its
/// `specs:` (four spaces in; their own dependencies are six); `GIT` and
/// `PATH` sections name a repository or a folder, counted by its host.
fn gemfile_lock(text: &str) -> Counts {
    let mut counts = Counts::default();
    let mut remote: Option<String> = None;
    let mut in_specs = false;
    let mut direct = None;
    for (i, line) in text.lines().enumerate() {
        if !line.starts_with(' ') {
            in_specs = false;
            remote = None;
            if line == "DEPENDENCIES" {
                direct = Some(0);
            } else if direct.is_some() && !line.is_empty() {
                // Past `DEPENDENCIES`: PLATFORMS, RUBY VERSION, BUNDLED WITH.
                counts.direct = direct.take();
            }
            continue;
        }
        if let Some(d) = direct.as_mut() {
            if line.starts_with("  ") && !line.starts_with("   ") {
                *d += 1;
            }
            continue;
        }
        let t = line.trim();
        if let Some(url) = t.strip_prefix("remote:") {
            let url = url.trim();
            remote = host_of(url).map(str::to_owned);
            continue;
        }
        if t == "specs:" {
            in_specs = true;
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        if in_specs && indent == 4 {
            if let Some(host) = &remote {
                counts.add(host, i as u32 + 1);
            }
        }
    }
    if let Some(d) = direct {
        counts.direct = Some(d);
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gemfile_lock_counts_gems_by_remote() {
        let text = "GIT\n  remote: https://github.com/ClearlyClaire/webpush.git\n  revision: f14a4d5\n  specs:\n    webpush (0.3.8)\n      hkdf (~> 0.2)\n\nGEM\n  remote: https://rubygems.org/\n  specs:\n    aws-sdk-s3 (1.143.0)\n      aws-sdk-core (~> 3, >= 3.189.0)\n    hcaptcha (7.1.0)\n    rails (7.1.3)\n\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n  aws-sdk-s3 (~> 1.123)\n  hcaptcha (~> 7.1)\n  webpush!\n\nBUNDLED WITH\n   2.5.5\n";
        let c = gemfile_lock(text);
        assert_eq!(c.by_host.get("rubygems.org").map(|e| e.0), Some(3));
        assert_eq!(c.by_host.get("github.com").map(|e| e.0), Some(1));
        assert_eq!(c.direct, Some(3));
    }
}
