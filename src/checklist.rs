//! Checklists: the model, the loader that validates it, and the built-in set.
//!
//! A checklist file is deserialized strictly (unknown keys are errors, since its authors
//! are reviewers running `airisk lint`), then checked for what types cannot say: unique
//! ids, id shape, non-empty text. Rules are compiled separately by [`crate::rules`] once
//! the questions are known.

mod builtin;
mod extra;
mod model;
pub mod references;
mod rule_def;
mod settings;

use std::collections::HashMap;
use std::path::Path;

use anyhow::Result;

pub use builtin::{BUILTIN, Builtin, DEFAULT_CHECKLIST, find_builtin};
pub use extra::condition_questions;
pub use model::*;
pub use rule_def::{ConditionDef, RuleDef, RulesFile};

use crate::diag::{Code, Diagnostic};
use crate::path;
use crate::source::SourceFile;
use crate::yaml;

/// Most questions one checklist (or one combination of checklists) may hold.
pub const MAX_QUESTIONS: usize = 1_000_000;

/// A checklist as loaded, with the source it came from.
#[derive(Debug)]
pub struct Loaded {
    pub checklist: Checklist,
}

impl Loaded {
    /// The file the checklist was read from, which the checklist keeps (one copy: a large
    /// checklist is tens of megabytes).
    pub fn source(&self) -> &SourceFile {
        &self.checklist.sources[0]
    }

    /// The source, taken back from the checklist (a loaded checklist has exactly one).
    pub fn into_source(mut self) -> SourceFile {
        self.checklist.sources.swap_remove(0)
    }
}

/// Why a checklist could not be used.
#[derive(Debug)]
pub enum LoadError {
    /// The file could not be read at all (missing, unreadable, not UTF-8).
    Io(anyhow::Error),
    /// The file was read but is not a valid checklist; diagnostics are resolved.
    Invalid {
        source: Box<SourceFile>,
        diagnostics: Vec<Diagnostic>,
    },
}

impl From<anyhow::Error> for LoadError {
    fn from(err: anyhow::Error) -> Self {
        LoadError::Io(err)
    }
}

/// Where a checklist comes from, as a user wrote it: `id`, `id@version`, or a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Spec {
    Builtin { id: String, version: Option<String> },
    Path(std::path::PathBuf),
}

impl Spec {
    /// A spec that looks like a path (has a separator or a YAML extension) is a path;
    /// anything else is a built-in id.
    pub fn parse(text: &str) -> Spec {
        let looks_like_path = text.contains('/')
            || text.contains('\\')
            || Path::new(text)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
        if looks_like_path {
            return Spec::Path(text.into());
        }
        match text.split_once('@') {
            Some((id, version)) => Spec::Builtin {
                id: id.to_owned(),
                version: Some(version.to_owned()),
            },
            None => Spec::Builtin {
                id: text.to_owned(),
                version: None,
            },
        }
    }
}

impl std::fmt::Display for Spec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Spec::Builtin {
                id,
                version: Some(v),
            } => write!(f, "{id}@{v}"),
            Spec::Builtin { id, version: None } => f.write_str(id),
            Spec::Path(path) => write!(f, "{}", path.display()),
        }
    }
}

/// Loads the checklist a spec names. `base` resolves relative paths (the answer file's
/// folder when the spec comes from inside an answer file).
pub fn load(spec: &Spec, base: Option<&Path>) -> Result<Loaded, LoadError> {
    match spec {
        Spec::Builtin { id, version } => {
            let builtin = find_builtin(id).ok_or_else(|| {
                LoadError::Io(anyhow::anyhow!(
                    "unknown checklist `{id}`; built-in checklists are: {}{}",
                    builtin_ids(),
                    crate::diag::did_you_mean(id, BUILTIN.iter().map(|b| b.id))
                        .map(|m| format!(" (did you mean `{m}`?)"))
                        .unwrap_or_default()
                ))
            })?;
            let loaded = parse_builtin(builtin)?;
            if let Some(version) = version
                && *version != loaded.checklist.version
            {
                return Err(LoadError::Io(anyhow::anyhow!(
                    "checklist `{id}` is built in at version {}, not {version}",
                    loaded.checklist.version
                )));
            }
            Ok(loaded)
        }
        Spec::Path(path) => {
            let full = match base {
                Some(base) if path.is_relative() => base.join(path),
                _ => path.clone(),
            };
            // `./x.yaml` inside `dir/` is shown as `dir/x.yaml`, not `dir/./x.yaml`.
            let full: std::path::PathBuf = full
                .components()
                .filter(|c| !matches!(c, std::path::Component::CurDir))
                .collect();
            parse(SourceFile::read(&full)?)
        }
    }
}

