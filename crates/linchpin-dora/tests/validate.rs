//! The validator on packages written here (a minimal valid one, then one
//! break at a time) and on the EBA's sample package when it is beside the
//! project.
#![allow(clippy::disallowed_methods)] // tests read the EBA's files from disk

use linchpin_dora::package::Package;
use linchpin_dora::tables::{tables, ColumnType, Table};
use linchpin_dora::validate::{validate, Problem, Severity, CONDITIONS, DATE_ORDER, EXISTENCE};
use std::path::Path;

const LEI: &str = "506700GE1G29325QX363";
/// The provider's code: typed as an LEI, so it is one.
const PROVIDER: &str = "529900TESTPROVIDER26";
const NAME: &str = "506700GE1G29325QX363.CON_NL_DORA010100_DORA_2026-12-31_20270115093000123";

/// A row of well-formed values, with some columns set.
fn row(table: &Table, set: &[(&str, &str)]) -> Vec<String> {
    table
        .columns
        .iter()
        .map(|c| {
            if let Some((_, v)) = set.iter().find(|(k, _)| *k == c.code) {
                return (*v).to_owned();
            }
            match c.ty {
                ColumnType::String => "text".to_owned(),
                ColumnType::Enumeration => c.allowed.first().cloned().unwrap_or_default(),
                ColumnType::Date => "2026-01-01".to_owned(),
                ColumnType::Integer => "1".to_owned(),
                ColumnType::Monetary => "1000".to_owned(),
                ColumnType::Boolean => "true".to_owned(),
            }
        })
        .collect()
}

fn csv(table: &Table, rows: &[Vec<String>]) -> Vec<u8> {
    let mut s: Vec<String> = vec![table
        .columns
        .iter()
        .map(|c| c.code.as_str())
        .collect::<Vec<_>>()
        .join(",")];
    s.extend(rows.iter().map(|r| r.join(",")));
    (s.join("\r\n") + "\r\n").into_bytes()
}

/// The register of one entity with one arrangement with one provider, all
/// keys matching.
fn valid() -> Package {
    let all = tables();
    let t = |code: &str| all.iter().find(|t| t.code == code).unwrap().clone();
    let mut pkg = Package {
        name: NAME.to_owned(),
        ..Package::default()
    };
    let mut put = |path: &str, bytes: Vec<u8>| {
        pkg.files.insert(path.to_owned(), bytes);
    };
    put(
        "META-INF/reportPackage.json",
        br#"{"documentInfo":{"documentType":"https://xbrl.org/report-package/2023"}}"#.to_vec(),
    );
    put(
        "reports/report.json",
        br#"{"documentInfo":{"documentType":"https://xbrl.org/2021/xbrl-csv","extends":["http://www.eba.europa.eu/eu/fr/xbrl/crr/fws/dora/4.0/mod/dora.json"]}}"#.to_vec(),
    );
    put(
        "reports/parameters.csv",
        format!("name,value\r\nentityID,rs:{LEI}.CON\r\nrefPeriod,2026-12-31\r\nbaseCurrency,iso4217:EUR\r\ndecimalsInteger,0\r\ndecimalsMonetary,-3\r\n").into_bytes(),
    );
    let mut fi = String::from("templateID,reported\r\n");
    for table in &all {
        fi += &format!("{},true\r\n", table.code);
        let rows: Vec<Vec<String>> = match table.code.as_str() {
            "B_01.01" => vec![row(table, &[("c0010", LEI)])],
            "B_01.02" => vec![row(table, &[("c0010", LEI), ("c0060", LEI)])],
            "B_02.01" => vec![row(table, &[("c0010", "C-1"), ("c0030", "C-1")])],
            "B_03.02" => vec![row(table, &[("c0010", "C-1"), ("c0020", PROVIDER)])],
            "B_05.01" => vec![row(
                table,
                &[("c0010", PROVIDER), ("c0030", LEI), ("c0110", PROVIDER)],
            )],
            "B_06.01" => vec![row(table, &[("c0010", "F-1"), ("c0040", LEI)])],
            "B_01.03" => vec![row(table, &[("c0010", "BR-1"), ("c0020", LEI)])],
            "B_04.01" => vec![row(table, &[("c0010", "C-1"), ("c0020", LEI)])],
            "B_07.01" => vec![row(table, &[("c0010", "C-1"), ("c0020", PROVIDER)])],
            "B_02.02" => vec![row(
                table,
                &[
                    ("c0010", "C-1"),
                    ("c0020", LEI),
                    ("c0030", PROVIDER),
                    ("c0050", "F-1"),
                    ("c0080", "2027-12-31"),
                ],
            )],
            _ => vec![],
        };
        put(
            &format!("reports/{}", table.file),
            csv(&t(&table.code), &rows),
        );
    }
    put("reports/FilingIndicators.csv", fi.into_bytes());
    pkg
}

