//! Diagnostics: the problems airisk reports about an input (their renderings are in
//! [`render`]).
//!
//! A check creates a [`Diagnostic`] that points at a *document path* (for example
//! `answers / data-provenance / answer`). Lines and columns are filled in afterwards by
//! [`resolve`], in one position-aware pass over the file, and only when there is at least
//! one diagnostic: the path where a file is valid never pays for it.

use foldhash::HashMap;
use std::ops::Range;

use serde::Serialize;

use crate::source::SourceFile;
use crate::yaml::{self, DocPath, NodePos, YamlError};

mod render;

pub use render::{
    Annotation, DiagFormat, GITHUB_SHOWN, MAX_PER_FILE, github_overflow_notice, location,
    render_github, render_text,
};

/// How serious a diagnostic is. Warnings do not fail a run unless `--deny-warnings`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Warning,
    Error,
}

macro_rules! codes {
    ($($variant:ident = $text:literal: $doc:literal,)*) => {
        /// Stable identifiers of every kind of diagnostic; documented in the README.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code { $(#[doc = $doc] $variant,)* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $text,)* }
            }

            pub fn describe(self) -> &'static str {
                match self { $(Code::$variant => $doc,)* }
            }

            pub fn from_name(name: &str) -> Option<Code> {
                match name { $($text => Some(Code::$variant),)* _ => None }
            }
        }
    };
}

codes! {
    YamlSyntax = "yaml-syntax": "The file is not well-formed YAML.",
    WrongType = "wrong-type": "A value has the wrong type, such as a list where text belongs.",
    UnknownKey = "unknown-key": "A key that the format does not define.",
    DuplicateKey = "duplicate-key": "The same key appears twice in one mapping.",
    MissingField = "missing-field": "A required field is absent or empty.",
    UnknownChecklist = "unknown-checklist": "The checklist named by the answer file cannot be found.",
    ChecklistMismatch = "checklist-mismatch": "The answer file names another checklist or version than the one used.",
    Unanswered = "unanswered": "A question of the checklist has no answer.",
    UnknownQuestion = "unknown-question": "An answer for a question id that the checklist does not have.",
    InvalidAnswer = "invalid-answer": "An answer other than Y, N or NA.",
    MissingElaboration = "missing-elaboration": "An answer without a written justification.",
    PlaceholderElaboration = "placeholder-elaboration": "An elaboration that is a placeholder such as TBD or n/a.",
    ShortElaboration = "short-elaboration": "An elaboration shorter than the question's minimum.",
    NaNotAllowed = "na-not-allowed": "NA given for a question that must be answered Y or N.",
    MissingImplementation = "missing-implementation": "An ML Test Score Y answer without `implementation: manual|automated`.",
    ImplementationNotAllowed = "implementation-not-allowed": "`implementation` given where it has no meaning.",
    EvidenceNotFound = "evidence-not-found": "An evidence path that does not exist beside the answer file.",
    EvidenceOutsideProject = "evidence-outside-project": "An evidence path that leaves the answer file's folder.",
    DuplicateElaboration = "duplicate-elaboration": "The same elaboration pasted under several questions.",
    ContradictingElaboration = "contradicting-elaboration": "An elaboration that contradicts its answer, such as a Y that says \"not yet\".",
    NaWithoutReason = "na-without-reason": "An NA whose elaboration does not say why the question does not apply.",
    YWithoutEvidence = "y-without-evidence": "A Y that names no evidence, practice or tool.",
    DuplicateId = "duplicate-id": "A section, question or rule id used twice.",
    InvalidId = "invalid-id": "An id that is not lower-case kebab-case.",
    UnknownReference = "unknown-reference": "A reference in an unknown scheme or of the wrong shape.",
    InvalidRule = "invalid-rule": "A rule that cannot be compiled: unknown question, bad regex, empty condition.",
    UncoveredQuestion = "uncovered-question": "A question that no rule covers.",
    UnreachableRule = "unreachable-rule": "A rule that can never fire.",
    EmptyText = "empty-text": "A question, guidance, finding or recommendation that is empty.",
    LimitExceeded = "limit-exceeded": "An input beyond one of airisk's limits.",
    TomlSyntax = "toml-syntax": "The configuration file (airisk.toml) is not well-formed TOML.",
    CommentInElaboration = "comment-in-elaboration": "Text after ` #` in a plain elaboration, which YAML drops as a comment.",
    MissingEvidence = "missing-evidence": "An answer without the evidence its question requires (a link, or any entry).",
    RedundantSetting = "redundant-setting": "A per-question setting that repeats the checklist's `defaults:`.",
    InvalidCondition = "invalid-condition": "An `applies-if` that names an unknown question or forms a cycle.",
    NotApplicable = "not-applicable": "An answer to a question whose `applies-if` does not hold; it is not used.",
}

