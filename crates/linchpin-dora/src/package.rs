//! Reading a report package: a `.zip` or a folder, holding one folder named
//! like the package.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

/// The files of a package, by path inside its top folder (`reports/b_01.01.csv`).
#[derive(Debug, Clone, Default)]
pub struct Package {
    /// The top folder's name (the package name).
    pub name: String,
    /// The files, by path under the top folder.
    pub files: BTreeMap<String, Vec<u8>>,
}

/// Reads a package from a `.zip` file or a folder (the top folder itself, or
/// the folder holding it).
#[allow(clippy::disallowed_methods)] // reading the package the user names
pub fn read(path: &Path) -> Result<Package, String> {
    let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
    if path.is_dir() {
        collect_dir(path, path, &mut entries)?;
    } else {
        let file = std::fs::File::open(path)
            .map_err(|e| format!("cannot open `{}`: {e}", path.display()))?;
        let mut archive = zip::ZipArchive::new(file)
            .map_err(|e| format!("`{}` is not a zip archive: {e}", path.display()))?;
        for i in 0..archive.len() {
            let mut f = archive
                .by_index(i)
                .map_err(|e| format!("cannot read the archive: {e}"))?;
            if f.is_dir() {
                continue;
            }
            let name = f
                .name()
                .map_err(|e| format!("an entry of the archive has no readable name: {e}"))?
                .replace('\\', "/");
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes)
                .map_err(|e| format!("cannot read `{name}` in the archive: {e}"))?;
            entries.push((name, bytes));
        }
    }
    // One top folder holds everything; a folder given as the package itself has none.
    let tops: std::collections::BTreeSet<&str> = entries
        .iter()
        .filter_map(|(p, _)| p.split_once('/').map(|(t, _)| t))
        .collect();
    let nested = tops.len() == 1
        && entries.iter().all(|(p, _)| p.contains('/'))
        && !entries
            .iter()
            .any(|(p, _)| p.starts_with("META-INF/") || p.starts_with("reports/"));
    let (name, strip) = if nested {
        let top = tops.into_iter().next().unwrap_or_default().to_owned();
        (top.clone(), format!("{top}/"))
    } else {
        let base = path
            .file_name()
            .map(|n| n.to_string_lossy().trim_end_matches(".zip").to_owned())
            .unwrap_or_default();
        (base, String::new())
    };
    let files = entries
        .into_iter()
        .map(|(p, b)| (p.strip_prefix(&strip).unwrap_or(&p).to_owned(), b))
        .collect();
    Ok(Package { name, files })
}

#[allow(clippy::disallowed_methods)]
fn collect_dir(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) -> Result<(), String> {
    let mut items: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?
        .filter_map(Result::ok)
        .collect();
    items.sort_by_key(|e| e.file_name());
    for item in items {
        let p = item.path();
        if p.is_dir() {
            collect_dir(root, &p, out)?;
        } else {
            let rel = p
                .strip_prefix(root)
                .unwrap_or(&p)
                .to_string_lossy()
                .replace('\\', "/");
            let bytes =
                std::fs::read(&p).map_err(|e| format!("cannot read `{}`: {e}", p.display()))?;
            out.push((rel, bytes));
        }
    }
    Ok(())
}

/// The package as a `.zip`: every file under one top folder named like the
/// package, as the EBA's sample is laid out.
pub fn to_zip(pkg: &Package) -> Result<Vec<u8>, String> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (path, bytes) in &pkg.files {
        zip.start_file(format!("{}/{path}", pkg.name), options)
            .map_err(|e| format!("cannot add `{path}` to the archive: {e}"))?;
        zip.write_all(bytes)
            .map_err(|e| format!("cannot add `{path}` to the archive: {e}"))?;
    }
    let cursor = zip
        .finish()
        .map_err(|e| format!("cannot finish the archive: {e}"))?;
    Ok(cursor.into_inner())
}
