//! Software bills of materials: CycloneDX JSON (1.2–1.6, components and
//! services with their endpoints) and SPDX 2.2/2.3 JSON. Lenient: unknown
//! fields are ignored, missing ones skipped.

use crate::evidence::Kind;
use crate::sources::{host_of, Collector};
use rustc_hash::FxHashMap;
use serde_json::Value;

/// The registry a package URL's type points at, by vendor id.
fn registry_of(purl: &str) -> Option<&'static str> {
    let rest = purl.strip_prefix("pkg:")?;
    let ty = rest.split('/').next()?.to_ascii_lowercase();
    Some(match ty.as_str() {
        "npm" => "npm-registry",
        "pypi" => "pypi",
        "cargo" => "crates-io",
        "golang" => "go-proxy",
        "maven" => "sonatype",
        "nuget" => "nuget",
        "gem" => "rubygems",
        "composer" => "packagist",
        "docker" | "oci" => "docker-hub",
        "github" => "github",
        "apk" => "alpine",
        "deb" if purl.contains("distro=ubuntu") || rest.starts_with("deb/ubuntu") => "ubuntu",
        "deb" => "debian",
        _ => return None,
    })
}

/// Whether a JSON document is an SBOM this module reads.
pub fn is_sbom(doc: &Value) -> bool {
    doc.get("bomFormat").and_then(Value::as_str) == Some("CycloneDX")
        || doc.get("spdxVersion").is_some()
}

/// Evidence of an SBOM.
pub fn scan_sbom(c: &mut Collector<'_>, doc: &Value, text: &str) {
    let line_of = |needle: &str| {
        text.find(needle)
            .map_or(1, |at| text[..at].matches('\n').count() as u32 + 1)
    };
    // Per registry: how many packages, and where the first one is.
    let mut registries: FxHashMap<&'static str, (usize, String)> = FxHashMap::default();
    let mut count = |purl: &str| {
        if let Some(r) = registry_of(purl) {
            let e = registries.entry(r).or_insert((0, purl.to_owned()));
            e.0 += 1;
        }
    };
    if doc.get("bomFormat").is_some() {
        // Breadth first, in document order, so that each registry's first
        // component is the one nearest the top.
        let mut queue: std::collections::VecDeque<&Value> = doc
            .get("components")
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        while let Some(component) = queue.pop_front() {
            if let Some(p) = component.get("purl").and_then(Value::as_str) {
                count(p);
            }
            if let Some(inner) = component.get("components").and_then(Value::as_array) {
                queue.extend(inner);
            }
        }
        let mut services: Vec<&Value> = doc
            .get("services")
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        while let Some(service) = services.pop() {
            for endpoint in service
                .get("endpoints")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(url) = endpoint.as_str() {
                    if let Some(host) = host_of(url) {
                        if let Some(v) = c.catalog().by_host(host) {
                            let v = v.clone();
                            c.push_public(
                                &v,
                                Kind::Sbom,
                                &format!("service endpoint {host}"),
                                line_of(url),
                            );
                        }
                    }
                }
            }
            if let Some(inner) = service.get("services").and_then(Value::as_array) {
                services.extend(inner);
            }
        }
    } else {
        for package in doc
            .get("packages")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let purl = package
                .get("externalRefs")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .find(|r| r.get("referenceType").and_then(Value::as_str) == Some("purl"))
                .and_then(|r| r.get("referenceLocator").and_then(Value::as_str));
            match purl {
                Some(p) => count(p),
                None => {
                    if let Some(url) = package.get("downloadLocation").and_then(Value::as_str) {
                        if let Some(host) = host_of(url) {
                            if let Some(v) = c.catalog().by_host(host) {
                                let v = v.clone();
                                c.push_public(
                                    &v,
                                    Kind::Sbom,
                                    &format!("package from {host}"),
                                    line_of(url),
                                );
                            }
                        }
                    }
                }
            }
        }
    }
    let mut list: Vec<_> = registries.into_iter().collect();
    list.sort_by_key(|(r, _)| *r);
    for (registry, (n, first)) in list {
        if let Some(v) = c.catalog().get(registry) {
            let v = v.clone();
            let what = if n == 1 {
                "1 component".to_owned()
            } else {
                format!("{n} components")
            };
            c.push_public(&v, Kind::Sbom, &what, line_of(&first));
        }
    }
}
