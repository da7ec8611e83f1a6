//! `linchpin rank`: suppliers, most critical first.

use super::analysis::{load_for_analysis, today};
use crate::cli::{RankArgs, TableFormat};
use crate::output::{print_stdout, print_with, write_json};
use linchpin_engine::rank::{ModeImpact, Reach};
use linchpin_engine::readiness::{EscrowState, ExitState, StatementState};
use linchpin_engine::{rank, SupplierRank};
use linchpin_model::{Catalog, Spec};
use linchpin_report::contract::SupplierDoc;
use std::process::ExitCode;

pub fn run(args: &RankArgs) -> anyhow::Result<ExitCode> {
    let today = today(args.today.as_deref())?;
    let analysis = match load_for_analysis(&args.dir)? {
        Ok(a) => a,
        Err(code) => return Ok(code),
    };
    let catalog = &analysis.loaded.catalog;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let ranking = rank(catalog, &analysis.graph, today, threads);
    let text = match args.format {
        TableFormat::Human => {
            let mut text = human(catalog, &ranking, crate::output::table_width());
            if ranking.is_empty() {
                text.push_str("\nhint: the landscape defines no Supplier; add `kind: Supplier` entities (apiVersion linchpin.dev/v1alpha1) and what depends on them\n");
            }
            text
        }
        TableFormat::Json => {
            print_with(|out| write_rank_json(out, catalog, &ranking, threads))?;
            std::mem::forget(analysis);
            return Ok(ExitCode::SUCCESS);
        }
        TableFormat::Csv => csv(catalog, &ranking),
    };
    print_stdout(&text)?;
    std::mem::forget(analysis);
    Ok(ExitCode::SUCCESS)
}

/// `{"suppliers": [...]}` as `write_json` would write [`RankDoc`], byte for
/// byte, but streamed a piece of suppliers at a time (a large landscape's
/// ranking runs to hundreds of megabytes) and each piece made on all cores.
fn write_rank_json(
    out: &mut dyn std::io::Write,
    catalog: &Catalog,
    ranking: &[SupplierRank],
    threads: usize,
) -> std::io::Result<()> {
    if ranking.is_empty() {
        return write_json(out, &RankDoc { catalog, ranking });
    }
    // Pieces of the list written on all cores, each as the document with
    // only its suppliers (so indented as in the whole), the document's
    // first and last lines cut off, and put together in order.
    const HEAD: &[u8] = b"{\n  \"suppliers\": [\n";
    const TAIL: &[u8] = b"\n  ]\n}";
    out.write_all(HEAD)?;
    let pieces: Vec<&[SupplierRank]> = ranking.chunks(64).collect();
    for (k, round) in pieces.chunks(4 * threads.max(1)).enumerate() {
        let texts = linchpin_loader::parallel::map(round, threads, |piece| {
            serde_json::to_vec_pretty(&RankDoc {
                catalog,
                ranking: piece,
            })
        });
        for (i, text) in texts.into_iter().enumerate() {
            let text = text.map_err(std::io::Error::other)?;
            let body = text
                .strip_prefix(HEAD)
                .and_then(|t| t.strip_suffix(TAIL))
                .ok_or_else(|| std::io::Error::other("unexpected JSON layout"))?;
            if k > 0 || i > 0 {
                out.write_all(b",\n")?;
            }
            out.write_all(body)?;
        }
    }
    out.write_all(b"\n  ]\n}\n")
}

struct RankDoc<'a> {
    catalog: &'a Catalog,
    ranking: &'a [SupplierRank],
}

impl serde::Serialize for RankDoc<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        struct Suppliers<'a>(&'a RankDoc<'a>);
        impl serde::Serialize for Suppliers<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_seq(self.0.ranking.iter().map(|r| SupplierDoc {
                    catalog: self.0.catalog,
                    rank: r,
                }))
            }
        }
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry("suppliers", &Suppliers(self))?;
        map.end()
    }
}

