//! The rule language: declarative conditions on answers that produce findings.
//!
//! Rules are written as [`RuleDef`] (serde, strict, part of the checklist model), compiled once into [`RuleSet`]
//! (question ids resolved to indices, regexes built) and then evaluated against the
//! responses. Compilation collects every problem with its document path; the syntax is
//! documented in `docs/rules.md`.

use std::collections::HashMap;
use std::sync::Arc;

use crate::answers::{AnswerValue, Implementation, Response, is_placeholder};
use crate::checklist::{
    Checklist, ConditionDef, LoadError, Loaded, QuestionRef, RuleDef, Severity,
};
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::source::SourceFile;
use crate::yaml::{DocPath, Seg};

/// Longest regular expression accepted in a rule.
pub const MAX_REGEX_LENGTH: usize = 1_000;
/// Largest compiled regular expression, in bytes.
pub const MAX_REGEX_SIZE: usize = 1 << 20;
/// Deepest nesting of `all` / `any` / `not`.
pub const MAX_CONDITION_DEPTH: usize = 32;
/// Most rules in one assessment (checklist plus every rules file).
pub const MAX_RULES: usize = 1_000_000;

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
    /// Written in a checklist the answer file named: its matching work is bounded
    /// ([`budget`]).
    pub untrusted: bool,
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
                    untrusted: false,
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

/// Compiles a question's `applies-if` (the rules' condition language) against the
/// checklist. `trusted`: built into the binary.
pub fn compile_condition(
    checklist: &Checklist,
    def: &ConditionDef,
    at: DocPath,
    trusted: bool,
) -> Result<Condition, Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();
    let mut regexes = HashMap::new();
    let mut compiler = Compiler {
        checklist,
        diagnostics: &mut diagnostics,
        regexes: &mut regexes,
        trusted,
        first_question: None,
        named: Vec::new(),
    };
    match compiler.condition(def, at, 0) {
        Some(condition) if diagnostics.is_empty() => Ok(condition),
        _ => Err(diagnostics),
    }
}

impl Condition {
    /// Whether the condition holds when only some responses are known: `None` when it
    /// reads a question whose response is not (yet) known.
    pub fn holds_partial<'r>(
        &self,
        response: &dyn Fn(usize) -> Option<&'r Response>,
    ) -> Option<bool> {
        match self {
            Condition::All(parts) => {
                let mut all = true;
                for part in parts {
                    all &= part.holds_partial(response)?;
                }
                Some(all)
            }
            Condition::Any(parts) => {
                let mut any = false;
                for part in parts {
                    any |= part.holds_partial(response)?;
                }
                Some(any)
            }
            Condition::Not(inner) => inner.holds_partial(response).map(|b| !b),
            Condition::Test { ordinal, checks } => {
                let found = response(*ordinal)?;
                Some(checks.iter().all(|c| c.holds(found)))
            }
        }
    }

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

/// How many rules an assessment needs before a second thread evaluates half of them.
const PARALLEL_FROM: usize = 32;

impl RuleSet {
    /// Compiles a checklist's own rules: those of every part, each against its own file
    /// for diagnostics.
    pub fn compile(checklist: &Checklist) -> Result<RuleSet, Vec<Diagnostic>> {
        let mut sources = Vec::with_capacity(checklist.parts.len());
        let mut start = 0;
        for (part, source) in checklist.sources.iter().enumerate() {
            let len = checklist.rule_part[start..]
                .iter()
                .take_while(|&&p| p == part)
                .count();
            sources.push(RuleSource {
                source,
                rules: &checklist.rules[start..start + len],
                first_index: 0,
            });
            start += len;
        }
        let mut set = compile(checklist, &sources, &RuleSet::default());
        // `applies-if` conditions are compiled here too, so that a broken one makes the
        // checklist invalid at load, with its position; validation compiles them again.
        let mut broken = Vec::new();
        for (qref, question) in checklist.questions() {
            let Some(def) = &question.applies_if else {
                continue;
            };
            let at = vec![
                Seg::Key("sections".into()),
                Seg::Index(qref.section),
                Seg::Key("questions".into()),
                Seg::Index(qref.index),
                Seg::Key("applies-if".into()),
            ];
            let part = checklist.sections[qref.section].checklist.as_str();
            let index = checklist
                .parts
                .iter()
                .position(|p| p.id == part)
                .unwrap_or(0);
            let source = &checklist.sources[index];
            if let Err(mut diagnostics) =
                compile_condition(checklist, def, at, source.is_embedded())
            {
                crate::diag::resolve(source, &mut diagnostics);
                broken.extend(diagnostics);
            }
        }
        if !broken.is_empty() {
            match &mut set {
                Ok(_) => set = Err(broken),
                Err(diagnostics) => diagnostics.extend(broken),
            }
        }
        set
    }

    /// Compiles a loaded checklist's own rules: a rule that does not compile makes the
    /// checklist invalid, reported against its file.
    pub fn of_loaded(loaded: Loaded) -> Result<(Checklist, RuleSet), LoadError> {
        let mut checklist = loaded.checklist;
        match RuleSet::compile(&checklist) {
            Ok(rules) => Ok((checklist, rules)),
            Err(diagnostics) => Err(LoadError::Invalid {
                source: Box::new(checklist.sources.swap_remove(0)),
                diagnostics,
            }),
        }
    }

    /// Compiles the rules of checklists combined with [`Checklist::combine`], whose own rules
    /// compiled one by one: what is left to fail is between them (a repeated rule id).
    pub fn of_combined(checklist: &Checklist) -> Result<RuleSet, String> {
        RuleSet::compile(checklist).map_err(|diagnostics| {
            diagnostics
                .first()
                .map_or_else(String::new, |d| d.message.clone())
        })
    }

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

    /// The rules that fire, in rule order.
    ///
    /// A rule's patterns compile on first use, and compiling is most of what the rules of
    /// a small assessment cost; so from [`PARALLEL_FROM`] rules on, a second thread takes
    /// every other rule. Each pattern still compiles once: the other thread waits for it.
    pub fn evaluate(&self, responses: &[Response]) -> Vec<&Rule> {
        let fire = |rules: &mut dyn Iterator<Item = (usize, &Rule)>| -> Vec<usize> {
            rules
                .filter(|(_, rule)| rule.condition.holds(responses))
                .map(|(index, _)| index)
                .collect()
        };
        let all = || self.rules.iter().enumerate();
        let fired = if self.rules.len() < PARALLEL_FROM {
            fire(&mut all())
        } else {
            std::thread::scope(|scope| {
                let odd = std::thread::Builder::new()
                    .spawn_scoped(scope, || fire(&mut all().skip(1).step_by(2)));
                match odd {
                    Ok(odd) => {
                        let mut fired = fire(&mut all().step_by(2));
                        // A panic there is a bug; it surfaces here as it would have inline.
                        let odd = odd.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
                        fired.extend(odd);
                        fired.sort_unstable();
                        fired
                    }
                    // No thread to be had: the work is the same, done here.
                    Err(_) => fire(&mut all()),
                }
            })
        };
        fired.into_iter().map(|i| &self.rules[i]).collect()
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

pub mod budget;
mod pattern;

pub use pattern::{Pattern, build_regex};

#[cfg(test)]
mod tests;
