//! Line charts as inline SVG (`templates/chart.html`): no script, prints
//! well.

/// A label on the x axis.
struct Label<'a> {
    x: String,
    anchor: &'static str,
    text: &'a str,
}

/// A point of a series, with its tooltip.
struct Dot<'a> {
    x: String,
    y: String,
    value: i64,
    label: &'a str,
}

/// A series drawn.
struct Line<'a> {
    name: &'a str,
    colour: &'a str,
    points: String,
    dots: Vec<Dot<'a>>,
    key_x: f64,
    last: i64,
}

/// The chart.
#[derive(askama::Template)]
#[template(path = "chart.html")]
struct Chart<'a> {
    title: &'a str,
    w: f64,
    h: f64,
    pad: f64,
    base: f64,
    right: f64,
    top: f64,
    max: i64,
    label_y: f64,
    labels: Vec<Label<'a>>,
    series: Vec<Line<'a>>,
}

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
    let step = labels.len().div_ceil(8).max(1);
    let shown = labels
        .iter()
        .enumerate()
        .filter(|(i, _)| i % step == 0 || i + 1 == labels.len())
        .map(|(i, label)| Label {
            x: format!("{:.1}", x(i)),
            anchor: match (i, i + 1 == labels.len()) {
                (0, false) => "start",
                (_, true) if labels.len() > 1 => "end",
                _ => "middle",
            },
            text: label,
        })
        .collect();
    let lines = series
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.2.is_empty())
        .map(|(k, (name, colour, values))| Line {
            name,
            colour,
            points: values
                .iter()
                .enumerate()
                .map(|(i, &v)| format!("{:.1},{:.1}", x(i), y(v)))
                .collect::<Vec<_>>()
                .join(" "),
            dots: values
                .iter()
                .enumerate()
                .map(|(i, &v)| Dot {
                    x: format!("{:.1}", x(i)),
                    y: format!("{:.1}", y(v)),
                    value: v,
                    label: labels.get(i).map_or("", String::as_str),
                })
                .collect(),
            key_x: pad + 110.0 * k as f64,
            last: values.last().copied().unwrap_or(0),
        })
        .collect();
    askama::Template::render(&Chart {
        title,
        w,
        h,
        pad,
        base: h - pad,
        right: w - pad,
        top: pad + 4.0,
        max: max as i64,
        label_y: h - pad + 14.0,
        labels: shown,
        series: lines,
    })
    .unwrap_or_default()
}
