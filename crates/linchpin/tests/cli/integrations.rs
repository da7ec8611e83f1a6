//! The files of docs/integrations run as the code host would run them, as
//! far as that goes without one: the GitHub workflow's and the GitLab job's
//! steps, in a real git clone, against a local stand-in for the code
//! host's comments API; the pre-commit hooks' commands.

use super::{copy_dir, git, repo};
use linchpin_diagnostics::FileId;
use linchpin_loader::yaml::{parse_documents, Node, NodeKind};
use linchpin_loader::Limits;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

/// What the stand-in host saw and holds.
#[derive(Default)]
struct Host {
    /// (method, path) of every request.
    requests: Vec<(String, String)>,
    /// The comments on the pull request: (id, body).
    comments: Vec<(u64, String)>,
}

/// A comments API on loopback: lists, creates and updates comments as
/// GitHub's and GitLab's do (ids and bodies in JSON).
fn host() -> (String, Arc<Mutex<Host>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = format!("http://{}", listener.local_addr().unwrap());
    let state = Arc::new(Mutex::new(Host::default()));
    let shared = state.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            let mut parts = line.split_whitespace();
            let (method, path) = (
                parts.next().unwrap_or("").to_owned(),
                parts.next().unwrap_or("").to_owned(),
            );
            let mut length = 0;
            let mut authorized = false;
            loop {
                let mut h = String::new();
                reader.read_line(&mut h).unwrap();
                let h = h.trim_end();
                if h.is_empty() {
                    break;
                }
                let lower = h.to_ascii_lowercase();
                if let Some(v) = lower.strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap();
                }
                authorized |=
                    lower == "authorization: bearer token-1" || lower == "private-token: token-2";
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            let mut h = shared.lock().unwrap();
            h.requests.push((method.clone(), path.clone()));
            let text = |b: &[u8]| -> String {
                let v: serde_json::Value = serde_json::from_slice(b).unwrap();
                v["body"].as_str().unwrap().to_owned()
            };
            let (status, reply) = if !authorized {
                (401, "{}".to_owned())
            } else {
                match method.as_str() {
                    "GET" => (
                        200,
                        serde_json::to_string(
                            &h.comments
                                .iter()
                                .map(|(id, b)| serde_json::json!({ "id": id, "body": b }))
                                .collect::<Vec<_>>(),
                        )
                        .unwrap(),
                    ),
                    "POST" => {
                        let id = 100 + h.comments.len() as u64;
                        h.comments.push((id, text(&body)));
                        (201, format!("{{\"id\": {id}}}"))
                    }
                    "PATCH" | "PUT" => {
                        let id: u64 = path.rsplit('/').next().unwrap().parse().unwrap();
                        let new = text(&body);
                        match h.comments.iter_mut().find(|(i, _)| *i == id) {
                            Some(c) => {
                                c.1 = new;
                                (200, "{}".to_owned())
                            }
                            None => (404, "{}".to_owned()),
                        }
                    }
                    _ => (405, "{}".to_owned()),
                }
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
                reply.len()
            );
        }
    });
    (addr, state)
}

/// A team's repository on a code host (a bare `origin`) and a clone on a
/// pull request's branch that makes a fraud-check service a linchpin.
fn pull_request() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed");
    let land = seed.join("landscape");
    std::fs::create_dir_all(&land).unwrap();
    copy_dir(&repo().join("examples/webshop"), &land);
    git(&seed, &["init", "-q", "-b", "main"]);
    git(&seed, &["add", "-A"]);
    git(&seed, &["commit", "-qm", "the webshop"]);
    let origin = dir.path().join("origin.git");
    git(
        dir.path(),
        &[
            "clone",
            "-q",
            "--bare",
            seed.to_str().unwrap(),
            origin.to_str().unwrap(),
        ],
    );
    let clone = dir.path().join("clone");
    git(
        dir.path(),
        &[
            "clone",
            "-q",
            origin.to_str().unwrap(),
            clone.to_str().unwrap(),
        ],
    );
    git(&clone, &["checkout", "-q", "-b", "fraud-checks"]);
    let components = clone.join("landscape/catalog/components.yaml");
    let text = std::fs::read_to_string(&components).unwrap();
    std::fs::write(
        &components,
        text.replacen(
            "    - resource:orders-db\n  dependencyImpact:\n    - anyOf: [resource:stripe-payments",
            "    - resource:orders-db\n    - supplier:fraudcheck\n  dependencyImpact:\n    - anyOf: [resource:stripe-payments",
            1,
        ),
    )
    .unwrap();
    std::fs::write(
        clone.join("landscape/linchpin/suppliers/fraudcheck.yaml"),
        "apiVersion: linchpin.dev/v1alpha1\nkind: Supplier\nmetadata:\n  name: fraudcheck\n  title: FraudCheck GmbH\nspec:\n  type: saas\n  owner: group:payments-team\n",
    )
    .unwrap();
    git(&clone, &["add", "-A"]);
    git(&clone, &["commit", "-qm", "fraud checks"]);
    for place in [".github", ".gitlab"] {
        std::fs::create_dir_all(clone.join(place)).unwrap();
        std::fs::copy(
            repo().join("docs/integrations/linchpin_review.py"),
            clone.join(place).join("linchpin_review.py"),
        )
        .unwrap();
    }
    (dir, clone)
}

