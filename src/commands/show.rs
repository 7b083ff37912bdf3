//! `airisk checklists` and `airisk show`: the built-in checklists, and one checklist.

use anyhow::Result;

use super::{Ctx, load_or_report};
use crate::checklist::{self, Spec};
use crate::cli::{ChecklistsArgs, ShowArgs, ShowFormat};
use crate::exit;
use crate::output;
use crate::report::ListFormat;

pub fn checklists(args: &ChecklistsArgs, ctx: &Ctx) -> Result<u8> {
    let mut rows = Vec::new();
    for builtin in checklist::BUILTIN {
        let (c, rules) = load_or_report(&Spec::parse(builtin.id), ctx)?;
        rows.push((
            c.id.clone(),
            c.version.clone(),
            c.title.clone(),
            c.question_count(),
            rules.rules.len(),
        ));
    }
    let text = match args.format {
        ListFormat::Table => crate::term::checklists(&rows, ctx.tables),
        ListFormat::Json => {
            let items: Vec<serde_json::Value> = rows
                .iter()
                .map(|(id, version, title, questions, rules)| {
                    serde_json::json!({"id": id, "version": version, "title": title, "questions": questions, "rules": rules})
                })
                .collect();
            crate::escape::json_pretty(&items)?
        }
    };
    output::stdout(&text)?;
    Ok(exit::SUCCESS)
}

pub fn show(args: &ShowArgs, ctx: &Ctx) -> Result<u8> {
    let (checklist, _) = load_or_report(&Spec::parse(&args.checklist), ctx)?;
    let c = &checklist;
    let text = match args.format {
        ShowFormat::Table => crate::term::show(c, ctx.tables),
        ShowFormat::Markdown => crate::term::show_markdown(c),
        ShowFormat::Json => {
            let value = serde_json::json!({
                "id": c.id, "version": c.version, "title": c.title, "description": c.description,
                "sections": c.sections, "rules": c.rules,
            });
            crate::escape::json_pretty(&value)?
        }
    };
    output::stdout(&text)?;
    Ok(exit::SUCCESS)
}
