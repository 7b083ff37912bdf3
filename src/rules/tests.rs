//! One test per condition kind and combinator, plus the load-time checks.

use std::fmt::Write as _;

use super::*;
use crate::answers::{AnswerValue, Implementation, Response};
use crate::checklist::{self, LoadError};
use crate::diag::Code;
use crate::source::SourceFile;

const QUESTIONS: &str = "id: t\nversion: \"1\"\ntitle: T\nsections:\n  - id: s\n    title: S\n    questions:\n      - { id: q1, question: Q1?, guidance: G, severity: high }\n      - { id: q2, question: Q2?, guidance: G, severity: low, na-allowed: false, min-elaboration: 5 }\n";

fn load(rules: &str) -> Result<(Checklist, RuleSet), LoadError> {
    checklist::parse(SourceFile::from_string(
        "t.yaml",
        format!("{QUESTIONS}rules:\n{rules}"),
    ))
    .and_then(RuleSet::of_loaded)
}

fn rule_set(when: &str) -> RuleSet {
    let text = format!("  - id: r\n    when: {when}\n    finding: F\n    recommendation: R\n");
    match load(&text) {
        Ok((_, rules)) => rules,
        Err(e) => panic!("{when}: {e:?}"),
    }
}

fn response(answer: AnswerValue, elaboration: &str, evidence: usize) -> Response {
    Response {
        answer,
        elaboration: elaboration.to_owned(),
        evidence: (0..evidence).map(|i| format!("e{i}")).collect(),
        implementation: None,
        not_applicable: None,
    }
}

fn fires(when: &str, responses: &[Response]) -> bool {
    rule_set(when).evaluate(responses).len() == 1
}

fn two(a: Response, b: Response) -> Vec<Response> {
    vec![a, b]
}

#[test]
fn answer_in_a_set() {
    let r = two(
        response(AnswerValue::N, "because", 0),
        response(AnswerValue::Y, "x", 0),
    );
    assert!(fires("{ question: q1, answer: [N, NA] }", &r));
    assert!(!fires("{ question: q1, answer: [Y] }", &r));
}

#[test]
fn elaboration_missing_shorter_and_placeholder() {
    let r = two(
        response(AnswerValue::Y, "  ", 0),
        response(AnswerValue::Y, "TBD", 0),
    );
    assert!(fires("{ question: q1, elaboration-missing: true }", &r));
    assert!(!fires("{ question: q2, elaboration-missing: true }", &r));
    assert!(fires("{ question: q2, elaboration-placeholder: true }", &r));
    assert!(fires("{ question: q2, elaboration-shorter-than: 4 }", &r));
    assert!(!fires("{ question: q2, elaboration-shorter-than: 3 }", &r));
    assert!(!fires(
        "{ question: q2, elaboration-missing: false, answer: [N] }",
        &r
    ));
}

#[test]
fn regex_matches_with_and_without_case() {
    let r = two(
        response(
            AnswerValue::Y,
            "Models are versioned by hand with Timestamps",
            0,
        ),
        response(AnswerValue::Y, "x", 0),
    );
    assert!(fires(
        "{ question: q1, elaboration-matches: \"timestamps\", ignore-case: true }",
        &r
    ));
    assert!(!fires(
        "{ question: q1, elaboration-matches: \"timestamps\" }",
        &r
    ));
    assert!(fires(
        "{ question: q1, elaboration-not-matches: \"SHAP|LIME\" }",
        &r
    ));
    assert!(!fires(
        "{ question: q1, elaboration-not-matches: \"by hand\" }",
        &r
    ));
}

#[test]
fn evidence_missing_and_implementation() {
    let mut with = response(AnswerValue::Y, "x", 1);
    with.implementation = Some(Implementation::Manual);
    let r = two(with, response(AnswerValue::Y, "x", 0));
    assert!(fires("{ question: q2, evidence-missing: true }", &r));
    assert!(!fires("{ question: q1, evidence-missing: true }", &r));
    assert!(fires("{ question: q1, implementation: [manual] }", &r));
    assert!(!fires("{ question: q1, implementation: [automated] }", &r));
}

