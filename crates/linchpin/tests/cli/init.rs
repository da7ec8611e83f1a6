//! `linchpin init` on a small Backstage catalog written for these tests
//! (`tests/data/init`: a catalog repository whose root Location finds the
//! rest by globs, and two repositories of code cloned beside it).

use super::{repo, stdout};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_linchpin"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

/// A copy of the fixture to write into.
fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy(&repo().join("crates/linchpin/tests/data/init"), dir.path());
    dir
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn files_under(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.file_type().unwrap().is_dir() {
                out.extend(files_under(&entry.path()));
            } else {
                out.push((entry.path(), std::fs::read_to_string(entry.path()).unwrap()));
            }
        }
    }
    out.sort();
    out
}

const TODAY: &str = "2026-11-28";

#[test]
fn init_proposes_a_landscape_that_checks_with_only_guesses_and_reports() {
    let dir = fixture();
    let root = dir.path();
    // The catalog alone loads cleanly and is empty to every analysis.
    let before = run(root, &["check", "catalog", "--today", TODAY]);
    assert!(
        stdout(&before).contains("0 errors, 0 warnings"),
        "{}",
        stdout(&before)
    );

    let out = run(
        root,
        &["init", "catalog", "--code", "repos", "--format", "json"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let p = json(&out);
    let suppliers: Vec<&str> = p["suppliers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["vendor"].as_str().unwrap())
        .collect();
    let mut sorted = suppliers.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        [
            "argo-cd",
            "depot",
            "docker-hub",
            "github",
            "keycloak",
            "npm-registry",
            "sendgrid",
            "stripe",
            "tf-provider-phillbaker"
        ],
        "{p:#}"
    );
    let supplier = |v: &str| {
        p["suppliers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["vendor"] == v)
            .unwrap()
            .clone()
    };
    // The catalog's own Resources named after a third party stand for it.
    assert_eq!(
        supplier("keycloak")["dependencyOf"],
        serde_json::json!(["resource:default/keycloak"])
    );
    assert_eq!(
        supplier("argo-cd")["dependencyOf"],
        serde_json::json!(["resource:default/argocd"])
    );
    // By its title ("GitHub organisation acme").
    assert_eq!(
        supplier("github")["dependencyOf"],
        serde_json::json!(["resource:default/code-hosting"])
    );
    // The code of each component, found by the repository its
    // source-location names (and the path inside it, for the storefront).
    assert_eq!(
        supplier("stripe")["dependencyOf"],
        serde_json::json!(["component:default/checkout"])
    );
    assert_eq!(
        supplier("sendgrid")["dependencyOf"],
        serde_json::json!(["component:default/storefront"])
    );
    // Delivery tooling degrades the function, it does not stop it.
    assert_eq!(
        supplier("depot")["degrades"],
        serde_json::json!(["businessfunction:default/payments"])
    );
    assert_eq!(supplier("depot")["dependencyOf"], serde_json::json!([]));
    // A provider in infrastructure code no component claims: proposed, not connected.
    let tf = supplier("tf-provider-phillbaker");
    assert_eq!(tf["dependencyOf"], serde_json::json!([]));
    assert_eq!(tf["degrades"], serde_json::json!([]));
    assert!(
        tf["guess"]
            .as_str()
            .unwrap()
            .contains("add it to the dependsOn"),
        "{tf:#}"
    );
    // Every proposal shows its evidence.
    assert!(supplier("stripe")["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["file"] == "repos/checkout/src/payments.ts"));
    // A link in a README is not a supplier, nor a person's mail address, nor an avatar.
    assert_eq!(p["notProposed"], serde_json::json!(["atlassian"]));
    let functions: Vec<&str> = p["functions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["ref"].as_str().unwrap())
        .collect();
    assert_eq!(
        functions,
        [
            "businessfunction:default/payments",
            "businessfunction:default/platform"
        ]
    );
    assert_eq!(
        p["outsideSystems"],
        serde_json::json!(["component:default/price-tool"])
    );
    for f in p["functions"]
        .as_array()
        .unwrap()
        .iter()
        .chain(p["suppliers"].as_array().unwrap())
    {
        assert_eq!(f["outcome"], "written", "{f:#}");
    }

    // `check`: no diagnostics, and only the guesses to confirm.
    let check = run(
        root,
        &["check", "catalog", "--format", "json", "--today", TODAY],
    );
    let c = json(&check);
    assert_eq!(c["diagnostics"], serde_json::json!([]), "{c:#}");
    let findings = c["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 11, "{c:#}");
    assert!(
        findings.iter().all(|f| f["id"] == "unconfirmed-guess"),
        "{c:#}"
    );
    assert!(findings
        .iter()
        .any(|f| f["entity"] == "supplier:default/stripe"
            && f["message"]
                .as_str()
                .unwrap()
                .contains("3 more findings wait for it")));

    // The report is no longer empty: the functions, and who can stop them.
    let report = run(
        root,
        &[
            "report", "catalog", "--format", "json", "--today", TODAY, "-o", "-",
        ],
    );
    let r = json(&report);
    assert_eq!(r["functions"].as_array().unwrap().len(), 2, "{r:#}");
    let tier = |name: &str| {
        r["suppliers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["ref"] == format!("supplier:default/{name}"))
            .map(|s| s["tier"].as_u64().unwrap())
    };
    assert_eq!(tier("stripe"), Some(2));
    assert_eq!(tier("keycloak"), Some(2));
    assert_eq!(tier("depot"), Some(3));
    assert!(!String::from_utf8_lossy(&report.stderr).contains("no business functions"));

    // Again: nothing new, nothing rewritten.
    let written = files_under(&root.join("catalog/linchpin"));
    assert_eq!(written.len(), 11);
    let again = run(root, &["init", "catalog", "--code", "repos"]);
    assert!(
        stdout(&again).contains("Nothing new to propose"),
        "{}",
        stdout(&again)
    );
    assert_eq!(files_under(&root.join("catalog/linchpin")), written);

    // Confirming a guess lets its own findings through.
    let stripe = root.join("catalog/linchpin/suppliers/stripe.yaml");
    let text = std::fs::read_to_string(&stripe).unwrap();
    let confirmed: String = text
        .lines()
        .filter(|l| !l.contains("linchpin.dev/guess"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&stripe, confirmed).unwrap();
    let c = json(&run(
        root,
        &["check", "catalog", "--format", "json", "--today", TODAY],
    ));
    let of_stripe: Vec<&str> = c["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["entity"] == "supplier:default/stripe")
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        of_stripe,
        [
            "missing-continuity-statement",
            "missing-exit-plan",
            "unowned-supplier"
        ],
        "{c:#}"
    );
}

#[test]
fn init_never_replaces_a_file_and_a_dry_run_writes_nothing() {
    let dir = fixture();
    let root = dir.path();
    let out = run(root, &["init", "catalog", "--code", "repos", "--dry-run"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(
        text.contains("would write catalog/linchpin/suppliers/stripe.yaml"),
        "{text}"
    );
    // The files it would write are shown whole.
    assert!(
        text.contains("--- catalog/linchpin/suppliers/stripe.yaml ---"),
        "{text}"
    );
    assert!(text.contains("    - component:default/checkout"), "{text}");
    assert!(!root.join("catalog/linchpin").exists());

    let mine = root.join("catalog/linchpin/suppliers/stripe.yaml");
    std::fs::create_dir_all(mine.parent().unwrap()).unwrap();
    std::fs::write(&mine, "# our own notes on the payment provider\n").unwrap();
    let out = run(root, &["init", "catalog", "--code", "repos"]);
    assert!(
        stdout(&out)
            .contains("kept (a file of that name is there) catalog/linchpin/suppliers/stripe.yaml"),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        std::fs::read_to_string(&mine).unwrap(),
        "# our own notes on the payment provider\n"
    );
    assert!(root
        .join("catalog/linchpin/suppliers/sendgrid.yaml")
        .exists());
}

#[test]
fn a_catalog_without_systems_gets_one_function_to_split() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("catalog-info.yaml"),
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: shop\n  annotations:\n    linchpin.dev/source: shop\nspec: { type: service, lifecycle: production, owner: group:web }\n---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: { name: web }\nspec: { type: team, children: [] }\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("shop")).unwrap();
    std::fs::write(
        dir.path().join("shop/pay.js"),
        "const api = 'https://api.stripe.com/v1';\nconst mail = 'https://api.sendgrid.com/v3/mail/send';\n// again: https://api.stripe.com/v1/refunds\n",
    )
    .unwrap();
    let p = json(&run(dir.path(), &["init", ".", "--format", "json"]));
    assert_eq!(
        p["functions"][0]["ref"], "businessfunction:default/catalog",
        "{p:#}"
    );
    assert_eq!(
        p["functions"][0]["dependsOn"],
        serde_json::json!(["component:default/shop"])
    );
    assert!(p["functions"][0]["guess"]
        .as_str()
        .unwrap()
        .contains("split it"));
    // A hostname in code the component owns is enough: it is the component's.
    let vendors: Vec<&str> = p["suppliers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["vendor"].as_str().unwrap())
        .collect();
    assert!(
        vendors.contains(&"stripe") && vendors.contains(&"sendgrid"),
        "{p:#}"
    );
    let c = json(&run(
        dir.path(),
        &["check", ".", "--format", "json", "--today", TODAY],
    ));
    assert_eq!(c["diagnostics"], serde_json::json!([]), "{c:#}");
}

/// A System's title is the catalog author's text: whatever it holds, the
/// proposed function carries it as written and nothing more.
#[test]
fn text_from_the_catalog_cannot_inject_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let title = "Pay\": x\n  evil: true\nspec: {criticality: critical} # ' \\ ";
    let system = format!(
        "apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: pay\n  title: {}\nspec: {{ owner: group:web }}\n---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {{ name: web }}\nspec: {{ type: team, children: [] }}\n",
        serde_json::to_string(title).unwrap()
    );
    std::fs::write(dir.path().join("catalog-info.yaml"), system).unwrap();
    let out = run(dir.path(), &["init", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let c = json(&run(
        dir.path(),
        &["check", ".", "--format", "json", "--today", TODAY],
    ));
    assert_eq!(c["diagnostics"], serde_json::json!([]), "{c:#}");
    let loaded =
        linchpin_loader::load(dir.path(), &linchpin_loader::LoadOptions::default()).unwrap();
    let f = loaded
        .catalog
        .entities()
        .iter()
        .find(|e| e.entity_ref.to_string() == "businessfunction:default/pay")
        .unwrap();
    assert_eq!(f.metadata.title.as_deref(), Some(title));
    let linchpin_model::Spec::BusinessFunction(spec) = &f.spec else {
        panic!()
    };
    assert_eq!(spec.criticality, linchpin_model::Criticality::Important);
}

/// Backstage's own example catalog (real data, `../shared/corpus`): `init`
/// adds no problem to the ones the catalog has, and every file it writes
/// loads.
#[test]
fn init_on_backstages_example_catalog() {
    let corpus = repo().join("../shared/corpus/backstage/examples");
    if !corpus.is_dir() {
        super::missing("Backstage's example catalog is not beside the project");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    copy(&corpus, &dir.path().join("examples"));
    let errors = |c: &Value| -> Vec<String> {
        c["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["severity"] == "error")
            .map(|d| format!("{} {}", d["code"], d["file"]))
            .collect()
    };
    let before = json(&run(dir.path(), &["check", "examples", "--format", "json"]));
    let out = run(dir.path(), &["init", "examples", "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let p = json(&out);
    // One function per System of the catalog.
    assert_eq!(p["functions"].as_array().unwrap().len(), 3, "{p:#}");
    let after = json(&run(dir.path(), &["check", "examples", "--format", "json"]));
    assert_eq!(errors(&after), errors(&before), "{after:#}");
    let written = files_under(&dir.path().join("examples/linchpin"));
    assert_eq!(
        written.len(),
        p["functions"].as_array().unwrap().len() + p["suppliers"].as_array().unwrap().len()
    );
    for (path, _) in &written {
        let rel = path.strip_prefix(dir.path().join("examples")).unwrap();
        assert!(
            !after["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["file"] == rel.to_str().unwrap()),
            "{rel:?}: {after:#}"
        );
    }
}

/// A catalog whose `linchpin` folder is a link to somewhere else: `init`
/// refuses to write there.
#[cfg(unix)]
#[test]
fn init_never_writes_through_a_link_out_of_the_catalog() {
    let dir = fixture();
    let root = dir.path();
    let elsewhere = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), root.join("catalog/linchpin")).unwrap();
    let out = run(root, &["init", "catalog", "--code", "repos"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("leads outside the catalog"));
    assert!(files_under(elsewhere.path()).is_empty());
}