/// Which part of a mapping entry a diagnostic points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Key,
    Value,
}

/// One problem in one file.
#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic {
    pub level: Level,
    #[serde(serialize_with = "serialize_code")]
    pub code: Code,
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    #[serde(skip)]
    pub span: Option<Range<usize>>,
    #[serde(skip)]
    target: Option<(DocPath, Anchor)>,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's serialize_with signature
fn serialize_code<S: serde::Serializer>(code: &Code, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(code.as_str())
}

impl Diagnostic {
    pub fn new(level: Level, code: Code, message: impl Into<String>) -> Self {
        Self {
            level,
            code,
            file: String::new(),
            line: None,
            column: None,
            question: None,
            message: message.into(),
            help: None,
            span: None,
            target: None,
        }
    }

    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Self::new(Level::Error, code, message)
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Self::new(Level::Warning, code, message)
    }

    /// The one way a YAML parse or type error becomes a diagnostic: `{what}: {message}`
    /// at the parser's position, when it gave one.
    pub fn from_yaml(what: &str, err: &YamlError) -> Self {
        let d = Self::error(Code::YamlSyntax, format!("{what}: {}", err.message));
        match (err.line, err.column) {
            (Some(line), Some(column)) => d.at_position(line, column),
            _ => d,
        }
    }

    /// Points at the value found at `path`.
    #[must_use]
    pub fn at(mut self, path: DocPath) -> Self {
        self.target = Some((path, Anchor::Value));
        self
    }

    /// Points at the key of the entry found at `path`.
    #[must_use]
    pub fn at_key(mut self, path: DocPath) -> Self {
        self.target = Some((path, Anchor::Key));
        self
    }

    /// Points at a known line and column (from a parser error).
    #[must_use]
    pub fn at_position(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    #[must_use]
    pub fn question(mut self, id: impl Into<String>) -> Self {
        self.question = Some(id.into());
        self
    }

    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    #[must_use]
    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = file.into();
        self
    }

    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }
}

/// Builds a document path from keys and indices: `path!["answers", id, "answer"]`.
#[macro_export]
macro_rules! path {
    ($($seg:expr),* $(,)?) => {
        vec![$($crate::yaml::Seg::from($seg)),*]
    };
}

/// Fills in file, line, column and span of every diagnostic about `source`. A path that
/// is not in the document (a missing key) falls back to its nearest existing parent.
pub fn resolve(source: &SourceFile, diagnostics: &mut [Diagnostic]) {
    if !diagnostics.is_empty() {
        resolve_with(source, diagnostics, &[]);
    }
}

/// [`resolve`], with the positions of `extra` paths found in the same pass over the file
/// (an assessment's answer keys: one pass serves the diagnostics and the findings).
pub fn resolve_with(
    source: &SourceFile,
    diagnostics: &mut [Diagnostic],
    extra: &[DocPath],
) -> HashMap<DocPath, NodePos> {
    let mut wanted: foldhash::HashSet<DocPath> = extra.iter().cloned().collect();
    for diagnostic in diagnostics.iter() {
        if let Some((path, _)) = &diagnostic.target {
            for len in 0..=path.len() {
                wanted.insert(path[..len].to_vec());
            }
        }
    }
    let wanted: Vec<DocPath> = wanted.into_iter().collect();
    let found: HashMap<DocPath, NodePos> = if wanted.is_empty() {
        HashMap::default()
    } else {
        yaml::locate(&source.text, &wanted)
    };
    let lines = yaml::LineIndex::new(&source.text);
    for diagnostic in diagnostics.iter_mut() {
        diagnostic.file.clone_from(&source.name);
        if let Some((path, anchor)) = diagnostic.target.take() {
            let hit = (0..=path.len())
                .rev()
                .find_map(|len| found.get(&path[..len]).map(|pos| (len == path.len(), *pos)));
            if let Some((exact, pos)) = hit {
                // A missing child is reported on its parent's key, where the user will add it.
                let point = match (anchor, exact) {
                    (Anchor::Value, true) => pos.value,
                    _ => pos.key.unwrap_or(pos.value),
                };
                diagnostic.line = Some(point.line);
                diagnostic.column = Some(point.column);
                diagnostic.span = Some(token_span(&source.text, point.offset));
            }
        } else if let (Some(line), Some(column)) = (diagnostic.line, diagnostic.column) {
            let offset = lines.offset(line, column);
            diagnostic.span = Some(token_span(&source.text, offset));
        }
    }
    found
}

