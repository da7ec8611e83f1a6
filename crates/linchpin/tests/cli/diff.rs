//! `linchpin diff` on a real git history of the webshop example: a commit
//! that adds a linchpin, one that removes a fallback, one that fixes a
//! finding — each diffed against its parent.

use super::{copy_dir, git, linchpin, repo, stdout};
use serde_json::Value;
use std::path::Path;

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(
        text.contains(from),
        "{} does not hold {from:?}",
        path.display()
    );
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// A repository whose landscape sits in `landscape/`, with four commits.
fn history() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let land = root.join("landscape");
    std::fs::create_dir_all(&land).unwrap();
    copy_dir(&repo().join("examples/webshop"), &land);
    std::fs::write(root.join("README.md"), "not the landscape\n").unwrap();
    git(root, &["init", "-q", "-b", "main"]);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-qm", "the webshop"]);
    // 1: the payment gateway starts to depend on a new fraud-check service.
    edit(
        &land.join("catalog/components.yaml"),
        "    - resource:orders-db\n  dependencyImpact:\n    - anyOf: [resource:stripe-payments",
        "    - resource:orders-db\n    - supplier:fraudcheck\n  dependencyImpact:\n    - anyOf: [resource:stripe-payments",
    );
    std::fs::write(
        land.join("linchpin/suppliers/fraudcheck.yaml"),
        "apiVersion: linchpin.dev/v1alpha1\nkind: Supplier\nmetadata:\n  name: fraudcheck\n  title: FraudCheck GmbH\nspec:\n  type: saas\n  owner: group:payments-team\n",
    )
    .unwrap();
    git(root, &["add", "-A"]);
    git(root, &["commit", "-qm", "fraud checks"]);
    // 2: parcels go by DHL only; PostNL stays for returns, without impact.
    edit(
        &land.join("catalog/components.yaml"),
        "    - anyOf: [resource:dhl-parcel-api, resource:postnl-parcel-api]\n      switchover: 4h\n",
        "    - ref: resource:postnl-parcel-api\n      impact: none\n",
    );
    git(root, &["commit", "-qam", "DHL only"]);
    // 3: Twilio's renewed continuity statement arrives.
    edit(
        &land.join("linchpin/suppliers/payments-and-commerce.yaml"),
        "      received: 2025-09-01\n      validUntil: 2026-08-31\n",
        "      received: 2026-09-01\n      validUntil: 2027-08-31\n",
    );
    git(root, &["commit", "-qam", "Twilio's statement renewed"]);
    dir
}

fn diff_json(root: &Path, args: &[&str]) -> (Option<i32>, Value) {
    let land = root.join("landscape");
    let mut all = vec![
        "diff",
        "-C",
        land.to_str().unwrap(),
        "--today",
        "2026-11-28",
        "--format",
        "json",
    ];
    all.extend_from_slice(args);
    let out = linchpin(&all);
    let text = stdout(&out);
    let v: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{e}: {text}\n{}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code(), v)
}

fn kinds(v: &Value) -> Vec<(String, String, Vec<String>)> {
    v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().unwrap().to_owned(),
                c["subject"].as_str().unwrap().to_owned(),
                c["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|i| i.as_str().unwrap().to_owned())
                    .collect(),
            )
        })
        .collect()
}

fn has(v: &Value, kind: &str, subject: &str, item: Option<&str>) -> bool {
    kinds(v).iter().any(|(k, s, items)| {
        k == kind && s == subject && item.is_none_or(|i| items.iter().any(|x| x == i))
    })
}

#[test]
fn a_new_linchpin_is_the_headline_and_gates_the_merge() {
    let repo = history();
    let root = repo.path();
    let (code, v) = diff_json(root, &["main~3", "main~2", "--fail-on", "new-linchpin"]);
    assert_eq!(code, Some(1), "{v:#}");
    let changes = kinds(&v);
    assert_eq!(changes[0].0, "new-linchpin", "{changes:?}");
    assert_eq!(changes[0].1, "supplier:default/fraudcheck");
    assert!(changes[0]
        .2
        .contains(&"businessfunction:default/checkout".to_owned()));
    assert!(has(
        &v,
        "new-breach",
        "supplier:default/fraudcheck",
        Some("businessfunction:default/checkout")
    ));
    assert!(has(
        &v,
        "more-stopped",
        "supplier:default/fraudcheck",
        Some("businessfunction:default/payments")
    ));
    assert!(has(
        &v,
        "new-finding",
        "supplier:default/fraudcheck",
        Some("missing-exit-plan")
    ));
    assert!(has(
        &v,
        "supplier-added",
        "supplier:default/fraudcheck",
        None
    ));
    assert_eq!(
        v["base"]["commit"].as_str().unwrap(),
        git(root, &["rev-parse", "main~3"]).trim()
    );
    // Nothing got better.
    assert_eq!(v["summary"]["better"], 0, "{v:#}");
    // The other gates do not hold back a change that brings none of theirs.
    let (code, _) = diff_json(root, &["main~2", "main~1", "--fail-on", "new-linchpin"]);
    assert_eq!(code, Some(0));
}

