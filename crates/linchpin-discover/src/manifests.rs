//! Manifests: the direct dependencies a project declares (`package.json`,
//! `requirements*.txt`, `pyproject.toml`, `go.mod`, `Gemfile`,
//! `Cargo.toml`, Gradle and Maven builds). A vendor's own client library
//! among them (`stripe`, `@sentry/node`, `boto3`) is the code calling that
//! vendor's service: `sdk` evidence.
//!
//! Direct dependencies only, never a lockfile's whole tree: a library
//! pulled in three levels down by a build tool does not mean the project
//! calls that service (`go.sum` holds `cloud.google.com/go/compute/metadata`
//! for nearly every Go project).

pub use crate::catalog::Ecosystem;
use crate::evidence::Kind;
use crate::lockfiles::toml_get;
use crate::sources::Collector;
use std::collections::BTreeMap;
use toml::de::{DeTable, DeValue};

/// The manifest a file name is, if any.
pub fn manifest(name: &str) -> Option<Ecosystem> {
    let lower = name.to_ascii_lowercase();
    Some(match lower.as_str() {
        "package.json" => Ecosystem::Npm,
        "pyproject.toml" => Ecosystem::Pypi,
        "go.mod" => Ecosystem::Go,
        "gemfile" => Ecosystem::Gem,
        "cargo.toml" => Ecosystem::Cargo,
        "pom.xml" | "build.gradle" | "build.gradle.kts" => Ecosystem::Maven,
        _ if lower.starts_with("requirements") && lower.ends_with(".txt") => Ecosystem::Pypi,
        _ => return None,
    })
}

/// The direct dependencies of a manifest: (name, line).
pub fn direct_dependencies(name: &str, text: &str) -> Vec<(String, u32)> {
    let lower = name.to_ascii_lowercase();
    match lower.as_str() {
        "package.json" => package_json(text),
        "pyproject.toml" => pyproject(text),
        "go.mod" => go_mod(text),
        "gemfile" => gemfile(text),
        "cargo.toml" => cargo_toml(text),
        "pom.xml" => pom(text),
        "build.gradle" | "build.gradle.kts" => gradle(text),
        _ if manifest(name) == Some(Ecosystem::Pypi) => requirements(text),
        _ => Vec::new(),
    }
}

/// `sdk` evidence for the vendors whose client libraries a manifest declares:
/// one piece per vendor, at the first of its packages.
pub fn scan_manifest(c: &mut Collector<'_>, name: &str, text: &str) {
    let Some(eco) = manifest(name) else {
        return;
    };
    let mut by_vendor: BTreeMap<String, (u32, Vec<String>)> = BTreeMap::new();
    for (package, line) in direct_dependencies(name, text) {
        if let Some(v) = c.catalog().by_package(eco, &package) {
            let e = by_vendor.entry(v.id.clone()).or_insert((line, Vec::new()));
            e.0 = e.0.min(line);
            if !e.1.contains(&package) {
                e.1.push(package);
            }
        }
    }
    // Maven Central: a Gradle build's `mavenCentral()`, and every POM
    // (Maven's default repository).
    if eco == Ecosystem::Maven {
        let central = if name.eq_ignore_ascii_case("pom.xml") {
            Some((1, "Maven Central (a Maven build's default repository)"))
        } else {
            text.lines()
                .position(|l| l.trim_start().starts_with("mavenCentral()"))
                .map(|i| (i as u32 + 1, "Maven Central (`mavenCentral()`)"))
        };
        if let (Some((line, value)), Some(v)) = (central, c.catalog().get("sonatype")) {
            let v = v.clone();
            c.push_public(&v, Kind::PackageRegistry, value, line);
        }
    }
    for (vendor, (line, packages)) in by_vendor {
        let shown: Vec<&str> = packages.iter().take(3).map(String::as_str).collect();
        let mut value = format!("{} {}", eco.as_str(), shown.join(", "));
        if packages.len() > 3 {
            value.push_str(&format!(" and {} more", packages.len() - 3));
        }
        c.push_id_public(&vendor, Kind::Sdk, &value, line);
    }
}

fn line_at(text: &str, offset: usize) -> u32 {
    text[..offset.min(text.len())].matches('\n').count() as u32 + 1
}

/// The line of the first `"name"` key in a JSON text (serde_json keeps no
/// positions).
fn json_key_line(text: &str, key: &str) -> u32 {
    let needle = format!("\"{key}\"");
    text.find(&needle).map_or(1, |at| line_at(text, at))
}

fn package_json(text: &str) -> Vec<(String, u32)> {
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(text) else {
        return Vec::new();
    };
    // What the running code uses; `devDependencies` are the build's tools.
    let mut out = Vec::new();
    for section in ["dependencies", "optionalDependencies", "peerDependencies"] {
        if let Some(deps) = doc.get(section).and_then(|d| d.as_object()) {
            for name in deps.keys() {
                out.push((name.clone(), json_key_line(text, name)));
            }
        }
    }
    out
}