fn yaml(path: &Path) -> (String, Vec<Node<'static>>) {
    let text: &'static str = Box::leak(std::fs::read_to_string(path).unwrap().into_boxed_str());
    let mut diags = Vec::new();
    let docs = parse_documents(text, FileId(0), Limits::default(), &mut diags);
    assert!(diags.is_empty(), "{}: {diags:?}", path.display());
    (text.to_owned(), docs)
}

fn get<'n>(node: &'n Node<'static>, key: &str) -> Option<&'n Node<'static>> {
    match &node.kind {
        NodeKind::Map(entries) => entries
            .iter()
            .find(|(k, _)| k.as_scalar() == Some(key))
            .map(|(_, v)| v),
        _ => None,
    }
}

fn items<'n>(node: &'n Node<'static>) -> &'n [Node<'static>] {
    match &node.kind {
        NodeKind::Seq(items) => items,
        _ => panic!("not a list"),
    }
}

fn shell(cwd: &Path, script: &str, env: &[(&str, String)]) -> std::process::Output {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_linchpin"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = Command::new("bash");
    cmd.args(["-euc", script])
        .current_dir(cwd)
        .env("PATH", path)
        .env("NO_COLOR", "1");
    for k in [
        "GITHUB_TOKEN",
        "GITHUB_REPOSITORY",
        "GITHUB_EVENT_PATH",
        "LINCHPIN_GITLAB_TOKEN",
        "CI_API_V4_URL",
    ] {
        cmd.env_remove(k);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn one_comment(state: &Arc<Mutex<Host>>) -> String {
    let h = state.lock().unwrap();
    assert_eq!(h.comments.len(), 1, "{:?}", h.requests);
    h.comments[0].1.clone()
}

#[test]
fn the_github_workflow_posts_one_comment_and_updates_it() {
    let (_dir, clone) = pull_request();
    let (_, docs) = yaml(&repo().join("docs/integrations/github-actions.yml"));
    let job = get(get(&docs[0], "jobs").unwrap(), "linchpin").unwrap();
    let steps = items(get(job, "steps").unwrap());
    let step = steps
        .iter()
        .find(|s| get(s, "name").and_then(Node::as_scalar) == Some("Continuity review"))
        .expect("the review step");
    let run = get(step, "run").unwrap().as_scalar().unwrap().to_owned();
    let env_keys: Vec<&str> = match &get(step, "env").unwrap().kind {
        NodeKind::Map(e) => e.iter().filter_map(|(k, _)| k.as_scalar()).collect(),
        _ => panic!(),
    };
    assert_eq!(env_keys, ["BASE_REF", "GITHUB_TOKEN"]);
    // The checkout fetches the whole history: diff reads the base from git.
    let checkout = &steps[0];
    assert_eq!(
        get(checkout, "uses").unwrap().as_scalar(),
        Some("actions/checkout@v4")
    );
    assert_eq!(
        get(get(checkout, "with").unwrap(), "fetch-depth")
            .unwrap()
            .as_scalar(),
        Some("0")
    );
    let (addr, state) = host();
    let event = clone.join("event.json");
    std::fs::write(&event, r#"{"pull_request": {"number": 7}}"#).unwrap();
    let env = [
        ("BASE_REF", "main".to_owned()),
        ("LANDSCAPE", "landscape".to_owned()),
        ("GITHUB_TOKEN", "token-1".to_owned()),
        ("GITHUB_REPOSITORY", "acme/landscape".to_owned()),
        ("GITHUB_EVENT_PATH", event.display().to_string()),
        ("GITHUB_API_URL", addr.clone()),
    ];
    let out = shell(&clone, &run, &env);
    // The new linchpin fails the gate, and the comment says why.
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let body = one_comment(&state);
    assert!(body.starts_with("<!-- linchpin-diff -->"), "{body}");
    assert!(
        body.contains("**New linchpins**") && body.contains("fraudcheck"),
        "{body}"
    );
    // A second push: the same comment, updated, not a second one.
    let out = shell(&clone, &run, &env);
    assert_eq!(out.status.code(), Some(1));
    one_comment(&state);
    let h = state.lock().unwrap();
    let methods: Vec<&str> = h.requests.iter().map(|(m, _)| m.as_str()).collect();
    assert_eq!(methods, ["GET", "POST", "GET", "PATCH"]);
    assert!(
        h.requests[1]
            .1
            .starts_with("/repos/acme/landscape/issues/7/comments"),
        "{:?}",
        h.requests
    );
    assert_eq!(h.requests[3].1, "/repos/acme/landscape/issues/comments/100");
}

#[test]
fn the_gitlab_job_posts_one_note_and_updates_it() {
    let (_dir, clone) = pull_request();
    let (_, docs) = yaml(&repo().join("docs/integrations/gitlab-ci.yml"));
    let job = get(&docs[0], "linchpin-review").expect("the job");
    assert_eq!(
        get(get(job, "variables").unwrap(), "GIT_DEPTH")
            .unwrap()
            .as_scalar(),
        Some("0")
    );
    let script: Vec<String> = items(get(job, "script").unwrap())
        .iter()
        .map(|s| s.as_scalar().unwrap().to_owned())
        .collect();
    let (addr, state) = host();
    let env = [
        ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main".to_owned()),
        ("LINCHPIN_LANDSCAPE", "landscape".to_owned()),
        ("LINCHPIN_GITLAB_TOKEN", "token-2".to_owned()),
        ("CI_API_V4_URL", format!("{addr}/api/v4")),
        ("CI_PROJECT_ID", "acme/landscape".to_owned()),
        ("CI_MERGE_REQUEST_IID", "3".to_owned()),
    ];
    for _ in 0..2 {
        let mut last = None;
        for line in &script {
            let out = shell(&clone, line, &env);
            last = out.status.code();
            if last != Some(0) {
                assert_eq!(
                    last,
                    Some(1),
                    "{line}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        }
        assert_eq!(last, Some(1), "the gate fails on the new linchpin");
    }
    let body = one_comment(&state);
    assert!(body.contains("**New linchpins**"), "{body}");
    let h = state.lock().unwrap();
    let calls: Vec<String> = h
        .requests
        .iter()
        .map(|(m, p)| format!("{m} {}", p.split('?').next().unwrap()))
        .collect();
    assert_eq!(
        calls,
        [
            "GET /api/v4/projects/acme%2Flandscape/merge_requests/3/notes",
            "POST /api/v4/projects/acme%2Flandscape/merge_requests/3/notes",
            "GET /api/v4/projects/acme%2Flandscape/merge_requests/3/notes",
            "PUT /api/v4/projects/acme%2Flandscape/merge_requests/3/notes/100",
        ]
    );
}

#[test]
fn the_pre_commit_hooks_run_on_the_landscape() {
    let (_dir, clone) = pull_request();
    let (_, docs) = yaml(&repo().join(".pre-commit-hooks.yaml"));
    let hooks = items(&docs[0]);
    let entry = |id: &str| -> String {
        let hook = hooks
            .iter()
            .find(|h| get(h, "id").and_then(Node::as_scalar) == Some(id))
            .unwrap_or_else(|| panic!("hook {id}"));
        assert_eq!(get(hook, "language").unwrap().as_scalar(), Some("system"));
        assert_eq!(
            get(hook, "pass_filenames").unwrap().as_scalar(),
            Some("false")
        );
        get(hook, "entry").unwrap().as_scalar().unwrap().to_owned()
    };
    // As pre-commit runs them: the entry, then the hook's `args`.
    let check = shell(
        &clone,
        &format!("{} landscape", entry("linchpin-check")),
        &[],
    );
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let diff = format!("{} -C landscape", entry("linchpin-diff"));
    assert_eq!(
        shell(&clone, &diff, &[]).status.code(),
        Some(0),
        "nothing staged yet"
    );
    // A staged change that removes the shipping fallback is refused.
    let components = clone.join("landscape/catalog/components.yaml");
    let text = std::fs::read_to_string(&components).unwrap();
    std::fs::write(
        &components,
        text.replacen(
            "    - anyOf: [resource:dhl-parcel-api, resource:postnl-parcel-api]\n      switchover: 4h\n",
            "    - ref: resource:postnl-parcel-api\n      impact: none\n",
            1,
        ),
    )
    .unwrap();
    let out = shell(&clone, &diff, &[]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("New breaches of tolerance"));
}
