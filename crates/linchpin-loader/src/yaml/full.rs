//! The full reader: any YAML, through `saphyr-parser`'s events.

use super::tree::{report_duplicate_keys, Limits, Node, NodeKind, Style};
use linchpin_diagnostics::{Diagnostic, FileId, Span};
use saphyr_parser::{Event, Marker, Parser, ScalarStyle};

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

/// [`parse_documents`] by the full YAML parser alone, for any YAML.
pub fn parse_documents_full<'a>(
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
    // A node may also start one line past the end (an empty key after a
    // last `? `): it is shown at the end of the last line.
    let span_of = |start: &Marker, end: &Marker| {
        let (line, col) = clamp(start.line() as u32, start.col() as u32 + 1);
        Span {
            file,
            line,
            col,
            len: if end.line() == start.line() && line == start.line() as u32 {
                end.col().saturating_sub(start.col()) as u32
            } else {
                0
            },
        }
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
                    .with_help(if error.info().contains("tab") {
                        "YAML indents with spaces, never tabs: replace the tabs with spaces \
                         (documents before this point are loaded; the rest of the file is not)"
                    } else {
                        "documents before this point are loaded; the rest of the file is not"
                    }),
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