fn rules(problems: &[Problem]) -> Vec<&'static str> {
    let mut r: Vec<_> = problems.iter().map(|p| p.rule).collect();
    r.dedup();
    r
}

fn edit(pkg: &mut Package, file: &str, f: impl FnOnce(String) -> String) {
    let text = String::from_utf8(pkg.files.remove(file).unwrap()).unwrap();
    pkg.files.insert(file.to_owned(), f(text).into_bytes());
}

#[test]
fn a_consistent_register_passes() {
    let problems = validate(&valid());
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn each_break_is_found_where_it_is() {
    // A foreign key without a match, on line 2 of b_02.02.csv.
    let mut pkg = valid();
    edit(&mut pkg, "reports/b_02.02.csv", |t| t.replace("F-1", "F-9"));
    let p = validate(&pkg);
    assert_eq!(rules(&p), ["foreign-key"]);
    assert_eq!(
        (p[0].file.as_str(), p[0].line, p[0].column.as_deref()),
        ("reports/b_02.02.csv", Some(2), Some("c0050+c0020"))
    );

    // A duplicate key and a blank key cell.
    let mut pkg = valid();
    edit(&mut pkg, "reports/b_05.01.csv", |t| {
        let line = t.lines().nth(1).unwrap().to_owned();
        let blank = line.replacen(PROVIDER, "", 1);
        format!("{t}{line}\r\n{blank}\r\n")
    });
    let p = validate(&pkg);
    assert!(
        p.iter()
            .any(|x| x.rule == "duplicate-key" && x.line == Some(3)),
        "{p:#?}"
    );
    assert!(
        p.iter().any(|x| x.rule == "empty-key"
            && x.line == Some(4)
            && x.column.as_deref() == Some("c0010")),
        "{p:#?}"
    );

    // A date, an enumeration, a negative amount, a bad LEI.
    let mut pkg = valid();
    edit(&mut pkg, "reports/b_01.01.csv", |t| {
        t.replace("2026-01-01", "31/12/2026")
    });
    edit(&mut pkg, "reports/b_02.02.csv", |t| {
        t.replace("eba_TA:S01", "eba_TA:S99")
    });
    edit(&mut pkg, "reports/b_02.01.csv", |t| {
        t.replace(",1000", ",-1000")
    });
    edit(&mut pkg, "reports/b_06.01.csv", |t| {
        t.replace(LEI, "506700GE1G29325QX364")
    });
    let p = validate(&pkg);
    for rule in [
        "value-format",
        "negative-amount",
        "lei-format",
        "foreign-key",
    ] {
        assert!(p.iter().any(|x| x.rule == rule), "{rule}: {p:#?}");
    }

    // Conditional rules: a subsequent arrangement without its overarching one.
    let mut pkg = valid();
    edit(&mut pkg, "reports/b_02.01.csv", |t| {
        t.replace("C-1,eba_CO:x1,C-1", "C-1,eba_CO:x3,")
    });
    let p = validate(&pkg);
    assert_eq!(rules(&p), ["conditional"], "{p:#?}");
    assert_eq!(
        (p[0].line, p[0].column.as_deref()),
        (Some(2), Some("c0030"))
    );
    let mut pkg = valid();
    edit(&mut pkg, "reports/b_02.01.csv", |t| {
        t.replace("C-1,eba_CO:x1,C-1", "C-1,eba_CO:x3,C-1")
    });
    assert!(validate(&pkg).is_empty());

    // Layout: a missing template, a wrong module, a parameter disagreeing with the name.
    let mut pkg = valid();
    pkg.files.remove("reports/b_07.01.csv");
    edit(&mut pkg, "reports/report.json", |t| t.replace("4.0", "3.3"));
    edit(&mut pkg, "reports/parameters.csv", |t| {
        t.replace("2026-12-31", "2025-12-31")
    });
    let p = validate(&pkg);
    assert!(
        p.iter()
            .any(|x| x.rule == "package-layout" && x.file == "reports/b_07.01.csv"),
        "{p:#?}"
    );
    assert!(p.iter().any(|x| x.rule == "entry-point"), "{p:#?}");
    assert!(
        p.iter()
            .any(|x| x.rule == "parameters" && x.line == Some(3)),
        "{p:#?}"
    );

    // Headers: an unknown column, a missing key column; rows too short.
    let mut pkg = valid();
    edit(&mut pkg, "reports/b_01.01.csv", |t| {
        t.replacen("c0010,", "c9999,", 1)
    });
    edit(&mut pkg, "reports/b_03.02.csv", |t| {
        t.replacen(",C-1", "", 1).replacen("c0010,", "", 1)
    });
    let p = validate(&pkg);
    assert!(
        p.iter()
            .any(|x| x.rule == "header" && x.column.as_deref() == Some("c9999")),
        "{p:#?}"
    );
    assert!(p.iter().all(|x| x.severity == Severity::Error));

    // Filing indicators: one missing, one not a boolean.
    let mut pkg = valid();
    edit(&mut pkg, "reports/FilingIndicators.csv", |t| {
        t.replace("B_99.01,true\r\n", "")
            .replace("B_04.01,true", "B_04.01,yes")
    });
    let p = validate(&pkg);
    assert_eq!(
        p.iter().filter(|x| x.rule == "filing-indicators").count(),
        3,
        "{p:#?}"
    );

    // The package name.
    let mut pkg = valid();
    pkg.name = "register.zip".to_owned();
    assert_eq!(rules(&validate(&pkg)), ["package-name"]);
}

/// The EBA's sample: right structure, dummy keys. Its structure passes; its
/// broken foreign keys and dummy LEIs are reported, the same from the zip
/// and from the folder.
#[test]
fn the_eba_sample_package() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/dora");
    let Some(zip) = std::fs::read_dir(&dir).ok().and_then(|d| {
        d.filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "zip"))
    }) else {
        missing("the EBA sample is not beside the project");
        return;
    };
    let from_zip = validate(&linchpin_dora::package::read(&zip).unwrap());
    let folder = std::fs::read_dir(dir.join("sample-unzipped"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let from_folder = validate(&linchpin_dora::package::read(&folder).unwrap());
    assert_eq!(from_zip, from_folder);
    let mut kinds: Vec<&str> = from_zip.iter().map(|p| p.rule).collect();
    kinds.sort_unstable();
    kinds.dedup();
    assert_eq!(kinds, ["foreign-key", "lei-format"], "{from_zip:#?}");
    // Every template's rows reference dummy keys; the package-name LEI is dummy too.
    assert!(from_zip
        .iter()
        .any(|p| p.file.is_empty() && p.rule == "lei-format"));
    assert!(from_zip.iter().filter(|p| p.rule == "foreign-key").count() > 20);
    // Provider codes typed as LEIs (eba_qCO:qx2000) that are not LEIs.
    assert!(from_zip.iter().any(|p| p.rule == "lei-format"
        && p.file == "reports/b_05.01.csv"
        && p.column.as_deref() == Some("c0010")));
}

/// Columns are read by name, quoted cells may hold commas and line breaks,
/// Sets one cell of the first data row of a template's file.
fn set_cell(pkg: &mut Package, table: &str, column: &str, value: &str) {
    let file = format!("reports/{}.csv", table.to_lowercase());
    edit(pkg, &file, |t| {
        let mut lines: Vec<String> = t.lines().map(str::to_owned).collect();
        let at = lines[0].split(',').position(|c| c == column).unwrap();
        let mut cells: Vec<String> = lines[1].split(',').map(str::to_owned).collect();
        cells[at] = value.to_owned();
        lines[1] = cells.join(",");
        lines.join("\r\n") + "\r\n"
    });
}

/// The DPM business rules: every conditional, existence and date-order rule
/// fails on a row that breaks it, at the cell that is wrong, and passes once
/// the cell is right.
#[test]
fn business_rules_fail_and_pass() {
    let all = tables();
    let table = |code: &str| all.iter().find(|t| t.code == code).unwrap();
    for rule in CONDITIONS.iter().filter(|r| r.allowed.is_empty()) {
        let t = table(rule.table);
        let decider = rule.values.first().map(|v| (*v).to_owned()).or_else(|| {
            let c = t.column(rule.when).unwrap();
            c.allowed
                .iter()
                .find(|a| !rule.except.contains(&a.as_str()))
                .cloned()
        });
        let mut pkg = valid();
        if let Some(v) = &decider {
            set_cell(&mut pkg, rule.table, rule.when, v);
        }
        set_cell(&mut pkg, rule.table, rule.then, "");
        let p = validate(&pkg);
        assert_eq!(rules(&p), ["conditional"], "{}: {p:#?}", rule.id);
        assert_eq!(
            (p[0].line, p[0].column.as_deref()),
            (Some(2), Some(rule.then)),
            "{}",
            rule.id
        );
        assert!(p[0].message.contains(rule.id));
        // The same blank cell is fine when the deciding cell does not ask for it.
        let mut pkg = valid();
        let quiet = rule.except.first().copied().or_else(|| {
            rule.values.first().and_then(|_| {
                t.column(rule.when)
                    .unwrap()
                    .allowed
                    .iter()
                    .map(String::as_str)
                    .find(|a| !rule.values.contains(a))
            })
        });
        match quiet {
            Some(v) => set_cell(&mut pkg, rule.table, rule.when, v),
            None => set_cell(&mut pkg, rule.table, rule.when, ""),
        }
        set_cell(&mut pkg, rule.table, rule.then, "");
        let p = validate(&pkg);
        assert!(
            p.iter().all(|x| !x.message.contains(rule.id)),
            "{}: {p:#?}",
            rule.id
        );
    }

    for rule in CONDITIONS.iter().filter(|r| !r.allowed.is_empty()) {
        let t = table(rule.table);
        let other = t
            .column(rule.then)
            .unwrap()
            .allowed
            .iter()
            .find(|a| !rule.allowed.contains(&a.as_str()))
            .unwrap();
        let mut pkg = valid();
        set_cell(&mut pkg, rule.table, rule.when, rule.values[0]);
        set_cell(&mut pkg, rule.table, rule.then, other);
        let p = validate(&pkg);
        assert_eq!(rules(&p), ["conditional"], "{}: {p:#?}", rule.id);
        assert_eq!(p[0].column.as_deref(), Some(rule.then), "{}", rule.id);
        assert!(p[0].message.contains(rule.id));
        for ok in rule.allowed {
            let mut pkg = valid();
            set_cell(&mut pkg, rule.table, rule.when, rule.values[0]);
            set_cell(&mut pkg, rule.table, rule.then, ok);
            assert!(validate(&pkg).is_empty(), "{}: {ok}", rule.id);
        }
        // The restriction holds only for the values that decide.
        let free = t
            .column(rule.when)
            .unwrap()
            .allowed
            .iter()
            .find(|a| !rule.values.contains(&a.as_str()))
            .unwrap();
        let mut pkg = valid();
        set_cell(&mut pkg, rule.table, rule.when, free);
        set_cell(&mut pkg, rule.table, rule.then, other);
        assert!(validate(&pkg).is_empty(), "{}", rule.id);
    }

    for rule in EXISTENCE {
        let t = table(rule.table);
        let columns: Vec<&str> = if rule.columns.is_empty() {
            t.columns.iter().map(|c| c.code.as_str()).collect()
        } else {
            rule.columns.to_vec()
        };
        for column in columns {
            if t.primary.iter().any(|k| k == column) {
                continue;
            }
            let mut pkg = valid();
            set_cell(&mut pkg, rule.table, column, "");
            let p: Vec<_> = validate(&pkg)
                .into_iter()
                .filter(|x| x.rule == "existence")
                .collect();
            assert_eq!(p.len(), 1, "{} {column}: {p:#?}", rule.id);
            assert_eq!((p[0].line, p[0].column.as_deref()), (Some(2), Some(column)));
        }
        // A file without one of the mandatory columns says so once, on its header.
        let column = if rule.columns.is_empty() {
            t.columns
                .iter()
                .map(|c| c.code.as_str())
                .find(|c| !t.primary.iter().any(|k| k == c))
                .unwrap()
        } else {
            rule.columns[0]
        };
        let mut pkg = valid();
        let file = format!("reports/{}", t.file);
        edit(&mut pkg, &file, |text| {
            let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split(',').collect()).collect();
            let at = rows[0].iter().position(|c| *c == column).unwrap();
            rows.iter()
                .map(|r| {
                    let mut r = r.clone();
                    r.remove(at);
                    r.join(",") + "\r\n"
                })
                .collect()
        });
        let p: Vec<_> = validate(&pkg)
            .into_iter()
            .filter(|x| x.rule == "existence")
            .collect();
        assert_eq!(p.len(), 1, "{}: {p:#?}", rule.id);
        assert_eq!((p[0].line, p[0].column.as_deref()), (Some(1), Some(column)));
    }
    // A code typed as an LEI must be one; typed otherwise, it is free text.
    let mut pkg = valid();
    set_cell(&mut pkg, "B_05.01", "c0030", "HRB-12345");
    let p = validate(&pkg);
    assert_eq!(rules(&p), ["lei-format"], "{p:#?}");
    assert_eq!(p[0].column.as_deref(), Some("c0030"));
    set_cell(&mut pkg, "B_05.01", "c0040", "eba_qCO:qx2002");
    assert!(validate(&pkg).is_empty());

    // Optional columns may stay blank.
    let mut pkg = valid();
    set_cell(&mut pkg, "B_05.01", "c0030", "");
    set_cell(&mut pkg, "B_05.01", "c0040", "");
    assert!(validate(&pkg).is_empty());

    for &(id, t, earlier, later) in DATE_ORDER {
        let mut pkg = valid();
        set_cell(&mut pkg, t, earlier, "2027-01-01");
        set_cell(&mut pkg, t, later, "2026-12-31");
        let p = validate(&pkg);
        assert_eq!(rules(&p), ["date-order"], "{id}: {p:#?}");
        assert_eq!(p[0].column.as_deref(), Some(later));
        let mut pkg = valid();
        set_cell(&mut pkg, t, earlier, "2027-01-01");
        set_cell(&mut pkg, t, later, "2027-01-02");
        assert!(validate(&pkg).is_empty(), "{id}");
    }
}

