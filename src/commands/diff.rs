//! `airisk diff`: what changed between two rounds of an assessment.

use std::path::Path;

use anyhow::Result;

use super::{Ctx, evaluate};
use crate::cli::DiffArgs;
use crate::diff::{self, DiffFormat, Named, Side, SideKind};
use crate::escape::term_line;
use crate::exit;
use crate::output;
use crate::pipeline;
use crate::source::SourceFile;

pub fn run(args: &DiffArgs, ctx: &Ctx) -> Result<u8> {
    let old = match side(&args.old, args, ctx)? {
        Ok(side) => side,
        Err(code) => return Ok(code),
    };
    let new = match side(&args.new, args, ctx)? {
        Ok(side) => side,
        Err(code) => return Ok(code),
    };
    let diff = diff::compare(&old, &new);
    // Warnings go to stderr too, where a CI log shows them whatever the format.
    for w in &diff.warnings {
        output::stderr(&format!("warning: {}\n", term_line(&w.message)));
    }
    let text = match args.format {
        DiffFormat::Table => diff::table(&diff, ctx.color_out),
        DiffFormat::Json => diff::json(&diff)?,
        DiffFormat::Markdown => diff::markdown(&diff),
    };
    output::stdout(&text)?;
    if let Some(level) = args.fail_on_new {
        let new_findings = diff.new_at_or_above(level);
        if new_findings > 0 {
            output::stderr(&format!(
                "error: {new_findings} new finding{} at or above {level} since {} (--fail-on-new {level})\n",
                if new_findings == 1 { "" } else { "s" },
                term_line(&args.old.display().to_string())
            ));
            return Ok(exit::FAILURE);
        }
    }
    Ok(exit::SUCCESS)
}

/// One side: the JSON of an earlier `assess`, or an answer file assessed now; `Err(code)`
/// when an answer file cannot be assessed (what stopped it is printed).
fn side(path: &Path, args: &DiffArgs, ctx: &Ctx) -> Result<Result<Named, u8>> {
    let name = path.display().to_string();
    // An answer file is read again by the pipeline: the first read only tells JSON apart.
    let source = SourceFile::read(path)?;
    if let Some(side) = diff::read_json_side(&source)? {
        return Ok(Ok(Named {
            path: name,
            kind: SideKind::Assessment,
            side,
        }));
    }
    drop(source);
    let evaluated = match evaluate(path, &args.checklist.checklists, &[], false, ctx)? {
        Ok(e) => e,
        Err(code) => return Ok(Err(code)),
    };
    let assessment = pipeline::assess(&evaluated)?;
    Ok(Ok(Named {
        path: name,
        kind: SideKind::Answers,
        side: Side::of_assessment(&assessment)?,
    }))
}
