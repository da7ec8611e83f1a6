//! The technical checks a supervisor runs before it accepts a package
//! (layout, names, parameters, filing indicators, headers, CSV structure,
//! empty and duplicate keys, foreign keys), the value formats of the
//! taxonomy (dates, numbers, closed lists), the LEI format with its ISO 17442
//! check digits, and the business rules that need no outside data (amounts
//! are not negative).
//!
//! What it cannot check offline: whether an LEI is known and live at GLEIF.

use crate::package::Package;
use crate::tables::{tables, ColumnType, Table, MODULE};
use std::collections::{BTreeMap, HashMap, HashSet};

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The package would be rejected.
    Error,
    /// Accepted, but likely wrong.
    Warning,
}

/// One problem found in a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// A stable rule name (`foreign-key`, `lei-format`, …).
    pub rule: &'static str,
    /// The file inside the package (`reports/b_02.02.csv`), or the package itself (empty).
    pub file: String,
    /// The 1-based line in that file, when the problem sits on one.
    pub line: Option<u64>,
    /// The column code (`c0010`), when the problem sits in one.
    pub column: Option<String>,
    /// What is wrong and what to do.
    pub message: String,
}

impl Problem {
    fn new(
        severity: Severity,
        rule: &'static str,
        file: &str,
        line: Option<u64>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity,
            rule,
            file: file.to_owned(),
            line,
            column: None,
            message: message.into(),
        }
    }

    /// An error: the package would be rejected.
    pub fn error(
        rule: &'static str,
        file: &str,
        line: Option<u64>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Error, rule, file, line, message)
    }

    /// A warning.
    pub fn warning(
        rule: &'static str,
        file: &str,
        line: Option<u64>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Warning, rule, file, line, message)
    }

    /// The same problem, placed in a column.
    #[must_use]
    pub fn in_column(mut self, column: &str) -> Self {
        self.column = Some(column.to_owned());
        self
    }
}

/// Every rule, with what it checks (for `--help` and the docs).
pub const RULES: &[(&str, &str)] = &[
    ("package-name", "the package is named {LEI}.{CON|IND}_{CC}_DORA010100_DORA_{refDate}_{timestamp}"),
    ("package-layout", "META-INF/reportPackage.json, reports/report.json, parameters.csv, FilingIndicators.csv and the template files are where they belong"),
    ("entry-point", "report.json is an xBRL-CSV report that extends the DORA 4.0 module"),
    ("parameters", "entityID, refPeriod, baseCurrency, decimalsInteger, decimalsMonetary are present, well formed and agree with the package name"),
    ("filing-indicators", "every template has exactly one filing indicator, true or false, and reported templates have a file"),
    ("csv-structure", "every file is UTF-8 CSV and every row has as many cells as the header"),
    ("header", "headers name known columns of the template, once each, and include every key column"),
    ("empty-key", "key cells are never blank (use `Not Applicable` or eba_GA:qx2007)"),
    ("duplicate-key", "no two rows of a template share a primary key"),
    ("foreign-key", "every reference matches a row of the template it points at"),
    ("value-format", "dates are YYYY-MM-DD, integers and amounts are numbers, booleans are true/false, closed lists hold one of their QNames"),
    ("lei-format", "LEIs are 20 characters [A-Z0-9]{18}[0-9]{2} with valid ISO 17442 check digits"),
    ("negative-amount", "amounts are not negative"),
    ("conditional", "a cell that another cell makes necessary is filled (see CONDITIONS)"),
    ("existence", "the columns the EBA makes mandatory in a template are filled in every row (see EXISTENCE)"),
    ("date-order", "a contract's end date comes after its start date (see DATE_ORDER)"),
];

/// A conditional rule: when `when` is filled and holds one of `values` (any
/// value when empty) and none of `except`, `then` must not be blank — or,
/// with `allowed`, must hold one of those values when it is filled.
pub struct Condition {
    /// The EBA's id of the rule.
    pub id: &'static str,
    /// The template.
    pub table: &'static str,
    /// The column that decides.
    pub when: &'static str,
    /// The values that make `then` necessary (empty: any non-blank value).
    pub values: &'static [&'static str],
    /// Values that do not make `then` necessary.
    pub except: &'static [&'static str],
    /// The column the rule is about.
    pub then: &'static str,
    /// Empty: `then` must be filled. Otherwise: a filled `then` holds one
    /// of these.
    pub allowed: &'static [&'static str],
    /// What the rule says, for the message.
    pub says: &'static str,
}

