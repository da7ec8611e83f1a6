//! `linchpin init`: a first landscape proposed from a Backstage catalog and
//! the code beside it (docs/init.md).
//!
//! Pure: given the loaded catalog, what discovery found in the same folder
//! and the vendor catalog, [`propose`] says which Suppliers and
//! BusinessFunctions to write, with the evidence for each, and renders
//! their files. Every proposal carries the `linchpin.dev/guess`
//! annotation: `check` reports it (`unconfirmed-guess`) until a person
//! confirms it.

use crate::catalog::{Vendor, VendorCatalog};
use crate::evidence::Evidence;
use crate::report::{group, supplier_for, Confidence};
use linchpin_loader::rules::is_valid_name;
use linchpin_loader::Loaded;
use linchpin_model::{EntityId, Kind, Spec};
use std::collections::{BTreeMap, BTreeSet};

/// The annotation a guess carries (the engine reports it).
pub const GUESS_ANNOTATION: &str = linchpin_engine::findings::GUESS_ANNOTATION;

/// The criticality a proposed function starts with.
pub const GUESSED_CRITICALITY: &str = "important";

/// The tolerable downtime a proposed function starts with.
pub const GUESSED_TOLERANCE: &str = "1d";

/// Vendor categories whose failure stops changes and deployments (or the
/// view of the system), not the running service: a function depends on
/// them `degraded`, not `down`.
const DELIVERY: &[&str] = &[
    "ci",
    "source-hosting",
    "package-registry",
    "container-registry",
    "devtools",
    "security",
    "monitoring",
    "analytics",
];

/// Why a supplier is proposed: one line of its file's header.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Sign {
    /// The file, relative to the folder.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// What was seen there.
    pub what: String,
}

/// A Supplier to write.
#[derive(Debug, Clone)]
pub struct ProposedSupplier {
    /// The vendor it stands for.
    pub vendor: Vendor,
    /// The catalog's entities that depend on it (hard): written as its
    /// `dependencyOf`, canonical refs.
    pub dependency_of: Vec<String>,
    /// The proposed functions that depend on it `degraded` (delivery
    /// tooling), canonical refs.
    pub degrades: Vec<String>,
    /// The evidence, by file and line.
    pub signs: Vec<Sign>,
    /// The catalog's entities whose files or code show it, canonical refs.
    pub seen_at: Vec<String>,
    /// What a person must decide.
    pub guess: String,
}

/// A BusinessFunction to write.
#[derive(Debug, Clone)]
pub struct ProposedFunction {
    /// Its name (the System's).
    pub name: String,
    /// Its namespace (the System's).
    pub namespace: String,
    /// Its title.
    pub title: String,
    /// The owner (the System's), canonical.
    pub owner: Option<String>,
    /// What it depends on hard: its System, or the components of a
    /// catalog without Systems.
    pub depends_on: Vec<String>,
    /// Delivery tooling it depends on `degraded`: (supplier ref, note).
    pub degraded: Vec<(String, String)>,
    /// What a person must decide.
    pub guess: String,
}

/// What `init` proposes.
#[derive(Debug, Clone, Default)]
pub struct Proposal {
    /// Functions to write, one per System without one.
    pub functions: Vec<ProposedFunction>,
    /// Suppliers to write, most evidence first.
    pub suppliers: Vec<ProposedSupplier>,
    /// Vendors seen that the landscape already declares: (vendor id, its Supplier).
    pub declared: Vec<(String, EntityId)>,
    /// Components in no System (when the catalog has Systems): no function
    /// reaches them.
    pub outside_systems: Vec<EntityId>,
    /// Vendors seen only once, in a file no component claims (a link in a
    /// README, say): not proposed.
    pub weak: Vec<String>,
}

impl ProposedSupplier {
    /// The Supplier's canonical ref.
    pub fn entity_ref(&self) -> String {
        format!("supplier:default/{}", self.vendor.id)
    }

    /// The file's path inside the proposal folder.
    pub fn file_name(&self) -> String {
        format!("suppliers/{}.yaml", self.vendor.id)
    }

    /// Whether anything was connected to it.
    pub fn connected(&self) -> bool {
        !self.dependency_of.is_empty() || !self.degrades.is_empty()
    }

