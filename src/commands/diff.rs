//! `airisk diff`: what changed between two assessments of the same project.

use anyhow::Result;

use super::{Ctx, evaluate};
use crate::cli::DiffArgs;
use crate::exit;
use crate::output;
use crate::pipeline;

pub fn run(args: &DiffArgs, ctx: &Ctx) -> Result<u8> {
    let old = match evaluate(&args.old, &args.checklist.checklists, &[], false, ctx)? {
        Ok(e) => e,
        Err(code) => return Ok(code),
    };
    let new = match evaluate(&args.new, &args.checklist.checklists, &[], false, ctx)? {
        Ok(e) => e,
        Err(code) => return Ok(code),
    };
    let old_assessment = pipeline::assess(&old)?;
    let new_assessment = pipeline::assess(&new)?;
    let text = crate::report::diff(&old_assessment, &new_assessment, args.format)?;
    output::stdout(&text)?;
    Ok(exit::SUCCESS)
}