/// Every column a business rule names is a column of its template.
#[test]
fn the_rules_name_real_columns() {
    let all = tables();
    let column = |table: &str, c: &str| {
        all.iter()
            .find(|t| t.code == table)
            .is_some_and(|t| t.column(c).is_some())
    };
    for r in CONDITIONS {
        assert!(
            column(r.table, r.when) && column(r.table, r.then),
            "{}",
            r.id
        );
        let when = all
            .iter()
            .find(|t| t.code == r.table)
            .unwrap()
            .column(r.when)
            .unwrap();
        for v in r.values.iter().chain(r.except) {
            assert!(when.allowed.iter().any(|a| a == v), "{}: {v}", r.id);
        }
    }
    for r in EXISTENCE {
        assert!(all.iter().any(|t| t.code == r.table), "{}", r.id);
        for c in r.columns {
            assert!(column(r.table, c), "{} {c}", r.id);
        }
    }
    for &(id, t, a, b) in DATE_ORDER {
        assert!(column(t, a) && column(t, b), "{id}");
    }
    for r in CONDITIONS {
        let t = all.iter().find(|t| t.code == r.table).unwrap();
        for (c, values) in [(r.when, r.values), (r.then, r.allowed)] {
            let c = t.column(c).unwrap();
            for v in values {
                assert!(c.allowed.iter().any(|a| a == v), "{}: {v}", r.id);
            }
        }
    }
}

