//! The rule language: declarative conditions on answers that produce findings.
//!
//! Rules are written as [`RuleDef`] (serde, strict), compiled once into [`RuleSet`]
//! (question ids resolved to indices, regexes built) and then evaluated against the
//! responses. Compilation collects every problem with its document path; the syntax is
//! documented in `docs/rules.md`.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use regex::{Regex, RegexBuilder};
use regex_automata::meta;
use serde::{Deserialize, Serialize};

use crate::checklist::{Checklist, QuestionRef, Severity};
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::source::SourceFile;
use crate::validate::{AnswerValue, Implementation, Response, is_placeholder};
use crate::yaml::{DocPath, Seg};

mod prefilter;
mod scope;
pub mod stored;

pub use prefilter::Prefilter;

/// Longest regular expression accepted in a rule.
pub const MAX_REGEX_LENGTH: usize = 1_000;
/// Largest compiled regular expression, in bytes.
pub const MAX_REGEX_SIZE: usize = 1 << 20;
/// Deepest nesting of `all` / `any` / `not`.
pub const MAX_CONDITION_DEPTH: usize = 32;
/// Most rules in one assessment (checklist plus every rules file).
pub const MAX_RULES: usize = 1_000_000;

/// A rule as written.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RuleDef {
    pub id: String,
    pub when: ConditionDef,
    #[serde(default)]
    pub severity: Option<Severity>,
    #[serde(default)]
    pub question: Option<String>,
    pub finding: String,
    pub recommendation: String,
    #[serde(default)]
    pub references: Vec<String>,
}

/// A condition as written: either a test on `question`, or one combinator.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConditionDef {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all: Option<Vec<ConditionDef>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub any: Option<Vec<ConditionDef>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not: Option<Box<ConditionDef>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<Vec<AnswerValue>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elaboration_missing: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elaboration_shorter_than: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elaboration_placeholder: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elaboration_matches: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elaboration_not_matches: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ignore_case: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence_missing: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub implementation: Option<Vec<Implementation>>,
}

/// An extra rules file given with `--rules`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RulesFile {
    pub rules: Vec<RuleDef>,
}

/// One check of a test.
#[derive(Debug, Clone)]
pub enum Check {
    /// Bit set of accepted answers (Y = 1, N = 2, NA = 4).
    AnswerIn(u8),
    ElaborationMissing,
    ElaborationShorterThan(usize),
    ElaborationPlaceholder,
    Matches(Pattern),
    NotMatches(Pattern),
    EvidenceMissing,
    /// Bit set: manual = 1, automated = 2.
    ImplementationIn(u8),
}

/// A compiled condition.
#[derive(Debug, Clone)]
pub enum Condition {
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
    Test { ordinal: usize, checks: Vec<Check> },
}

/// A compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub condition: Condition,
    pub severity: Severity,
    /// The question the finding is attached to.
    pub anchor: QuestionRef,
    pub finding: String,
    pub recommendation: String,
    pub references: Vec<String>,
    /// Where the rule was written: a checklist part or a rules file (one copy per file).
    pub origin: Arc<str>,
}

/// Every rule of an assessment, with an index from question to the rules naming it.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    /// For each question ordinal, the rules whose condition names it.
    pub by_question: Vec<Vec<usize>>,
}

/// Rules from one place, with the document path prefix of its `rules:` list.
pub struct RuleSource<'a> {
    pub source: &'a SourceFile,
    pub rules: &'a [RuleDef],
    /// Index of each rule in the file's `rules:` list (they may be a slice of a larger list).
    pub first_index: usize,
}

fn bit(answer: AnswerValue) -> u8 {
    match answer {
        AnswerValue::Y => 1,
        AnswerValue::N => 2,
        AnswerValue::NA => 4,
    }
}

fn implementation_bit(implementation: Implementation) -> u8 {
    match implementation {
        Implementation::Manual => 1,
        Implementation::Automated => 2,
    }
}

