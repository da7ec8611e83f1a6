//! The fast path of [`parse_documents`](super::parse_documents): a reader
//! for the block-style YAML that landscape files are made of, borrowing
//! every scalar from the file.
//!
//! It accepts a strict subset — block mappings and sequences, one-line plain
//! and quoted scalars without escapes, one-line flow sequences of such
//! scalars, empty flow mappings, comments and document markers — and builds
//! exactly the tree, positions included, that the full parser builds from
//! the same text. On anything else (anchors, tags, block scalars, multi-line
//! scalars, escapes, tabs, carriage returns, deep nesting, anything that
//! might be an error) it gives up before reporting anything, and the whole
//! file goes through the full parser, which then owns every diagnostic.
//! A differential test holds the two to the same answers
//! (docs/performance.md says why this exists).

use super::tree::{report_duplicate_keys, Limits, Node, NodeKind, Style};
use linchpin_diagnostics::{Diagnostic, FileId, Span};
use std::borrow::Cow;

/// The file is outside the subset: parse it with the full parser.
pub(super) struct GiveUp;

type R<T> = Result<T, GiveUp>;

/// What the line at the cursor is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Line {
    /// Content starting at this column (0-based, in characters = bytes:
    /// indentation is spaces).
    Content(usize),
    /// `---` at the start of a line.
    DocStart,
    /// `...` at the start of a line.
    DocEnd,
    Eof,
}

struct Reader<'a> {
    text: &'a str,
    b: &'a [u8],
    file: FileId,
    max_depth: usize,
    /// The cursor (a byte offset) and the line it is on.
    pos: usize,
    line: u32,
    line_start: usize,
    /// What the line at the cursor is; for content, the cursor is at its
    /// first character.
    cur: Line,
    diagnostics: Vec<Diagnostic>,
}

/// Parses the file if it is inside the subset; diagnostics (duplicate keys,
/// the only ones the subset can have) are added only when it is.
pub(super) fn parse<'a>(
    text: &'a str,
    file: FileId,
    limits: Limits,
    diagnostics: &mut Vec<Diagnostic>,
) -> R<Vec<Node<'a>>> {
    if !plain_characters(text) {
        return Err(GiveUp);
    }
    let mut r = Reader {
        text,
        b: text.as_bytes(),
        file,
        // Give up a level early: the full parser reports the limit.
        max_depth: limits.max_depth.saturating_sub(2),
        pos: 0,
        line: 1,
        line_start: 0,
        cur: Line::Eof,
        diagnostics: Vec::new(),
    };
    let documents = r.documents()?;
    diagnostics.append(&mut r.diagnostics);
    Ok(documents)
}

/// No tab, carriage return, byte order mark or other character that YAML
/// treats specially or refuses: those files take the full parser.
fn plain_characters(text: &str) -> bool {
    let b = text.as_bytes();
    if b.iter().any(|&c| (c < 0x20 && c != b'\n') || c == 0x7f) {
        return false;
    }
    text.is_ascii()
        || !text.chars().any(|c| {
            matches!(
                c,
                '\u{80}'
                    ..='\u{9f}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}' | '\u{2028}' | '\u{2029}'
            )
        })
}

fn is_space_or_eol(c: Option<u8>) -> bool {
    matches!(c, None | Some(b' ' | b'\n'))
}

impl<'a> Reader<'a> {
    fn at(&self, i: usize) -> Option<u8> {
        self.b.get(i).copied()
    }

    /// The column (0-based, in characters) of byte `i` of the current line.
    fn col(&self, i: usize) -> usize {
        let seg = &self.b[self.line_start..i];
        if seg.is_ascii() {
            seg.len()
        } else {
            self.text[self.line_start..i].chars().count()
        }
    }

    fn chars(&self, from: usize, to: usize) -> u32 {
        let seg = &self.b[from..to];
        (if seg.is_ascii() {
            seg.len()
        } else {
            self.text[from..to].chars().count()
        }) as u32
    }

    fn span(&self, start: usize, len: u32) -> Span {
        Span {
            file: self.file,
            line: self.line,
            col: self.col(start) as u32 + 1,
            len,
        }
    }

    /// Moves to the start of the next line (or the end).
    fn next_line(&mut self) {
        match memchr(b'\n', &self.b[self.pos..]) {
            Some(i) => {
                self.pos += i + 1;
                self.line += 1;
                self.line_start = self.pos;
            }
            None => self.pos = self.b.len(),
        }
    }

