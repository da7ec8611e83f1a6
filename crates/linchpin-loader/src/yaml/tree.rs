//! The YAML tree that both readers build: nodes with positions, the core
//! schema's scalar types, the bounds against hostile input.

use linchpin_diagnostics::{Diagnostic, Span};
use std::borrow::Cow;

/// Bounds that keep parsing cheap on hostile input.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Maximum nesting of mappings and sequences.
    pub max_depth: usize,
    /// Maximum number of nodes that aliases may add to one document.
    pub alias_budget: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_depth: 64,
            alias_budget: 10_000,
        }
    }
}

/// A YAML node with its position.
#[derive(Debug, Clone)]
pub struct Node<'a> {
    /// The value.
    pub kind: NodeKind<'a>,
    /// Where it starts.
    pub span: Span,
}

/// The three shapes of YAML.
#[derive(Debug, Clone)]
pub enum NodeKind<'a> {
    /// A scalar with its style (a plain `123` is a number, a quoted one a string).
    Scalar(Cow<'a, str>, Style),
    /// A sequence.
    Seq(Vec<Node<'a>>),
    /// A mapping, in file order.
    Map(Vec<(Node<'a>, Node<'a>)>),
}

/// How a scalar was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Unquoted: subject to the core schema (null, bool, numbers).
    Plain,
    /// Quoted or a block scalar: always a string.
    Quoted,
}

/// What a plain scalar resolves to under YAML 1.2's core schema (as js-yaml,
/// which Backstage uses, resolves it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarType {
    /// A string.
    String,
    /// `null`, `~` or empty.
    Null,
    /// `true` / `false`.
    Bool,
    /// An integer.
    Int,
    /// A float.
    Float,
}

impl ScalarType {
    /// The name used in messages.
    pub fn name(self) -> &'static str {
        match self {
            ScalarType::String => "a string",
            ScalarType::Null => "null",
            ScalarType::Bool => "a boolean",
            ScalarType::Int => "an integer",
            ScalarType::Float => "a number",
        }
    }
}

impl<'a> Node<'a> {
    /// The scalar's text, if this is a scalar.
    pub fn as_scalar(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar(s, _) => Some(s),
            _ => None,
        }
    }

    /// Whether this is a null scalar.
    pub fn is_null(&self) -> bool {
        self.scalar_type() == Some(ScalarType::Null)
    }

    /// The resolved type of a scalar; `None` for collections.
    pub fn scalar_type(&self) -> Option<ScalarType> {
        match &self.kind {
            NodeKind::Scalar(_, Style::Quoted) => Some(ScalarType::String),
            NodeKind::Scalar(s, Style::Plain) => Some(resolve_plain(s)),
            _ => None,
        }
    }

    /// A short description of the node's shape for messages.
    pub fn shape(&self) -> &'static str {
        match &self.kind {
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a mapping",
            NodeKind::Scalar(..) => self.scalar_type().map_or("a scalar", ScalarType::name),
        }
    }

    pub(super) fn count(&self) -> usize {
        match &self.kind {
            NodeKind::Scalar(..) => 1,
            NodeKind::Seq(items) => 1 + items.iter().map(Node::count).sum::<usize>(),
            NodeKind::Map(entries) => {
                1 + entries
                    .iter()
                    .map(|(k, v)| k.count() + v.count())
                    .sum::<usize>()
            }
        }
    }
}

pub(super) fn resolve_plain(s: &str) -> ScalarType {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return ScalarType::Null,
        "true" | "True" | "TRUE" | "false" | "False" | "FALSE" => return ScalarType::Bool,
        ".inf" | ".Inf" | ".INF" | "-.inf" | "-.Inf" | "-.INF" | "+.inf" | ".nan" | ".NaN"
        | ".NAN" => return ScalarType::Float,
        _ => {}
    }
    let b = s.as_bytes();
    if !(b[0].is_ascii_digit() || matches!(b[0], b'-' | b'+' | b'.')) {
        return ScalarType::String;
    }
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    if !unsigned.is_empty() && unsigned.bytes().all(|c| c.is_ascii_digit()) {
        return ScalarType::Int;
    }
    if let Some(hex) = s.strip_prefix("0x") {
        if !hex.is_empty() && hex.bytes().all(|c| c.is_ascii_hexdigit()) {
            return ScalarType::Int;
        }
    }
    if let Some(oct) = s.strip_prefix("0o") {
        if !oct.is_empty() && oct.bytes().all(|c| (b'0'..=b'7').contains(&c)) {
            return ScalarType::Int;
        }
    }
    if is_float(unsigned) {
        return ScalarType::Float;
    }
    ScalarType::String
}

/// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
fn is_float(s: &str) -> bool {
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|c| c.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", frac)) => digits(frac),
        Some((int, frac)) => digits(int) && (frac.is_empty() || digits(frac)),
        None => digits(mantissa),
    };
    let exponent_ok = match exponent {
        None => true,
        Some(e) => digits(e.strip_prefix(['-', '+']).unwrap_or(e)),
    };
    mantissa_ok && exponent_ok
}

/// Reports keys that appear twice in one mapping (the first one is used).
pub(super) fn report_duplicate_keys(
    entries: &[(Node<'_>, Node<'_>)],
    diagnostics: &mut Vec<Diagnostic>,
) {
    // Small mappings (nearly all) compare pairwise without allocating; a
    // large one goes through a hash map, so that a hostile file with a
    // mapping of a million keys stays linear.
    let mut index: rustc_hash::FxHashMap<&str, Span> = rustc_hash::FxHashMap::default();
    for (i, (key, _)) in entries.iter().enumerate() {
        let Some(text) = key.as_scalar() else {
            continue;
        };
        let first = if entries.len() <= 16 {
            entries[..i]
                .iter()
                .find(|(k, _)| k.as_scalar() == Some(text))
                .map(|(k, _)| k.span)
        } else {
            match index.entry(text) {
                std::collections::hash_map::Entry::Occupied(o) => Some(*o.get()),
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(key.span);
                    None
                }
            }
        };
        if let Some(first) = first {
            diagnostics.push(
                Diagnostic::at(
                    "yaml-duplicate-key",
                    key.span,
                    format!("the key `{text}` appears twice in this mapping"),
                )
                .with_note(format!(
                    "first at line {}, column {}",
                    first.line, first.col
                ))
                .with_help("remove or merge one of the entries; the first one is used"),
            );
        }
    }
}
