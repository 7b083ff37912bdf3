//! Bounds on the matching work of untrusted rules (issue 18, README "Untrusted input").
//!
//! A checklist found beside the answers (named by their `checklist:`) is as untrusted as
//! the answers. The regex engine is linear-time: one search costs at most in proportion
//! to the text's length times the pattern's compiled size. So the rules of such a
//! checklist are bounded in three ways, each with an error that names the rule: the
//! compiled size of each pattern, the length of the elaboration a pattern reads, and the
//! sum over every pattern check of both (an upper bound: checks that a rule's earlier
//! checks make unnecessary are counted too). Built-in checklists, `--checklist` and
//! `--rules` files were chosen by whoever runs airisk and are not bounded here.

use crate::answers::Response;
use crate::checklist::Checklist;

use super::{Check, Condition, Rule, RuleSet};

/// Largest compiled pattern (heap bytes of the compiled regex) in an untrusted checklist.
pub const UNTRUSTED_MAX_PATTERN_SIZE: usize = 256 * 1024;
/// Longest elaboration, in bytes, that a pattern of an untrusted checklist reads.
pub const UNTRUSTED_MAX_TEXT: usize = 32 * 1024;
/// Most matching work of an assessment's untrusted rules: the sum over their pattern
/// checks of text bytes times compiled pattern bytes. Searches measured at 0.003 to 4
/// picoseconds per unit (the slowest when the lazy DFA gives up), so this is well under
/// a second; realistic checklists use a small fraction of it.
pub const UNTRUSTED_MAX_WORK: u64 = 1 << 36;

/// Marks the rules written in a checklist file the answer file named, and refuses any
/// pattern of theirs larger than [`UNTRUSTED_MAX_PATTERN_SIZE`].
pub fn mark_untrusted(checklist: &Checklist, rules: &mut RuleSet) -> Result<(), String> {
    let files: Vec<&str> = checklist
        .sources
        .iter()
        .filter(|s| !s.is_embedded())
        .map(|s| s.name.as_str())
        .collect();
    for rule in &mut rules.rules {
        rule.untrusted = files.contains(&&*rule.origin);
        if !rule.untrusted {
            continue;
        }
        for size in checks(&rule.condition).filter_map(pattern_size) {
            if size > UNTRUSTED_MAX_PATTERN_SIZE {
                return Err(format!(
                    "rule `{}` in {}: a pattern compiles to {size} bytes, more than the limit of {UNTRUSTED_MAX_PATTERN_SIZE} for a checklist named by an answer file; pass a checklist you trust with --checklist",
                    rule.id, rule.origin
                ));
            }
        }
    }
    Ok(())
}

/// The matching work the untrusted rules may do on these responses (indexed by question
/// ordinal), or why it is over a limit.
pub fn work(set: &RuleSet, responses: &[Response]) -> Result<u64, String> {
    let mut total: u64 = 0;
    for rule in set.rules.iter().filter(|r| r.untrusted) {
        for (ordinal, check) in tests(&rule.condition) {
            let Some(size) = pattern_size(check) else {
                continue;
            };
            let text = responses[ordinal].elaboration.trim().len();
            if text > UNTRUSTED_MAX_TEXT {
                return Err(too_much(
                    rule,
                    &format!(
                        "reads an elaboration of {text} bytes, more than the limit of {UNTRUSTED_MAX_TEXT}"
                    ),
                ));
            }
            total = total.saturating_add(as_u64(text).saturating_mul(as_u64(size)));
            if total > UNTRUSTED_MAX_WORK {
                return Err(too_much(
                    rule,
                    &format!(
                        "brings the matching work of the checklist's rules over the limit of {UNTRUSTED_MAX_WORK} (elaboration bytes times compiled pattern bytes)"
                    ),
                ));
            }
        }
    }
    Ok(total)
}

fn too_much(rule: &Rule, why: &str) -> String {
    format!(
        "rule `{}` in {} {why}, for a checklist named by an answer file; pass a checklist you trust with --checklist",
        rule.id, rule.origin
    )
}

fn as_u64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// A check's pattern's compiled size, if it has a compiled pattern.
fn pattern_size(check: &Check) -> Option<usize> {
    match check {
        Check::Matches(p) | Check::NotMatches(p) => p.size(),
        _ => None,
    }
}

/// Every check of a condition.
fn checks(condition: &Condition) -> impl Iterator<Item = &Check> {
    tests(condition).into_iter().map(|(_, check)| check)
}