    /// From the start of a line, skips blank and comment lines and says what
    /// the next line is.
    fn classify(&mut self) {
        loop {
            if self.pos >= self.b.len() {
                self.cur = Line::Eof;
                return;
            }
            let start = self.pos;
            let rest = &self.b[start..];
            if (rest.starts_with(b"---") || rest.starts_with(b"..."))
                && is_space_or_eol(rest.get(3).copied())
            {
                self.cur = if rest[0] == b'-' {
                    Line::DocStart
                } else {
                    Line::DocEnd
                };
                return;
            }
            let mut i = start;
            while self.at(i) == Some(b' ') {
                i += 1;
            }
            match self.at(i) {
                None => {
                    self.pos = i;
                    self.cur = Line::Eof;
                    return;
                }
                Some(b'\n' | b'#') => {
                    self.pos = i;
                    self.next_line();
                }
                Some(_) => {
                    self.pos = i;
                    self.cur = Line::Content(i - start);
                    return;
                }
            }
        }
    }

    /// After a node on the current line: only spaces and a comment may
    /// follow; moves on to the next line that matters.
    fn end_of_line(&mut self) -> R<()> {
        let spaced = self.skip_spaces();
        match self.at(self.pos) {
            None | Some(b'\n') => {}
            Some(b'#') if spaced => {}
            _ => return Err(GiveUp),
        }
        self.next_line();
        self.classify();
        Ok(())
    }

    /// Skips spaces; whether there were any.
    fn skip_spaces(&mut self) -> bool {
        let start = self.pos;
        while self.at(self.pos) == Some(b' ') {
            self.pos += 1;
        }
        self.pos > start
    }