    /// The YAML file.
    pub fn yaml(&self) -> String {
        let mut out = String::from(
            "# Proposed by `linchpin init`: check it, then delete the `linchpin.dev/guess`\n# annotation. Seen in:\n",
        );
        for s in self.signs.iter().take(20) {
            out.push_str(&format!(
                "#   {}:{}  {}\n",
                comment(&s.file),
                s.line,
                comment(&s.what)
            ));
        }
        if self.signs.len() > 20 {
            out.push_str(&format!("#   … and {} more\n", self.signs.len() - 20));
        }
        out.push_str("apiVersion: linchpin.dev/v1alpha1\nkind: Supplier\nmetadata:\n");
        out.push_str(&format!("  name: {}\n", self.vendor.id));
        out.push_str(&format!("  title: {}\n", quoted(&self.vendor.name)));
        out.push_str("  annotations:\n");
        out.push_str(&format!("    linchpin.dev/vendor: {}\n", self.vendor.id));
        out.push_str(&format!(
            "    {GUESS_ANNOTATION}: {}\n",
            quoted(&self.guess)
        ));
        out.push_str("spec:\n");
        out.push_str(&format!("  type: {}\n", supplier_type(&self.vendor)));
        if !self.vendor.country.is_empty() {
            out.push_str(&format!("  country: {}\n", self.vendor.country));
        }
        if !self.dependency_of.is_empty() {
            out.push_str("  dependencyOf:\n");
            for r in &self.dependency_of {
                out.push_str(&format!("    - {r}\n"));
            }
        }
        out
    }
}

impl ProposedFunction {
    /// The function's canonical ref.
    pub fn entity_ref(&self) -> String {
        format!("businessfunction:{}/{}", self.namespace, self.name)
    }

    /// The file's path inside the proposal folder.
    pub fn file_name(&self) -> String {
        if self.namespace == "default" {
            format!("functions/{}.yaml", self.name)
        } else {
            format!("functions/{}.{}.yaml", self.namespace, self.name)
        }
    }

    /// The YAML file.
    pub fn yaml(&self) -> String {
        let mut out = String::from(
            "# Proposed by `linchpin init`: decide its criticality, its tolerable downtime\n# and its owner, then delete the `linchpin.dev/guess` annotation.\n",
        );
        out.push_str("apiVersion: linchpin.dev/v1alpha1\nkind: BusinessFunction\nmetadata:\n");
        out.push_str(&format!("  name: {}\n", self.name));
        if self.namespace != "default" {
            out.push_str(&format!("  namespace: {}\n", self.namespace));
        }
        out.push_str(&format!("  title: {}\n", quoted(&self.title)));
        out.push_str("  annotations:\n");
        out.push_str(&format!(
            "    {GUESS_ANNOTATION}: {}\n",
            quoted(&self.guess)
        ));
        out.push_str("spec:\n");
        out.push_str(&format!("  criticality: {GUESSED_CRITICALITY}\n"));
        if let Some(owner) = &self.owner {
            out.push_str(&format!("  owner: {owner}\n"));
        }
        out.push_str(&format!("  maxTolerableDowntime: {GUESSED_TOLERANCE}\n"));
        out.push_str("  dependsOn:\n");
        for r in self
            .depends_on
            .iter()
            .chain(self.degraded.iter().map(|(r, _)| r))
        {
            out.push_str(&format!("    - {r}\n"));
        }
        if !self.degraded.is_empty() {
            out.push_str("  dependencyImpact:\n");
            for (r, note) in &self.degraded {
                out.push_str(&format!(
                    "    - ref: {r}\n      impact: degraded\n      note: {}\n",
                    quoted(note)
                ));
            }
        }
        out
    }
}

/// A YAML scalar any text can be: a JSON string (YAML 1.2 reads JSON).
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
}

/// Text safe inside a `#` comment: one line, no control characters.
fn comment(s: &str) -> String {
    let one: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if one.chars().count() > 120 {
        let cut: String = one.chars().take(119).collect();
        format!("{cut}…")
    } else {
        one
    }
}

