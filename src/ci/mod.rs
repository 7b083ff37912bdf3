//! Machine-readable outputs for CI systems: SARIF 2.1.0 (code scanning), JUnit XML (test
//! dashboards), GitLab Code Quality (merge requests), and the GitHub step summary.
//!
//! Each format renders either an assessment (findings) or the diagnostics of the files a
//! command checked ([`FileReport`]). Nothing here decides an exit status.

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use crate::checklist::Checklist;
use crate::diag::{Diagnostic, Level};
use crate::source::SourceFile;

pub mod gitlab;
pub mod junit;
pub mod sarif;
pub mod summary;

/// What a diagnostics command (`validate`, `lint`) found in one file.
#[derive(Debug, Clone, Default)]
pub struct FileReport {
    pub file: String,
    /// The checklist's sections and their question ids, when the file was checked
    /// against one (JUnit lists every question as a test case).
    pub sections: Vec<(String, Vec<String>)>,
    pub diagnostics: Vec<Diagnostic>,
    /// Why the file could not be checked at all (unreadable, unknown checklist).
    pub error: Option<String>,
}

impl FileReport {
    pub fn new(source: &SourceFile, diagnostics: &[Diagnostic]) -> Self {
        Self {
            file: source.name.clone(),
            diagnostics: diagnostics.to_vec(),
            ..Self::default()
        }
    }

    pub fn failed(file: &str, message: String) -> Self {
        Self {
            file: file.to_owned(),
            error: Some(message),
            ..Self::default()
        }
    }

    /// Lists the checklist's questions, by section.
    #[must_use]
    pub fn with_questions(mut self, checklist: &Checklist) -> Self {
        self.sections = checklist
            .sections
            .iter()
            .map(|s| {
                let ids = s.questions.iter().map(|q| q.id.clone()).collect();
                (s.id.clone(), ids)
            })
            .collect();
        self
    }
}

/// A stable fingerprint: the hex SHA-256 of the parts, which name what a result is about
/// (rule or code, question, file) and never where it is, so that a finding keeps its
/// identity when lines move.
pub fn fingerprint(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        // A separator that text cannot hold keeps ("ab", "c") apart from ("a", "bc").
        hasher.update([0]);
    }
    let mut hex = String::with_capacity(64);
    for byte in hasher.finalize() {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// Fingerprints for diagnostics: code, question and message (with digits removed, since
/// messages may quote line numbers), plus an occurrence count for identical ones, so
/// every fingerprint of a report is unique.
pub fn diagnostic_fingerprints<'a>(items: impl IntoIterator<Item = &'a Diagnostic>) -> Vec<String> {
    let mut seen = std::collections::HashMap::new();
    items
        .into_iter()
        .map(|d| {
            let message: String = d.message.chars().filter(|c| !c.is_ascii_digit()).collect();
            let question = d.question.as_deref().unwrap_or("");
            let base = fingerprint(&[d.code.as_str(), question, &message, &d.file]);
            let n: &mut usize = seen.entry(base.clone()).or_default();
            *n += 1;
            if *n == 1 {
                base
            } else {
                fingerprint(&[&base, &n.to_string()])
            }
        })
        .collect()
}

/// The diagnostics of every report, each with its file filled in where a renderer left
/// it empty.
pub fn all_diagnostics(reports: &[FileReport]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for report in reports {
        for d in &report.diagnostics {
            let mut d = d.clone();
            if d.file.is_empty() {
                d.file.clone_from(&report.file);
            }
            out.push(d);
        }
    }
    out
}

pub fn level_name(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
    }
}

/// A file name as given on the command line, as a path relative to the current folder
/// (where CI runs, the repository root) when it lies inside it, with `/` separators and
/// no leading `./`: what code scanning and GitLab match against repository paths.
pub fn relative_path(name: &str) -> String {
    let path = std::path::Path::new(name);
    let relative = if path.is_absolute() {
        std::env::current_dir()
            .ok()
            .and_then(|cwd| {
                path.strip_prefix(cwd)
                    .ok()
                    .map(|p| p.to_string_lossy().into_owned())
            })
            .unwrap_or_else(|| name.to_owned())
    } else {
        name.to_owned()
    };
    let relative = relative.replace('\\', "/");
    relative.trim_start_matches("./").to_owned()
}

/// Cuts `text` to at most `max` bytes on a character boundary, saying so at the end.
pub fn truncate(text: &str, max: usize) -> String {
    const NOTE: &str = " [truncated by airisk]";
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max.saturating_sub(NOTE.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{NOTE}", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;

    #[test]
    fn fingerprints_ignore_positions_and_stay_unique() {
        let a = Diagnostic::error(Code::Unanswered, "line 3 is bad")
            .question("q")
            .in_file("f.yaml")
            .at_position(3, 1);
        let b = Diagnostic::error(Code::Unanswered, "line 9 is bad")
            .question("q")
            .in_file("f.yaml")
            .at_position(9, 1);
        let prints = diagnostic_fingerprints([&a, &b]);
        assert_eq!(prints[0], diagnostic_fingerprints([&b])[0]);
        assert_ne!(prints[0], prints[1]);
        assert_eq!(prints[0].len(), 64);
        assert_ne!(fingerprint(&["ab", "c"]), fingerprint(&["a", "bc"]));
    }

    #[test]
    fn truncate_keeps_char_boundaries_and_says_so() {
        let cut = truncate(&"é".repeat(100), 50);
        assert!(cut.len() <= 50, "{}", cut.len());
        assert!(cut.ends_with("[truncated by airisk]"));
        assert_eq!(truncate("short", 50), "short");
    }
}
