//! Elaboration quality checks that every checklist gets, beyond length.
//!
//! Each has its own diagnostic code; a checklist raises or silences them under `checks:`.
//! They are heuristics, so they default to warnings: they point a reviewer at answers
//! worth a second read.

use std::collections::HashMap;
use std::hash::BuildHasher as _;
use std::sync::LazyLock;

use regex_automata::meta::Regex;
use regex_automata::nfa::thompson::WhichCaptures;

use super::{level_of, quality_level};
use crate::answers::{AnswerValue, Response};
use crate::checklist::{Checklist, QualityCheck};
use crate::diag::{Code, Diagnostic};
use crate::path;

/// Shorter texts repeat by chance ("Handled by the platform team."), so are not compared.
const MIN_DUPLICATE_LENGTH: usize = 40;

mod patterns;

/// A quality pattern, compiled the first time a text needs it: most runs need only one
/// or two of them.
struct Phrases(LazyLock<Regex>);

impl Phrases {
    const fn new(compile: fn() -> Regex) -> Phrases {
        Phrases(LazyLock::new(compile))
    }

    fn find(&self, text: &str) -> Option<std::ops::Range<usize>> {
        self.0.find(text).map(|m| m.range())
    }

    fn is_match(&self, text: &str) -> bool {
        self.0.is_match(text)
    }

    fn find_iter<'t>(&'t self, text: &'t str) -> impl Iterator<Item = std::ops::Range<usize>> + 't {
        self.0.find_iter(text).map(|m| m.range())
    }
}

/// The first phrase that contradicts a Y. "We do not use plain HTTP" under a negatively
/// worded control ("MUST NOT use plain HTTP") is the control met, not a contradiction.
fn contradiction(question: &str, text: &str) -> Option<std::ops::Range<usize>> {
    let first = CONTRADICTION.find(text)?;
    if !text[first.clone()].to_ascii_lowercase().starts_with("we ") {
        return Some(first);
    }
    if !NEGATIVE_CONTROL.is_match(question) {
        return Some(first);
    }
    CONTRADICTION
        .find_iter(text)
        .find(|found| !text[found.clone()].to_ascii_lowercase().starts_with("we "))
}

/// Compiles a constant pattern, which the tests below compile too. The engine behind the
/// `regex` crate, built for finding the whole match only: a third of the compile time.
#[allow(clippy::expect_used)]
fn compile(pattern: &str) -> Regex {
    let config = regex_automata::meta::Config::new()
        .which_captures(WhichCaptures::Implicit)
        .auto_prefilter(false)
        .onepass(false)
        .backtrack(false);
    Regex::builder()
        .configure(config)
        .build(pattern)
        .expect("built-in quality pattern compiles")
}

static CONTRADICTION: Phrases = Phrases::new(|| compile(patterns::CONTRADICTION));
static REASON: Phrases = Phrases::new(|| compile(patterns::REASON));
static SPECIFICS: Phrases = Phrases::new(|| compile(patterns::SPECIFICS));
static NEGATIVE_CONTROL: Phrases = Phrases::new(|| compile(patterns::NEGATIVE_CONTROL));

/// The text lower-cased, with every run of white space one space, into `out` (UTF-8).
fn normalise(text: &str, out: &mut Vec<u8>) {
    out.clear();
    // Most answers are prose with one space between words: their normal form is the text
    // lower-cased, which is copied in bulk. Taking it a word or a character at a time
    // was most of validating a small file (0.1 ms for the production example).
    if !has_irregular_ascii_space(text) && lower_in_bulk(text, out) {
        return;
    }
    out.clear();
    out.reserve(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = !out.is_empty();
        } else {
            if space {
                out.push(b' ');
                space = false;
            }
            push_lowercase(c, out);
        }
    }
}

/// Whether the text has ASCII white space that [`normalise`] would change: at either end,
/// two in a row, or anything but a space (`char::is_whitespace` in ASCII: tab to CR).
fn has_irregular_ascii_space(text: &str) -> bool {
    let bytes = text.as_bytes();
    // A fold, not `any`: without an early exit the loop is vectorised.
    let control = bytes
        .iter()
        .fold(false, |found, &b| found | matches!(b, b'\t'..=b'\r'));
    control || bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ') || text.contains("  ")
}