/// The supplier type: the catalog's when it is one of the model's.
fn supplier_type(v: &Vendor) -> &str {
    match v.supplier_type.as_str() {
        t
        @ ("cloud" | "hosting" | "saas" | "software" | "open-source" | "telecom" | "services") => t,
        _ => "other",
    }
}

fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Names a catalog entity may carry for a vendor: its id and its name
/// without the parenthesis (`Argo CD (Argo Project)` → `argocd`), at least
/// four characters (shorter ones match too much by accident) unless the
/// id itself.
fn vendor_names(catalog: &VendorCatalog) -> BTreeMap<String, usize> {
    let mut names = BTreeMap::new();
    for (i, v) in catalog.vendors().iter().enumerate() {
        if v.from_landscape {
            continue;
        }
        names.entry(normalise(&v.id)).or_insert(i);
        let short = v.name.split(" (").next().unwrap_or(&v.name);
        let n = normalise(short);
        if n.len() >= 4 {
            names.entry(n).or_insert(i);
        }
    }
    names.retain(|k, _| k.len() >= 3);
    names
}

/// The vendor an entity name or title names: the whole of it, or its first
/// one to three words (`github-enterprise`, `argo-cd-prod`, `Keycloak realm`).
fn named_vendor(names: &BTreeMap<String, usize>, text: &str) -> Option<usize> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    if words.is_empty() {
        return None;
    }
    if let Some(&i) = names.get(&words.concat()) {
        return Some(i);
    }
    (1..=words.len().min(3))
        .rev()
        .find_map(|k| names.get(&words[..k].concat()).copied())
}

/// Where each component's code is, relative to the folder: its
/// `linchpin.dev/source`, else the repository folder named in its
/// `backstage.io/source-location` (found under the folder by name) with
/// the path inside it, else the folder of the file that describes it.
fn code_folders(l: &Loaded, roots: &[CodeRoot]) -> Vec<(EntityId, String)> {
    let mut repos: Option<BTreeMap<String, String>> = None;
    let mut out = Vec::new();
    for (id, e) in l.catalog.iter() {
        if !matches!(e.spec, Spec::Component(_)) {
            continue;
        }
        let file = l.sources.path(e.span.file);
        let file_dir = file.rsplit_once('/').map_or("", |(d, _)| d).to_owned();
        let m = &e.metadata;
        let folder = if let Some(p) = m.annotation("linchpin.dev/source") {
            Some(clean(p))
        } else if let Some(loc) = m.annotation("backstage.io/source-location") {
            let loc = loc.trim();
            let target = loc
                .strip_prefix("url:")
                .or_else(|| loc.strip_prefix("dir:"))
                .unwrap_or(loc);
            if target.starts_with("./") || target == "." || target.starts_with("../") {
                Some(join(&file_dir, target))
            } else {
                repository_folder(target).and_then(|(repo, inside)| {
                    let repos = repos.get_or_insert_with(|| {
                        // The folders of code first: a catalog folder
                        // named like a repository (`components/checkout`)
                        // holds its description, not its code.
                        let mut all = BTreeMap::new();
                        let mut ordered: Vec<&CodeRoot> = roots.iter().collect();
                        ordered.sort_by_key(|r| r.prefix.is_empty());
                        for root in ordered {
                            for (name, path) in folders_by_name(&root.path) {
                                let key = if root.prefix.is_empty() {
                                    path
                                } else {
                                    format!("{}/{path}", root.prefix)
                                };
                                all.entry(name).or_insert(key);
                            }
                        }
                        all
                    });
                    repos
                        .get(&repo.to_ascii_lowercase())
                        .map(|dir| join(dir, &inside))
                })
            }
        } else {
            None
        };
        out.push((id, folder.unwrap_or(file_dir)));
    }
    out
}

fn clean(p: &str) -> String {
    let p = p.trim().trim_start_matches("./").trim_end_matches('/');
    if p == "." {
        String::new()
    } else {
        p.to_owned()
    }
}

