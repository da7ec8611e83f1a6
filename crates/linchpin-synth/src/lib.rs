//! Synthetic landscapes shaped like a large enterprise, written as ordinary
//! landscape files: business functions → systems and components →
//! resources → suppliers → fourth parties.
//!
//! The shape per 100k entities: 1k functions, 1k groups, 2k systems, 50k
//! components in five call layers (each on three of the next layer; systems
//! are blocks of a layer; functions rest on the top two layers), 41k resources (a fifth platform resources
//! on twenty big clouds, the rest services on any supplier), 5k suppliers
//! of which most rely on a big cloud (fourth parties); about five impact
//! edges per entity (≈ 500k), an `anyOf` group on a tenth of the entities,
//! a fifth of the edges `degraded`, and a few hundred small cycles. The same
//! size and seed always give the same files.

use std::fmt::Write;

pub mod register;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    /// Total number of entities (at least 100).
    pub entities: usize,
    /// Seed of the pseudo-random choices.
    pub seed: u64,
    /// Entities per file.
    pub per_file: usize,
}

impl Config {
    /// A landscape of `entities` entities with the default seed.
    pub fn new(entities: usize) -> Config {
        Config {
            entities,
            seed: 42,
            per_file: 100,
        }
    }
}

/// One generated file: its path relative to the landscape root, and text.
#[derive(Debug, Clone)]
pub struct File {
    /// Relative path with `/` separators.
    pub path: String,
    /// YAML text.
    pub text: String,
}

/// Adds what `linchpin risk` needs to generated files (docs/risk.md): a
/// cost for every business function and failure data for every supplier
/// (outages from an availability commitment, or a rate and a duration; a
/// small chance of failing for good), deterministically from `seed`.
pub fn add_risk_data(files: &mut [File], seed: u64) {
    let mut rng = Rng(seed ^ 0x5249_534B);
    let mut supplier = 0usize;
    for file in files {
        let mut out = String::with_capacity(file.text.len() + file.text.len() / 4);
        for line in file.text.split_inclusive('\n') {
            out.push_str(line);
            if line.starts_with("  country: ") && file.path.starts_with("suppliers") {
                // The big clouds (the first twenty suppliers) and one
                // supplier in five have failure data, as a landscape whose
                // contracts name availability and whose team tracks the
                // incidents of the suppliers that matter.
                let big = supplier < 20;
                supplier += 1;
                if big || rng.chance(20) {
                    let permanent = if rng.chance(25) {
                        format!(
                            "    permanentPerYear: {}\n",
                            ["0.1%", "0.2%", "0.5%", "1%"][rng.below(4)]
                        )
                    } else {
                        String::new()
                    };
                    if big || rng.chance(50) {
                        let sla = ["99.9%", "99.95%", "99.99%"][rng.below(3)];
                        out.push_str(&format!("  failures:\n    sla: {sla}\n{permanent}"));
                    } else {
                        let median = [15, 30, 60, 120][rng.below(4)];
                        out.push_str(&format!(
                            "  failures:\n    perYear: {}\n    duration: {{ median: {median}m, p90: {}m }}\n{permanent}",
                            1 + rng.below(4),
                            median * (2 + rng.below(6) as u64)
                        ));
                    }
                }
            }
            if line.starts_with("  maxTolerableDowntime: ") && file.path.starts_with("functions") {
                out.push_str(&format!(
                    "  cost:\n    downPerHour: {}\n    degradedPerHour: {}\n    steps:\n      - after: {}h\n        cost: {}\n",
                    1000 * (1 + rng.below(50)),
                    100 * (1 + rng.below(50)),
                    2 + rng.below(24),
                    10_000 * (1 + rng.below(100))
                ));
            }
        }
        file.text = out;
    }
}

/// splitmix64: small, fast and reproducible everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

struct Counts {
    functions: usize,
    groups: usize,
    systems: usize,
    components: usize,
    resources: usize,
    suppliers: usize,
}

fn counts(total: usize) -> Counts {
    let total = total.max(100);
    let pct = |p: usize| (total * p / 100).max(1);
    let functions = pct(1);
    let groups = pct(1);
    let systems = pct(2);
    let suppliers = pct(5);
    let components = pct(50);
    let resources = total - functions - groups - systems - suppliers - components;
    Counts {
        functions,
        groups,
        systems,
        components,
        resources,
        suppliers,
    }
}

