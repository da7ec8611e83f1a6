//! A YAML tree with positions, built from `saphyr-parser`'s events.
//!
//! Only what a landscape needs: mappings, sequences and scalars, every node
//! with its [`Span`]. Aliases are expanded against a budget (alias bombs are
//! rejected), nesting is bounded, duplicate keys are reported. A syntax error
//! ends the file, but the documents before it are kept.

use linchpin_diagnostics::{Diagnostic, FileId, Span};
use saphyr_parser::{Event, Marker, Parser, ScalarStyle};
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

    fn count(&self) -> usize {
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

fn resolve_plain(s: &str) -> ScalarType {
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

enum Frame<'a> {
    Seq {
        items: Vec<Node<'a>>,
        span: Span,
        anchor: usize,
    },
    Map {
        entries: Vec<(Node<'a>, Node<'a>)>,
        key: Option<Node<'a>>,
        span: Span,
        anchor: usize,
    },
}

/// Parses every document of a file. Documents that fail (syntax, depth,
/// aliases) are reported and left out; empty documents are skipped.
pub fn parse_documents<'a>(
    text: &'a str,
    file: FileId,
    limits: Limits,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Node<'a>> {
    let mut documents = Vec::new();
    // The parser may report an error one line past the end of the input;
    // point at the end of the last line instead.
    let last_line = text.split('\n').count() as u32;
    let last_col = text.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
    let clamp = |line: u32, col: u32| {
        if line > last_line {
            (last_line, last_col)
        } else {
            (line, col)
        }
    };
    let mut stack: Vec<Frame<'a>> = Vec::new();
    let mut anchors: Vec<(usize, Node<'a>, usize)> = Vec::new();
    let mut alias_nodes = 0usize;
    // While a document is being skipped: the nesting depth still open.
    let mut skipping: Option<usize> = None;
    let span_of = |start: &Marker, end: &Marker| Span {
        file,
        line: start.line() as u32,
        col: start.col() as u32 + 1,
        len: if end.line() == start.line() {
            end.col().saturating_sub(start.col()) as u32
        } else {
            0
        },
    };

    for event in Parser::new_from_str(text) {
        let (event, span) = match event {
            Ok(ok) => ok,
            Err(error) => {
                let mark = error.marker();
                let (line, col) = clamp(mark.line() as u32, mark.col() as u32 + 1);
                if error.info().contains("recursion limit") {
                    // The parser's own bound on nesting, which its look-ahead
                    // may reach before this builder's bound.
                    if skipping.is_none() {
                        diagnostics.push(
                            Diagnostic::at(
                                "yaml-too-deep",
                                Span {
                                    file,
                                    line,
                                    col,
                                    len: 1,
                                },
                                "the document nests too deeply; the rest of the file was skipped",
                            )
                            .with_help(
                                "landscape entities are a few levels deep; flatten the data",
                            ),
                        );
                    }
                    return documents;
                }
                diagnostics.push(
                    Diagnostic::at(
                        "yaml-syntax",
                        Span {
                            file,
                            line,
                            col,
                            len: 1,
                        },
                        format!("invalid YAML: {}", error.info()),
                    )
                    .with_help(
                        "documents before this point are loaded; the rest of the file is not",
                    ),
                );
                return documents;
            }
        };
        if let Some(depth) = skipping.as_mut() {
            match event {
                Event::SequenceStart(..) | Event::MappingStart(..) => *depth += 1,
                Event::SequenceEnd | Event::MappingEnd => *depth = depth.saturating_sub(1),
                Event::DocumentEnd => {
                    skipping = None;
                    stack.clear();
                }
                _ => {}
            }
            continue;
        }
        let complete: Node<'a> = match event {
            Event::DocumentStart(_) => {
                stack.clear();
                anchors.clear();
                alias_nodes = 0;
                continue;
            }
            Event::Scalar(value, style, anchor, _tag) => {
                let style = match style {
                    ScalarStyle::Plain => Style::Plain,
                    _ => Style::Quoted,
                };
                let node = Node {
                    kind: NodeKind::Scalar(value, style),
                    span: span_of(&span.start, &span.end),
                };
                if anchor != 0 {
                    anchors.push((anchor, node.clone(), 1));
                }
                node
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                let node_span = span_of(&span.start, &span.end);
                if stack.len() >= limits.max_depth {
                    diagnostics.push(
                        Diagnostic::at(
                            "yaml-too-deep",
                            node_span,
                            format!(
                                "the document nests deeper than {} levels and was skipped",
                                limits.max_depth
                            ),
                        )
                        .with_help("landscape entities are a few levels deep; flatten the data"),
                    );
                    skipping = Some(1);
                    continue;
                }
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq {
                        items: Vec::new(),
                        span: node_span,
                        anchor,
                    }
                } else {
                    Frame::Map {
                        entries: Vec::new(),
                        key: None,
                        span: node_span,
                        anchor,
                    }
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = stack.pop() else { continue };
                let (node, anchor) = match frame {
                    Frame::Seq {
                        items,
                        span,
                        anchor,
                        ..
                    } => (
                        Node {
                            kind: NodeKind::Seq(items),
                            span,
                        },
                        anchor,
                    ),
                    Frame::Map {
                        entries,
                        span,
                        anchor,
                        ..
                    } => {
                        report_duplicate_keys(&entries, diagnostics);
                        (
                            Node {
                                kind: NodeKind::Map(entries),
                                span,
                            },
                            anchor,
                        )
                    }
                };
                if anchor != 0 {
                    let count = node.count();
                    anchors.push((anchor, node.clone(), count));
                }
                node
            }
            Event::Alias(id) => {
                let Some((_, node, count)) = anchors.iter().rev().find(|(a, _, _)| *a == id) else {
                    continue;
                };
                alias_nodes += count;
                if alias_nodes > limits.alias_budget {
                    diagnostics.push(
                        Diagnostic::at(
                            "yaml-alias-limit",
                            span_of(&span.start, &span.end),
                            format!(
                                "aliases in this document expand to more than {} nodes; the document was skipped",
                                limits.alias_budget
                            ),
                        )
                        .with_help("write the data out instead of nesting aliases"),
                    );
                    skipping = Some(stack.len());
                    continue;
                }
                let mut node = node.clone();
                node.span = span_of(&span.start, &span.end);
                node
            }
            Event::DocumentEnd => {
                stack.clear();
                continue;
            }
            Event::StreamStart | Event::StreamEnd | Event::Nothing => continue,
        };
        match stack.last_mut() {
            None => {
                if !complete.is_null() {
                    documents.push(complete);
                }
            }
            Some(Frame::Seq { items, .. }) => items.push(complete),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => *key = Some(complete),
                Some(k) => entries.push((k, complete)),
            },
        }
    }
    documents
}

