//! Elaboration quality checks that every checklist gets, beyond length.
//!
//! Each has its own diagnostic code; a checklist raises or silences them under `checks:`.
//! They are heuristics, so they default to warnings: they point a reviewer at answers
//! worth a second read.

use std::collections::HashMap;
use std::hash::BuildHasher as _;
use std::sync::OnceLock;

use regex_automata::meta::Regex;

use crate::checklist::{Checklist, QualityCheck};
use crate::diag::{Code, Diagnostic};
use crate::path;
use crate::rules::Prefilter;
use crate::validate::{AnswerValue, Response, quality_level};

/// Shorter texts repeat by chance ("Handled by the platform team."), so are not compared.
const MIN_DUPLICATE_LENGTH: usize = 40;

/// A quality pattern, compiled on first use by a text that could match it: most texts
/// contain none of its literals (see [`Prefilter`]), and compiling is most of what a
/// small `validate` would otherwise cost.
struct Phrases {
    pattern: &'static str,
    literals: OnceLock<Option<Prefilter>>,
    regex: OnceLock<Regex>,
}

impl Phrases {
    const fn new(pattern: &'static str) -> Self {
        Phrases {
            pattern,
            literals: OnceLock::new(),
            regex: OnceLock::new(),
        }
    }

    fn may_match(&self, text: &str) -> bool {
        self.literals
            .get_or_init(|| Prefilter::of(self.pattern))
            .as_ref()
            .is_none_or(|literals| literals.may_match_text(text))
    }

    /// Built for matching and finding only: no capture groups beyond the whole match, no
    /// prefilter; a third of the compile time of a full `regex::Regex`.
    #[allow(clippy::expect_used)] // constant patterns, covered by the tests below
    fn regex(&self) -> &Regex {
        self.regex.get_or_init(|| {
            let config = regex_automata::meta::Config::new()
                .which_captures(regex_automata::nfa::thompson::WhichCaptures::Implicit)
                .auto_prefilter(false)
                .onepass(false)
                .backtrack(false);
            Regex::builder()
                .configure(config)
                .build(self.pattern)
                .expect("built-in quality pattern compiles")
        })
    }

    fn find(&self, text: &str) -> Option<regex_automata::Match> {
        self.may_match(text)
            .then(|| self.regex().find(text))
            .flatten()
    }

    fn is_match(&self, text: &str) -> bool {
        self.may_match(text) && self.regex().is_match(text)
    }
}

static CONTRADICTION: Phrases = Phrases::new(
    r"(?i-u)(?-u:\b)(not yet|we (do not|don'?t|have not|haven'?t) (yet )?(have|run|test|monitor|use|track|log|check|review|perform|encrypt|version|scan|document|record|measure)|is not in place|are not in place|not (yet )?(implemented|in place|done|started)|(is|are) planned|planned for|will be (added|implemented|introduced|done|set up)|in the future|on (the|our) roadmap|no (process|owner|tool|policy) (yet|exists|in place))(?-u:\b)",
);

/// Words that give a reason why a question does not apply.
static REASON: Phrases = Phrases::new(
    r"(?i-u)(?-u:\b)(because|since|as (the|we|this|it|there|no)|does not|doesn'?t|do not|don'?t|is not|isn'?t|are not|aren'?t|no |not |never|only|out of scope|without|instead)(?-u:\b)",
);

/// Signs that an elaboration says *how*: a tool, a practice, a number, a path or link.
static SPECIFICS: Phrases = Phrases::new(
    r"(?i-u)\d|/|(?-u:\b)(automat[a-z]*|pipeline|ci|review[a-z]*|test[a-z]*|monitor[a-z]*|log[a-z]*|audit[a-z]*|schedul[a-z]*|script|tool|dashboard|alert[a-z]*|polic[a-z]*|procedure|runbook|registry|checklist|encrypt[a-z]*|sign[a-z]*|vault|scan[a-z]*|approv[a-z]*|ticket|documented|recorded|tracked|version[a-z]*)(?-u:\b)",
);