#[test]
fn several_checks_in_one_test_must_all_hold() {
    let r = two(
        response(AnswerValue::NA, "short", 0),
        response(AnswerValue::Y, "x", 0),
    );
    assert!(fires(
        "{ question: q1, answer: [NA], elaboration-shorter-than: 100 }",
        &r
    ));
    assert!(!fires(
        "{ question: q1, answer: [NA], elaboration-shorter-than: 3 }",
        &r
    ));
}

#[test]
fn all_any_not_combine() {
    let r = two(
        response(AnswerValue::N, "x", 0),
        response(AnswerValue::Y, "x", 0),
    );
    let n1 = "{ question: q1, answer: [N] }";
    let y1 = "{ question: q1, answer: [Y] }";
    let y2 = "{ question: q2, answer: [Y] }";
    assert!(fires(&format!("{{ all: [{n1}, {y2}] }}"), &r));
    assert!(!fires(&format!("{{ all: [{y1}, {y2}] }}"), &r));
    assert!(fires(&format!("{{ any: [{y1}, {y2}] }}"), &r));
    assert!(!fires(&format!("{{ any: [{y1}] }}"), &r));
    assert!(fires(&format!("{{ not: {y1} }}"), &r));
    assert!(fires(
        &format!("{{ all: [{{ not: {y1} }}, {{ any: [{y1}, {y2}] }}] }}"),
        &r
    ));
}

#[test]
fn severity_defaults_to_the_anchor_question() {
    let set = rule_set("{ question: q2, answer: [N] }");
    assert_eq!(set.rules[0].severity, Severity::Low);
    let text = "  - id: r\n    question: q1\n    when: { question: q2, answer: [N] }\n    finding: F\n    recommendation: R\n";
    let set = load(text).unwrap().1;
    assert_eq!(set.rules[0].severity, Severity::High);
    assert_eq!(
        set.by_question[1],
        vec![0],
        "indexed by the question its condition names"
    );
}

fn errors(rules: &str) -> Vec<crate::diag::Diagnostic> {
    match load(rules) {
        Err(LoadError::Invalid { diagnostics, .. }) => diagnostics,
        other => panic!("expected diagnostics, got {other:?}"),
    }
}

#[test]
fn unknown_question_is_reported_with_position_and_suggestion() {
    let d = errors(
        "  - id: r\n    when: { question: q3, answer: [N] }\n    finding: F\n    recommendation: R\n",
    );
    assert_eq!(d[0].code, Code::InvalidRule);
    assert_eq!((d[0].line, d[0].column), (Some(12), Some(23)));
    assert!(d[0].help.is_some());
}

#[test]
fn invalid_regex_is_reported_at_the_pattern() {
    let d = errors(
        "  - id: r\n    when:\n      question: q1\n      elaboration-matches: \"(unclosed\"\n    finding: F\n    recommendation: R\n",
    );
    assert_eq!(d[0].code, Code::InvalidRule);
    assert!(
        d[0].message.contains("regular expression"),
        "{}",
        d[0].message
    );
    assert_eq!(d[0].line, Some(14));
}

#[test]
fn unknown_severity_and_key_are_errors_with_lines() {
    let d = errors(
        "  - id: r\n    when: { question: q1, answer: [N] }\n    severity: urgent\n    finding: F\n    recommendation: R\n",
    );
    assert_eq!(d[0].code, Code::YamlSyntax);
    assert_eq!(d[0].line, Some(13));
    let d = errors(
        "  - id: r\n    when: { question: q1, answr: [N] }\n    finding: F\n    recommendation: R\n",
    );
    assert!(d[0].message.contains("answr"));
    assert_eq!(d[0].line, Some(12));
}

#[test]
fn duplicate_rule_ids_are_errors() {
    let one = "  - id: r\n    when: { question: q1, answer: [N] }\n    finding: F\n    recommendation: R\n";
    let d = errors(&format!("{one}{one}"));
    assert_eq!(d[0].code, Code::DuplicateId);
    assert_eq!(d[0].line, Some(15));
}