/// Compiles rules from several sources. Returns the rule set, or every diagnostic, each
/// resolved against its own file.
pub fn compile(
    checklist: &Checklist,
    sources: &[RuleSource<'_>],
    taken: &RuleSet,
) -> Result<RuleSet, Vec<Diagnostic>> {
    let total: usize = sources.iter().map(|s| s.rules.len()).sum();
    if total > MAX_RULES {
        return Err(vec![Diagnostic::error(
            Code::LimitExceeded,
            format!("{total} rules is more than the limit of {MAX_RULES}"),
        )]);
    }
    let mut all_diagnostics = Vec::new();
    let mut set = RuleSet {
        rules: Vec::with_capacity(total),
        by_question: vec![Vec::new(); checklist.question_count()],
    };
    // Borrowed keys and origins: a large checklist has tens of thousands of rules.
    let mut ids: HashMap<&str, &str> = taken
        .rules
        .iter()
        .map(|r| (r.id.as_str(), &*r.origin))
        .collect();
    let mut regexes: HashMap<(&str, bool), Pattern> = HashMap::new();
    for rs in sources {
        let mut diagnostics = Vec::new();
        let origin: Arc<str> = Arc::from(rs.source.name.as_str());
        for (offset, def) in rs.rules.iter().enumerate() {
            let index = rs.first_index + offset;
            let at = |rest: &[Seg]| -> DocPath {
                let mut path = vec![Seg::Key("rules".into()), Seg::Index(index)];
                path.extend_from_slice(rest);
                path
            };
            if !crate::checklist::is_valid_id(&def.id) {
                diagnostics.push(
                    Diagnostic::error(
                        Code::InvalidId,
                        format!("rule id `{}` is not lower-case kebab-case", def.id),
                    )
                    .at(at(&[Seg::Key("id".into())])),
                );
            }
            if let Some(first) = ids.insert(&def.id, &rs.source.name) {
                diagnostics.push(
                    Diagnostic::error(
                        Code::DuplicateId,
                        format!("rule id `{}` is used twice", def.id),
                    )
                    .at(at(&[Seg::Key("id".into())]))
                    .help(format!(
                        "it is already defined in {first}; rule ids must be unique"
                    )),
                );
            }
            let mut compiler = Compiler {
                checklist,
                diagnostics: &mut diagnostics,
                regexes: &mut regexes,
                trusted: rs.source.is_embedded(),
                first_question: None,
                named: Vec::new(),
            };
            let condition = compiler.condition(&def.when, at(&[Seg::Key("when".into())]), 0);
            let first_question = compiler.first_question;
            let named = std::mem::take(&mut compiler.named);
            let anchor = match &def.question {
                Some(id) => {
                    let found = checklist.lookup(id);
                    if found.is_none() {
                        diagnostics.push(unknown_question(
                            checklist,
                            id,
                            at(&[Seg::Key("question".into())]),
                        ));
                    }
                    found
                }
                None => first_question,
            };
            for (field, text) in [
                ("finding", &def.finding),
                ("recommendation", &def.recommendation),
            ] {
                if text.trim().is_empty() {
                    diagnostics.push(
                        Diagnostic::error(Code::EmptyText, format!("the rule's {field} is empty"))
                            .at(at(&[Seg::Key(field.into())])),
                    );
                }
            }
            if let (Some(condition), Some(anchor)) = (condition, anchor) {
                let severity = def.severity.unwrap_or(checklist.get(anchor).severity);
                let rule_index = set.rules.len();
                let mut named = named;
                named.sort_unstable();
                named.dedup();
                for ordinal in named {
                    set.by_question[ordinal].push(rule_index);
                }
                set.rules.push(Rule {
                    id: def.id.clone(),
                    condition,
                    severity,
                    anchor,
                    finding: def.finding.clone(),
                    recommendation: def.recommendation.clone(),
                    references: def.references.clone(),
                    origin: Arc::clone(&origin),
                });
            }
        }
        crate::diag::resolve(rs.source, &mut diagnostics);
        all_diagnostics.extend(diagnostics);
    }
    if all_diagnostics.is_empty() {
        Ok(set)
    } else {
        Err(all_diagnostics)
    }
}

fn unknown_question(checklist: &Checklist, id: &str, at: DocPath) -> Diagnostic {
    let d = Diagnostic::error(
        Code::InvalidRule,
        format!("the rule names an unknown question `{id}`"),
    )
    .at(at);
    match did_you_mean(id, checklist.question_ids()) {
        Some(near) => d.help(format!("did you mean `{near}`?")),
        None => d.help("use the id of a question of the checklist (`airisk show`)"),
    }
}

struct Compiler<'a, 'd> {
    checklist: &'a Checklist,
    diagnostics: &'d mut Vec<Diagnostic>,
    /// Compiled patterns by (pattern, ignore-case): large checklists repeat a few patterns.
    regexes: &'d mut HashMap<(&'a str, bool), Pattern>,
    /// Rules built into the binary, whose patterns the tests check.
    trusted: bool,
    first_question: Option<QuestionRef>,
    named: Vec<usize>,
}

