//! `airisk review init`: a review file to fill in, with the open findings listed as
//! candidates for acceptance (commented out: accepting is the reviewer's decision).

use std::fmt::Write as _;

use crate::assess::Assessment;
use crate::one_line;

/// A YAML double-quoted scalar (JSON's string syntax is YAML's too).
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned())
}

/// The review file's text. `answers` is the answer file as the review file names it
/// (relative to the review file's folder); `today` the review date.
pub fn scaffold(assessment: &Assessment<'_>, answers: &str, today: &str) -> String {
    let mut out = String::new();
    out.push_str(
        "# airisk review file: the reviewer's notes, accepted risks, decision and sign-off.\n",
    );
    out.push_str(
        "# Use it with `airisk assess|report ANSWERS --review THIS-FILE`; see docs/review.md.\n",
    );
    out.push_str("# Keys starting `x-` are yours: airisk ignores them.\n\n");
    let _ = writeln!(
        out,
        "answers: {}   # the answer file reviewed, relative to this file",
        quoted(answers)
    );
    let _ = writeln!(
        out,
        "project: {}   # must be the answer file's project.name",
        quoted(&assessment.project.name)
    );
    out.push_str("reviewer:\n  name:            # required\n  role:\n  contact:\n");
    let _ = writeln!(out, "date: {today}");
    out.push_str("\n# Your comment on an answer, by question id; shown beside the answer in every report.\nnotes:\n");
    if let Some(q) = assessment.questions.first() {
        let _ = writeln!(out, "  # {}: >", q.id);
        out.push_str("  #   What you think of the answer, and what to change.\n");
    }
    out.push_str("\n# Findings accepted until a date (required, at most a year ahead): they leave the open\n");
    out.push_str(
        "# list for the \"Accepted risks\" section, and come back when the date has passed.\n",
    );
    out.push_str("accepted-risks:\n");
    if assessment.findings.is_empty() {
        out.push_str("  # no open finding to accept\n");
    } else {
        out.push_str(
            "  # The open findings (rule, question, severity); copy an entry to accept one:\n",
        );
        for f in &assessment.findings {
            let _ = writeln!(
                out,
                "  # - rule: {}\n  #   question: {}   # {}: {}\n  #   reason:\n  #   accepted-by:\n  #   ticket:\n  #   expires: YYYY-MM-DD",
                f.rule,
                f.question,
                f.severity,
                crate::report::excerpt(&one_line(f.finding), 60).replace('\n', " ")
            );
        }
    }
    out.push_str(
        "\n# Your own overall rating (none, low, medium, high, critical), shown beside airisk's:\n",
    );
    out.push_str("# rating:\n#   level: high\n#   reason:\n");
    out.push_str("\n# pending, approved, approved-with-conditions (list them) or rejected.\n");
    out.push_str("decision:\n  status: pending\n  conditions: []\n");
    out.push_str(
        "\n# Recorded by `airisk review sign THIS-FILE --by NAME`; do not edit by hand.\n",
    );
    out
}
