//! The pipeline shared by the commands that read answer files: read the file, parse it,
//! choose and load its checklist (once per run, whatever the number of files), validate,
//! compile any extra rules and assess. Nothing here prints: the commands decide how.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use anyhow::Result;

use crate::answers::AnswerFile;
use crate::answers::Responses;
use crate::assess::{self, Assessment};
use crate::checklist::{self, Checklist, LoadError, Spec};
use crate::diag::{self, Diagnostic};
use crate::rules::{self, RuleSet, RuleSource};
use crate::source::SourceFile;
use crate::validate;
use crate::yaml;

/// Checklists loaded so far, by what named them: many answer files share one. Shared by
/// the workers of `validate`; a checklist is loaded once, under the lock.
#[derive(Default)]
pub struct ChecklistCache {
    loaded: Mutex<HashMap<CacheKey, Compiled>>,
}

/// A checklist with its rules compiled, shared by every file that names it.
type Compiled = (Arc<Checklist>, Arc<RuleSet>);

/// The checklists named, and the folder relative paths among them are resolved against.
type CacheKey = (Vec<String>, Option<PathBuf>);

/// An answer file, parsed, with the checklist it is checked against.
pub struct Prepared {
    pub source: SourceFile,
    pub file: AnswerFile,
    /// What the file's `checklist:` names.
    pub named: Vec<Spec>,
    pub checklist: Arc<Checklist>,
    /// The checklist's own rules, compiled.
    pub rules: Arc<RuleSet>,
}

/// Why an answer file could not be checked at all (exit 2).
pub enum Unusable {
    /// A one-line error.
    Message(String),
    /// Diagnostics about a file (the answer file's YAML syntax, an invalid checklist).
    Diagnostics(Box<SourceFile>, Vec<Diagnostic>),
}

/// Reads and parses an answer file and loads its checklist: the one of `overrides`
/// (`--checklist`) if any, else the one the file names, else the default.
pub fn prepare(
    path: &Path,
    overrides: &[String],
    cache: &ChecklistCache,
) -> Result<Prepared, Unusable> {
    let source = SourceFile::read(path).map_err(|e| Unusable::Message(format!("{e:#}")))?;
    let file: AnswerFile = match yaml::from_str(&source.text) {
        Ok(file) => file,
        Err(err) => {
            let d =
                Diagnostic::from_yaml("invalid YAML", &err)
                    .help(validate::syntax_hint(&source.text, &err).unwrap_or(
                        "fix the syntax first; `airisk init` shows the expected layout",
                    ));
            let mut diagnostics = vec![d];
            diag::resolve(&source, &mut diagnostics);
            return Err(Unusable::Diagnostics(Box::new(source), diagnostics));
        }
    };
    let named = match validate::named_checklists(&file) {
        Ok(named) => named,
        // The override decides; the field's problem is still reported by validate.
        Err(_) if !overrides.is_empty() => Vec::new(),
        Err(d) => {
            let mut diagnostics = vec![*d];
            diag::resolve(&source, &mut diagnostics);
            return Err(Unusable::Diagnostics(Box::new(source), diagnostics));
        }
    };
    let choice = Choice::new(&named, overrides, &source);
    let (checklist, rules) = load_checklist(&choice, &source.name, cache)?;
    Ok(Prepared {
        source,
        file,
        named,
        checklist,
        rules,
    })
}

/// Which checklist an answer file is checked against, and where relative paths start.
struct Choice {
    specs: Vec<Spec>,
    /// Named by the answer file, hence untrusted (see [`crate::checklist_paths`]).
    from_file: bool,
    base: Option<PathBuf>,
}