impl<'a> Compiler<'a, '_> {
    fn condition(&mut self, def: &'a ConditionDef, at: DocPath, depth: usize) -> Option<Condition> {
        if depth > MAX_CONDITION_DEPTH {
            self.diagnostics.push(
                Diagnostic::error(
                    Code::LimitExceeded,
                    format!("conditions nest deeper than {MAX_CONDITION_DEPTH} levels"),
                )
                .at(at),
            );
            return None;
        }
        let combinators = usize::from(def.all.is_some())
            + usize::from(def.any.is_some())
            + usize::from(def.not.is_some());
        let has_test = def.question.is_some() || has_checks(def);
        if combinators > 1 || (combinators == 1 && has_test) {
            self.diagnostics.push(
                Diagnostic::error(
                    Code::InvalidRule,
                    "a condition is either a test on one question or one of all / any / not",
                )
                .at(at)
                .help("nest the parts: `all: [ {question: a, answer: [N]}, {any: [...]} ]`"),
            );
            return None;
        }
        let child = |key: &str, i: Option<usize>| {
            let mut path = at.clone();
            path.push(Seg::Key(key.to_owned()));
            if let Some(i) = i {
                path.push(Seg::Index(i));
            }
            path
        };
        if let Some(list) = def.all.as_ref().or(def.any.as_ref()) {
            let key = if def.all.is_some() { "all" } else { "any" };
            if list.is_empty() {
                self.diagnostics.push(
                    Diagnostic::error(Code::InvalidRule, format!("`{key}` has no conditions"))
                        .at(child(key, None)),
                );
                return None;
            }
            let parts: Vec<Option<Condition>> = list
                .iter()
                .enumerate()
                .map(|(i, c)| self.condition(c, child(key, Some(i)), depth + 1))
                .collect();
            let parts: Option<Vec<Condition>> = parts.into_iter().collect();
            return parts.map(|p| {
                if def.all.is_some() {
                    Condition::All(p)
                } else {
                    Condition::Any(p)
                }
            });
        }
        if let Some(inner) = &def.not {
            return self
                .condition(inner, child("not", None), depth + 1)
                .map(|c| Condition::Not(Box::new(c)));
        }
        let Some(id) = &def.question else {
            self.diagnostics.push(
                Diagnostic::error(Code::InvalidRule, "the condition names no question")
                    .at(at)
                    .help("add `question: <id>` and a check such as `answer: [N]`"),
            );
            return None;
        };
        let Some(qref) = self.checklist.lookup(id) else {
            self.diagnostics.push(unknown_question(
                self.checklist,
                id,
                child("question", None),
            ));
            return None;
        };
        self.first_question.get_or_insert(qref);
        self.named.push(qref.ordinal);
        let checks = self.checks(def, &at)?;
        if checks.is_empty() {
            self.diagnostics.push(
                Diagnostic::error(Code::InvalidRule, format!("the test on `{id}` has no check"))
                    .at(at)
                    .help("add a check such as `answer: [N]` or `elaboration-matches: \"...\"` (docs/rules.md)"),
            );
            return None;
        }
        Some(Condition::Test {
            ordinal: qref.ordinal,
            checks,
        })
    }

    fn checks(&mut self, def: &'a ConditionDef, at: &DocPath) -> Option<Vec<Check>> {
        let mut checks = Vec::new();
        let mut ok = true;
        if let Some(answers) = &def.answer {
            if answers.is_empty() {
                self.diagnostics.push(
                    Diagnostic::error(Code::InvalidRule, "`answer` lists no answers")
                        .at(field(at, "answer")),
                );
                ok = false;
            }
            checks.push(Check::AnswerIn(
                answers.iter().fold(0, |acc, a| acc | bit(*a)),
            ));
        }
        if def.elaboration_missing == Some(true) {
            checks.push(Check::ElaborationMissing);
        }
        if let Some(n) = def.elaboration_shorter_than {
            checks.push(Check::ElaborationShorterThan(n));
        }
        if def.elaboration_placeholder == Some(true) {
            checks.push(Check::ElaborationPlaceholder);
        }
        let ignore_case = def.ignore_case == Some(true);
        for (key, pattern, negate) in [
            ("elaboration-matches", &def.elaboration_matches, false),
            (
                "elaboration-not-matches",
                &def.elaboration_not_matches,
                true,
            ),
        ] {
            let Some(pattern) = pattern else { continue };
            let cache_key = (pattern.as_str(), ignore_case);
            let built = match self.regexes.get(&cache_key) {
                Some(re) => Ok(re.clone()),
                None if self.trusted => {
                    let re = Pattern::trusted(pattern, ignore_case);
                    self.regexes.insert(cache_key, re.clone());
                    Ok(re)
                }
                None => Pattern::new(pattern, ignore_case).inspect(|re| {
                    self.regexes.insert(cache_key, re.clone());
                }),
            };
            match built {
                Ok(re) => checks.push(if negate {
                    Check::NotMatches(re)
                } else {
                    Check::Matches(re)
                }),
                Err(message) => {
                    self.diagnostics.push(
                        Diagnostic::error(Code::InvalidRule, message)
                            .at(field(at, key))
                            .help("rules use the syntax of Rust's regex crate: no look-around or back-references"),
                    );
                    ok = false;
                }
            }
        }
        if def.evidence_missing == Some(true) {
            checks.push(Check::EvidenceMissing);
        }
        if let Some(kinds) = &def.implementation {
            checks.push(Check::ImplementationIn(
                kinds.iter().fold(0, |acc, k| acc | implementation_bit(*k)),
            ));
        }
        ok.then_some(checks)
    }
}

