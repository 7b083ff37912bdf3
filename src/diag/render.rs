//! Diagnostics as text with source excerpts, as GitHub Actions annotations.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, Config, termcolor};

use super::{Diagnostic, Level, MAX_EXCERPT_LINE};
use crate::escape;
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

/// Most diagnostics printed per file in text and GitHub formats: a file with tens of
/// thousands of problems must not flood a terminal or a CI log. One more line gives the
/// count of the rest; JSON lists them all.
pub const MAX_PER_FILE: usize = 200;

/// Longest message or help printed, in characters: they quote user text (keys, ids,
/// answers, a checklist's guidance), which can be a megabyte long. Long enough for any
/// guidance a person writes.
const MAX_MESSAGE: usize = 1000;

/// The diagnostics to print, at most [`MAX_PER_FILE`] per file, and the number left out
/// per file (in order of first appearance).
fn capped(diagnostics: &[Diagnostic]) -> (Vec<&Diagnostic>, Vec<(&str, usize)>) {
    let mut per_file: HashMap<&str, usize> = HashMap::new();
    let mut shown = Vec::new();
    let mut hidden: Vec<(&str, usize)> = Vec::new();
    for d in diagnostics {
        let n = per_file.entry(d.file.as_str()).or_default();
        *n += 1;
        if *n <= MAX_PER_FILE {
            shown.push(d);
        } else if let Some(entry) = hidden.iter_mut().find(|(f, _)| *f == d.file) {
            entry.1 += 1;
        } else {
            hidden.push((d.file.as_str(), 1));
        }
    }
    (shown, hidden)
}

fn more_line(file: &str, hidden: usize) -> String {
    format!(
        "{}: {hidden} more diagnostic{} not shown (at most {MAX_PER_FILE} per file; `--format json` lists them all)",
        escape::term_line(file),
        if hidden == 1 { "" } else { "s" }
    )
}

/// The message as printed: bounded, with its question id.
fn message_text(diagnostic: &Diagnostic) -> String {
    let mut message = escape::clip(&diagnostic.message, MAX_MESSAGE).into_owned();
    if let Some(question) = &diagnostic.question {
        let _ = write!(message, " [{}]", escape::clip(question, MAX_MESSAGE));
    }
    message
}

/// Renders diagnostics of many files as text with source excerpts. All user text is
/// escaped for a terminal; a source holding control characters is shown escaped, with
/// the labels mapped onto the escaped copy.
pub fn render_text(sources: &[&SourceFile], diagnostics: &[Diagnostic], color: bool) -> String {
    // Nothing to show: no copy of the sources (a large file is megabytes).
    if diagnostics.is_empty() {
        return String::new();
    }
    let mut files = SimpleFiles::new();
    let mut ids = HashMap::new();
    let mut mapped = HashMap::new();
    for source in sources {
        ids.entry(source.name.as_str()).or_insert_with(|| {
            let name = escape::term_line(&source.name).into_owned();
            match escape::term_source(&source.text) {
                Some(m) => {
                    let id = files.add(name, m.text.clone());
                    mapped.insert(source.name.as_str(), m);
                    id
                }
                None => files.add(name, source.text.to_string()),
            }
        });
    }
    let mut buffer = if color {
        termcolor::Buffer::ansi()
    } else {
        termcolor::Buffer::no_color()
    };
    let config = Config::default();
    let styles = styles();
    let (shown, hidden) = capped(diagnostics);
    for diagnostic in shown {
        let mut notes = Vec::new();
        if let Some(help) = &diagnostic.help {
            notes.push(format!(
                "help: {}",
                escape::term_line(&escape::clip(help, MAX_MESSAGE))
            ));
        }
        let severity = match diagnostic.level {
            Level::Error => Severity::Error,
            Level::Warning => Severity::Warning,
        };
        let message = escape::term_line(&message_text(diagnostic)).into_owned();
        let mut cs = CsDiagnostic::new(severity)
            .with_code(diagnostic.code.as_str())
            .with_message(message.clone())
            .with_notes(notes);
        let source = sources.iter().find(|s| s.name == diagnostic.file);
        let showable = |span: &Range<usize>| source.is_some_and(|s| line_is_short(&s.text, span));
        match (ids.get(diagnostic.file.as_str()), &diagnostic.span) {
            (Some(&id), Some(span)) if showable(span) => {
                let span = match mapped.get(diagnostic.file.as_str()) {
                    Some(m) => m.map(span.start)..m.map(span.end),
                    None => span.clone(),
                };
                cs = cs.with_labels(vec![Label::primary(id, span)]);
            }
            _ => {
                cs.notes.insert(0, format!("in {}", location(diagnostic)));
            }
        }
        // Rendering into memory cannot fail for spans inside the file; fall back to a line.
        let mut writer = term::StylesWriter::new(&mut buffer, &styles);
        if term::emit_to_write_style(&mut writer, &config, &files, &cs).is_err() {
            let line = format!(
                "{}: {} [{}] {message}\n",
                location(diagnostic),
                level_name(diagnostic.level),
                diagnostic.code.as_str(),
            );
            std::io::Write::write_all(&mut buffer, line.as_bytes()).ok();
        }
    }
    for (file, hidden) in hidden {
        let line = more_line(file, hidden) + "\n";
        std::io::Write::write_all(&mut buffer, line.as_bytes()).ok();
    }
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}