/// A PEP 508 requirement's name: `stripe>=7`, `sentry-sdk[django]`,
/// `boto3 ; python_version > "3"`.
fn pep508_name(spec: &str) -> Option<&str> {
    let spec = spec.trim();
    let end = spec
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(spec.len());
    let name = &spec[..end];
    (!name.is_empty()
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric()))
    .then_some(name)
}

fn requirements(text: &str) -> Vec<(String, u32)> {
    let mut out: Vec<(String, u32, bool)> = Vec::new();
    let mut via = false;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        // pip-compile output lists the whole tree; `# via -r` marks what
        // the input asked for, `# via pkg` what another package pulled in.
        if let Some(rest) = line.strip_prefix("# via") {
            via = true;
            let rest = rest.trim();
            if rest.starts_with("-r") || rest.starts_with("-c") {
                if let Some(last) = out.last_mut() {
                    last.2 = true;
                }
            }
            continue;
        }
        let line = line.split(" #").next().unwrap_or(line).trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with('-') || line.contains("://")
        {
            continue;
        }
        if let Some(name) = pep508_name(line) {
            out.push((name.to_owned(), i as u32 + 1, false));
        }
    }
    out.into_iter()
        .filter(|(_, _, keep)| !via || *keep)
        .map(|(n, l, _)| (n, l))
        .collect()
}

fn toml_table<'a, 'i>(table: &'a DeTable<'i>, key: &str) -> Option<&'a DeTable<'i>> {
    match toml_get(table, key) {
        Some(DeValue::Table(t)) => Some(t),
        _ => None,
    }
}

/// The keys of a TOML table with their lines.
fn keys_with_lines(text: &str, table: &DeTable<'_>) -> Vec<(String, u32)> {
    table
        .iter()
        .map(|(k, _)| (k.get_ref().to_string(), line_at(text, k.span().start)))
        .collect()
}

fn pyproject(text: &str) -> Vec<(String, u32)> {
    let Ok(doc) = DeTable::parse(text) else {
        return Vec::new();
    };
    let doc = doc.into_inner();
    let mut out = Vec::new();
    if let Some(project) = toml_table(&doc, "project") {
        if let Some(DeValue::Array(list)) = toml_get(project, "dependencies") {
            for item in list {
                if let DeValue::String(s) = item.get_ref() {
                    if let Some(name) = pep508_name(s) {
                        out.push((name.to_owned(), line_at(text, item.span().start)));
                    }
                }
            }
        }
    }
    if let Some(poetry) = toml_table(&doc, "tool").and_then(|t| toml_table(t, "poetry")) {
        if let Some(deps) = toml_table(poetry, "dependencies") {
            out.extend(
                keys_with_lines(text, deps)
                    .into_iter()
                    .filter(|(k, _)| k != "python"),
            );
        }
    }
    out
}

fn cargo_toml(text: &str) -> Vec<(String, u32)> {
    let Ok(doc) = DeTable::parse(text) else {
        return Vec::new();
    };
    let doc = doc.into_inner();
    let mut out = Vec::new();
    if let Some(deps) = toml_table(&doc, "dependencies") {
        out.extend(keys_with_lines(text, deps));
    }
    if let Some(deps) = toml_table(&doc, "workspace").and_then(|w| toml_table(w, "dependencies")) {
        out.extend(keys_with_lines(text, deps));
    }
    out
}

fn go_mod(text: &str) -> Vec<(String, u32)> {
    let mut out = Vec::new();
    let mut in_block = false;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let spec = if in_block {
            if line.starts_with(')') {
                in_block = false;
                continue;
            }
            line
        } else if let Some(rest) = line.strip_prefix("require") {
            let rest = rest.trim();
            if rest.starts_with('(') {
                in_block = true;
                continue;
            }
            rest
        } else {
            continue;
        };
        // What the module's own code imports, not what its dependencies need.
        if spec.contains("// indirect") {
            continue;
        }
        if let Some(path) = spec.split_whitespace().next() {
            if !path.starts_with("//") {
                out.push((path.to_owned(), i as u32 + 1));
            }
        }
    }
    out
}

fn gemfile(text: &str) -> Vec<(String, u32)> {
    text.lines()
        .enumerate()
        .filter_map(|(i, raw)| {
            let rest = raw.trim().strip_prefix("gem ")?;
            let rest = rest.trim_start();
            let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
            let name = rest[1..].split(quote).next()?;
            (!name.is_empty()).then(|| (name.to_owned(), i as u32 + 1))
        })
        .collect()
}