/// Longest source line shown in an excerpt; a longer one (minified or generated YAML)
/// would flood the terminal, so only its position is given.
const MAX_EXCERPT_LINE: usize = 300;

/// The span to underline from `offset`: a key up to its colon, otherwise the rest of the line.
fn token_span(text: &str, offset: usize) -> Range<usize> {
    let offset = offset.min(text.len());
    let rest = &text[offset..];
    // Look at most a short way ahead: a span only underlines one token or line.
    let mut window = rest.len().min(MAX_EXCERPT_LINE);
    while !rest.is_char_boundary(window) {
        window -= 1;
    }
    let rest = &rest[..window];
    let line_end = rest.find(['\n', '\r']).unwrap_or(rest.len());
    let line = &rest[..line_end];
    let end = match line.find(": ") {
        Some(colon) if !line.starts_with(['"', '\'', '>', '|', '[', '{']) => colon,
        _ => line.trim_end().len(),
    };
    offset..offset + end.max(usize::from(!line.is_empty()))
}

/// The JSON document of `validate --format json`.
#[derive(Debug, Serialize)]
pub struct JsonReport<'a> {
    pub schema_version: u32,
    pub files: Vec<JsonFile<'a>>,
    pub errors: usize,
    pub warnings: usize,
}

#[derive(Debug, Serialize)]
pub struct JsonFile<'a> {
    pub file: &'a str,
    pub valid: bool,
    pub diagnostics: &'a [Diagnostic],
}

/// Counts errors and warnings.
pub fn count(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    (errors, diagnostics.len() - errors)
}

/// "did you mean `x`?" for the closest candidate, when one is close enough. A word much
/// longer than every candidate is no typo of one, and comparing a megabyte-long key with
/// every id would cost minutes: it gets no suggestion, without comparing.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    // A typo adds a character or two; a few more cost nothing.
    const SLACK: usize = 4;
    let candidates: Vec<&str> = candidates.into_iter().collect();
    let longest = candidates.iter().map(|c| c.len()).max().unwrap_or(0);
    if word.len() > longest + SLACK {
        return None;
    }
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_kebab_case_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            let name = code.as_str();
            assert!(seen.insert(name), "duplicate code {name}");
            assert!(
                name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{name} is not kebab-case"
            );
            assert_eq!(Code::from_name(name), Some(*code));
            assert!(code.describe().ends_with('.'));
        }
    }

    #[test]
    fn resolve_points_at_value_or_falls_back_to_parent_key() {
        let source = SourceFile::from_string(
            "f.yaml",
            "project:\n  owner: x\nanswers:\n  q: {answer: Maybe}\n".into(),
        );
        let mut diags = vec![
            Diagnostic::error(Code::InvalidAnswer, "bad").at(path!["answers", "q", "answer"]),
            Diagnostic::error(Code::MissingField, "no name").at(path!["project", "name"]),
        ];
        resolve(&source, &mut diags);
        assert_eq!((diags[0].line, diags[0].column), (Some(4), Some(15)));
        assert_eq!(&source.text[diags[0].span.clone().unwrap()], "Maybe}");
        assert_eq!((diags[1].line, diags[1].column), (Some(1), Some(1)));
        assert_eq!(&source.text[diags[1].span.clone().unwrap()], "project:");
    }

    #[test]
    fn did_you_mean_finds_near_misses_only() {
        assert_eq!(
            did_you_mean("elaboraton", ["answer", "elaboration", "evidence"]),
            Some("elaboration")
        );
        assert_eq!(did_you_mean("zzz", ["answer", "elaboration"]), None);
        assert_eq!(did_you_mean("elaborationxxxxx", ["elaboration"]), None);
        assert_eq!(
            did_you_mean("elaborationx", ["elaboration"]),
            Some("elaboration")
        );
    }
}
