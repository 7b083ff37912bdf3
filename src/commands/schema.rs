//! `airisk schema`: the JSON Schemas, generic or for the checklists named.

use anyhow::{Result, bail};

use crate::cli::SchemaArgs;
use crate::exit;
use crate::output;
use crate::schema::SchemaKind;

pub fn run(args: &SchemaArgs, ctx: &super::Ctx) -> Result<u8> {
    let text = match (args.kind, args.checklists.is_empty()) {
        (kind, true) => crate::schema::schema(kind)?,
        (SchemaKind::Answers, false) => {
            let (checklist, _) = super::init::load_named(&args.checklists, None, ctx)?;
            // Question texts come from the checklist: JSON-escaped like all JSON output.
            crate::escape::json_pretty(&crate::schema::answers_for(&checklist)?)?
        }
        (SchemaKind::Checklist | SchemaKind::Output, false) => {
            bail!("--checklist applies to `airisk schema answers` only")
        }
    };
    output::stdout(&text)?;
    Ok(exit::SUCCESS)
}
