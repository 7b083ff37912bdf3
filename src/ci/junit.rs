//! JUnit XML, for CI test dashboards: one test case per question, one test suite per
//! section.
//!
//! Written by hand rather than with `quick-junit`, which brings chrono, uuid, indexmap
//! and quick-xml for what is here a few elements; [`escape`] is the one place text enters
//! the XML, and the tests parse the output with `junitparser`.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::{FileReport, all_diagnostics, level_name};
use crate::assess::{Assessment, Finding};
use crate::checklist::Severity;
use crate::diag::Diagnostic;
use crate::one_line;

/// XML escaping lives with the other output kinds' in [`crate::escape`].
pub use crate::escape::xml as escape;

/// One `<testcase>` being built.
#[derive(Default)]
struct Case {
    name: String,
    classname: String,
    file: String,
    line: Option<usize>,
    /// `(element, message, type, body)`: `failure` or `error`.
    problems: Vec<(&'static str, String, String, String)>,
    out: Vec<String>,
}

impl Case {
    fn write(&self, xml: &mut String) {
        let _ = write!(
            xml,
            "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\"",
            escape(&self.name),
            escape(&self.classname),
            escape(&self.file)
        );
        if let Some(line) = self.line {
            let _ = write!(xml, " line=\"{line}\"");
        }
        if self.problems.is_empty() && self.out.is_empty() {
            xml.push_str("/>\n");
            return;
        }
        xml.push_str(">\n");
        for (element, message, kind, body) in &self.problems {
            let _ = writeln!(
                xml,
                "      <{element} message=\"{}\" type=\"{}\">{}</{element}>",
                escape(message),
                escape(kind),
                escape(body)
            );
        }
        if !self.out.is_empty() {
            let _ = writeln!(
                xml,
                "      <system-out>{}</system-out>",
                escape(&self.out.join("\n"))
            );
        }
        xml.push_str("    </testcase>\n");
    }

    fn counts(&self) -> (usize, usize) {
        let failures = self.problems.iter().filter(|p| p.0 == "failure").count();
        (
            usize::from(failures > 0),
            usize::from(self.problems.len() > failures),
        )
    }
}

struct Suite {
    name: String,
    cases: Vec<Case>,
}

fn document(name: &str, suites: &[Suite]) -> String {
    let mut body = String::new();
    let (mut tests, mut failures, mut errors) = (0, 0, 0);
    for suite in suites {
        let (mut f, mut e) = (0, 0);
        for case in &suite.cases {
            let (cf, ce) = case.counts();
            f += cf;
            e += ce;
        }
        tests += suite.cases.len();
        failures += f;
        errors += e;
        let _ = writeln!(
            body,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{f}\" errors=\"{e}\" skipped=\"0\">",
            escape(&suite.name),
            suite.cases.len()
        );
        for case in &suite.cases {
            case.write(&mut body);
        }
        body.push_str("  </testsuite>\n");
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">\n{body}</testsuites>\n",
        escape(name)
    )
}

fn finding_text(f: &Finding<'_>) -> String {
    format!(
        "{}\nRecommendation: {}\nRule: {} ({})\nAt: {}",
        one_line(f.finding),
        one_line(f.recommendation),
        f.rule,
        f.severity,
        position(&f.location.file, f.location.line, f.location.column)
    )
}

fn diagnostic_text(d: &Diagnostic) -> String {
    let mut text = format!("{}\nAt: {}", d.message, position(&d.file, d.line, d.column));
    if let Some(help) = &d.help {
        let _ = write!(text, "\nhelp: {help}");
    }
    text
}

fn position(file: &str, line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!("{file}:{l}:{c}"),
        (Some(l), None) => format!("{file}:{l}"),
        _ => file.to_owned(),
    }
}