/// The conditional business rules of the DPM that need no outside data
/// (the EBA's DORA validation rules, by id; column meanings from ITS
/// 2024/2956). Keep this list in step with the EBA's rules when they change.
pub const CONDITIONS: &[Condition] = &[
    Condition {
        id: "v8805",
        table: "B_02.01",
        when: "c0020",
        values: &["eba_CO:x3"],
        except: &[],
        then: "c0030",
        allowed: &[],
        says: "a subsequent arrangement (eba_CO:x3) names its overarching arrangement",
    },
    Condition {
        id: "v8825",
        table: "B_07.01",
        when: "c0050",
        values: &["eba_ZZ:x959", "eba_ZZ:x960"],
        except: &[],
        then: "c0060",
        allowed: &[],
        says: "a service that is not easily substitutable (x959/x960) gives the reason",
    },
    Condition {
        id: "v8803",
        table: "B_01.02",
        when: "c0110",
        values: &[],
        except: &[],
        then: "c0100",
        allowed: &[],
        says: "total assets come with their currency",
    },
    Condition {
        id: "v8804",
        table: "B_01.02",
        when: "c0040",
        values: &[],
        except: &["eba_CT:x317", "eba_CT:x318"],
        then: "c0110",
        allowed: &[],
        says: "every entity type but eba_CT:x317 and eba_CT:x318 reports its total assets",
    },
    Condition {
        id: "v8823",
        table: "B_05.01",
        when: "c0030",
        values: &[],
        except: &[],
        then: "c0040",
        allowed: &[],
        says: "an additional identification code comes with its type",
    },
    Condition {
        id: "v8824",
        table: "B_05.01",
        when: "c0100",
        values: &[],
        except: &[],
        then: "c0090",
        allowed: &[],
        says: "a total annual expense comes with its currency",
    },
    Condition {
        id: "v8817",
        table: "B_05.01",
        when: "c0070",
        values: &["eba_CT:x212"],
        except: &[],
        then: "c0020",
        allowed: &["eba_qCO:qx2000", "eba_qCO:qx2002"],
        says: "a legal person is identified by its LEI or its EUID",
    },
    Condition {
        id: "v8818",
        table: "B_05.01",
        when: "c0070",
        values: &["eba_CT:x212"],
        except: &[],
        then: "c0040",
        allowed: &["eba_qCO:qx2000", "eba_qCO:qx2002"],
        says: "a legal person's additional code is its LEI or its EUID",
    },
];

/// An existence rule of the DPM: every row of `table` fills `columns`
/// (every column of the template when empty).
pub struct Existence {
    /// The EBA's id of the rule.
    pub id: &'static str,
    /// The template.
    pub table: &'static str,
    /// The columns no row may leave blank.
    pub columns: &'static [&'static str],
}

/// The EBA's existence rules for the DORA 4.0 templates (which non-key
/// columns are mandatory). Every column named here is checked against the
/// table definitions by a test.
pub const EXISTENCE: &[Existence] = &[
    Existence {
        id: "e23677",
        table: "B_01.01",
        columns: &[],
    },
    Existence {
        id: "e23676",
        table: "B_01.02",
        columns: &[
            "c0020", "c0030", "c0040", "c0050", "c0060", "c0070", "c0080", "c0090",
        ],
    },
    Existence {
        id: "e23675",
        table: "B_01.03",
        columns: &[],
    },
    Existence {
        id: "e23792",
        table: "B_02.01",
        columns: &["c0020", "c0040", "c0050"],
    },
    Existence {
        id: "e23680",
        table: "B_02.02",
        columns: &["c0040", "c0050", "c0060", "c0070", "c0080"],
    },
    Existence {
        id: "e23683",
        table: "B_04.01",
        columns: &["c0030"],
    },
    Existence {
        id: "e23674",
        table: "B_05.01",
        columns: &["c0020", "c0050", "c0060", "c0070", "c0080", "c0110"],
    },
    Existence {
        id: "e23682",
        table: "B_06.01",
        columns: &[
            "c0020", "c0030", "c0050", "c0070", "c0080", "c0090", "c0100",
        ],
    },
    Existence {
        id: "e23681",
        table: "B_07.01",
        columns: &["c0050", "c0070", "c0080", "c0090", "c0100", "c0110"],
    },
];

/// Date-order rules: in every row where both are filled, `later` comes
/// after `earlier`.
pub const DATE_ORDER: &[(&str, &str, &str, &str)] = &[("v8816", "B_02.02", "c0070", "c0080")];