/// The text lower-cased into `out`, ASCII in bulk; `false` if it has white space outside
/// ASCII, which needs the general way.
fn lower_in_bulk(text: &str, out: &mut Vec<u8>) -> bool {
    if text.is_ascii() {
        out.extend(text.bytes().map(|b| b.to_ascii_lowercase()));
        return true;
    }
    out.reserve(text.len());
    let mut rest = text;
    loop {
        let ascii = rest
            .bytes()
            .position(|b| !b.is_ascii())
            .unwrap_or(rest.len());
        out.extend(rest[..ascii].bytes().map(|b| b.to_ascii_lowercase()));
        rest = &rest[ascii..];
        let Some(c) = rest.chars().next() else {
            return true;
        };
        if c.is_whitespace() {
            return false;
        }
        push_lowercase(c, out);
        rest = &rest[c.len_utf8()..];
    }
}

fn push_lowercase(c: char, out: &mut Vec<u8>) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase() as u8);
    } else {
        let mut utf8 = [0; 4];
        for lower in c.to_lowercase() {
            out.extend_from_slice(lower.encode_utf8(&mut utf8).as_bytes());
        }
    }
}

/// One answer's quality, found on its own.
struct Checked<'a> {
    id: &'a str,
    text: &'a str,
    /// Hash of the normalised text, when it is long enough to compare.
    key: Option<u64>,
    duplicate_level: Option<crate::diag::Level>,
    /// Everything but duplicates, which need the answers before it.
    diagnostics: Vec<Diagnostic>,
}