/// codespan-reporting's colours without their bright ("intense") variants: bright yellow
/// and cyan headers all but vanish on a white background, while the basic red, yellow,
/// green and cyan, in bold, read well on light and dark themes alike.
fn styles() -> term::Styles {
    let mut styles = term::Styles::default();
    for header in [
        &mut styles.header_bug,
        &mut styles.header_error,
        &mut styles.header_warning,
        &mut styles.header_note,
        &mut styles.header_help,
        &mut styles.header_message,
    ] {
        header.set_intense(false);
    }
    styles
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
    }
}

/// `file:line:column`, or as much of it as is known, escaped for a terminal.
pub fn location(diagnostic: &Diagnostic) -> String {
    let file = escape::term_line(&diagnostic.file);
    match (diagnostic.line, diagnostic.column) {
        (Some(line), Some(column)) => format!("{file}:{line}:{column}"),
        (Some(line), None) => format!("{file}:{line}"),
        _ => file.into_owned(),
    }
}

/// GitHub Actions workflow commands, one line each; values escaped per the runner's
/// rules; at most [`MAX_PER_FILE`] per file, then a notice with the count of the rest.
pub fn render_github(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    let (shown, hidden) = capped(diagnostics);
    for d in shown {
        let mut message = message_text(d);
        if let Some(help) = &d.help {
            let _ = write!(message, "\nhelp: {}", escape::clip(help, MAX_MESSAGE));
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
    for (file, hidden) in hidden {
        let _ = writeln!(
            out,
            "::notice title=airisk::{}",
            escape::github_data(&more_line(file, hidden))
        );
    }
    out
}

/// GitHub shows at most this many error, and as many warning, annotations per step.
pub const GITHUB_SHOWN: usize = 10;

/// The final notice when a step printed more error or warning annotations than GitHub
/// shows, so that none disappears silently; `None` when all are shown.
pub fn github_overflow_notice(errors: usize, warnings: usize) -> Option<String> {
    if errors <= GITHUB_SHOWN && warnings <= GITHUB_SHOWN {
        return None;
    }
    let part = |n: usize, word: &str| {
        let shown = n.min(GITHUB_SHOWN);
        format!(
            "{shown} of {n} {word} annotations shown, {} hidden",
            n - shown
        )
    };
    Some(format!(
        "::notice title=airisk::GitHub shows at most {GITHUB_SHOWN} error and {GITHUB_SHOWN} warning annotations per step: {}; {}. All of them are in this log.\n",
        part(errors, "error"),
        part(warnings, "warning")
    ))
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
        write!(
            f,
            "::{} file={}",
            self.level,
            escape::github_property(self.file)
        )?;
        if let Some(line) = self.line {
            write!(f, ",line={line}")?;
        }
        if let Some(column) = self.column {
            write!(f, ",col={column}")?;
        }
        writeln!(
            f,
            ",title={}::{}",
            escape::github_property(self.title),
            escape::github_data(self.message)
        )
    }
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
