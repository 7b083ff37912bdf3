//! Compiling rules: question ids resolved to indices, regexes built, every problem
//! collected with its document path.

use std::collections::HashMap;

use crate::checklist::{Checklist, ConditionDef, QuestionRef};
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::yaml::{DocPath, Seg};

use std::sync::Arc;

use super::{
    Check, Condition, MAX_CONDITION_DEPTH, MAX_RULES, Pattern, Rule, RuleSet, RuleSource, bit,
    implementation_bit,
};

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
