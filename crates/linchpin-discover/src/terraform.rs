//! Terraform: `.tf` (HCL, parsed with hcl-edit), `.tf.json`, and
//! `.terraform.lock.hcl` — providers, resource and data types, module
//! sources. Syntax only: variables and `for_each` are not evaluated.

use crate::evidence::Kind;
use crate::sources::{host_of, Collector};
use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::{Block, Body};
use hcl_edit::Span;

fn line_at(text: &str, offset: Option<std::ops::Range<usize>>) -> u32 {
    let at = offset.map_or(0, |r| r.start).min(text.len());
    text[..at].matches('\n').count() as u32 + 1
}

/// `namespace/type` of a provider source (`registry.terraform.io/hashicorp/aws`, `hashicorp/aws`).
fn provider_source(source: &str) -> String {
    let parts: Vec<&str> = source.split('/').collect();
    match parts.as_slice() {
        [_, ns, ty] => format!("{ns}/{ty}"),
        _ => source.to_owned(),
    }
    .to_ascii_lowercase()
}

impl Collector<'_> {
    /// A provider by source (`hashicorp/aws`) or, failing that, by local name (`aws`).
    fn terraform_provider(&mut self, source: Option<&str>, local: &str, value: &str, line: u32) {
        let vendor = source
            .and_then(|s| self.catalog().by_terraform(&provider_source(s)))
            .or_else(|| self.catalog().by_terraform_type(local));
        if let Some(v) = vendor {
            let v = v.clone();
            self.push_public(&v, Kind::Terraform, value, line);
            return;
        }
        // A provider no catalog vendor publishes is still a third party's
        // code in the infrastructure: its namespace is the publisher (a
        // catalog vendor when the namespace is one, `hashicorp`).
        let Some(source) = source else { return };
        let full = provider_source(source);
        let Some((namespace, _)) = full.split_once('/') else {
            return;
        };
        let vendor = match self.catalog().get(namespace) {
            Some(v) => v.id.clone(),
            None => crate::catalog::provider_publisher_id(namespace),
        };
        self.push_id_public(&vendor, Kind::Terraform, value, line);
    }

    fn module_source(&mut self, source: &str, line: u32) {
        let s = source.trim();
        if s.starts_with("./") || s.starts_with("../") {
            return;
        }
        // Git and HTTP sources: `git::https://github.com/org/repo.git`, `github.com/org/repo`.
        let url = s.strip_prefix("git::").unwrap_or(s);
        if url.contains("://")
            || url.starts_with("github.com/")
            || url.starts_with("gitlab.com/")
            || url.starts_with("bitbucket.org/")
        {
            let url = if url.contains("://") {
                url.to_owned()
            } else {
                format!("https://{url}")
            };
            if let Some(host) = host_of(&url) {
                if let Some(v) = self.catalog().by_host(host) {
                    let v = v.clone();
                    self.push_public(&v, Kind::Terraform, &format!("module {source}"), line);
                }
            }
            return;
        }
        // Registry modules: `[host/]namespace/name/provider`.
        let parts: Vec<&str> = s.split("//").next().unwrap_or(s).split('/').collect();
        let (host, provider) = match parts.as_slice() {
            [_, _, provider] => ("registry.terraform.io", *provider),
            [host, _, _, provider] => (*host, *provider),
            _ => return,
        };
        if let Some(v) = self.catalog().by_host(host) {
            let v = v.clone();
            self.push_public(
                &v,
                Kind::Terraform,
                &format!("module registry {host}"),
                line,
            );
        }
        self.terraform_provider(None, provider, &format!("module {source}"), line);
    }
}

fn string_of(e: &Expression) -> Option<&str> {
    match e {
        Expression::String(s) => Some(s.as_str()),
        _ => None,
    }
}

fn object_get<'e>(e: &'e Expression, key: &str) -> Option<&'e Expression> {
    let Expression::Object(o) = e else {
        return None;
    };
    o.iter().find_map(|(k, v)| {
        let name = match k {
            ObjectKey::Ident(i) => Some(i.as_str()),
            _ => k.as_expr().and_then(string_of),
        };
        (name == Some(key)).then(|| v.expr())
    })
}

/// A `.tf` file.
pub fn scan_tf(c: &mut Collector<'_>, text: &str) -> Result<(), String> {
    let body = match hcl_edit::parser::parse_body(text) {
        Ok(b) => b,
        Err(e) => {
            c.warn(
                e.location().line() as u32,
                format!("not valid HCL: {}; searched as text only", e.message()),
            );
            return Err(e.to_string());
        }
    };
    scan_body(c, text, &body);
    Ok(())
}