impl Choice {
    fn new(named: &[Spec], overrides: &[String], source: &SourceFile) -> Choice {
        if !overrides.is_empty() {
            let specs = overrides.iter().map(|s| Spec::parse(s)).collect();
            return Choice {
                specs,
                from_file: false,
                base: None,
            };
        }
        if named.is_empty() {
            return Choice {
                specs: vec![Spec::parse(checklist::DEFAULT_CHECKLIST)],
                from_file: false,
                base: None,
            };
        }
        Choice {
            specs: named.to_vec(),
            from_file: true,
            base: source.base_dir().map(Path::to_path_buf),
        }
    }

    fn key(&self) -> CacheKey {
        (
            self.specs.iter().map(ToString::to_string).collect(),
            self.base.clone(),
        )
    }
}

/// The checklist of a [`Choice`] with its rules compiled, from the cache or loaded into
/// it. `name` is the answer file's, for messages about a checklist it named.
fn load_checklist(
    choice: &Choice,
    name: &str,
    cache: &ChecklistCache,
) -> Result<Compiled, Unusable> {
    let mut loaded = cache.loaded.lock().unwrap_or_else(PoisonError::into_inner);
    let key = choice.key();
    if let Some((c, r)) = loaded.get(&key) {
        return Ok((Arc::clone(c), Arc::clone(r)));
    }
    let mut parts = Vec::new();
    for spec in &choice.specs {
        if choice.from_file {
            crate::checklist_paths::check_named(spec, choice.base.as_deref())
                .map_err(|m| Unusable::Message(format!("{name}: {m}")))?;
        }
        match checklist::load(spec, choice.base.as_deref()).and_then(RuleSet::of_loaded) {
            Ok(part) => parts.push(part),
            Err(LoadError::Io(err)) if choice.from_file => {
                return Err(Unusable::Message(format!("{name}: {err:#}")));
            }
            Err(LoadError::Io(err)) => return Err(Unusable::Message(format!("{err:#}"))),
            // A checklist named inside an answer file is untrusted: say that it is
            // invalid, never print its contents.
            Err(LoadError::Invalid { source: cl, .. }) if choice.from_file => {
                return Err(Unusable::Message(format!(
                    "{name}: checklist {} is not a valid checklist (check it with `airisk lint`)",
                    cl.name
                )));
            }
            Err(LoadError::Invalid {
                source: cl,
                diagnostics,
            }) => return Err(Unusable::Diagnostics(cl, diagnostics)),
        }
    }
    let (checklist, mut rules) = if parts.len() == 1 {
        parts.remove(0)
    } else {
        let combined = Checklist::combine(parts.into_iter().map(|(c, _)| c).collect())
            .map_err(Unusable::Message)?;
        let rules = RuleSet::of_combined(&combined).map_err(Unusable::Message)?;
        (combined, rules)
    };
    if choice.from_file {
        rules::budget::mark_untrusted(&checklist, &mut rules)
            .map_err(|m| Unusable::Message(format!("{name}: {m}")))?;
    }
    let pair = (Arc::new(checklist), Arc::new(rules));
    loaded.insert(key, pair.clone());
    Ok(pair)
}

/// Validates a prepared file: its diagnostics, resolved against it, and the responses
/// when there is no error.
pub fn check(prepared: &Prepared) -> (Vec<Diagnostic>, Option<Responses>) {
    let (mut diagnostics, responses) = validate::validate(
        &prepared.file,
        &prepared.checklist,
        &prepared.named,
        prepared.source.base_dir(),
    );
    diagnostics.extend(validate::comments_in_elaborations(
        &prepared.source.text,
        &prepared.file,
    ));
    diag::resolve(&prepared.source, &mut diagnostics);
    (diagnostics, responses)
}

/// [`check`] for an assessment: when there are diagnostics to place, the answer keys that
/// findings point at are found in the same pass over the file.
pub fn check_for_assessment(
    prepared: &Prepared,
) -> (
    Vec<Diagnostic>,
    Option<Responses>,
    Option<assess::AnswerKeys>,
) {
    let (mut diagnostics, responses) = validate::validate(
        &prepared.file,
        &prepared.checklist,
        &prepared.named,
        prepared.source.base_dir(),
    );
    diagnostics.extend(validate::comments_in_elaborations(
        &prepared.source.text,
        &prepared.file,
    ));
    if diagnostics.is_empty() {
        return (diagnostics, responses, None);
    }
    let paths = assess::answer_key_paths(&prepared.checklist);
    let found = diag::resolve_with(&prepared.source, &mut diagnostics, &paths);
    let keys = assess::answer_keys(&prepared.checklist, &found);
    (diagnostics, responses, Some(keys))
}

