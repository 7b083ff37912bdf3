//! A [`Diff`] for a terminal (through [`crate::escape`]) and as a pull-request comment
//! (through the report's Markdown escaping).

use std::fmt::Write as _;

use super::{
    AnswerChange, Diff, ElaborationChange, EvidenceChange, SideAcceptance, SideFinding, SideKind,
    WordOp, Words,
};
use crate::answers::AnswerValue;
use crate::escape::{clip, term_line};
use crate::one_line;
use crate::report::markdown_escape;
use crate::term::{change_text, rating_text, severity_text};

/// GitHub refuses a comment over 65,536 characters; this leaves room for a CI's own lines.
pub const MARKDOWN_LIMIT: usize = 65_000;

/// The most of a finding's text a line quotes.
const FINDING_CHARS: usize = 160;

/// A word diff longer than this (in bytes of Markdown) is summarised, so one long answer
/// cannot crowd every other change out of a comment.
const MAX_MARKDOWN_ITEM: usize = 4_000;

fn readiness(r: Option<f64>) -> String {
    r.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.1}"))
}

fn answer(a: Option<AnswerValue>) -> &'static str {
    a.map_or("(none)", AnswerValue::as_str)
}

fn kind(kind: SideKind) -> &'static str {
    match kind {
        SideKind::Answers => "answer file",
        SideKind::Assessment => "assess JSON",
    }
}

fn field(text: &str) -> String {
    term_line(&one_line(text)).into_owned()
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// The line that says what a regression is, or nothing.
fn regression_note(c: &AnswerChange) -> &'static str {
    if c.regression { " (regression)" } else { "" }
}

/// `airisk diff` for a terminal.
pub fn table(diff: &Diff, color: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "OLD: {} ({})\nNEW: {} ({})",
        field(&diff.old.path),
        kind(diff.old.kind),
        field(&diff.new.path),
        kind(diff.new.kind)
    );
    // The warnings are on stderr (the command prints them), not repeated here.
    let _ = writeln!(
        out,
        "\nOverall risk: {} -> {}",
        rating_text(diff.rating.old, color),
        rating_text(diff.rating.new, color)
    );
    let _ = writeln!(
        out,
        "Readiness:    {} -> {}",
        readiness(diff.readiness.old),
        readiness(diff.readiness.new)
    );
    let finding = |out: &mut String, sign: char, f: &SideFinding| {
        let _ = writeln!(
            out,
            "  {sign} [{}] {} ({}): {}",
            severity_text(f.severity, color),
            field(&f.question),
            field(&f.rule),
            field(&clip(&one_line(&f.finding), FINDING_CHARS))
        );
    };
    let _ = writeln!(out, "\nFindings opened ({}):", diff.opened.len());
    for f in &diff.opened {
        finding(&mut out, '+', f);
    }
    let _ = writeln!(out, "\nFindings closed ({}):", diff.closed.len());
    for f in &diff.closed {
        finding(&mut out, '-', f);
    }
    let _ = writeln!(
        out,
        "\nAnswers changed ({}), regressions first:",
        diff.answers_changed.len()
    );
    for c in &diff.answers_changed {
        let _ = writeln!(
            out,
            "  {}: {} -> {}{}",
            field(&c.question),
            answer(c.old),
            answer(c.new),
            regression_note(c)
        );
    }
    let _ = writeln!(
        out,
        "\nElaborations rewritten ({}):",
        diff.elaborations_changed.len()
    );
    for e in &diff.elaborations_changed {
        let _ = writeln!(
            out,
            "  {}:\n    {}",
            field(&e.question),
            term_words(e, color)
        );
    }
    let _ = writeln!(out, "\nEvidence changed ({}):", diff.evidence_changed.len());
    for e in &diff.evidence_changed {
        let _ = writeln!(out, "  {}:", field(&e.question));
        for added in &e.added {
            let _ = writeln!(out, "    + {}", change_text(&field(added), true, color));
        }
        for removed in &e.removed {
            let _ = writeln!(out, "    - {}", change_text(&field(removed), false, color));
        }
    }
    let _ = writeln!(out, "\nAcceptances: {}", acceptances_line(diff));
    for (sign, a) in acceptance_changes(diff) {
        let _ = writeln!(
            out,
            "  {sign} {} ({}), expires {}, accepted by {}: {}",
            field(&a.label()),
            acceptance_word(sign),
            field(&a.expires),
            field(&a.accepted_by),
            field(&clip(&one_line(&a.reason), FINDING_CHARS))
        );
    }
    out
}

