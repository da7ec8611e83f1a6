//! Line charts as inline SVG: no script, prints well.

use crate::views::esc;
use std::fmt::Write as _;

/// A chart of several series over the same x (the landscape versions),
/// each x labelled (at most eight labels are written; every point keeps its
/// label in its tooltip).
pub fn lines(title: &str, labels: &[String], series: &[(&str, &str, Vec<i64>)]) -> String {
    let (w, h, pad) = (720.0f64, 236.0f64, 36.0f64);
    let n = series.iter().map(|s| s.2.len()).max().unwrap_or(0);
    let max = series
        .iter()
        .flat_map(|s| s.2.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let x = |i: usize| {
        if n <= 1 {
            pad + (w - 2.0 * pad) / 2.0
        } else {
            pad + (w - 2.0 * pad) * i as f64 / (n - 1) as f64
        }
    };
    let y = |v: i64| h - pad - (h - 2.0 * pad) * v as f64 / max;
    let mut s = format!(
        "<h2>{}</h2><svg viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"{}\"><rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"#fff\" stroke=\"#d9dee8\"/>",
        esc(title),
        esc(title)
    );
    let _ = write!(
        s,
        "<line x1=\"{pad}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#8a94a6\"/><text x=\"4\" y=\"{}\" font-size=\"11\" fill=\"#5b6478\">{}</text><text x=\"4\" y=\"{}\" font-size=\"11\" fill=\"#5b6478\">0</text>",
        h - pad,
        w - pad,
        h - pad,
        pad + 4.0,
        max as i64,
        h - pad
    );
    let step = labels.len().div_ceil(8).max(1);
    for (i, label) in labels.iter().enumerate() {
        let last = i + 1 == labels.len();
        if i % step != 0 && !last {
            continue;
        }
        let anchor = match (i, last) {
            (0, false) => "start",
            (_, true) if labels.len() > 1 => "end",
            _ => "middle",
        };
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{}\" font-size=\"10\" fill=\"#5b6478\" text-anchor=\"{anchor}\">{}</text>",
            x(i),
            h - pad + 14.0,
            esc(label)
        );
    }
    for (k, (name, colour, values)) in series.iter().enumerate() {
        if values.is_empty() {
            continue;
        }
        let points: Vec<String> = values
            .iter()
            .enumerate()
            .map(|(i, &v)| format!("{:.1},{:.1}", x(i), y(v)))
            .collect();
        let _ = write!(
            s,
            "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{}\"/>",
            points.join(" ")
        );
        for (i, &v) in values.iter().enumerate() {
            let _ = write!(
                s,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{colour}\"><title>{}: {v} ({})</title></circle>",
                x(i),
                y(v),
                esc(name),
                esc(labels.get(i).map_or("", String::as_str))
            );
        }
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"{colour}\">{} ({})</text>",
            pad + 110.0 * k as f64,
            18,
            esc(name),
            values.last().copied().unwrap_or(0)
        );
    }
    s.push_str("</svg>");
    s
}