/// `assess --format junit`: each question passes, or fails with its open findings at or
/// above `fail_on` (`None`: nothing fails); findings below it are listed as output.
pub fn assessment(a: &Assessment<'_>, fail_on: Option<Severity>) -> String {
    let mut by_question: HashMap<&str, Vec<&Finding<'_>>> = HashMap::new();
    for f in &a.findings {
        by_question.entry(f.question).or_default().push(f);
    }
    let mut warnings: HashMap<&str, Vec<&Diagnostic>> = HashMap::new();
    for w in &a.warnings {
        warnings
            .entry(w.question.as_deref().unwrap_or(""))
            .or_default()
            .push(w);
    }
    let file = a
        .inputs
        .first()
        .map_or_else(String::new, |input| input.path.clone());
    let mut suites: Vec<Suite> = Vec::with_capacity(a.sections.len());
    let mut rest = a.questions.as_slice();
    for section in &a.sections {
        let (own, after) = rest.split_at(section.questions.min(rest.len()));
        rest = after;
        let cases = own
            .iter()
            .map(|q| {
                let mut case = Case {
                    name: q.id.to_owned(),
                    classname: format!("{}.{}", section.checklist, section.id),
                    file: file.clone(),
                    ..Case::default()
                };
                for f in by_question.get(q.id).into_iter().flatten() {
                    case.line = case.line.or(f.location.line);
                    let summary = format!("[{}] {}", f.severity, one_line(f.finding));
                    if fail_on.is_some_and(|level| f.severity >= level) {
                        case.problems.push((
                            "failure",
                            summary,
                            f.rule.to_owned(),
                            finding_text(f),
                        ));
                    } else {
                        case.out
                            .push(format!("open finding below the gate: {}", finding_text(f)));
                    }
                }
                for w in warnings.get(q.id).into_iter().flatten() {
                    case.out.push(format!(
                        "warning [{}]: {}",
                        w.code.as_str(),
                        diagnostic_text(w)
                    ));
                }
                case
            })
            .collect();
        suites.push(Suite {
            name: format!("{}: {}", section.id, one_line(section.title)),
            cases,
        });
    }
    if let Some(general) = warnings.get("") {
        let mut case = Case {
            name: "answer file".into(),
            classname: "airisk".into(),
            file: file.clone(),
            ..Case::default()
        };
        for w in general {
            case.out.push(format!(
                "warning [{}]: {}",
                w.code.as_str(),
                diagnostic_text(w)
            ));
        }
        suites.push(Suite {
            name: file.clone(),
            cases: vec![case],
        });
    }
    document("airisk assess", &suites)
}

fn diagnostic_problem(d: &Diagnostic) -> Option<(&'static str, String, String, String)> {
    d.is_error().then(|| {
        (
            "error",
            d.message.clone(),
            d.code.as_str().to_owned(),
            diagnostic_text(d),
        )
    })
}

/// `validate --format junit`: per file, a suite per section with a case per question
/// (its errors are `<error>`s, its warnings output), and a case for the file itself with
/// the problems that belong to no question, or why the file could not be checked.
pub fn files(reports: &[FileReport], command: &str) -> String {
    let mut suites = Vec::new();
    for report in reports {
        let diagnostics = all_diagnostics(std::slice::from_ref(report));
        let known: std::collections::HashSet<&str> = report
            .sections
            .iter()
            .flat_map(|(_, ids)| ids.iter().map(String::as_str))
            .collect();
        let mut by_question: HashMap<&str, Vec<&Diagnostic>> = HashMap::new();
        let mut general = Vec::new();
        for d in &diagnostics {
            match d.question.as_deref() {
                Some(q) if known.contains(q) => by_question.entry(q).or_default().push(d),
                _ => general.push(d),
            }
        }
        let case_for = |name: &str, classname: String, items: &[&Diagnostic]| {
            let mut case = Case {
                name: name.to_owned(),
                classname,
                file: report.file.clone(),
                ..Case::default()
            };
            for d in items {
                case.line = case.line.or(d.line);
                match diagnostic_problem(d) {
                    Some(problem) => case.problems.push(problem),
                    None => case.out.push(format!(
                        "{} [{}]: {}",
                        level_name(d.level),
                        d.code.as_str(),
                        diagnostic_text(d)
                    )),
                }
            }
            case
        };
        let mut file_case = case_for("file", "airisk".into(), &general);
        if let Some(error) = &report.error {
            file_case
                .problems
                .push(("error", one_line(error), "unusable".into(), error.clone()));
        }
        suites.push(Suite {
            name: report.file.clone(),
            cases: vec![file_case],
        });
        for (section, ids) in &report.sections {
            let cases = ids
                .iter()
                .map(|id| {
                    let items = by_question.get(id.as_str()).map_or(&[][..], Vec::as_slice);
                    case_for(id, section.clone(), items)
                })
                .collect();
            suites.push(Suite {
                name: format!("{}: {section}", report.file),
                cases,
            });
        }
    }
    document(&format!("airisk {command}"), &suites)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_handles_markup_and_control_characters() {
        assert_eq!(
            escape("a<b>&\"c'\u{1b}[31m\u{0}\n"),
            "a&lt;b&gt;&amp;&quot;c&apos;\u{fffd}[31m\u{fffd}&#10;"
        );
    }
}