fn has_checks(def: &ConditionDef) -> bool {
    def.answer.is_some()
        || def.elaboration_missing.is_some()
        || def.elaboration_shorter_than.is_some()
        || def.elaboration_placeholder.is_some()
        || def.elaboration_matches.is_some()
        || def.elaboration_not_matches.is_some()
        || def.ignore_case.is_some()
        || def.evidence_missing.is_some()
        || def.implementation.is_some()
}

fn field(at: &DocPath, key: &str) -> DocPath {
    let mut path = at.clone();
    path.push(Seg::Key(key.to_owned()));
    path
}

/// Builds what a rule matches with: the engine behind `regex` (same syntax, same
/// matches, same limits and error messages as [`build_regex`]) configured for `is_match`
/// alone. Without capture groups, literal prefilters, the one-pass DFA and the
/// backtracker it compiles about three times faster (the 34 patterns of the default
/// checklist: 11 ms down to 3.5 ms); on elaborations of a few hundred characters the lazy
/// DFA needs no prefilter.
pub fn build_matcher(pattern: &str, ignore_case: bool) -> Result<meta::Regex, String> {
    matcher(
        pattern,
        regex_automata::util::syntax::Config::new().case_insensitive(ignore_case),
    )
}

/// [`build_matcher`] without Unicode: `\b` reads bytes and a case-insensitive letter
/// folds within ASCII. It answers as the pattern does on the texts the pattern's
/// [`Scope`](scope::Scope) covers, and compiles several times faster: case folding to
/// U+017F and U+212A and the UTF-8 classes go (0.43 against 0.08 ms for the largest
/// built-in pattern).
fn build_ascii_matcher(pattern: &str, ignore_case: bool) -> Result<meta::Regex, String> {
    matcher(
        pattern,
        regex_automata::util::syntax::Config::new()
            .case_insensitive(ignore_case)
            .unicode(false)
            .utf8(false),
    )
}

fn matcher(
    pattern: &str,
    syntax: regex_automata::util::syntax::Config,
) -> Result<meta::Regex, String> {
    if pattern.len() > MAX_REGEX_LENGTH {
        return Err(format!(
            "the regular expression has {} characters, more than the limit of {MAX_REGEX_LENGTH}",
            pattern.len()
        ));
    }
    let config = meta::Config::new()
        .which_captures(regex_automata::nfa::thompson::WhichCaptures::None)
        .nfa_size_limit(Some(MAX_REGEX_SIZE))
        .hybrid_cache_capacity(MAX_REGEX_SIZE)
        .auto_prefilter(false)
        .onepass(false)
        .backtrack(false);
    meta::Builder::new()
        .configure(config)
        .syntax(syntax)
        .build(pattern)
        .map_err(|err| {
            // Worded as `regex` words it, so both builders give the same diagnostics.
            let text = match (err.syntax_error(), err.size_limit()) {
                (Some(syntax), _) => syntax.to_string(),
                (None, Some(limit)) => {
                    format!("Compiled regex exceeds size limit of {limit} bytes.")
                }
                (None, None) => err.to_string(),
            };
            format!(
                "invalid regular expression: {}",
                text.lines().last().unwrap_or("")
            )
        })
}