/// Comma-separated ids of the built-in checklists.
pub fn builtin_ids() -> String {
    BUILTIN.iter().map(|b| b.id).collect::<Vec<_>>().join(", ")
}

/// Parses and checks a checklist's text.
/// Loads a built-in checklist from its JSON form, with its YAML as the source. Should the
/// JSON not check out (it always does; a test loads every built-in), the YAML is parsed
/// instead so that diagnostics point into it.
fn parse_builtin(builtin: &Builtin) -> Result<Loaded, LoadError> {
    let source = SourceFile::embedded(
        &format!("<builtin>/{}.yaml", builtin.id),
        builtin.text,
        builtin.sha256,
    );
    match serde_json::from_str::<ChecklistFile>(builtin.json) {
        Ok(file) if !check(&file).iter().any(Diagnostic::is_error) => Ok(finish(file, source)),
        _ => parse(source),
    }
}

pub fn parse(source: SourceFile) -> Result<Loaded, LoadError> {
    let file: ChecklistFile = match yaml::from_str(&source.text) {
        Ok(file) => file,
        Err(err) => {
            let mut diagnostic = Diagnostic::from_yaml("not a valid checklist", &err);
            if err.message.contains("floating point") || err.message.contains("integer") {
                diagnostic = diagnostic
                    .help("quote numbers that are meant as text, for example version: \"1.0\"");
            }
            return Err(invalid(source, vec![diagnostic]));
        }
    };
    let mut diagnostics = check(&file);
    if diagnostics.iter().any(Diagnostic::is_error) {
        crate::diag::resolve(&source, &mut diagnostics);
        return Err(LoadError::Invalid {
            source: Box::new(source),
            diagnostics,
        });
    }
    Ok(finish(file, source))
}

/// Builds the checklist from a checked file. Its rules are data here; `rules` compiles them.
fn finish(file: ChecklistFile, source: SourceFile) -> Loaded {
    let sha256 = source.sha256();
    let checklist = Checklist::from_file(file, source, sha256);
    Loaded { checklist }
}

fn invalid(source: SourceFile, mut diagnostics: Vec<Diagnostic>) -> LoadError {
    crate::diag::resolve(&source, &mut diagnostics);
    LoadError::Invalid {
        source: Box::new(source),
        diagnostics,
    }
}

/// Whether an id is lower-case kebab-case (letters, digits, `-`, `.`, `_`).
pub fn is_valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '.' | '_'))
        && id.len() <= 128
}

