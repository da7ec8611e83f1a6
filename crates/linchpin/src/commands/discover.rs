//! `linchpin discover`.

use crate::cli::{CheckFormat, DiscoverArgs, FailOn, MinConfidence};
use crate::output::{print_stdout, write_atomic};
use anyhow::{bail, Context};
use linchpin_diagnostics::{codes, Severity};
use linchpin_discover::catalog::VendorCatalog;
use linchpin_discover::report::{drift, group, Confidence, Drift, Found};
use linchpin_discover::scan::{scan, ScanOptions, ScanResult};
use linchpin_loader::{load, LoadOptions, Loaded};
use serde_json::json;
use std::process::ExitCode;

pub fn run(args: &DiscoverArgs) -> anyhow::Result<ExitCode> {
    let mut catalog = VendorCatalog::builtin()
        .map_err(|e| anyhow::anyhow!("the vendor catalog is broken: {e}"))?;
    let landscape: Option<Loaded> = match &args.landscape {
        Some(dir) => {
            let loaded = load(dir, &LoadOptions::default()).context("cannot read the landscape")?;
            catalog.extend_from(&loaded.catalog);
            Some(loaded)
        }
        None => None,
    };
    for p in &args.paths {
        if !p.exists() {
            bail!("cannot scan `{}`: it does not exist", p.display());
        }
    }
    let progress = std::sync::Arc::new(linchpin_discover::scan::Progress::default());
    let options = ScanOptions {
        no_ignore: args.no_ignore,
        hidden: args.hidden,
        progress: Some(progress.clone()),
        ..ScanOptions::default()
    };
    let result = crate::output::with_progress(&progress, || scan(&args.paths, &catalog, &options));
    catalog.add_unknown_publishers(&result.evidence);
    let mut found = group(result.evidence.clone());
    let mut drift = landscape
        .as_ref()
        .map(|l| drift(&mut found, &l.catalog, &catalog));
    // Below the confidence asked for, an undeclared vendor is not reported
    // (a hostname in one file is often a link in a comment); a declared one
    // is, and every trace counted for `unseen` above.
    let min = match args.min_confidence {
        MinConfidence::Low => Confidence::Low,
        MinConfidence::Medium => Confidence::Medium,
        MinConfidence::High => Confidence::High,
    };
    let before = found.len();
    found.retain(|f| f.supplier.is_some() || f.confidence <= min);
    let below = before - found.len();
    if let Some(d) = &mut drift {
        d.undeclared
            .retain(|v| found.iter().any(|f| &f.vendor == v));
    }
    let severity = |id: &str| {
        landscape
            .as_ref()
            .map_or(Some(codes::default_severity(id)), |l| {
                l.config.severity_of(id)
            })
    };

    if let (Some(dir), Some(d)) = (&args.write, &drift) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create `{}`", dir.display()))?;
        for vendor in &d.undeclared {
            let Some(v) = catalog.get(vendor) else {
                continue;
            };
            let path = dir.join(format!("{}.yaml", v.id));
            if path.exists() {
                continue;
            }
            let mut text = format!(
                "# Scaffolded by `linchpin discover` from the vendor catalog: check the facts,\n# set the owner, and make the components that use it depend on it.\napiVersion: linchpin.dev/v1alpha1\nkind: Supplier\nmetadata:\n  name: {}\n  title: {}\n  annotations:\n    linchpin.dev/vendor: {}\nspec:\n  type: {}\n",
                v.id,
                yaml_string(&v.name),
                v.id,
                v.supplier_type,
            );
            // An action owner's country is not known from its actions.
            if !v.country.is_empty() {
                text.push_str(&format!("  country: {}\n", v.country));
            }
            write_atomic(&path, &text)
                .with_context(|| format!("cannot write `{}`", path.display()))?;
        }
    }

    let text = match args.format {
        CheckFormat::Human => human(
            &found,
            &result,
            drift.as_ref(),
            landscape.as_ref(),
            &catalog,
            below,
        ),
        CheckFormat::Json => json_output(
            &found,
            &result,
            drift.as_ref(),
            landscape.as_ref(),
            &catalog,
            below,
        )?,
        CheckFormat::Sarif => sarif(&found, drift.as_ref(), landscape.as_ref(), &severity)?,
    };
    print_stdout(&text)?;
    let fails = |id: &str, count: usize| {
        let sev = severity(id);
        count > 0
            && (sev == Some(Severity::Error)
                || (args.fail_on == FailOn::Warning && sev == Some(Severity::Warning)))
    };
    let failing = drift.as_ref().is_some_and(|d| {
        fails("undeclared-supplier", d.undeclared.len())
            || fails("unpinned-ci-action", d.unpinned_actions.len())
    });
    Ok(if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn yaml_string(s: &str) -> String {
    if s.chars().any(|c| ":#{}[],&*?|<>=!%@`'\"".contains(c)) {
        format!("\"{}\"", s.replace('"', "'"))
    } else {
        s.to_owned()
    }
}

fn human(
    found: &[Found],
    r: &ScanResult,
    drift: Option<&Drift>,
    landscape: Option<&Loaded>,
    catalog: &VendorCatalog,
    below: usize,
) -> String {
    let mut out = String::new();
    for f in found {
        let name = catalog
            .get(&f.vendor)
            .map_or(f.vendor.as_str(), |v| v.name.as_str());
        let status = match (drift, f.supplier) {
            (None, _) => String::new(),
            (Some(_), Some(_)) => " — declared".to_owned(),
            (Some(_), None) => " — NOT IN THE LANDSCAPE (undeclared-supplier)".to_owned(),
        };
        out.push_str(&format!(
            "{} ({name}): {} confidence{status}\n",
            f.vendor,
            f.confidence.as_str()
        ));
        for e in f.evidence.iter().take(12) {
            let mut times = if e.count > 1 {
                format!(" (×{})", e.count)
            } else {
                String::new()
            };
            match e.pinned {
                Some(true) => times.push_str(" (pinned to a commit)"),
                Some(false) => times.push_str(" (NOT PINNED: a tag or branch its owner can move)"),
                None => {}
            }
            out.push_str(&format!(
                "  {}:{}  {:<18} {}{times}\n",
                e.file,
                e.line,
                e.kind.as_str(),
                e.value
            ));
        }
        if f.evidence.len() > 12 {
            out.push_str(&format!("  … and {} more\n", f.evidence.len() - 12));
        }
    }
    if let (Some(d), Some(l)) = (drift, landscape) {
        for (component, supplier, e) in &d.undeclared_dependencies {
            out.push_str(&format!(
                "\nwarning[undeclared-dependency]: {} uses {} ({}:{} {} {}) but does not depend on it\n",
                l.catalog.entity(*component).entity_ref,
                l.catalog.entity(*supplier).entity_ref,
                e.file,
                e.line,
                e.kind.as_str(),
                e.value
            ));
        }
        for (component, function, e) in &d.unpinned_actions {
            out.push_str(&format!(
                "\nwarning[unpinned-ci-action]: `{}` runs by a tag or branch its owner can move, not a commit ({}:{}); {} depends on {}, whose pipeline this is\n",
                e.value,
                e.file,
                e.line,
                l.catalog.entity(*function).entity_ref,
                l.catalog.entity(*component).entity_ref,
            ));
        }
        if !d.unseen.is_empty() {
            let names: Vec<String> = d
                .unseen
                .iter()
                .map(|&id| l.catalog.entity(id).entity_ref.name.to_string())
                .collect();
            out.push_str(&format!(
                "\nDeclared but not seen in these paths (unseen-supplier): {}\n",
                names.join(", ")
            ));
        }
    }
    out.push_str(&format!(
        "\nscanned {} files ({} binary and {} too large skipped): {} vendors",
        r.files,
        r.binary,
        r.too_large,
        found.len()
    ));
    if let Some(d) = drift {
        out.push_str(&format!(", {} not in the landscape", d.undeclared.len()));
    }
    out.push('\n');
    if !r.own_domains.is_empty() {
        out.push_str(&format!(
            "the scanned project's own domain{} ({}) not counted as a vendor\n",
            if r.own_domains.len() == 1 { "" } else { "s" },
            r.own_domains.join(", ")
        ));
    }
    if below > 0 {
        out.push_str(&format!(
            "{below} more vendor{} found with less confidence not shown (--min-confidence low shows them)\n",
            if below == 1 { "" } else { "s" }
        ));
    }
    for (file, why) in &r.unreadable {
        out.push_str(&format!("warning: cannot read {file}: {why}\n"));
    }
    for (file, line, why) in &r.warnings {
        out.push_str(&format!("warning: {file}:{line}: {why}\n"));
    }
    if drift.is_some_and(|d| !d.undeclared.is_empty()) {
        out.push_str("\nhint: `--write DIR` scaffolds a Supplier file for each vendor not in the landscape\n");
    }
    out
}

fn json_output(
    found: &[Found],
    r: &ScanResult,
    drift: Option<&Drift>,
    landscape: Option<&Loaded>,
    catalog: &VendorCatalog,
    below: usize,
) -> anyhow::Result<String> {
    let doc = json!({
        "vendors": found.iter().map(|f| json!({
            "vendor": f.vendor,
            "name": catalog.get(&f.vendor).map(|v| v.name.as_str()),
            "confidence": f.confidence.as_str(),
            "supplier": f.supplier.and_then(|id| landscape.map(|l| l.catalog.entity(id).entity_ref.to_string())),
            "evidence": f.evidence.iter().map(|e| json!({
                "kind": e.kind.as_str(), "value": e.value, "file": e.file, "line": e.line, "count": e.count,
                "pinned": e.pinned,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "undeclared": drift.map(|d| d.undeclared.clone()),
        "unseen": drift.map(|d| d.unseen.iter().filter_map(|&id| landscape.map(|l| l.catalog.entity(id).entity_ref.to_string())).collect::<Vec<_>>()),
        "unpinnedActions": drift.map(|d| d.unpinned_actions.iter().filter_map(|(c, f, e)| landscape.map(|l| json!({
            "component": l.catalog.entity(*c).entity_ref.to_string(),
            "function": l.catalog.entity(*f).entity_ref.to_string(),
            "action": e.value, "file": e.file, "line": e.line,
        }))).collect::<Vec<_>>()),
        "undeclaredDependencies": drift.map(|d| d.undeclared_dependencies.iter().filter_map(|(c, s, e)| landscape.map(|l| json!({
            "component": l.catalog.entity(*c).entity_ref.to_string(),
            "supplier": l.catalog.entity(*s).entity_ref.to_string(),
            "file": e.file, "line": e.line, "kind": e.kind.as_str(), "value": e.value,
        }))).collect::<Vec<_>>()),
        "warnings": r.warnings.iter().map(|(file, line, message)| json!({ "file": file, "line": line, "message": message })).collect::<Vec<_>>(),
        "summary": { "files": r.files, "binary": r.binary, "tooLarge": r.too_large, "unreadable": r.unreadable.len(), "vendors": found.len(), "belowConfidence": below, "ownDomains": r.own_domains },
    });
    let mut t = serde_json::to_string_pretty(&doc)?;
    t.push('\n');
    Ok(t)
}

fn sarif(
    found: &[Found],
    drift: Option<&Drift>,
    landscape: Option<&Loaded>,
    severity: &dyn Fn(&str) -> Option<Severity>,
) -> anyhow::Result<String> {
    let level = |s: Severity| match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    };
    let mut results = Vec::new();
    if let Some(sev) = severity("undeclared-supplier") {
        for f in found
            .iter()
            .filter(|f| f.supplier.is_none() && drift.is_some())
        {
            let e = &f.evidence[0];
            results.push(json!({
                "ruleId": "undeclared-supplier",
                "level": level(sev),
                "message": { "text": format!("`{}` is used here ({} {}) but the landscape has no Supplier for it", f.vendor, e.kind.as_str(), e.value) },
                "locations": [{ "physicalLocation": { "artifactLocation": { "uri": e.file }, "region": { "startLine": e.line } } }],
                "partialFingerprints": { "linchpinFinding/v1": format!("undeclared-supplier|{}", f.vendor) },
            }));
        }
    }
    if let (Some(d), Some(l), Some(sev)) = (drift, landscape, severity("undeclared-dependency")) {
        for (component, supplier, e) in &d.undeclared_dependencies {
            results.push(json!({
                "ruleId": "undeclared-dependency",
                "level": level(sev),
                "message": { "text": format!("`{}` uses `{}` here but does not depend on it", l.catalog.entity(*component).entity_ref, l.catalog.entity(*supplier).entity_ref) },
                "locations": [{ "physicalLocation": { "artifactLocation": { "uri": e.file }, "region": { "startLine": e.line } } }],
            }));
        }
    }
    if let (Some(d), Some(l), Some(sev)) = (drift, landscape, severity("unpinned-ci-action")) {
        for (component, function, e) in &d.unpinned_actions {
            results.push(json!({
                "ruleId": "unpinned-ci-action",
                "level": level(sev),
                "message": { "text": format!("`{}` is run by a tag or branch its owner can move, not a commit; `{}` depends on `{}`, whose pipeline this is", e.value, l.catalog.entity(*function).entity_ref, l.catalog.entity(*component).entity_ref) },
                "locations": [{ "physicalLocation": { "artifactLocation": { "uri": e.file }, "region": { "startLine": e.line } } }],
                "partialFingerprints": { "linchpinFinding/v1": format!("unpinned-ci-action|{}|{}", e.file, e.value) },
            }));
        }
    }
    if let (Some(d), Some(l), Some(sev)) = (drift, landscape, severity("unseen-supplier")) {
        for &id in &d.unseen {
            let e = l.catalog.entity(id);
            results.push(json!({
                "ruleId": "unseen-supplier",
                "level": level(sev),
                "message": { "text": format!("`{}` is declared but left no evidence in the scanned paths", e.entity_ref) },
                "locations": [{ "physicalLocation": { "artifactLocation": { "uri": l.sources.path(e.span.file) }, "region": { "startLine": e.span.line } } }],
            }));
        }
    }
    let rules: Vec<_> = ["undeclared-supplier", "undeclared-dependency", "unpinned-ci-action", "unseen-supplier"]
        .iter()
        .filter_map(|id| codes::lookup(id))
        .map(|c| json!({ "id": c.code, "shortDescription": { "text": c.summary }, "help": { "text": c.explanation } }))
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{ "tool": { "driver": { "name": "linchpin discover", "version": env!("CARGO_PKG_VERSION"), "rules": rules } }, "results": results }],
    });
    let mut t = serde_json::to_string_pretty(&doc)?;
    t.push('\n');
    Ok(t)
}
