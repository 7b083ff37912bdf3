//! The diff as a terminal table, a Markdown pull-request comment or JSON. User text goes
//! through the escaping layer of its output: `escape::term_line` for the terminal,
//! `report::markdown_escape` for Markdown, `escape::json_pretty` for JSON.

use std::fmt::Write as _;

use similar::{ChangeTag, TextDiff};

use super::{Diff, DiffFormat, Finding};
use crate::escape::term_line;
use crate::report::{excerpt, markdown_escape};

/// GitHub refuses a comment over 65,536 characters; the cut leaves room for its note.
pub const MARKDOWN_LIMIT: usize = 65_000;

pub fn render(diff: &Diff, format: DiffFormat) -> anyhow::Result<String> {
    Ok(match format {
        DiffFormat::Json => crate::escape::json_pretty(diff)?,
        DiffFormat::Table => table(diff),
        DiffFormat::Markdown => markdown(diff),
    })
}

fn readiness(r: Option<f64>) -> String {
    r.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.1}"))
}

/// The words of `old` and `new`, runs of removed and added words marked by `mark` (which
/// gets the tag and the run's words, joined by spaces), all on one line.
fn word_diff(old: &str, new: &str, mark: impl Fn(ChangeTag, &str) -> String) -> String {
    let old: Vec<&str> = old.split_whitespace().collect();
    let new: Vec<&str> = new.split_whitespace().collect();
    let diff = TextDiff::from_slices(&old, &new);
    let mut runs: Vec<(ChangeTag, Vec<&str>)> = Vec::new();
    for change in diff.iter_all_changes() {
        match runs.last_mut() {
            Some((tag, words)) if *tag == change.tag() => words.push(change.value()),
            _ => runs.push((change.tag(), vec![change.value()])),
        }
    }
    runs.iter()
        .map(|(tag, words)| mark(*tag, &words.join(" ")))
        .collect::<Vec<_>>()
        .join(" ")
}

fn finding_line(sign: char, f: &Finding, escape: impl Fn(&str) -> String) -> String {
    format!(
        "{sign} [{}] {} ({}): {}",
        f.severity,
        escape(&f.question),
        escape(&f.rule),
        escape(&excerpt(&f.finding, 100))
    )
}

fn table(d: &Diff) -> String {
    let t = |s: &str| term_line(s).into_owned();
    let mut out = String::new();
    for w in &d.warnings {
        let _ = writeln!(out, "warning: {}", t(w));
    }
    let _ = writeln!(
        out,
        "Overall risk: {} -> {}",
        t(&d.rating.old),
        t(&d.rating.new)
    );
    let _ = writeln!(
        out,
        "Readiness:    {} -> {}",
        readiness(d.readiness.old),
        readiness(d.readiness.new)
    );
    let _ = writeln!(out, "\nFindings closed ({}):", d.closed.len());
    for f in &d.closed {
        let _ = writeln!(out, "  {}", finding_line('-', f, t));
    }
    let _ = writeln!(out, "\nFindings opened ({}):", d.opened.len());
    for f in &d.opened {
        let _ = writeln!(out, "  {}", finding_line('+', f, t));
    }
    let _ = writeln!(out, "\nAnswers changed ({}):", d.answers_changed.len());
    for c in &d.answers_changed {
        let _ = writeln!(
            out,
            "  {}: {} -> {}{}",
            t(&c.question),
            t(&c.old),
            t(&c.new),
            if c.regression { "  (regression)" } else { "" }
        );
    }
    let _ = writeln!(
        out,
        "\nElaborations rewritten ({}):",
        d.elaborations_rewritten.len()
    );
    for c in &d.elaborations_rewritten {
        let text = word_diff(&c.old, &c.new, |tag, text| match tag {
            ChangeTag::Equal => t(text),
            ChangeTag::Delete => format!("[-{}-]", t(text)),
            ChangeTag::Insert => format!("{{+{}+}}", t(text)),
        });
        let _ = writeln!(out, "  {}: {text}", t(&c.question));
    }
    let _ = writeln!(out, "\nEvidence changed ({}):", d.evidence_changed.len());
    for c in &d.evidence_changed {
        for e in &c.removed {
            let _ = writeln!(out, "  {}: - {}", t(&c.question), t(e));
        }
        for e in &c.added {
            let _ = writeln!(out, "  {}: + {}", t(&c.question), t(e));
        }
    }
    if let Some(a) = &d.acceptances {
        let _ = writeln!(out, "\nAcceptances:");
        for (word, list) in [
            ("added", &a.added),
            ("expired", &a.expired),
            ("removed", &a.removed),
        ] {
            for x in list {
                let _ = writeln!(
                    out,
                    "  {word}: {} (expires {})",
                    t(&x.acceptance),
                    t(&x.expires)
                );
            }
        }
    }
    out
}

