//! `airisk validate FILE...`: every problem of every answer file, with its position.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use anyhow::Result;

use super::{Ctx, Out, deliver, emit, report_unusable, summary_line, whole_run};
use crate::cli::ValidateArgs;
use crate::diag::{self, DiagFormat};
use crate::exit;
use crate::output;
use crate::pipeline::{self, ChecklistCache};

/// The outcome of validating one file: what to print, and its counts and exit status.
struct Checked {
    out: Vec<Out>,
    errors: usize,
    warnings: usize,
    status: u8,
}

fn validate_one(path: &Path, args: &ValidateArgs, ctx: &Ctx, cache: &ChecklistCache) -> Checked {
    let mut out = Vec::new();
    match pipeline::prepare(path, &args.checklist.checklists, cache) {
        Err(unusable) => {
            let errors = report_unusable(unusable, path, args.format, ctx, &mut out);
            Checked {
                out,
                errors,
                warnings: 0,
                status: exit::ERROR,
            }
        }
        Ok(prepared) => {
            let (diagnostics, _) = pipeline::check(&prepared);
            let (errors, warnings) = diag::count(&diagnostics);
            if args.format.is_whole_run() {
                out.push(Out::Report(
                    crate::ci::FileReport::new(&prepared.source, &diagnostics)
                        .with_questions(&prepared.checklist),
                ));
            } else {
                emit(&prepared.source, &diagnostics, args.format, ctx, &mut out);
            }
            if args.format == DiagFormat::Text {
                out.push(Out::Stderr(summary_line(
                    &prepared.source.name,
                    &diagnostics,
                )));
            }
            let failed = errors > 0 || (args.deny_warnings && warnings > 0);
            Checked {
                out,
                errors,
                warnings,
                status: if failed { exit::FAILURE } else { exit::SUCCESS },
            }
        }
    }
}

/// Validates every file, on every core when there are several files, and prints each
/// file's diagnostics in the order the files were given, as soon as they are ready.
///
/// Plain scoped threads taking the next file from a counter: each file is a task of its
/// own (read, parse, validate, render the diagnostics), so work stealing would add a
/// dependency and bring nothing; threads borrow the arguments and the shared checklist
/// cache directly; results come back over a channel and are printed in order. One file
/// runs on the calling thread alone.
pub fn run(args: &ValidateArgs, ctx: &Ctx) -> Result<u8> {
    let cache = ChecklistCache::default();
    let mut worst = exit::SUCCESS;
    let mut json = Vec::new();
    let mut reports = Vec::new();
    let (mut total_errors, mut total_warnings) = (0, 0);
    // A reader that closed the pipe (`| head -1`) has seen enough, but every file is
    // still checked: the exit status is the verdict on all of them.
    let mut stdout_open = true;
    let mut take = |checked: Checked, json: &mut Vec<serde_json::Value>| -> Result<()> {
        total_errors += checked.errors;
        total_warnings += checked.warnings;
        worst = worst.max(checked.status);
        if stdout_open {
            stdout_open = output::unless_closed(deliver(checked.out, json, &mut reports))?;
        }
        Ok(())
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(args.files.len());
    if threads <= 1 {
        for path in &args.files {
            take(validate_one(path, args, ctx, &cache), &mut json)?;
        }
    } else {
        let next = AtomicUsize::new(0);
        let (send, receive) = mpsc::channel::<(usize, Checked)>();
        std::thread::scope(|scope| -> Result<()> {
            for _ in 0..threads {
                let send = send.clone();
                let (next, cache) = (&next, &cache);
                scope.spawn(move || {
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(path) = args.files.get(index) else {
                            break;
                        };
                        // The receiver is gone once printing failed: stop.
                        if send
                            .send((index, validate_one(path, args, ctx, cache)))
                            .is_err()
                        {
                            break;
                        }
                    }
                });
            }
            drop(send);
            let mut waiting = BTreeMap::new();
            let mut due = 0;
            for (index, checked) in receive {
                waiting.insert(index, checked);
                while let Some(checked) = waiting.remove(&due) {
                    take(checked, &mut json)?;
                    due += 1;
                }
            }
            Ok(())
        })?;
    }
    let closing = match args.format {
        // Every diagnostic is listed, so the counts and the list agree exactly.
        DiagFormat::Json => Some(crate::escape::json_pretty(&serde_json::json!({
            "schema_version": 1,
            "files": json,
            "errors": total_errors,
            "warnings": total_warnings,
        }))?),
        DiagFormat::Github => diag::github_overflow_notice(total_errors, total_warnings),
        DiagFormat::Sarif | DiagFormat::Junit | DiagFormat::Gitlab => {
            Some(whole_run(args.format, &reports, "validate")?)
        }
        DiagFormat::Text => None,
    };
    if let Some(text) = closing.filter(|_| stdout_open) {
        output::unless_closed(output::stdout(&text))?;
    }
    Ok(worst)
}
