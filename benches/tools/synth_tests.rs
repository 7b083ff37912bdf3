//! Tests of the generator (synth.rs), run as the library's unit tests: they check its
//! output with the library itself.

use crate::synth::*;

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let a = generate(200, 7);
    let b = generate(200, 7);
    assert_eq!(a, b);
    assert_ne!(a.answers, generate(200, 8).answers);
    assert_eq!((a.questions, a.rules), (200, 100));
}

#[test]
fn the_stream_does_not_change_between_versions() {
    // Pinned so benchmark inputs stay comparable across commits.
    let mut rng = Rng::new(DEFAULT_SEED);
    assert_eq!(rng.next_u64(), 0xbdd7_3226_2feb_6e95);
    let synth = generate(8, DEFAULT_SEED);
    let digest = crate::source::SourceFile::from_string("a", synth.answers).sha256();
    assert_eq!(digest, SYNTH_8_DIGEST);
}

/// SHA-256 of `generate(8, 42).answers`; change it only with a note in docs/performance.md.
const SYNTH_8_DIGEST: &str = "bbd8c807e4b9a3f863e8dbd0752edbd690ec1e97909ce7a47db6f0c4528ef3a8";

#[test]
fn generated_files_are_valid_without_warnings_and_use_every_rule_kind() {
    let synth = generate(400, DEFAULT_SEED);
    let loaded = crate::checklist::parse(crate::source::SourceFile::from_string(
        "checklist.yaml",
        synth.checklist,
    ))
    .unwrap_or_else(|e| panic!("{e:?}"));
    let checklist = loaded.checklist;
    assert_eq!(checklist.question_count(), 400);
    assert_eq!(checklist.rules.len(), 200);
    let file: crate::answers::AnswerFile = crate::yaml::from_str(&synth.answers).unwrap();
    let named = crate::validate::named_checklists(&file).unwrap();
    let (diagnostics, responses) = crate::validate::validate(&file, &checklist, &named, None);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    assert!(responses.is_some());
    let whens: Vec<String> = checklist
        .rules
        .iter()
        .map(|r| format!("{:?}", r.when))
        .collect();
    for kind in [
        "answer: Some([N])",
        "answer: Some([N, NA])",
        "elaboration_matches: Some(\"(?i)",
        "ignore_case: Some(true)",
        "elaboration_not_matches: Some(",
        "elaboration_shorter_than: Some(",
        "evidence_missing: Some(true)",
        "elaboration_placeholder: Some(true)",
        "elaboration_missing: Some(true)",
        "all: Some(",
        "any: Some(",
        "not: Some(",
    ] {
        assert!(
            whens.iter().any(|w| w.contains(kind)),
            "no rule with {kind}"
        );
    }
}

#[test]
fn with_warnings_adds_the_usual_warnings_and_no_error() {
    use crate::diag::{Code, Level};
    let dir = tempfile::tempdir().unwrap();
    let synth = write(400, dir.path(), DEFAULT_SEED, true).unwrap();
    let loaded = crate::checklist::parse(crate::source::SourceFile::from_string(
        "checklist.yaml",
        synth.checklist,
    ))
    .unwrap_or_else(|e| panic!("{e:?}"));
    let file: crate::answers::AnswerFile = crate::yaml::from_str(&synth.answers).unwrap();
    let named = crate::validate::named_checklists(&file).unwrap();
    let (diagnostics, responses) =
        crate::validate::validate(&file, &loaded.checklist, &named, Some(dir.path()));
    assert!(responses.is_some(), "{diagnostics:#?}");
    assert!(diagnostics.iter().all(|d| d.level != Level::Error));
    for code in [
        Code::DuplicateElaboration,
        Code::NaWithoutReason,
        Code::EvidenceNotFound,
    ] {
        assert!(diagnostics.iter().any(|d| d.code == code), "no {code:?}");
    }
}

#[test]
fn scalars_read_back_as_written() {
    for text in [
        "plain text",
        "a: b",
        "x #y",
        "<script>",
        "«CLM-7»",
        "true",
        "(?i)manual|spreadsheet",
        "it's",
        "\\b(tbd)\\b",
    ] {
        let back: String = crate::yaml::from_str(&scalar(text)).unwrap();
        assert_eq!(back, text);
        let flow: std::collections::HashMap<String, String> =
            crate::yaml::from_str(&format!("{{ k: {} }}", scalar(text))).unwrap();
        assert_eq!(flow["k"], text);
    }
}

#[test]
fn folded_text_reads_back_exactly() {
    let text = elaboration(&mut Rng::new(3), "NA", "label quality", false, true, 17);
    let mut yaml = String::from("e: >-\n");
    folded(&mut yaml, &text, "  ");
    assert!(
        yaml.lines()
            .all(|l| l.chars().count() <= 92 || !l.trim().contains(' '))
    );
    let back: std::collections::HashMap<String, String> = crate::yaml::from_str(&yaml).unwrap();
    assert_eq!(back["e"], text);
}
