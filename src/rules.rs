//! The rule language: declarative conditions on answers that produce findings.
//!
//! Rules are written as [`RuleDef`] (serde, strict, part of the checklist model), compiled once into [`RuleSet`]
//! (question ids resolved to indices, regexes built) and then evaluated against the
//! responses. Compilation collects every problem with its document path; the syntax is
//! documented in `docs/rules.md`.

use std::sync::Arc;

use crate::answers::{AnswerValue, Implementation, Response, is_placeholder};
use crate::checklist::{Checklist, LoadError, Loaded, QuestionRef, RuleDef, Severity};
use crate::diag::Diagnostic;
use crate::source::SourceFile;
use crate::yaml::Seg;

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
        // No condition names it: a draft's open question fires no rule on its answer.
        AnswerValue::Unanswered => 0,
    }
}

fn implementation_bit(implementation: Implementation) -> u8 {
    match implementation {
        Implementation::Manual => 1,
        Implementation::Automated => 2,
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
    pub fn evaluate(&self, responses: &[Response]) -> Vec<&Rule> {
        self.rules
            .iter()
            .filter(|rule| rule.condition.holds(responses))
            .collect()
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
mod compile;
mod pattern;

pub use compile::{compile, compile_condition};

pub use pattern::{Pattern, build_regex};

#[cfg(test)]
mod tests;
