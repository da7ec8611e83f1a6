//! The register written from a landscape: `examples/bank` round trip, the
//! fields derived from the model, gaps, and problems traced back to the
//! landscape.
#![allow(clippy::disallowed_methods)] // tests write landscapes and packages to disk

use linchpin_dora::export::{export, reporting_entity, Consolidation, Options, Register};
use linchpin_dora::gaps::gaps;
use linchpin_dora::package::{read, to_zip};
use linchpin_dora::validate::validate;
use linchpin_loader::{load, LoadOptions, Loaded};
use linchpin_model::{Date, Kind, Spec};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn options() -> Options {
    Options {
        reference_date: Date::parse("2026-12-31").unwrap(),
        consolidation: Consolidation::Consolidated,
        created: "20270115093000000".to_owned(),
    }
}

fn loaded(dir: &Path) -> Loaded {
    let l = load(dir, &LoadOptions::default()).unwrap();
    let errors: Vec<_> = l
        .diagnostics
        .iter()
        .filter(|d| d.severity == linchpin_diagnostics::Severity::Error)
        .map(|d| d.message.clone())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    l
}

/// A template's rows as maps from column code to value, read by header name.
fn rows(files: &BTreeMap<String, Vec<u8>>, file: &str) -> Vec<BTreeMap<String, String>> {
    let bytes = &files[&format!("reports/{file}")];
    let mut reader = csv::ReaderBuilder::new().from_reader(bytes.as_slice());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .cloned()
                .zip(r.iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

fn column(rows: &[BTreeMap<String, String>], code: &str) -> BTreeSet<String> {
    rows.iter().map(|r| r[code].clone()).collect()
}

#[test]
fn the_bank_exports_a_register_that_validates_and_reads_back_as_the_landscape() {
    let l = loaded(&repo().join("examples/bank"));
    assert!(gaps(&l.catalog).is_empty(), "{:?}", gaps(&l.catalog));
    let register: Register = export(&l.catalog, &options()).unwrap();
    assert_eq!(
        register.package.name,
        "529900NORDHAFENBAN26.CON_DE_DORA010100_DORA_2026-12-31_20270115093000000"
    );
    let problems = validate(&register.package);
    assert!(problems.is_empty(), "{problems:#?}");

    // Through a real zip file and back.
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join(format!("{}.zip", register.package.name));
    std::fs::write(&zip, to_zip(&register.package).unwrap()).unwrap();
    let back = read(&zip).unwrap();
    assert_eq!(back.name, register.package.name);
    assert_eq!(back.files, register.package.files);
    assert!(validate(&back).is_empty());
    let files = &back.files;
    // CRLF line ends, as the EBA's sample.
    let b0201 = String::from_utf8(files["reports/b_02.01.csv"].clone()).unwrap();
    assert!(b0201.ends_with("\r\n") && !b0201.replace("\r\n", "").contains('\n'));

    // The entities in scope are the landscape's LegalEntities.
    let mut leis = BTreeSet::new();
    let mut contracts = BTreeSet::new();
    let mut direct = BTreeSet::new();
    for (_, e) in l.catalog.iter() {
        match &e.spec {
            Spec::LegalEntity(le) => {
                leis.insert(le.lei.as_ref().unwrap().value.clone());
            }
            Spec::Supplier(s) if !s.contracts.is_empty() => {
                direct.insert(
                    linchpin_dora::export::provider_code(s)
                        .unwrap()
                        .0
                        .to_owned(),
                );
                contracts.extend(s.contracts.iter().map(|c| c.reference.clone()));
            }
            _ => {}
        }
    }
    assert_eq!(column(&rows(files, "b_01.02.csv"), "c0010"), leis);
    // Every contract is an arrangement; every direct supplier a signing provider.
    assert_eq!(column(&rows(files, "b_02.01.csv"), "c0010"), contracts);
    assert_eq!(column(&rows(files, "b_03.02.csv"), "c0020"), direct);
    assert!(contracts.len() >= 10, "the bank has 10+ arrangements");
    let providers = column(&rows(files, "b_05.01.csv"), "c0010");
    assert!(providers.len() >= 15, "15+ providers: {providers:?}");
    assert!(direct.is_subset(&providers));

    // The intra-group arrangement names the group company providing it.
    let intra = rows(files, "b_03.03.csv");
    assert_eq!(intra.len(), 1);
    assert_eq!(intra[0]["c0010"], "NHP-2022-001");
    assert_eq!(intra[0]["c0020"], "529900NORDHAFENBAN26");
    // … and the outside contract it passes on (`linkedTo`).
    let links = rows(files, "b_02.03.csv");
    assert_eq!(links.len(), 1);
    assert_eq!(
        (
            links[0]["c0010"].as_str(),
            links[0]["c0020"].as_str(),
            links[0]["c0030"].as_str()
        ),
        ("NHP-2022-001", "NHB-2022-101", "true")
    );

    // The supply chain comes from dependsOn: Corebank → Hostwerk → Netcarrier.
    let chain = rows(files, "b_05.02.csv");
    let rank_of = |contract: &str, provider: &str| {
        chain
            .iter()
            .filter(|r| r["c0010"] == contract && r["c0030"].starts_with(provider))
            .map(|r| r["c0050"].clone())
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(
        rank_of("NHB-2019-001", "529900COREBANK"),
        ["1".to_owned()].into()
    );
    assert_eq!(
        rank_of("NHB-2019-001", "529900HOSTWERK"),
        ["2".to_owned()].into()
    );
    assert_eq!(
        rank_of("NHB-2019-001", "529900NETCARRIER"),
        ["3".to_owned()].into()
    );

    // Criticality, RTO and RPO come from the functions.
    let functions = rows(files, "b_06.01.csv");
    let payments = functions.iter().find(|r| r["c0010"] == "payments").unwrap();
    assert_eq!(payments["c0050"], "eba_BT:x28");
    assert_eq!(payments["c0080"], "1");
    let notifications = functions
        .iter()
        .find(|r| r["c0010"] == "customer-communication")
        .unwrap();
    assert_eq!(notifications["c0050"], "eba_BT:x29");
    // Payments is performed by two companies: a row for each.
    assert_eq!(
        functions
            .iter()
            .filter(|r| r["c0010"] == "payments")
            .count(),
        2
    );

    // The functions a service supports come from the dependency graph:
    // Paygate serves payments (through the payment hub), for both users.
    let services = rows(files, "b_02.02.csv");
    let paygate: BTreeSet<(String, String)> = services
        .iter()
        .filter(|r| r["c0010"] == "NHP-2023-002")
        .map(|r| (r["c0020"].clone(), r["c0050"].clone()))
        .collect();
    assert_eq!(
        paygate,
        [
            ("529900NORDHAFENBAN26".to_owned(), "payments".to_owned()),
            ("529900NORDHAFENPAY03".to_owned(), "payments".to_owned())
        ]
        .into()
    );
    // A service stored in one place and processed in two gives two rows.
    assert!(services
        .iter()
        .any(|r| r["c0010"] == "NHB-2022-101" && r["c0160"] == "eba_GA:NL"));

    // The assessment takes the exit plan and its alternatives from the model.
    let assessment = rows(files, "b_07.01.csv");
    let hostwerk = assessment
        .iter()
        .find(|r| r["c0010"] == "NHB-2021-044")
        .unwrap();
    assert_eq!(hostwerk["c0080"], "eba_BT:x28");
    assert_eq!(hostwerk["c0110"], "eba_BT:x28");
    assert_eq!(hostwerk["c0120"], "Secure DC SAS");

    // Every row knows the landscape entity it came from.
    for (path, bytes) in files.iter().filter(|(p, _)| p.starts_with("reports/b_")) {
        let lines = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
        for line in 2..=lines {
            assert!(
                register.origins.contains_key(&(path.clone(), line)),
                "{path}:{line} has no origin"
            );
        }
    }
}

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

const ENTITY: &str = "apiVersion: linchpin.dev/v1alpha1
kind: LegalEntity
metadata:
  name: bank
spec:
  maintainsRegister: true
  lei: 529900NORDHAFENBAN26
  country: DE
  entityType: eba_CT:x12
  hierarchy: ultimate-parent
  competentAuthority: BaFin
  inRegisterSince: 2025-01-17
  lastUpdated: 2026-06-30
  totalAssets: { amount: 1000, currency: EUR }
";

const SUBSIDIARY_WITHOUT_LEI: &str = "apiVersion: linchpin.dev/v1alpha1
kind: LegalEntity
metadata:
  name: sub
spec:
  country: NL
  entityType: eba_CT:x300
  hierarchy: subsidiary
  parent: bank
  inRegisterSince: 2025-01-17
  lastUpdated: 2026-06-30
  totalAssets: { amount: 10, currency: EUR }
";

const FUNCTION: &str = "apiVersion: linchpin.dev/v1alpha1
kind: BusinessFunction
metadata:
  name: lending
spec:
  criticality: critical
  rto: 4h
  rpo: 1h
  licensedActivity: eba_TA:x162
  criticalityReasons: The licence
  lastAssessed: 2026-01-31
  discontinuationImpact: high
  legalEntities: [bank, sub]
  dependsOn: [supplier:acme]
";

const SUPPLIER: &str = "apiVersion: linchpin.dev/v1alpha1
kind: Supplier
metadata:
  name: acme
spec:
  type: saas
  country: DE
  identifiers:
    lei: 529900COREBANKSYST10
  contracts:
    - reference: C-1
      start: 2025-01-01
      annualCost: { amount: 5, currency: EUR }
      noticePeriod: 30d
      providerNoticePeriod: 30d
      services:
        - type: S19
          providedFrom: DE
          dataStorage: false
          reliance: full
          substitutability: medium
          reintegration: easy
          discontinuationImpact: high
";

#[test]
fn gaps_name_each_missing_field_at_its_entity() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("entity.yaml", ENTITY),
            ("sub.yaml", SUBSIDIARY_WITHOUT_LEI),
            ("function.yaml", FUNCTION),
            ("supplier.yaml", SUPPLIER),
        ],
    );
    let l = loaded(dir.path());
    let found: Vec<(String, String, u32)> = gaps(&l.catalog)
        .into_iter()
        .map(|g| (l.sources.path(g.span.file).to_owned(), g.field, g.span.line))
        .collect();
    assert_eq!(
        found,
        [
            ("sub.yaml".to_owned(), "spec.lei".to_owned(), 4),
            (
                "supplier.yaml".to_owned(),
                "spec.contracts[0].governingLaw".to_owned(),
                11
            ),
            (
                "supplier.yaml".to_owned(),
                "spec.contracts[0].services[0].lastAudit".to_owned(),
                17
            ),
        ]
    );
}

