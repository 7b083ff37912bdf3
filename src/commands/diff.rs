//! `airisk diff`: what changed between two rounds of the same project. Either side is an
//! answer file or the JSON of an earlier `assess --format json`.

use std::path::Path;

use anyhow::{Result, bail};

use super::{Ctx, evaluate};
use crate::cli::DiffArgs;
use crate::diff::{self, Side};
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
    if args.format != diff::DiffFormat::Table {
        // The table says them itself; elsewhere they would be lost in the data.
        for w in &diff.warnings {
            output::stderr(&format!("warning: {}\n", crate::escape::term_line(w)));
        }
    }
    let text = diff::render::render(&diff, args.format)?;
    output::unless_closed(output::stdout(&text))?;
    if let Some(level) = args.fail_on_new {
        let new_ones = diff.opened.iter().filter(|f| f.severity >= level).count();
        if new_ones > 0 {
            output::stderr(&format!(
                "{new_ones} new finding{} at or above {level} since {} (--fail-on-new {level})\n",
                if new_ones == 1 { "" } else { "s" },
                crate::escape::term_line(&old.file)
            ));
            return Ok(exit::FAILURE);
        }
    }
    Ok(exit::SUCCESS)
}

/// One round: the JSON of an earlier assessment (it starts with `{`), or an answer file
/// assessed now.
fn side(path: &Path, args: &DiffArgs, ctx: &Ctx) -> Result<Result<Side, u8>> {
    let source = SourceFile::read(path)?;
    if source.text.trim_start().starts_with('{') {
        return match Side::of_json(&source.name, &source.text) {
            Ok(side) => Ok(Ok(side)),
            Err(message) => bail!("{}: {message}", source.name),
        };
    }
    let evaluated = match evaluate(path, &args.checklist.checklists, &[], false, ctx)? {
        Ok(e) => e,
        Err(code) => return Ok(Err(code)),
    };
    let assessment = pipeline::assess(&evaluated)?;
    Ok(Ok(Side::of_assessment(
        &evaluated.prepared.source.name,
        &assessment,
    )))
}