/// True when `s` is an LEI: `[A-Z0-9]{18}[0-9]{2}` and ISO 7064 MOD 97-10 gives 1.
pub fn is_lei(s: &str) -> bool {
    linchpin_loader::rules::is_valid_lei(s) && s.bytes().skip(18).all(|c| c.is_ascii_digit())
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| {
        s[r].parse::<u32>().ok().filter(|_| {
            b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        })
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

fn is_integer(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    !digits.is_empty() && digits.bytes().all(|c| c.is_ascii_digit())
}

fn is_decimal(s: &str) -> bool {
    let body = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    !int.is_empty()
        && int.bytes().all(|c| c.is_ascii_digit())
        && frac.bytes().all(|c| c.is_ascii_digit())
        && !(body.ends_with('.'))
}

/// The parts of a package name.
struct PackageName {
    lei: String,
    scope: String,
    ref_date: String,
}

fn parse_name(name: &str) -> Result<PackageName, String> {
    let expected = "expected {LEI}.{CON|IND}_{CC}_DORA010100_DORA_{YYYY-MM-DD}_{yyyyMMddHHmmssSSS}";
    let (id, rest) = name
        .split_once('_')
        .ok_or_else(|| format!("`{name}`: {expected}"))?;
    let (lei, scope) = id
        .split_once('.')
        .ok_or_else(|| format!("`{id}` has no `.CON` or `.IND`; {expected}"))?;
    if scope != "CON" && scope != "IND" {
        return Err(format!(
            "the scope `{scope}` is neither CON nor IND; {expected}"
        ));
    }
    let parts: Vec<&str> = rest.split('_').collect();
    let [cc, module, fw, date, stamp] = parts[..] else {
        return Err(format!("`{name}`: {expected}"));
    };
    if cc.len() != 2 || !cc.bytes().all(|c| c.is_ascii_uppercase()) {
        return Err(format!(
            "`{cc}` is not a two-letter country code; {expected}"
        ));
    }
    if module != "DORA010100" || fw != "DORA" {
        return Err(format!(
            "`{module}_{fw}` should be `DORA010100_DORA`; {expected}"
        ));
    }
    if !is_date(date) {
        return Err(format!("`{date}` is not a date YYYY-MM-DD; {expected}"));
    }
    if stamp.len() != 17 || !stamp.bytes().all(|c| c.is_ascii_digit()) {
        return Err(format!(
            "`{stamp}` is not a 17-digit timestamp yyyyMMddHHmmssSSS; {expected}"
        ));
    }
    Ok(PackageName {
        lei: lei.to_owned(),
        scope: scope.to_owned(),
        ref_date: date.to_owned(),
    })
}

/// A parsed CSV file: header and rows with their line numbers.
pub(crate) struct Csv {
    pub(crate) header: Vec<String>,
    pub(crate) rows: Vec<(u64, Vec<String>)>,
}

impl Csv {
    /// Column positions by header name.
    pub(crate) fn index(&self) -> HashMap<&str, usize> {
        self.header
            .iter()
            .enumerate()
            .map(|(i, h)| (h.as_str(), i))
            .collect()
    }
}

pub(crate) fn read_csv(file: &str, bytes: &[u8], out: &mut Vec<Problem>) -> Option<Csv> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut header: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    let (mut line_no, mut counted_to) = (1u64, 0usize);
    for record in reader.byte_records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(csv::Position::line);
                out.push(Problem::error(
                    "csv-structure",
                    file,
                    line,
                    format!("not valid CSV: {e}"),
                ));
                return None;
            }
        };
        // The reader's position can sit on the previous row's line end:
        // skip it, then count lines up to the row's first byte.
        let mut start = record
            .position()
            .map_or(0, |p| p.byte() as usize)
            .min(bytes.len());
        while start < bytes.len() && (bytes[start] == b'\r' || bytes[start] == b'\n') {
            start += 1;
        }
        if start > counted_to {
            line_no += bytes[counted_to..start]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64;
            counted_to = start;
        }
        let line = line_no;
        let mut cells = Vec::with_capacity(record.len());
        for cell in &record {
            match std::str::from_utf8(cell) {
                Ok(s) => cells.push(s.to_owned()),
                Err(_) => {
                    out.push(Problem::error(
                        "csv-structure",
                        file,
                        Some(line),
                        "a cell is not UTF-8; save the file as UTF-8",
                    ));
                    return None;
                }
            }
        }
        match &header {
            None => header = Some(cells),
            Some(h) => {
                if cells.len() == 1 && cells[0].is_empty() {
                    continue; // a blank line
                }
                if cells.len() != h.len() {
                    out.push(Problem::error(
                        "csv-structure",
                        file,
                        Some(line),
                        format!("this row has {} cells, the header {}", cells.len(), h.len()),
                    ));
                    continue;
                }
                rows.push((line, cells));
            }
        }
    }
    Some(Csv {
        header: header.unwrap_or_default(),
        rows,
    })
}

