//! Loading never panics: arbitrary bytes, and valid entities mangled at
//! random (characters deleted, repeated, swapped for YAML punctuation), go
//! through the whole pipeline, which must return diagnostics, not crash.

use linchpin_loader::{load, LoadOptions};
use proptest::prelude::*;

const SEED: &str = "apiVersion: linchpin.dev/v1alpha1
kind: Supplier
metadata:
  name: acme
  labels: { tier: one }
spec:
  type: saas
  owner: group:team
  dependsOn: [supplier:cloud, resource:db]
  dependencyImpact:
    - anyOf: [supplier:cloud, resource:db]
      switchover: 30m
  continuity:
    requested: 2026-01-05
    statement: { received: 2026-02-01, validUntil: 2027-02-01, rto: 4h }
  exit: { strategy: replace, leadTime: 60d, alternatives: [other] }
  contracts:
    - { reference: C-1, start: 2024-03-01, annualCost: { amount: 1, currency: EUR } }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: web, tags: [a, b] }
spec: { type: service, lifecycle: production, owner: team, system: shop, consumesApis: [x] }
";

#[derive(Debug, Clone)]
enum Edit {
    Delete(usize, usize),
    Insert(usize, &'static str),
    Duplicate(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let pieces = prop_oneof![
        Just(":"),
        Just("- "),
        Just("["),
        Just("]"),
        Just("{"),
        Just("}"),
        Just("\n  "),
        Just("\t"),
        Just("&a "),
        Just("*a"),
        Just("---\n"),
        Just("\""),
        Just("'"),
        Just("|\n"),
        Just("#"),
        Just("? "),
        Just("!!str "),
        Just("~"),
        Just("é"),
        Just("\u{0}"),
        Just("supplier:"),
        Just("9999999999999999999999d"),
        Just("2026-02-30"),
    ];
    prop_oneof![
        (0..SEED.len(), 1..20usize).prop_map(|(a, n)| Edit::Delete(a, n)),
        (0..SEED.len(), pieces).prop_map(|(a, p)| Edit::Insert(a, p)),
        (0..SEED.len(), 1..40usize).prop_map(|(a, n)| Edit::Duplicate(a, n)),
    ]
}

fn apply(edits: &[Edit]) -> String {
    let mut text = SEED.to_owned();
    for e in edits {
        let boundary = |t: &str, mut i: usize| {
            i = i.min(t.len());
            while !t.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        match *e {
            Edit::Delete(a, n) => {
                let a = boundary(&text, a);
                let b = boundary(&text, a + n);
                text.replace_range(a..b, "");
            }
            Edit::Insert(a, p) => {
                let a = boundary(&text, a);
                text.insert_str(a, p);
            }
            Edit::Duplicate(a, n) => {
                let a = boundary(&text, a);
                let b = boundary(&text, a + n);
                let piece = text[a..b].to_owned();
                text.insert_str(b, &piece);
            }
        }
    }
    text
}

fn load_bytes(bytes: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("x.yaml"), bytes).unwrap();
    let loaded = load(dir.path(), &LoadOptions::default()).unwrap();
    // Every diagnostic points inside its file.
    for d in &loaded.diagnostics {
        if let Some(span) = d.span {
            let lines = loaded.sources.get(span.file).text.split('\n').count() as u32;
            assert!(span.line >= 1 && span.line <= lines.max(1), "{d:?}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn mangled_landscapes_give_diagnostics_not_panics(edits in proptest::collection::vec(edit(), 1..8)) {
        load_bytes(apply(&edits).as_bytes());
    }

    #[test]
    fn arbitrary_bytes_give_diagnostics_not_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        load_bytes(&bytes);
    }
}
