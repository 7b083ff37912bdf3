//! The GitHub Actions job summary: when `GITHUB_STEP_SUMMARY` names a file, `assess`
//! appends a short Markdown summary to it (the runner shows it on the run's page).

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use anyhow::{Context, Result};

use crate::assess::Assessment;
use crate::report::markdown_cell;

/// Findings listed in the summary; the rest are counted.
const TOP: usize = 5;

/// The Markdown summary of an assessment.
pub fn markdown(a: &Assessment<'_>) -> String {
    let mut out = String::new();
    let file = a.inputs.first().map_or("", |i| i.path.as_str());
    let _ = writeln!(
        out,
        "### airisk: overall risk {}\n",
        a.rating.as_str().to_uppercase()
    );
    let _ = writeln!(
        out,
        "{} ({}, {} questions)\n",
        markdown_cell(file),
        markdown_cell(a.checklist.id),
        a.totals.questions
    );
    out.push_str("| critical | high | medium | low |\n| ---: | ---: | ---: | ---: |\n");
    let counts = &a.totals.findings;
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} |\n",
        counts.critical, counts.high, counts.medium, counts.low
    );
    if a.findings.is_empty() {
        out.push_str("No open findings.\n\n");
        return out;
    }
    // The findings come most severe first.
    out.push_str("| severity | rule | question | finding |\n| --- | --- | --- | --- |\n");
    for f in a.findings.iter().take(TOP) {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            f.severity,
            markdown_cell(f.rule),
            markdown_cell(f.question),
            markdown_cell(f.finding)
        );
    }
    if a.findings.len() > TOP {
        let _ = writeln!(out, "\n…and {} more.", a.findings.len() - TOP);
    }
    out.push('\n');
    out
}

/// Appends the summary to the file at `path` (the runner creates it for each step).
pub fn append(path: &Path, a: &Assessment<'_>) -> Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .with_context(|| format!("cannot open GITHUB_STEP_SUMMARY {}", path.display()))?;
    file.write_all(markdown(a).as_bytes())
        .with_context(|| format!("cannot write GITHUB_STEP_SUMMARY {}", path.display()))
}
