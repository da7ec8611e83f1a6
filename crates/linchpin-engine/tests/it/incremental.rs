//! The ranking after a change, from the ranking before it, is the ranking
//! of the changed landscape: on generated landscapes, for changes of every
//! kind a pull request makes.

use linchpin_engine::incremental::{rank_after_change, touched};
use linchpin_engine::{rank, ImpactGraph};
use linchpin_loader::{load, LoadOptions, Loaded};
use linchpin_model::{Date, Spec};
use linchpin_synth::{generate, Config};

fn write(files: &[(String, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

fn loaded(files: &[(String, String)]) -> Loaded {
    let dir = write(files);
    let l = load(dir.path(), &LoadOptions::default()).unwrap();
    let errors: Vec<_> = l
        .diagnostics
        .iter()
        .filter(|d| d.severity == linchpin_diagnostics::Severity::Error)
        .map(|d| d.message.clone())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    l
}

/// Replaces the `nth` occurrence (0-based) of `from` in the landscape.
fn edit(files: &[(String, String)], from: &str, to: &str, nth: usize) -> Vec<(String, String)> {
    let mut seen = 0;
    files
        .iter()
        .map(|(path, text)| {
            let mut out = String::new();
            let mut rest = text.as_str();
            while let Some(i) = rest.find(from) {
                out.push_str(&rest[..i]);
                out.push_str(if seen == nth { to } else { from });
                seen += 1;
                rest = &rest[i + from.len()..];
            }
            out.push_str(rest);
            (path.clone(), out)
        })
        .collect()
}

#[test]
fn the_ranking_after_a_change_is_the_ranking_of_the_changed_landscape() {
    let today = Date::from_ymd(2026, 11, 28).unwrap();
    let files: Vec<(String, String)> = generate(&Config {
        entities: 3000,
        seed: 7,
        per_file: 100,
    })
    .into_iter()
    .map(|f| (f.path, f.text))
    .collect();
    let base = loaded(&files);
    let bg = ImpactGraph::new(&base.catalog);
    let base_ranking = rank(&base.catalog, &bg, today, 2);
    let new_supplier = "---\napiVersion: linchpin.dev/v1alpha1\nkind: Supplier\nmetadata:\n  name: brand-new\nspec:\n  type: saas\n";
    let changes: Vec<(&str, Vec<(String, String)>)> = vec![
        (
            "an edge becomes hard",
            edit(
                &files,
                "      impact: degraded\n",
                "      impact: down\n",
                3,
            ),
        ),
        (
            "a switchover gets longer",
            edit(
                &files,
                "      switchover: 60m\n",
                "      switchover: 9h\n",
                0,
            ),
        ),
        ("a component depends on a new supplier", {
            let mut f = edit(
                &files,
                "  dependsOn:\n    - component:",
                "  dependsOn:\n    - supplier:brand-new\n    - component:",
                5,
            );
            f.push((
                "suppliers/new.yaml".to_owned(),
                new_supplier.trim_start_matches("---\n").to_owned(),
            ));
            f
        }),
        (
            "a function becomes critical",
            edit(
                &files,
                "  criticality: important\n",
                "  criticality: critical\n",
                2,
            ),
        ),
        (
            "an entity is renamed away",
            edit(
                &files,
                "  name: component-5\n",
                "  name: component-5-renamed\n",
                0,
            ),
        ),
        (
            "a component leaves its system",
            edit(&files, "  system: system-0\n", "", 0),
        ),
        ("nothing", files.clone()),
    ];
    let mut reused_somewhere = false;
    let mut tested = Vec::new();
    for (what, changed) in changes {
        let head = match std::panic::catch_unwind(|| loaded(&changed)) {
            Ok(h) => h,
            Err(_) => continue, // a change the generator's text does not allow; the others cover the kinds
        };
        let hg = ImpactGraph::new(&head.catalog);
        // The graph is kept exactly when nothing it is built from changed
        // (a renamed entity keeps its place, and no edge named it).
        let same = ImpactGraph::same_input(&base.catalog, &head.catalog);
        assert_eq!(
            same,
            [
                "nothing",
                "a function becomes critical",
                "an entity is renamed away"
            ]
            .contains(&what),
            "{what}"
        );
        if same {
            assert_eq!(format!("{bg:?}"), format!("{hg:?}"), "{what}");
        }
        let full = rank(&head.catalog, &hg, today, 2);
        let incremental = rank_after_change(
            &base.catalog,
            &bg,
            &base_ranking,
            &head.catalog,
            &hg,
            today,
            2,
        );
        assert_eq!(format!("{full:?}"), format!("{incremental:?}"), "{what}");
        let t = touched(&base.catalog, &bg, &head.catalog, &hg);
        let suppliers: Vec<usize> = head
            .catalog
            .iter()
            .filter(|(_, e)| matches!(e.spec, Spec::Supplier(_)))
            .map(|(id, _)| id.index())
            .collect();
        let recomputed = suppliers.iter().filter(|&&s| t[s]).count();
        if what == "nothing" {
            assert_eq!(recomputed, 0, "no change, nothing propagated again");
        }
        reused_somewhere |= recomputed < suppliers.len();
        tested.push(what);
    }
    assert!(reused_somewhere);
    assert_eq!(tested.len(), 7, "every change loads: {tested:?}");
}

#[test]
fn an_edge_removed_is_seen_from_the_side_that_had_it() {
    let today = Date::from_ymd(2026, 11, 28).unwrap();
    let landscape = |deps: &str| -> Vec<(String, String)> {
        vec![(
            "l.yaml".to_owned(),
            format!(
                "apiVersion: linchpin.dev/v1alpha1\nkind: BusinessFunction\nmetadata:\n  name: f\nspec:\n  criticality: critical\n  owner: group:t\n  dependsOn: [component:a]\n---\n\
apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\nspec:\n  type: service\n  lifecycle: production\n  owner: group:t\n  dependsOn: [{deps}]\n---\n\
apiVersion: linchpin.dev/v1alpha1\nkind: Supplier\nmetadata:\n  name: s\nspec:\n  type: saas\n---\n\
apiVersion: linchpin.dev/v1alpha1\nkind: Supplier\nmetadata:\n  name: t2\nspec:\n  type: saas\n---\n\
apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: t\nspec:\n  type: team\n  children: []\n"
            ),
        )]
    };
    for (before, after) in [
        ("supplier:s, supplier:t2", "supplier:t2"),
        ("supplier:t2", "supplier:s, supplier:t2"),
    ] {
        let base = loaded(&landscape(before));
        let head = loaded(&landscape(after));
        let (bg, hg) = (
            ImpactGraph::new(&base.catalog),
            ImpactGraph::new(&head.catalog),
        );
        let base_ranking = rank(&base.catalog, &bg, today, 1);
        let full = rank(&head.catalog, &hg, today, 1);
        let incremental = rank_after_change(
            &base.catalog,
            &bg,
            &base_ranking,
            &head.catalog,
            &hg,
            today,
            1,
        );
        assert_eq!(
            format!("{full:?}"),
            format!("{incremental:?}"),
            "{before} → {after}"
        );
    }
}
