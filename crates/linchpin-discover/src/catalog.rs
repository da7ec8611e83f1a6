//! The vendor catalog (`data/vendors.yaml`, compiled in) and its extension
//! from a landscape's Supplier annotations.

use linchpin_loader::yaml::{parse_documents, Limits, Node, NodeKind};
use linchpin_model::{Catalog as Landscape, FileId, Spec};
use rustc_hash::FxHashMap;

/// The catalog shipped with Linchpin.
pub const VENDORS_YAML: &str = include_str!("../data/vendors.yaml");

/// The vendor id of a CI action's owner that the catalog does not know.
pub fn action_owner_id(owner: &str) -> String {
    format!("{ACTION_OWNER_PREFIX}{}", owner.to_ascii_lowercase())
}

/// The prefix of [`action_owner_id`].
pub const ACTION_OWNER_PREFIX: &str = "ci-action-";

/// The vendor id of a Terraform provider's publisher (its registry
/// namespace) that the catalog does not know.
pub fn provider_publisher_id(namespace: &str) -> String {
    format!(
        "{PROVIDER_PUBLISHER_PREFIX}{}",
        namespace.to_ascii_lowercase()
    )
}

/// The prefix of [`provider_publisher_id`].
pub const PROVIDER_PUBLISHER_PREFIX: &str = "tf-provider-";

/// The registrable part of a host (`docs.stripe.com` → `stripe.com`;
/// `shop.example.co.uk` → `example.co.uk`).
pub fn registrable(host: &str) -> String {
    let labels: Vec<&str> = host.trim_end_matches('.').split('.').collect();
    let keep = if labels.len() >= 3
        && labels[labels.len() - 2].len() <= 3
        && labels[labels.len() - 1].len() == 2
    {
        3
    } else {
        2
    };
    labels[labels.len().saturating_sub(keep)..]
        .join(".")
        .to_ascii_lowercase()
}

/// The vendor id of an API the code calls that the catalog does not know:
/// `api-` and its registrable domain (`api.daily.co` → `api-daily-co`).
pub fn api_endpoint_id(host: &str) -> String {
    format!(
        "{API_ENDPOINT_PREFIX}{}",
        registrable(host).replace('.', "-")
    )
}

/// The prefix of [`api_endpoint_id`].
pub const API_ENDPOINT_PREFIX: &str = "api-";

/// Package ecosystems, as the catalog's `packages` write them (`npm:stripe`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ecosystem {
    /// npm (`package.json`).
    Npm,
    /// PyPI (`requirements*.txt`, `pyproject.toml`).
    Pypi,
    /// Go modules (`go.mod`).
    Go,
    /// RubyGems (`Gemfile`).
    Gem,
    /// crates.io (`Cargo.toml`).
    Cargo,
    /// Maven (`pom.xml`, `build.gradle`): `group:artifact`.
    Maven,
}

impl Ecosystem {
    /// The prefix in the catalog.
    pub fn as_str(self) -> &'static str {
        match self {
            Ecosystem::Npm => "npm",
            Ecosystem::Pypi => "pypi",
            Ecosystem::Go => "go",
            Ecosystem::Gem => "gem",
            Ecosystem::Cargo => "cargo",
            Ecosystem::Maven => "maven",
        }
    }

    /// A package name as the ecosystem compares them (PyPI: lower case,
    /// `_` and `.` as `-`; the others: lower case).
    pub fn normalise(self, name: &str) -> String {
        let lower = name.trim().to_ascii_lowercase();
        match self {
            Ecosystem::Pypi => lower.replace(['_', '.'], "-"),
            _ => lower,
        }
    }
}