/// Every check of a condition with the ordinal of the question it reads.
fn tests(condition: &Condition) -> Vec<(usize, &Check)> {
    fn walk<'a>(condition: &'a Condition, out: &mut Vec<(usize, &'a Check)>) {
        match condition {
            Condition::All(parts) | Condition::Any(parts) => {
                for part in parts {
                    walk(part, out);
                }
            }
            Condition::Not(inner) => walk(inner, out),
            Condition::Test { ordinal, checks } => {
                out.extend(checks.iter().map(|c| (*ordinal, c)));
            }
        }
    }
    let mut out = Vec::new();
    walk(condition, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;
    use crate::answers::AnswerValue;
    use crate::rules::Pattern;
    use crate::source::SourceFile;

    const QUESTIONS: &str = "id: t\nversion: \"1\"\ntitle: T\nsections:\n  - id: s\n    title: S\n    questions:\n      - { id: q1, question: Q1?, guidance: G, severity: high }\n      - { id: q2, question: Q2?, guidance: G, severity: low }\n";

    /// A Unicode word character (some 56 KB compiled) repeated.
    fn big(count: usize) -> String {
        format!("\\w{{{count}}}")
    }

    /// A checklist file with its compiled rules, as the pipeline holds them.
    struct Loaded {
        checklist: Checklist,
        ruleset: RuleSet,
    }

    fn mark_untrusted(loaded: &mut Loaded) -> Result<(), String> {
        super::mark_untrusted(&loaded.checklist, &mut loaded.ruleset)
    }

    fn checklist(patterns: &[(&str, String)]) -> Loaded {
        let mut text = format!("{QUESTIONS}rules:\n");
        for (i, (question, pattern)) in patterns.iter().enumerate() {
            let _ = writeln!(
                text,
                "  - {{ id: r{i}, when: {{ question: {question}, elaboration-matches: '{pattern}' }}, finding: F, recommendation: R }}"
            );
        }
        let (checklist, ruleset) =
            crate::checklist::parse(SourceFile::from_string("mine.yaml", text))
                .and_then(RuleSet::of_loaded)
                .unwrap_or_else(|e| panic!("{e:?}"));
        Loaded { checklist, ruleset }
    }

    fn responses(q1: &str, q2: &str) -> Vec<Response> {
        [q1, q2]
            .into_iter()
            .map(|text| Response {
                answer: AnswerValue::Y,
                elaboration: text.to_owned(),
                evidence: Vec::new(),
                implementation: None,
                not_applicable: None,
            })
            .collect()
    }

    fn size(pattern: &str) -> usize {
        Pattern::new(pattern, false)
            .ok()
            .and_then(|p| p.size())
            .unwrap_or(usize::MAX)
    }

    /// The smallest repetition of [`big`] over the size limit.
    fn just_over_the_size_limit() -> usize {
        let counts: Vec<usize> = (1..20).collect();
        let over = counts.partition_point(|&n| size(&big(n)) <= UNTRUSTED_MAX_PATTERN_SIZE);
        assert!(
            over > 0 && over < counts.len(),
            "no repetition reaches the limit"
        );
        counts[over]
    }

    #[test]
    fn an_untrusted_pattern_over_the_size_limit_is_refused_by_name() {
        let over = just_over_the_size_limit();
        let mut refused = checklist(&[("q1", "x".to_owned()), ("q2", big(over))]);
        let err = mark_untrusted(&mut refused).unwrap_err();
        assert!(err.contains("rule `r1` in mine.yaml"), "{err}");
        assert!(
            err.contains(&UNTRUSTED_MAX_PATTERN_SIZE.to_string()),
            "{err}"
        );
        let mut accepted = checklist(&[("q2", big(over - 1))]);
        assert_eq!(mark_untrusted(&mut accepted), Ok(()));
        assert!(accepted.ruleset.rules.iter().all(|r| r.untrusted));
    }

    #[test]
    fn the_matching_work_of_untrusted_rules_is_counted() {
        let pattern = big(2);
        let mut marked = checklist(&[("q1", pattern.clone()), ("q2", pattern.clone())]);
        let unmarked = marked.ruleset.clone();
        mark_untrusted(&mut marked).unwrap();
        let (q1, q2) = ("a".repeat(100), "  b  ".to_owned());
        let r = responses(&q1, &q2);
        // The trimmed text is what a rule reads.
        assert_eq!(work(&marked.ruleset, &r), Ok(as_u64(101 * size(&pattern))));
        // Rules no answer file named are not bounded here.
        assert_eq!(work(&unmarked, &r), Ok(0));
    }

    #[test]
    fn a_long_elaboration_under_an_untrusted_pattern_is_refused_by_name() {
        let mut marked = checklist(&[("q1", "x".to_owned()), ("q2", "y".to_owned())]);
        mark_untrusted(&mut marked).unwrap();
        let long = "y".repeat(UNTRUSTED_MAX_TEXT + 1);
        let err = work(&marked.ruleset, &responses("x", &long)).unwrap_err();
        assert!(err.contains("rule `r1` in mine.yaml"), "{err}");
        assert!(err.contains(&UNTRUSTED_MAX_TEXT.to_string()), "{err}");
        let fits = "y".repeat(UNTRUSTED_MAX_TEXT);
        assert!(work(&marked.ruleset, &responses("x", &fits)).is_ok());
    }

    #[test]
    fn the_total_work_is_capped_and_the_rule_that_crosses_it_named() {
        let pattern = big(just_over_the_size_limit() - 1);
        let per_check = as_u64(UNTRUSTED_MAX_TEXT * size(&pattern));
        let within = usize::try_from(UNTRUSTED_MAX_WORK / per_check).unwrap();
        let rules: Vec<(&str, String)> = (0..=within).map(|_| ("q1", pattern.clone())).collect();
        let mut marked = checklist(&rules);
        mark_untrusted(&mut marked).unwrap();
        let text = "a".repeat(UNTRUSTED_MAX_TEXT);
        let err = work(&marked.ruleset, &responses(&text, "")).unwrap_err();
        assert!(
            err.contains(&format!("rule `r{within}` in mine.yaml")),
            "{err}"
        );
        assert!(err.contains(&UNTRUSTED_MAX_WORK.to_string()), "{err}");
        marked.ruleset.rules.pop();
        assert_eq!(
            work(&marked.ruleset, &responses(&text, "")),
            Ok(per_check * as_u64(within))
        );
    }
}