#[test]
fn malformed_conditions_are_errors() {
    for when in [
        "{ question: q1 }",
        "{ all: [] }",
        "{ all: [{ question: q1, answer: [N] }], question: q1 }",
        "{ answer: [N] }",
    ] {
        let d = errors(&format!(
            "  - id: r\n    when: {when}\n    finding: F\n    recommendation: R\n"
        ));
        assert_eq!(d[0].code, Code::InvalidRule, "{when}");
    }
}

#[test]
fn oversized_regex_is_refused() {
    let long = "a".repeat(MAX_REGEX_LENGTH + 1);
    assert!(build_regex(&long, false).unwrap_err().contains("limit"));
    assert!(
        build_regex("(a{1000}){1000}", false).is_err(),
        "compiled size is bounded"
    );
}

#[test]
fn repeated_patterns_share_one_compiled_regex() {
    let mut text = String::new();
    for i in 0..3 {
        let _ = write!(
            text,
            "  - id: r{i}\n    when: {{ question: q1, elaboration-matches: \"manual\" }}\n    finding: F\n    recommendation: R\n"
        );
    }
    let set = load(&text).unwrap().1;
    assert_eq!(set.rules.len(), 3);
}

#[test]
fn patterns_mean_and_fail_as_with_the_regex_crate() {
    for pattern in [
        "\\w{1000}",
        "(a{1000}){1000}",
        "(unclosed",
        "\\p{NoSuchProperty}",
        "(?-u:\\xFF)",
    ] {
        let expected = regex::RegexBuilder::new(pattern)
            .size_limit(MAX_REGEX_SIZE)
            .dfa_size_limit(MAX_REGEX_SIZE)
            .build()
            .map(|_| ())
            .map_err(|e| {
                let text = e.to_string();
                format!(
                    "invalid regular expression: {}",
                    text.lines().last().unwrap_or("")
                )
            });
        assert!(expected.is_err(), "{pattern}");
        assert_eq!(Pattern::new(pattern, false).map(|_| ()), expected);
    }
    let texts = [
        "by hand",
        "BY HAND",
        "café",
        "ſo",
        "KELVIN \u{212A}",
        "x_y",
        "",
    ];
    for (pattern, ignore_case) in [
        ("\\bhand\\b", false),
        ("(?i)s", false),
        ("k", true),
        ("\\bcaf\\w\\b", false),
        ("\\w+", false),
    ] {
        let ours = Pattern::new(pattern, ignore_case).unwrap_or_else(|e| panic!("{e}"));
        let theirs = regex::RegexBuilder::new(pattern)
            .case_insensitive(ignore_case)
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        for text in texts {
            assert_eq!(
                ours.is_match(text),
                theirs.is_match(text),
                "{pattern} {text}"
            );
        }
    }
    assert!(Pattern::new("by hand|excel", true).is_ok_and(|p| p.is_compiled()));
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
    let (_, rules) =
        crate::checklist::parse(crate::source::SourceFile::from_string("t.yaml", text))
            .and_then(RuleSet::of_loaded)
            .unwrap_or_else(|e| panic!("{e:?}"));
    let patterns: Vec<&Pattern> = patterns(&rules).collect();
    assert_eq!(patterns.len(), 3);
    assert!(patterns.iter().all(|p| Arc::ptr_eq(&p.0, &patterns[0].0)));
    assert!(patterns[0].is_match("tracked in EXCEL"));
    assert!(patterns[2].is_match("tracked in EXCEL, ſo to speak"));
    assert!(!patterns[1].is_match("tracked in a wiki"));
}

#[test]
fn every_builtin_pattern_builds() {
    for builtin in crate::checklist::BUILTIN {
        let spec = crate::checklist::Spec::parse(builtin.id);
        let (_, rules) = crate::checklist::load(&spec, None)
            .and_then(RuleSet::of_loaded)
            .unwrap_or_else(|e| panic!("{e:?}"));
        for p in patterns(&rules) {
            build_regex(p.as_str(), p.ignore_case())
                .unwrap_or_else(|e| panic!("{}: {}: {e}", builtin.id, p.as_str()));
        }
    }
}
