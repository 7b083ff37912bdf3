//! `airisk assess`: validate, run the rules, print the risk table (or a CI format), write
//! any `--output` files, then decide the exit status.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};

use super::{Ctx, evaluate, review};
use crate::assess::{Assessment, Rating};
use crate::checklist::Severity;
use crate::cli::{AssessArgs, AssessFormat, OutputFormat, OutputSpec};
use crate::diag;
use crate::exit;
use crate::output;
use crate::report::ReportFormat;
use crate::term::Layout;

pub fn run(args: &AssessArgs, ctx: &Ctx) -> Result<u8> {
    // Usage mistakes in --output stop the run before any work, and before any file is
    // written: a run writes all of its outputs or none.
    check_targets(&args.outputs)?;
    let evaluated = match evaluate(
        &args.file,
        &args.checklist.checklists,
        &args.rules,
        args.review.draft,
        ctx,
    )? {
        Ok(e) => e,
        Err(code) => return Ok(code),
    };
    let reviewed = review::assess(&evaluated, &args.review, ctx)?;
    let assessment = &reviewed.assessment;
    let fail_on = args.fail_on.threshold();
    let top = args.top.map(std::num::NonZeroUsize::get);
    // JSON carries the warnings, GitHub makes them annotations; elsewhere they go to stderr.
    if !args.quiet
        && !assessment.warnings.is_empty()
        && !matches!(args.format, AssessFormat::Json | AssessFormat::Github)
    {
        output::stderr(&diag::render_text(
            &reviewed.sources(&evaluated),
            &assessment.warnings,
            ctx.color_err,
        ));
    }
    // Everything is written before the exit status is decided, so that a failing gate
    // still leaves its reports.
    let mut inputs = evaluated.input_paths(&args.rules);
    inputs.extend(args.review.review.iter().cloned());
    for spec in &args.outputs {
        write_output(spec, assessment, fail_on, &inputs, top)?;
    }
    if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
        // The summary is a courtesy of the runner: failing to add to it is not a reason
        // to fail the gate, but is said.
        if let Err(err) = crate::ci::summary::append(&PathBuf::from(path), assessment) {
            output::stderr(&format!("warning: {err:#}\n"));
        }
    }
    if !args.quiet {
        let mut text = render(args.format.into(), assessment, fail_on, ctx.tables, top)?;
        if args.format == AssessFormat::Table {
            text.push_str(&review::terminal(assessment));
        }
        // A reader that closes the pipe early does not turn a failing gate into a success.
        output::unless_closed(output::stdout(&text))?;
    }
    Ok(gate(args, assessment, fail_on))
}

/// The exit status: findings against `--fail-on`, the rating against `--fail-on-rating`.
fn gate(args: &AssessArgs, assessment: &Assessment<'_>, fail_on: Option<Severity>) -> u8 {
    let mut status = exit::SUCCESS;
    if fail_on.is_some()
        && let Some(reason) = review::draft_gate(assessment, args.fail_on.as_str())
    {
        output::stderr(&reason);
        status = exit::FAILURE;
    }
    if let Some(level) = fail_on {
        let failing = assessment
            .findings
            .iter()
            .filter(|f| f.severity >= level)
            .count();
        if failing > 0 {
            output::stderr(&format!(
                "{} open finding{} at or above {level} (--fail-on {level})\n",
                failing,
                if failing == 1 { "" } else { "s" },
            ));
            status = exit::FAILURE;
        }
    }
    if let Some(level) = args
        .fail_on_rating
        .threshold()
        .filter(|level| rating_reaches(assessment.rating, *level))
    {
        output::stderr(&format!(
            "overall risk {} is at or above {level} (--fail-on-rating {level})\n",
            assessment.rating.as_str()
        ));
        status = exit::FAILURE;
    }
    status
}

