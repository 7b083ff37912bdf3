//! `parse_floor CHECKLIST ANSWERS`: the serde_yaml floor for airisk's own formats.
//!
//! Like `../shared/bench/parse_only` (which reads the Python sketch format), it reads both
//! files and deserializes them with serde_yaml 0.9 into airisk's own types
//! (`ChecklistFile`, `AnswerFile`), prints three counts and exits; nothing else. It is what
//! issue 7 compares airisk's end-to-end time and peak memory with: serde_yaml alone on the
//! same two files, into airisk's types. Build: `cargo build --release --example parse_floor`.
// A measuring tool that cannot read its inputs has nothing to say: failing loudly is right.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write as _;

use airisk::answers::{AnswerFile, AnswerMap};
use airisk::checklist::ChecklistFile;

fn load<T: serde::de::DeserializeOwned>(path: &str) -> T {
    let text = std::fs::read_to_string(path).unwrap();
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [checklist, answers] = args.as_slice() else {
        panic!("usage: parse_floor CHECKLIST ANSWERS");
    };
    // The same order and calls as parse_only: read, serde_yaml::from_str, drop the text.
    let checklist: ChecklistFile = load(checklist);
    let answers: AnswerFile = load(answers);
    let questions: usize = checklist.sections.iter().map(|s| s.questions.len()).sum();
    let entries = match &answers.answers {
        AnswerMap::Entries(entries) => entries.len(),
        _ => 0,
    };
    let _ = writeln!(
        std::io::stdout(),
        "questions={questions} rules={} answers={entries}",
        checklist.rules.len()
    );
}
