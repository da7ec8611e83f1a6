//! End-to-end tests of the `linchpin` binary: exit codes, the JSON contract,
//! `explain`, and the bundled example.
#![allow(clippy::disallowed_methods)] // tests build landscapes on disk

mod calendar;
mod diff;
mod first_run;
mod init;
mod integrations;
mod risk;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub(crate) fn linchpin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_linchpin"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

pub(crate) fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub(crate) fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn the_example_landscape_is_clean() {
    let webshop = repo().join("examples/webshop");
    let out = linchpin(&["check", webshop.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(
        text.contains(": 0 errors, ") && text.contains("(0 in the files, "),
        "{text}"
    );
    // It must be a landscape a risk manager recognises, not a toy.
    let json = linchpin(&["check", webshop.to_str().unwrap(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert!(v["summary"]["entities"].as_u64().unwrap() >= 100);
}

#[test]
fn exit_codes_follow_severity_and_fail_on() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("s.yaml"),
        "apiVersion: linchpin.dev/v1alpha1\nkind: Supplier\nmetadata:\n  name: acme\n  colour: red\nspec:\n  type: saas\n",
    )
    .unwrap();
    let path = dir.path().to_str().unwrap();
    assert_eq!(linchpin(&["check", path]).status.code(), Some(0));
    assert_eq!(
        linchpin(&["check", path, "--fail-on", "warning"])
            .status
            .code(),
        Some(1)
    );
    std::fs::write(dir.path().join("bad.yaml"), "kind: [").unwrap();
    assert_eq!(linchpin(&["check", path]).status.code(), Some(1));
    assert_eq!(
        linchpin(&["check", "/nonexistent/landscape"]).status.code(),
        Some(2)
    );
    assert_eq!(
        linchpin(&["check", path, "--format", "yaml"]).status.code(),
        Some(2)
    );
}

#[test]
fn json_output_follows_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("c.yaml"),
        "apiVersion: linchpin.dev/v1alpha1\nkind: BusinessFunction\nmetadata:\n  name: checkout\nspec:\n  criticality: critical\n  dependsOn: [supplier:strpe]\n---\napiVersion: linchpin.dev/v1alpha1\nkind: Supplier\nmetadata:\n  name: stripe\nspec:\n  type: saas\n",
    )
    .unwrap();
    let out = linchpin(&["check", dir.path().to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = &v["diagnostics"][0];
    assert_eq!(d["severity"], "error");
    assert_eq!(d["code"], "dangling-ref");
    assert_eq!(d["file"], "c.yaml");
    assert_eq!(d["line"], 7);
    assert_eq!(d["column"], 15);
    assert_eq!(d["help"], "did you mean `supplier:default/stripe`?");
    assert!(v["findings"].as_array().unwrap().is_empty());
    assert_eq!(v["summary"]["errors"], 1);
}

#[test]
fn explain_knows_every_code_and_suggests_near_ones() {
    let out = linchpin(&["explain", "dangling-ref"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).starts_with("dangling-ref (error by default)"));
    let list = linchpin(&["explain", "--list"]);
    assert!(stdout(&list).lines().count() >= 30);
    let typo = linchpin(&["explain", "dangling-rfe"]);
    assert_eq!(typo.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&typo.stderr).contains("did you mean `dangling-ref`?"));
}

#[test]
fn help_explains_itself_to_a_newcomer() {
    let out = linchpin(&["check", "--help"]);
    let text = stdout(&out);
    assert!(text.contains("Validate a landscape"), "{text}");
    assert!(text.contains("--fail-on"));
}

/// The invariant of the model: every Backstage-kind entity Linchpin accepts
/// is valid for Backstage itself, checked with Backstage's own validators
/// (`bench/backstage`, installed by `npm ci` there; `.ci/run` does it).
#[test]
fn backstage_accepts_every_backstage_kind_entity_of_the_examples() {
    let tool = repo().join("bench/backstage");
    if !tool.join("node_modules/@backstage/catalog-model").is_dir() {
        missing(
            "run `npm ci` in bench/backstage to check the examples with Backstage's validators",
        );
        return;
    }
    let out = Command::new("node")
        .arg(tool.join("validate.cjs"))
        .arg(repo().join("examples"))
        .output()
        .expect("node runs");
    let text = format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{text}");
    assert!(text.contains(" 0 invalid"), "{text}");
    // And the validator does reject what Backstage rejects.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.yaml"),
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\nspec:\n  type: service\n  lifecycle: production\n  owner: team\n  dependsOn:\n    - ref: supplier:stripe\n      impact: degraded\n",
    )
    .unwrap();
    let bad = Command::new("node")
        .arg(tool.join("validate.cjs"))
        .arg(dir.path())
        .output()
        .expect("node runs");
    assert!(
        !bad.status.success(),
        "objects in dependsOn must be rejected"
    );
}

#[test]
fn every_code_is_documented() {
    let docs = std::fs::read_to_string(repo().join("docs/diagnostics.md")).unwrap();
    for code in linchpin_diagnostics::codes::CODES
        .iter()
        .chain(linchpin_diagnostics::codes::FINDINGS)
    {
        assert!(
            docs.contains(&format!("### `{}`", code.code)),
            "docs/diagnostics.md lacks {}",
            code.code
        );
    }
}

/// Compares output with a snapshot file; `LINCHPIN_BLESS=1` rewrites it.
fn snapshot(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/cli/snapshots")
        .join(name);
    if std::env::var_os("LINCHPIN_BLESS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        expected == actual,
        "{name} differs (LINCHPIN_BLESS=1 to accept):\n--- expected\n{expected}\n--- actual\n{actual}"
    );
}

#[test]
fn rank_of_the_example_reads_right() {
    let webshop = repo().join("examples/webshop");
    let dir = webshop.to_str().unwrap();
    for (format, file) in [
        ("human", "rank.txt"),
        ("json", "rank.json"),
        ("csv", "rank.csv"),
    ] {
        let out = linchpin(&["rank", dir, "--today", "2026-11-26", "--format", format]);
        assert_eq!(out.status.code(), Some(0));
        snapshot(file, &stdout(&out));
    }
}

#[test]
fn check_of_the_example_reads_right() {
    // From the repository's root, as a user would run it: the paths shown
    // are relative to here.
    for (format, file) in [("human", "check.txt"), ("json", "check.json")] {
        let out = Command::new(env!("CARGO_BIN_EXE_linchpin"))
            .args([
                "check",
                "examples/webshop",
                "--today",
                "2026-11-26",
                "--format",
                format,
            ])
            .current_dir(repo())
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "warnings do not fail by default"
        );
        snapshot(file, &stdout(&out));
    }
}

