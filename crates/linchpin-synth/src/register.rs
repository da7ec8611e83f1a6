//! A synthetic bank that keeps a DORA register of information: three group
//! companies, business functions resting directly on suppliers (so that the
//! register derives which functions each service supports), one contract
//! per supplier with several ICT services, and twenty clouds behind the
//! suppliers (the supply chain's rank 2). For `export dora-roi` benchmarks.

use crate::File;
use std::fmt::Write;

/// A valid LEI from a number: `5299SY` + 12 digits + ISO 7064 MOD 97-10
/// check digits (the letters keep YAML from reading it as a number).
pub fn lei(n: u64) -> String {
    let base = format!("5299SY{:012}", n % 1_000_000_000_000);
    format!("{base}{:02}", 98 - mod97(&format!("{base}00")))
}

/// The code as a number (letters are 10 … 35) modulo 97.
fn mod97(code: &str) -> u64 {
    code.chars().fold(0u64, |acc, c| {
        let v = u64::from(c.to_digit(36).unwrap_or(0));
        if v >= 10 {
            (acc * 100 + v) % 97
        } else {
            (acc * 10 + v) % 97
        }
    })
}

const HEADER: &str = "apiVersion: linchpin.dev/v1alpha1\n";
const COUNTRIES: &[&str] = &["DE", "FR", "NL", "IE", "AT", "BE", "LU", "ES", "IT", "US"];
const TYPES: &[&str] = &[
    "S01", "S02", "S03", "S04", "S05", "S06", "S07", "S08", "S09", "S10", "S11", "S12", "S13",
    "S14", "S15", "S16", "S17", "S18", "S19",
];

/// The files of a bank with `arrangements` contracts of `services` ICT services each.
pub fn generate(arrangements: usize, services: usize) -> Vec<File> {
    let arrangements = arrangements.max(1);
    let services = services.clamp(1, TYPES.len());
    let functions = (arrangements / 25).max(1);
    let clouds = 20;
    let mut files = Vec::new();

    let mut text = String::new();
    for (i, (name, country, ty, hierarchy)) in [
        ("bank", "DE", "eba_CT:x12", "ultimate-parent"),
        ("payments", "NL", "eba_CT:x300", "subsidiary"),
        ("invest", "AT", "eba_CT:x599", "subsidiary"),
    ]
    .iter()
    .enumerate()
    {
        let _ = write!(
            text,
            "{HEADER}kind: LegalEntity\nmetadata:\n  name: {name}\nspec:\n  lei: {}\n  country: {country}\n  entityType: {ty}\n  hierarchy: {hierarchy}\n  competentAuthority: Authority\n  totalAssets: {{ amount: {}, currency: EUR }}\n  inRegisterSince: 2025-01-01\n  lastUpdated: 2026-06-30\n",
            lei(i as u64 + 1),
            1_000_000 * (i + 1)
        );
        if i == 0 {
            text.push_str("  maintainsRegister: true\n");
        } else {
            text.push_str("  parent: bank\n");
        }
        text.push_str("---\n");
    }
    files.push(File {
        path: "legal-entities.yaml".into(),
        text,
    });

    // Functions, each on a slice of the suppliers.
    let per_function = arrangements.div_ceil(functions);
    for chunk in 0..functions.div_ceil(100) {
        let mut text = String::new();
        for f in chunk * 100..((chunk + 1) * 100).min(functions) {
            let entities = match f % 3 {
                0 => "[bank]",
                1 => "[bank, payments]",
                _ => "[bank, invest]",
            };
            let _ = write!(
                text,
                "{HEADER}kind: BusinessFunction\nmetadata:\n  name: f{f}\nspec:\n  criticality: {}\n  rto: 4h\n  rpo: 1h\n  licensedActivity: eba_TA:x162\n  criticalityReasons: Customers depend on it\n  lastAssessed: 2026-01-31\n  discontinuationImpact: high\n  legalEntities: {entities}\n  dependsOn:\n",
                if f % 2 == 0 { "critical" } else { "standard" }
            );
            for s in f * per_function..((f + 1) * per_function).min(arrangements) {
                let _ = writeln!(text, "    - supplier:s{s}");
            }
            text.push_str("---\n");
        }
        files.push(File {
            path: format!("functions/{chunk:04}.yaml"),
            text,
        });
    }

    // The clouds behind the suppliers.
    let mut text = String::new();
    for c in 0..clouds {
        let _ = write!(
            text,
            "{HEADER}kind: Supplier\nmetadata:\n  name: cloud{c}\nspec:\n  type: cloud\n  country: {}\n  identifiers:\n    lei: {}\n---\n",
            COUNTRIES[c % COUNTRIES.len()],
            lei(1_000 + c as u64)
        );
    }
    files.push(File {
        path: "suppliers/clouds.yaml".into(),
        text,
    });

    // The suppliers, one contract each.
    for chunk in 0..arrangements.div_ceil(100) {
        let mut text = String::new();
        for s in chunk * 100..((chunk + 1) * 100).min(arrangements) {
            let country = COUNTRIES[s % COUNTRIES.len()];
            let _ = write!(
                text,
                "{HEADER}kind: Supplier\nmetadata:\n  name: s{s}\n  title: Supplier {s} Ltd\nspec:\n  type: saas\n  country: {country}\n  identifiers:\n    lei: {}\n  dependsOn: [supplier:cloud{}]\n  exit:\n    strategy: replace\n    leadTime: 90d\n  contracts:\n    - reference: C-{s:06}\n      start: 2024-01-01\n      end: 2028-12-31\n      noticePeriod: 90d\n      providerNoticePeriod: 180d\n      governingLaw: {country}\n      annualCost: {{ amount: {}, currency: EUR }}\n      usedBy: [bank, payments, invest]\n      services:\n",
                lei(100_000 + s as u64),
                s % clouds,
                1_000 + s * 7 % 90_000
            );
            for k in 0..services {
                let _ = write!(
                    text,
                    "        - type: {}\n          providedFrom: {country}\n          dataStorage: true\n          dataAtRest: {country}\n          dataProcessing: {country}\n          dataSensitiveness: medium\n          reliance: material\n          substitutability: medium\n          lastAudit: 2026-03-31\n          reintegration: difficult\n          discontinuationImpact: medium\n",
                    TYPES[(s + k) % TYPES.len()]
                );
            }
            text.push_str("---\n");
        }
        files.push(File {
            path: format!("suppliers/{chunk:04}.yaml"),
            text,
        });
    }
    files
}

#[cfg(test)]
mod tests {
    #[test]
    fn leis_carry_valid_check_digits() {
        // ISO 7064 MOD 97-10: the whole code taken as a number is 1 modulo 97.
        for n in [0, 1, 42, 99_999] {
            let l = super::lei(n);
            assert_eq!(l.len(), 20);
            assert_eq!(super::mod97(&l), 1, "{l}");
        }
    }
}