    fn documents(&mut self) -> R<Vec<Node<'a>>> {
        let mut documents = Vec::new();
        self.classify();
        loop {
            match self.cur {
                Line::Eof => return Ok(documents),
                Line::DocStart | Line::DocEnd => {
                    self.pos += 3;
                    self.end_of_line()?;
                }
                Line::Content(_) => {
                    let node = self.block_node(usize::MAX, 0)?;
                    if !matches!(self.cur, Line::Eof | Line::DocStart | Line::DocEnd) {
                        return Err(GiveUp);
                    }
                    documents.push(node);
                    // Content right after `...` would be a bare document.
                    if self.cur == Line::DocEnd {
                        self.pos += 3;
                        self.end_of_line()?;
                        if matches!(self.cur, Line::Content(_)) {
                            return Err(GiveUp);
                        }
                    }
                }
            }
        }
    }

    /// A block collection starting at the cursor. `parent` is the column of
    /// the mapping key whose value this is (`usize::MAX` at the top, or for
    /// an item of a sequence).
    fn block_node(&mut self, parent: usize, depth: usize) -> R<Node<'a>> {
        if depth >= self.max_depth {
            return Err(GiveUp);
        }
        let Line::Content(col) = self.cur else {
            return Err(GiveUp);
        };
        if self.at(self.pos) == Some(b'-') && is_space_or_eol(self.at(self.pos + 1)) {
            self.block_seq(col, col == parent, depth)
        } else if self.key_end().is_some() {
            self.block_map(col, depth)
        } else {
            Err(GiveUp)
        }
    }

    /// Where the `:` of a mapping key at the cursor is, if the line holds one.
    fn key_end(&self) -> Option<usize> {
        let start = self.pos;
        match self.at(start)? {
            q @ (b'"' | b'\'') => {
                let close = self.quoted_end(start, q).filter(|&c| c - start <= 1000)?;
                let mut i = close;
                while self.at(i) == Some(b' ') {
                    i += 1;
                }
                (self.at(i) == Some(b':') && is_space_or_eol(self.at(i + 1))).then_some(i)
            }
            c if starts_plain(c, self.at(start + 1)) => {
                let mut i = start;
                loop {
                    // The full parser refuses implicit keys past 1024
                    // characters.
                    if i - start > 1000 {
                        return None;
                    }
                    match self.at(i) {
                        None | Some(b'\n') => return None,
                        Some(b':') if is_space_or_eol(self.at(i + 1)) => return Some(i),
                        Some(b'#') if self.b[i - 1] == b' ' => return None,
                        _ => i += 1,
                    }
                }
            }
            _ => None,
        }
    }

    /// The byte after the closing quote of a one-line quoted scalar at
    /// `start`; `None` for escapes or a line break inside.
    fn quoted_end(&self, start: usize, q: u8) -> Option<usize> {
        let mut i = start + 1;
        loop {
            match self.at(i)? {
                b'\n' => return None,
                b'\\' if q == b'"' => return None,
                c if c == q => {
                    if q == b'\'' && self.at(i + 1) == Some(b'\'') {
                        i += 2;
                        continue;
                    }
                    return Some(i + 1);
                }
                _ => i += 1,
            }
        }
    }

    /// A quoted scalar at the cursor; moves past it.
    fn quoted(&mut self) -> R<Node<'a>> {
        let start = self.pos;
        let q = self.b[start];
        let end = self.quoted_end(start, q).ok_or(GiveUp)?;
        let inner = &self.text[start + 1..end - 1];
        let value = if q == b'\'' && inner.contains("''") {
            Cow::Owned(inner.replace("''", "'"))
        } else {
            Cow::Borrowed(inner)
        };
        // The full parser's span of a quoted scalar takes in the spaces
        // after it.
        self.pos = end;
        self.skip_spaces();
        Ok(Node {
            kind: NodeKind::Scalar(value, Style::Quoted),
            span: self.span(start, self.chars(start, self.pos)),
        })
    }

    fn block_map(&mut self, col: usize, depth: usize) -> R<Node<'a>> {
        let span = self.span(self.pos, 0);
        let mut entries = Vec::new();
        loop {
            let colon = self.key_end().ok_or(GiveUp)?;
            let key = if matches!(self.b[self.pos], b'"' | b'\'') {
                self.quoted()?
            } else {
                let start = self.pos;
                let end = trim_end(self.b, start, colon);
                Node {
                    kind: NodeKind::Scalar(Cow::Borrowed(&self.text[start..end]), Style::Plain),
                    span: self.span(start, self.chars(start, end)),
                }
            };
            self.pos = colon + 1;
            let value = self.value(col, colon, depth)?;
            entries.push((key, value));
            match self.cur {
                Line::Content(c) if c == col => {
                    if self.at(self.pos) == Some(b'-') && is_space_or_eol(self.at(self.pos + 1)) {
                        return Err(GiveUp);
                    }
                }
                Line::Content(c) if c > col => return Err(GiveUp),
                _ => break,
            }
        }
        report_duplicate_keys(&entries, &mut self.diagnostics);
        Ok(Node {
            kind: NodeKind::Map(entries),
            span,
        })
    }

    /// The value of a mapping key whose `:` is at byte `colon` (the cursor
    /// is just after it); `col` is the key's column.
    fn value(&mut self, col: usize, colon: usize, depth: usize) -> R<Node<'a>> {
        let spaced = self.skip_spaces();
        match self.at(self.pos) {
            None | Some(b'\n') | Some(b'#') => {
                if self.at(self.pos) == Some(b'#') && !spaced {
                    return Err(GiveUp);
                }
                let empty = Node {
                    kind: NodeKind::Scalar(Cow::Borrowed(""), Style::Plain),
                    span: self.span(colon, 0),
                };
                self.next_line();
                self.classify();
                match self.cur {
                    Line::Content(c) if c > col => self.block_node(col, depth + 1),
                    Line::Content(c)
                        if c == col
                            && self.at(self.pos) == Some(b'-')
                            && is_space_or_eol(self.at(self.pos + 1)) =>
                    {
                        self.block_node(col, depth + 1)
                    }
                    _ => Ok(empty),
                }
            }
            Some(_) => self.line_value(col, depth + 1),
        }
    }

    /// A value that starts at the cursor, after a key or a `- ` whose
    /// column is `parent`: a scalar or flow collection on this line, or a
    /// literal block scalar. The line after it must not be indented past
    /// `parent` (that would continue the value, or be an error).
    fn line_value(&mut self, parent: usize, depth: usize) -> R<Node<'a>> {
        let node = if self.at(self.pos) == Some(b'|') {
            self.literal(parent)?
        } else {
            let node = self.inline(depth)?;
            self.end_of_line()?;
            node
        };
        if matches!(self.cur, Line::Content(c) if c > parent) {
            return Err(GiveUp);
        }
        Ok(node)
    }

    /// A literal block scalar (`|`, `|-`, `|+`) of a node at column
    /// `parent`, the cursor on its `|`; moves to the line after it.
    fn literal(&mut self, parent: usize) -> R<Node<'a>> {
        self.pos += 1;
        let chomp = match self.at(self.pos) {
            Some(c @ (b'-' | b'+')) => {
                self.pos += 1;
                c
            }
            _ => b' ',
        };
        // Only a comment may follow the indicator (no indentation digit).
        let spaced = self.skip_spaces();
        match self.at(self.pos) {
            Some(b'\n') => {}
            Some(b'#') if spaced => {}
            _ => return Err(GiveUp),
        }
        self.next_line();
        // The first line sets the indentation; it must hold text, deeper
        // than the parent.
        let first = self.pos;
        let mut indent = 0;
        while self.at(first + indent) == Some(b' ') {
            indent += 1;
        }
        if indent <= parent || matches!(self.at(first + indent), None | Some(b'\n')) {
            return Err(GiveUp);
        }
        let span = Span {
            file: self.file,
            line: self.line,
            col: indent as u32 + 1,
            len: 0,
        };
        let mut lines: Vec<&'a str> = Vec::new();
        loop {
            let start = self.pos;
            if start >= self.b.len() {
                break;
            }
            let Some(nl) = memchr(b'\n', &self.b[start..]) else {
                // The last line without a line break: left to the full parser.
                return Err(GiveUp);
            };
            let line = &self.text[start..start + nl];
            let spaces = line.len() - line.trim_start_matches(' ').len();
            if spaces == line.len() {
                // A blank line: part of the scalar unless it ends it; one
                // with spaces past the indentation holds text.
                if spaces > indent {
                    return Err(GiveUp);
                }
                lines.push("");
            } else if spaces >= indent {
                lines.push(&line[indent..]);
            } else {
                break;
            }
            self.next_line();
        }
        let trailing = lines.iter().rev().take_while(|l| l.is_empty()).count();
        let body = &lines[..lines.len() - trailing];
        let mut value = body.join("\n");
        match chomp {
            b'-' => {}
            b'+' => {
                value.push('\n');
                value.extend(std::iter::repeat_n('\n', trailing));
            }
            _ => value.push('\n'),
        }
        self.classify();
        Ok(Node {
            kind: NodeKind::Scalar(Cow::Owned(value), Style::Quoted),
            span,
        })
    }

    /// A sequence whose `-` is at the cursor, in column `col`.
    /// `indentless`: it is the value of a key in the same column, and the
    /// full parser then places it at its first item.
    fn block_seq(&mut self, col: usize, indentless: bool, depth: usize) -> R<Node<'a>> {
        let mut span = self.span(self.pos, 0);
        let mut items = Vec::new();
        loop {
            self.pos += 1;
            let spaced = self.skip_spaces();
            let item = match self.at(self.pos) {
                None | Some(b'\n') | Some(b'#') => {
                    if self.at(self.pos) == Some(b'#') && !spaced {
                        return Err(GiveUp);
                    }
                    // An empty item is placed at the end of its line.
                    let eol =
                        memchr(b'\n', &self.b[self.pos..]).map_or(self.b.len(), |i| self.pos + i);
                    let empty = Node {
                        kind: NodeKind::Scalar(Cow::Borrowed(""), Style::Plain),
                        span: self.span(eol, 0),
                    };
                    self.next_line();
                    self.classify();
                    match self.cur {
                        Line::Content(c) if c > col => {
                            if indentless && items.is_empty() {
                                return Err(GiveUp);
                            }
                            self.block_node(usize::MAX, depth + 1)?
                        }
                        _ => {
                            if indentless && items.is_empty() {
                                span = empty.span;
                            }
                            empty
                        }
                    }
                }
                Some(_) => {
                    if indentless && items.is_empty() {
                        span = self.span(self.pos, 0);
                    }
                    let c = self.col(self.pos);
                    if (self.at(self.pos) == Some(b'-') && is_space_or_eol(self.at(self.pos + 1)))
                        || self.key_end().is_some()
                    {
                        self.cur = Line::Content(c);
                        self.block_node(usize::MAX, depth + 1)?
                    } else {
                        self.line_value(col, depth + 1)?
                    }
                }
            };
            items.push(item);
            match self.cur {
                Line::Content(c) if c == col => {
                    if !(self.at(self.pos) == Some(b'-') && is_space_or_eol(self.at(self.pos + 1)))
                    {
                        // A key of the mapping this sequence is the value of.
                        if indentless {
                            break;
                        }
                        return Err(GiveUp);
                    }
                }
                Line::Content(c) if c > col => return Err(GiveUp),
                _ => break,
            }
        }
        Ok(Node {
            kind: NodeKind::Seq(items),
            span,
        })
    }

    /// A node that starts and ends on the current line: a scalar or a flow
    /// collection.
    fn inline(&mut self, depth: usize) -> R<Node<'a>> {
        match self.b[self.pos] {
            b'"' | b'\'' => self.quoted(),
            b'[' => self.flow_seq(depth),
            b'{' => self.flow_map(depth),
            c if starts_plain(c, self.at(self.pos + 1)) => self.block_plain(),
            _ => Err(GiveUp),
        }
    }

    /// A plain scalar in block context, to the end of the line or a comment.
    fn block_plain(&mut self) -> R<Node<'a>> {
        let start = self.pos;
        let mut i = start;
        loop {
            match self.at(i) {
                None | Some(b'\n') => break,
                Some(b':') if is_space_or_eol(self.at(i + 1)) => return Err(GiveUp),
                Some(b'#') if self.b[i - 1] == b' ' => break,
                _ => i += 1,
            }
        }
        let end = trim_end(self.b, start, i);
        self.pos = end;
        Ok(Node {
            kind: NodeKind::Scalar(Cow::Borrowed(&self.text[start..end]), Style::Plain),
            span: self.span(start, self.chars(start, end)),
        })
    }

    /// How far the next token after an opening bracket at `open` is, on the
    /// same line (the full parser's span of a flow collection).
    fn bracket_len(&self, open: usize) -> u32 {
        let mut i = open + 1;
        while self.at(i) == Some(b' ') {
            i += 1;
        }
        self.chars(open, i)
    }

    /// A node inside a flow collection.
    fn flow_node(&mut self, depth: usize) -> R<Node<'a>> {
        match self.at(self.pos).ok_or(GiveUp)? {
            b'"' | b'\'' => self.quoted(),
            b'[' => self.flow_seq(depth),
            b'{' => self.flow_map(depth),
            c if starts_plain(c, self.at(self.pos + 1)) => self.flow_plain(false),
            _ => Err(GiveUp),
        }
    }

    /// `[a, "b", [c], {d: e}]` on one line.
    fn flow_seq(&mut self, depth: usize) -> R<Node<'a>> {
        let (span, items) = self.flow_items(depth, b']', |r| r.flow_node(depth + 1))?;
        Ok(Node {
            kind: NodeKind::Seq(items),
            span,
        })
    }

    /// `{a: b, "c": [d]}` on one line, every key with a value.
    fn flow_map(&mut self, depth: usize) -> R<Node<'a>> {
        let (span, entries) = self.flow_items(depth, b'}', |r| {
            let key = match r.at(r.pos).ok_or(GiveUp)? {
                b'"' | b'\'' => r.quoted()?,
                c if starts_plain(c, r.at(r.pos + 1)) => r.flow_plain(true)?,
                _ => return Err(GiveUp),
            };
            r.skip_spaces();
            if !(r.at(r.pos) == Some(b':') && r.at(r.pos + 1) == Some(b' ')) {
                return Err(GiveUp);
            }
            r.pos += 1;
            r.skip_spaces();
            Ok((key, r.flow_node(depth + 1)?))
        })?;
        report_duplicate_keys(&entries, &mut self.diagnostics);
        Ok(Node {
            kind: NodeKind::Map(entries),
            span,
        })
    }

    /// The items of a flow collection whose opening bracket is at the
    /// cursor, up to `close` on the same line, separated by commas; its
    /// span (as the full parser gives it) and the items.
    fn flow_items<T>(
        &mut self,
        depth: usize,
        close: u8,
        mut item: impl FnMut(&mut Self) -> R<T>,
    ) -> R<(Span, Vec<T>)> {
        if depth >= self.max_depth {
            return Err(GiveUp);
        }
        let open = self.pos;
        let span = self.span(open, self.bracket_len(open));
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_spaces();
        if self.at(self.pos) == Some(close) {
            self.pos += 1;
            return Ok((span, items));
        }
        loop {
            self.skip_spaces();
            items.push(item(self)?);
            self.skip_spaces();
            match self.at(self.pos) {
                Some(b',') => self.pos += 1,
                Some(c) if c == close => {
                    self.pos += 1;
                    return Ok((span, items));
                }
                _ => return Err(GiveUp),
            }
        }
    }

    /// A plain scalar inside a flow collection; a mapping's key ends at
    /// `: `.
    fn flow_plain(&mut self, key: bool) -> R<Node<'a>> {
        let start = self.pos;
        let mut i = start;
        loop {
            match self.at(i) {
                None | Some(b'\n') => return Err(GiveUp),
                Some(b',' | b']' | b'}') => break,
                Some(b'[' | b'{') => return Err(GiveUp),
                Some(b':') if key && self.at(i + 1) == Some(b' ') => break,
                Some(b':')
                    if matches!(
                        self.at(i + 1),
                        None | Some(b' ' | b'\n' | b',' | b']' | b'[' | b'{' | b'}')
                    ) =>
                {
                    return Err(GiveUp)
                }
                Some(b'#') if self.b[i - 1] == b' ' => return Err(GiveUp),
                _ => i += 1,
            }
        }
        let end = trim_end(self.b, start, i);
        if end == start {
            return Err(GiveUp);
        }
        self.pos = end;
        Ok(Node {
            kind: NodeKind::Scalar(Cow::Borrowed(&self.text[start..end]), Style::Plain),
            span: self.span(start, self.chars(start, end)),
        })
    }
}

