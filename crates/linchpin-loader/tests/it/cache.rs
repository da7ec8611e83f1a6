//! A load that reuses the files parsed by the load before gives exactly
//! what a load from nothing gives, whatever changed in between.

use linchpin_loader::{load, load_reusing, FileCache, LoadOptions, Loaded};

fn same(a: &Loaded, b: &Loaded, what: &str) {
    assert_eq!(
        format!("{:?}", a.catalog),
        format!("{:?}", b.catalog),
        "{what}"
    );
    assert_eq!(a.diagnostics, b.diagnostics, "{what}");
    let texts = |l: &Loaded| {
        (0..l.sources.len())
            .map(|i| {
                let f = l.sources.get(linchpin_diagnostics::FileId(i as u32));
                format!("{}\n{}", f.path, f.text)
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(texts(a), texts(b), "{what}");
}

fn supplier(name: &str) -> String {
    format!("apiVersion: linchpin.dev/v1alpha1\nkind: Supplier\nmetadata:\n  name: {name}\nspec:\n  type: saas\n")
}

#[test]
fn a_load_reusing_the_last_one_is_a_load_from_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |path: &str, text: &str| {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write("b.yaml", &supplier("bee"));
    write(
        "c.yaml",
        &format!("{}---\n{}", supplier("sea"), supplier("see")),
    );
    write("d.yaml", "kind: [unclosed\n");
    let mut cache = FileCache::default();
    let options = LoadOptions::default();
    let check = |cache: &mut FileCache, what: &str| {
        let fresh = load(root, &options).unwrap();
        let reused = load_reusing(root, &options, cache).unwrap();
        same(&fresh, &reused, what);
        // And once more, now that everything is in the cache.
        let again = load_reusing(root, &options, cache).unwrap();
        same(&fresh, &again, what);
        fresh
    };
    check(&mut cache, "the first load");
    assert_eq!(cache.len(), 3);

    write("c.yaml", &supplier("sea"));
    let l = check(&mut cache, "a file changed");
    assert_eq!(l.catalog.len(), 2);

    write("a.yaml", &supplier("ay"));
    check(
        &mut cache,
        "a file added before the others (their places shift)",
    );

    write("c.yaml", "");
    check(&mut cache, "a file emptied");

    std::fs::remove_file(root.join("b.yaml")).unwrap();
    check(&mut cache, "a file removed");
    assert_eq!(cache.len(), 3, "the removed file is not kept");

    write("d.yaml", &supplier("dee"));
    check(&mut cache, "a broken file mended");

    write("d.yaml", &format!("{}  unknownField: 1\n", supplier("dee")));
    let l = check(&mut cache, "a file with a warning");
    assert!(!l.diagnostics.is_empty());
}

/// Sets a file's text and modification time.
fn write_at(path: &std::path::Path, text: &str, time: std::time::SystemTime) {
    std::fs::write(path, text).unwrap();
    let f = std::fs::File::options().write(true).open(path).unwrap();
    f.set_modified(time).unwrap();
}

fn names(l: &Loaded) -> Vec<String> {
    l.catalog
        .iter()
        .map(|(_, e)| e.entity_ref.name.to_string())
        .collect()
}

#[test]
fn an_unchanged_file_is_not_read_and_a_changed_one_always_is() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.yaml");
    let options = LoadOptions::default();
    let mut cache = FileCache::default();
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    let load = |cache: &mut FileCache| names(&load_reusing(dir.path(), &options, cache).unwrap());

    write_at(&path, &supplier("bee"), hour_ago);
    // Times within seconds of a reading are not trusted (a file system
    // with coarse times could show them again after a second change).
    std::thread::sleep(std::time::Duration::from_millis(3300));
    assert_eq!(load(&mut cache), ["bee"]);
    assert_eq!(cache.unread(), 0, "the first load reads");
    assert_eq!(load(&mut cache), ["bee"]);
    assert_eq!(cache.unread(), 1, "nothing changed: not read");

    // The same size and the same modification time (a copy that keeps
    // times, an editor that puts them back): still seen, by the change
    // time and inode that Unix keeps.
    #[cfg(unix)]
    {
        write_at(&path, &supplier("bea"), hour_ago);
        assert_eq!(load(&mut cache), ["bea"]);
        assert_eq!(cache.unread(), 0);
        // Just written: read again at every load until its times are old.
        write_at(&path, &supplier("bez"), hour_ago);
        assert_eq!(load(&mut cache), ["bez"]);
        assert_eq!(load(&mut cache), ["bez"]);
        assert_eq!(cache.unread(), 0);
    }
}
