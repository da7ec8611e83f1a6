use super::render::{markdown_within, md_text, MARKER};
use super::*;

#[test]
fn markdown_text_keeps_code_spans_and_escapes_the_rest() {
    assert_eq!(md_text("`supplier:a` (A & B)"), "`supplier:a` (A &amp; B)");
    assert_eq!(
        md_text("[click](javascript:x) <img src=x> **bold**"),
        "\\[click\\](javascript:x) &lt;img src=x&gt; \\*\\*bold\\*\\*"
    );
    // An odd backtick cannot open a span that swallows the rest.
    assert_eq!(md_text("a`b <i>"), "a\\`b &lt;i&gt;");
    assert_eq!(md_text("two\nlines"), "two lines");
}

fn many_changes(n: usize) -> Diff {
    let info = |label: &str| SideInfo {
        label: label.to_owned(),
        commit: None,
        entities: n,
        errors: 0,
        analysed: true,
    };
    let changes = (0..n)
        .map(|i| {
            let mut c = change(
                Kind::NewFinding,
                &format!("supplier:s{i:06}"),
                format!("`supplier:s{i:06}` has no continuity statement, and a long explanation follows here"),
            );
            c.items = vec!["missing-continuity-statement".to_owned()];
            c
        })
        .collect();
    Diff {
        base: info("main"),
        head: info("working tree"),
        changes,
    }
}

#[test]
fn the_comment_fits_a_code_host_and_says_what_it_left_out() {
    let diff = many_changes(5_000);
    let text = markdown_within(&diff, render::COMMENT_LIMIT);
    assert!(text.len() <= render::COMMENT_LIMIT, "{}", text.len());
    assert!(text.starts_with(MARKER));
    assert!(text.contains("<details><summary>4990 more changes</summary>"));
    assert!(text.contains("did not fit in a comment"));
    // Balanced: the fold is closed.
    assert_eq!(
        text.matches("<details>").count(),
        text.matches("</details>").count()
    );
    let small = markdown_within(&many_changes(3), render::COMMENT_LIMIT);
    assert!(!small.contains("<details>"));
    assert!(!small.contains("did not fit"));
}

#[test]
fn the_same_state_on_both_sides_has_no_change() {
    let mut s = State::new("a", None);
    s.analysed = true;
    s.add_gap(
        "supplier:x".into(),
        "spec.lei".into(),
        "missing".into(),
        None,
    );
    let diff = compare(&s, &s.clone());
    assert!(diff.changes.is_empty());
}

#[test]
fn kinds_are_named_once_and_ordered_worse_neutral_better() {
    let mut seen = std::collections::BTreeSet::new();
    let mut last = Effect::Worse;
    for k in Kind::ALL {
        assert!(seen.insert(k.as_str()), "{} twice", k.as_str());
        assert!(k.effect() >= last, "{} out of order", k.as_str());
        last = k.effect();
    }
}
