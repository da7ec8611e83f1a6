//! `linchpin risk`: the example tells its story in every format; the seed
//! fixes the numbers; bad figures get a diagnostic at their line; a
//! landscape without costs is told what it lacks.

use super::{linchpin, repo, stdout};

fn webshop() -> String {
    repo()
        .join("examples/webshop")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn the_example_prices_its_risk_and_weighs_its_actions() {
    let dir = webshop();
    let args = [
        "risk",
        &dir,
        "--today",
        "2026-11-28",
        "--samples",
        "2000",
        "--actions",
        "--format",
        "json",
    ];
    let out = linchpin(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["currency"], "EUR");
    assert_eq!(doc["samples"], 2000);
    let total = doc["total"]["expectedAnnualLoss"].as_f64().unwrap();
    assert!(total > 0.0);
    let functions = doc["functions"].as_array().unwrap();
    // The functions' losses add up to the total; checkout costs most.
    let sum: f64 = functions
        .iter()
        .map(|f| f["expectedAnnualLoss"].as_f64().unwrap())
        .sum();
    assert!((sum - total).abs() < 0.01 * total, "{sum} vs {total}");
    assert_eq!(functions[0]["ref"], "businessfunction:default/checkout");
    let p = functions[0]["breachProbability"]["p"].as_f64().unwrap();
    assert!(p > 0.0 && p < 1.0);
    // Every simulated supplier says where its figures come from.
    let suppliers = doc["suppliers"].as_array().unwrap();
    let basis = |name: &str| {
        suppliers
            .iter()
            .find(|s| s["ref"] == format!("supplier:default/{name}"))
            .map(|s| s["basis"].as_str().unwrap().to_owned())
            .unwrap()
    };
    assert_eq!(basis("lagerwerk"), "incidents");
    assert_eq!(basis("faktura-systems"), "incidents");
    assert_eq!(basis("aws"), "sla");
    assert_eq!(basis("stripe"), "given");
    assert!(doc["notSimulated"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["ref"] == "supplier:default/okta"));
    // The actions, best value per cost first; each removes some loss.
    let actions = doc["actions"].as_array().unwrap();
    assert_eq!(actions.len(), 4);
    let ratios: Vec<f64> = actions
        .iter()
        .map(|a| a["reductionPerCost"].as_f64().unwrap())
        .collect();
    assert!(ratios.windows(2).all(|w| w[0] >= w[1]), "{ratios:?}");
    assert!(actions
        .iter()
        .all(|a| a["reduction"].as_f64().unwrap() > 0.0));
    // The loss-exceedance curve falls.
    let curve = doc["lossExceedance"].as_array().unwrap();
    assert!(curve.len() > 10);
    let probabilities: Vec<f64> = curve
        .iter()
        .map(|c| c["probability"].as_f64().unwrap())
        .collect();
    assert!(probabilities.windows(2).all(|w| w[0] >= w[1]));

    // The same seed, the same numbers; text and CSV say the same.
    let again = linchpin(&args);
    assert_eq!(stdout(&again), stdout(&out));
    let text = stdout(&linchpin(&[
        "risk",
        &dir,
        "--today",
        "2026-11-28",
        "--samples",
        "2000",
    ]));
    assert!(text.contains("Expected loss a year"), "{text}");
    assert!(text.contains("checkout"), "{text}");
    assert!(text.contains("5 incidents in 3.9 years"), "{text}");
    assert!(
        text.contains("Not simulated: 4 suppliers without `failures`"),
        "{text}"
    );
    let csv = stdout(&linchpin(&[
        "risk",
        &dir,
        "--today",
        "2026-11-28",
        "--samples",
        "2000",
        "--format",
        "csv",
    ]));
    let first = csv.lines().nth(1).unwrap();
    assert!(first.starts_with("total,,,"), "{csv}");
    assert!(
        csv.contains("\nfunction,businessfunction:default/checkout,Checkout,"),
        "{csv}"
    );
}

#[test]
fn the_report_has_the_risk_section_with_its_curve() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("r.html");
    let out = linchpin(&[
        "report",
        &webshop(),
        "--today",
        "2026-11-28",
        "--output",
        html.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(text.contains("<h2 id=\"h-risk\">Continuity risk in money</h2>"));
    assert!(text.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"loss-curve\""));
    assert!(text.contains("The actions that buy the most safety"));
    let md = dir.path().join("r.md");
    linchpin(&[
        "report",
        &webshop(),
        "--today",
        "2026-11-28",
        "--format",
        "markdown",
        "--output",
        md.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(text.contains("## Continuity risk in money"), "{text}");
}

#[test]
fn bad_figures_are_reported_at_their_line_and_a_landscape_without_costs_is_told() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("l.yaml"),
        "apiVersion: linchpin.dev/v1alpha1\nkind: BusinessFunction\nmetadata: { name: sales }\nspec:\n  criticality: critical\n  dependsOn: [supplier:psp]\n  cost:\n    downPerHour: -5\n---\napiVersion: linchpin.dev/v1alpha1\nkind: Supplier\nmetadata: { name: psp }\nspec:\n  type: saas\n  failures:\n    sla: 101%\n    incidentsFile: ../../etc/passwd\n    duration: { median: 2h, p90: 1h }\n",
    )
    .unwrap();
    let out = linchpin(&["check", dir.path().to_str().unwrap(), "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let diagnostics = doc["diagnostics"].as_array().unwrap();
    let at = |line: u64| {
        diagnostics
            .iter()
            .find(|d| d["line"] == line)
            .unwrap_or_else(|| panic!("nothing at line {line}: {diagnostics:#?}"))
    };
    assert!(at(8)["message"].as_str().unwrap().contains("negative"));
    assert!(at(16)["message"].as_str().unwrap().contains("percentage"));
    assert!(at(17)["message"]
        .as_str()
        .unwrap()
        .contains("outside the landscape"));
    assert!(at(18)["message"]
        .as_str()
        .unwrap()
        .contains("at least the median"));

    // A CSV with a bad row: its line and column.
    let good = tempfile::tempdir().unwrap();
    std::fs::write(
        good.path().join("l.yaml"),
        "apiVersion: linchpin.dev/v1alpha1\nkind: BusinessFunction\nmetadata: { name: sales }\nspec:\n  criticality: critical\n  dependsOn: [supplier:psp]\n---\napiVersion: linchpin.dev/v1alpha1\nkind: Supplier\nmetadata: { name: psp }\nspec:\n  type: saas\n  failures:\n    incidentsFile: incidents.csv\n",
    )
    .unwrap();
    std::fs::write(
        good.path().join("incidents.csv"),
        "start,duration\n2026-01-02,3h\n2026-02-30,1h\n2026-03-01, 5 hours\n",
    )
    .unwrap();
    let out = linchpin(&["check", good.path().to_str().unwrap()]);
    let text = stdout(&out);
    assert!(text.contains("incidents.csv:3:1"), "{text}");
    assert!(text.contains("incidents.csv:4:13"), "{text}");

    // No cost anywhere: risk says what is missing (exit 2).
    std::fs::write(
        good.path().join("incidents.csv"),
        "start,duration\n2026-01-02,3h\n",
    )
    .unwrap();
    let out = linchpin(&[
        "risk",
        good.path().to_str().unwrap(),
        "--today",
        "2026-11-28",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs a `cost`"));
}

#[test]
fn a_long_run_breaks_down_its_first_periods_by_function_and_says_so() {
    let dir = webshop();
    let run = |extra: &[&str]| {
        let mut args = vec!["risk", &dir, "--today", "2026-11-28", "--samples", "2000"];
        args.extend_from_slice(extra);
        let out = linchpin(&args);
        assert_eq!(out.status.code(), Some(0));
        stdout(&out)
    };
    let json = run(&["--detail", "500", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["samples"], 2000);
    assert_eq!(doc["functionSamples"], 500);
    let human = run(&["--detail", "500"]);
    assert!(
        human.contains("(the figures by function come from the first 500 periods)"),
        "{human}"
    );
    // By default every period of a run of 2,000 is broken down.
    let all: serde_json::Value = serde_json::from_str(&run(&["--format", "json"])).unwrap();
    assert_eq!(all["functionSamples"], 2000);
    assert_eq!(all["total"], doc["total"]);
    assert!(!run(&[]).contains("the figures by function come from"));
}