/// Builds a rule regex within the size limits.
pub fn build_regex(pattern: &str, ignore_case: bool) -> Result<Regex, String> {
    if pattern.len() > MAX_REGEX_LENGTH {
        return Err(format!(
            "the regular expression has {} characters, more than the limit of {MAX_REGEX_LENGTH}",
            pattern.len()
        ));
    }
    RegexBuilder::new(pattern)
        .case_insensitive(ignore_case)
        .size_limit(MAX_REGEX_SIZE)
        .dfa_size_limit(MAX_REGEX_SIZE)
        .build()
        .map_err(|err| {
            format!(
                "invalid regular expression: {}",
                err.to_string().lines().last().unwrap_or("")
            )
        })
}

/// A rule's regular expression, shared by every rule that uses the same pattern (so one
/// search cache serves them all: clones of a `Regex` each build their own).
///
/// Compiling is most of what loading a checklist costs, so a pattern that is certainly
/// valid and small is compiled the first time a rule needs it; the others are compiled
/// when loaded, so every error is still reported there with its position. "Certainly":
/// the pattern parses, uses no Unicode property class (`\p{..}`), no `u` flag, no negated
/// or set-operation class, and its size estimate (see [`estimate`]) is within
/// [`LAZY_BUDGET`], which the tests show compiles well under [`MAX_REGEX_SIZE`].
#[derive(Debug, Clone)]
pub struct Pattern(Arc<PatternInner>);

#[derive(Debug)]
struct PatternInner {
    source: String,
    ignore_case: bool,
    /// The DFA `build.rs` stored for a built-in pattern, used on the texts it covers.
    stored: Option<&'static stored::Stored>,
    /// Literals that rule a text out without compiling (see [`Prefilter`]); found when
    /// the pattern is checked, or on first use for a built-in one.
    prefilter: OnceLock<Option<Prefilter>>,
    regex: OnceLock<Option<meta::Regex>>,
    /// The texts on which [`build_ascii_matcher`] answers; found on first need.
    scope: OnceLock<Option<scope::Scope>>,
    ascii: OnceLock<Option<meta::Regex>>,
}

/// Largest [`estimate`] of a pattern compiled on first use. A unit is at least a kilobyte
/// of compiled program, so this stays below [`MAX_REGEX_SIZE`] (the tests check the worst
/// cases).
pub const LAZY_BUDGET: u64 = 1024;

impl Pattern {
    /// Checks (and unless it is small, compiles) a rule's pattern.
    pub fn new(pattern: &str, ignore_case: bool) -> Result<Pattern, String> {
        let (prefilter, regex) = (OnceLock::new(), OnceLock::new());
        let ast = (pattern.len() <= MAX_REGEX_LENGTH)
            .then(|| regex_syntax::ast::parse::Parser::new().parse(pattern).ok())
            .flatten();
        match ast {
            Some(ast) if estimate(&ast).is_some_and(|size| size <= LAZY_BUDGET) => {
                let _ = prefilter.set(Prefilter::new(&ast));
            }
            _ => {
                let _ = regex.set(Some(build_matcher(pattern, ignore_case)?));
                let _ = prefilter.set(None);
            }
        }
        Ok(Pattern(Arc::new(PatternInner {
            source: pattern.to_owned(),
            ignore_case,
            stored: None,
            prefilter,
            regex,
            scope: OnceLock::new(),
            ascii: OnceLock::new(),
        })))
    }

    /// A pattern of a built-in checklist: the tests build every one of them, so nothing
    /// is parsed until a rule needs it, and most have a stored DFA.
    pub fn trusted(pattern: &str, ignore_case: bool) -> Pattern {
        Pattern(Arc::new(PatternInner {
            source: pattern.to_owned(),
            ignore_case,
            stored: stored::find(pattern, ignore_case),
            prefilter: OnceLock::new(),
            regex: OnceLock::new(),
            // Worked out by `build.rs`, as for every built-in pattern.
            scope: OnceLock::from(stored::scope(pattern, ignore_case)),
            ascii: OnceLock::new(),
        }))
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.0.source
    }

    /// Whether `build.rs` stored a DFA for it.
    pub fn is_stored(&self) -> bool {
        self.0.stored.is_some()
    }

    /// Whether it has been compiled yet, with Unicode (see [`Pattern::is_match`]).
    pub fn is_compiled(&self) -> bool {
        self.0.regex.get().is_some()
    }

    /// Whether it has been compiled without Unicode yet.
    #[cfg(test)]
    fn is_compiled_ascii(&self) -> bool {
        self.0.ascii.get().is_some()
    }