/// The checks types cannot express. Errors only; style belongs to `airisk lint`.
fn check(file: &ChecklistFile) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if !is_valid_id(&file.id) {
        out.push(
            Diagnostic::error(
                Code::InvalidId,
                format!("checklist id `{}` is not lower-case kebab-case", file.id),
            )
            .at(path!["id"])
            .help("use letters, digits and dashes, for example ai-risk-control"),
        );
    }
    if file.version.trim().is_empty() {
        out.push(
            Diagnostic::error(Code::MissingField, "the checklist version is empty")
                .at(path!["version"]),
        );
    }
    if file.sections.is_empty() {
        out.push(
            Diagnostic::error(Code::MissingField, "the checklist has no sections")
                .at(path!["sections"]),
        );
    }
    let total: usize = file.sections.iter().map(|s| s.questions.len()).sum();
    if total > MAX_QUESTIONS {
        out.push(
            Diagnostic::error(
                Code::LimitExceeded,
                format!(
                    "the checklist has {total} questions, more than the limit of {MAX_QUESTIONS}"
                ),
            )
            .at(path!["sections"]),
        );
        return out;
    }
    extra::check_extras(file, &mut out);
    let mut sections: HashMap<&str, usize> = HashMap::new();
    let mut questions: HashMap<&str, (usize, usize)> = HashMap::with_capacity(total);
    for (si, section) in file.sections.iter().enumerate() {
        if !is_valid_id(&section.id) {
            out.push(
                Diagnostic::error(
                    Code::InvalidId,
                    format!("section id `{}` is not lower-case kebab-case", section.id),
                )
                .at(path!["sections", si, "id"]),
            );
        }
        if let Some(first) = sections.insert(&section.id, si) {
            out.push(
                Diagnostic::error(
                    Code::DuplicateId,
                    format!("section id `{}` is used twice", section.id),
                )
                .at(path!["sections", si, "id"])
                .help(format!(
                    "section {} already has this id; give each section its own",
                    first + 1
                )),
            );
        }
        if section.questions.is_empty() {
            out.push(
                Diagnostic::error(
                    Code::MissingField,
                    format!("section `{}` has no questions", section.id),
                )
                .at(path!["sections", si]),
            );
        }
        for (qi, question) in section.questions.iter().enumerate() {
            if !is_valid_id(&question.id) {
                out.push(
                    Diagnostic::error(
                        Code::InvalidId,
                        format!("question id `{}` is not lower-case kebab-case", question.id),
                    )
                    .at(path!["sections", si, "questions", qi, "id"])
                    .help("use letters, digits and dashes, for example data-provenance"),
                );
            }
            if let Some((fs, fq)) = questions.insert(&question.id, (si, qi)) {
                out.push(
                    Diagnostic::error(
                        Code::DuplicateId,
                        format!("question id `{}` is used twice", question.id),
                    )
                    .at(path!["sections", si, "questions", qi, "id"])
                    .question(&question.id)
                    .help(format!(
                        "question {} of section `{}` already has this id",
                        fq + 1,
                        file.sections[fs].id
                    )),
                );
            }
            if !question.written.severity && file.defaults.severity.is_none() {
                out.push(
                    Diagnostic::error(
                        Code::MissingField,
                        format!("question `{}` has no severity", question.id),
                    )
                    .at(path!["sections", si, "questions", qi])
                    .question(&question.id)
                    .help("add `severity: low|medium|high|critical`, or one for every question under `defaults:`"),
                );
            }
            if question.question.trim().is_empty() {
                out.push(
                    Diagnostic::error(Code::EmptyText, "the question text is empty")
                        .at(path!["sections", si, "questions", qi, "question"])
                        .question(&question.id),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> Result<Loaded, LoadError> {
        parse(SourceFile::from_string("c.yaml", text.to_owned()))
    }

    fn diagnostics(result: Result<Loaded, LoadError>) -> Vec<Diagnostic> {
        match result {
            Err(LoadError::Invalid { diagnostics, .. }) => diagnostics,
            Err(LoadError::Io(e)) => panic!("io error {e}"),
            Ok(_) => panic!("loaded"),
        }
    }

    const MINIMAL: &str = "id: c\nversion: \"1\"\ntitle: T\nsections:\n  - id: s\n    title: S\n    questions:\n      - id: q1\n        question: Q?\n        guidance: G\n        severity: high\n";

    #[test]
    fn a_large_checklist_carries_its_own_sha256() {
        for n in [40, 2_500] {
            let text = crate::synth::generate(n, 7).checklist;
            let loaded = parse(SourceFile::from_string("c.yaml", text)).unwrap();
            assert_eq!(loaded.checklist.parts[0].sha256, loaded.source().sha256());
            assert_eq!(loaded.checklist.parts[0].sha256.len(), 64);
        }
    }

    #[test]
    fn builtin_json_and_yaml_give_the_same_checklist() {
        for builtin in BUILTIN {
            let from_json: ChecklistFile = serde_json::from_str(builtin.json).unwrap();
            assert!(check(&from_json).is_empty(), "{}", builtin.id);
            let from_yaml = parse(SourceFile::from_string("y", builtin.text.to_owned()))
                .unwrap()
                .checklist;
            let from_json = finish(
                from_json,
                SourceFile::embedded("y", builtin.text, builtin.sha256),
            )
            .checklist;
            assert_eq!(
                format!("{:?}", from_json.sections),
                format!("{:?}", from_yaml.sections),
                "{}",
                builtin.id
            );
            assert_eq!(
                format!("{:?}", from_json.rules),
                format!("{:?}", from_yaml.rules),
                "{}",
                builtin.id
            );
            assert_eq!(
                from_json.parts[0].sha256, from_yaml.parts[0].sha256,
                "the hash made at build time is the YAML's"
            );
        }
    }

    #[test]
    fn every_builtin_checklist_loads() {
        for builtin in BUILTIN {
            let spec = Spec::parse(builtin.id);
            let loaded = load(&spec, None).unwrap_or_else(|e| panic!("{}: {e:?}", builtin.id));
            assert_eq!(loaded.checklist.id, builtin.id);
        }
    }

    #[test]
    fn minimal_checklist_gets_defaults() {
        let loaded = load_text(MINIMAL).unwrap();
        let q = &loaded.checklist.sections[0].questions[0];
        assert!(q.na_allowed);
        assert_eq!(q.min_elaboration, DEFAULT_MIN_ELABORATION);
        assert_eq!(
            loaded.checklist.question("q1").map(|q| q.severity),
            Some(Severity::High)
        );
    }

    #[test]
    fn unknown_key_is_an_error_with_position() {
        let text = MINIMAL.replace("severity: high", "severity: high\n        severty: low");
        let d = diagnostics(load_text(&text));
        assert_eq!(d[0].code, Code::YamlSyntax);
        assert!(d[0].message.contains("severty"), "{}", d[0].message);
        assert_eq!(d[0].line, Some(12));
    }

    #[test]
    fn unknown_severity_is_an_error_with_position() {
        let text = MINIMAL.replace("severity: high", "severity: severe");
        let d = diagnostics(load_text(&text));
        assert!(d[0].message.contains("severe"), "{}", d[0].message);
        assert_eq!(d[0].line, Some(11));
    }

    #[test]
    fn duplicate_question_ids_are_reported_at_the_second() {
        let text = MINIMAL.to_owned()
            + "      - id: q1\n        question: again\n        guidance: G\n        severity: low\n";
        let d = diagnostics(load_text(&text));
        assert_eq!(d[0].code, Code::DuplicateId);
        assert_eq!((d[0].line, d[0].column), (Some(12), Some(13)));
    }

    #[test]
    fn applies_if_cycles_of_any_length_are_refused_and_chains_load() {
        let question = |id: &str, on: &str| {
            format!(
                "      - {{ id: {id}, question: Q?, severity: low, applies-if: {{ question: {on}, answer: [Y] }} }}\n"
            )
        };
        let head = "id: c\nversion: \"1\"\ntitle: T\nsections:\n  - id: s\n    title: S\n    questions:\n      - { id: root, question: Q?, severity: low }\n";
        let chain = format!(
            "{head}{}{}{}",
            question("a", "root"),
            question("b", "a"),
            question("c", "b")
        );
        assert!(load_text(&chain).is_ok());
        let cycle = format!(
            "{head}{}{}{}",
            question("a", "c"),
            question("b", "a"),
            question("c", "b")
        );
        let d = diagnostics(load_text(&cycle));
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].code, Code::InvalidCondition);
        assert!(
            d[0].message.contains("depends on itself"),
            "{}",
            d[0].message
        );
    }

    #[test]
    fn unquoted_numeric_version_keeps_its_text() {
        let loaded = load_text(&MINIMAL.replace("\"1\"", "1.10")).unwrap();
        assert_eq!(loaded.checklist.version, "1.10");
    }

    #[test]
    fn spec_parsing_distinguishes_paths_and_ids() {
        assert_eq!(
            Spec::parse("ai-risk-control@1.0"),
            Spec::Builtin {
                id: "ai-risk-control".into(),
                version: Some("1.0".into())
            }
        );
        assert_eq!(Spec::parse("mine.yaml"), Spec::Path("mine.yaml".into()));
        assert_eq!(Spec::parse("./x"), Spec::Path("./x".into()));
    }

    #[test]
    fn unknown_builtin_lists_the_known_ones() {
        let Err(LoadError::Io(e)) = load(&Spec::parse("ai-risk-contrl"), None) else {
            panic!()
        };
        let text = e.to_string();
        assert!(
            text.contains("ai-risk-control") && text.contains("did you mean"),
            "{text}"
        );
    }

    #[test]
    fn wrong_builtin_version_names_both() {
        let Err(LoadError::Io(e)) = load(&Spec::parse("ai-risk-control@9.9"), None) else {
            panic!()
        };
        assert!(
            e.to_string().contains("9.9") && e.to_string().contains("1.0"),
            "{e}"
        );
    }
}