/// Why `--rules` files could not be used.
pub enum RulesError {
    /// A file could not be read.
    Io(anyhow::Error),
    /// A file is not YAML of the rules file's shape.
    Syntax(Box<SourceFile>, Vec<Diagnostic>),
    /// The rules do not compile against the checklist.
    Invalid(Vec<SourceFile>, Vec<Diagnostic>),
}

/// Reads and compiles `--rules` files against a checklist whose own rules are `taken`.
pub fn extra_rules(
    paths: &[PathBuf],
    checklist: &Checklist,
    taken: &RuleSet,
) -> Result<(Vec<SourceFile>, RuleSet), RulesError> {
    let mut sources = Vec::new();
    let mut files = Vec::new();
    for path in paths {
        let source = SourceFile::read(path).map_err(RulesError::Io)?;
        let file: checklist::RulesFile = match yaml::from_str(&source.text) {
            Ok(file) => file,
            Err(err) => {
                let mut diagnostics = vec![Diagnostic::from_yaml("not a valid rules file", &err)];
                diag::resolve(&source, &mut diagnostics);
                return Err(RulesError::Syntax(Box::new(source), diagnostics));
            }
        };
        sources.push(source);
        files.push(file);
    }
    let rule_sources: Vec<RuleSource<'_>> = sources
        .iter()
        .zip(&files)
        .map(|(source, file)| RuleSource {
            source,
            rules: &file.rules,
            first_index: 0,
        })
        .collect();
    match rules::compile(checklist, &rule_sources, taken) {
        Ok(set) => Ok((sources, set)),
        Err(diagnostics) => Err(RulesError::Invalid(sources, diagnostics)),
    }
}

/// Everything needed to assess one answer file: valid answers and the rules to run.
pub struct Evaluated {
    pub prepared: Prepared,
    pub responses: Responses,
    pub rules_files: Vec<SourceFile>,
    /// The rules with `--rules` files added; `None` when the checklist's own are enough.
    pub ruleset: Option<RuleSet>,
    /// Validation's warnings, which the assessment carries.
    pub warnings: Vec<Diagnostic>,
    /// The answer keys' positions, when placing the warnings found them already.
    pub answer_keys: Option<assess::AnswerKeys>,
}

impl Evaluated {
    /// The files read for this assessment (answers, `--rules` files, the checklist's),
    /// which an output file must never replace.
    pub fn input_paths(&self, rules_paths: &[PathBuf]) -> Vec<PathBuf> {
        let answers = self.prepared.source.path.iter().cloned();
        let checklists = self.prepared.checklist.sources.iter();
        answers
            .chain(rules_paths.iter().cloned())
            .chain(checklists.filter_map(|s| s.path.clone()))
            .collect()
    }
}

/// Runs the rules and rates the risk.
pub fn assess(e: &Evaluated) -> Result<Assessment<'_>> {
    let rules = e.ruleset.as_ref().unwrap_or(&e.prepared.rules);
    rules::budget::work(rules, &e.responses.by_ordinal)
        .map_err(|m| anyhow::anyhow!("{}: {m}", e.prepared.source.name))?;
    Ok(assess::assess(assess::Inputs {
        checklist: &e.prepared.checklist,
        rules,
        responses: &e.responses,
        answers: &e.prepared.source,
        rules_files: &e.rules_files,
        warnings: e.warnings.clone(),
        date: assess::assessment_date()?,
        answer_keys: e.answer_keys.as_ref(),
    }))
}
