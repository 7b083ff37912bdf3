//! Diagnostics as text with source excerpts, as GitHub Actions annotations.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, Config, termcolor};

use super::{Diagnostic, Level, MAX_EXCERPT_LINE};
use crate::source::SourceFile;

/// Output formats for diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiagFormat {
    /// rustc-style, with the source line and a caret.
    Text,
    /// One JSON document: files, diagnostics, counts.
    Json,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
    /// SARIF 2.1.0, one run for all files (GitHub code scanning).
    Sarif,
    /// JUnit XML: a test case per question, a test suite per section.
    Junit,
    /// GitLab Code Quality JSON (merge request widget).
    Gitlab,
}

impl DiagFormat {
    /// Formats written once for all files, after the last one is checked.
    pub fn is_whole_run(self) -> bool {
        matches!(self, Self::Sarif | Self::Junit | Self::Gitlab)
    }
}

/// Renders diagnostics of many files as text with source excerpts.
pub fn render_text(sources: &[&SourceFile], diagnostics: &[Diagnostic], color: bool) -> String {
    let mut files = SimpleFiles::new();
    let mut ids = HashMap::new();
    for source in sources {
        ids.entry(source.name.as_str())
            .or_insert_with(|| files.add(source.name.as_str(), &*source.text));
    }
    let mut buffer = if color {
        termcolor::Buffer::ansi()
    } else {
        termcolor::Buffer::no_color()
    };
    let config = Config::default();
    for diagnostic in diagnostics {
        let mut notes = Vec::new();
        if let Some(help) = &diagnostic.help {
            notes.push(format!("help: {help}"));
        }
        let severity = match diagnostic.level {
            Level::Error => Severity::Error,
            Level::Warning => Severity::Warning,
        };
        let mut message = diagnostic.message.clone();
        if let Some(question) = &diagnostic.question {
            let _ = write!(message, " [{question}]");
        }
        let mut cs = CsDiagnostic::new(severity)
            .with_code(diagnostic.code.as_str())
            .with_message(message)
            .with_notes(notes);
        let source = sources.iter().find(|s| s.name == diagnostic.file);
        let showable = |span: &Range<usize>| source.is_some_and(|s| line_is_short(&s.text, span));
        match (ids.get(diagnostic.file.as_str()), &diagnostic.span) {
            (Some(&id), Some(span)) if showable(span) => {
                cs = cs.with_labels(vec![Label::primary(id, span.clone())]);
            }
            _ => {
                cs.notes.insert(0, format!("in {}", location(diagnostic)));
            }
        }
        // Rendering into memory cannot fail for spans inside the file; fall back to a line.
        if term::emit_to_write_style(&mut buffer, &config, &files, &cs).is_err() {
            let line = format!(
                "{}: {} [{}] {}\n",
                location(diagnostic),
                level_name(diagnostic.level),
                diagnostic.code.as_str(),
                diagnostic.message
            );
            std::io::Write::write_all(&mut buffer, line.as_bytes()).ok();
        }
    }
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
    }
}

/// `file:line:column`, or as much of it as is known.
pub fn location(diagnostic: &Diagnostic) -> String {
    match (diagnostic.line, diagnostic.column) {
        (Some(line), Some(column)) => format!("{}:{line}:{column}", diagnostic.file),
        (Some(line), None) => format!("{}:{line}", diagnostic.file),
        _ => diagnostic.file.clone(),
    }
}

/// GitHub Actions workflow commands, one line each; values escaped per the runner's rules.
pub fn render_github(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let mut message = d.message.clone();
        if let Some(question) = &d.question {
            let _ = write!(message, " [{question}]");
        }
        if let Some(help) = &d.help {
            let _ = write!(message, "\nhelp: {help}");
        }
        let annotation = Annotation {
            level: level_name(d.level),
            file: &d.file,
            line: d.line,
            column: d.column,
            title: &format!("airisk {}", d.code.as_str()),
            message: &message,
        };
        out.push_str(&annotation.to_string());
    }
    out
}

/// One GitHub Actions workflow command (`::error file=...,line=...::message`), with the
/// runner's escaping of properties and data.
pub struct Annotation<'a> {
    /// `error`, `warning` or `notice`.
    pub level: &'a str,
    pub file: &'a str,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub title: &'a str,
    pub message: &'a str,
}

impl std::fmt::Display for Annotation<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "::{} file={}", self.level, escape_property(self.file))?;
        if let Some(line) = self.line {
            write!(f, ",line={line}")?;
        }
        if let Some(column) = self.column {
            write!(f, ",col={column}")?;
        }
        writeln!(
            f,
            ",title={}::{}",
            escape_property(self.title),
            escape_data(self.message)
        )
    }
}

fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

fn line_is_short(text: &str, span: &Range<usize>) -> bool {
    let start = text[..span.start.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let end = text[span.start.min(text.len())..]
        .find('\n')
        .map_or(text.len(), |i| span.start + i);
    end - start <= MAX_EXCERPT_LINE && span.end <= end.max(span.start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;

    #[test]
    fn github_commands_escape_newlines_and_separators() {
        let d = Diagnostic::error(Code::InvalidAnswer, "50% bad\nanswer")
            .in_file("a,b:c.yaml")
            .at_position(3, 7);
        let out = render_github(&[d]);
        assert_eq!(
            out,
            "::error file=a%2Cb%3Ac.yaml,line=3,col=7,title=airisk invalid-answer::50%25 bad%0Aanswer\n"
        );
    }
}
