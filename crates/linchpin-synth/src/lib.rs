//! Synthetic landscapes shaped like a large enterprise, written as ordinary
//! landscape files: business functions → systems and components →
//! resources → suppliers → fourth parties.
//!
//! The shape per 100k entities: 1k functions, 1k groups, 2k systems, 50k
//! components, 41k resources, 5k suppliers; about five dependency edges per
//! entity (≈ 500k), a tenth of the overlay entries `anyOf` groups, a fifth
//! `degraded` edges, and a few cycles. The same size and seed always give
//! the same files.

use std::fmt::Write;

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
    for i in 0..c.components {
        let mut deps = Vec::new();
        // Mostly towards later components (layering), sometimes back (cycles).
        for _ in 0..3 {
            let target = if rng.chance(2) {
                rng.below(c.components)
            } else {
                (i + 1 + rng.below(500)).min(c.components - 1)
            };
            if target != i {
                deps.push(format!("component:component-{target}"));
            }
        }
        for _ in 0..2 {
            deps.push(format!("resource:resource-{}", rng.below(c.resources)));
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
            rng.below(c.systems)
        );
        let overlay = overlay(&mut rng, &mut deps, |rng| {
            format!("resource:resource-{}", rng.below(c.resources))
        });
        push_deps(&mut text, &deps, &overlay);
        docs.push(("components", text));
    }
    for r in 0..c.resources {
        let mut deps = Vec::new();
        if rng.chance(70) {
            deps.push(format!("supplier:supplier-{}", rng.below(c.suppliers)));
        }
        let n = 2 + rng.below(3);
        for _ in 0..n {
            let target = (r + 1 + rng.below(200)).min(c.resources - 1);
            if target != r {
                deps.push(format!("resource:resource-{target}"));
            }
        }
        let mut text = format!(
            "apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata:\n  name: resource-{r}\nspec:\n  type: database\n  owner: group:team-{}\n",
            rng.below(c.groups)
        );
        let overlay = overlay(&mut rng, &mut deps, |rng| {
            format!("supplier:supplier-{}", rng.below(c.suppliers))
        });
        push_deps(&mut text, &deps, &overlay);
        docs.push(("resources", text));
    }
    let types = [
        "cloud",
        "hosting",
        "saas",
        "software",
        "open-source",
        "telecom",
        "services",
    ];
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
        if s >= 20 && rng.chance(60) {
            deps.push(format!("supplier:supplier-{}", rng.below(20)));
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
        let mut deps: Vec<String> = (0..8)
            .map(|_| format!("component:component-{}", rng.below(c.components)))
            .collect();
        deps.push(format!("system:system-{}", rng.below(c.systems)));
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