/// One vendor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vendor {
    /// The id, used as the Supplier name.
    pub id: String,
    /// Company or service name.
    pub name: String,
    /// What it does.
    pub category: String,
    /// Linchpin supplier type.
    pub supplier_type: String,
    /// Headquarters country.
    pub country: String,
    /// Hostnames (each matches its subdomains too).
    pub domains: Vec<String>,
    /// Terraform provider sources.
    pub terraform: Vec<String>,
    /// Container registries and image namespaces.
    pub images: Vec<String>,
    /// GitHub organisations of its actions.
    pub github: Vec<String>,
    /// Its client libraries, `ECOSYSTEM:NAME` (`npm:stripe`,
    /// `pypi:sentry-sdk`, `maven:com.stripe:stripe-java`); a trailing `*`
    /// matches any rest (`npm:@sentry/*`).
    pub packages: Vec<String>,
    /// Whether it comes from the landscape rather than the catalog.
    pub from_landscape: bool,
}

/// The catalog with its lookup indexes.
#[derive(Debug, Clone, Default)]
pub struct VendorCatalog {
    vendors: Vec<Vendor>,
    domains: FxHashMap<String, usize>,
    images: FxHashMap<String, usize>,
    github: FxHashMap<String, usize>,
    terraform: FxHashMap<String, usize>,
    terraform_types: FxHashMap<String, (usize, bool)>,
    packages: FxHashMap<String, usize>,
    package_prefixes: Vec<(String, usize)>,
    tlds: rustc_hash::FxHashSet<String>,
}

impl VendorCatalog {
    /// The catalog shipped with Linchpin.
    pub fn builtin() -> Result<VendorCatalog, String> {
        let mut diags = Vec::new();
        let docs = parse_documents(VENDORS_YAML, FileId(0), Limits::default(), &mut diags);
        if let Some(d) = diags.first() {
            return Err(format!("vendors.yaml: {}", d.message));
        }
        let root = docs.first().ok_or("vendors.yaml is empty")?;
        let list = entry(root, "vendors").ok_or("vendors.yaml has no `vendors`")?;
        let NodeKind::Seq(items) = &list.kind else {
            return Err("`vendors` must be a list".into());
        };
        let mut catalog = VendorCatalog::default();
        const KEYS: &[&str] = &[
            "id",
            "name",
            "category",
            "type",
            "country",
            "domains",
            "terraform",
            "images",
            "github",
            "packages",
        ];
        for item in items {
            if let NodeKind::Map(entries) = &item.kind {
                if let Some((k, _)) = entries
                    .iter()
                    .find(|(k, _)| !k.as_scalar().is_some_and(|k| KEYS.contains(&k)))
                {
                    return Err(format!(
                        "line {}: unknown key `{}` (quote names that hold a comma)",
                        k.span.line,
                        k.as_scalar().unwrap_or("?")
                    ));
                }
            }
            let text = |k: &str| entry(item, k).and_then(Node::as_scalar).map(str::to_owned);
            let list = |k: &str| match entry(item, k).map(|n| &n.kind) {
                Some(NodeKind::Seq(v)) => v
                    .iter()
                    .filter_map(|n| n.as_scalar().map(|s| s.to_ascii_lowercase()))
                    .collect(),
                _ => Vec::new(),
            };
            let id = text("id")
                .ok_or_else(|| format!("a vendor at line {} has no id", item.span.line))?;
            catalog.add(Vendor {
                name: text("name").unwrap_or_else(|| id.clone()),
                category: text("category").unwrap_or_else(|| "other".into()),
                supplier_type: text("type").unwrap_or_else(|| "other".into()),
                country: text("country").unwrap_or_default(),
                domains: list("domains"),
                terraform: list("terraform"),
                images: list("images"),
                github: list("github"),
                packages: list("packages"),
                from_landscape: false,
                id,
            })?;
        }
        Ok(catalog)
    }

