//! `airisk assess`: validate, run the rules and print the risk table.

use anyhow::Result;

use super::{Ctx, evaluate};
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
    if !assessment.warnings.is_empty() && args.format != AssessFormat::Json {
        output::stderr(&diag::render_text(
            &[&evaluated.prepared.source],
            &assessment.warnings,
            ctx.color_err,
        ));
    }
    let text = match args.format {
        AssessFormat::Table => crate::term::assessment(&assessment, ctx.color_out),
        AssessFormat::Json => serde_json::to_string_pretty(&assessment)? + "\n",
        AssessFormat::Github => crate::report::github_annotations(&assessment),
    };
    output::stdout(&text)?;
    let failing = assessment
        .findings
        .iter()
        .filter(|f| f.severity >= args.fail_on)
        .count();
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