/// Whether a plain scalar may start with `c` (followed by `next`): not an
/// indicator, except `-`, `?` and `:` before a non-space.
fn starts_plain(c: u8, next: Option<u8>) -> bool {
    match c {
        b'-' | b'?' | b':' => !is_space_or_eol(next),
        b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\''
        | b'"' | b'%' | b'@' | b'`' | b' ' | b'\n' => false,
        _ => true,
    }
}

/// `end`, moved back over trailing spaces (not before `start`).
fn trim_end(b: &[u8], start: usize, mut end: usize) -> usize {
    while end > start && b[end - 1] == b' ' {
        end -= 1;
    }
    end
}

fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&c| c == needle)
}

#[cfg(test)]
mod tests {
    use super::super::full::parse_documents_full;
    use super::super::tree::{Limits, Node, NodeKind};
    use super::parse;
    use linchpin_diagnostics::{Diagnostic, FileId};
    use proptest::prelude::*;

    fn same(a: &Node<'_>, b: &Node<'_>) -> Result<(), String> {
        if a.span != b.span {
            return Err(format!("span {:?} != {:?} at {:?}", a.span, b.span, a.kind));
        }
        match (&a.kind, &b.kind) {
            (NodeKind::Scalar(x, s), NodeKind::Scalar(y, t)) if x == y && s == t => Ok(()),
            (NodeKind::Seq(x), NodeKind::Seq(y)) if x.len() == y.len() => {
                x.iter().zip(y).try_for_each(|(a, b)| same(a, b))
            }
            (NodeKind::Map(x), NodeKind::Map(y)) if x.len() == y.len() => {
                x.iter().zip(y).try_for_each(|((k, v), (l, w))| {
                    same(k, l)?;
                    same(v, w)
                })
            }
            _ => Err(format!("{:?} != {:?}", a.kind, b.kind)),
        }
    }