/// Markdown, cut at [`MARKDOWN_LIMIT`] characters with a count of the lines left out.
fn markdown(d: &Diff) -> String {
    let m = |s: &str| markdown_escape(s);
    let mut lines: Vec<String> = Vec::new();
    lines.push(format!(
        "## airisk: {} → {}\n",
        m(&d.old.file),
        m(&d.new.file)
    ));
    for w in &d.warnings {
        lines.push(format!("> **Warning:** {}\n", m(w)));
    }
    lines.push(format!(
        "**Overall risk:** {} → {} · **Readiness:** {} → {}",
        d.rating.old.to_uppercase(),
        d.rating.new.to_uppercase(),
        readiness(d.readiness.old),
        readiness(d.readiness.new)
    ));
    let section = |lines: &mut Vec<String>, title: &str, n: usize| {
        lines.push(format!("\n### {title} ({n})\n"));
        if n == 0 {
            lines.push("None.".to_owned());
        }
    };
    section(&mut lines, "Findings opened", d.opened.len());
    for f in &d.opened {
        lines.push(format!("- {}", &finding_line('+', f, m)[2..]));
    }
    section(&mut lines, "Findings closed", d.closed.len());
    for f in &d.closed {
        lines.push(format!("- {}", &finding_line('-', f, m)[2..]));
    }
    section(&mut lines, "Answers changed", d.answers_changed.len());
    for c in &d.answers_changed {
        lines.push(format!(
            "- {}: {} → {}{}",
            m(&c.question),
            m(&c.old),
            m(&c.new),
            if c.regression {
                " **(regression)**"
            } else {
                ""
            }
        ));
    }
    section(
        &mut lines,
        "Elaborations rewritten",
        d.elaborations_rewritten.len(),
    );
    for c in &d.elaborations_rewritten {
        let text = word_diff(&c.old, &c.new, |tag, text| match tag {
            ChangeTag::Equal => m(text),
            ChangeTag::Delete => format!("~~{}~~", m(text)),
            ChangeTag::Insert => format!("**{}**", m(text)),
        });
        lines.push(format!("- **{}:** {text}", m(&c.question)));
    }
    section(&mut lines, "Evidence changed", d.evidence_changed.len());
    for c in &d.evidence_changed {
        for e in &c.removed {
            lines.push(format!("- {}: removed {}", m(&c.question), m(e)));
        }
        for e in &c.added {
            lines.push(format!("- {}: added {}", m(&c.question), m(e)));
        }
    }
    if let Some(a) = &d.acceptances {
        section(
            &mut lines,
            "Acceptances",
            a.added.len() + a.expired.len() + a.removed.len(),
        );
        for (word, list) in [
            ("added", &a.added),
            ("expired", &a.expired),
            ("removed", &a.removed),
        ] {
            for x in list {
                lines.push(format!(
                    "- {word}: {} (expires {})",
                    m(&x.acceptance),
                    m(&x.expires)
                ));
            }
        }
    }
    let mut out = String::new();
    let mut chars = 0;
    for (i, line) in lines.iter().enumerate() {
        let len = line.chars().count() + 1;
        // Room is kept for the note that says how much was cut.
        if chars + len > MARKDOWN_LIMIT - 200 {
            let left = lines.len() - i;
            let _ = writeln!(
                out,
                "\n*… {left} more line{} not shown: the comment would pass GitHub's limit; `airisk diff --format json` has all of it.*",
                if left == 1 { "" } else { "s" }
            );
            return out;
        }
        out.push_str(line);
        out.push('\n');
        chars += len;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_diff_marks_removed_and_added_runs() {
        let text = word_diff(
            "drift is watched by eye",
            "drift is computed daily",
            |tag, t| match tag {
                ChangeTag::Equal => t.to_owned(),
                ChangeTag::Delete => format!("[-{t}-]"),
                ChangeTag::Insert => format!("{{+{t}+}}"),
            },
        );
        assert_eq!(text, "drift is [-watched by eye-] {+computed daily+}");
    }
}
