//! Cut sets bottom-up (families, with cycles by fixpoint) give exactly the
//! sets the plain enumeration finds: on random landscapes dense in
//! fallbacks and cycles, on generated landscapes and on the example.

use linchpin_engine::cutsets::{cut_sets, cut_sets_by_enumeration};
use linchpin_engine::ImpactGraph;
use linchpin_loader::{load, LoadOptions};
use proptest::prelude::*;
use std::fmt::Write;
use std::path::Path;

const HEAD: &str = "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: { name: t }\nspec: { type: team, children: [] }\n";

#[derive(Debug, Clone)]
enum Dep {
    Hard(usize),
    Degraded(usize),
    AnyOf(Vec<usize>, u32),
}

/// Nodes 0..s are suppliers, the rest components; two critical functions
/// depend on the last components.
fn landscape(suppliers: usize, deps: &[Vec<Dep>]) -> String {
    let name = |i: usize| {
        if i < suppliers {
            format!("supplier:s{i}")
        } else {
            format!("component:c{i}")
        }
    };
    let mut y = String::from(HEAD);
    for (i, ds) in deps.iter().enumerate() {
        let mut refs: Vec<String> = Vec::new();
        let mut overlay = String::new();
        for d in ds {
            match d {
                Dep::Hard(t) => refs.push(name(*t)),
                Dep::Degraded(t) => {
                    refs.push(name(*t));
                    let _ = write!(overlay, "    - ref: {}\n      impact: degraded\n", name(*t));
                }
                Dep::AnyOf(ts, w) => {
                    refs.extend(ts.iter().map(|&t| name(t)));
                    let list: Vec<String> = ts.iter().map(|&t| name(t)).collect();
                    let _ = write!(
                        overlay,
                        "    - anyOf: [{}]\n      switchover: {w}m\n",
                        list.join(", ")
                    );
                }
            }
        }
        let mut seen = std::collections::HashSet::new();
        let duplicate = refs.iter().any(|r| !seen.insert(r.clone()));
        let self_ref = refs.contains(&name(i));
        if duplicate || self_ref {
            refs.clear();
            overlay.clear();
        }
        if i < suppliers {
            let _ = write!(y, "---\napiVersion: linchpin.dev/v1alpha1\nkind: Supplier\nmetadata: {{ name: s{i} }}\nspec:\n  type: saas\n  owner: group:t\n");
        } else {
            let _ = write!(y, "---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {{ name: c{i} }}\nspec:\n  type: service\n  lifecycle: production\n  owner: group:t\n");
        }
        if !refs.is_empty() {
            let _ = writeln!(y, "  dependsOn: [{}]", refs.join(", "));
            if !overlay.is_empty() {
                y.push_str("  dependencyImpact:\n");
                y.push_str(&overlay);
            }
        }
    }
    let n = deps.len();
    for (f, targets) in [(0, vec![n - 1]), (1, vec![n - 1, n - 2])] {
        let list: Vec<String> = targets.iter().map(|&t| name(t)).collect();
        let _ = write!(y, "---\napiVersion: linchpin.dev/v1alpha1\nkind: BusinessFunction\nmetadata: {{ name: f{f} }}\nspec:\n  criticality: critical\n  owner: group:t\n  dependsOn: [{}]\n", list.join(", "));
    }
    y
}

fn compare(dir: &Path, k: usize) -> Result<(), String> {
    let loaded = load(dir, &LoadOptions::default()).map_err(|e| e.to_string())?;
    let c = &loaded.catalog;
    let graph = ImpactGraph::new(c);
    let fast = cut_sets(c, &graph, k);
    let plain = cut_sets_by_enumeration(c, &graph, k);
    if fast != plain {
        return Err(format!("bottom-up {fast:?}\nenumeration {plain:?}"));
    }
    Ok(())
}

fn dep(n: usize) -> impl Strategy<Value = Dep> {
    prop_oneof![
        3 => (0..n).prop_map(Dep::Hard),
        1 => (0..n).prop_map(Dep::Degraded),
        3 => (proptest::collection::vec(0..n, 2..4), prop_oneof![Just(0u32), Just(10)]).prop_map(|(t, w)| Dep::AnyOf(t, w)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn bottom_up_cut_sets_are_the_enumerated_ones(
        (suppliers, deps) in (2usize..7, 4usize..14).prop_flat_map(|(s, n)| {
            let n = n.max(s + 2);
            (Just(s), proptest::collection::vec(proptest::collection::vec(dep(n), 0..3), n))
        }),
        k in 1usize..5,
    ) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("l.yaml"), landscape(suppliers, &deps)).unwrap();
        compare(dir.path(), k).map_err(TestCaseError::fail)?;
    }
}

#[test]
fn bottom_up_cut_sets_match_on_the_example_and_generated_landscapes() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/webshop");
    for k in 1..=4 {
        compare(&example, k).unwrap();
    }
    for (entities, seed) in [(500, 7), (1000, 42), (2000, 3)] {
        let dir = tempfile::tempdir().unwrap();
        for file in linchpin_synth::generate(&linchpin_synth::Config {
            entities,
            seed,
            per_file: 100,
        }) {
            let path = dir.path().join(&file.path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, file.text).unwrap();
        }
        for k in 1..=2 {
            compare(dir.path(), k).unwrap_or_else(|e| panic!("{entities} entities, k = {k}: {e}"));
        }
    }
}
