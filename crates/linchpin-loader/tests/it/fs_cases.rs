//! Cases that need a file system shaped at run time: files too large to
//! commit, symbolic links, paths that do not exist.

use linchpin_loader::{load, LoadOptions};
use std::fs;

const SUPPLIER: &str = "apiVersion: linchpin.dev/v1alpha1
kind: Supplier
metadata:
  name: acme
spec:
  type: saas
";

#[test]
fn huge_files_are_skipped_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("ok.yaml"), SUPPLIER).unwrap();
    let mut big = String::from("# generated\n");
    while big.len() < 4096 {
        big.push_str("- padding padding padding padding\n");
    }
    fs::write(dir.path().join("dump.yaml"), big).unwrap();
    let options = LoadOptions {
        max_file_size: 1024,
        ..LoadOptions::default()
    };
    let loaded = load(dir.path(), &options).unwrap();
    assert_eq!(loaded.catalog.len(), 1);
    let codes: Vec<_> = loaded.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["file-too-large"]);
    assert_eq!(
        loaded.sources.path(loaded.diagnostics[0].file.unwrap()),
        "dump.yaml"
    );
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_reported_and_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("teams");
    fs::create_dir(&sub).unwrap();
    fs::write(sub.join("acme.yaml"), SUPPLIER).unwrap();
    std::os::unix::fs::symlink(dir.path(), sub.join("back-to-root")).unwrap();
    let loaded = load(dir.path(), &LoadOptions::default()).unwrap();
    assert_eq!(loaded.catalog.len(), 1, "the file is loaded once");
    let d: Vec<_> = loaded
        .diagnostics
        .iter()
        .map(|d| (d.code, loaded.sources.path(d.file.unwrap()).to_owned()))
        .collect();
    assert_eq!(d, [("symlink-loop", "teams/back-to-root".to_owned())]);
}

#[cfg(unix)]
#[test]
fn a_file_linked_twice_is_loaded_once() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("acme.yaml"), SUPPLIER).unwrap();
    std::os::unix::fs::symlink(dir.path().join("acme.yaml"), dir.path().join("alias.yaml"))
        .unwrap();
    let loaded = load(dir.path(), &LoadOptions::default()).unwrap();
    assert_eq!(loaded.catalog.len(), 1);
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
}

#[cfg(unix)]
#[test]
fn a_folder_linked_twice_is_loaded_once() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("teams")).unwrap();
    fs::write(dir.path().join("teams/acme.yaml"), SUPPLIER).unwrap();
    std::os::unix::fs::symlink(dir.path().join("teams"), dir.path().join("alias")).unwrap();
    let loaded = load(dir.path(), &LoadOptions::default()).unwrap();
    assert_eq!(loaded.catalog.len(), 1);
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
}

#[cfg(unix)]
#[test]
fn a_link_to_a_folder_outside_the_landscape_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("landscape");
    fs::create_dir_all(root.join("inner")).unwrap();
    fs::write(root.join("inner/ok.yaml"), SUPPLIER).unwrap();
    fs::create_dir(dir.path().join("elsewhere")).unwrap();
    fs::write(
        dir.path().join("elsewhere/secret.yaml"),
        "password: hunter2\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(dir.path().join("elsewhere"), root.join("inner/ext")).unwrap();
    let loaded = load(&root, &LoadOptions::default()).unwrap();
    assert_eq!(loaded.catalog.len(), 1);
    let d: Vec<_> = loaded
        .diagnostics
        .iter()
        .map(|d| (d.code, loaded.sources.path(d.file.unwrap()).to_owned()))
        .collect();
    assert_eq!(
        d,
        [("symlink-outside-root", "inner/ext/secret.yaml".to_owned())]
    );
    assert!((0..loaded.sources.len()).all(|i| !loaded
        .sources
        .get(linchpin_diagnostics::FileId(i as u32))
        .text
        .contains("hunter2")));
}

#[test]
fn a_missing_landscape_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let err = load(&dir.path().join("nope"), &LoadOptions::default()).unwrap_err();
    assert!(err.to_string().contains("cannot open landscape"), "{err}");
}