fn document_type(file: &str, bytes: &[u8], out: &mut Vec<Problem>) -> Option<serde_json::Value> {
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(v) => Some(v),
        Err(e) => {
            out.push(Problem::error(
                "package-layout",
                file,
                Some(e.line() as u64),
                format!("not valid JSON: {e}"),
            ));
            None
        }
    }
}

/// Validates a package; problems come sorted by file, line and rule.
pub fn validate(pkg: &Package) -> Vec<Problem> {
    let mut out = Vec::new();
    let name = match parse_name(&pkg.name) {
        Ok(n) => Some(n),
        Err(msg) => {
            out.push(Problem::error("package-name", "", None, msg));
            None
        }
    };
    if let Some(n) = &name {
        if !is_lei(&n.lei) {
            out.push(Problem::error(
                "lei-format",
                "",
                None,
                format!("the package name's LEI `{}` is not a valid LEI", n.lei),
            ));
        }
    }

    // META-INF and the entry point.
    const PACKAGE_JSON: &str = "META-INF/reportPackage.json";
    match pkg.files.get(PACKAGE_JSON) {
        None => out.push(Problem::error("package-layout", PACKAGE_JSON, None, "missing; it declares the report package (documentType https://xbrl.org/report-package/2023)")),
        Some(bytes) => {
            if let Some(v) = document_type(PACKAGE_JSON, bytes, &mut out) {
                let ty = v["documentInfo"]["documentType"].as_str().unwrap_or_default();
                if ty != "https://xbrl.org/report-package/2023" {
                    out.push(Problem::error("package-layout", PACKAGE_JSON, None, format!("documentType is `{ty}`, expected https://xbrl.org/report-package/2023")));
                }
            }
        }
    }
    const REPORT_JSON: &str = "reports/report.json";
    match pkg.files.get(REPORT_JSON) {
        None => out.push(Problem::error(
            "entry-point",
            REPORT_JSON,
            None,
            "missing; it is the report's entry point",
        )),
        Some(bytes) => {
            if let Some(v) = document_type(REPORT_JSON, bytes, &mut out) {
                let ty = v["documentInfo"]["documentType"]
                    .as_str()
                    .unwrap_or_default();
                if ty != "https://xbrl.org/2021/xbrl-csv" {
                    out.push(Problem::error(
                        "entry-point",
                        REPORT_JSON,
                        None,
                        format!("documentType is `{ty}`, expected https://xbrl.org/2021/xbrl-csv"),
                    ));
                }
                let extends: Vec<&str> = v["documentInfo"]["extends"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|x| x.as_str())
                    .collect();
                if !extends.contains(&MODULE) {
                    out.push(Problem::error(
                        "entry-point",
                        REPORT_JSON,
                        None,
                        format!("it extends {extends:?}, not the DORA 4.0 module {MODULE}"),
                    ));
                }
            }
        }
    }
    for path in pkg.files.keys() {
        let known = path == PACKAGE_JSON
            || path == REPORT_JSON
            || path == "reports/parameters.csv"
            || path == "reports/FilingIndicators.csv";
        let template = path
            .strip_prefix("reports/")
            .is_some_and(|f| f.starts_with("b_") && f.ends_with(".csv"));
        if !known && !template {
            out.push(Problem::warning(
                "package-layout",
                path,
                None,
                "not part of a DORA report package; remove it",
            ));
        }
    }

    parameters(pkg, name.as_ref(), &mut out);

    // Filing indicators.
    let all = tables();
    const FILING: &str = "reports/FilingIndicators.csv";
    let mut reported: HashMap<String, bool> = HashMap::new();
    match pkg.files.get(FILING) {
        None => out.push(Problem::error(
            "filing-indicators",
            FILING,
            None,
            "missing; list every template with `true` or `false`",
        )),
        Some(bytes) => {
            if let Some(csv) = read_csv(FILING, bytes, &mut out) {
                if csv.header != ["templateID", "reported"] {
                    out.push(Problem::error(
                        "header",
                        FILING,
                        Some(1),
                        format!(
                            "the header is {:?}, expected templateID,reported",
                            csv.header.join(",")
                        ),
                    ));
                }
                for (line, cells) in &csv.rows {
                    let (id, value) = (cells[0].as_str(), cells.get(1).map_or("", String::as_str));
                    if !all.iter().any(|t| t.code == id) {
                        out.push(Problem::error(
                            "filing-indicators",
                            FILING,
                            Some(*line),
                            format!("`{id}` is not a template of the register"),
                        ));
                        continue;
                    }
                    let flag = match value {
                        "true" => true,
                        "false" => false,
                        other => {
                            out.push(Problem::error(
                                "filing-indicators",
                                FILING,
                                Some(*line),
                                format!("`{other}` for {id}: write true or false"),
                            ));
                            continue;
                        }
                    };
                    if reported.insert(id.to_owned(), flag).is_some() {
                        out.push(Problem::error(
                            "filing-indicators",
                            FILING,
                            Some(*line),
                            format!("{id} has a second filing indicator"),
                        ));
                    }
                }
                for t in &all {
                    if !reported.contains_key(&t.code) {
                        out.push(Problem::error(
                            "filing-indicators",
                            FILING,
                            None,
                            format!("{} has no filing indicator", t.code),
                        ));
                    }
                }
            }
        }
    }

    // Templates: headers, cells, primary keys.
    let mut keys: HashMap<&str, HashSet<Vec<String>>> = HashMap::new();
    let mut parsed: Vec<(&Table, String, Csv)> = Vec::new();
    for table in &all {
        let path = format!("reports/{}", table.file);
        let Some(bytes) = pkg.files.get(&path) else {
            if reported.get(&table.code).copied().unwrap_or(true) {
                out.push(Problem::error(
                    "package-layout",
                    &path,
                    None,
                    format!("missing, but {} is reported", table.code),
                ));
            }
            continue;
        };
        if reported.get(&table.code) == Some(&false) {
            out.push(Problem::warning(
                "filing-indicators",
                &path,
                None,
                format!("{} is filed as not reported but has a file", table.code),
            ));
        }
        let Some(csv) = read_csv(&path, bytes, &mut out) else {
            continue;
        };
        let key_set = check_template(table, &path, &csv, &mut out);
        keys.insert(table.code.as_str(), key_set);
        parsed.push((table, path, csv));
    }

    // Foreign keys.
    for (table, path, csv) in &parsed {
        let index = csv.index();
        for reference in &table.references {
            let Some(targets) = keys.get(reference.table.as_str()) else {
                continue;
            };
            let Some(cols) = reference
                .columns
                .iter()
                .map(|c| index.get(c.as_str()).copied())
                .collect::<Option<Vec<usize>>>()
            else {
                continue;
            };
            for (line, cells) in &csv.rows {
                let tuple: Vec<String> = cols.iter().map(|&i| cells[i].clone()).collect();
                if tuple.iter().any(String::is_empty) {
                    continue;
                }
                if !targets.contains(&tuple) {
                    out.push(
                        Problem::error(
                            "foreign-key",
                            path,
                            Some(*line),
                            format!(
                                "`{}` matches no row of {} ({})",
                                tuple.join("`, `"),
                                reference.table,
                                reference.name
                            ),
                        )
                        .in_column(&reference.columns.join("+")),
                    );
                }
            }
        }
    }

    out.sort_by(|a, b| (&a.file, a.line, a.rule).cmp(&(&b.file, b.line, b.rule)));
    out
}

