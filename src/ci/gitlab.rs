//! GitLab Code Quality: the JSON array (a subset of Code Climate's issue format) that
//! GitLab shows in merge requests, as `artifacts:reports:codequality`.

use std::fmt::Write as _;

use serde::Serialize;

use super::{FileReport, all_diagnostics, diagnostic_fingerprints, fingerprint, relative_path};
use crate::assess::Assessment;
use crate::checklist::Severity;
use crate::diag::{Diagnostic, Level};
use crate::one_line;

#[derive(Serialize)]
struct Issue {
    description: String,
    check_name: String,
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
}

fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "critical",
        Severity::High => "major",
        Severity::Medium => "minor",
        Severity::Low => "info",
    }
}

fn location(file: &str, line: Option<usize>) -> Location {
    Location {
        // GitLab matches paths relative to the repository root, without `./`.
        path: relative_path(file),
        // GitLab requires a line; a result without one goes on the first.
        lines: Lines {
            begin: line.unwrap_or(1).max(1),
        },
    }
}

fn diagnostic_issues(diagnostics: &[Diagnostic]) -> Vec<Issue> {
    diagnostics
        .iter()
        .zip(diagnostic_fingerprints(diagnostics))
        .map(|(d, print)| {
            let mut description = d.message.clone();
            if let Some(question) = &d.question {
                let _ = write!(description, " [{question}]");
            }
            Issue {
                description,
                check_name: d.code.as_str().to_owned(),
                fingerprint: print,
                severity: match d.level {
                    Level::Error => "major",
                    Level::Warning => "minor",
                },
                location: location(&d.file, d.line),
            }
        })
        .collect()
}

fn to_json(issues: &[Issue]) -> serde_json::Result<String> {
    crate::escape::json_pretty(issues)
}

/// `assess --format gitlab`: one issue per open finding and per validation warning.
pub fn assessment(a: &Assessment<'_>) -> serde_json::Result<String> {
    let mut issues: Vec<Issue> = a
        .findings
        .iter()
        .map(|f| Issue {
            description: format!(
                "[{}] {} ({}). Recommendation: {}",
                f.severity,
                one_line(f.finding),
                f.question,
                one_line(f.recommendation)
            ),
            check_name: f.rule.to_owned(),
            // The file is part of it: GitLab compares fingerprints across a whole report.
            fingerprint: fingerprint(&[f.rule, f.question, &relative_path(&f.location.file)]),
            severity: severity(f.severity),
            location: location(&f.location.file, f.location.line),
        })
        .collect();
    issues.extend(diagnostic_issues(&a.warnings));
    to_json(&issues)
}

/// `validate --format gitlab`: one issue per diagnostic; a file that could not be checked
/// is a blocker on its first line.
pub fn files(reports: &[FileReport]) -> serde_json::Result<String> {
    let mut issues = diagnostic_issues(&all_diagnostics(reports));
    for report in reports {
        if let Some(error) = &report.error {
            issues.push(Issue {
                description: one_line(error),
                check_name: "unusable".into(),
                fingerprint: fingerprint(&["unusable", &report.file]),
                severity: "blocker",
                location: location(&report.file, None),
            });
        }
    }
    to_json(&issues)
}