/// Generates the landscape in memory.
pub fn generate(config: &Config) -> Vec<File> {
    let c = counts(config.entities);
    let mut rng = Rng(config.seed);
    let mut docs: Vec<(&'static str, String)> = Vec::with_capacity(config.entities);

    for g in 0..c.groups {
        docs.push((
            "teams",
            format!(
                "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-{g}\n  title: Team {g}\nspec:\n  type: team\n  children: []\n"
            ),
        ));
    }
    for s in 0..c.systems {
        let owner = rng.below(c.groups);
        docs.push((
            "systems",
            format!(
                "apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: system-{s}\n  description: Synthetic system {s}\nspec:\n  owner: group:team-{owner}\n"
            ),
        ));
    }
    // Components in five layers, each depending on the next (call depth
    // stays realistic); a few pairs depend on each other (small cycles).
    let layer_size = c.components.div_ceil(5).max(1);
    let mut component_deps: Vec<Vec<usize>> = (0..c.components)
        .map(|i| {
            let next_layer = (i / layer_size + 1) * layer_size;
            if next_layer >= c.components {
                return Vec::new();
            }
            let width = layer_size.min(c.components - next_layer);
            let mut deps: Vec<usize> = (0..3).map(|_| next_layer + rng.below(width)).collect();
            deps.sort_unstable();
            deps.dedup();
            deps
        })
        .collect();
    for i in 0..c.components {
        if rng.chance(1) {
            if let Some(&x) = component_deps[i].first() {
                component_deps[x].push(i);
            }
        }
    }
    // Fallbacks between components of one layer, which make cycles through
    // `anyOf` (see `fallbacks`).
    let fallback = fallbacks(&mut rng, c.components, layer_size, &mut component_deps);
    let platform = (c.resources / 5).max(1);
    for (i, targets) in component_deps.iter().enumerate() {
        let mut deps: Vec<String> = targets
            .iter()
            .map(|t| format!("component:component-{t}"))
            .collect();
        // Its own resources (a database, a queue, a cache) and two shared ones.
        let services = c.resources - platform;
        for k in 0..3 {
            deps.push(format!(
                "resource:resource-{}",
                platform + (i * 3 + k) * services / (c.components * 3)
            ));
        }
        for _ in 0..2 {
            deps.push(format!(
                "resource:resource-{}",
                platform + rng.below(services)
            ));
        }
        let mut text = format!("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: component-{i}\n");
        if i % 10 == 0 {
            let _ = write!(
                text,
                "  annotations:\n    backstage.io/source-location: url:https://git.example.com/org/component-{i}\n"
            );
        }
        let _ = write!(
            text,
            "spec:\n  type: service\n  lifecycle: production\n  owner: group:team-{}\n  system: system-{}\n",
            rng.below(c.groups),
            (i * c.systems / c.components).min(c.systems - 1)
        );
        let overlay = match fallback[i] {
            Some(j) => fallback_overlay(&mut rng, &mut deps, format!("component:component-{j}")),
            None => overlay(&mut rng, &mut deps, |rng| {
                format!(
                    "resource:resource-{}",
                    platform + rng.below(c.resources - platform)
                )
            }),
        };
        push_deps(&mut text, &deps, &overlay);
        docs.push(("components", text));
    }
    // Resources: a fifth are platform (clusters, regions, networks) on the
    // big clouds; the rest are services (databases, queues, SaaS accounts)
    // on any supplier, running on one or two platform resources.
    let big_clouds = 20.min(c.suppliers);
    for r in 0..c.resources {
        let mut deps = Vec::new();
        if r < platform {
            if rng.chance(90) {
                deps.push(format!("supplier:supplier-{}", rng.below(big_clouds)));
            }
            if rng.chance(30) && r + 1 < platform {
                deps.push(format!(
                    "resource:resource-{}",
                    r + 1 + rng.below(platform - r - 1)
                ));
            }
        } else {
            if rng.chance(40) {
                deps.push(format!("supplier:supplier-{}", rng.below(c.suppliers)));
            }
            for _ in 0..2 + rng.below(2) {
                deps.push(format!("resource:resource-{}", rng.below(platform)));
            }
        }
        let mut text = format!(
            "apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata:\n  name: resource-{r}\nspec:\n  type: {}\n  owner: group:team-{}\n",
            if r < platform { "platform" } else { "database" },
            rng.below(c.groups)
        );
        let overlay = overlay(&mut rng, &mut deps, |rng| {
            format!("resource:resource-{}", rng.below(platform))
        });
        push_deps(&mut text, &deps, &overlay);
        docs.push(("resources", text));
    }
    let types: Vec<&str> = linchpin_model::SupplierType::NAMES
        .iter()
        .copied()
        .filter(|t| *t != "other")
        .collect();
    let countries = ["US", "DE", "NL", "FR", "IE", "GB", "SE", "PL", "IN", "JP"];
    for s in 0..c.suppliers {
        let mut text = format!(
            "apiVersion: linchpin.dev/v1alpha1\nkind: Supplier\nmetadata:\n  name: supplier-{s}\n  title: Supplier {s} Ltd\nspec:\n  type: {}\n  owner: group:team-{}\n  country: {}\n",
            types[rng.below(types.len())],
            rng.below(c.groups),
            countries[rng.below(countries.len())]
        );
        // Fourth parties: the first suppliers are the big clouds everyone uses.
        let mut deps = Vec::new();
        if s >= big_clouds && rng.chance(60) {
            deps.push(format!("supplier:supplier-{}", rng.below(big_clouds)));
        }
        if rng.chance(1) {
            deps.push(format!("supplier:supplier-{}", rng.below(c.suppliers)));
        }
        deps.retain(|d| *d != format!("supplier:supplier-{s}"));
        push_deps(&mut text, &deps, &[]);
        if rng.chance(60) {
            let _ = write!(
                text,
                "  continuity:\n    requested: 2026-01-05\n    statement:\n      received: 2026-02-01\n      validUntil: 2027-02-01\n      rto: {}h\n",
                1 + rng.below(12)
            );
        }
        if rng.chance(50) {
            let _ = write!(
                text,
                "  exit:\n    strategy: replace\n    leadTime: {}d\n    owner: group:team-{}\n",
                7 + rng.below(180),
                rng.below(c.groups)
            );
        }
        docs.push(("suppliers", text));
    }
    let criticality = ["critical", "important", "standard"];
    for f in 0..c.functions {
        // Functions rest on the top two layers: front ends and their APIs.
        let top = (2 * layer_size).min(c.components);
        let mut deps: Vec<String> = (0..8)
            .map(|_| format!("component:component-{}", rng.below(top)))
            .collect();
        deps.push(format!(
            "system:system-{}",
            rng.below((c.systems * 2 / 5).max(1))
        ));
        deps.sort();
        deps.dedup();
        let mut text = format!(
            "apiVersion: linchpin.dev/v1alpha1\nkind: BusinessFunction\nmetadata:\n  name: function-{f}\nspec:\n  criticality: {}\n  owner: group:team-{}\n  maxTolerableDowntime: {}h\n",
            criticality[rng.below(3)],
            rng.below(c.groups),
            1 + rng.below(48)
        );
        push_deps(&mut text, &deps, &[]);
        docs.push(("functions", text));
    }

    let mut files = Vec::new();
    let mut current: Option<(&str, usize, String, usize)> = None;
    for (folder, text) in docs {
        let start_new = match &current {
            Some((f, _, _, n)) => *f != folder || *n >= config.per_file,
            None => true,
        };
        if start_new {
            let index = match &current {
                Some((f, i, _, _)) if *f == folder => i + 1,
                _ => 0,
            };
            if let Some((f, i, t, _)) = current.take() {
                files.push(File {
                    path: format!("{f}/{f}-{i:05}.yaml"),
                    text: t,
                });
            }
            current = Some((folder, index, String::new(), 0));
        }
        let (_, _, body, n) = current.as_mut().expect("set above");
        if *n > 0 {
            body.push_str("---\n");
        }
        body.push_str(&text);
        *n += 1;
    }
    if let Some((f, i, t, _)) = current {
        files.push(File {
            path: format!("{f}/{f}-{i:05}.yaml"),
            text: t,
        });
    }
    files
}

/// Which component each component fails over to, if any. Per thousand
/// components of a layer: 20 in active/active pairs that fail over to each
/// other (two regions), 10 in active/passive pairs where the passive one
/// also needs the active one (`a` falls back to `b`, `b` depends on `a`),
/// and 15 in rings of three that each fail over to the next — cycles
/// through `anyOf` as real landscapes have them, small and local.
fn fallbacks(
    rng: &mut Rng,
    components: usize,
    layer_size: usize,
    deps: &mut [Vec<usize>],
) -> Vec<Option<usize>> {
    let mut fallback = vec![None; components];
    let mut i = 0;
    while i + 3 <= components {
        let room = layer_size - i % layer_size;
        let roll = rng.below(1000);
        if roll < 10 && room >= 2 {
            fallback[i] = Some(i + 1);
            fallback[i + 1] = Some(i);
            i += 2;
        } else if roll < 15 && room >= 2 {
            fallback[i] = Some(i + 1);
            deps[i + 1].push(i);
            i += 2;
        } else if roll < 20 && room >= 3 {
            fallback[i] = Some(i + 1);
            fallback[i + 1] = Some(i + 2);
            fallback[i + 2] = Some(i);
            i += 3;
        } else {
            i += 1;
        }
    }
    fallback
}

/// The overlay of a component that fails over to `other`: its last
/// dependency or `other`, after a switchover of 5 minutes to 4 hours; a
/// fifth of the other edges degraded.
fn fallback_overlay(rng: &mut Rng, deps: &mut Vec<String>, other: String) -> Vec<String> {
    deps.retain(|d| *d != other);
    deps.sort();
    deps.dedup();
    let first = deps.len() - 1;
    let mut entries = vec![format!(
        "    - anyOf: [{}, {other}]\n      switchover: {}m\n",
        deps[first],
        [5, 15, 30, 60, 240][rng.below(5)]
    )];
    for d in &deps[..first] {
        if rng.chance(20) {
            entries.push(format!("    - ref: {d}\n      impact: degraded\n"));
        }
    }
    deps.push(other);
    entries
}

/// Adds overlay entries: a fifth of the edges degraded, an `anyOf` group on
/// about one entity in ten (its extra option added to `deps`).
fn overlay(
    rng: &mut Rng,
    deps: &mut Vec<String>,
    alternative: impl Fn(&mut Rng) -> String,
) -> Vec<String> {
    deps.sort();
    deps.dedup();
    let mut entries = Vec::new();
    let mut used = vec![false; deps.len()];
    if !deps.is_empty() && rng.chance(10) {
        let first = deps.len() - 1;
        let other = alternative(rng);
        if !deps.contains(&other) {
            entries.push(format!(
                "    - anyOf: [{}, {other}]\n      switchover: {}m\n",
                deps[first],
                15 * (1 + rng.below(8))
            ));
            used[first] = true;
            deps.push(other);
            used.push(true);
        }
    }
    for (i, d) in deps.iter().enumerate() {
        if !used[i] && rng.chance(20) {
            entries.push(format!("    - ref: {d}\n      impact: degraded\n"));
        }
    }
    entries
}

fn push_deps(text: &mut String, deps: &[String], overlay: &[String]) {
    if deps.is_empty() {
        return;
    }
    text.push_str("  dependsOn:\n");
    for d in deps {
        let _ = writeln!(text, "    - {d}");
    }
    if !overlay.is_empty() {
        text.push_str("  dependencyImpact:\n");
        for o in overlay {
            text.push_str(o);
        }
    }
}

/// Writes `files` below `dir`, making folders as needed (for benches and
/// tests; the binary reports each file it cannot write).
#[allow(clippy::disallowed_methods)] // a generator writes files
pub fn write_files(files: &[File], dir: &std::path::Path) -> std::io::Result<()> {
    for file in files {
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, &file.text)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_is_deterministic_and_sized() {
        let a = generate(&Config::new(1000));
        let b = generate(&Config::new(1000));
        assert_eq!(a.len(), b.len());
        assert!(a
            .iter()
            .zip(&b)
            .all(|(x, y)| x.path == y.path && x.text == y.text));
        let docs: usize = a
            .iter()
            .map(|f| f.text.matches("\nkind: ").count() + usize::from(f.text.starts_with("kind")))
            .sum();
        assert_eq!(docs, 1000);
    }
}