fn parameters(pkg: &Package, name: Option<&PackageName>, out: &mut Vec<Problem>) {
    const FILE: &str = "reports/parameters.csv";
    let Some(bytes) = pkg.files.get(FILE) else {
        out.push(Problem::error("parameters", FILE, None, "missing; it holds entityID, refPeriod, baseCurrency, decimalsInteger, decimalsMonetary"));
        return;
    };
    let Some(csv) = read_csv(FILE, bytes, out) else {
        return;
    };
    if csv.header != ["name", "value"] {
        out.push(Problem::error(
            "header",
            FILE,
            Some(1),
            format!(
                "the header is {:?}, expected name,value",
                csv.header.join(",")
            ),
        ));
        return;
    }
    let values: BTreeMap<&str, (u64, &str)> = csv
        .rows
        .iter()
        .map(|(l, c)| (c[0].as_str(), (*l, c[1].as_str())))
        .collect();
    let mut get = |key: &str| -> Option<(u64, &str)> {
        let v = values.get(key).copied();
        if v.is_none() {
            out.push(Problem::error(
                "parameters",
                FILE,
                None,
                format!("`{key}` is missing"),
            ));
        }
        v
    };
    let entity = get("entityID");
    let period = get("refPeriod");
    let currency = get("baseCurrency");
    let decimals = [
        ("decimalsInteger", get("decimalsInteger")),
        ("decimalsMonetary", get("decimalsMonetary")),
    ];
    if let Some((line, v)) = entity {
        match v.strip_prefix("rs:").and_then(|r| r.rsplit_once('.')) {
            Some((lei, scope)) if scope == "CON" || scope == "IND" => {
                if let Some(n) = name {
                    if n.lei != lei || n.scope != scope {
                        out.push(Problem::error(
                            "parameters",
                            FILE,
                            Some(line),
                            format!(
                                "entityID `{v}` disagrees with the package name's `{}.{}`",
                                n.lei, n.scope
                            ),
                        ));
                    }
                }
            }
            _ => out.push(Problem::error(
                "parameters",
                FILE,
                Some(line),
                format!("entityID `{v}` should be rs:{{LEI}}.CON or rs:{{LEI}}.IND"),
            )),
        }
    }
    if let Some((line, v)) = period {
        if !is_date(v) {
            out.push(Problem::error(
                "parameters",
                FILE,
                Some(line),
                format!("refPeriod `{v}` is not a date YYYY-MM-DD"),
            ));
        } else if name.is_some_and(|n| n.ref_date != v) {
            out.push(Problem::error(
                "parameters",
                FILE,
                Some(line),
                format!("refPeriod `{v}` disagrees with the package name's reference date"),
            ));
        }
    }
    if let Some((line, v)) = currency {
        let ok = v
            .strip_prefix("iso4217:")
            .is_some_and(|c| c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()));
        if !ok {
            out.push(Problem::error(
                "parameters",
                FILE,
                Some(line),
                format!(
                    "baseCurrency `{v}` should be iso4217: and a currency code, e.g. iso4217:EUR"
                ),
            ));
        }
    }
    for (key, value) in decimals {
        if let Some((line, v)) = value {
            if !is_integer(v) {
                out.push(Problem::error(
                    "parameters",
                    FILE,
                    Some(line),
                    format!("{key} `{v}` is not an integer"),
                ));
            }
        }
    }
}