#[test]
fn hidden_and_git_ignored_paths_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("acme.yaml"), SUPPLIER).unwrap();
    fs::create_dir(dir.path().join(".github")).unwrap();
    fs::write(dir.path().join(".github/workflow.yaml"), "on: push\n").unwrap();
    fs::create_dir(dir.path().join("generated")).unwrap();
    fs::write(dir.path().join("generated/x.yaml"), "not: [valid").unwrap();
    fs::write(dir.path().join(".gitignore"), "generated/\n").unwrap();
    let loaded = load(dir.path(), &LoadOptions::default()).unwrap();
    assert_eq!(loaded.catalog.len(), 1);
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
}

/// What a watcher looks at is what the loader reads: the same walk (no
/// hidden or git-ignored files, any case of the extension), the root's
/// `linchpin.toml`, and nothing else beside them.
#[test]
fn landscape_files_are_what_the_loader_reads() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("acme.yaml"), SUPPLIER).unwrap();
    fs::write(
        dir.path().join("Upper.YAML"),
        SUPPLIER.replace("acme", "upper"),
    )
    .unwrap();
    fs::write(dir.path().join("linchpin.toml"), "").unwrap();
    fs::write(dir.path().join("linchpin.db"), "not a landscape").unwrap();
    fs::create_dir(dir.path().join("generated")).unwrap();
    fs::write(dir.path().join("generated/x.yaml"), "not: [valid").unwrap();
    fs::write(dir.path().join(".gitignore"), "generated/\n").unwrap();
    let names = |files: Vec<std::path::PathBuf>| -> Vec<String> {
        let mut n: Vec<String> = files
            .iter()
            .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        n.sort();
        n
    };
    assert_eq!(
        names(linchpin_loader::landscape_files(dir.path())),
        ["Upper.YAML", "acme.yaml", "linchpin.toml"]
    );
    let loaded = load(dir.path(), &LoadOptions::default()).unwrap();
    assert_eq!(loaded.catalog.len(), 2, "{:?}", loaded.diagnostics);
    assert_eq!(
        names(linchpin_loader::landscape_files(
            &dir.path().join("acme.yaml")
        )),
        ["acme.yaml", "linchpin.toml"]
    );
}

#[test]
fn a_single_file_is_a_landscape_and_its_locations_are_followed() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("more")).unwrap();
    fs::write(dir.path().join("more/acme.yaml"), SUPPLIER).unwrap();
    fs::write(
        dir.path().join("catalog-info.yaml"),
        "apiVersion: backstage.io/v1alpha1
kind: Location
metadata:
  name: root
spec:
  targets: [./more/acme.yaml]
",
    )
    .unwrap();
    fs::write(dir.path().join("ignored.yaml"), "kind: [").unwrap();
    let loaded = load(
        &dir.path().join("catalog-info.yaml"),
        &LoadOptions::default(),
    )
    .unwrap();
    assert_eq!(loaded.catalog.len(), 2);
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
}

fn component(name: &str) -> String {
    format!("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: {name}\nspec:\n  type: library\n  lifecycle: production\n  owner: group:t\n")
}