/// LF and CRLF both work, a UTF-8 BOM is accepted — and a row with a stray
/// comma is a structure error on its own line.
#[test]
fn csv_details() {
    let mut pkg = valid();
    edit(&mut pkg, "reports/b_05.01.csv", |t| {
        // Reverse the column order, header and rows alike; quote every cell;
        // put a comma and a line break into a free-text cell; LF line ends.
        let rows: Vec<String> = t
            .lines()
            .map(|l| {
                let mut cells: Vec<String> = l.split(',').map(|c| format!("\"{c}\"")).collect();
                cells.reverse();
                cells.join(",")
            })
            .collect();
        format!(
            "\u{feff}{}\n",
            rows.join("\n").replace("\"text\"", "\"Acme, Inc.\nEU\"")
        )
    });
    let p = validate(&pkg);
    assert!(p.is_empty(), "{p:#?}");

    // A stray comma on the data row: its own line is named.
    let mut pkg = valid();
    edit(&mut pkg, "reports/b_06.01.csv", |t| {
        t.replacen("F-1,", "F-1,,", 1)
    });
    let p = validate(&pkg);
    let bad: Vec<_> = p.iter().filter(|x| x.rule == "csv-structure").collect();
    assert_eq!(bad.len(), 1, "{p:#?}");
    assert_eq!(
        (bad[0].file.as_str(), bad[0].line),
        ("reports/b_06.01.csv", Some(2))
    );

    // Not UTF-8.
    let mut pkg = valid();
    let mut bytes = pkg.files.remove("reports/b_05.01.csv").unwrap();
    let at = bytes.len() - 3;
    bytes[at] = 0xff;
    pkg.files.insert("reports/b_05.01.csv".to_owned(), bytes);
    assert!(validate(&pkg).iter().any(|x| x.rule == "csv-structure"));
}