/// `base/rel`, with `.` and `..` worked out; never above the folder.
fn join(base: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for p in rel.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// The repository name and the path inside it of a code host URL
/// (`https://github.com/acme/payments/tree/main/services/api` →
/// `payments`, `services/api`).
fn repository_folder(url: &str) -> Option<(String, String)> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let mut segments = rest.split('/');
    let _host = segments.next()?;
    let path: Vec<&str> = segments.filter(|s| !s.is_empty()).collect();
    let marker = path
        .iter()
        .position(|s| matches!(*s, "tree" | "blob" | "-" | "src"));
    let repo_end = marker.unwrap_or(path.len());
    let repo = path.get(repo_end.checked_sub(1)?)?;
    let repo = repo.trim_end_matches(".git");
    let inside = match marker {
        // `-/tree/BRANCH/…` (GitLab), `tree/BRANCH/…`, `src/branch/BRANCH/…`.
        Some(m) => {
            let mut skip = m + 2;
            if path[m] == "-" || path[m] == "src" {
                skip += 1;
            }
            path.get(skip..).map(|p| p.join("/")).unwrap_or_default()
        }
        None => String::new(),
    };
    Some((repo.to_owned(), inside))
}

/// Folders under `root` (three levels, hidden ones left out) by their
/// lower-case name; the shallowest first.
fn folders_by_name(root: &std::path::Path) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    let mut level = vec![(root.to_path_buf(), String::new())];
    for _ in 0..3 {
        let mut next = Vec::new();
        for (dir, rel) in level {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            let mut entries: Vec<_> = entries.flatten().collect();
            entries.sort_by_key(|e| e.file_name());
            for entry in entries {
                let name = entry.file_name().to_string_lossy().into_owned();
                // Never through a link: the folder is the boundary.
                let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
                if !is_dir || name.starts_with('.') || name == "node_modules" {
                    continue;
                }
                let path = if rel.is_empty() {
                    name.clone()
                } else {
                    format!("{rel}/{name}")
                };
                found
                    .entry(name.to_ascii_lowercase())
                    .or_insert(path.clone());
                next.push((entry.path(), path));
            }
        }
        level = next;
    }
    found
}

/// The catalog entity an evidence in a catalog file belongs to: the last
/// entity whose document starts at or before the line.
struct Documents {
    by_file: BTreeMap<String, Vec<(u32, EntityId)>>,
}

impl Documents {
    fn new(l: &Loaded) -> Documents {
        let mut by_file: BTreeMap<String, Vec<(u32, EntityId)>> = BTreeMap::new();
        for (id, e) in l.catalog.iter() {
            by_file
                .entry(l.sources.path(e.span.file).to_owned())
                .or_default()
                .push((e.span.line, id));
        }
        for v in by_file.values_mut() {
            v.sort();
        }
        // Every file the loader read (a file of Locations only, say) is a
        // catalog file, even without an entity.
        for i in 0..l.sources.len() {
            by_file
                .entry(l.sources.path(linchpin_model::FileId(i as u32)).to_owned())
                .or_default();
        }
        Documents { by_file }
    }

    /// `None`: not a catalog file; `Some(None)`: a catalog file, outside any entity.
    fn entity_at(&self, file: &str, line: u32) -> Option<Option<EntityId>> {
        let docs = self.by_file.get(file)?;
        let i = docs.partition_point(|&(start, _)| start <= line);
        Some(i.checked_sub(1).map(|i| docs[i].1))
    }
}

/// A folder discovery scanned for `init`.
#[derive(Debug, Clone)]
pub struct CodeRoot {
    /// What its evidence's paths start with: empty for the catalog's own
    /// folder (paths relative to it, as the loader's), else the folder as
    /// typed (`../repos`).
    pub prefix: String,
    /// The folder.
    pub path: std::path::PathBuf,
}