#[test]
fn glob_location_targets_load_every_file_they_match_inside_the_landscape() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    for (path, text) in [
        ("plugins/a/catalog-info.yaml", component("plugin-a")),
        ("plugins/b/catalog-info.yaml", component("plugin-b")),
        ("plugins/b/nested/deep/catalog-info.yaml", component("plugin-deep")),
        ("plugins/b/other.yaml", component("not-matched")),
        ("plugins/.hidden/catalog-info.yaml", component("hidden")),
        ("teams/t.yaml", "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: t\nspec:\n  type: team\n  children: []\n".to_owned()),
        ("teams/u.yml", component("in-teams")),
    ] {
        let p = root.join(path);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }
    fs::write(dir.path().join("outside.yaml"), component("outside")).unwrap();
    fs::write(
        root.join("catalog-info.yaml"),
        "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets:\n    - ./plugins/**/catalog-info.yaml\n    - ./teams/*.{yaml,yml}\n    - ../*.yaml\n    - ./nothing/*.yaml\n",
    )
    .unwrap();
    // Pointed at the root file, as Backstage reads a catalog: the globs are
    // what brings the rest in.
    let loaded = load(&root.join("catalog-info.yaml"), &LoadOptions::default()).unwrap();
    let mut names: Vec<String> = loaded
        .catalog
        .entities()
        .iter()
        .map(|e| e.entity_ref.name.to_string())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "in-teams",
            "plugin-a",
            "plugin-b",
            "plugin-deep",
            "root",
            "t"
        ]
    );
    let problems: Vec<(&str, &str)> = loaded
        .diagnostics
        .iter()
        .map(|d| (d.code, d.message.as_str()))
        .collect();
    assert_eq!(
        problems,
        [
            (
                "location-outside-root",
                "`../*.yaml` lies outside the landscape folder and was not loaded"
            ),
            (
                "location-target-missing",
                "`./nothing/*.yaml` matches no file"
            ),
        ]
    );
}

#[cfg(unix)]
#[test]
fn a_link_to_a_file_outside_the_landscape_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("landscape");
    fs::create_dir(&root).unwrap();
    fs::write(root.join("ok.yaml"), SUPPLIER).unwrap();
    // A secret beside the landscape, and a `.yaml` link to it.
    fs::write(dir.path().join("secret.txt"), "password: hunter2\n").unwrap();
    std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("evil.yaml")).unwrap();
    // A link inside the landscape is fine.
    fs::create_dir(root.join("more")).unwrap();
    std::os::unix::fs::symlink(root.join("ok.yaml"), root.join("more/alias.yaml")).unwrap();
    let loaded = load(&root, &LoadOptions::default()).unwrap();
    assert_eq!(loaded.catalog.len(), 1);
    let codes: Vec<_> = loaded.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["symlink-outside-root"]);
    assert!(!loaded
        .sources
        .get(loaded.diagnostics[0].file.unwrap())
        .text
        .contains("hunter2"));
    assert!(loaded
        .diagnostics
        .iter()
        .all(|d| !d.message.contains("hunter2")));
}

/// `[notify]` of `linchpin.toml`: every setting read, defaults where
/// absent; a password, an unknown key and a wrong value are diagnostics at
/// their line, never a crash.
#[test]
fn the_notify_section_is_read_and_checked() {
    use linchpin_model::config::{Digest, SmtpSecurity};
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("acme.yaml"), SUPPLIER).unwrap();
    fs::write(
        dir.path().join("linchpin.toml"),
        "[notify]\ndigest = \"weekly:tuesday\"\nhour = 8\nquiet-days = [\"sunday\"]\nadmins = [\"ops@example.com\"]\n\n[notify.teams]\npayments = [\"pay@example.com\", \"oncall@example.com\"]\n\n[notify.smtp]\nhost = \"smtp.example.com\"\nusername = \"linchpin\"\npassword-env = \"SMTP_PASSWORD\"\nfrom = \"Linchpin <linchpin@example.com>\"\n",
    )
    .unwrap();
    let loaded = load(dir.path(), &LoadOptions::default()).unwrap();
    assert!(loaded.diagnostics.is_empty(), "{:#?}", loaded.diagnostics);
    let n = &loaded.config.notify;
    assert_eq!(n.digest, Digest::Weekly(1));
    assert_eq!(n.hour, 8);
    assert_eq!(n.quiet_days, [6]);
    assert!(n.immediate);
    assert_eq!(n.admins, ["ops@example.com"]);
    assert_eq!(
        n.teams["payments"],
        ["pay@example.com", "oncall@example.com"]
    );
    let smtp = n.smtp.as_ref().unwrap();
    assert_eq!(
        (smtp.host.as_str(), smtp.port, smtp.security),
        ("smtp.example.com", 587, SmtpSecurity::Starttls)
    );
    assert_eq!(smtp.password_env.as_deref(), Some("SMTP_PASSWORD"));

    fs::write(
        dir.path().join("linchpin.toml"),
        "[notify]\ndigest = \"hourly\"\nhuor = 8\n\n[notify.smtp]\nhost = \"smtp.example.com\"\nfrom = \"x@example.com\"\npassword = \"hunter2\"\nsecurity = \"ssl\"\n",
    )
    .unwrap();
    let loaded = load(dir.path(), &LoadOptions::default()).unwrap();
    let said: Vec<(u32, &str, String)> = loaded
        .diagnostics
        .iter()
        .map(|d| (d.span.map_or(0, |s| s.line), d.code, d.message.clone()))
        .collect();
    assert!(
        said.iter()
            .any(|(l, c, m)| *l == 2 && *c == "config-invalid" && m.contains("\"hourly\"")),
        "{said:#?}"
    );
    assert!(
        said.iter()
            .any(|(l, c, _)| *l == 3 && *c == "config-unknown-key"),
        "{said:#?}"
    );
    assert!(
        loaded
            .diagnostics
            .iter()
            .any(|d| d.help.as_deref().is_some_and(|h| h.contains("`hour`"))),
        "{said:#?}"
    );
    assert!(
        said.iter()
            .any(|(l, c, m)| *l == 8 && *c == "config-invalid" && m.contains("does not belong")),
        "{said:#?}"
    );
    assert!(
        said.iter()
            .any(|(l, _, m)| *l == 9 && m.contains("\"ssl\"")),
        "{said:#?}"
    );
    // The secret is nowhere in what is said.
    assert!(
        !said.iter().any(|(_, _, m)| m.contains("hunter2")),
        "{said:#?}"
    );
}