    fn text(d: &[Diagnostic]) -> Vec<String> {
        d.iter()
            .map(|d| format!("{} {:?} {} {:?}", d.code, d.span, d.message, d.notes))
            .collect()
    }

    /// Whether the fast reader took the text; when it did, its answer is
    /// the full parser's, position for position.
    fn check(yaml: &str) -> bool {
        let mut fast_diags = Vec::new();
        let Ok(fast) = parse(yaml, FileId(0), Limits::default(), &mut fast_diags) else {
            assert!(fast_diags.is_empty(), "gave up after reporting:\n{yaml}");
            return false;
        };
        let mut full_diags = Vec::new();
        let full = parse_documents_full(yaml, FileId(0), Limits::default(), &mut full_diags);
        assert_eq!(
            text(&fast_diags),
            text(&full_diags),
            "diagnostics differ on\n{yaml}"
        );
        assert_eq!(fast.len(), full.len(), "documents differ on\n{yaml}");
        for (a, b) in fast.iter().zip(&full) {
            if let Err(e) = same(a, b) {
                panic!("{e}\non\n{yaml}");
            }
        }
        true
    }

    #[test]
    fn takes_the_block_style_and_agrees() {
        for yaml in [
            "a: 1\n",
            "apiVersion: backstage.io/v1alpha1\nkind: Component   # c\nmetadata:\n  name: \"q n\"\n  tags: [a, b,  c ]\n  empty: []\n  emap: {}\n  nothing:\n  tilde: ~\nspec:\n  dependsOn:\n  - resource:x\n  -   'single'\n  list:\n    - name: a\n      url: b\n    -\n      x: 1\n  s: 'it''s'\n---\na: 1\n...\n",
            "# c\n\na:\n  -\n  - - x\n    - y\n  - k:   \n    j: 2\nb: http://x:80/a#b   # c\nc :  v  \n\"q\": 'w'\nd:\n\n  # c\n\n  e: 1\nf: [ \"a b\", 'c' ]\ng: -x\n",
            "- a\n- b: 1\n  c:\n- - x\n",
            "a:\n- b: 1\n  c: [x:y, \"z\"]\n- - x\nd:\n  - p\n",
            "a: é日本 x\nb: \"日本\"\nc: [日本, é]\n",
            "a: 1\nb: 2\na: 3\n",
            "---\n---\na: 1\n--- # c\n",
            "  a: 1\n  b:\n    c: 2\n",
            "a: ---\nb: -1\nc: ?x\nd: :x\n",
            "a: |\n  line one\n   two\n\n  three  \nb: |-\n    x\n    y\n\nc: |+\n  k\n\n\nd:\n  e: |  # c\n    deep\n  f: |\n    fold\n    ed\nl:\n- |\n  item\n- x\n",
            "- |\n  a\n\n- |-\n  b\n---\nk: |+\n  c\n",
        ] {
            assert!(check(yaml), "not taken:\n{yaml}");
        }
    }

