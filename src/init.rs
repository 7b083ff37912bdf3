//! `airisk init`: an answer template with every question, ready to fill in.
//!
//! The unfilled template is valid YAML; validating it reports one `unanswered` error per
//! question (and the empty project name), never a parse error.

use std::fmt::Write as _;

use crate::checklist::{Checklist, Scoring};
use crate::escape::term_line;
use crate::one_line;

const WIDTH: usize = 92;

/// The template text. `names` are what `checklist:` should say (id@version or paths).
pub fn template(checklist: &Checklist, names: &[String]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# airisk answer file: {}",
        term_line(&one_line(&checklist.title))
    );
    if !checklist.description.trim().is_empty() {
        comment(&mut out, "# ", &checklist.description);
    }
    if !checklist.url.trim().is_empty() {
        comment(&mut out, "# Home: ", &checklist.url);
    }
    if !checklist.licence.trim().is_empty() {
        comment(&mut out, "# Licence: ", &checklist.licence);
    }
    if !(checklist.description.trim().is_empty()
        && checklist.url.trim().is_empty()
        && checklist.licence.trim().is_empty())
    {
        out.push_str("#\n");
    }
    out.push_str("# Answer every question Y, N or NA, and justify every answer in `elaboration`, NA included.\n");
    out.push_str("# Y: the control is in place. N: it is missing or only partly in place. NA: it cannot apply\n");
    out.push_str("# to this system (say why). Only Y, N and NA, in capitals, are accepted.\n");
    out.push_str(
        "# Write each elaboration on the lines under `elaboration: >`, indented further: in this\n",
    );
    out.push_str("# block form every character is text, `#` and `:` included.\n");
    if checklist.scoring == Scoring::MlTestScore {
        out.push_str("# ML Test Score: a Y answer also says `implementation: manual` (done by hand, results\n");
        out.push_str(
            "# documented: 0.5 point) or `implementation: automated` (runs repeatedly: 1 point).\n",
        );
    }
    out.push_str("# Check it with: airisk validate <this file>\n\n");
    let quoted: Vec<String> = names.iter().map(|n| yaml_scalar(n)).collect();
    if quoted.len() == 1 {
        let _ = writeln!(out, "checklist: {}", quoted[0]);
    } else {
        let _ = writeln!(out, "checklist: [{}]", quoted.join(", "));
    }
    out.push_str("project:\n  name:            # required: the system being assessed\n  owner:\n  description:\n  version:\n  contact:\n");
    out.push_str("answers:\n");
    for section in &checklist.sections {
        let _ = writeln!(
            out,
            "\n  # ==== {} ({}) ====",
            term_line(&one_line(&section.title)),
            term_line(&section.id)
        );
        if !section.description.trim().is_empty() {
            comment(&mut out, "  # ", &section.description);
        }
        for q in &section.questions {
            out.push('\n');
            let na = if q.na_allowed {
                "NA accepted"
            } else {
                "NA not accepted"
            };
            let _ = writeln!(
                out,
                "  # {} · severity {} · {na} · at least {} characters{}",
                term_line(&q.id),
                q.severity,
                q.min_elaboration,
                settings(q)
            );
            comment(&mut out, "  # Q: ", &q.question);
            if !q.guidance.trim().is_empty() {
                comment(&mut out, "  # Guidance: ", &q.guidance);
            }
            if !q.references.is_empty() {
                comment(&mut out, "  # References: ", &q.references.join(", "));
            }
            let _ = writeln!(out, "  {}:", q.id);
            out.push_str("    answer:\n    elaboration: >\n    evidence: []\n");
            if checklist.scoring == Scoring::MlTestScore {
                out.push_str("    implementation:      # manual | automated, for a Y answer\n");
            }
        }
    }
    out
}

/// What a question of a third-party checklist adds to its settings line: obligation,
/// the answers that need an elaboration, evidence and conditions. Empty for most.
fn settings(q: &crate::checklist::Question) -> String {
    use crate::checklist::Obligation;
    let mut out = String::new();
    match q.obligation {
        Obligation::Required => {}
        Obligation::Recommended => out.push_str(" · recommended (SHOULD)"),
        Obligation::Optional => out.push_str(" · optional (MAY)"),
    }
    for (answer, min) in &q.min_per_answer {
        let _ = write!(out, " · {min} for {}", answer.as_str());
    }
    if let Some(values) = &q.elaboration_required {
        let values: Vec<&str> = values.iter().map(|v| v.as_str()).collect();
        let _ = write!(out, " · elaboration needed for {}", values.join("/"));
    }
    for (answer, kind) in &q.evidence_required {
        let what = match kind {
            crate::checklist::EvidenceKind::Url => "a link",
            crate::checklist::EvidenceKind::Any => "evidence",
        };
        let _ = write!(out, " · {} needs {what}", answer.as_str());
    }
    if q.applies_if.is_some() {
        out.push_str(" · conditional");
    }
    out
}

/// A scalar that YAML reads back as the same text.
pub(crate) fn yaml_scalar(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.@/".contains(c))
        && !text.starts_with(['-', '.', '@']);
    if plain {
        text.to_owned()
    } else {
        // A JSON string is a valid YAML double-quoted scalar.
        serde_json::Value::String(text.to_owned()).to_string()
    }
}

/// Writes `text` as comment lines starting with `first`, wrapped to the width; control
/// characters in it are shown escaped, so a comment line stays one line.
fn comment(out: &mut String, first: &str, text: &str) {
    let flat = one_line(text);
    let text = &*term_line(&flat);
    // Continuation lines start with the same `#` as the first, aligned after its label.
    let hash = first.find('#').unwrap_or(0);
    let indent = format!(
        "{}#{}",
        &first[..hash],
        " ".repeat(first.len().saturating_sub(hash + 1))
    );
    let mut line = first.to_owned();
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.chars().count() + 1 + word.chars().count() > WIDTH {
            out.push_str(line.trim_end());
            out.push('\n');
            line.clone_from(&indent);
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_are_quoted_only_when_needed() {
        assert_eq!(yaml_scalar("ai-risk-control@1.0"), "ai-risk-control@1.0");
        assert_eq!(yaml_scalar("my list.yaml"), "\"my list.yaml\"");
        assert_eq!(yaml_scalar("a: b"), "\"a: b\"");
    }

    #[test]
    fn comments_wrap_and_never_break_yaml() {
        let mut out = String::new();
        comment(&mut out, "  # Q: ", &"word ".repeat(60));
        assert!(
            out.lines()
                .all(|l| l.starts_with("  #") && l.chars().count() <= WIDTH + 10)
        );
        assert!(out.lines().count() > 2);
    }
}