/// `<dependency>` blocks of a Maven POM: `group:artifact`.
fn pom(text: &str) -> Vec<(String, u32)> {
    let tag = |block: &str, name: &str| -> Option<String> {
        let open = format!("<{name}>");
        let start = block.find(&open)? + open.len();
        let end = block[start..].find('<')? + start;
        Some(block[start..end].trim().to_owned())
    };
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find("<dependency>") {
        let start = from + at;
        let Some(len) = text[start..].find("</dependency>") else {
            break;
        };
        let block = &text[start..start + len];
        if let (Some(g), Some(a)) = (tag(block, "groupId"), tag(block, "artifactId")) {
            out.push((format!("{g}:{a}"), line_at(text, start)));
        }
        from = start + len;
    }
    out
}

/// Gradle's string notation: `implementation("com.stripe:stripe-java:24.0.0")`,
/// `implementation 'com.google.cloud:google-cloud-storage'`.
fn gradle(text: &str) -> Vec<(String, u32)> {
    const CONFIGURATIONS: &[&str] = &[
        "implementation",
        "api",
        "compile",
        "runtimeOnly",
        "compileOnly",
    ];
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if !CONFIGURATIONS.iter().any(|c| {
            line.strip_prefix(c)
                .is_some_and(|r| r.starts_with([' ', '(']))
        }) {
            continue;
        }
        let Some(q) = line.find(['"', '\'']) else {
            continue;
        };
        let quote = line[q..].chars().next().unwrap_or('"');
        let Some(coordinates) = line[q + 1..].split(quote).next() else {
            continue;
        };
        let mut parts = coordinates.split(':');
        if let (Some(g), Some(a)) = (parts.next(), parts.next()) {
            if !g.is_empty() && !a.is_empty() {
                out.push((format!("{g}:{a}"), i as u32 + 1));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_manifest_gives_its_direct_dependencies() {
        let names = |file: &str, text: &str| -> Vec<String> {
            direct_dependencies(file, text)
                .into_iter()
                .map(|(n, _)| n)
                .collect()
        };
        assert_eq!(
            names(
                "package.json",
                r#"{"dependencies": {"stripe": "^14"}, "devDependencies": {"@sentry/cli": "2"}}"#
            ),
            ["stripe"]
        );
        assert_eq!(
            names(
                "requirements.txt",
                "sentry-sdk[django]==2.0  # errors\nboto3>=1.34 ; python_version > '3'\n-r base.txt\n"
            ),
            ["sentry-sdk", "boto3"]
        );
        // pip-compile: only what the input asked for.
        assert_eq!(
            names(
                "requirements.txt",
                "stripe==7.0\n    # via -r requirements.in\nurllib3==2.0\n    # via requests\n"
            ),
            ["stripe"]
        );
        assert_eq!(
            names(
                "pyproject.toml",
                "[project]\ndependencies = [\"Adyen>=12\", \"google-cloud-storage\"]\n[tool.poetry.dependencies]\npython = \"^3.12\"\nbraintree = \"4\"\n"
            ),
            ["Adyen", "google-cloud-storage", "braintree"]
        );
        assert_eq!(
            names(
                "go.mod",
                "module example.com/x\n\nrequire github.com/stripe/stripe-go/v76 v76.0.0\nrequire (\n\tcloud.google.com/go/storage v1.40.0\n\tcloud.google.com/go/compute/metadata v0.3.0 // indirect\n)\n"
            ),
            ["github.com/stripe/stripe-go/v76", "cloud.google.com/go/storage"]
        );
        assert_eq!(
            names(
                "Gemfile",
                "source 'https://rubygems.org'\ngem 'aws-sdk-s3', require: false\ngem \"stripe\"\n"
            ),
            ["aws-sdk-s3", "stripe"]
        );
        assert_eq!(
            names(
                "Cargo.toml",
                "[package]\nname = \"x\"\n[dependencies]\naws-sdk-s3 = \"1\"\nserde = \"1\"\n"
            ),
            ["aws-sdk-s3", "serde"]
        );
        assert_eq!(
            names(
                "pom.xml",
                "<dependencies>\n<dependency>\n<groupId>com.stripe</groupId>\n<artifactId>stripe-java</artifactId>\n</dependency>\n</dependencies>"
            ),
            ["com.stripe:stripe-java"]
        );
        assert_eq!(
            names(
                "build.gradle",
                "dependencies {\n    implementation 'com.google.cloud:google-cloud-storage:2.36.0'\n    testImplementation 'junit:junit:4.13'\n}\n"
            ),
            ["com.google.cloud:google-cloud-storage"]
        );
        // Not valid: nothing, and no panic.
        assert!(names("package.json", "{").is_empty());
        assert!(names("pyproject.toml", "[project").is_empty());
    }
}