    /// The pattern compiled without Unicode, if `text` is one it answers for.
    fn ascii_for(&self, text: &str) -> Option<&meta::Regex> {
        let scope = self
            .0
            .scope
            .get_or_init(|| scope::Scope::of(&self.0.source, self.0.ignore_case));
        if !scope.is_some_and(|scope| scope.covers(text)) {
            return None;
        }
        self.0
            .ascii
            // As for `compile`: a failure falls back to the pattern itself.
            .get_or_init(|| build_ascii_matcher(&self.0.source, self.0.ignore_case).ok())
            .as_ref()
    }

    /// The compiled regex, compiling it now if needed.
    fn compile(&self) -> Option<&meta::Regex> {
        self.0
            .regex
            // A small pattern that parsed always builds (see the tests); were it ever to
            // fail, the check would not hold rather than stop the assessment.
            .get_or_init(|| build_matcher(&self.0.source, self.0.ignore_case).ok())
            .as_ref()
    }

    fn prefilter(&self) -> Option<&Prefilter> {
        self.0
            .prefilter
            .get_or_init(|| match self.0.stored {
                Some(stored) => stored.needles.map(Prefilter::from_needles),
                None => regex_syntax::ast::parse::Parser::new()
                    .parse(&self.0.source)
                    .ok()
                    .and_then(|ast| Prefilter::new(&ast)),
            })
            .as_ref()
    }

    /// Whether a text known not to match can be told apart without compiling.
    pub fn has_prefilter(&self) -> bool {
        self.prefilter().is_some()
    }

    /// Whether the pattern matches somewhere in `text`. The literals go first: they turn
    /// most texts away, and a stored DFA is then never loaded (checking one as it loads
    /// costs more than a small assessment's searches).
    pub fn is_match(&self, text: &str) -> bool {
        if let Some(prefilter) = self.prefilter()
            && !prefilter.may_match_text(text)
        {
            return false;
        }
        if let Some(found) = self.0.stored.and_then(|s| s.is_match(text)) {
            return found;
        }
        // Compiled already (when checked, or for an earlier text): nothing to gain.
        if let Some(Some(regex)) = self.0.regex.get() {
            return regex.is_match(text);
        }
        if let Some(regex) = self.ascii_for(text) {
            return regex.is_match(text);
        }
        self.compile().is_some_and(|re| re.is_match(text))
    }
}

/// A size estimate of a parsed pattern in units of about a kilobyte of compiled program,
/// measured with regex 1.13: a literal or assertion is 1, `.` 2, a range 4, `\s` 4, `\d`
/// 16, `\w` 64 (each also negated), and a repetition multiplies by its upper bound. `None`
/// for what is never compiled lazily: Unicode property classes, the `u` flag, negated
/// bracket classes, class set operations and repetition counts above 100.
pub fn estimate(ast: &regex_syntax::ast::Ast) -> Option<u64> {
    use regex_syntax::ast::{
        Ast, ClassPerlKind, ClassSet, ClassSetItem, Flag, FlagsItemKind, GroupKind, RepetitionKind,
        RepetitionRange,
    };
    fn perl(class: &regex_syntax::ast::ClassPerl) -> u64 {
        match class.kind {
            ClassPerlKind::Space => 4,
            ClassPerlKind::Digit => 16,
            ClassPerlKind::Word => 64,
        }
    }
    fn flags_ok(flags: &regex_syntax::ast::Flags) -> bool {
        !flags
            .items
            .iter()
            .any(|i| matches!(i.kind, FlagsItemKind::Flag(Flag::Unicode)))
    }
    fn item(i: &ClassSetItem) -> Option<u64> {
        match i {
            ClassSetItem::Empty(_) => Some(0),
            ClassSetItem::Literal(_) => Some(1),
            ClassSetItem::Ascii(_) => Some(2),
            ClassSetItem::Range(_) => Some(4),
            ClassSetItem::Perl(class) => Some(perl(class)),
            ClassSetItem::Unicode(_) => None,
            ClassSetItem::Bracketed(b) => match (&b.kind, b.negated) {
                (ClassSet::Item(i), false) => item(i),
                _ => None,
            },
            ClassSetItem::Union(u) => u.items.iter().map(item).sum(),
        }
    }
    match ast {
        Ast::Empty(_) | Ast::Assertion(_) | Ast::Literal(_) => Some(1),
        Ast::Flags(f) => flags_ok(&f.flags).then_some(0),
        Ast::Dot(_) => Some(2),
        Ast::ClassPerl(class) => Some(perl(class)),
        Ast::ClassUnicode(_) => None,
        Ast::ClassBracketed(b) => match (&b.kind, b.negated) {
            (ClassSet::Item(i), false) => item(i),
            _ => None,
        },
        Ast::Repetition(r) => {
            let times = match &r.op.kind {
                RepetitionKind::ZeroOrOne
                | RepetitionKind::ZeroOrMore
                | RepetitionKind::OneOrMore => 1,
                RepetitionKind::Range(
                    RepetitionRange::Exactly(n)
                    | RepetitionRange::AtLeast(n)
                    | RepetitionRange::Bounded(_, n),
                ) => u64::from(*n).max(1),
            };
            if times > 100 {
                return None;
            }
            estimate(&r.ast).map(|size| size.saturating_mul(times))
        }
        Ast::Group(g) => {
            if let GroupKind::NonCapturing(flags) = &g.kind
                && !flags_ok(flags)
            {
                return None;
            }
            estimate(&g.ast)
        }
        Ast::Alternation(a) => a.asts.iter().map(estimate).sum(),
        Ast::Concat(c) => c.asts.iter().map(estimate).sum(),
    }
}

