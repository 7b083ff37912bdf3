//! Property tests: validation never panics, rendering keeps untrusted text inert, output
//! is deterministic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

use airisk::answers::AnswerFile;
use airisk::assess::{self, Assessment};
use airisk::checklist::{self, Checklist};
use airisk::report::ReportFormat;
use airisk::rules::RuleSet;
use airisk::source::SourceFile;
use airisk::{report, validate, yaml};
use proptest::prelude::*;

const CHECKLIST: &str = "id: prop\nversion: \"1\"\ntitle: Property checklist\nsections:\n  - id: s1\n    title: First\n    questions:\n      - { id: q1, question: One?, guidance: G, severity: high, min-elaboration: 5 }\n      - { id: q2, question: Two?, guidance: G, severity: low, min-elaboration: 5 }\nrules:\n  - { id: r1, when: { question: q1, answer: [N] }, finding: Missing one., recommendation: Add one. }\n  - { id: r2, when: { question: q2, answer: [Y] }, finding: Two is Y., recommendation: Check two. }\n";

fn checklist() -> (Checklist, RuleSet) {
    match checklist::parse(SourceFile::from_string("prop.yaml", CHECKLIST.to_owned()))
        .and_then(RuleSet::of_loaded)
    {
        Ok(pair) => pair,
        Err(e) => panic!("{e:?}"),
    }
}

/// YAML-ish text: fragments that exercise the parser's corners.
fn yamlish() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        Just("checklist: prop\n".to_owned()),
        Just("project:\n  name: P\n".to_owned()),
        Just("answers:\n".to_owned()),
        Just("  q1:\n    answer: Y\n    elaboration: long enough text\n".to_owned()),
        Just("  q2: {answer: N, elaboration: [a, b], evidence: x}\n".to_owned()),
        Just("- item\n".to_owned()),
        Just("&a [*a]\n".to_owned()),
        Just("? complex\n: key\n".to_owned()),
        Just("!tag value\n".to_owned()),
        Just("---\n".to_owned()),
        Just("\t".to_owned()),
        Just("\"unterminated".to_owned()),
        "[a-z:\\-\\[\\]{}#&*!|>'\"% \n]{0,20}",
        any::<String>(),
    ];
    prop::collection::vec(fragment, 0..12).prop_map(|parts| parts.concat())
}

fn answers_yaml(name: &str, e1: &str, e2: &str, a1: &str, evidence: &str) -> String {
    let q = |s: &str| serde_json::Value::String(s.to_owned()).to_string();
    format!(
        "checklist: prop\nproject:\n  name: {}\n  owner: {}\nanswers:\n  q1:\n    answer: {a1}\n    elaboration: {}\n    evidence: [{}]\n  q2:\n    answer: Y\n    elaboration: {}\n",
        q(name),
        q(name),
        q(&format!("Elaboration: {e1}")),
        // Not a web address, which would be a link in one and text in the other:
        // links have their own tests (tests/reports.rs).
        q(&format!("e.example/{evidence}")),
        q(&format!("Elaboration: {e2}")),
    )
}

fn render(text: &str, format: ReportFormat) -> String {
    let (checklist, rules) = checklist();
    let source = SourceFile::from_string("a.yaml", text.to_owned());
    let file: AnswerFile = yaml::from_str(&source.text).unwrap_or_else(|e| panic!("{e}: {text}"));
    let (diagnostics, responses) = validate::validate(&file, &checklist, &[], None);
    let Some(responses) = responses else {
        panic!("{diagnostics:#?}\n{text}");
    };
    let assessment: Assessment<'_> = assess::assess(assess::Inputs {
        checklist: &checklist,
        rules: &rules,
        responses: &responses,
        answers: &source,
        rules_files: &[],
        warnings: Vec::new(),
        date: "2024-01-01".to_owned(),
        answer_keys: None,
    });
    report::render(&assessment, format, None).unwrap_or_else(|e| panic!("{e}"))
}