#[test]
fn every_scenario_of_the_example_reads_right() {
    let webshop = repo().join("examples/webshop");
    let dir = webshop.to_str().unwrap();
    for scenario in [
        "aws-frankfurt-outage",
        "stripe-gone",
        "github-down-on-release-day",
    ] {
        let out = linchpin(&[
            "whatif",
            dir,
            "--scenario",
            scenario,
            "--today",
            "2026-11-26",
        ]);
        assert_eq!(out.status.code(), Some(0));
        snapshot(&format!("whatif-{scenario}.txt"), &stdout(&out));
        let json = linchpin(&["whatif", dir, "--scenario", scenario, "--format", "json"]);
        snapshot(&format!("whatif-{scenario}.json"), &stdout(&json));
        let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
        // Every function is listed, affected or not.
        assert_eq!(v["functions"].as_array().unwrap().len(), 11);
    }
}

#[test]
fn whatif_explains_bad_refs_and_refuses_broken_landscapes() {
    let webshop = repo().join("examples/webshop");
    let dir = webshop.to_str().unwrap();
    let out = linchpin(&["whatif", dir, "--fail", "supplier:strpe"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `supplier:stripe`?"));
    let ok = linchpin(&[
        "whatif",
        dir,
        "--fail",
        "stripe",
        "--duration",
        "3h",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert_eq!(v["scenario"]["fail"][0]["ref"], "supplier:default/stripe");
    assert_eq!(v["scenario"]["fail"][0]["duration"]["seconds"], 10800);
    let payments = v["functions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["ref"] == "businessfunction:default/payments")
        .unwrap();
    assert_eq!(payments["status"], "down");
    assert_eq!(
        payments["down"]["seconds"], 1800,
        "the switchover to Adyen takes 30m"
    );
    let broken = tempfile::tempdir().unwrap();
    std::fs::write(broken.path().join("x.yaml"), "kind: [").unwrap();
    let out = linchpin(&["rank", broken.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("fix them first"));
}

/// One folder per readiness rule: the landscape, and the findings expected
/// in `expected.txt` (`id entity: message`, then the exit code).
#[test]
fn findings_cases() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/findings");
    let mut cases: Vec<_> = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    let bless = std::env::var_os("LINCHPIN_BLESS").is_some();
    let mut failures = Vec::new();
    for case in cases {
        let out = linchpin(&[
            "check",
            case.join("landscape").to_str().unwrap(),
            "--format",
            "json",
            "--today",
            "2026-11-26",
        ]);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(
            v["diagnostics"].as_array().unwrap().is_empty(),
            "{}: {}",
            case.display(),
            v["diagnostics"]
        );
        let mut actual = String::new();
        for f in v["findings"].as_array().unwrap() {
            actual.push_str(&format!(
                "{} {} {}:{}: {}\n",
                f["severity"].as_str().unwrap(),
                f["id"].as_str().unwrap(),
                f["file"].as_str().unwrap(),
                f["line"],
                f["message"].as_str().unwrap()
            ));
        }
        actual.push_str(&format!("exit {}\n", out.status.code().unwrap()));
        let path = case.join("expected.txt");
        if bless {
            std::fs::write(&path, &actual).unwrap();
        } else if std::fs::read_to_string(&path).unwrap_or_default() != actual {
            failures.push(format!("=== {}\n{actual}", case.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_baseline_gates_only_new_findings() {
    let dir = tempfile::tempdir().unwrap();
    let land = dir.path().join("landscape");
    std::fs::create_dir(&land).unwrap();
    let supplier = |name: &str| {
        format!(
        "apiVersion: linchpin.dev/v1alpha1\nkind: Supplier\nmetadata:\n  name: {name}\nspec:\n  type: saas\n  owner: group:team\n---\n"
    )
    };
    let base = "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: { name: team }\nspec: { type: team, children: [] }\n---\napiVersion: linchpin.dev/v1alpha1\nkind: BusinessFunction\nmetadata: { name: f }\nspec:\n  criticality: critical\n  owner: group:team\n  dependsOn: [supplier:old]\n---\n";
    std::fs::write(
        land.join("a.yaml"),
        format!("{base}{}", supplier("old").trim_end_matches("---\n")),
    )
    .unwrap();
    let baseline = dir.path().join("baseline.json");
    let (l, b) = (land.to_str().unwrap(), baseline.to_str().unwrap());
    let first = linchpin(&[
        "check",
        l,
        "--fail-on",
        "warning",
        "--write-baseline",
        b,
        "--today",
        "2026-11-26",
    ]);
    assert_eq!(
        first.status.code(),
        Some(1),
        "the old supplier has findings"
    );
    assert!(baseline.is_file());
    let gated = linchpin(&[
        "check",
        l,
        "--fail-on",
        "warning",
        "--baseline",
        b,
        "--today",
        "2026-11-26",
    ]);
    assert_eq!(gated.status.code(), Some(0), "{}", stdout(&gated));
    assert!(stdout(&gated).contains("in the baseline"));
    // Editing the file (lines move) keeps the baseline valid; a new supplier fails.
    std::fs::write(
        land.join("a.yaml"),
        format!(
            "# moved down\n\n{base}{}{}",
            supplier("old"),
            supplier("new").trim_end_matches("---\n")
        )
        .replace("[supplier:old]", "[supplier:old, supplier:new]"),
    )
    .unwrap();
    let out = linchpin(&[
        "check",
        l,
        "--fail-on",
        "warning",
        "--baseline",
        b,
        "--today",
        "2026-11-26",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let new: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["baselined"] == false)
        .map(|f| f["entity"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        !new.is_empty() && new.iter().all(|e| e == "supplier:default/new"),
        "{new:?}"
    );
    // SARIF marks which results are new.
    let sarif = linchpin(&[
        "check",
        l,
        "--baseline",
        b,
        "--today",
        "2026-11-26",
        "--format",
        "sarif",
    ]);
    let s: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    assert_eq!(s["version"], "2.1.0");
    let results = s["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["baselineState"] == "new"));
    assert!(results.iter().any(|r| r["baselineState"] == "unchanged"));
    let r = &results[0];
    assert_eq!(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "a.yaml"
    );
    assert!(
        r["locations"][0]["physicalLocation"]["region"]["startLine"]
            .as_u64()
            .unwrap()
            > 1
    );
    let rules = s["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.iter().any(|x| x["id"] == r["ruleId"]));
}

/// The report's Markdown in full, and the structure of its HTML: sections,
/// headings and table headers.
#[test]
fn report_of_the_example_reads_right() {
    let webshop = repo().join("examples/webshop");
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("report.md");
    let out = linchpin(&[
        "report",
        webshop.to_str().unwrap(),
        "--format",
        "markdown",
        "-o",
        md.to_str().unwrap(),
        "--today",
        "2026-11-26",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout(&out).starts_with(&format!("wrote {}", md.display())));
    snapshot("report.md", &std::fs::read_to_string(&md).unwrap());

    let html = linchpin(&[
        "report",
        webshop.to_str().unwrap(),
        "-o",
        "-",
        "--today",
        "2026-11-26",
    ]);
    let text = stdout(&html);
    assert!(text.starts_with("<!doctype html>") && text.trim_end().ends_with("</html>"));
    for external in ["src=\"http", "url(http", "@import", "<link", "<script src"] {
        assert!(!text.contains(external), "no external assets: {external}");
    }
    let mut structure = String::new();
    for line in text.lines() {
        for tag in ["<h1", "<h2", "<h3", "<thead>", "<section id="] {
            if let Some(at) = line.find(tag) {
                let rest = &line[at..];
                let plain: String = {
                    let mut out = String::new();
                    let mut in_tag = false;
                    for ch in rest.chars() {
                        match ch {
                            '<' => in_tag = true,
                            '>' => {
                                in_tag = false;
                                out.push(' ');
                            }
                            c if !in_tag => out.push(c),
                            _ => {}
                        }
                    }
                    out.split_whitespace().collect::<Vec<_>>().join(" ")
                };
                let label = if tag == "<section id=" {
                    rest.split('"').nth(1).unwrap_or("").to_owned()
                } else {
                    plain
                };
                structure.push_str(&format!(
                    "{} {label}\n",
                    tag.trim_start_matches('<').trim_end_matches('>')
                ));
                break;
            }
        }
    }
    snapshot("report-structure.txt", &structure);

    // The JSON behind it, written to a file and to stdout alike, says what
    // the ranking says.
    let json_path = dir.path().join("report.json");
    let out = linchpin(&[
        "report",
        webshop.to_str().unwrap(),
        "--format",
        "json",
        "-o",
        json_path.to_str().unwrap(),
        "--today",
        "2026-11-26",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let file = std::fs::read_to_string(&json_path).unwrap();
    let piped = linchpin(&[
        "report",
        webshop.to_str().unwrap(),
        "--format",
        "json",
        "-o",
        "-",
        "--today",
        "2026-11-26",
    ]);
    assert_eq!(stdout(&piped), file);
    let doc: serde_json::Value = serde_json::from_str(&file).unwrap();
    let keys: Vec<&str> = doc
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "actions",
            "concentration",
            "functions",
            "pictures",
            "risk",
            "scenarios",
            "suppliers",
            "timeline",
            "today"
        ]
    );
    assert_eq!(doc["today"], "2026-11-26");
    assert_eq!(doc["suppliers"][0]["ref"], "supplier:default/aws");
    assert_eq!(doc["suppliers"][0]["tier"], 1);
    assert!(doc["scenarios"].as_array().unwrap().len() >= 3);
    // Nothing but the report is left beside it.
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 2, "{left:?}");
}

#[test]
fn graph_draws_focus_overview_and_what_if() {
    let webshop = repo().join("examples/webshop");
    let dir = webshop.to_str().unwrap();
    let svg = linchpin(&[
        "graph",
        dir,
        "--focus",
        "payment-gateway",
        "--fail",
        "stripe",
        "--duration",
        "2h",
    ]);
    assert_eq!(svg.status.code(), Some(0));
    let text = stdout(&svg);
    assert!(
        text.starts_with("<?xml") && text.contains("<svg") && text.trim_end().ends_with("</svg>")
    );
    assert!(
        text.contains("Payment gateway") && text.contains("component · down"),
        "coloured by the what-if"
    );
    let dot = stdout(&linchpin(&[
        "graph", dir, "--focus", "checkout", "--depth", "1", "--format", "dot",
    ]));
    assert!(dot.starts_with("digraph linchpin {"));
    assert!(dot.contains(
        "\"businessfunction:default/checkout\" -> \"component:default/payment-gateway\";"
    ));
    let mermaid = stdout(&linchpin(&["graph", dir, "--format", "mermaid"]));
    assert!(mermaid.starts_with("flowchart LR"));
    assert!(mermaid.contains("-.->"), "degraded reach is dashed");
    let out = linchpin(&["graph", dir, "--focus", "no-such-thing"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn playbooks_and_the_register_read_right() {
    let webshop = repo().join("examples/webshop");
    let dir = webshop.to_str().unwrap();
    for supplier in ["stripe", "lagerwerk", "cloudflare"] {
        let out = linchpin(&["playbook", supplier, dir, "--today", "2026-11-26"]);
        assert_eq!(out.status.code(), Some(0));
        snapshot(&format!("playbook-{supplier}.md"), &stdout(&out));
    }
    let html = stdout(&linchpin(&[
        "playbook",
        "stripe",
        dir,
        "--format",
        "html",
        "--today",
        "2026-11-26",
    ]));
    assert!(html.starts_with("<!doctype html>") && html.contains("Fallbacks to activate"));
    let not_a_supplier = linchpin(&["playbook", "checkout-service", dir]);
    assert_eq!(not_a_supplier.status.code(), Some(2));
    let csv = stdout(&linchpin(&[
        "report",
        dir,
        "--format",
        "csv",
        "-o",
        "-",
        "--today",
        "2026-11-26",
    ]));
    snapshot("register.csv", &csv);
}

#[test]
fn discover_finds_what_the_landscape_misses_and_scaffolds_it() {
    let app = repo().join("crates/linchpin-discover/tests/data/shop-app");
    let dir = tempfile::tempdir().unwrap();
    let land = dir.path().join("landscape");
    std::fs::create_dir(&land).unwrap();
    std::fs::write(
        land.join("suppliers.yaml"),
        "apiVersion: linchpin.dev/v1alpha1\nkind: Supplier\nmetadata:\n  name: stripe\nspec:\n  type: saas\n---\n\
apiVersion: linchpin.dev/v1alpha1\nkind: Supplier\nmetadata:\n  name: payments-provider\n  annotations:\n    linchpin.dev/vendor: adyen\nspec:\n  type: saas\n---\n\
apiVersion: linchpin.dev/v1alpha1\nkind: Supplier\nmetadata:\n  name: partner\n  annotations:\n    linchpin.dev/domains: api.partner-we-do-not-know.example\nspec:\n  type: saas\n---\n\
apiVersion: linchpin.dev/v1alpha1\nkind: Supplier\nmetadata:\n  name: dhl\nspec:\n  type: services\n---\n\
apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: payments-service\n  annotations:\n    linchpin.dev/source: src\nspec:\n  type: service\n  lifecycle: production\n  owner: team\n  dependsOn: [supplier:stripe]\n",
    )
    .unwrap();
    let (a, l) = (app.to_str().unwrap(), land.to_str().unwrap());
    let out = linchpin(&["discover", a, "--landscape", l, "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "undeclared suppliers are warnings"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let undeclared: Vec<&str> = v["undeclared"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert!(
        undeclared.contains(&"sendgrid") && undeclared.contains(&"github"),
        "{undeclared:?}"
    );
    assert!(
        !undeclared.contains(&"stripe") && !undeclared.contains(&"adyen"),
        "matched by name and by annotation"
    );
    assert!(
        !undeclared.contains(&"partner"),
        "the landscape taught discover its partner's domain"
    );
    assert_eq!(v["unseen"], serde_json::json!(["supplier:default/dhl"]));
    // The payments code also calls Adyen, which the component does not depend on.
    let missing = v["undeclaredDependencies"].as_array().unwrap();
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert_eq!(
        missing[0]["component"],
        "component:default/payments-service"
    );
    assert_eq!(missing[0]["supplier"], "supplier:default/payments-provider");
    assert_eq!(missing[0]["file"], "src/payments.py");
    let gate = linchpin(&["discover", a, "--landscape", l, "--fail-on", "warning"]);
    assert_eq!(gate.status.code(), Some(1));
    // Scaffolding: one file per undeclared vendor, never overwriting.
    let out_dir = dir.path().join("new-suppliers");
    std::fs::create_dir(&out_dir).unwrap();
    std::fs::write(out_dir.join("sendgrid.yaml"), "# mine\n").unwrap();
    let write = linchpin(&[
        "discover",
        a,
        "--landscape",
        l,
        "--write",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(write.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(out_dir.join("sendgrid.yaml")).unwrap(),
        "# mine\n"
    );
    let github = std::fs::read_to_string(out_dir.join("github.yaml")).unwrap();
    assert!(github.contains("kind: Supplier") && github.contains("country: US"));
    // The scaffolds are valid landscape files.
    let check = linchpin(&["check", out_dir.to_str().unwrap(), "--no-findings"]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    let sarif = linchpin(&["discover", a, "--landscape", l, "--format", "sarif"]);
    let s: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    assert!(s["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["ruleId"] == "undeclared-supplier"));
}

#[test]
fn validate_dora_roi_reports_the_sample_packages_breaks() {
    let dir = repo().join("../shared/corpus/dora");
    let Some(zip) = std::fs::read_dir(&dir).ok().and_then(|d| {
        d.filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "zip"))
    }) else {
        missing("the EBA sample is not beside the project");
        return;
    };
    let out = linchpin(&[
        "validate",
        "dora-roi",
        zip.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1), "dummy keys are errors");
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["valid"], false);
    let problems = doc["problems"].as_array().unwrap();
    assert!(problems
        .iter()
        .all(|p| p["rule"] == "foreign-key" || p["rule"] == "lei-format"));
    assert!(problems
        .iter()
        .any(|p| p["file"] == "reports/b_02.02.csv" && p["line"].as_u64().is_some()));

    // Where each break is, as a snapshot (rule, file, line, column; the
    // sample's own values stay out of the repository).
    let places: String = problems
        .iter()
        .map(|p| {
            format!(
                "{} {}:{} {}\n",
                p["rule"].as_str().unwrap(),
                p["file"].as_str().unwrap(),
                p["line"],
                p["column"].as_str().unwrap_or("-")
            )
        })
        .collect();
    snapshot("validate-dora-sample.txt", &places);

    let human = stdout(&linchpin(&["validate", "dora-roi", zip.to_str().unwrap()]));
    assert!(human.contains("would be rejected"), "{human}");
    assert!(human.contains("GLEIF"), "{human}");

    let missing = linchpin(&["validate", "dora-roi", "no-such-package.zip"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no-such-package.zip"));
}

#[test]
fn export_dora_roi_writes_the_banks_register_and_refuses_a_broken_one() {
    let bank = repo().join("examples/bank");
    let out_dir = tempfile::tempdir().unwrap();
    let out = linchpin(&[
        "export",
        "dora-roi",
        bank.to_str().unwrap(),
        "--reference-date",
        "2026-12-31",
        "--consolidation",
        "CON",
        "--timestamp",
        "20270115093000000",
        "-o",
        out_dir.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let zip = out_dir
        .path()
        .join("529900NORDHAFENBAN26.CON_DE_DORA010100_DORA_2026-12-31_20270115093000000.zip");
    assert!(zip.is_file(), "{}", stdout(&out));
    assert!(stdout(&out).contains("passes the offline intake checks"));
    // What was written validates on its own.
    let again = linchpin(&["validate", "dora-roi", zip.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(0), "{}", stdout(&again));

    // A contract without its governing law and an entity without its LEI:
    // each is named at its file and line, and nothing is written.
    let broken = tempfile::tempdir().unwrap();
    copy_dir(&bank, broken.path());
    let suppliers = broken
        .path()
        .join("linchpin/suppliers/digital-channels.yaml");
    let text = std::fs::read_to_string(&suppliers).unwrap();
    std::fs::write(&suppliers, text.replacen("      governingLaw: EE\n", "", 1)).unwrap();
    let entities = broken.path().join("linchpin/legal-entities.yaml");
    let text = std::fs::read_to_string(&entities).unwrap();
    std::fs::write(
        &entities,
        text.replacen("  lei: 529900NORDHAFENINV84\n", "", 1),
    )
    .unwrap();
    let target = tempfile::tempdir().unwrap();
    let out = linchpin(&[
        "export",
        "dora-roi",
        broken.path().to_str().unwrap(),
        "--reference-date",
        "2026-12-31",
        "--timestamp",
        "20270115093000000",
        "-o",
        target.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        std::fs::read_dir(target.path()).unwrap().count(),
        0,
        "nothing written"
    );
    snapshot("export-dora-broken.txt", &stdout(&out));

    // --allow-invalid writes it, and says so.
    let out = linchpin(&[
        "export",
        "dora-roi",
        broken.path().to_str().unwrap(),
        "--reference-date",
        "2026-12-31",
        "--allow-invalid",
        "-o",
        target.path().join("register.zip").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(target.path().join("register.zip").is_file());
    assert!(stdout(&out).contains("WROTE AN INVALID REGISTER"));
    // Validated on its own later, with the landscape beside it, each
    // problem still names the YAML to fix.
    let out = linchpin(&[
        "validate",
        "dora-roi",
        target.path().join("register.zip").to_str().unwrap(),
        "--landscape",
        broken.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains(
            "error[empty-key] reports/b_01.02.csv:4 [c0010]: a key cell is blank; write `Not Applicable` (or eba_GA:qx2007 for a country) when it does not apply\n    from legalentity:default/nordhafen-invest at linchpin/legal-entities.yaml:42"
        ),
        "{}",
        stdout(&out)
    );

    // And `check` lists the same gaps as findings.
    let out = linchpin(&["check", broken.path().to_str().unwrap(), "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let gaps: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["id"] == "register-gap")
        .map(|f| f["entity"].as_str().unwrap())
        .collect();
    assert_eq!(
        gaps,
        [
            "legalentity:default/nordhafen-invest",
            "supplier:default/identix"
        ]
    );
}

/// Runs git in `dir` as a test author; its output, or a failed test.
pub(crate) fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.org")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.org")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

pub(crate) fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// One HTTP/1.1 exchange on loopback: (status, body).
fn http(addr: &str, method: &str, path: &str, body: &str) -> std::io::Result<(u16, String)> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr)?;
    s.set_read_timeout(Some(std::time::Duration::from_secs(20)))?;
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut text = String::new();
    s.read_to_string(&mut text)?;
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|x| x.1.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}

fn start_server(dir: &Path, db: &str) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_linchpin"))
        .args([
            "serve",
            dir.to_str().unwrap(),
            "--bind",
            "127.0.0.1:0",
            "--database",
            db,
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    assert!(
        addr.starts_with("127.0.0.1:"),
        "the server printed `{line}`"
    );
    (child, addr)
}

#[test]
fn serve_loses_nothing_it_acknowledged_when_killed() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("kill.db").display());
    let webshop = repo().join("examples/webshop");
    let (mut child, addr) = start_server(&webshop, &db);
    let acked = std::sync::Arc::new(std::sync::Mutex::new(Vec::<i64>::new()));
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (acked, stop, addr) = (acked.clone(), stop.clone(), addr.clone());
            std::thread::spawn(move || {
                let mut i = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    i += 1;
                    let body = format!(
                        r#"{{"supplier":"aws","kind":"renewal","due":"2027-0{}-{:02}"}}"#,
                        w + 1,
                        i % 28 + 1
                    );
                    match http(&addr, "POST", "/api/v1/requests", &body) {
                        Ok((201, text)) => {
                            let v: serde_json::Value = serde_json::from_str(&text).unwrap();
                            acked.lock().unwrap().push(v["id"].as_i64().unwrap());
                        }
                        _ => break, // the server is gone
                    }
                }
            })
        })
        .collect();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while acked.lock().unwrap().len() < 60 {
        assert!(
            std::time::Instant::now() < deadline,
            "the writers did not get 60 requests acknowledged within a minute"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL, in the middle of writes
    child.wait().unwrap();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for w in writers {
        w.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();

    // Back up on the same database: every acknowledged request is there.
    let (mut child, addr) = start_server(&webshop, &db);
    let (status, text) = http(&addr, "GET", "/api/v1/requests?limit=1000", "").unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(status, 200);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let stored: std::collections::BTreeSet<i64> = v["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    let lost: Vec<_> = acked.iter().filter(|id| !stored.contains(id)).collect();
    assert!(
        lost.is_empty(),
        "{} acknowledged requests lost: {lost:?}",
        lost.len()
    );
    assert!(acked.len() >= 60);
}

/// Data a test needs is missing: a failure under CI (which installs it), a
/// note and a pass on a developer's machine.
pub(crate) fn missing(what: &str) {
    assert!(
        std::env::var_os("CI").is_none(),
        "{what}, and CI is set: CI must provide it"
    );
    eprintln!("SKIPPED: {what}");
}

#[test]
fn discovery_reports_a_hostname_in_one_file_only_when_asked() {
    let app = repo().join("crates/linchpin-discover/tests/data/shop-app");
    let a = app.to_str().unwrap();
    let vendors = |v: &serde_json::Value| -> Vec<(String, String, Option<String>)> {
        v["vendors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["vendor"].as_str().unwrap().to_owned(),
                    f["confidence"].as_str().unwrap().to_owned(),
                    f["name"].as_str().map(str::to_owned),
                )
            })
            .collect()
    };
    let out = linchpin(&["discover", a, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let default = vendors(&v);
    // Sentry is only a DSN host in one file: low confidence, not reported by default.
    assert!(
        !default.iter().any(|(id, _, _)| id == "sentry"),
        "{default:?}"
    );
    assert!(default.iter().all(|(_, c, _)| c != "low"), "{default:?}");
    assert_eq!(v["summary"]["belowConfidence"], 1, "{v:#}");
    // Every vendor carries its display name.
    let stripe = default.iter().find(|(id, _, _)| id == "stripe").unwrap();
    assert_eq!(stripe.2.as_deref(), Some("Stripe"), "{default:?}");
    let out = linchpin(&["discover", a, "--format", "json", "--min-confidence", "low"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(vendors(&v)
        .iter()
        .any(|(id, c, _)| id == "sentry" && c == "low"));
    assert_eq!(v["summary"]["belowConfidence"], 0);
    let human = stdout(&linchpin(&["discover", a]));
    assert!(
        human.contains(
            "1 more vendor found with less confidence not shown (--min-confidence low shows them)"
        ),
        "{human}"
    );
}

#[test]
fn unpinned_actions_in_a_pipeline_the_business_depends_on_are_findings() {
    let dir = tempfile::tempdir().unwrap();
    let code = dir.path().join("code");
    std::fs::create_dir_all(code.join("shop/.github/workflows")).unwrap();
    std::fs::create_dir_all(code.join("intranet/.github/workflows")).unwrap();
    let workflow = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: Swatinem/rust-cache@9d47c6ad4b02e050fd481d890b2ea34778fd09d6\n      - uses: taiki-e/install-action@v2\n";
    std::fs::write(code.join("shop/.github/workflows/ci.yml"), workflow).unwrap();
    std::fs::write(code.join("intranet/.github/workflows/ci.yml"), workflow).unwrap();
    let land = dir.path().join("landscape");
    std::fs::create_dir(&land).unwrap();
    std::fs::write(
        land.join("l.yaml"),
        "apiVersion: linchpin.dev/v1alpha1\nkind: BusinessFunction\nmetadata:\n  name: deliver-changes\nspec:\n  criticality: important\n  owner: group:t\n  dependsOn: [component:shop]\n---\n\
apiVersion: linchpin.dev/v1alpha1\nkind: BusinessFunction\nmetadata:\n  name: lunch-menu\nspec:\n  criticality: standard\n  owner: group:t\n  dependsOn: [component:intranet]\n---\n\
apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: shop\n  annotations:\n    linchpin.dev/source: shop\nspec:\n  type: service\n  lifecycle: production\n  owner: group:t\n---\n\
apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: intranet\n  annotations:\n    linchpin.dev/source: intranet\nspec:\n  type: website\n  lifecycle: production\n  owner: group:t\n---\n\
apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: t\nspec:\n  type: team\n  children: []\n",
    )
    .unwrap();
    let (c, l) = (code.to_str().unwrap(), land.to_str().unwrap());
    let out = linchpin(&["discover", c, "--landscape", l, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // Only the important function's pipeline, only the unpinned third-party action.
    assert_eq!(
        v["unpinnedActions"],
        serde_json::json!([{
            "component": "component:default/shop",
            "function": "businessfunction:default/deliver-changes",
            "action": "taiki-e/install-action@v2",
            "file": "shop/.github/workflows/ci.yml",
            "line": 8,
        }]),
        "{v:#}"
    );
    let human = stdout(&linchpin(&["discover", c, "--landscape", l]));
    assert!(human.contains("warning[unpinned-ci-action]"), "{human}");
    let gate = linchpin(&["discover", c, "--landscape", l, "--fail-on", "warning"]);
    assert_eq!(gate.status.code(), Some(1));
    let sarif = linchpin(&["discover", c, "--landscape", l, "--format", "sarif"]);
    assert!(stdout(&sarif).contains("\"ruleId\": \"unpinned-ci-action\""));
    assert!(stdout(&linchpin(&["explain", "unpinned-ci-action"])).contains("commit"));
    // `--write` scaffolds the owners like any supplier; then they are declared.
    let new = land.join("new");
    let n = new.to_str().unwrap();
    linchpin(&["discover", c, "--landscape", l, "--write", n]);
    let scaffold = std::fs::read_to_string(new.join("ci-action-taiki-e.yaml")).unwrap();
    assert!(
        scaffold.contains("  name: ci-action-taiki-e\n")
            && scaffold.contains("  type: open-source\n"),
        "{scaffold}"
    );
    assert!(!scaffold.contains("country"), "{scaffold}");
    let again = linchpin(&["discover", c, "--landscape", l, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    let undeclared = v["undeclared"].as_array().unwrap();
    assert!(
        !undeclared
            .iter()
            .any(|u| u.as_str().unwrap().starts_with("ci-action-")),
        "{undeclared:?}"
    );
}