/// What `init` proposes for a loaded catalog and the evidence discovery
/// found in `roots` (the catalog's folder first, prefix empty; each
/// evidence's file under its root's prefix).
pub fn propose(
    l: &Loaded,
    evidence: &[Evidence],
    roots: &[CodeRoot],
    catalog: &VendorCatalog,
) -> Proposal {
    let landscape = &l.catalog;
    let mut proposal = Proposal::default();
    let refs = |id: EntityId| landscape.entity(id).entity_ref.to_string();

    // Functions: one per System that no function depends on yet.
    let mut covered: BTreeSet<EntityId> = BTreeSet::new();
    let mut function_names: BTreeSet<(String, String)> = BTreeSet::new();
    let mut any_function = false;
    for (_, e) in landscape.iter() {
        if let Spec::BusinessFunction(_) = &e.spec {
            any_function = true;
            function_names.insert((
                e.entity_ref.namespace.to_string(),
                e.entity_ref.name.to_ascii_lowercase(),
            ));
        }
    }
    for (id, _) in landscape.iter() {
        if let Spec::BusinessFunction(_) = &landscape.entity(id).spec {
            for d in landscape.dependencies(id) {
                covered.extend(d.target.entities().iter().copied());
            }
        }
    }
    let mut function_of_system: BTreeMap<EntityId, usize> = BTreeMap::new();
    let systems: Vec<EntityId> = landscape
        .iter()
        .filter(|(_, e)| matches!(e.spec, Spec::System(_)))
        .map(|(id, _)| id)
        .collect();
    for &s in &systems {
        let e = landscape.entity(s);
        let key = (
            e.entity_ref.namespace.to_string(),
            e.entity_ref.name.to_ascii_lowercase(),
        );
        if covered.contains(&s) || function_names.contains(&key) {
            continue;
        }
        let Spec::System(spec) = &e.spec else {
            continue;
        };
        function_of_system.insert(s, proposal.functions.len());
        proposal.functions.push(ProposedFunction {
            name: e.entity_ref.name.to_string(),
            namespace: e.entity_ref.namespace.to_string(),
            title: e.metadata.title.clone().unwrap_or_else(|| e.entity_ref.name.to_string()),
            owner: spec.owner.as_ref().map(|o| o.value.to_string()),
            depends_on: vec![refs(s)],
            degraded: Vec::new(),
            guess: format!(
                "one function per System, from {}: criticality ({GUESSED_CRITICALITY}), maxTolerableDowntime ({GUESSED_TOLERANCE}) and owner are guesses to decide",
                refs(s)
            ),
        });
    }
    let system_of = |id: EntityId| -> Option<EntityId> {
        let system = match &landscape.entity(id).spec {
            Spec::Component(c) => c.system.as_ref(),
            Spec::Resource(r) => r.system.as_ref(),
            Spec::Api(a) => a.system.as_ref(),
            Spec::System(_) => return Some(id),
            _ => None,
        }?;
        landscape.lookup(&system.value)
    };
    let components: Vec<EntityId> = landscape
        .iter()
        .filter(|(_, e)| matches!(e.spec, Spec::Component(_)))
        .map(|(id, _)| id)
        .collect();
    // A catalog without Systems: one function for all of it, to split.
    let mut catch_all: Option<usize> = None;
    if systems.is_empty() && !any_function && !components.is_empty() {
        catch_all = Some(proposal.functions.len());
        proposal.functions.push(ProposedFunction {
            name: "catalog".to_owned(),
            namespace: "default".to_owned(),
            title: "Everything the catalog describes".to_owned(),
            owner: None,
            depends_on: components.iter().map(|&c| refs(c)).collect(),
            degraded: Vec::new(),
            guess: "the catalog has no System, so one function stands for all of its components: split it into the business functions they serve, each with its criticality, maxTolerableDowntime and owner".to_owned(),
        });
    } else if !systems.is_empty() {
        proposal.outside_systems = components
            .iter()
            .copied()
            .filter(|&c| system_of(c).is_none())
            .collect();
    }
    let function_for = |id: EntityId| -> Option<usize> {
        catch_all.or_else(|| system_of(id).and_then(|s| function_of_system.get(&s).copied()))
    };

    // Suppliers: what the catalog names, and what the code shows.
    let names = vendor_names(catalog);
    let mut users: BTreeMap<usize, BTreeSet<EntityId>> = BTreeMap::new();
    let mut signs: BTreeMap<usize, BTreeSet<Sign>> = BTreeMap::new();
    let mut named: BTreeSet<(usize, EntityId)> = BTreeSet::new();
    let vendor_index: BTreeMap<&str, usize> = catalog
        .vendors()
        .iter()
        .enumerate()
        .map(|(i, v)| (v.id.as_str(), i))
        .collect();
    for (id, e) in landscape.iter() {
        if !matches!(
            e.spec,
            Spec::Component(_) | Spec::Resource(_) | Spec::Api(_)
        ) {
            continue;
        }
        let by_name = named_vendor(&names, &e.entity_ref.name);
        let by_title = e
            .metadata
            .title
            .as_deref()
            .and_then(|t| named_vendor(&names, t));
        if let Some(v) = by_name.or(by_title) {
            users.entry(v).or_default().insert(id);
            named.insert((v, id));
            signs.entry(v).or_default().insert(Sign {
                file: l.sources.path(e.span.file).to_owned(),
                line: e.span.line,
                what: format!(
                    "{} is named after it{}",
                    refs(id),
                    if by_name.is_none() {
                        " (its title)"
                    } else {
                        ""
                    }
                ),
            });
        }
    }
    let documents = Documents::new(l);
    let folders = code_folders(l, roots);
    let owner_of_file = |file: &str| -> Result<Option<EntityId>, ()> {
        let mut best: Option<(usize, Vec<EntityId>)> = None;
        for (c, folder) in &folders {
            let inside = folder.is_empty()
                || file == folder
                || (file.starts_with(folder.as_str()) && file[folder.len()..].starts_with('/'));
            if !inside {
                continue;
            }
            match &mut best {
                Some((depth, list)) if *depth == folder.len() => list.push(*c),
                Some((depth, _)) if *depth > folder.len() => {}
                _ => best = Some((folder.len(), vec![*c])),
            }
        }
        match best {
            None => Ok(None),
            Some((_, list)) if list.len() == 1 => Ok(Some(list[0])),
            Some(_) => Err(()),
        }
    };
    let found = group(evidence.to_vec());
    for f in &found {
        let Some(&v) = vendor_index.get(f.vendor.as_str()) else {
            continue;
        };
        let mut attributed = false;
        let mut kept: Vec<(&Evidence, Option<EntityId>)> = Vec::new();
        for ev in &f.evidence {
            match documents.entity_at(&ev.file, ev.line) {
                // In the catalog: an entity that can depend on something.
                Some(Some(id))
                    if matches!(
                        landscape.entity(id).kind(),
                        Kind::Component | Kind::Resource | Kind::Api | Kind::System
                    ) =>
                {
                    attributed = true;
                    kept.push((ev, Some(id)));
                }
                // A Group's picture, a Supplier's own file: not a use.
                Some(_) => {}
                None => {
                    let owner = owner_of_file(&ev.file).ok().flatten();
                    attributed |= owner.is_some();
                    kept.push((ev, owner));
                }
            }
        }
        if kept.is_empty() {
            continue;
        }
        if !attributed && f.confidence > Confidence::Medium && !users.contains_key(&v) {
            proposal.weak.push(f.vendor.clone());
            continue;
        }
        for (ev, owner) in kept {
            if let Some(o) = owner {
                users.entry(v).or_default().insert(o);
            }
            let mut what = format!("{} {}", ev.kind.as_str(), ev.value);
            if ev.count > 1 {
                what.push_str(&format!(" (×{})", ev.count));
            }
            signs.entry(v).or_default().insert(Sign {
                file: ev.file.clone(),
                line: ev.line,
                what,
            });
        }
    }

    let mut seen: Vec<usize> = signs.keys().copied().collect();
    seen.sort_by_key(|v| {
        (
            std::cmp::Reverse(signs[v].len()),
            catalog.vendors()[*v].id.clone(),
        )
    });
    for v in seen {
        let vendor = &catalog.vendors()[v];
        if let Some(s) = supplier_for(landscape, &vendor.id) {
            proposal.declared.push((vendor.id.clone(), s));
            continue;
        }
        if !is_valid_name(&vendor.id) {
            continue;
        }
        let delivery = DELIVERY.contains(&vendor.category.as_str());
        let mut supplier = ProposedSupplier {
            vendor: vendor.clone(),
            dependency_of: Vec::new(),
            degrades: Vec::new(),
            signs: signs[&v].iter().cloned().collect(),
            seen_at: Vec::new(),
            guess: String::new(),
        };
        let user_set = users.get(&v).cloned().unwrap_or_default();
        supplier.seen_at = user_set.iter().map(|&u| refs(u)).collect();
        for &u in &user_set {
            // A catalog entity named after the vendor stands for its
            // service: it depends on the supplier, and the catalog's own
            // edges say what depends on it. Delivery tooling seen in the
            // code degrades the function of what uses it.
            if delivery && !named.contains(&(v, u)) {
                if let Some(fi) = function_for(u) {
                    let r = supplier.entity_ref();
                    let function = &mut proposal.functions[fi];
                    if !function.degraded.iter().any(|(x, _)| *x == r) {
                        function.degraded.push((
                            r,
                            format!(
                                "{} ({}) used by {}: a failure stops changes, deployments or the view of the service, not the service — guessed",
                                vendor.name, vendor.category, refs(u)
                            ),
                        ));
                    }
                    let f = function.entity_ref();
                    if !supplier.degrades.contains(&f) {
                        supplier.degrades.push(f);
                    }
                }
            } else {
                supplier.dependency_of.push(refs(u));
            }
        }
        supplier.guess = if supplier.connected() {
            let mut what = Vec::new();
            if !supplier.dependency_of.is_empty() {
                what.push(format!(
                    "whether {} stop{} without it, as `dependencyOf` says",
                    supplier.dependency_of.join(", "),
                    if supplier.dependency_of.len() == 1 {
                        "s"
                    } else {
                        ""
                    }
                ));
            }
            if !supplier.degrades.is_empty() {
                what.push(format!(
                    "whether it only degrades {}",
                    supplier.degrades.join(", ")
                ));
            }
            format!(
                "found by the evidence in this file's header: set the relationship owner, check type and country, and {}",
                what.join("; and ")
            )
        } else if supplier.seen_at.is_empty() {
            "found by the evidence in this file's header, in no component's code: set the relationship owner, check type and country, and add it to the dependsOn of what uses it".to_owned()
        } else {
            format!(
                "found by the evidence in this file's header, used by {} — in no System a proposed function stands for: set the relationship owner, check type and country, and add it to the dependsOn of what needs it",
                supplier.seen_at.join(", ")
            )
        };
        proposal.suppliers.push(supplier);
    }
    proposal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_folders_from_code_host_urls() {
        assert_eq!(
            repository_folder("https://github.com/acme/payments/tree/main/services/api"),
            Some(("payments".into(), "services/api".into()))
        );
        assert_eq!(
            repository_folder("https://gitlab.com/acme/group/shop/-/tree/main/web/"),
            Some(("shop".into(), "web".into()))
        );
        assert_eq!(
            repository_folder("https://github.com/acme/payments.git"),
            Some(("payments".into(), String::new()))
        );
        assert_eq!(
            repository_folder("https://bitbucket.org/acme/shop/src/branch/main/api"),
            Some(("shop".into(), "api".into()))
        );
    }

    #[test]
    fn names_match_whole_words_only() {
        let catalog = VendorCatalog::builtin().unwrap();
        let names = vendor_names(&catalog);
        let id = |t: &str| named_vendor(&names, t).map(|i| catalog.vendors()[i].id.clone());
        assert_eq!(id("github").as_deref(), Some("github"));
        assert_eq!(id("github-enterprise").as_deref(), Some("github"));
        assert_eq!(id("argocd").as_deref(), Some("argo-cd"));
        assert_eq!(id("argo-cd-prod").as_deref(), Some("argo-cd"));
        assert_eq!(id("Keycloak realm").as_deref(), Some("keycloak"));
        // Not a vendor, and not a vendor's name inside a longer word.
        assert_eq!(id("orders-db"), None);
        assert_eq!(id("githubby"), None);
    }

    #[test]
    fn joins_stay_inside_the_folder() {
        assert_eq!(join("catalog", "../services/api/"), "services/api");
        assert_eq!(join("", "../../etc"), "etc");
        assert_eq!(join("a/b", "./c"), "a/b/c");
    }

    #[test]
    fn quoted_text_is_one_yaml_scalar() {
        assert_eq!(quoted("a \"b\"\nc: d"), r#""a \"b\"\nc: d""#);
        assert_eq!(comment("x\ny\u{7}"), "x y ");
    }
}