    #[test]
    fn gives_up_on_everything_else() {
        for yaml in [
            "a: &x 1\nb: *x\n",
            "a: >\n  text\n",
            "a: |2\n  text\n",
            "a: |\n  text",
            "a: |\n\n  text\n",
            "a: |\n  x\n    \n",
            "a: !tag x\n",
            "a: b\n  c\n",
            "a: \"x\\ny\"\n",
            "a:\tb\n",
            "a: 1\r\n",
            "\u{feff}a: 1\n",
            "%YAML 1.2\n---\na: 1\n",
            "a: [b,\n  c]\n",
            "a: {b: c\n",
            "? a\n: b\n",
            "a: b: c\n",
            "a: 1\n b: 2\n",
            "a:\n  b: 1\n c: 2\n",
            "- a\nb: 1\n",
            "a: - b\n",
            "a: [\n",
            "a: 'b\n",
            "plain\n",
            "a: x\n...\nb: y\n",
        ] {
            assert!(!check(yaml), "taken:\n{yaml}");
        }
    }

    /// Landscape-like documents from a small grammar, then damaged at
    /// random: whatever the fast reader takes, it reads as the full parser.
    fn scalar() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z][a-z0-9:/._-]{0,12}",
            "[a-z]{1,4} [a-z#:]{1,4}",
            "[0-9]{1,3}",
            Just("~".to_owned()),
            Just("".to_owned()),
            "\"[a-z :#'é]{0,6}\"",
            "'[a-z :#é]{0,4}(''[a-z]{0,2})?'",
            "\\[([a-z:]{1,5}(, ?[a-z\"']{1,4}){0,3})?\\]",
            Just("{}".to_owned()),
            "\\{ ?[a-z]{1,3} ?: [a-z][a-z:]{0,3}( ?, ?'[a-z]{1,2}': \\[[a-z]?\\])? ?\\}",
            "\\[ ?\\{[a-z]: [a-z]\\} ?(, ?\\[\\])?\\]",
            Just("日本".to_owned()),
            Just("|\n  text\n   more".to_owned()),
            Just("|-\n  a\n\n  b".to_owned()),
            "[-?:][a-z]{1,3}",
        ]
    }

    #[derive(Debug, Clone)]
    enum Tree {
        Leaf(String),
        Map(Vec<(String, Tree)>),
        Seq(Vec<Tree>),
    }

    fn tree() -> impl Strategy<Value = Tree> {
        scalar()
            .prop_map(Tree::Leaf)
            .prop_recursive(5, 48, 5, |inner| {
                prop_oneof![
                    prop::collection::vec(
                        (
                            prop_oneof![
                                "[a-z][a-z./-]{0,8}",
                                Just("\"k q\"".to_owned()),
                                Just("k ".to_owned())
                            ],
                            inner.clone()
                        ),
                        1..5
                    )
                    .prop_map(Tree::Map),
                    prop::collection::vec(inner, 1..4).prop_map(Tree::Seq),
                ]
            })
    }

    /// How a tree is written: indentation step, sequences under a key
    /// indentless or indented, comments after values.
    #[derive(Debug, Clone, Copy)]
    struct Style {
        step: usize,
        indentless: bool,
        comments: bool,
    }

    fn render(t: &Tree, indent: usize, style: Style, out: &mut String) {
        let pad = " ".repeat(indent);
        let comment = if style.comments { "  # note" } else { "" };
        match t {
            Tree::Leaf(s) => {
                out.push_str(&format!("{pad}{s}{comment}\n"));
            }
            Tree::Map(entries) => {
                for (k, v) in entries {
                    match v {
                        // A block scalar's lines go under their key.
                        Tree::Leaf(s) => out.push_str(&format!(
                            "{pad}{k}: {}{comment}\n",
                            s.replace('\n', &format!("\n{pad}"))
                        )),
                        Tree::Seq(_) if style.indentless => {
                            out.push_str(&format!("{pad}{k}:\n"));
                            render(v, indent, style, out);
                        }
                        _ => {
                            out.push_str(&format!("{pad}{k}:{comment}\n"));
                            render(v, indent + style.step, style, out);
                        }
                    }
                }
            }
            Tree::Seq(items) => {
                for v in items {
                    match v {
                        Tree::Leaf(s) => out.push_str(&format!(
                            "{pad}- {}\n",
                            s.replace('\n', &format!("\n{pad}"))
                        )),
                        _ => {
                            // The first line of the item after `- `, the
                            // rest indented under it.
                            let mut inner = String::new();
                            render(v, indent + 2, style, &mut inner);
                            let first = inner.trim_start_matches(' ');
                            out.push_str(&format!("{pad}- {first}"));
                        }
                    }
                }
            }
        }
    }

    fn documents() -> impl Strategy<Value = String> {
        (
            prop::collection::vec(tree(), 1..3),
            2usize..5,
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(|(trees, step, indentless, comments)| {
                let style = Style {
                    step,
                    indentless,
                    comments,
                };
                let mut out = String::new();
                for t in &trees {
                    out.push_str("---\n");
                    let t = match t {
                        Tree::Leaf(s) => Tree::Map(vec![("k".into(), Tree::Leaf(s.clone()))]),
                        t => t.clone(),
                    };
                    render(&t, 0, style, &mut out);
                }
                out
            })
    }

    /// Generated landscape-like files, whole and damaged at random: whatever
    /// the fast reader takes, it reads as the full parser does; and it takes
    /// most of the undamaged ones.
    #[test]
    fn agrees_with_the_full_parser() {
        use proptest::strategy::ValueTree;
        use proptest::test_runner::{Config, TestRng, TestRunner};
        let config = Config::default();
        let mut runner = TestRunner::new_with_rng(
            config.clone(),
            TestRng::deterministic_rng(config.rng_algorithm),
        );
        let junk = [
            "", " ", "\n", "- ", ": ", "#", "  ", "'", "[", "---\n", "&a ", "\t", "x",
        ];
        let (mut whole, mut taken) = (0, 0);
        for round in 0..3000 {
            let yaml = documents().new_tree(&mut runner).unwrap().current();
            whole += 1;
            if check(&yaml) {
                taken += 1;
            }
            let at = (round * 7919) % (yaml.len() + 1);
            if yaml.is_char_boundary(at) {
                let mut damaged = yaml.clone();
                damaged.insert_str(at, junk[round % junk.len()]);
                check(&damaged);
                check(&yaml[..at]);
                let mut dropped = yaml.clone();
                if at < yaml.len() && yaml.is_char_boundary(at + 1) {
                    dropped.remove(at);
                    check(&dropped);
                }
            }
        }
        assert!(
            taken * 2 > whole,
            "the fast reader took only {taken} of {whole}"
        );
    }

    #[test]
    #[allow(clippy::disallowed_methods)] // a test reading fixtures, not landscapes
    fn agrees_on_the_files_of_the_project_and_the_corpus() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        assert!(
            std::env::var_os("CI").is_none() || root.join("../shared/corpus").is_dir(),
            "the corpus is not beside the project"
        );
        let mut taken = 0;
        let mut seen = 0;
        for base in [
            root.join("examples"),
            root.join("crates"),
            root.join("../shared/corpus"),
        ] {
            for entry in ignore::WalkBuilder::new(&base)
                .hidden(false)
                .git_ignore(false)
                .build()
                .flatten()
            {
                let path = entry.path();
                if !path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                    continue;
                }
                let Ok(yaml) = std::fs::read_to_string(path) else {
                    continue;
                };
                seen += 1;
                if check(&yaml) {
                    taken += 1;
                }
            }
        }
        assert!(seen > 50, "only {seen} YAML files found");
        assert!(
            taken * 2 > seen,
            "the fast reader took only {taken} of {seen} files"
        );
    }
}
