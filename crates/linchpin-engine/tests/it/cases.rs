//! Each case folder holds a landscape whose Scenarios are run, and
//! `expected.txt` with every function's result, computed by hand. Set
//! `LINCHPIN_BLESS=1` to rewrite the expectations (then check them by hand).

use linchpin_engine::{whatif, FailureSpec, ImpactGraph};
use linchpin_loader::{load, LoadOptions};
use linchpin_model::Spec;
use std::fmt::Write;
use std::path::Path;

fn run_case(dir: &Path) -> String {
    let loaded = load(&dir.join("landscape"), &LoadOptions::default()).unwrap();
    assert!(loaded.diagnostics.is_empty(), "{:#?}", loaded.diagnostics);
    let catalog = &loaded.catalog;
    let graph = ImpactGraph::new(catalog);
    let mut out = String::new();
    for (_, e) in catalog.iter() {
        let Spec::Scenario(s) = &e.spec else { continue };
        let spec = FailureSpec {
            fail: s
                .fail
                .iter()
                .map(|r| catalog.lookup(&r.value).unwrap())
                .collect(),
            mode: s.mode,
            duration: s.duration,
        };
        let result = whatif(catalog, &graph, &spec);
        let _ = writeln!(out, "scenario {} ({})", e.entity_ref.name, s.mode.as_str());
        for f in &result.failed {
            let _ = writeln!(
                out,
                "  fail {} for {} ({})",
                catalog.entity(f.id).entity_ref.name,
                f.duration,
                f.source.as_str()
            );
        }
        for f in &result.functions {
            let path: Vec<_> = f
                .path
                .iter()
                .map(|&id| {
                    let r = &catalog.entity(id).entity_ref;
                    format!("{}:{}", r.kind, r.name)
                })
                .collect();
            let _ = writeln!(
                out,
                "  {:<22} {:<8} down {:<9} impaired {:<9} {}{}",
                catalog.entity(f.id).entity_ref.name,
                f.status.as_str(),
                f.down.to_string(),
                f.impaired.to_string(),
                if f.breach { "BREACH " } else { "" },
                if path.is_empty() {
                    String::new()
                } else {
                    format!("via {}", path.join(" > "))
                }
            );
            for fb in &f.fallbacks {
                let name = |id| catalog.entity(id).entity_ref.name.to_string();
                let _ = writeln!(out, "    fallback: {}", fb.describe(name));
            }
        }
    }
    out
}

#[test]
fn hand_computed_cases() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let bless = std::env::var_os("LINCHPIN_BLESS").is_some();
    let mut cases: Vec<_> = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 6);
    let mut failures = Vec::new();
    for case in cases {
        let actual = run_case(&case);
        let expected_path = case.join("expected.txt");
        if bless {
            std::fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != actual {
            failures.push(format!(
                "=== {}\nexpected:\n{expected}\nactual:\n{actual}",
                case.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