/// `data/tables.json` says what the EBA taxonomy says: the same templates,
/// columns, types, closed lists and keys (checked when the taxonomy is beside
/// the project; rerun scripts/gen-dora-tables.py when this fails).
#[test]
fn the_tables_follow_the_taxonomy() {
    let root =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/dora/taxonomy/4.0/tab");
    let Ok(dirs) = std::fs::read_dir(&root) else {
        missing("the taxonomy is not beside the project");
        return;
    };
    let ours = tables();
    let mut seen = 0;
    for dir in dirs.filter_map(Result::ok) {
        let name = dir.file_name().to_string_lossy().into_owned();
        let file = dir.path().join(format!("{name}.json"));
        let doc: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        for (code, t) in doc["tableTemplates"].as_object().unwrap() {
            let code = code.replace('-', ".");
            let table = ours
                .iter()
                .find(|x| x.code == code)
                .unwrap_or_else(|| panic!("{code} missing"));
            seen += 1;
            let columns = t["columns"].as_object().unwrap();
            assert_eq!(columns.len(), table.columns.len(), "{code}");
            for (col, spec) in columns {
                let info = &spec["eba:documentation"];
                let ours = table.column(col).unwrap_or_else(|| panic!("{code} {col}"));
                let mut allowed: Vec<String> = info["AllowedValue"]
                    .as_object()
                    .map_or_else(Vec::new, |m| m.keys().cloned().collect());
                allowed.sort();
                assert_eq!(allowed, ours.allowed, "{code} {col}");
                let ty = info["type"].as_str().unwrap_or("s");
                let expected = match ty {
                    "e" => ColumnType::Enumeration,
                    "d" => ColumnType::Date,
                    "i" => ColumnType::Integer,
                    "m" => ColumnType::Monetary,
                    "t" => ColumnType::Boolean,
                    _ => ColumnType::String,
                };
                assert_eq!(expected, ours.ty, "{code} {col}");
            }
            let primary: Vec<String> = t["tc:keys"]["primary"]["fields"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|v| v.as_str().unwrap().to_owned())
                .collect();
            assert_eq!(primary, table.primary, "{code}");
            let refs = t["tc:keys"]["reference"].as_array().map_or(0, Vec::len);
            assert_eq!(refs, table.references.len(), "{code}");
        }
    }
    assert_eq!(seen, 15);
}

/// Data a test needs is missing: a failure under CI (which installs it), a
/// note and a pass on a developer's machine.
fn missing(what: &str) {
    assert!(
        std::env::var_os("CI").is_none(),
        "{what}, and CI is set: CI must provide it"
    );
    eprintln!("SKIPPED: {what}");
}