#[test]
fn validator_problems_point_back_to_the_landscape() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("entity.yaml", ENTITY),
            ("sub.yaml", SUBSIDIARY_WITHOUT_LEI),
            ("function.yaml", FUNCTION),
            ("supplier.yaml", SUPPLIER),
        ],
    );
    let l = loaded(dir.path());
    let register = export(&l.catalog, &options()).unwrap();
    let problems = validate(&register.package);
    // The subsidiary without an LEI leaves a blank key in B_01.02 and in
    // B_06.01 (the function it performs); each traces back to its entity.
    let traced: BTreeSet<(String, &str, String)> = problems
        .iter()
        .filter(|p| p.rule == "empty-key")
        .map(|p| {
            let origin = register.origins[&(p.file.clone(), p.line.unwrap())];
            (
                p.file.clone(),
                p.column.as_deref().unwrap_or_default(),
                l.catalog.entity(origin.entity).entity_ref.to_string(),
            )
        })
        .map(|(f, c, e)| (f, if c == "c0010" { "c0010" } else { "other" }, e))
        .collect();
    assert!(
        traced.contains(&(
            "reports/b_01.02.csv".to_owned(),
            "c0010",
            "legalentity:default/sub".to_owned()
        )),
        "{traced:?}"
    );
    assert!(
        traced
            .iter()
            .any(|(f, _, e)| f == "reports/b_06.01.csv" && e == "businessfunction:default/lending"),
        "{traced:?}"
    );
}