/// Runs every quality check on the answers that passed the basic checks.
pub fn check(checklist: &Checklist, slots: &[Option<Response>], out: &mut Vec<Diagnostic>) {
    let duplicate_level = quality_level(checklist, QualityCheck::DuplicateElaboration);
    let contradiction_level = quality_level(checklist, QualityCheck::ContradictingElaboration);
    let reason_level = quality_level(checklist, QualityCheck::NaWithoutReason);
    let evidence_level = quality_level(checklist, QualityCheck::YWithoutEvidence);
    let hasher = std::hash::RandomState::new();
    let mut key_buffer = Vec::new();
    let answers = checklist.questions().filter_map(|(qref, question)| {
                let response = slots[qref.ordinal].as_ref().filter(|r| r.not_applicable.is_none())?;
                let id = question.id.as_str();
                let at = || path!["answers", id, "elaboration"];
                let text = response.elaboration.trim();
                // An elaboration the question does not require may be absent: nothing
                // to judge.
                if text.is_empty() {
                    return None;
                }
                // A question's own `checks:` override the checklist's; most have none.
                let (duplicate_level, contradiction_level, reason_level, evidence_level) =
                    if question.checks.is_empty() {
                        (duplicate_level, contradiction_level, reason_level, evidence_level)
                    } else {
                        let level = |check| level_of(checklist.check_level_for(question, check));
                        (
                            level(QualityCheck::DuplicateElaboration),
                            level(QualityCheck::ContradictingElaboration),
                            level(QualityCheck::NaWithoutReason),
                            level(QualityCheck::YWithoutEvidence),
                        )
                    };
                let key = (duplicate_level.is_some()
                    && text.chars().count() >= MIN_DUPLICATE_LENGTH)
                    .then(|| {
                        normalise(text, &mut key_buffer);
                        hasher.hash_one(key_buffer.as_slice())
                    });
                let mut diagnostics = Vec::new();
                match response.answer {
                    AnswerValue::Y => {
                        if let Some(level) = contradiction_level
                            && let Some(found) = contradiction(&question.question, text)
                        {
                            diagnostics.push(
                                Diagnostic::new(
                                    level,
                                    Code::ContradictingElaboration,
                                    format!("answered Y, but the elaboration says \"{}\"", &text[found]),
                                )
                                .at(at())
                                .question(id)
                                .help("if the control is not fully in place yet, answer N and describe the plan"),
                            );
                        }
                        if let Some(level) = evidence_level
                            && response.evidence.is_empty()
                            && !SPECIFICS.is_match(text)
                        {
                            diagnostics.push(
                                Diagnostic::new(level, Code::YWithoutEvidence, "answered Y, but names no evidence, practice or tool")
                                    .at(at())
                                    .question(id)
                                    .help("say how the control works (tool, process, frequency, owner) or list `evidence:`"),
                            );
                        }
                    }
                    AnswerValue::NA => {
                        if let Some(level) = reason_level
                            && !REASON.is_match(text)
                        {
                            diagnostics.push(
                                Diagnostic::new(level, Code::NaWithoutReason, "answered NA without saying why the question does not apply")
                                    .at(at())
                                    .question(id)
                                    .help("state what about the system makes the control irrelevant, e.g. \"no personal data is processed because ...\""),
                            );
                        }
                    }
                    AnswerValue::N => {}
                }
                Some(Checked {
                    id,
                    text,
                    key,
                    duplicate_level,
                    diagnostics,
                })
    });
    // Texts by the hash of their normalised form, so no copy of each text is kept.
    let mut first_with_text: HashMap<u64, Vec<(&str, &str)>> = HashMap::new();
    let (mut buffer, mut other) = (Vec::new(), Vec::new());
    for checked in answers {
        if let (Some(level), Some(key)) = (checked.duplicate_level, checked.key) {
            let earlier = first_with_text.entry(key).or_default();
            let same = earlier.iter().find(|(first, _)| {
                normalise(first, &mut other);
                normalise(checked.text, &mut buffer);
                other == buffer
            });
            match same {
                Some((_, first)) => out.push(
                    Diagnostic::new(level, Code::DuplicateElaboration, format!("the elaboration is the same as for `{first}`"))
                        .at(path!["answers", checked.id, "elaboration"])
                        .question(checked.id)
                        .help("explain how this question in particular is addressed; a pasted answer rarely fits two controls"),
                ),
                None => earlier.push((checked.text, checked.id)),
            }
        }
        out.extend(checked.diagnostics);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contradiction_phrases() {
        assert!(CONTRADICTION.is_match("Drift monitoring is planned for Q3."));
        let text = "Drift monitoring is planned for next quarter.";
        assert_eq!(
            CONTRADICTION.find(text).map(|range| &text[range]),
            Some("is planned")
        );
        assert!(CONTRADICTION.is_match("We do not have this yet"));
        assert!(CONTRADICTION.is_match("Not yet, but soon"));
        assert!(
            !CONTRADICTION
                .is_match("Drift is monitored hourly by Evidently; alerts go to the on-call rota.")
        );
    }

    #[test]
    fn negations_answering_a_negative_control_are_not_contradictions() {
        let pairs = [
            (
                "MUST NOT use plain HTTP for downloads.",
                "We do not use plain HTTP; every download is served over TLS.",
            ),
            (
                "Does the project avoid storing secrets in the repository?",
                "We don't store secrets: we do not check them in, a scanner runs in CI.",
            ),
            (
                "The project never ships debug builds.",
                "We do not ship debug builds; release CI builds with --release.",
            ),
            (
                "Are credentials kept out of logs?",
                "We do not log credentials; the logger redacts them.",
            ),
        ];
        for (question, answer) in pairs {
            assert_eq!(
                contradiction(question, answer),
                None,
                "{question} / {answer}"
            );
        }
        // A positive control, or another contradicting phrase, still counts.
        let found = |q: &str, a: &'static str| contradiction(q, a).map(|r| &a[r]);
        assert_eq!(
            found(
                "Is all traffic encrypted?",
                "We do not encrypt internal traffic."
            ),
            Some("We do not encrypt")
        );
        assert_eq!(
            found(
                "MUST NOT use plain HTTP.",
                "We do not use plain HTTP, but TLS is planned for Q3."
            ),
            Some("is planned")
        );
        assert_eq!(
            found(
                "MUST NOT use plain HTTP.",
                "Not yet: the mirror still serves HTTP."
            ),
            Some("Not yet")
        );
    }

    #[test]
    fn reason_words() {
        assert!(REASON.is_match("The system does not process personal data."));
        assert!(REASON.is_match("Not relevant because the model runs offline."));
        assert!(!REASON.is_match("Handled elsewhere by the platform group"));
    }

    #[test]
    fn every_pattern_compiles() {
        for phrases in [&CONTRADICTION, &REASON, &SPECIFICS] {
            assert!(!phrases.is_match(""));
        }
    }

    #[test]
    fn the_same_text_twice_is_reported_once_whatever_its_spacing_and_case() {
        let spec = crate::checklist::Spec::parse("ai-risk-control");
        let checklist = crate::checklist::load(&spec, None)
            .unwrap_or_else(|_| panic!("the default checklist loads"))
            .checklist;
        let text =
            "Datasets are versioned in DVC; every training run records the hash of its data.";
        let respond = |elaboration: &str| {
            Some(Response {
                answer: AnswerValue::N,
                elaboration: elaboration.to_owned(),
                evidence: Vec::new(),
                implementation: None,
                not_applicable: None,
            })
        };
        let mut slots = vec![None; checklist.question_count()];
        slots[0] = respond(text);
        slots[1] = respond("A different answer, long enough to be compared with the others.");
        slots[2] = respond(&text.to_uppercase().replace(' ', "  \n "));
        slots[3] = respond("Short, repeated.");
        slots[4] = respond("Short, repeated.");
        let mut out = Vec::new();
        check(&checklist, &slots, &mut out);
        let duplicates: Vec<_> = out
            .iter()
            .filter(|d| d.code == Code::DuplicateElaboration)
            .collect();
        assert_eq!(duplicates.len(), 1, "{out:#?}");
        let first = checklist.questions().next().map(|(_, q)| q.id.clone());
        assert!(
            duplicates[0]
                .message
                .contains(&format!("`{}`", first.unwrap_or_default())),
            "{}",
            duplicates[0].message
        );
    }

    #[test]
    fn normalising_in_bulk_is_normalising_word_by_word() {
        let general = |text: &str| {
            text.split_whitespace()
                .map(|w| w.chars().flat_map(char::to_lowercase).collect::<String>())
                .collect::<Vec<_>>()
                .join(" ")
        };
        let texts = [
            "",
            "   ",
            "One",
            "  Two  WORDS\t\n",
            "a\x0Bb\x0Cc\rd\te\nf  g",
            "\x0B lead and trail \x0C",
            "Mixed CASE, punctuation; and 123 digits.",
            "Zoë ≥ «never» — non-ASCII letters, single spaces",
            "ÉTÉ À Paris",
            "no\u{A0}break and\u{2003}em space",
            "\u{3000}ideographic space at the start",
            "Kelvin \u{212A} and İstanbul",
            " leading space",
            "trailing space ",
            "two  spaces, and no other",
            "Zoë  and two spaces",
            "Trailing É ",
        ];
        let mut out = Vec::new();
        for text in texts {
            normalise(text, &mut out);
            assert_eq!(String::from_utf8_lossy(&out), general(text), "{text:?}");
        }
        // Every mix of ASCII and other white space, letters of both cases and punctuation.
        let alphabet = [
            'a', 'Z', ' ', '.', '1', '\t', '\n', '\x0B', '\x0C', '\r', '\x1F', 'É', 'ß', 'İ',
            '\u{A0}', '\u{2003}', '—',
        ];
        let mut seed = 0x2545_f491_u32;
        for len in 0..600 {
            let text: String = (0..len % 24)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 17;
                    seed ^= seed << 5;
                    alphabet[seed as usize % alphabet.len()]
                })
                .collect();
            normalise(&text, &mut out);
            assert_eq!(String::from_utf8_lossy(&out), general(&text), "{text:?}");
        }
    }

    #[test]
    fn specifics() {
        assert!(SPECIFICS.is_match("Reviewed quarterly by the data owner."));
        assert!(SPECIFICS.is_match("Stored in docs/model-card.md"));
        assert!(!SPECIFICS.is_match("Yes, we take care of this properly."));
    }
}
