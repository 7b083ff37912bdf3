//! What a valid answer file means: one response per question, and the project.
//!
//! Produced by validation, read by the rules, the assessment and the renderers.

use serde::Serialize;

/// A team's answer to one question.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
pub enum AnswerValue {
    Y,
    N,
    NA,
}

impl AnswerValue {
    pub fn as_str(self) -> &'static str {
        match self {
            AnswerValue::Y => "Y",
            AnswerValue::N => "N",
            AnswerValue::NA => "NA",
        }
    }
}

/// How an ML Test Score test is done, when it is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Implementation {
    Manual,
    Automated,
}

/// One validated answer.
#[derive(Debug, Clone, Serialize)]
pub struct Response {
    pub answer: AnswerValue,
    pub elaboration: String,
    pub evidence: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub implementation: Option<Implementation>,
    /// Set when the question's `applies-if` does not hold: why it does not apply. The
    /// answer is then NA and needs none from the team.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_applicable: Option<String>,
}

/// The `project:` block.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Project {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
}

/// A valid answer file: the project and one response per question, in checklist order.
#[derive(Debug, Clone)]
pub struct Responses {
    pub project: Project,
    pub by_ordinal: Vec<Response>,
}

/// Normalised placeholder texts: what people write when they mean to come back later.
const PLACEHOLDERS: &[&str] = &[
    "tbd",
    "tba",
    "tbc",
    "todo",
    "to do",
    "fixme",
    "xxx",
    "wip",
    "n/a",
    "na",
    "n.a.",
    "none",
    "nil",
    "null",
    "-",
    "--",
    "---",
    "?",
    "??",
    "...",
    "…",
    "x",
    ".",
    "see above",
    "same as above",
    "as above",
    "see below",
    "ditto",
    "pending",
    "to be done",
    "to be decided",
    "to be confirmed",
    "to be determined",
    "not applicable",
    "ok",
    "yes",
    "no",
    "done",
    "y",
    "n",
    "placeholder",
    "test",
    "asdf",
];

/// Most characters in any of [`PLACEHOLDERS`] (the tests check it).
const MAX_PLACEHOLDER_CHARS: usize = 16;

/// Whether an elaboration is a placeholder rather than an explanation. Invisible
/// characters are not looked at: `TBD` followed by zero-width spaces is `TBD`.
pub fn is_placeholder(text: &str) -> bool {
    let text = &*super::visible(text);
    // Most elaborations are long: no lower-cased copy is needed to rule them out (a
    // character never lower-cases to fewer, and only ASCII letters to "lorem ipsum").
    let core = text.trim().trim_end_matches(['.', '!']).trim();
    if core.chars().nth(MAX_PLACEHOLDER_CHARS).is_some()
        && !core
            .get(.."lorem ipsum".len())
            .is_some_and(|start| start.eq_ignore_ascii_case("lorem ipsum"))
    {
        return false;
    }
    let normalised = text
        .trim()
        .trim_end_matches(['.', '!'])
        .trim()
        .to_lowercase();
    let normalised = if normalised.is_empty() {
        text.trim().to_lowercase()
    } else {
        normalised
    };
    PLACEHOLDERS.contains(&normalised.as_str()) || normalised.starts_with("lorem ipsum")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_texts_are_ruled_out_as_placeholders_without_a_copy() {
        let longest = PLACEHOLDERS.iter().map(|p| p.chars().count()).max();
        assert_eq!(longest, Some(MAX_PLACEHOLDER_CHARS));
        assert!(is_placeholder(
            "To be determined!!!!!!!!!!!!!!!!!!!!........"
        ));
        assert!(is_placeholder("  TO BE DETERMINED.  "));
        assert!(is_placeholder(
            "LOREM IPSUM dolor sit amet, consectetur adipiscing elit"
        ));
        assert!(!is_placeholder("to be determined by the model owner"));
        assert!(!is_placeholder("İpsum lorem ipsum dolor sit amet"));
        let hidden = format!("TBD{}", "\u{200B}".repeat(40));
        assert!(is_placeholder(&hidden));
        assert!(is_placeholder("\u{2060}n/a\u{FEFF}"));
    }

    #[test]
    fn placeholders_are_recognised_but_real_text_is_not() {
        for p in [
            "TBD",
            "tbd.",
            " TODO ",
            "n/a",
            "-",
            "See above",
            "same as above",
            "Lorem ipsum dolor",
        ] {
            assert!(is_placeholder(p), "{p}");
        }
        for real in [
            "TBD by the data team: provenance is stored in DVC",
            "See the runbook in ops/",
        ] {
            assert!(!is_placeholder(real), "{real}");
        }
    }
}
