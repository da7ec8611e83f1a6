//! A YAML tree with positions.
//!
//! Only what a landscape needs: mappings, sequences and scalars, every node
//! with its [`Span`](linchpin_diagnostics::Span). Aliases are expanded
//! against a budget (alias bombs are rejected), nesting is bounded,
//! duplicate keys are reported. A syntax error ends the file, but the
//! documents before it are kept.
//!
//! Two readers build the tree: `fast`, for the plain block style landscape
//! files are written in, borrowing every scalar from the text; and `full`,
//! for any YAML through `saphyr-parser`'s events, which also owns every
//! syntax diagnostic.

mod fast;
mod full;
mod tree;

pub use full::parse_documents_full;
pub use tree::{Limits, Node, NodeKind, ScalarType, Style};

use linchpin_diagnostics::{Diagnostic, FileId};

/// Parses every document of a file. Documents that fail (syntax, depth,
/// aliases) are reported and left out; empty documents are skipped.
///
/// Files in the plain block style of landscape files take a fast reader
/// that borrows every scalar from the text; every other file, and every
/// file with an error, takes the full parser ([`parse_documents_full`]).
/// Both give the same tree and the same diagnostics.
pub fn parse_documents<'a>(
    text: &'a str,
    file: FileId,
    limits: Limits,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Node<'a>> {
    match fast::parse(text, file, limits, diagnostics) {
        Ok(documents) => documents,
        Err(fast::GiveUp) => parse_documents_full(text, file, limits, diagnostics),
    }
}

#[cfg(test)]
mod tests {
    use super::tree::resolve_plain;
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
    fn a_mapping_of_many_keys_is_checked_in_linear_time() {
        // Pairwise, 200,000 keys would take 2·10¹⁰ comparisons.
        let mut yaml: String = (0..200_000).map(|i| format!("k{i}: v\n")).collect();
        yaml.push_str("k7: again\n");
        for text in [yaml.clone(), yaml.replace(": v", ": [v]")] {
            let (docs, diags) = parse(&text);
            assert_eq!(docs.len(), 1);
            assert_eq!(diags.len(), 1, "{diags:?}");
            assert_eq!(diags[0].span.unwrap().line, 200_001);
        }
        let (_, diags) = parse(&yaml.replace("k1: v\n", "k1: &a v\n"));
        assert_eq!(diags.len(), 1, "the full parser too");
    }

    #[test]
    fn reports_duplicate_keys() {
        let (_, diags) = parse("a: 1\nb: 2\na: 3\n");
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, "yaml-duplicate-key");
        assert_eq!(diags[0].span.unwrap().line, 3);
    }
}
