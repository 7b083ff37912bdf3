//! `airisk lint FILE...`: the authoring checks of [`crate::lint`] on checklist files.

use anyhow::Result;

use super::{Ctx, whole_run};
use crate::ci::FileReport;
use crate::cli::LintArgs;
use crate::diag::{self, DiagFormat};
use crate::exit;
use crate::output;

/// `airisk lint FILE...`.
pub fn run(args: &LintArgs, ctx: &Ctx) -> Result<u8> {
    let mut worst = exit::SUCCESS;
    let mut json = Vec::new();
    let mut reports = Vec::new();
    let (mut total_errors, mut total_warnings) = (0, 0);
    for path in &args.files {
        let (source, diagnostics) = match crate::lint::lint_file(path) {
            Ok(pair) => pair,
            Err(err) if args.format.is_whole_run() => {
                reports.push(FileReport::failed(
                    &path.display().to_string(),
                    format!("{err:#}"),
                ));
                worst = exit::ERROR;
                continue;
            }
            Err(err) => {
                let message = format!("{err:#}");
                output::stderr(&format!("error: {}\n", crate::escape::term_line(&message)));
                worst = exit::ERROR;
                continue;
            }
        };
        let (errors, warnings) = diag::count(&diagnostics);
        (total_errors, total_warnings) = (total_errors + errors, total_warnings + warnings);
        if errors > 0 {
            worst = worst.max(exit::FAILURE);
        }
        match args.format {
            DiagFormat::Text => {
                output::stderr(&diag::render_text(&[&source], &diagnostics, ctx.color_err));
                let plural =
                    |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
                output::stderr(&format!(
                    "{}: {}, {}\n",
                    crate::escape::term_line(&source.name),
                    plural(errors, "error"),
                    plural(warnings, "warning")
                ));
            }
            DiagFormat::Github => output::stdout(&diag::render_github(&diagnostics))?,
            DiagFormat::Sarif | DiagFormat::Junit | DiagFormat::Gitlab => {
                reports.push(FileReport::new(&source, &diagnostics));
            }
            DiagFormat::Json => json.push(serde_json::json!({"file": source.name, "valid": errors == 0, "diagnostics": diagnostics})),
        }
    }
    if args.format == DiagFormat::Github
        && let Some(notice) = diag::github_overflow_notice(total_errors, total_warnings)
    {
        output::stdout(&notice)?;
    }
    if args.format == DiagFormat::Json {
        output::stdout(&crate::escape::json_pretty(
            &serde_json::json!({"schema_version": 1, "files": json}),
        )?)?;
    } else if args.format.is_whole_run() {
        output::stdout(&whole_run(args.format, &reports, "lint")?)?;
    }
    Ok(worst)
}