fn acceptances_line(diff: &Diff) -> String {
    let a = &diff.acceptances;
    if a.available {
        format!(
            "{} added, {} expired, {} removed",
            a.added.len(),
            a.expired.len(),
            a.removed.len()
        )
    } else {
        super::acceptances_unavailable(diff).to_owned()
    }
}

/// Each acceptance that changed: its sign (`+` added, `!` expired, `-` removed) and it.
fn acceptance_changes(diff: &Diff) -> impl Iterator<Item = (char, &SideAcceptance)> {
    let a = &diff.acceptances;
    a.added
        .iter()
        .map(|x| ('+', x))
        .chain(a.expired.iter().map(|x| ('!', x)))
        .chain(a.removed.iter().map(|x| ('-', x)))
}

fn acceptance_word(sign: char) -> &'static str {
    match sign {
        '+' => "added",
        '!' => "expired",
        _ => "removed",
    }
}

/// A word diff on one line: `[-removed-]{+added+}`, coloured when colour is on. Each run
/// is escaped alone; a marker always stands between two runs, so no `##[` or line-start
/// `::` can be made of two of them.
fn term_words(e: &ElaborationChange, color: bool) -> String {
    let Some(words) = &e.words else {
        return format!(
            "[-{}-]\n    {{+{}+}}",
            change_text(&field(&e.old), false, color),
            change_text(&field(&e.new), true, color)
        );
    };
    let mut out = String::new();
    for w in words {
        let text = term_line(&w.text);
        match w.op {
            WordOp::Equal => out.push_str(&text),
            WordOp::Delete => {
                let _ = write!(out, "[-{}-]", change_text(&text, false, color));
            }
            WordOp::Insert => {
                let _ = write!(out, "{{+{}+}}", change_text(&text, true, color));
            }
        }
    }
    out
}

/// Inline Markdown for a run of words: its outer white space kept as one space, so the
/// emphasis around it opens and closes where GitHub expects.
fn md_run(text: &str, wrap: &str) -> String {
    let core = markdown_escape(text);
    if core.is_empty() {
        return if text.is_empty() {
            String::new()
        } else {
            " ".to_owned()
        };
    }
    let lead = if text.starts_with(char::is_whitespace) {
        " "
    } else {
        ""
    };
    let trail = if text.ends_with(char::is_whitespace) {
        " "
    } else {
        ""
    };
    format!("{lead}{wrap}{core}{wrap}{trail}")
}

/// A word diff in Markdown: removed words struck through, added ones in bold.
fn md_words(words: &[Words]) -> String {
    words
        .iter()
        .map(|w| match w.op {
            WordOp::Equal => md_run(&w.text, ""),
            WordOp::Delete => md_run(&w.text, "~~"),
            WordOp::Insert => md_run(&w.text, "**"),
        })
        .collect()
}

fn md_elaboration(e: &ElaborationChange) -> String {
    let id = markdown_escape(&e.question);
    let whole = || {
        format!(
            "- **{id}**: rewritten; too long to show word by word here (`--format json` has both texts)\n"
        )
    };
    let Some(words) = &e.words else {
        return whole();
    };
    let item = format!("- **{id}**: {}\n", md_words(words));
    if item.len() > MAX_MARKDOWN_ITEM {
        whole()
    } else {
        item
    }
}

