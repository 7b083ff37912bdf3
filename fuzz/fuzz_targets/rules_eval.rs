//! Structured rules (any condition tree, any regex) compiled and evaluated against
//! structured answers: compilation errors are fine, panics are not.
#![no_main]

use airisk::checklist;
use airisk::checklist::{ConditionDef, RuleDef};
use airisk::rules::RuleSource;
use airisk::source::SourceFile;
use airisk::answers::{AnswerValue, Implementation, Response};
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;

const CHECKLIST: &str = "id: f\nversion: \"1\"\ntitle: F\nsections:\n  - id: s\n    title: S\n    questions:\n      - { id: q0, question: Q?, guidance: G, severity: low }\n      - { id: q1, question: Q?, guidance: G, severity: high }\n      - { id: q2, question: Q?, guidance: G, severity: medium }\n";

#[derive(Debug, Arbitrary)]
enum Cond {
    All(Vec<Cond>),
    Any(Vec<Cond>),
    Not(Box<Cond>),
    Test {
        question: u8,
        answer: Option<Vec<u8>>,
        shorter: Option<u16>,
        matches: Option<String>,
        not_matches: Option<String>,
        ignore_case: bool,
        evidence_missing: bool,
        placeholder: bool,
        missing: bool,
        implementation: Option<bool>,
    },
}

#[derive(Debug, Arbitrary)]
struct Input {
    conditions: Vec<Cond>,
    answers: [(u8, String, u8, Option<bool>); 3],
}

fn answer(n: u8) -> AnswerValue {
    match n % 3 {
        0 => AnswerValue::Y,
        1 => AnswerValue::N,
        _ => AnswerValue::NA,
    }
}

fn to_def(c: &Cond, depth: usize) -> ConditionDef {
    let mut def = ConditionDef::default();
    if depth > 40 {
        return def;
    }
    match c {
        Cond::All(parts) => def.all = Some(parts.iter().map(|p| to_def(p, depth + 1)).collect()),
        Cond::Any(parts) => def.any = Some(parts.iter().map(|p| to_def(p, depth + 1)).collect()),
        Cond::Not(inner) => def.not = Some(Box::new(to_def(inner, depth + 1))),
        Cond::Test {
            question,
            answer: a,
            shorter,
            matches,
            not_matches,
            ignore_case,
            evidence_missing,
            placeholder,
            missing,
            implementation,
        } => {
            def.question = Some(format!("q{}", question % 4));
            def.answer = a.as_ref().map(|v| v.iter().map(|n| answer(*n)).collect());
            def.elaboration_shorter_than = shorter.map(usize::from);
            def.elaboration_matches.clone_from(matches);
            def.elaboration_not_matches.clone_from(not_matches);
            def.ignore_case = Some(*ignore_case);
            def.evidence_missing = Some(*evidence_missing);
            def.elaboration_placeholder = Some(*placeholder);
            def.elaboration_missing = Some(*missing);
            def.implementation = implementation.map(|m| {
                vec![if m {
                    Implementation::Manual
                } else {
                    Implementation::Automated
                }]
            });
        }
    }
    def
}

fuzz_target!(|input: Input| {
    let Ok(loaded) = checklist::parse(SourceFile::from_string("f.yaml", CHECKLIST.to_owned()))
    else {
        return;
    };
    let rules: Vec<RuleDef> = input
        .conditions
        .iter()
        .take(64)
        .enumerate()
        .map(|(i, c)| RuleDef {
            id: format!("r{i}"),
            when: to_def(c, 0),
            severity: None,
            question: None,
            finding: "F".into(),
            recommendation: "R".into(),
            references: Vec::new(),
        })
        .collect();
    let source = SourceFile::from_string("rules.yaml", String::new());
    let sources = [RuleSource {
        source: &source,
        rules: &rules,
        first_index: 0,
    }];
    let Ok(set) = airisk::rules::compile(&loaded.checklist, &sources, &airisk::rules::RuleSet::default())
    else {
        return;
    };
    let responses: Vec<Response> = input
        .answers
        .iter()
        .map(|(a, text, evidence, implementation)| Response {
            answer: answer(*a),
            elaboration: text.clone(),
            evidence: (0..evidence % 3).map(|i| i.to_string()).collect(),
            implementation: implementation.map(|m| {
                if m {
                    Implementation::Manual
                } else {
                    Implementation::Automated
                }
            }),
            not_applicable: None,
        })
        .collect();
    let _ = set.evaluate(&responses).count();
});
