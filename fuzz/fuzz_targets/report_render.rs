//! Structured answers with arbitrary text, rendered as HTML and Markdown: rendering never
//! fails, and no text from the answers becomes markup.
#![no_main]

use airisk::answers::AnswerFile;
use airisk::checklist;
use airisk::report::ReportFormat;
use airisk::source::SourceFile;
use airisk::{assess, report, validate, yaml};
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;

const CHECKLIST: &str = "id: f\nversion: \"1\"\ntitle: F\nsections:\n  - id: s\n    title: S\n    questions:\n      - { id: q0, question: Q?, guidance: G, severity: low, min-elaboration: 0 }\n      - { id: q1, question: Q?, guidance: G, severity: high, min-elaboration: 0 }\nrules:\n  - { id: r0, when: { question: q0, answer: [N, Y] }, finding: F, recommendation: R }\n";

#[derive(Debug, Arbitrary)]
struct Input {
    name: String,
    owner: String,
    elaborations: [String; 2],
    evidence: Vec<String>,
    no: bool,
}

fn quoted(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

fn document(input: &Input, name: &str, elaborations: [&str; 2], evidence: &[String]) -> String {
    let evidence: Vec<String> = evidence.iter().take(4).map(|e| quoted(e)).collect();
    format!(
        "checklist: f\nproject:\n  name: {}\n  owner: {}\nanswers:\n  q0:\n    answer: {}\n    elaboration: {}\n    evidence: [{}]\n  q1:\n    answer: Y\n    elaboration: {}\n",
        quoted(&format!("P{name}")),
        quoted(&input.owner),
        if input.no { "N" } else { "Y" },
        quoted(&format!("E {}", elaborations[0])),
        evidence.join(", "),
        quoted(&format!("E {}", elaborations[1])),
    )
}

fn render(text: &str, format: ReportFormat) -> Option<String> {
    let loaded = checklist::parse(SourceFile::from_string("f.yaml", CHECKLIST.to_owned()))
        .and_then(airisk::rules::RuleSet::of_loaded)
        .ok()?;
    let (checklist, rules) = loaded;
    let source = SourceFile::from_string("a.yaml", text.to_owned());
    let file: AnswerFile = yaml::from_str(&source.text).ok()?;
    let (_, responses) = validate::validate(&file, &checklist, &[], None);
    let responses = responses?;
    let a = assess::assess(assess::Inputs {
        checklist: &checklist,
        rules: &rules,
        responses: &responses,
        answers: &source,
        rules_files: &[],
        warnings: Vec::new(),
        date: "2024-01-01".into(),
        answer_keys: None,
    });
    Some(report::render(&a, format, None).unwrap_or_else(|e| panic!("rendering failed: {e}")))
}

fn benign(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { c } else { 'a' })
        .collect()
}

fuzz_target!(|input: Input| {
    let hostile = document(
        &input,
        &input.name,
        [&input.elaborations[0], &input.elaborations[1]],
        &input.evidence,
    );
    let safe_evidence: Vec<String> = input.evidence.iter().map(|e| benign(e)).collect();
    let safe = document(
        &input,
        &benign(&input.name),
        [
            &benign(&input.elaborations[0]),
            &benign(&input.elaborations[1]),
        ],
        &safe_evidence,
    );
    let (Some(h), Some(s)) = (
        render(&hostile, ReportFormat::Html),
        render(&safe, ReportFormat::Html),
    ) else {
        return;
    };
    // Every '<' and quote in the HTML comes from the template.
    assert_eq!(
        h.matches('<').count(),
        s.matches('<').count(),
        "HTML markup injected"
    );
    assert_eq!(
        h.matches('"').count(),
        s.matches('"').count(),
        "attribute injected"
    );
    let _ = render(&hostile, ReportFormat::Markdown);
});
