//! `airisk assess`: validate, run the rules and print the risk table.

use anyhow::Result;

use super::{Ctx, evaluate};
use crate::assess::Assessment;
use crate::checklist::Severity;
use crate::cli::{AssessArgs, AssessFormat};
use crate::diag;
use crate::exit;
use crate::output;
use crate::pipeline;

pub fn run(args: &AssessArgs, ctx: &Ctx) -> Result<u8> {
    let evaluated = match evaluate(&args.file, &args.checklist.checklists, &args.rules, ctx)? {
        Ok(e) => e,
        Err(code) => return Ok(code),
    };
    let assessment = pipeline::assess(&evaluated)?;
    // The verdict is known before anything is written: a reader that closes the pipe
    // early does not turn a failing assessment into a success.
    let failing = assessment
        .findings
        .iter()
        .filter(|f| f.severity >= args.fail_on)
        .count();
    let text = match args.format {
        AssessFormat::Table => crate::term::assessment(&assessment, ctx.color_out),
        AssessFormat::Json => crate::escape::json_pretty(&assessment)?,
        AssessFormat::Github => github(&assessment),
    };
    if !assessment.warnings.is_empty() && args.format == AssessFormat::Table {
        output::stderr(&diag::render_text(
            &[&evaluated.prepared.source],
            &assessment.warnings,
            ctx.color_err,
        ));
    }
    output::unless_closed(output::stdout(&text))?;
    if failing > 0 {
        output::stderr(&format!(
            "{} open finding{} at or above {} (--fail-on {})\n",
            failing,
            if failing == 1 { "" } else { "s" },
            args.fail_on,
            args.fail_on
        ));
        return Ok(exit::FAILURE);
    }
    Ok(exit::SUCCESS)
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
