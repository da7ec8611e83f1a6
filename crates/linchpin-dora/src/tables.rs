//! The 15 templates of the register: columns, types, allowed values,
//! primary and foreign keys — from `data/tables.json`, which
//! `scripts/gen-dora-tables.py` derives from the EBA taxonomy.

use serde_json::Value;

/// The derived table definitions, compiled in.
pub const TABLES_JSON: &str = include_str!("../data/tables.json");

/// The module a package's `report.json` must extend.
pub const MODULE: &str = "http://www.eba.europa.eu/eu/fr/xbrl/crr/fws/dora/4.0/mod/dora.json";

/// A column's data type in the taxonomy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// Free text (`s`).
    String,
    /// A closed list of QNames (`e`).
    Enumeration,
    /// A date `YYYY-MM-DD` (`d`).
    Date,
    /// An integer (`i`).
    Integer,
    /// An amount (`m`).
    Monetary,
    /// `true` or `false` (`t`).
    Boolean,
}

/// One column.
#[derive(Debug, Clone)]
pub struct Column {
    /// `c0010`.
    pub code: String,
    /// Its type.
    pub ty: ColumnType,
    /// Allowed QNames for enumerations (empty: any).
    pub allowed: Vec<String>,
}

/// A foreign key: these columns must match the primary key of another template.
#[derive(Debug, Clone)]
pub struct Reference {
    /// The rule's name in the taxonomy (`R7 - ...`).
    pub name: String,
    /// The referencing columns, in the order of the other template's key.
    pub columns: Vec<String>,
    /// The referenced template (`B_06.01`).
    pub table: String,
}

/// One template.
#[derive(Debug, Clone)]
pub struct Table {
    /// `B_02.02`.
    pub code: String,
    /// `b_02.02.csv`.
    pub file: String,
    /// Its columns.
    pub columns: Vec<Column>,
    /// Primary key columns.
    pub primary: Vec<String>,
    /// Foreign keys.
    pub references: Vec<Reference>,
}

impl Table {
    /// A column by code.
    pub fn column(&self, code: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.code == code)
    }
}

/// All templates.
pub fn tables() -> Vec<Table> {
    let doc: Value = serde_json::from_str(TABLES_JSON).expect("tables.json is generated and valid");
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| x.as_str().map(str::to_owned))
            .collect()
    };
    doc["tables"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| Table {
            code: t["code"].as_str().unwrap_or_default().to_owned(),
            file: t["file"].as_str().unwrap_or_default().to_owned(),
            columns: t["columns"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|c| Column {
                    code: c["code"].as_str().unwrap_or_default().to_owned(),
                    ty: match c["type"].as_str() {
                        Some("e") => ColumnType::Enumeration,
                        Some("d") => ColumnType::Date,
                        Some("i") => ColumnType::Integer,
                        Some("m") => ColumnType::Monetary,
                        Some("t") => ColumnType::Boolean,
                        _ => ColumnType::String,
                    },
                    allowed: strings(&c["allowed"]),
                })
                .collect(),
            primary: strings(&t["primary"]),
            references: t["references"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| Reference {
                    name: r["name"].as_str().unwrap_or_default().to_owned(),
                    columns: strings(&r["columns"]),
                    table: r["table"].as_str().unwrap_or_default().to_owned(),
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifteen_templates_with_keys() {
        let t = tables();
        assert_eq!(t.len(), 15);
        let b0202 = t.iter().find(|x| x.code == "B_02.02").unwrap();
        assert_eq!(b0202.file, "b_02.02.csv");
        assert_eq!(b0202.primary.len(), 8);
        assert_eq!(b0202.references.len(), 2);
        assert!(b0202
            .column("c0060")
            .unwrap()
            .allowed
            .contains(&"eba_TA:S19".to_owned()));
        // Every reference points at a template whose key has as many columns.
        for table in &t {
            for r in &table.references {
                let target = t.iter().find(|x| x.code == r.table).unwrap();
                assert_eq!(
                    target.primary.len(),
                    r.columns.len(),
                    "{} {}",
                    table.code,
                    r.name
                );
            }
        }
    }
}