fn md_evidence(e: &EvidenceChange) -> String {
    let list = |items: &[String]| {
        items
            .iter()
            .map(|i| markdown_escape(i))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut parts = Vec::new();
    if !e.added.is_empty() {
        parts.push(format!("added {}", list(&e.added)));
    }
    if !e.removed.is_empty() {
        parts.push(format!("removed {}", list(&e.removed)));
    }
    let item = format!(
        "- **{}**: {}\n",
        markdown_escape(&e.question),
        parts.join("; ")
    );
    if item.len() > MAX_MARKDOWN_ITEM {
        format!(
            "- **{}**: {} added, {} removed (too long to list here)\n",
            markdown_escape(&e.question),
            e.added.len(),
            e.removed.len()
        )
    } else {
        item
    }
}

fn md_finding(f: &SideFinding) -> String {
    format!(
        "- **{}** {} (rule {}): {}\n",
        f.severity,
        markdown_escape(&f.question),
        markdown_escape(&f.rule),
        markdown_escape(&clip(&one_line(&f.finding), FINDING_CHARS))
    )
}

fn md_answer(c: &AnswerChange) -> String {
    format!(
        "- {}: {} → {}{}\n",
        markdown_escape(&c.question),
        answer(c.old),
        answer(c.new),
        if c.regression {
            " **(regression)**"
        } else {
            ""
        }
    )
}

fn md_acceptance((sign, a): (char, &SideAcceptance)) -> String {
    format!(
        "- **{}** {}, expires {}, accepted by {}: {}\n",
        acceptance_word(sign),
        markdown_escape(&clip(&a.label(), 200)),
        markdown_escape(&clip(&a.expires, 40)),
        markdown_escape(&clip(&a.accepted_by, 80)),
        markdown_escape(&clip(&one_line(&a.reason), FINDING_CHARS))
    )
}

/// A comment that stops adding items when the next would take it past the limit, and
/// counts what it left out.
struct Comment {
    out: String,
    /// Room kept for the closing note.
    limit: usize,
    full: bool,
    left_out: usize,
}

impl Comment {
    fn section(&mut self, heading: &str, items: Vec<String>) {
        if items.is_empty() {
            return;
        }
        if self.full {
            self.left_out += items.len();
            return;
        }
        let heading = format!("\n### {heading} ({})\n\n", items.len());
        let total = items.len();
        for (done, item) in items.into_iter().enumerate() {
            let extra = if done == 0 { heading.len() } else { 0 };
            if self.out.len() + extra + item.len() > self.limit {
                self.full = true;
                self.left_out += total - done;
                return;
            }
            if done == 0 {
                self.out.push_str(&heading);
            }
            self.out.push_str(&item);
        }
    }
}

/// `airisk diff --format markdown`: a pull-request comment of at most [`MARKDOWN_LIMIT`]
/// bytes (so as many characters at most); the changes that do not fit are counted.
pub fn markdown(diff: &Diff) -> String {
    let mut out = format!(
        "## airisk diff: {}\n\nOLD: {} ({}). NEW: {} ({}).\n",
        markdown_escape(&diff.new.project),
        markdown_escape(&diff.old.path),
        kind(diff.old.kind),
        markdown_escape(&diff.new.path),
        kind(diff.new.kind)
    );
    for w in &diff.warnings {
        let _ = writeln!(out, "\n> **Warning**: {}", markdown_escape(&w.message));
    }
    let _ = write!(
        out,
        "\n| | OLD | NEW |\n| --- | --- | --- |\n| Overall risk | {} | {} |\n| Readiness | {} | {} |\n\n\
         {}, {} closed; {} changed ({} regressions), {} rewritten, evidence changed on {}.\n",
        diff.rating.old.as_str(),
        diff.rating.new.as_str(),
        readiness(diff.readiness.old),
        readiness(diff.readiness.new),
        plural(diff.opened.len(), "finding") + " opened",
        diff.closed.len(),
        plural(diff.answers_changed.len(), "answer"),
        diff.answers_changed.iter().filter(|c| c.regression).count(),
        plural(diff.elaborations_changed.len(), "elaboration"),
        plural(diff.evidence_changed.len(), "question"),
    );
    let _ = writeln!(out, "\nAcceptances: {}.", acceptances_line(diff));
    // The closing note fits in what is kept back.
    let mut comment = Comment {
        out,
        limit: MARKDOWN_LIMIT - 400,
        full: false,
        left_out: 0,
    };
    comment.section(
        "Findings opened",
        diff.opened.iter().map(md_finding).collect(),
    );
    comment.section(
        "Answers changed, regressions first",
        diff.answers_changed.iter().map(md_answer).collect(),
    );
    comment.section(
        "Findings closed",
        diff.closed.iter().map(md_finding).collect(),
    );
    comment.section(
        "Acceptances changed",
        acceptance_changes(diff).map(md_acceptance).collect(),
    );
    comment.section(
        "Evidence changed",
        diff.evidence_changed.iter().map(md_evidence).collect(),
    );
    comment.section(
        "Elaborations rewritten",
        diff.elaborations_changed
            .iter()
            .map(md_elaboration)
            .collect(),
    );
    let mut out = comment.out;
    if comment.left_out > 0 {
        let _ = writeln!(
            out,
            "\n_{} left out to keep this comment under 65,000 characters; `airisk diff --format json` lists every change._",
            plural(comment.left_out, "more change"),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_keep_their_outer_space_outside_the_emphasis() {
        assert_eq!(md_run(" by hand ", "~~"), " ~~by hand~~ ");
        assert_eq!(md_run("x*y", "**"), "**x\\*y**");
        assert_eq!(md_run("  ", "**"), " ");
        assert_eq!(md_run("", "**"), "");
    }
}