/// Columns that hold an LEI by definition: the register's own entities, and
/// every reference to them.
fn qnames_lei() -> &'static str {
    "eba_qCO:qx2000"
}

fn lei_columns(table: &Table) -> Vec<&str> {
    let mut cols: Vec<&str> = table
        .references
        .iter()
        .filter(|r| r.table == "B_01.02")
        .flat_map(|r| r.columns.iter().map(String::as_str))
        .collect();
    match table.code.as_str() {
        "B_01.01" | "B_01.02" => cols.push("c0010"),
        _ => {}
    }
    cols
}

fn check_template(
    table: &Table,
    path: &str,
    csv: &Csv,
    out: &mut Vec<Problem>,
) -> HashSet<Vec<String>> {
    let mut seen_header = HashSet::new();
    for (i, h) in csv.header.iter().enumerate() {
        if table.column(h).is_none() {
            let known: Vec<&str> = table.columns.iter().map(|c| c.code.as_str()).collect();
            out.push(
                Problem::error(
                    "header",
                    path,
                    Some(1),
                    format!(
                        "column {} `{h}` is not a column of {} (its columns: {})",
                        i + 1,
                        table.code,
                        known.join(", ")
                    ),
                )
                .in_column(h),
            );
        } else if !seen_header.insert(h.as_str()) {
            out.push(
                Problem::error(
                    "header",
                    path,
                    Some(1),
                    format!("`{h}` appears twice in the header"),
                )
                .in_column(h),
            );
        }
    }
    for key in &table.primary {
        if !csv.header.contains(key) {
            out.push(
                Problem::error(
                    "header",
                    path,
                    Some(1),
                    format!("the key column `{key}` of {} is missing", table.code),
                )
                .in_column(key),
            );
        }
    }
    let index = csv.index();
    if !csv.rows.is_empty() {
        for rule in EXISTENCE.iter().filter(|e| e.table == table.code) {
            let absent: Vec<&str> = if rule.columns.is_empty() {
                table
                    .columns
                    .iter()
                    .map(|c| c.code.as_str())
                    .filter(|c| !index.contains_key(c))
                    .collect()
            } else {
                rule.columns
                    .iter()
                    .copied()
                    .filter(|c| !index.contains_key(c))
                    .collect()
            };
            for code in absent {
                if !table.primary.iter().any(|k| k == code) {
                    out.push(
                        Problem::error(
                            "existence",
                            path,
                            Some(1),
                            format!(
                                "the file has no column {code}; every row of {} fills it (EBA rule {})",
                                table.code, rule.id
                            ),
                        )
                        .in_column(code),
                    );
                }
            }
        }
    }
    let key_cols: Option<Vec<usize>> = table
        .primary
        .iter()
        .map(|k| index.get(k.as_str()).copied())
        .collect();
    let leis = lei_columns(table);
    // Codes whose type column says they are LEIs: each `eba_qCO` type
    // column follows the code it types.
    let typed: Vec<(usize, usize)> = table
        .columns
        .windows(2)
        .filter(|w| {
            w[1].allowed
                .first()
                .is_some_and(|a| a.starts_with("eba_qCO:"))
        })
        .filter_map(|w| {
            Some((
                *index.get(w[0].code.as_str())?,
                *index.get(w[1].code.as_str())?,
            ))
        })
        .collect();
    let mut keys: HashMap<Vec<String>, u64> = HashMap::new();
    for (line, cells) in &csv.rows {
        for (i, cell) in cells.iter().enumerate() {
            let Some(column) = table.column(&csv.header[i]) else {
                continue;
            };
            let code = column.code.as_str();
            if cell.is_empty() {
                if table.primary.iter().any(|k| k == code) {
                    out.push(Problem::error("empty-key", path, Some(*line), "a key cell is blank; write `Not Applicable` (or eba_GA:qx2007 for a country) when it does not apply".to_owned()).in_column(code));
                }
                continue;
            }
            let bad = match column.ty {
                ColumnType::Date => (!is_date(cell)).then(|| "is not a date YYYY-MM-DD".to_owned()),
                ColumnType::Integer => (!is_integer(cell)).then(|| "is not an integer".to_owned()),
                ColumnType::Monetary => (!is_decimal(cell))
                    .then(|| "is not an amount (digits, optionally a `.` and decimals)".to_owned()),
                ColumnType::Boolean => {
                    (cell != "true" && cell != "false").then(|| "is not true or false".to_owned())
                }
                ColumnType::Enumeration => (!column.allowed.is_empty()
                    && !column.allowed.iter().any(|a| a == cell))
                .then(|| {
                    let prefix = column
                        .allowed
                        .first()
                        .and_then(|a| a.split_once(':'))
                        .map_or("", |(p, _)| p);
                    format!(
                        "is not one of the {} values allowed here ({prefix}:…)",
                        column.allowed.len()
                    )
                }),
                ColumnType::String => None,
            };
            if let Some(why) = bad {
                out.push(
                    Problem::error("value-format", path, Some(*line), format!("`{cell}` {why}"))
                        .in_column(code),
                );
            } else if column.ty == ColumnType::Monetary && cell.starts_with('-') {
                out.push(
                    Problem::error(
                        "negative-amount",
                        path,
                        Some(*line),
                        format!("`{cell}` is negative; amounts are zero or more"),
                    )
                    .in_column(code),
                );
            }
            if leis.contains(&code) && cell != "Not Applicable" && !is_lei(cell) {
                out.push(Problem::error("lei-format", path, Some(*line), format!("`{cell}` is not a valid LEI (20 characters, ISO 17442 check digits); Linchpin checks the format only, not whether GLEIF knows it")).in_column(code));
            }
        }
        for &(code, ty) in &typed {
            let cell = cells[code].as_str();
            if cells[ty] == qnames_lei()
                && !cell.is_empty()
                && cell != "Not Applicable"
                && !is_lei(cell)
            {
                let (column, ty_column) = (csv.header[code].as_str(), csv.header[ty].as_str());
                out.push(Problem::error("lei-format", path, Some(*line), format!("`{cell}` is typed as an LEI ({ty_column} is eba_qCO:qx2000) but is not a valid one (20 characters, ISO 17442 check digits)")).in_column(column));
            }
        }
        for rule in CONDITIONS.iter().filter(|c| c.table == table.code) {
            let (Some(&w), Some(&t)) = (index.get(rule.when), index.get(rule.then)) else {
                continue;
            };
            let value = cells[w].as_str();
            let decides = !value.is_empty()
                && (rule.values.is_empty() || rule.values.contains(&value))
                && !rule.except.contains(&value);
            let cell = cells[t].as_str();
            let wrong = if rule.allowed.is_empty() {
                cell.is_empty().then(|| {
                    format!(
                        "{} is blank, but {} is `{value}`: {} (EBA rule {})",
                        rule.then, rule.when, rule.says, rule.id
                    )
                })
            } else {
                (!cell.is_empty() && !rule.allowed.contains(&cell)).then(|| {
                    format!(
                        "{} is `{cell}`, but {} is `{value}`: {} ({}; EBA rule {})",
                        rule.then,
                        rule.when,
                        rule.says,
                        rule.allowed.join(" or "),
                        rule.id
                    )
                })
            };
            if let Some(message) = wrong.filter(|_| decides) {
                out.push(
                    Problem::error("conditional", path, Some(*line), message).in_column(rule.then),
                );
            }
        }
        for rule in EXISTENCE.iter().filter(|e| e.table == table.code) {
            for (i, cell) in cells.iter().enumerate() {
                let code = csv.header[i].as_str();
                let named = if rule.columns.is_empty() {
                    table.column(code).is_some()
                } else {
                    rule.columns.contains(&code)
                };
                if named && cell.is_empty() && !table.primary.iter().any(|k| k == code) {
                    out.push(
                        Problem::error(
                            "existence",
                            path,
                            Some(*line),
                            format!(
                                "{code} is blank; every row of {} fills it (EBA rule {})",
                                table.code, rule.id
                            ),
                        )
                        .in_column(code),
                    );
                }
            }
        }
        for &(id, t, earlier, later) in DATE_ORDER.iter().filter(|r| r.1 == table.code) {
            let (Some(&a), Some(&b)) = (index.get(earlier), index.get(later)) else {
                continue;
            };
            let (start, end) = (cells[a].as_str(), cells[b].as_str());
            if is_date(start) && is_date(end) && end <= start {
                out.push(
                    Problem::error(
                        "date-order",
                        path,
                        Some(*line),
                        format!(
                            "{later} `{end}` is not after {earlier} `{start}` in {t}: a contract ends after it starts (EBA rule {id})"
                        ),
                    )
                    .in_column(later),
                );
            }
        }
        if let Some(cols) = &key_cols {
            if cols.is_empty() {
                continue;
            }
            let key: Vec<String> = cols.iter().map(|&i| cells[i].clone()).collect();
            if let Some(first) = keys.get(&key) {
                out.push(
                    Problem::error(
                        "duplicate-key",
                        path,
                        Some(*line),
                        format!(
                            "the key `{}` was already used on line {first}",
                            key.join("`, `")
                        ),
                    )
                    .in_column(&table.primary.join("+")),
                );
            } else {
                keys.insert(key, *line);
            }
        }
    }
    keys.into_keys().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lei_check_digits() {
        // Published LEIs (GLEIF's own, and a bank's).
        assert!(is_lei("506700GE1G29325QX363"));
        assert!(is_lei("5493001KJTIIGC8Y1R12"));
        assert!(!is_lei("506700GE1G29325QX364"), "one check digit off");
        assert!(!is_lei("DUMMYLEI123456789012"));
        assert!(!is_lei("506700ge1g29325qx363"), "lower case");
        assert!(!is_lei("506700GE1G29325QX36"));
    }

    #[test]
    fn names_dates_numbers() {
        let n =
            parse_name("DUMMYLEI123456789012.CON_FR_DORA010100_DORA_2024-12-31_20241213174803429")
                .unwrap();
        assert_eq!(
            (n.lei.as_str(), n.scope.as_str(), n.ref_date.as_str()),
            ("DUMMYLEI123456789012", "CON", "2024-12-31")
        );
        assert!(parse_name("X.GRP_FR_DORA010100_DORA_2024-12-31_20241213174803429").is_err());
        assert!(parse_name("X.CON_FR_DORA010100_DORA_2024-13-31_20241213174803429").is_err());
        assert!(parse_name("X.CON_FR_DORA010100_DORA_2024-12-31_2024").is_err());
        assert!(is_date("2024-02-29") && !is_date("2023-02-29") && !is_date("2024-1-01"));
        assert!(
            is_decimal("84074") && is_decimal("-1.5") && !is_decimal("1.") && !is_decimal("1e3")
        );
        assert!(is_integer("0") && !is_integer("") && !is_integer("1.0"));
    }
}
