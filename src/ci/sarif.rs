//! SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
//!
//! Plain serde structs rather than the `serde-sarif` crate: that crate generates its whole
//! model from the schema at build time (syn, prettyplease, schemafy, typed-builder, strum),
//! a heavy build for the dozen objects written here; the output is checked against the
//! SARIF 2.1.0 schema by Microsoft's validator in the tests instead.

use std::collections::HashMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::{
    FileReport, all_diagnostics, diagnostic_fingerprints, fingerprint, relative_path, truncate,
};
use crate::assess::Assessment;
use crate::checklist::Severity;
use crate::diag::{Code, Diagnostic, Level};
use crate::one_line;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// Code scanning rejects a run with more results than this (and shows the top 5,000).
pub const MAX_RESULTS: usize = 25_000;
/// Longest message kept, in bytes. Code scanning documents no per-message limit, but a
/// whole upload must stay under 10 MB compressed; a longer message is cut with a note.
pub const MAX_MESSAGE: usize = 8_192;
/// The key of airisk's fingerprint in `partialFingerprints`; the version changes if the
/// way it is computed ever does.
const FINGERPRINT_KEY: &str = "airisk/v1";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    invocations: [Invocation; 1],
    results: Vec<SarifResult>,
    column_kind: &'static str,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    id: &'a str,
    short_description: Text,
    help: Text,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

impl Text {
    fn new(text: &str) -> Self {
        Text {
            text: truncate(text, MAX_MESSAGE),
        }
    }
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<&'static str>,
    /// GitHub's severity for security rules: a number from 0.0 to 10.0, as text.
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    rule_index: usize,
    level: &'static str,
    message: Text,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location>,
    partial_fingerprints: HashMap<&'static str, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<usize>,
}

/// Builds the rule table while results are added: each id once, in order of first use.
#[derive(Default)]
struct Rules<'a> {
    rules: Vec<Rule<'a>>,
    index: HashMap<&'a str, usize>,
}

impl<'a> Rules<'a> {
    fn index_of(&mut self, id: &'a str, make: impl FnOnce() -> Rule<'a>) -> usize {
        *self.index.entry(id).or_insert_with(|| {
            self.rules.push(make());
            self.rules.len() - 1
        })
    }
}

fn severity_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

fn security_severity(severity: Severity) -> &'static str {
    // GitHub's bands: over 9.0 critical, 7.0 to 8.9 high, 4.0 to 6.9 medium, else low.
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "2.0",
    }
}

fn diagnostic_level(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
    }
}

/// A relative URI reference for a file name: [`relative_path`], with every byte outside
/// RFC 3986's unreserved set and `/` percent-encoded.
pub fn relative_uri(name: &str) -> String {
    let relative = relative_path(name);
    let mut out = String::with_capacity(relative.len());
    for byte in relative.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

fn location(file: &str, line: Option<usize>, column: Option<usize>) -> Vec<Location> {
    vec![Location {
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: relative_uri(file),
                uri_base_id: "%SRCROOT%",
            },
            region: line.filter(|l| *l > 0).map(|start_line| Region {
                start_line,
                start_column: column.filter(|c| *c > 0),
            }),
        },
    }]
}

fn code_rule(code: Code) -> Rule<'static> {
    Rule {
        id: code.as_str(),
        short_description: Text::new(code.describe()),
        help: Text::new(code.describe()),
        default_configuration: Configuration { level: "error" },
        properties: RuleProperties {
            tags: vec!["airisk", "validation"],
            security_severity: None,
        },
    }
}

fn diagnostic_results<'a>(
    diagnostics: &'a [Diagnostic],
    rules: &mut Rules<'a>,
) -> Vec<SarifResult> {
    let prints = diagnostic_fingerprints(diagnostics);
    diagnostics
        .iter()
        .zip(prints)
        .map(|(d, print)| {
            let rule_index = rules.index_of(d.code.as_str(), || code_rule(d.code));
            let mut message = d.message.clone();
            if let Some(question) = &d.question {
                let _ = write!(message, " [{question}]");
            }
            if let Some(help) = &d.help {
                let _ = write!(message, "\nhelp: {help}");
            }
            SarifResult {
                rule_id: d.code.as_str().to_owned(),
                rule_index,
                level: diagnostic_level(d.level),
                message: Text::new(&message),
                locations: location(&d.file, d.line, d.column),
                partial_fingerprints: HashMap::from([(FINGERPRINT_KEY, print)]),
            }
        })
        .collect()
}