/// `[[notify.webhook]]`: each read; a secret in the file, a bad URL, an
/// unknown format or event are diagnostics.
#[test]
fn webhooks_are_read_and_checked() {
    use linchpin_model::config::{WebhookFormat, WebhookUrl};
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("acme.yaml"), SUPPLIER).unwrap();
    fs::write(
        dir.path().join("linchpin.toml"),
        "[[notify.webhook]]\nurl = \"https://ops.example.com/hook\"\nsecret-env = \"HOOK_SECRET\"\nevents = [\"digest\"]\n\n[[notify.webhook]]\nurl-env = \"SLACK_URL\"\nformat = \"chat\"\n",
    )
    .unwrap();
    let loaded = load(dir.path(), &LoadOptions::default()).unwrap();
    assert!(loaded.diagnostics.is_empty(), "{:#?}", loaded.diagnostics);
    let hooks = &loaded.config.notify.webhooks;
    assert_eq!(hooks.len(), 2);
    assert_eq!(
        hooks[0].url,
        WebhookUrl::Url("https://ops.example.com/hook".into())
    );
    assert_eq!(hooks[0].secret_env.as_deref(), Some("HOOK_SECRET"));
    assert_eq!(hooks[0].events, ["digest"]);
    assert_eq!(hooks[1].url, WebhookUrl::Env("SLACK_URL".into()));
    assert_eq!(hooks[1].format, WebhookFormat::Chat);

    fs::write(
        dir.path().join("linchpin.toml"),
        "[[notify.webhook]]\nurl = \"file:///etc/passwd\"\nsecret = \"hunter2\"\nformat = \"xml\"\nevents = [\"everything\"]\n",
    )
    .unwrap();
    let loaded = load(dir.path(), &LoadOptions::default()).unwrap();
    let said: Vec<(u32, &str)> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.code == "config-invalid")
        .map(|d| (d.span.map_or(0, |s| s.line), d.message.as_str()))
        .collect();
    for (line, words) in [
        (2, "http(s) address"),
        (3, "does not belong"),
        (4, "\"xml\""),
        (5, "`events` lists"),
    ] {
        assert!(
            said.iter().any(|(l, m)| *l == line && m.contains(words)),
            "{line} {words}: {said:#?}"
        );
    }
    assert!(
        said.iter().any(|(_, m)| m.contains("needs `url`")),
        "{said:#?}"
    );
    assert!(
        !said.iter().any(|(_, m)| m.contains("hunter2")),
        "{said:#?}"
    );
    assert!(loaded.config.notify.webhooks.is_empty());
}