impl Check {
    fn holds(&self, response: &Response) -> bool {
        let text = response.elaboration.trim();
        match self {
            Check::AnswerIn(bits) => bits & bit(response.answer) != 0,
            Check::ElaborationMissing => text.is_empty(),
            Check::ElaborationShorterThan(n) => text.chars().count() < *n,
            Check::ElaborationPlaceholder => is_placeholder(text),
            Check::Matches(re) => re.is_match(text),
            Check::NotMatches(re) => !re.is_match(text),
            Check::EvidenceMissing => response.evidence.is_empty(),
            Check::ImplementationIn(bits) => response
                .implementation
                .is_some_and(|i| bits & implementation_bit(i) != 0),
        }
    }
}

impl Condition {
    /// Whether the condition holds for the responses (indexed by question ordinal).
    pub fn holds(&self, responses: &[Response]) -> bool {
        match self {
            Condition::All(parts) => parts.iter().all(|c| c.holds(responses)),
            Condition::Any(parts) => parts.iter().any(|c| c.holds(responses)),
            Condition::Not(inner) => !inner.holds(responses),
            Condition::Test { ordinal, checks } => {
                let response = &responses[*ordinal];
                checks.iter().all(|c| c.holds(response))
            }
        }
    }
}

impl RuleSet {
    /// Appends another set compiled against the same checklist.
    pub fn merge(&mut self, other: RuleSet) {
        let offset = self.rules.len();
        if self.by_question.len() < other.by_question.len() {
            self.by_question.resize(other.by_question.len(), Vec::new());
        }
        for (ordinal, indices) in other.by_question.into_iter().enumerate() {
            self.by_question[ordinal].extend(indices.into_iter().map(|i| i + offset));
        }
        self.rules.extend(other.rules);
    }

    /// Prepares, on a spare core while the answers are checked, what the rules will use:
    /// the literals of each pattern without a stored DFA, and the regex of those without
    /// any. Stored DFAs load on first use, which the literals make rare.
    pub fn warm_up(&self) {
        for pattern in patterns(self).filter(|p| !p.is_stored()) {
            if !pattern.has_prefilter() {
                pattern.compile();
            }
        }
    }

    /// The rules that fire, in rule order.
    pub fn evaluate<'a>(
        &'a self,
        responses: &'a [Response],
    ) -> impl Iterator<Item = &'a Rule> + 'a {
        self.rules
            .iter()
            .filter(move |rule| rule.condition.holds(responses))
    }
}