/// Replaces every character by a harmless letter, keeping lengths.
fn benign(s: &str) -> String {
    s.chars().map(|_| 'a').collect()
}

fn count(haystack: &str, c: char) -> usize {
    haystack.chars().filter(|&x| x == c).count()
}

/// Unescaped pipes per line.
fn pipes(line: &str) -> usize {
    let mut n = 0;
    let mut escaped = false;
    for c in line.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => n += 1,
            _ => escaped = false,
        }
        if c != '\\' {
            escaped = false;
        }
    }
    n
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, .. ProptestConfig::default() })]

    #[test]
    fn validation_never_panics(text in yamlish()) {
        let (checklist, _) = checklist();
        let source = SourceFile::from_string("x.yaml", text);
        if let Ok(file) = yaml::from_str::<AnswerFile>(&source.text) {
            let named = validate::named_checklists(&file).unwrap_or_default();
            let (mut diagnostics, _) = validate::validate(&file, &checklist, &named, None);
            airisk::diag::resolve(&source, &mut diagnostics);
            let _ = airisk::diag::render_text(&[&source], &diagnostics, false);
        }
    }

    #[test]
    fn html_keeps_untrusted_text_inert(name in "[^\\p{C}\\s][^\\p{C}]{0,39}", e1 in "[^\\p{C}]{0,80}", e2 in "[<>\"'&/=a-z ]{0,40}", evidence in "[<>\"'a-z]{0,20}", n in any::<bool>()) {
        let a1 = if n { "N" } else { "Y" };
        let hostile = render(&answers_yaml(&name, &e1, &e2, a1, &evidence), ReportFormat::Html);
        let safe = render(&answers_yaml(&benign(&name), &benign(&e1), &benign(&e2), a1, &benign(&evidence)), ReportFormat::Html);
        // Every tag and attribute quote in the output comes from the template.
        prop_assert_eq!(count(&hostile, '<'), count(&safe, '<'));
        prop_assert_eq!(count(&hostile, '"'), count(&safe, '"'));
        prop_assert_eq!(count(&hostile, '\''), count(&safe, '\''));
    }

    #[test]
    fn markdown_tables_keep_their_cells(name in "[^\\p{C}\\s][^\\p{C}]{0,39}", e1 in "[^\\p{C}]{0,120}", e2 in "[|`#>\\-\n\\\\a-z ]{0,60}".prop_filter("a paragraph break is legitimate structure", |s| !s.contains("\n\n")), n in any::<bool>()) {
        let a1 = if n { "N" } else { "Y" };
        let hostile = render(&answers_yaml(&name, &e1, &e2, a1, "x"), ReportFormat::Markdown);
        let safe = render(&answers_yaml(&benign(&name), &benign(&e1), &benign(&e2), a1, "x"), ReportFormat::Markdown);
        // Paragraph breaks inside an elaboration may add plain lines in the appendix, but
        // no table row, cell, heading, quote, list item or code fence.
        let rows = |text: &str| -> Vec<usize> { text.lines().filter(|l| l.starts_with('|')).map(pipes).collect() };
        prop_assert_eq!(rows(&hostile), rows(&safe));
        for marker in ["#", ">", "- ", "* ", "+ ", "```", "    ", "<"] {
            let starts = |text: &str| text.lines().filter(|l| l.starts_with(marker)).count();
            prop_assert_eq!(starts(&hostile), starts(&safe), "lines starting with {:?}", marker);
        }
    }

    #[test]
    fn rendering_is_deterministic(name in "[^\\p{C}\\s][^\\p{C}]{0,29}", e1 in "[^\\p{C}]{0,60}") {
        let text = answers_yaml(&name, &e1, "second answer", "Y", "x");
        prop_assert_eq!(render(&text, ReportFormat::Html), render(&text, ReportFormat::Html));
        prop_assert_eq!(render(&text, ReportFormat::Markdown), render(&text, ReportFormat::Markdown));
    }
}