fn scan_body(c: &mut Collector<'_>, text: &str, body: &Body) {
    for block in body.blocks() {
        let line = line_at(text, block.span());
        let label = |i: usize| block.labels.get(i).map(|l| l.as_str().to_owned());
        match block.ident.as_str() {
            "terraform" => {
                for rp in block
                    .body
                    .blocks()
                    .filter(|b| b.ident.as_str() == "required_providers")
                {
                    required_providers(c, text, rp);
                }
            }
            "provider" => {
                if let Some(name) = label(0) {
                    c.terraform_provider(None, &name, &format!("provider {name}"), line);
                }
            }
            "resource" | "data" => {
                if let Some(ty) = label(0) {
                    let prefix = ty.split('_').next().unwrap_or(&ty).to_owned();
                    c.terraform_provider(
                        None,
                        &prefix,
                        &format!("{} {ty}", block.ident.as_str()),
                        line,
                    );
                }
            }
            "module" => {
                if let Some(src) = block.body.get_attribute("source") {
                    if let Some(s) = string_of(&src.value) {
                        c.module_source(s, line_at(text, src.span()));
                    }
                }
            }
            _ => {}
        }
    }
}

fn required_providers(c: &mut Collector<'_>, text: &str, rp: &Block) {
    for attr in rp.body.attributes() {
        let local = attr.key.as_str();
        let source = object_get(&attr.value, "source").and_then(string_of);
        let value = match source {
            Some(s) => format!("required provider {}", provider_source(s)),
            None => format!("required provider {local}"),
        };
        c.terraform_provider(source, local, &value, line_at(text, attr.span()));
    }
}

/// `.terraform.lock.hcl`: `provider "registry.terraform.io/ns/type" { ... }`.
pub fn scan_tf_lock(c: &mut Collector<'_>, text: &str) -> Result<(), String> {
    let body = match hcl_edit::parser::parse_body(text) {
        Ok(b) => b,
        Err(e) => {
            c.warn(
                e.location().line() as u32,
                format!("not valid HCL: {}", e.message()),
            );
            return Err(e.to_string());
        }
    };
    for block in body.blocks().filter(|b| b.ident.as_str() == "provider") {
        if let Some(label) = block.labels.first() {
            let source = label.as_str();
            let local = source.rsplit('/').next().unwrap_or(source);
            c.terraform_provider(
                Some(source),
                local,
                &format!("locked provider {}", provider_source(source)),
                line_at(text, block.span()),
            );
        }
    }
    Ok(())
}

/// A `.tf.json` file.
pub fn scan_tf_json(c: &mut Collector<'_>, text: &str) {
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(text) else {
        return;
    };
    let line_of = |needle: &str| {
        text.lines()
            .position(|l| l.contains(needle))
            .map_or(1, |p| p as u32 + 1)
    };
    let blocks = |v: &serde_json::Value| -> Vec<serde_json::Value> {
        match v {
            serde_json::Value::Array(a) => a.clone(),
            other => vec![other.clone()],
        }
    };
    if let Some(tf) = doc.get("terraform") {
        for t in blocks(tf) {
            if let Some(rp) = t.get("required_providers") {
                for r in blocks(rp) {
                    if let Some(map) = r.as_object() {
                        for (local, spec) in map {
                            let source = spec.get("source").and_then(|s| s.as_str());
                            let value = format!(
                                "required provider {}",
                                source.map_or(local.clone(), provider_source)
                            );
                            c.terraform_provider(
                                source,
                                local,
                                &value,
                                line_of(&format!("\"{local}\"")),
                            );
                        }
                    }
                }
            }
        }
    }
    for (key, what) in [
        ("provider", "provider"),
        ("resource", "resource"),
        ("data", "data"),
    ] {
        if let Some(map) = doc.get(key).and_then(|p| p.as_object()) {
            for name in map.keys() {
                let prefix = if key == "provider" {
                    name.as_str()
                } else {
                    name.split('_').next().unwrap_or(name)
                };
                c.terraform_provider(
                    None,
                    prefix,
                    &format!("{what} {name}"),
                    line_of(&format!("\"{name}\"")),
                );
            }
        }
    }
    if let Some(map) = doc.get("module").and_then(|m| m.as_object()) {
        for m in map.values() {
            if let Some(s) = m.get("source").and_then(|s| s.as_str()) {
                c.module_source(s, line_of(s));
            }
        }
    }
}