fn report_duplicate_keys(entries: &[(Node<'_>, Node<'_>)], diagnostics: &mut Vec<Diagnostic>) {
    let key_text = |n: &Node<'_>| n.as_scalar().map(str::to_owned);
    let mut seen: Vec<(String, Span)> = Vec::with_capacity(entries.len());
    for (key, _) in entries {
        let Some(text) = key_text(key) else { continue };
        if let Some((_, first)) = seen.iter().find(|(k, _)| *k == text) {
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
        } else {
            seen.push((text, key.span));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Vec<Node<'_>>, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let docs = parse_documents(text, FileId(0), Limits::default(), &mut diags);
        (docs, diags)
    }

    #[test]
    fn resolves_plain_scalars_like_the_core_schema() {
        for (s, t) in [
            ("123", ScalarType::Int),
            ("-1", ScalarType::Int),
            ("0x1F", ScalarType::Int),
            ("1.5", ScalarType::Float),
            ("1e3", ScalarType::Float),
            (".5", ScalarType::Float),
            ("true", ScalarType::Bool),
            ("yes", ScalarType::String),
            ("~", ScalarType::Null),
            ("4h", ScalarType::String),
            ("2026-01-01", ScalarType::String),
            ("1.2.3", ScalarType::String),
            ("-", ScalarType::String),
        ] {
            assert_eq!(resolve_plain(s), t, "{s}");
        }
    }

    #[test]
    fn keeps_documents_before_a_syntax_error() {
        let (docs, diags) = parse("a: 1\n---\nb: [\n");
        assert_eq!(docs.len(), 1);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, "yaml-syntax");
    }

    #[test]
    fn positions_are_one_based() {
        let (docs, _) = parse("key:\n  nested: value\n");
        let NodeKind::Map(entries) = &docs[0].kind else {
            panic!("not a map")
        };
        let NodeKind::Map(inner) = &entries[0].1.kind else {
            panic!("not a map")
        };
        assert_eq!((inner[0].1.span.line, inner[0].1.span.col), (2, 11));
        assert_eq!(inner[0].1.span.len, 5);
    }

    #[test]
    fn expands_aliases_within_budget_and_rejects_bombs() {
        let (docs, diags) = parse("a: &x [1, 2]\nb: *x\n");
        assert!(diags.is_empty());
        let NodeKind::Map(entries) = &docs[0].kind else {
            panic!()
        };
        assert!(matches!(&entries[1].1.kind, NodeKind::Seq(items) if items.len() == 2));

        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = format!("*a{}", i - 1);
            bomb.push_str(&format!("a{i}: &a{i} [{}]\n", vec![prev; 10].join(", ")));
        }
        bomb.push_str("---\nkept: yes\n");
        let (docs, diags) = parse(&bomb);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].code, "yaml-alias-limit");
        assert_eq!(docs.len(), 1, "the next document is still loaded");
    }

    #[test]
    fn rejects_deep_nesting_without_recursion() {
        let deep = format!("{}{}\n---\nok: 1\n", "[".repeat(100), "]".repeat(100));
        let (docs, diags) = parse(&deep);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, "yaml-too-deep");
        assert_eq!(docs.len(), 1, "the next document is still loaded");

        // Beyond the parser's own bound the rest of the file is lost, but
        // there is still one clear diagnostic and no stack overflow.
        let deeper = format!("{}{}\n", "[".repeat(1_000_000), "]".repeat(1_000_000));
        let (docs, diags) = parse(&deeper);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, "yaml-too-deep");
        assert!(docs.is_empty());
    }

    #[test]
    fn reports_duplicate_keys() {
        let (_, diags) = parse("a: 1\nb: 2\na: 3\n");
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, "yaml-duplicate-key");
        assert_eq!(diags[0].span.unwrap().line, 3);
    }
}