    /// Adds a vendor for every owner of CI actions and every publisher of
    /// Terraform providers that the scan found and the catalog did not
    /// know: an open-source supplier named after the owner or namespace.
    pub fn add_unknown_publishers(&mut self, evidence: &[crate::evidence::Evidence]) {
        for e in evidence {
            if self.get(&e.vendor).is_some() {
                continue;
            }
            let (name, category, github, terraform) = if e.vendor.starts_with(ACTION_OWNER_PREFIX) {
                let owner = e.value.split('/').next().unwrap_or(&e.value).to_owned();
                (
                    format!("{owner} (GitHub Actions publisher)"),
                    "ci-action",
                    vec![owner.to_ascii_lowercase()],
                    Vec::new(),
                )
            } else if e.vendor.starts_with(API_ENDPOINT_PREFIX) {
                let domain = registrable(&e.value);
                let _ = self.add(Vendor {
                    id: e.vendor.clone(),
                    name: format!("{domain} (an API the code calls)"),
                    category: "api".to_owned(),
                    supplier_type: "saas".to_owned(),
                    country: String::new(),
                    domains: vec![domain],
                    terraform: Vec::new(),
                    images: Vec::new(),
                    github: Vec::new(),
                    packages: Vec::new(),
                    from_landscape: false,
                });
                continue;
            } else if let Some(ns) = e.vendor.strip_prefix(PROVIDER_PUBLISHER_PREFIX) {
                (
                    format!("{ns} (Terraform provider publisher)"),
                    "terraform-provider",
                    Vec::new(),
                    Vec::new(),
                )
            } else {
                continue;
            };
            let _ = self.add(Vendor {
                id: e.vendor.clone(),
                name,
                category: category.to_owned(),
                supplier_type: "open-source".to_owned(),
                country: String::new(),
                domains: Vec::new(),
                terraform,
                images: Vec::new(),
                github,
                packages: Vec::new(),
                from_landscape: false,
            });
        }
    }

    /// Adds a vendor; ids must be unique.
    pub fn add(&mut self, vendor: Vendor) -> Result<(), String> {
        if self.vendors.iter().any(|v| v.id == vendor.id) {
            return Err(format!("vendor `{}` appears twice", vendor.id));
        }
        let i = self.vendors.len();
        for d in &vendor.domains {
            self.domains.insert(d.clone(), i);
            self.tlds
                .insert(d.rsplit('.').next().unwrap_or(d).to_owned());
        }
        for x in &vendor.images {
            self.images.insert(x.clone(), i);
        }
        for g in &vendor.github {
            self.github.insert(g.clone(), i);
        }
        for t in &vendor.terraform {
            self.terraform.insert(t.clone(), i);
            self.index_terraform_type(t, i);
        }
        for p in &vendor.packages {
            match p.strip_suffix('*') {
                Some(prefix) => self.package_prefixes.push((prefix.to_owned(), i)),
                None => {
                    self.packages.insert(p.clone(), i);
                }
            }
        }
        self.vendors.push(vendor);
        Ok(())
    }