#[test]
fn a_removed_fallback_is_an_alternative_lost() {
    let repo = history();
    let (code, v) = diff_json(
        repo.path(),
        &["main~2", "main~1", "--fail-on", "new-breach"],
    );
    assert!(
        has(
            &v,
            "alternative-lost",
            "component:default/shipping-integration",
            Some("resource:default/postnl-parcel-api")
        ),
        "{v:#}"
    );
    // DHL stopped order fulfilment for the 4h switchover before; now for
    // as long as it is gone, longer than fulfilment tolerates.
    assert!(
        !has(&v, "more-stopped", "supplier:default/dhl", None),
        "{v:#}"
    );
    assert!(
        has(
            &v,
            "new-breach",
            "supplier:default/dhl",
            Some("businessfunction:default/order-fulfilment")
        ),
        "{v:#}"
    );
    assert!(
        has(
            &v,
            "new-finding",
            "supplier:default/dhl",
            Some("exit-slower-than-tolerance")
        ),
        "{v:#}"
    );
    assert_eq!(code, Some(1));
}

#[test]
fn a_fixed_finding_is_resolved_and_nothing_else_changes() {
    let repo = history();
    let (code, v) = diff_json(
        repo.path(),
        &[
            "main~1",
            "main",
            "--fail-on",
            "new-finding,new-linchpin,new-breach",
        ],
    );
    assert_eq!(code, Some(0), "{v:#}");
    assert_eq!(
        kinds(&v),
        [(
            "finding-resolved".to_owned(),
            "supplier:default/twilio".to_owned(),
            vec!["expired-continuity-statement".to_owned()]
        )]
    );
    // Against the working tree (HEAD's default), the same commit has no change.
    let (_, v) = diff_json(repo.path(), &["main"]);
    assert!(v["changes"].as_array().unwrap().is_empty(), "{v:#}");
}

#[test]
fn a_side_may_be_a_folder_and_a_diff_with_itself_is_empty() {
    let webshop = repo().join("examples/webshop");
    let w = webshop.to_str().unwrap();
    let out = linchpin(&["diff", w, w, "-C", w, "--today", "2026-11-28"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).contains("no change to continuity"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn an_unknown_revision_is_a_usage_error_that_says_what_it_tried() {
    let repo = history();
    let land = repo.path().join("landscape");
    let out = linchpin(&["diff", "no-such-branch", "-C", land.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("`no-such-branch` is neither a folder nor a revision"),
        "{err}"
    );
    // An option-like revision is not passed to git as an option.
    let out = linchpin(&[
        "diff",
        "-C",
        land.to_str().unwrap(),
        "--",
        "--output=/tmp/x",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn errors_on_one_side_are_new_problems_and_stop_the_comparison() {
    let repo = history();
    let land = repo.path().join("landscape");
    std::fs::write(land.join("broken.yaml"), "kind: [\n").unwrap();
    let (code, v) = diff_json(repo.path(), &["main", "--fail-on", "new-error"]);
    assert_eq!(code, Some(1));
    assert_eq!(v["compared"], false);
    assert!(
        has(&v, "new-diagnostic", "broken.yaml", Some("yaml-syntax")),
        "{v:#}"
    );
    let out = linchpin(&[
        "diff",
        "main",
        "-C",
        land.to_str().unwrap(),
        "--format",
        "markdown",
    ]);
    let md = stdout(&out);
    assert!(md.contains("the head has 1 error"), "{md}");
}

#[test]
fn the_markdown_comment_is_marked_and_escapes_the_landscape_text() {
    let repo = history();
    let root = repo.path();
    let land = root.join("landscape");
    // A title that tries to add markup to the comment.
    edit(
        &land.join("linchpin/suppliers/fraudcheck.yaml"),
        "title: FraudCheck GmbH",
        "title: \"<img src=x onerror=alert(1)> [pwn](https://evil.example) **B**\"",
    );
    let out = linchpin(&[
        "diff",
        "main~3",
        "-C",
        land.to_str().unwrap(),
        "--today",
        "2026-11-28",
        "--format",
        "markdown",
    ]);
    let md = stdout(&out);
    assert!(md.starts_with("<!-- linchpin-diff -->\n"), "{md}");
    assert!(md.contains("New linchpins"), "{md}");
    assert!(!md.contains("<img"), "{md}");
    assert!(
        md.contains(
            "&lt;img src=x onerror=alert(1)&gt; \\[pwn\\](https://evil.example) \\*\\*B\\*\\*"
        ),
        "{md}"
    );
}

#[test]
fn a_change_read_backwards_is_the_same_change_the_other_way() {
    let repo = history();
    for (a, b) in [
        ("main~3", "main~2"),
        ("main~2", "main~1"),
        ("main~1", "main"),
    ] {
        let (_, forward) = diff_json(repo.path(), &[a, b]);
        let (_, backward) = diff_json(repo.path(), &[b, a]);
        let s = |v: &Value, k: &str| v["summary"][k].as_u64().unwrap();
        assert_eq!(s(&forward, "worse"), s(&backward, "better"), "{a}..{b}");
        assert_eq!(s(&forward, "better"), s(&backward, "worse"), "{a}..{b}");
        assert_eq!(s(&forward, "neutral"), s(&backward, "neutral"), "{a}..{b}");
    }
    // The linchpin gone with its supplier says so.
    let (_, v) = diff_json(repo.path(), &["main~2", "main~3"]);
    let gone = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "linchpin-resolved")
        .expect("the linchpin is resolved");
    assert_eq!(gone["subject"], "supplier:default/fraudcheck");
    assert!(
        gone["message"].as_str().unwrap().ends_with("is gone"),
        "{gone:#}"
    );
    assert_eq!(gone["after"], Value::Null);
}
