//! The risk register: one row per supplier with the columns a vendor
//! manager keeps in a spreadsheet.

use crate::data::Report;
use linchpin_model::{Catalog, EntityId, Spec};
use std::collections::BTreeMap;

/// The register as CSV (RFC 4180, a header row first).
pub fn register_csv(r: &Report, c: &Catalog) -> String {
    const HEADER: [&str; 31] = [
        "rank",
        "ref",
        "name",
        "type",
        "country",
        "lei",
        "relationship_owner",
        "tier",
        "score",
        "stops",
        "degrades",
        "outage_duration",
        "outage_breaches",
        "permanent_duration",
        "permanent_breaches",
        "statement",
        "statement_valid_until",
        "committed_rto",
        "rto_fits",
        "escrow_agent",
        "escrow_last_deposit",
        "escrow_verification",
        "exit_strategy",
        "exit_lead_time",
        "exit_last_tested",
        "exit_owner",
        "alternatives",
        "contracts",
        "next_notice_deadline",
        "annual_cost",
        "findings",
    ];
    let names = |ids: &mut dyn Iterator<Item = EntityId>| {
        ids.map(|id| c.entity(id).entity_ref.name.to_string())
            .collect::<Vec<_>>()
            .join("; ")
    };
    let rows = r.ranking.iter().enumerate().filter_map(|(i, x)| {
        let e = c.entity(x.id);
        let Spec::Supplier(s) = &e.spec else {
            return None;
        };
        let reference = |r: &linchpin_model::EntityRef| r.to_string();
        let statement = s.continuity.as_ref().and_then(|k| k.statement.as_ref());
        let mut costs: BTreeMap<&str, f64> = BTreeMap::new();
        for k in &s.contracts {
            if let Some(m) = &k.annual_cost {
                *costs.entry(m.currency.as_str()).or_default() += m.amount;
            }
        }
        let notice = s
            .contracts
            .iter()
            .filter_map(|k| {
                Some(
                    k.end?
                        .add_days(-((k.notice_period?.seconds() / 86_400) as i32)),
                )
            })
            .filter(|d| *d >= r.today)
            .min();
        let mut row = vec![(i + 1).to_string()];
        row.extend(supplier_columns(e, s));
        row.extend([
            s.identifiers
                .iter()
                .find(|(k, _)| k == "lei")
                .map(|(_, v)| v.value.clone())
                .unwrap_or_default(),
            s.owner
                .as_ref()
                .map(|o| reference(&o.value))
                .unwrap_or_default(),
            x.tier.to_string(),
            format!("{:.1}", x.score),
            names(&mut x.stops.iter().map(|f| f.function)),
            names(&mut x.degrades.iter().map(|f| f.function)),
            x.outage.duration.to_string(),
            names(&mut x.outage.breaches.iter().copied()),
            x.permanent.duration.to_string(),
            names(&mut x.permanent.breaches.iter().copied()),
            x.readiness.statement.describe(),
            statement
                .and_then(|st| st.valid_until)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            statement
                .and_then(|st| st.rto)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            x.readiness.rto_adequate.map_or(String::new(), |b| {
                if b {
                    "yes".into()
                } else {
                    "no".into()
                }
            }),
            s.escrow
                .as_ref()
                .and_then(|k| k.agent.clone())
                .unwrap_or_default(),
            s.escrow
                .as_ref()
                .and_then(|k| k.last_deposit)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            s.escrow
                .as_ref()
                .and_then(|k| k.verification)
                .map(|v| v.as_str().to_owned())
                .unwrap_or_default(),
            s.exit
                .as_ref()
                .and_then(|k| k.strategy)
                .map(|v| v.as_str().to_owned())
                .unwrap_or_default(),
            s.exit
                .as_ref()
                .and_then(|k| k.lead_time.as_ref())
                .map(|d| d.value.to_string())
                .unwrap_or_default(),
            s.exit
                .as_ref()
                .and_then(|k| k.last_tested)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            s.exit
                .as_ref()
                .and_then(|k| k.owner.as_ref())
                .map(|o| reference(&o.value))
                .unwrap_or_default(),
            s.exit
                .as_ref()
                .map(|k| {
                    k.alternatives
                        .iter()
                        .map(|a| a.value.name.to_string())
                        .collect::<Vec<_>>()
                        .join("; ")
                })
                .unwrap_or_default(),
            s.contracts
                .iter()
                .map(|k| k.reference.clone())
                .collect::<Vec<_>>()
                .join("; "),
            notice.map(|d| d.to_string()).unwrap_or_default(),
            costs
                .iter()
                .map(|(cur, amount)| format!("{amount:.0} {cur}"))
                .collect::<Vec<_>>()
                .join("; "),
            r.findings
                .iter()
                .filter(|f| f.entity == x.id)
                .map(|f| f.id)
                .collect::<Vec<_>>()
                .join("; "),
        ]);
        Some(row)
    });
    crate::csv::table(&HEADER, rows)
}

/// The columns that name a supplier in every CSV for people: its ref, name,
/// type and country.
pub fn supplier_columns(
    e: &linchpin_model::Entity,
    s: &linchpin_model::SupplierSpec,
) -> [String; 4] {
    [
        e.entity_ref.to_string(),
        e.display_name().to_owned(),
        s.supplier_type.as_str().to_owned(),
        s.country
            .as_ref()
            .map(|c| c.value.clone())
            .unwrap_or_default(),
    ]
}