fn rating_reaches(rating: Rating, level: Severity) -> bool {
    let as_severity = match rating {
        Rating::None => return false,
        Rating::Low => Severity::Low,
        Rating::Medium => Severity::Medium,
        Rating::High => Severity::High,
        Rating::Critical => Severity::Critical,
    };
    as_severity >= level
}

impl From<AssessFormat> for OutputFormat {
    fn from(format: AssessFormat) -> Self {
        match format {
            AssessFormat::Table => OutputFormat::Table,
            AssessFormat::Json => OutputFormat::Json,
            AssessFormat::Github => OutputFormat::Github,
            AssessFormat::Sarif => OutputFormat::Sarif,
            AssessFormat::Junit => OutputFormat::Junit,
            AssessFormat::Gitlab => OutputFormat::Gitlab,
        }
    }
}

/// An assess format as text. The report formats are rendered by [`write_output`], into
/// the file as they are made.
fn render(
    format: OutputFormat,
    assessment: &Assessment<'_>,
    fail_on: Option<Severity>,
    tables: Layout,
    top: Option<usize>,
) -> Result<String> {
    Ok(match format {
        OutputFormat::Table => crate::term::assessment(assessment, tables, top),
        OutputFormat::Json => crate::escape::json_pretty(assessment)?,
        OutputFormat::Github => github(assessment),
        OutputFormat::Sarif => crate::ci::sarif::assessment(assessment)?,
        OutputFormat::Junit => crate::ci::junit::assessment(assessment, fail_on),
        OutputFormat::Gitlab => crate::ci::gitlab::assessment(assessment)?,
        OutputFormat::Markdown => crate::report::render(assessment, ReportFormat::Markdown, None)?,
        OutputFormat::Html => crate::report::render(assessment, ReportFormat::Html, None)?,
    })
}

fn write_output(
    spec: &OutputSpec,
    assessment: &Assessment<'_>,
    fail_on: Option<Severity>,
    inputs: &[PathBuf],
    top: Option<usize>,
) -> Result<()> {
    let path = &spec.path;
    let report = match spec.format {
        OutputFormat::Markdown => Some(ReportFormat::Markdown),
        OutputFormat::Html => Some(ReportFormat::Html),
        _ => None,
    };
    // An output replaces the previous run's (force), never an input.
    let written = if let Some(format) = report {
        output::write_file_with(path, inputs, true, |out| {
            crate::report::render_to(assessment, format, None, out)
        })
    } else {
        // A file is no terminal: no colour, and the width of a pipe.
        let tables = Layout::new(false, false, super::columns().as_deref());
        let text = render(spec.format, assessment, fail_on, tables, top)?;
        output::write_file(path, text.as_bytes(), inputs, true)
    };
    written.with_context(|| format!("--output {} was not written", path.display()))
}

/// Each target once, in an existing folder, and not a folder itself.
fn check_targets(outputs: &[OutputSpec]) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    for spec in outputs {
        let path = &spec.path;
        if !seen.insert(path) {
            bail!("--output names {} twice", path.display());
        }
        let dir = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => std::path::Path::new("."),
        };
        if !dir.is_dir() {
            bail!(
                "--output {}: the folder {} does not exist",
                path.display(),
                dir.display()
            );
        }
        if path.is_dir() {
            bail!("--output {}: it is a folder", path.display());
        }
    }
    Ok(())
}

/// The quality warnings and the findings as annotations, then the notice of how many
/// GitHub hides when there are more than it shows.
fn github(assessment: &Assessment<'_>) -> String {
    let mut text = diag::render_github(&assessment.warnings);
    text.push_str(&crate::report::github_annotations(assessment));
    let (errors, warnings) =
        assessment
            .findings
            .iter()
            .fold(diag::count(&assessment.warnings), |(e, w), f| {
                match f.severity {
                    Severity::Critical | Severity::High => (e + 1, w),
                    Severity::Medium => (e, w + 1),
                    Severity::Low => (e, w),
                }
            });
    if let Some(notice) = diag::github_overflow_notice(errors, warnings) {
        text.push_str(&notice);
    }
    text
}
