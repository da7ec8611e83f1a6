//! Diagnostics shared by every Linchpin crate: where a problem is
//! ([`Span`], [`SourceMap`]), how bad it is ([`Severity`]), what it is
//! ([`Diagnostic`] with a stable code from [`codes`]) and how it is shown to
//! a person ([`render_human`]).
//!
//! This crate is pure: it never touches the filesystem, the clock or the
//! environment. The loader fills the [`SourceMap`]; the binary decides where
//! rendered text goes.
#![deny(clippy::disallowed_methods)]

pub mod codes;
mod render;

pub use codes::Severity;
pub use render::{render_errors, render_human, RenderOptions};

/// Index of a file in a [`SourceMap`].
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A position in a source file: 1-based line and column (in characters),
/// and the length in characters of the marked text on that line.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Span {
    /// The file the position is in.
    pub file: FileId,
    /// Line, starting at 1.
    pub line: u32,
    /// Column, starting at 1, counted in characters.
    pub col: u32,
    /// How many characters the caret underlines (at least one is drawn).
    pub len: u32,
}

impl Span {
    /// A span that marks the start of a file.
    pub fn file_start(file: FileId) -> Span {
        Span {
            file,
            line: 1,
            col: 1,
            len: 0,
        }
    }
}

/// One source file as the user wrote it.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as shown to the user: relative to the landscape root where
    /// possible, with `/` separators.
    pub path: String,
    /// The text, or empty where the file was not read (binary, too large).
    pub text: String,
    /// Byte offsets of line starts, computed when a snippet first needs them.
    line_starts: std::sync::OnceLock<Vec<u32>>,
}

/// All files a run looked at, addressed by [`FileId`].
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    files: Vec<SourceFile>,
    /// Put before each path when shown to a person (see [`SourceMap::display`]).
    display_base: String,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, path: String, text: String) -> FileId {
        let id = FileId(self.files.len() as u32);
        self.files.push(SourceFile {
            path,
            text,
            line_starts: std::sync::OnceLock::new(),
        });
        id
    }

    /// Replaces the text of a file already added.
    pub fn set_text(&mut self, id: FileId, text: String) {
        let file = &mut self.files[id.0 as usize];
        file.text = text;
        file.line_starts = std::sync::OnceLock::new();
    }

    /// The file with this id.
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// The path of a file, relative to the landscape folder (`/`-separated):
    /// what machine-readable output and the server show.
    pub fn path(&self, id: FileId) -> &str {
        &self.files[id.0 as usize].path
    }

    /// Where the landscape folder is as the person typed it (`examples/webshop`),
    /// so that the paths shown in a terminal open from where the command ran,
    /// as cargo's and ripgrep's do. Empty or `.`: none.
    pub fn set_display_base(&mut self, base: &str) {
        let base = base.trim_start_matches("./").trim_end_matches('/');
        self.display_base = if base == "." {
            String::new()
        } else {
            base.to_owned()
        };
    }

    /// The path of a file for a person: [`SourceMap::path`] under the display base.
    pub fn display(&self, id: FileId) -> std::borrow::Cow<'_, str> {
        let path = self.path(id);
        if self.display_base.is_empty() {
            std::borrow::Cow::Borrowed(path)
        } else {
            std::borrow::Cow::Owned(format!("{}/{path}", self.display_base))
        }
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether no file was added.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The text of one line (1-based), without its line break.
    pub fn line_text(&self, id: FileId, line: u32) -> Option<&str> {
        let file = self.get(id);
        if line == 0 {
            return None;
        }
        let starts = file.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(file.text.match_indices('\n').map(|(i, _)| i as u32 + 1))
                .collect()
        });
        let start = *starts.get(line as usize - 1)? as usize;
        let end = starts
            .get(line as usize)
            .map_or(file.text.len(), |&next| next as usize - 1);
        let l = &file.text[start..end];
        Some(l.strip_suffix('\r').unwrap_or(l))
    }
}

