//! Tests as data: each folder under `tests/data/` is a case with the
//! landscape in `landscape/` and the expected diagnostics in `expected.txt`.
//! Run with `LINCHPIN_BLESS=1` to write the expected files from the current
//! output (then review the diff).

use linchpin_loader::{load, LoadOptions};
use std::path::Path;

#[test]
fn data_cases() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let bless = std::env::var_os("LINCHPIN_BLESS").is_some();
    let mut cases: Vec<_> = std::fs::read_dir(&data)
        .expect("tests/data exists")
        .map(|e| e.expect("readable").path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 15, "the cases are missing");
    let mut failures = Vec::new();
    for case in &cases {
        let loaded = load(&case.join("landscape"), &LoadOptions::default())
            .unwrap_or_else(|e| panic!("{}: {e}", case.display()));
        let actual = super::snapshot(&loaded);
        let expected_path = case.join("expected.txt");
        if bless {
            std::fs::write(&expected_path, &actual).expect("write expected.txt");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != actual {
            failures.push(format!(
                "=== {} differs; expected:\n{expected}\n=== actual:\n{actual}",
                case.display()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n(run with LINCHPIN_BLESS=1 to accept the new output)",
        failures.join("\n")
    );
}