#[test]
fn a_landscape_without_a_register_keeper_has_no_gaps_and_no_export() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("supplier.yaml", SUPPLIER)]);
    let l = loaded(dir.path());
    assert!(reporting_entity(&l.catalog).is_none());
    assert!(gaps(&l.catalog).is_empty());
    let err = export(&l.catalog, &options()).unwrap_err();
    assert!(err.contains("maintainsRegister"), "{err}");
    // The webshop is a retailer: it keeps no register.
    let webshop = loaded(&repo().join("examples/webshop"));
    assert!(webshop.catalog.of_kind(&Kind::LegalEntity).next().is_none());
}

/// A contract that names another contract (`overarching`, `linkedTo`) by a
/// reference no supplier has is reported at that reference, as wrong rather
/// than missing.
#[test]
fn a_link_to_an_unknown_contract_is_a_gap_at_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let linked = SUPPLIER.replace(
        "      start: 2025-01-01\n",
        "      start: 2025-01-01\n      linkedTo: [C-1, C-9]\n      governingLaw: DE\n",
    );
    write(
        dir.path(),
        &[
            ("entity.yaml", ENTITY),
            ("sub.yaml", SUBSIDIARY_WITHOUT_LEI),
            ("function.yaml", FUNCTION),
            ("supplier.yaml", &linked),
        ],
    );
    let l = loaded(dir.path());
    let wrong: Vec<(String, u32, bool)> = gaps(&l.catalog)
        .into_iter()
        .filter(|g| g.field.contains("linkedTo"))
        .map(|g| (g.field, g.span.line, g.missing))
        .collect();
    assert_eq!(
        wrong,
        [("spec.contracts[0].linkedTo[1]".to_owned(), 13, false)]
    );
}
