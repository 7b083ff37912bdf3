//! Authoring checks for checklist files, beyond what loading requires (`airisk lint`).

use std::path::Path;

use anyhow::Result;

use crate::checklist::{self, Checklist, LoadError, Scoring};
use crate::diag::{self, Code, Diagnostic};
use crate::path;
use crate::rules::{Check, Condition, RuleSet};
use crate::source::SourceFile;

mod defaults;

/// Reference schemes a question or rule may cite (a checklist may add its own).
pub use crate::checklist::BUILTIN_SCHEMES as SCHEMES;

const CSA_PHASES: &[&str] = &[
    "planning-design",
    "development",
    "deployment",
    "operations-maintenance",
    "end-of-life",
];

/// Checks the shape of a `scheme:identifier` reference.
pub fn check_reference(reference: &str) -> Result<(), String> {
    check_reference_in(reference, &[])
}

/// [`check_reference`] with the checklist's own schemes, whose identifiers may be any
/// text.
pub fn check_reference_in(
    reference: &str,
    custom: &[checklist::ReferenceScheme],
) -> Result<(), String> {
    if let Some((scheme, id)) = reference.split_once(':')
        && custom.iter().any(|s| s.name == scheme)
    {
        return if id.trim().is_empty() {
            Err(format!(
                "reference `{reference}` has no identifier after `{scheme}:`"
            ))
        } else {
            Ok(())
        };
    }
    let Some((scheme, id)) = reference.split_once(':') else {
        return Err(format!(
            "reference `{reference}` has no scheme; write scheme:identifier, e.g. owasp-ml:ML02"
        ));
    };
    if let Some(closed) = checklist::references::check_closed(scheme, id) {
        return closed;
    }
    let numbered = |prefix: &str, max: u32| {
        id.strip_prefix(prefix)
            .filter(|n| n.len() == 2)
            .and_then(|n| n.parse::<u32>().ok())
            .is_some_and(|n| (1..=max).contains(&n))
    };
    let ok = match scheme {
        "owasp-ml" => numbered("ML", 10),
        "owasp-llm" => numbered("LLM", 10),
        "atlas" => {
            let rest = id.strip_prefix("AML.T").unwrap_or("");
            let (main, sub) = rest.split_once('.').unwrap_or((rest, "000"));
            main.len() == 4
                && main.chars().all(|c| c.is_ascii_digit())
                && sub.len() == 3
                && sub.chars().all(|c| c.is_ascii_digit())
        }
        "nist-ai-rmf" => {
            let (function, number) = id.split_once(' ').unwrap_or((id, "1"));
            ["GOVERN", "MAP", "MEASURE", "MANAGE"].contains(&function)
                && number
                    .split('.')
                    .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        }
        "csa" => CSA_PHASES.contains(&id),
        "ml-test-score" => id.split_once('-').is_some_and(|(s, n)| {
            // A group of the paper's tests and its number: `infra-4`.
            !s.is_empty()
                && s.chars().all(|c| c.is_ascii_lowercase())
                && matches!(n, "1" | "2" | "3" | "4" | "5" | "6" | "7")
        }),
        "url" => id.starts_with("https://") || id.starts_with("http://"),
        s if SCHEMES.contains(&s) => !id.trim().is_empty(),
        _ => {
            let own: Vec<&str> = custom.iter().map(|s| s.name.as_str()).collect();
            return Err(format!(
                "reference `{reference}` uses the unknown scheme `{scheme}`; known schemes: {}",
                SCHEMES
                    .iter()
                    .copied()
                    .chain(own)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    };
    if ok {
        Ok(())
    } else {
        Err(format!("`{id}` is not a valid `{scheme}` identifier"))
    }
}

/// Runs the authoring checks on a loaded checklist and its compiled rules. Returns
/// diagnostics with paths.
pub fn lint(checklist: &Checklist, rules: &RuleSet) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    defaults::redundant_settings(checklist, &mut out);
    let mut covered = vec![false; checklist.question_count()];
    for rule in &rules.rules {
        mark_covered(&rule.condition, &mut covered);
    }
    for (qref, question) in checklist.questions() {
        let at = |field: &str| path!["sections", qref.section, "questions", qref.index, field];
        if !covered[qref.ordinal] {
            out.push(
                Diagnostic::warning(
                    Code::UncoveredQuestion,
                    format!("no rule covers question `{}`", question.id),
                )
                .at(at("id"))
                .question(&question.id)
                .help(format!(
                    "add at least a rule for an N answer: when: {{ question: {}, answer: [N] }}",
                    question.id
                )),
            );
        }
        if question.guidance.trim().is_empty() {
            out.push(
                Diagnostic::warning(Code::EmptyText, "the question has no guidance")
                    .at(at("id"))
                    .question(&question.id)
                    .help("say what a good elaboration contains: the evidence a reviewer expects"),
            );
        }
        for (i, reference) in question.references.iter().enumerate() {
            if let Err(message) = check_reference_in(reference, &checklist.reference_schemes) {
                out.push(
                    Diagnostic::error(Code::UnknownReference, message)
                        .at(path![
                            "sections",
                            qref.section,
                            "questions",
                            qref.index,
                            "references",
                            i
                        ])
                        .question(&question.id),
                );
            }
        }
    }
    for (index, (rule, def)) in rules.rules.iter().zip(&checklist.rules).enumerate() {
        if let Some(reason) = never_fires(checklist, &rule.condition) {
            out.push(
                Diagnostic::warning(
                    Code::UnreachableRule,
                    format!("rule `{}` can never fire: {reason}", rule.id),
                )
                .at(path!["rules", index, "when"]),
            );
        }
        for (i, reference) in def.references.iter().enumerate() {
            if let Err(message) = check_reference_in(reference, &checklist.reference_schemes) {
                out.push(Diagnostic::error(Code::UnknownReference, message).at(path![
                    "rules",
                    index,
                    "references",
                    i
                ]));
            }
        }
    }
    out
}

fn mark_covered(condition: &Condition, covered: &mut [bool]) {
    match condition {
        Condition::All(parts) | Condition::Any(parts) => {
            for part in parts {
                mark_covered(part, covered);
            }
        }
        Condition::Not(inner) => mark_covered(inner, covered),
        Condition::Test { ordinal, .. } => covered[*ordinal] = true,
    }
}

/// Why a condition can never hold for validated answers, if it cannot.
fn never_fires(checklist: &Checklist, condition: &Condition) -> Option<String> {
    match condition {
        Condition::All(parts) => parts.iter().find_map(|c| never_fires(checklist, c)),
        Condition::Any(parts) => {
            let reasons: Vec<String> = parts
                .iter()
                .filter_map(|c| never_fires(checklist, c))
                .collect();
            (reasons.len() == parts.len()).then(|| reasons.join("; "))
        }
        Condition::Not(_) => None,
        Condition::Test { ordinal, checks } => {
            let (_, question) = checklist.questions().nth(*ordinal)?;
            checks.iter().find_map(|check| match check {
                Check::AnswerIn(bits) if *bits == 4 && !question.na_allowed => Some(format!(
                    "it needs NA on `{}`, where NA is not accepted",
                    question.id
                )),
                Check::AnswerIn(bits) if !question.na_allowed && bits.trailing_zeros() >= 2 => {
                    Some(format!("no accepted answer of `{}` matches", question.id))
                }
                Check::ElaborationMissing => {
                    Some("validation already rejects an answer without elaboration".to_owned())
                }
                Check::ElaborationPlaceholder => {
                    Some("validation already rejects placeholder elaborations".to_owned())
                }
                Check::ElaborationShorterThan(n) if *n <= question.min_elaboration => {
                    Some(format!(
                        "`{}` already needs at least {} characters",
                        question.id, question.min_elaboration
                    ))
                }
                Check::ImplementationIn(_) if checklist.scoring != Scoring::MlTestScore => {
                    Some("`implementation` only exists in ML Test Score checklists".to_owned())
                }
                _ => None,
            })
        }
    }
}

/// Loads and lints one checklist file.
pub fn lint_file(path: &Path) -> Result<(SourceFile, Vec<Diagnostic>)> {
    let source = SourceFile::read(path)?;
    match checklist::parse(source).and_then(RuleSet::of_loaded) {
        Ok((checklist, rules)) => {
            let mut diagnostics = lint(&checklist, &rules);
            let source = checklist::Loaded { checklist }.into_source();
            diag::resolve(&source, &mut diagnostics);
            Ok((source, diagnostics))
        }
        Err(LoadError::Invalid {
            source,
            diagnostics,
        }) => Ok((*source, diagnostics)),
        Err(LoadError::Io(err)) => Err(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_checked_by_scheme() {
        for ok in [
            "owasp-ml:ML01",
            "owasp-ml:ML10",
            "owasp-llm:LLM07",
            "atlas:AML.T0051.001",
            "atlas:AML.T0020",
            "nist-ai-rmf:MEASURE 2.7",
            "nist-ai-rmf:GOVERN",
            "csa:end-of-life",
            "ml-test-score:monitor-7",
            "eu-ai-act:Art. 14",
            "url:https://example.org",
        ] {
            assert_eq!(check_reference(ok), Ok(()), "{ok}");
        }
        for bad in [
            "owasp-ml:ML11",
            "owasp-llm:LLM1",
            "atlas:T0051",
            "nist-ai-rmf:MEASURES 2",
            "csa:testing",
            "foo:bar",
            "ML01",
            "url:ftp://x",
        ] {
            assert!(check_reference(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_builtin_checklist_lints_clean() {
        for builtin in checklist::BUILTIN {
            let loaded = checklist::parse(SourceFile::embedded(
                builtin.id,
                builtin.text,
                builtin.sha256,
            ))
            .and_then(RuleSet::of_loaded)
            .unwrap_or_else(|e| panic!("{e:?}"));
            let diagnostics = lint(&loaded.0, &loaded.1);
            assert!(diagnostics.is_empty(), "{}: {diagnostics:#?}", builtin.id);
        }
    }
}
