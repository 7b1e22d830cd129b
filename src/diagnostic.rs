//! Diagnostics: problems found while loading or compiling a ruleset, as data.
//!
//! Each diagnostic has a stable code (`E0xx` errors, `W0xx` warnings), a plain
//! message and, where it comes from a file, a byte span that is turned into
//! `file:line:col` and a caret line only when rendered.

use std::fmt;

use serde::Serialize;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth fixing; the ruleset still compiles.
    Warning,
    /// The ruleset cannot be used.
    Error,
}

/// A source location resolved to line and column (1-based; column counts characters).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Location {
    /// File name as given to the loader (e.g. `rulesets/default/rules.toml`).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
    /// Byte span `[start, end)` in the file.
    pub span: (usize, usize),
    /// The text of the line, for rendering a caret under the span.
    #[serde(skip)]
    pub line_text: String,
    /// Characters of the span on its first line (caret width).
    #[serde(skip)]
    pub width: usize,
}

impl Location {
    /// Resolve a byte span in `text` (the contents of `file`).
    pub fn resolve(file: &str, text: &str, span: std::ops::Range<usize>) -> Location {
        let start = span.start.min(text.len());
        let end = span.end.clamp(start, text.len());
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line = text[..start].bytes().filter(|&b| b == b'\n').count() + 1;
        let col = text[line_start..start].chars().count() + 1;
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        Location {
            file: file.to_string(),
            line,
            col,
            span: (start, end),
            line_text: text[line_start..line_end].trim_end_matches('\r').to_string(),
            width: text[start..end.min(line_end)].chars().count().max(1),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

/// A secondary pointer, e.g. "first defined here".
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Note {
    /// What the note says.
    pub message: String,
    /// Where, when it points into a file.
    pub location: Option<Location>,
}

/// One problem found in a ruleset.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable code, never reused (`E001` …, `W001` …).
    pub code: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// Lowercase message without a final period.
    pub message: String,
    /// Where the problem is, when it is in a file.
    pub location: Option<Location>,
    /// Label under the caret.
    pub label: Option<String>,
    /// Further pointers (e.g. the first declaration of a duplicate).
    pub notes: Vec<Note>,
}

impl Diagnostic {
    /// A new error.
    pub fn error(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            location: None,
            label: None,
            notes: Vec::new(),
        }
    }

    /// A new warning.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, message) }
    }

    /// Attach a location.
    pub fn at(mut self, location: Option<Location>) -> Diagnostic {
        self.location = location;
        self
    }

    /// Attach a label shown under the caret.
    pub fn label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }

    /// Attach a note.
    pub fn note(mut self, message: impl Into<String>, location: Option<Location>) -> Diagnostic {
        self.notes.push(Note { message: message.into(), location });
        self
    }

    /// Render as text: header, `--> file:line:col`, the source line and a caret.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        out.push_str(&format!("{sev}[{}]: {}\n", self.code, self.message));
        if let Some(loc) = &self.location {
            render_snippet(&mut out, loc, self.label.as_deref(), '^');
        }
        for note in &self.notes {
            match &note.location {
                Some(loc) => {
                    out.push_str(&format!("note: {}\n", note.message));
                    render_snippet(&mut out, loc, None, '-');
                }
                None => out.push_str(&format!("  = note: {}\n", note.message)),
            }
        }
        out
    }
}

fn render_snippet(out: &mut String, loc: &Location, label: Option<&str>, mark: char) {
    let gutter = loc.line.to_string().len();
    let pad = " ".repeat(gutter);
    out.push_str(&format!("{pad}--> {loc}\n"));
    out.push_str(&format!("{pad} |\n"));
    out.push_str(&format!("{} | {}\n", loc.line, loc.line_text));
    let width = loc.width.max(1);
    let carets: String = std::iter::repeat_n(mark, width).collect();
    let indent = " ".repeat(loc.col - 1);
    match label {
        Some(l) => out.push_str(&format!("{pad} | {indent}{carets} {l}\n")),
        None => out.push_str(&format!("{pad} | {indent}{carets}\n")),
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(loc) => write!(f, "{loc}: {}[{}]: {}", sev_word(self.severity), self.code, self.message),
            None => write!(f, "{}[{}]: {}", sev_word(self.severity), self.code, self.message),
        }
    }
}

fn sev_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_line_and_column_in_characters() {
        let text = "a = 1\nname = \"耐克\" # x\n";
        let start = text.find("\"耐").unwrap();
        let loc = Location::resolve("f.toml", text, start..start + 8);
        assert_eq!((loc.line, loc.col), (2, 8));
        assert_eq!(loc.line_text, "name = \"耐克\" # x");
        let d = Diagnostic::error("E001", "bad").at(Some(loc)).label("here");
        let r = d.render();
        assert!(r.contains("--> f.toml:2:8"), "{r}");
        assert!(r.contains("|        ^"), "{r}");
    }
}