    /// Teaches the catalog the landscape's own vendors: a Supplier with
    /// `linchpin.dev/domains` (or `-images`, `-github-orgs`,
    /// `-terraform-providers`, `-packages`) annotations becomes a vendor named after it;
    /// a Supplier whose name is a catalog id extends that vendor.
    pub fn extend_from(&mut self, landscape: &Landscape) {
        for (_, e) in landscape.iter() {
            let Spec::Supplier(s) = &e.spec else { continue };
            let split = |key: &str| -> Vec<String> {
                e.metadata
                    .annotation(key)
                    .map(|v| {
                        v.split([',', ' '])
                            .map(|x| x.trim().to_ascii_lowercase())
                            .filter(|x| !x.is_empty())
                            .collect()
                    })
                    .unwrap_or_default()
            };
            let domains = split("linchpin.dev/domains");
            let images = split("linchpin.dev/images");
            let github = split("linchpin.dev/github-orgs");
            let terraform = split("linchpin.dev/terraform-providers");
            let packages = split("linchpin.dev/packages");
            if domains.is_empty()
                && images.is_empty()
                && github.is_empty()
                && terraform.is_empty()
                && packages.is_empty()
            {
                continue;
            }
            let id = e.entity_ref.name.to_string();
            let existing = self.vendors.iter().position(|v| v.id == id);
            let i = match existing {
                Some(i) => i,
                None => {
                    self.vendors.push(Vendor {
                        id: id.clone(),
                        name: e.display_name().to_owned(),
                        category: "other".into(),
                        supplier_type: s.supplier_type.as_str().into(),
                        country: s
                            .country
                            .as_ref()
                            .map(|c| c.value.clone())
                            .unwrap_or_default(),
                        domains: Vec::new(),
                        terraform: Vec::new(),
                        images: Vec::new(),
                        github: Vec::new(),
                        packages: Vec::new(),
                        from_landscape: true,
                    });
                    self.vendors.len() - 1
                }
            };
            for d in domains {
                self.tlds
                    .insert(d.rsplit('.').next().unwrap_or(&d).to_owned());
                self.domains.insert(d.clone(), i);
                self.vendors[i].domains.push(d);
            }
            for x in images {
                self.images.insert(x.clone(), i);
                self.vendors[i].images.push(x);
            }
            for g in github {
                self.github.insert(g.clone(), i);
                self.vendors[i].github.push(g);
            }
            for t in terraform {
                self.terraform.insert(t.clone(), i);
                self.index_terraform_type(&t, i);
                self.vendors[i].terraform.push(t);
            }
            for p in packages {
                match p.strip_suffix('*') {
                    Some(prefix) => self.package_prefixes.push((prefix.to_owned(), i)),
                    None => {
                        self.packages.insert(p.clone(), i);
                    }
                }
                self.vendors[i].packages.push(p);
            }
        }
    }

    /// Providers by local name (`aws`): the HashiCorp-maintained provider
    /// wins, then the first in the catalog.
    fn index_terraform_type(&mut self, source: &str, i: usize) {
        let Some((ns, ty)) = source.split_once('/') else {
            return;
        };
        let official = ns == "hashicorp";
        match self.terraform_types.get(ty) {
            Some(&(_, true)) => {}
            Some(_) if !official => {}
            _ => {
                self.terraform_types.insert(ty.to_owned(), (i, official));
            }
        }
    }

    /// The vendor of a provider by its local name (`aws`, `google`).
    pub fn by_terraform_type(&self, local: &str) -> Option<&Vendor> {
        self.terraform_types
            .get(&local.to_ascii_lowercase())
            .map(|&(i, _)| &self.vendors[i])
    }

    /// Every vendor.
    pub fn vendors(&self) -> &[Vendor] {
        &self.vendors
    }

    /// The vendor with this id.
    pub fn get(&self, id: &str) -> Option<&Vendor> {
        self.vendors.iter().find(|v| v.id == id)
    }

    /// Whether a host's last label is one some vendor domain ends with: a
    /// cheap filter before [`VendorCatalog::by_host`].
    pub fn could_match(&self, host: &str) -> bool {
        let last = host.rsplit('.').next().unwrap_or(host);
        if last.bytes().any(|b| b.is_ascii_uppercase()) {
            self.tlds.contains(&last.to_ascii_lowercase())
        } else {
            self.tlds.contains(last)
        }
    }

    /// The vendor owning a hostname: the longest catalog domain that is the
    /// host or one of its parents.
    pub fn by_host(&self, host: &str) -> Option<&Vendor> {
        let host = host.trim_end_matches('.');
        let lowered;
        let host = if host.bytes().any(|b| b.is_ascii_uppercase()) {
            lowered = host.to_ascii_lowercase();
            lowered.as_str()
        } else {
            host
        };
        let mut rest = host;
        loop {
            if let Some(&i) = self.domains.get(rest) {
                return Some(&self.vendors[i]);
            }
            match rest.find('.') {
                Some(dot) if rest[dot + 1..].contains('.') => rest = &rest[dot + 1..],
                _ => return None,
            }
        }
    }