fn short(catalog: &Catalog, reach: &[Reach]) -> String {
    reach
        .iter()
        .map(|r| catalog.entity(r.function).entity_ref.name.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn statement_text(s: StatementState) -> String {
    s.describe()
}

pub fn exit_text(e: ExitState) -> String {
    e.describe()
}

pub fn escrow_text(e: EscrowState) -> String {
    e.describe()
}

fn mode_cell(m: &ModeImpact) -> String {
    match m.breaches.len() {
        0 => format!("{}", m.duration),
        n => format!(
            "{} ({n} breach{})",
            m.duration,
            if n == 1 { "" } else { "es" }
        ),
    }
}

/// Narrows the widest of the columns that can give room (lists first,
/// then the names, statements and durations), one character at a time,
/// until the table fits `limit`; cells are then cut with `…`, as `gh` and
/// `cargo tree` fit a terminal. Where even the narrowest columns do not
/// fit, the last columns (exit, statement, …) are left out. Returns how
/// many columns to show.
fn fit(widths: &mut [usize], limit: usize) -> usize {
    // (column, narrowest it may get)
    const SHRINKABLE: [(usize, usize); 7] =
        [(4, 10), (5, 8), (2, 10), (8, 8), (9, 6), (6, 6), (7, 6)];
    const KEEP: usize = 6; // through the functions it degrades
    let total = |w: &[usize]| w.iter().sum::<usize>() + 2 * (w.len() - 1);
    let mut shown = widths.len();
    while total(&widths[..shown]) > limit {
        let widest = SHRINKABLE
            .iter()
            .filter(|&&(c, min)| c < shown && widths[c] > min)
            .max_by_key(|&&(c, min)| widths[c] - min);
        match widest {
            Some(&(c, _)) => widths[c] -= 1,
            None if shown > KEEP => shown -= 1,
            None => break,
        }
    }
    shown
}

fn clip(text: String, width: usize) -> String {
    if text.chars().count() > width {
        text.chars()
            .take(width.saturating_sub(1))
            .collect::<String>()
            + "…"
    } else {
        text
    }
}

fn human(catalog: &Catalog, ranking: &[SupplierRank], limit: Option<usize>) -> String {
    let header = [
        "#",
        "tier",
        "supplier",
        "score",
        "stops",
        "degrades",
        "outage",
        "permanent",
        "statement",
        "exit",
    ];
    let rows: Vec<[String; 10]> = ranking
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let dash = |s: String| if s.is_empty() { "-".to_owned() } else { s };
            [
                (i + 1).to_string(),
                r.tier.to_string(),
                catalog.entity(r.id).entity_ref.name.to_string(),
                format!("{:.1}", r.score),
                clip(dash(short(catalog, &r.stops)), 36),
                clip(dash(short(catalog, &r.degrades)), 28),
                mode_cell(&r.outage),
                mode_cell(&r.permanent),
                statement_text(r.readiness.statement),
                exit_text(r.readiness.exit),
            ]
        })
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let shown = match limit {
        Some(limit) => fit(&mut widths, limit),
        None => widths.len(),
    };
    let line = |cells: &[String]| {
        let mut out = String::new();
        for (col, (cell, w)) in cells.iter().zip(&widths).take(shown).enumerate() {
            let cell = &clip(cell.clone(), *w);
            let pad = " ".repeat(w - cell.chars().count());
            if matches!(col, 0 | 3) {
                out.push_str(&pad);
                out.push_str(cell);
            } else {
                out.push_str(cell);
                out.push_str(&pad);
            }
            out.push_str("  ");
        }
        out.trim_end().to_owned() + "\n"
    };
    let mut out = line(&header.map(str::to_owned));
    for row in &rows {
        out.push_str(&line(row));
    }
    let linchpins = ranking.iter().filter(|r| r.tier == 1).count();
    out.push_str(&format!(
        "\n{} suppliers; {linchpins} linchpin{} (tier 1: alone stops a critical function).\n\
         outage: for the committed RTO; permanent: for the exit plan's\n\
         lead time; breaches: functions down longer than they tolerate.\n",
        ranking.len(),
        if linchpins == 1 { "" } else { "s" }
    ));
    out
}

fn csv(catalog: &Catalog, ranking: &[SupplierRank]) -> String {
    const HEADER: [&str; 20] = [
        "rank",
        "ref",
        "name",
        "type",
        "country",
        "owner",
        "tier",
        "score",
        "stops",
        "degrades",
        "outage_duration",
        "outage_breaches",
        "permanent_duration",
        "permanent_breaches",
        "statement",
        "rto_adequate",
        "escrow",
        "exit",
        "exit_within_tolerance",
        "alternatives",
    ];
    let rows = ranking.iter().enumerate().filter_map(|(i, r)| {
        let e = catalog.entity(r.id);
        let Spec::Supplier(s) = &e.spec else {
            return None;
        };
        let names = |v: &[Reach]| {
            v.iter()
                .map(|x| catalog.entity(x.function).entity_ref.name.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        };
        let ids = |v: &[linchpin_model::EntityId]| {
            v.iter()
                .map(|&x| catalog.entity(x).entity_ref.name.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        };
        let opt = |b: Option<bool>| {
            b.map_or(
                String::new(),
                |b| if b { "yes".into() } else { "no".into() },
            )
        };
        let mut fields = vec![(i + 1).to_string()];
        fields.extend(linchpin_report::supplier_columns(e, s));
        fields.extend([
            s.owner
                .as_ref()
                .map(|o| o.value.to_string())
                .unwrap_or_default(),
            r.tier.to_string(),
            format!("{:.1}", r.score),
            names(&r.stops),
            names(&r.degrades),
            r.outage.duration.to_string(),
            ids(&r.outage.breaches),
            r.permanent.duration.to_string(),
            ids(&r.permanent.breaches),
            statement_text(r.readiness.statement),
            opt(r.readiness.rto_adequate),
            escrow_text(r.readiness.escrow),
            exit_text(r.readiness.exit),
            opt(r.readiness.exit_within_tolerance),
            r.readiness.alternatives.to_string(),
        ]);
        Some(fields)
    });
    linchpin_report::csv::table(&HEADER, rows)
}