/// Every pattern of the rules, in rule order (a shared pattern once per use).
pub fn patterns(set: &RuleSet) -> impl Iterator<Item = &Pattern> {
    fn walk<'a>(condition: &'a Condition, out: &mut Vec<&'a Pattern>) {
        match condition {
            Condition::All(parts) | Condition::Any(parts) => {
                for part in parts {
                    walk(part, out);
                }
            }
            Condition::Not(inner) => walk(inner, out),
            Condition::Test { checks, .. } => {
                for check in checks {
                    if let Check::Matches(p) | Check::NotMatches(p) = check {
                        out.push(p);
                    }
                }
            }
        }
    }
    set.rules.iter().flat_map(|rule| {
        let mut out = Vec::new();
        walk(&rule.condition, &mut out);
        out
    })
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod pattern_tests {
    use std::fmt::Write as _;

    use super::*;

    fn estimated(pattern: &str) -> Option<u64> {
        estimate(
            &regex_syntax::ast::parse::Parser::new()
                .parse(pattern)
                .ok()?,
        )
    }

    #[test]
    fn patterns_within_the_lazy_budget_always_build() {
        let letters = "abcdefghijklmnopqrstuvwxyz".repeat(40);
        let long = format!("(?i){}", &letters[..996]);
        for pattern in [
            "\\w{16}",
            "\\W{16}",
            "\\b\\w{15}\\b",
            "\\d{64}",
            "\\D{64}",
            "\\S{100}",
            ".{100}(?s:.){100}",
            "[a-z0-9_\\-]{25}",
            "[\\w\\d\\s]{12}",
            "(\\w|\\s|\\d){12}",
            "(?i)(ǅ|ß|K|ſ|σ){100}",
            "(?i)[ǅ-ꝿ]{100}",
            "[[:alpha:]x-z]{100}",
            long.as_str(),
        ] {
            let size = estimated(pattern).unwrap_or_else(|| panic!("{pattern} is never lazy"));
            assert!(size <= LAZY_BUDGET, "{pattern}: {size}");
            for ignore_case in [false, true] {
                build_regex(pattern, ignore_case).unwrap_or_else(|e| panic!("{pattern}: {e}"));
                build_matcher(pattern, ignore_case).unwrap_or_else(|e| panic!("{pattern}: {e}"));
            }
        }
    }

    #[test]
    fn other_patterns_are_checked_when_loaded_with_the_same_errors() {
        for pattern in [
            "\\w{1000}",
            "(a{1000}){1000}",
            "(unclosed",
            "\\p{NoSuchProperty}",
            "(?-u:\\xFF)",
            "[^a]",
            "[a&&b]",
        ] {
            let lazy = estimated(pattern).is_some_and(|s| s <= LAZY_BUDGET);
            assert!(!lazy, "{pattern}");
            match (build_matcher(pattern, false), build_regex(pattern, false)) {
                (Err(a), Err(b)) => assert_eq!(a, b),
                (Ok(_), Ok(_)) => {}
                (a, b) => panic!("{pattern}: {:?} vs {b:?}", a.map(|_| ())),
            }
            match (Pattern::new(pattern, false), build_regex(pattern, false)) {
                (Err(a), Err(b)) => assert_eq!(a, b),
                (Ok(p), Ok(_)) => assert!(p.is_compiled(), "{pattern}"),
                (a, b) => panic!("{pattern}: {a:?} vs {b:?}"),
            }
        }
        assert!(Pattern::new("(unclosed", true).is_err());
    }

    #[test]
    fn one_compiled_regex_serves_every_rule_with_the_pattern() {
        let mut text = String::from(
            "id: t\nversion: \"1\"\ntitle: T\nsections:\n  - id: s\n    title: S\n    questions:\n      - { id: q1, question: Q?, guidance: G, severity: high }\nrules:\n",
        );
        for i in 0..3 {
            let _ = writeln!(
                text,
                "  - {{ id: r{i}, when: {{ question: q1, elaboration-matches: \"by hand|excel\", ignore-case: true }}, finding: F, recommendation: R }}"
            );
        }
        let loaded =
            crate::checklist::parse(crate::source::SourceFile::from_string("t.yaml", text))
                .unwrap_or_else(|e| panic!("{e:?}"));
        let patterns: Vec<&Pattern> = loaded
            .checklist
            .ruleset
            .rules
            .iter()
            .filter_map(|r| match &r.condition {
                Condition::Test { checks, .. } => checks.iter().find_map(|c| match c {
                    Check::Matches(p) => Some(p),
                    _ => None,
                }),
                _ => None,
            })
            .collect();
        assert_eq!(patterns.len(), 3);
        assert!(patterns.iter().all(|p| Arc::ptr_eq(&p.0, &patterns[0].0)));
        assert!(!patterns[2].is_compiled_ascii());
        assert!(patterns[0].is_match("tracked in EXCEL"));
        // An ASCII text: compiled without Unicode (see `stored.rs`'s tests).
        assert!(patterns[2].is_compiled_ascii());
        assert!(!patterns[2].is_compiled());
        assert!(patterns[0].is_match("tracked in EXCEL, ſo to speak"));
        assert!(patterns[2].is_compiled());
    }

    #[test]
    fn every_builtin_pattern_builds() {
        for builtin in crate::checklist::BUILTIN {
            let spec = crate::checklist::Spec::parse(builtin.id);
            let loaded = crate::checklist::load(&spec, None).unwrap_or_else(|e| panic!("{e:?}"));
            for p in patterns(&loaded.checklist.ruleset) {
                build_matcher(p.as_str(), p.0.ignore_case)
                    .unwrap_or_else(|e| panic!("{}: {}: {e}", builtin.id, p.as_str()));
            }
        }
    }
}