    /// The vendor of an image registry host, or of `host/namespace`.
    pub fn by_image_key(&self, key: &str) -> Option<&Vendor> {
        self.images.get(key).map(|&i| &self.vendors[i]).or_else(|| {
            // `*.amazonaws.com` registries and the like: match by domain suffix.
            let host = key.split('/').next().unwrap_or(key);
            if key.contains('/') {
                None
            } else {
                self.by_host(host)
                    .filter(|v| v.images.iter().any(|i| host.ends_with(i.as_str())))
            }
        })
    }

    /// The vendor publishing GitHub actions under `org`.
    pub fn by_github_org(&self, org: &str) -> Option<&Vendor> {
        self.github
            .get(&org.to_ascii_lowercase())
            .map(|&i| &self.vendors[i])
    }

    /// The vendor whose client library a package is.
    pub fn by_package(&self, eco: Ecosystem, name: &str) -> Option<&Vendor> {
        let key = format!("{}:{}", eco.as_str(), eco.normalise(name));
        self.packages
            .get(&key)
            .or_else(|| {
                self.package_prefixes
                    .iter()
                    .filter(|(p, _)| key.starts_with(p.as_str()))
                    .max_by_key(|(p, _)| p.len())
                    .map(|(_, i)| i)
            })
            .map(|&i| &self.vendors[i])
    }

    /// The vendor of a Terraform provider source (`namespace/type`).
    pub fn by_terraform(&self, source: &str) -> Option<&Vendor> {
        self.terraform
            .get(&source.to_ascii_lowercase())
            .map(|&i| &self.vendors[i])
    }

    /// Whether some catalog domain ends with this label sequence: used to
    /// skip work on tokens that cannot match.
    pub fn domain_count(&self) -> usize {
        self.domains.len()
    }
}

fn entry<'n, 'a>(node: &'n Node<'a>, key: &str) -> Option<&'n Node<'a>> {
    match &node.kind {
        NodeKind::Map(entries) => entries
            .iter()
            .find(|(k, _)| k.as_scalar() == Some(key))
            .map(|(_, v)| v),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_catalog_is_large_and_well_formed() {
        let c = VendorCatalog::builtin().unwrap();
        assert!(c.vendors().len() >= 150, "{} vendors", c.vendors().len());
        for v in c.vendors() {
            assert!(linchpin_loader::rules::is_valid_name(&v.id), "{}", v.id);
            assert!(
                linchpin_loader::rules::is_valid_country(&v.country),
                "{} {}",
                v.id,
                v.country
            );
            assert!(
                linchpin_model::SupplierType::parse(&v.supplier_type).is_some(),
                "{} {}",
                v.id,
                v.supplier_type
            );
            assert!(!v.domains.is_empty(), "{} has no domains", v.id);
        }
    }

    #[test]
    fn hosts_match_the_longest_known_parent() {
        let c = VendorCatalog::builtin().unwrap();
        assert_eq!(c.by_host("api.stripe.com").unwrap().id, "stripe");
        assert_eq!(
            c.by_host("email-smtp.eu-west-1.amazonaws.com").unwrap().id,
            "aws-ses"
        );
        assert_eq!(
            c.by_host("my-bucket.s3.eu-central-1.amazonaws.com")
                .unwrap()
                .id,
            "aws"
        );
        assert_eq!(c.by_host("hooks.slack.com").unwrap().id, "slack");
        assert!(c.by_host("example.com").is_none());
        assert!(c.by_host("com").is_none());
        assert_eq!(c.by_github_org("aws-actions").unwrap().id, "aws");
        assert_eq!(c.by_terraform("hashicorp/aws").unwrap().id, "aws");
        assert_eq!(c.by_image_key("ghcr.io").unwrap().id, "github");
        assert_eq!(
            c.by_image_key("123456789012.dkr.ecr.eu-west-1.amazonaws.com")
                .unwrap()
                .id,
            "aws"
        );
    }
}