/// Keeps at most [`MAX_RESULTS`] results (they come most severe first), with a note.
fn capped(mut results: Vec<SarifResult>) -> (Vec<SarifResult>, Vec<Notification>) {
    let mut notes = Vec::new();
    if results.len() > MAX_RESULTS {
        notes.push(Notification {
            level: "warning",
            message: Text::new(&format!(
                "{} results were left out: code scanning accepts at most {MAX_RESULTS} per run",
                results.len() - MAX_RESULTS
            )),
        });
        results.truncate(MAX_RESULTS);
    }
    (results, notes)
}

fn log<'a>(rules: Rules<'a>, results: Vec<SarifResult>, failed: &[String]) -> Log<'a> {
    let (results, mut notes) = capped(results);
    for message in failed {
        notes.push(Notification {
            level: "error",
            message: Text::new(message),
        });
    }
    Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "airisk",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    rules: rules.rules,
                },
            },
            invocations: [Invocation {
                execution_successful: failed.is_empty(),
                tool_execution_notifications: notes,
            }],
            results,
            // airisk's columns count characters, as yaml-rust2 reports them.
            column_kind: "unicodeCodePoints",
        }],
    }
}

fn to_json(log: &Log<'_>) -> serde_json::Result<String> {
    crate::escape::json_pretty(log)
}

/// `assess --format sarif`: one result per open finding, at its question's key, and one
/// per validation warning.
pub fn assessment(a: &Assessment<'_>) -> serde_json::Result<String> {
    let mut rules = Rules::default();
    let mut results = Vec::with_capacity(a.findings.len() + a.warnings.len());
    for f in &a.findings {
        let rule_index = rules.index_of(f.rule, || Rule {
            id: f.rule,
            short_description: Text::new(&one_line(f.finding)),
            help: Text::new(f.recommendation),
            default_configuration: Configuration {
                level: severity_level(f.severity),
            },
            properties: RuleProperties {
                tags: vec!["airisk", "security"],
                security_severity: Some(security_severity(f.severity)),
            },
        });
        let message = format!(
            "[{}] {} ({})\nRecommendation: {}",
            f.severity,
            one_line(f.finding),
            f.question,
            one_line(f.recommendation)
        );
        results.push(SarifResult {
            rule_id: f.rule.to_owned(),
            rule_index,
            level: severity_level(f.severity),
            message: Text::new(&message),
            locations: location(&f.location.file, f.location.line, f.location.column),
            partial_fingerprints: HashMap::from([(
                FINGERPRINT_KEY,
                fingerprint(&[f.rule, f.question]),
            )]),
        });
    }
    results.extend(diagnostic_results(&a.warnings, &mut rules));
    to_json(&log(rules, results, &[]))
}

/// `validate --format sarif` (and `lint`): one run for all files, one result per
/// diagnostic; a file that could not be checked is a failed tool execution.
pub fn files(reports: &[FileReport]) -> serde_json::Result<String> {
    let mut diagnostics = all_diagnostics(reports);
    // Errors first, so that a capped run keeps the most serious.
    diagnostics.sort_by_key(|d| std::cmp::Reverse(d.level));
    let mut rules = Rules::default();
    let results = diagnostic_results(&diagnostics, &mut rules);
    let failed: Vec<String> = reports
        .iter()
        .filter_map(|r| r.error.as_ref().map(|e| format!("{}: {e}", r.file)))
        .collect();
    to_json(&log(rules, results, &failed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(relative_uri("./a b/c%.yaml"), "a%20b/c%25.yaml");
        assert_eq!(relative_uri("dir\\x.yaml"), "dir/x.yaml");
        let inside = std::env::current_dir().unwrap().join("x/y.yaml");
        assert_eq!(relative_uri(&inside.to_string_lossy()), "x/y.yaml");
    }

    #[test]
    fn results_are_capped_with_a_note() {
        let results = (0..MAX_RESULTS + 3)
            .map(|i| SarifResult {
                rule_id: "r".into(),
                rule_index: 0,
                level: "note",
                message: Text::new(&i.to_string()),
                locations: Vec::new(),
                partial_fingerprints: HashMap::new(),
            })
            .collect();
        let (kept, notes) = capped(results);
        assert_eq!(kept.len(), MAX_RESULTS);
        assert!(notes[0].message.text.starts_with("3 results were left out"));
    }
}
