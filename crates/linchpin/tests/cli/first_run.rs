//! A new user's first run: each friction found by trying the tool as one
//! would, with the behaviour that replaced it.

use super::{linchpin, repo, stdout};
use std::path::Path;
use std::process::{Command, Output};

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn linchpin_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_linchpin"));
    cmd.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("the binary runs")
}

fn landscape(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

#[test]
fn the_summary_counts_what_was_printed_in_one_vocabulary() {
    let out = linchpin_in(
        &repo(),
        &["check", "examples/webshop", "--today", "2026-11-26"],
        &[],
    );
    let text = stdout(&out);
    let count = |prefix: &str| text.lines().filter(|l| l.starts_with(prefix)).count();
    let (errors, warnings, infos) = (count("error["), count("warning["), count("info["));
    assert!(warnings > 0 && infos > 0, "{text}");
    let summary = text.lines().find(|l| l.starts_with("checked ")).unwrap();
    assert!(
        summary.contains(&format!(
            "{errors} errors, {warnings} warnings, {infos} info"
        )),
        "{summary}"
    );
    assert!(
        summary.contains(&format!("{} readiness findings", errors + warnings + infos)),
        "{summary}"
    );
    // The report names the same severity the same way.
    let md = linchpin_in(
        &repo(),
        &[
            "report",
            "examples/webshop",
            "--today",
            "2026-11-26",
            "--format",
            "markdown",
            "-o",
            "-",
        ],
        &[],
    );
    let md = stdout(&md);
    assert!(
        md.contains(&format!("{warnings} warnings, {infos} info")),
        "{md}"
    );
    assert!(!md.contains(&format!("{infos} notes")), "{md}");
    // And so does the line `report` prints.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.html");
    let said = linchpin_in(
        &repo(),
        &[
            "report",
            "examples/webshop",
            "--today",
            "2026-11-26",
            "-o",
            out.to_str().unwrap(),
        ],
        &[],
    );
    let said = stdout(&said);
    assert!(
        said.contains(&format!("{warnings} warnings, {infos} info)")),
        "{said}"
    );
}

#[test]
fn a_misspelled_dependency_field_is_an_error() {
    let dir = landscape(&[(
        "a.yaml",
        "apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata:\n  name: db\nspec:\n  type: database\n  owner: group:x\n  dependOn: [resource:disk]\n---\napiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata:\n  name: disk\nspec:\n  type: disk\n  owner: group:x\n  dependsOn: [resource:db]\n  dependencyImpact:\n    - anyof: [resource:db]\n---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: x\nspec:\n  type: team\n  children: []\n",
    )]);
    let out = linchpin(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(
        text.contains("error[misspelled-dependency-field]: `spec.dependOn`"),
        "{text}"
    );
    assert!(text.contains("did you mean `dependsOn`?"), "{text}");
    assert!(text.contains("`spec.dependencyImpact[0].anyof`"), "{text}");
    // Other unknown fields stay warnings.
    let dir = landscape(&[(
        "a.yaml",
        "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: x\nspec:\n  type: team\n  children: []\n  colour: red\n",
    )]);
    let out = linchpin(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("warning[unknown-field]"));
}

#[test]
fn a_mistyped_name_gets_a_did_you_mean_everywhere() {
    let webshop = repo().join("examples/webshop");
    let w = webshop.to_str().unwrap();
    for args in [
        vec!["whatif", w, "--fail", "strpe"],
        vec!["playbook", "strpe", w],
        vec!["graph", w, "--focus", "strpe"],
    ] {
        let out = linchpin(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&out).contains(
                "no entity named `strpe` in the landscape; did you mean `supplier:default/stripe`?"
            ),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    // The playbook's arguments swapped.
    let out = linchpin(&["playbook", w, "stripe"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("the supplier comes first"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains(&format!("`linchpin playbook stripe {w}`")),
        "{}",
        stderr(&out)
    );
}

#[test]
fn whatif_without_a_failure_names_both_ways_to_give_one() {
    let out = linchpin(&["whatif", repo().join("examples/webshop").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("--fail") && err.contains("--scenario"),
        "{err}"
    );
}

#[test]
fn an_empty_analysis_says_why_and_what_to_do() {
    let dir = landscape(&[(
        "a.yaml",
        "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: x\nspec:\n  type: team\n  children: []\n",
    )]);
    let d = dir.path().to_str().unwrap();
    let report = dir.path().join("r.html");
    for args in [
        vec!["report", d, "-o", report.to_str().unwrap()],
        vec!["rank", d],
    ] {
        let out = linchpin(&args);
        assert_eq!(out.status.code(), Some(0), "the exit code stays: {args:?}");
        let err = stderr(&out);
        assert!(
            err.contains("has no business functions and no suppliers"),
            "{err}"
        );
        assert!(err.contains("docs/model.md"), "{err}");
        assert!(err.contains("`linchpin init "), "{err}");
    }
    // A complete landscape says nothing of the kind.
    let out = linchpin(&["rank", repo().join("examples/webshop").to_str().unwrap()]);
    assert!(
        !stderr(&out).contains("no business functions"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_register_export_without_its_keeper_points_to_an_example() {
    let out = linchpin(&[
        "export",
        "dora-roi",
        repo().join("examples/webshop").to_str().unwrap(),
        "--reference-date",
        "2026-12-31",
        "-o",
        "/dev/null",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("examples/bank") && err.contains("docs/dora.md"),
        "{err}"
    );
}

#[test]
fn tabs_get_the_syntax_error_alone_with_a_hint() {
    let dir = landscape(&[(
        "a.yaml",
        "apiVersion: linchpin.dev/v1alpha1\nkind: Supplier\nmetadata:\n\tname: acme\nspec:\n  type: saas\n",
    )]);
    let out = linchpin(&["check", dir.path().to_str().unwrap()]);
    let text = stdout(&out);
    assert!(!text.contains("empty-landscape"), "{text}");
    assert!(text.contains("error[yaml-syntax]"), "{text}");
    assert!(text.contains("never tabs"), "{text}");
}

#[test]
fn paths_open_from_where_the_command_ran() {
    let out = linchpin_in(
        &repo(),
        &["check", "examples/webshop", "--today", "2026-11-26"],
        &[],
    );
    let text = stdout(&out);
    assert!(
        text.contains(" --> examples/webshop/linchpin/suppliers/cloud-and-hosting.yaml:5:9"),
        "{text}"
    );
    // Every path shown exists from here.
    for line in text
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("--> "))
    {
        let file = line.split(':').next().unwrap();
        assert!(repo().join(file).is_file(), "{file}");
    }
    // The JSON keeps paths relative to the landscape (the contract).
    let json = linchpin_in(
        &repo(),
        &["check", "examples/webshop", "--format", "json"],
        &[],
    );
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert!(v["findings"][0]["file"]
        .as_str()
        .unwrap()
        .starts_with("linchpin/"));
}

#[test]
fn the_ranking_fits_the_terminal() {
    for width in [60usize, 80, 100, 140] {
        let w = width.to_string();
        let out = linchpin_in(
            &repo(),
            &["rank", "examples/webshop", "--today", "2026-11-26"],
            &[("COLUMNS", w.as_str())],
        );
        let text = stdout(&out);
        for line in text.lines() {
            assert!(line.chars().count() <= width.max(70), "{width}: {line}");
        }
        assert!(text.contains("stripe"), "{text}");
    }
    // Piped without COLUMNS: the full table, for files and scripts.
    let out = linchpin_in(
        &repo(),
        &["rank", "examples/webshop", "--today", "2026-11-26"],
        &[],
    );
    let widest = stdout(&out)
        .lines()
        .map(|l| l.chars().count())
        .max()
        .unwrap();
    assert!(widest > 150, "{widest}");
}

#[test]
fn the_readme_lists_every_test_that_can_skip() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    assert!(readme.contains("--nocapture"), "how to see the word");
    for needed in [
        "bench/backstage",
        "../shared/corpus",
        "EBA",
        "PostgreSQL",
        "git",
        "aiosmtpd",
    ] {
        assert!(readme.contains(needed), "README does not say {needed}");
    }
    // Each test file that can skip names its reason in the README's list.
    let files = [
        "crates/linchpin-discover/tests/it.rs",
        "crates/linchpin-dora/tests/validate.rs",
        "crates/linchpin-loader/tests/it/corpus.rs",
        "crates/linchpin-server/tests/server.rs",
        "crates/linchpin/tests/cli/main.rs",
        "crates/linchpin/tests/cli/calendar.rs",
        "crates/linchpin/tests/cli/init.rs",
    ];
    let mut skipping = 0;
    for f in files {
        let text = std::fs::read_to_string(repo().join(f)).unwrap();
        skipping += text.matches("missing(").count() - text.matches("fn missing(").count();
    }
    assert_eq!(
        skipping, 11,
        "a test that can skip was added or removed: update the README's list"
    );
}
