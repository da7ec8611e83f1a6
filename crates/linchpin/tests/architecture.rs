//! The code's shape, checked: inside every crate of the workspace, the
//! modules import each other one way only — no two files import each
//! other, directly or around a circle (ARCHITECTURE.md, "Layers").
//!
//! A module is a file under `src/` (`a/mod.rs` and `a.rs` are module `a`,
//! `lib.rs` and `main.rs` the crate root). An import is a path that names
//! another module: `crate::a::…`, `super::…`, or a child's `b::…`. The
//! crate root may re-export its modules, so a module must not use items
//! defined in the root. Test modules (`#[cfg(test)] mod tests`) are left
//! out: they look at their parent by design.

#![allow(clippy::disallowed_methods)] // a test of the source files: it reads them

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Module = Vec<String>;

fn modules(src: &Path) -> BTreeMap<Module, PathBuf> {
    let mut out = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|x| x != "rs") {
                continue;
            }
            let rel = path.strip_prefix(src).unwrap().with_extension("");
            let mut parts: Module = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if matches!(
                parts.last().map(String::as_str),
                Some("mod" | "lib" | "main")
            ) {
                parts.pop();
            }
            out.insert(parts, path);
        }
    }
    out
}

/// The file's code without comments and without its test module; for the
/// crate root also without its module declarations and re-exports (the
/// root is the crate's facade: what it re-exports is not an import).
fn code(path: &Path, root: bool) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => &text[..],
    };
    let text = text
        .lines()
        .map(|l| match l.find("//") {
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n");
    if !root {
        return text;
    }
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find("pub use ") {
        out.push_str(&rest[..i]);
        rest = rest[i..].find(';').map_or("", |j| &rest[i + j + 1..]);
    }
    out.push_str(rest);
    out
}

fn ident_at(s: &str) -> Option<&str> {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    let id = &s[..end];
    (end > 0 && id.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')).then_some(id)
}

/// The module path that `base` followed by the path `rest` names: the
/// longest prefix that is a module, for each item of a `{…}` group.
fn resolve(base: &Module, rest: &str, all: &BTreeMap<Module, PathBuf>, out: &mut BTreeSet<Module>) {
    let mut cur = base.clone();
    let mut rest = rest.trim_start();
    loop {
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut item = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        resolve(&cur, &item, all, out);
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                item.push(c);
            }
            resolve(&cur, &item, all, out);
            return;
        }
        let Some(id) = ident_at(rest) else { break };
        if id == "self" {
            break;
        }
        let mut next = cur.clone();
        next.push(id.to_owned());
        if !all.contains_key(&next) {
            break;
        }
        cur = next;
        match rest[id.len()..].strip_prefix("::") {
            Some(r) => rest = r.trim_start(),
            None => break,
        }
    }
    out.insert(cur);
}

/// The modules `module`'s file names.
fn imports(module: &Module, text: &str, all: &BTreeMap<Module, PathBuf>) -> BTreeSet<Module> {
    let mut out = BTreeSet::new();
    let bytes = text.as_bytes();
    for (i, _) in text.match_indices("::") {
        // The identifier before `::`.
        let start = text[..i]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(0, |j| j + 1);
        if start > 0 && bytes[start - 1] == b':' {
            continue; // the middle of a longer path
        }
        let head = &text[start..i];
        let rest = &text[i + 2..];
        match head {
            "crate" => resolve(&Vec::new(), rest, all, &mut out),
            "super" => {
                let mut parent = module.clone();
                parent.pop();
                let mut rest = rest;
                while let Some(r) = rest.strip_prefix("super::") {
                    parent.pop();
                    rest = r;
                }
                resolve(&parent, rest, all, &mut out);
            }
            _ => {
                let mut child = module.clone();
                child.push(head.to_owned());
                if all.contains_key(&child) {
                    resolve(&child, rest, all, &mut out);
                }
            }
        }
    }
    out.remove(module);
    out
}

