//! `airisk report`: the risk report in Markdown or HTML, to a file or standard output.

use anyhow::{Context, Result};

use super::{Ctx, evaluate, review, sandbox};
use crate::assess;
use crate::cli::ReportArgs;
use crate::exit;
use crate::output;
use crate::source::SourceFile;

pub fn run(args: &ReportArgs, ctx: &Ctx) -> Result<u8> {
    if let Some(path) = &args.template {
        if !sandbox::in_child() && cfg!(unix) {
            return sandbox::run_child(path);
        }
        sandbox::limit_memory();
    }
    let template = match &args.template {
        Some(path) => Some(SourceFile::read(path)?),
        None => None,
    };
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
    if let Some(source) = &reviewed.review_source {
        // The review's warnings (an expired acceptance, a stale sign-off) are news to
        // whoever makes the report; the answers' own are in the report.
        let review_only: Vec<_> = reviewed
            .assessment
            .warnings
            .iter()
            .filter(|d| d.file == source.name)
            .cloned()
            .collect();
        // Only the review file is shown: an excerpt of the answers is not needed here.
        output::stderr(&crate::diag::render_text(
            &[source],
            &review_only,
            ctx.color_err,
        ));
    }
    let mut assessment = reviewed.assessment;
    if let Some(template) = &template {
        assessment.inputs.push(assess::Input {
            role: "template",
            path: template.name.clone(),
            sha256: template.sha256(),
        });
    }
    if args.summary {
        if args.format != crate::report::ReportFormat::Markdown {
            anyhow::bail!("--summary is for --format markdown");
        }
        let text = crate::report::render_summary(&assessment)?;
        match args.output.as_deref().filter(|p| !output::is_stdout(p)) {
            Some(path) => output::write_file(
                path,
                text.as_bytes(),
                &evaluated.input_paths(&args.rules),
                true,
            )
            .with_context(|| format!("the report was not written to {}", path.display()))?,
            None => output::stdout(&text)?,
        }
        return Ok(exit::SUCCESS);
    }
    // `-o -` is standard output, as without `-o`.
    if let Some(path) = args.output.as_deref().filter(|p| !output::is_stdout(p)) {
        let mut inputs = evaluated.input_paths(&args.rules);
        inputs.extend(args.template.iter().cloned());
        inputs.extend(args.review.review.iter().cloned());
        let written = if template.is_some() {
            // Whole before the file is made: a user template that runs out of memory
            // ends its process at once, which must leave no temporary file behind.
            crate::report::render(&assessment, args.format, template.as_ref())
                .and_then(|text| output::write_file(path, text.as_bytes(), &inputs, true))
        } else {
            // Rendered straight into the file: a large report never sits in memory whole.
            output::write_file_with(path, &inputs, true, |out| {
                crate::report::render_to(&assessment, args.format, None, out)
            })
        };
        written.with_context(|| format!("the report was not written to {}", path.display()))?;
    } else if template.is_none() {
        // A built-in template renders on every input (the tests show it), so it goes out
        // as it is made, without a buffer the size of the report.
        output::stdout_with(|out| crate::report::render_to(&assessment, args.format, None, out))?;
    } else {
        // Whole before any of it is printed, so a failing template prints nothing.
        let text = crate::report::render(&assessment, args.format, template.as_ref())?;
        output::stdout(&text)?;
        std::mem::forget(text);
    }
    // The process ends next: freeing a large model piece by piece only costs time, the
    // operating system takes it back at once.
    std::mem::forget(assessment);
    std::mem::forget(evaluated);
    Ok(exit::SUCCESS)
}