/// One problem found in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// How serious it is.
    pub severity: Severity,
    /// A stable kebab-case code, listed in [`codes::CODES`].
    pub code: &'static str,
    /// One line saying what is wrong, naming the thing that is wrong.
    pub message: String,
    /// The file the problem is in, if any.
    pub file: Option<FileId>,
    /// Where in the file, if a position is known.
    pub span: Option<Span>,
    /// Extra facts, e.g. where a duplicate was first defined.
    pub notes: Vec<String>,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with the code's default severity at a position.
    pub fn at(code: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: codes::default_severity(code),
            code,
            message: message.into(),
            file: Some(span.file),
            span: Some(span),
            notes: Vec::new(),
            help: None,
        }
    }

    /// A diagnostic about a whole file, without a position.
    pub fn in_file(code: &'static str, file: FileId, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: codes::default_severity(code),
            code,
            message: message.into(),
            file: Some(file),
            span: None,
            notes: Vec::new(),
            help: None,
        }
    }

    /// A diagnostic not tied to any file.
    pub fn global(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: codes::default_severity(code),
            code,
            message: message.into(),
            file: None,
            span: None,
            notes: Vec::new(),
            help: None,
        }
    }

    /// Adds a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Adds a note.
    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    /// Overrides the severity.
    pub fn with_severity(mut self, severity: Severity) -> Diagnostic {
        self.severity = severity;
        self
    }
}

/// Sorts diagnostics into a stable order: by file path, line, column, code.
pub fn sort_diagnostics(diagnostics: &mut [Diagnostic], sources: &SourceMap) {
    diagnostics.sort_by(|a, b| {
        let key = |d: &Diagnostic| {
            (
                d.file.map(|f| sources.path(f).to_owned()),
                d.span.map(|s| (s.line, s.col)),
            )
        };
        key(a)
            .cmp(&key(b))
            .then_with(|| a.code.cmp(b.code))
            .then_with(|| a.message.cmp(&b.message))
    });
}

/// Counts of diagnostics by severity.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Errors.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Infos.
    pub infos: usize,
}

impl Counts {
    /// Counts the diagnostics of a run.
    pub fn of(diagnostics: &[Diagnostic]) -> Counts {
        let mut counts = Counts::default();
        for d in diagnostics {
            match d.severity {
                Severity::Error => counts.errors += 1,
                Severity::Warning => counts.warnings += 1,
                Severity::Info => counts.infos += 1,
            }
        }
        counts
    }
}

/// Edit distance counting insertions, deletions, substitutions and swaps of
/// two neighbours (optimal string alignment), for "did you mean" suggestions.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for i in 0..=a.len() {
        d[i * width] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(width) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    d[a.len() * width + b.len()]
}

/// "a" or "an", as the word needs.
pub fn article(word: &str) -> &'static str {
    match word.chars().next() {
        Some(c) if "AEIOUaeiou".contains(c) => "an",
        _ => "a",
    }
}

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let limit = (word.chars().count() / 3).clamp(1, 4);
    let lower = word.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (edit_distance(&lower, &c.to_ascii_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_names_only() {
        let names = ["stripe", "adyen", "sendgrid"];
        assert_eq!(did_you_mean("strpe", names), Some("stripe"));
        assert_eq!(did_you_mean("mailchimp", names), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("titel", "title"), 1);
        assert_eq!(did_you_mean("titel", ["title", "tags"]), Some("title"));
        assert_eq!(article("API"), "an");
        assert_eq!(article("Supplier"), "a");
    }

    #[test]
    fn line_text_handles_crlf_and_out_of_range() {
        let mut map = SourceMap::new();
        let id = map.add("a.yaml".into(), "one\r\ntwo\n".into());
        assert_eq!(map.line_text(id, 1), Some("one"));
        assert_eq!(map.line_text(id, 2), Some("two"));
        assert_eq!(map.line_text(id, 9), None);
    }
}