/// Circles among the modules (Tarjan's strongly connected components of
/// more than one module).
fn circles(edges: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
    struct T<'a> {
        edges: &'a BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<Module, usize>,
        low: BTreeMap<Module, usize>,
        stack: Vec<Module>,
        out: Vec<Vec<Module>>,
    }
    fn visit(t: &mut T<'_>, v: &Module) {
        let n = t.index.len();
        t.index.insert(v.clone(), n);
        t.low.insert(v.clone(), n);
        t.stack.push(v.clone());
        for w in t.edges.get(v).into_iter().flatten() {
            if !t.index.contains_key(w) {
                visit(t, w);
                let lw = t.low[w];
                let lv = t.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if t.stack.contains(w) {
                let iw = t.index[w];
                let lv = t.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if t.low[v] == t.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = t.stack.pop() {
                let done = &w == v;
                comp.push(w);
                if done {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                t.out.push(comp);
            }
        }
    }
    let mut t = T {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !t.index.contains_key(v) {
            visit(&mut t, v);
        }
    }
    t.out
}

fn name(m: &Module) -> String {
    if m.is_empty() {
        "(crate root)".to_owned()
    } else {
        m.join("::")
    }
}

#[test]
fn no_two_modules_of_a_crate_import_each_other() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut problems = Vec::new();
    let mut checked = 0;
    for entry in std::fs::read_dir(&crates).unwrap() {
        let src = entry.unwrap().path().join("src");
        if !src.is_dir() {
            continue;
        }
        let all = modules(&src);
        let edges: BTreeMap<Module, BTreeSet<Module>> = all
            .iter()
            .map(|(m, path)| (m.clone(), imports(m, &code(path, m.is_empty()), &all)))
            .collect();
        checked += all.len();
        for circle in circles(&edges) {
            let names: Vec<String> = circle.iter().map(name).collect();
            problems.push(format!("{}: {}", src.display(), names.join(" ⇄ ")));
        }
    }
    assert!(checked > 50, "only {checked} modules found");
    assert!(
        problems.is_empty(),
        "modules that import each other (make one of them the lower layer):\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_checker_sees_a_circle() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    std::fs::write(src.join("lib.rs"), "pub mod a;\npub mod b;\n").unwrap();
    std::fs::create_dir(src.join("b")).unwrap();
    std::fs::write(src.join("a.rs"), "use crate::b::c::f;\n").unwrap();
    std::fs::write(src.join("b/mod.rs"), "pub mod c;\n").unwrap();
    std::fs::write(
        src.join("b/c.rs"),
        "pub fn f() { super::super::a::g() }\n// crate::nothing\n",
    )
    .unwrap();
    let all = modules(src);
    let edges: BTreeMap<Module, BTreeSet<Module>> = all
        .iter()
        .map(|(m, path)| (m.clone(), imports(m, &code(path, m.is_empty()), &all)))
        .collect();
    assert_eq!(
        edges[&vec!["a".to_owned()]],
        BTreeSet::from([vec!["b".to_owned(), "c".to_owned()]])
    );
    let found = circles(&edges);
    assert_eq!(found.len(), 1, "{edges:?}");
}

/// The server's layers (its `lib.rs`): storage (`db`) imports nothing of
/// the crate; the domain imports neither HTTP nor views; the views do not
/// import HTTP; nothing but the binary's entry points imports `server`.
#[test]
fn the_server_imports_downwards_only() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../linchpin-server/src");
    let all = modules(&src);
    let layer = |m: &Module| m.first().map_or("", String::as_str).to_owned();
    let forbidden: &[(&str, &[&str])] = &[
        ("db", &["access", "domain", "views", "http", "server"]),
        ("domain", &["views", "http", "server"]),
        ("views", &["http", "server"]),
        ("http", &["server"]),
    ];
    let mut problems = Vec::new();
    for (m, path) in &all {
        let from = layer(m);
        let Some((_, above)) = forbidden.iter().find(|(l, _)| *l == from) else {
            continue;
        };
        for target in imports(m, &code(path, m.is_empty()), &all) {
            if above.contains(&layer(&target).as_str()) {
                problems.push(format!("{} imports {}", name(m), name(&target)));
            }
        }
    }
    assert!(all.len() > 15, "the server's modules were not found");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