/// The text lower-cased, with every run of white space one space, into `out`.
fn normalise(text: &str, out: &mut String) {
    out.clear();
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if word.is_ascii() {
            let start = out.len();
            out.push_str(word);
            out[start..].make_ascii_lowercase();
        } else {
            out.extend(word.chars().flat_map(char::to_lowercase));
        }
    }
}

/// Runs every quality check on the answers that passed the basic checks.
pub fn check(checklist: &Checklist, slots: &[Option<Response>], out: &mut Vec<Diagnostic>) {
    let duplicate_level = quality_level(checklist, QualityCheck::DuplicateElaboration);
    let contradiction_level = quality_level(checklist, QualityCheck::ContradictingElaboration);
    let reason_level = quality_level(checklist, QualityCheck::NaWithoutReason);
    let evidence_level = quality_level(checklist, QualityCheck::YWithoutEvidence);
    // Texts by the hash of their normalised form, so no copy of each text is kept.
    let mut first_with_text: HashMap<u64, Vec<(&str, &str)>> = HashMap::new();
    let hasher = std::hash::RandomState::new();
    let (mut buffer, mut other) = (String::new(), String::new());
    for (qref, question) in checklist.questions() {
        let Some(response) = &slots[qref.ordinal] else {
            continue;
        };
        let id = question.id.as_str();
        let at = || path!["answers", id, "elaboration"];
        let text = response.elaboration.trim();
        if let Some(level) = duplicate_level
            && text.chars().count() >= MIN_DUPLICATE_LENGTH
        {
            normalise(text, &mut buffer);
            let key = hasher.hash_one(buffer.as_str());
            let earlier = first_with_text.entry(key).or_default();
            let same = earlier.iter().find(|(first, _)| {
                normalise(first, &mut other);
                other == buffer
            });
            match same {
                Some((_, first)) => out.push(
                    Diagnostic::new(level, Code::DuplicateElaboration, format!("the elaboration is the same as for `{first}`"))
                        .at(at())
                        .question(id)
                        .help("explain how this question in particular is addressed; a pasted answer rarely fits two controls"),
                ),
                None => earlier.push((text, id)),
            }
        }
        match response.answer {
            AnswerValue::Y => {
                if let Some(level) = contradiction_level
                    && let Some(found) = CONTRADICTION.find(text)
                {
                    out.push(
                        Diagnostic::new(
                            level,
                            Code::ContradictingElaboration,
                            format!("answered Y, but the elaboration says \"{}\"", &text[found.range()]),
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
                    out.push(
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
                    out.push(
                        Diagnostic::new(level, Code::NaWithoutReason, "answered NA without saying why the question does not apply")
                            .at(at())
                            .question(id)
                            .help("state what about the system makes the control irrelevant, e.g. \"no personal data is processed because ...\""),
                    );
                }
            }
            AnswerValue::N => {}
        }
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
            CONTRADICTION.find(text).map(|m| &text[m.range()]),
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
    fn reason_words() {
        assert!(REASON.is_match("The system does not process personal data."));
        assert!(REASON.is_match("Not relevant because the model runs offline."));
        assert!(!REASON.is_match("Handled elsewhere by the platform group"));
    }

    #[test]
    fn texts_without_the_phrases_are_ruled_out_uncompiled() {
        for phrases in [&CONTRADICTION, &REASON] {
            assert!(
                Prefilter::of(phrases.pattern).is_some(),
                "{}",
                phrases.pattern
            );
        }
        let fresh = Phrases::new(CONTRADICTION.pattern);
        assert!(!fresh.is_match("Drift is monitored hourly by Evidently."));
        assert!(fresh.regex.get().is_none());
        assert!(fresh.is_match("This is NOT YET in place."));
        assert!(fresh.regex.get().is_some());
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
    fn specifics() {
        assert!(SPECIFICS.is_match("Reviewed quarterly by the data owner."));
        assert!(SPECIFICS.is_match("Stored in docs/model-card.md"));
        assert!(!SPECIFICS.is_match("Yes, we take care of this properly."));
    }
}
