//! The commands: each reads its inputs, calls the library and hands the result to a
//! renderer. One module per command; what several share is here.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use crate::answers::AnswerFile;
use crate::checklist::{self, Checklist, LoadError, Spec};
use crate::cli::{Cli, ColorChoice, Command};
use crate::diag::{self, DiagFormat, Diagnostic};
use crate::exit;
use crate::output;
use crate::pipeline::{self, ChecklistCache, Evaluated, RulesError, Unusable};
use crate::rules::RuleSet;
use crate::source::SourceFile;
use crate::term::Layout;

mod assess;
mod config;
mod diff;
mod init;
mod lint;
mod man;
mod migrate;
mod report;
mod sandbox;
mod schema;
mod show;
mod validate;

/// Runs a parsed command line, under the settings of the config file; returns the exit
/// status.
pub fn run(mut cli: Cli, matches: &clap::ArgMatches) -> Result<u8> {
    let settings = match config::apply(&mut cli, matches)? {
        Ok(settings) => settings,
        Err(code) => return Ok(code),
    };
    let stdout_is_terminal = std::io::stdout().is_terminal();
    let color_out = use_color(cli.color, stdout_is_terminal);
    let ctx = Ctx {
        color_out,
        color_err: use_color(cli.color, std::io::stderr().is_terminal()),
        tables: Layout::new(color_out, stdout_is_terminal, columns().as_deref()),
    };
    match &cli.command {
        Command::Checklists(args) => show::checklists(args, &ctx),
        Command::Show(args) => show::show(args, &ctx),
        Command::Init(args) => init::run(args, &ctx),
        Command::Validate(args) => validate::run(args, &ctx),
        Command::Assess(args) => assess::run(args, &ctx),
        Command::Report(args) => report::run(args, &ctx),
        Command::Lint(args) => lint::run(args, &ctx),
        Command::Migrate(args) => migrate::run(args, &ctx),
        Command::Schema(args) => schema::run(args, &ctx),
        Command::Diff(args) => diff::run(args, &ctx),
        Command::Config(args) => config::show(args, &settings),
        Command::Completions(args) => {
            let mut buffer = Vec::new();
            clap_complete::generate(
                args.shell,
                &mut <Cli as clap::CommandFactory>::command(),
                "airisk",
                &mut buffer,
            );
            output::stdout(&String::from_utf8_lossy(&buffer))?;
            Ok(exit::SUCCESS)
        }
        Command::Man(args) => man::run(args),
    }
}

/// What the commands need to know about the terminal.
pub struct Ctx {
    pub color_out: bool,
    pub color_err: bool,
    /// How tables on stdout are drawn.
    pub tables: Layout,
}

/// `COLUMNS`, which a pipe or a CI log may set to choose the width of tables.
pub(crate) fn columns() -> Option<String> {
    std::env::var("COLUMNS").ok()
}

/// Whether to colour output written to a stream.
pub(crate) fn use_color(choice: ColorChoice, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// Loads a checklist named on the command line and compiles its rules; an invalid one is
/// reported in full.
fn load_or_report(spec: &Spec, ctx: &Ctx) -> Result<(Checklist, RuleSet)> {
    match checklist::load(spec, None).and_then(RuleSet::of_loaded) {
        Ok(pair) => Ok(pair),
        Err(LoadError::Io(err)) => Err(err),
        Err(LoadError::Invalid {
            source,
            diagnostics,
        }) => {
            output::stderr(&diag::render_text(&[&source], &diagnostics, ctx.color_err));
            bail!(
                "{} is not a valid checklist (run `airisk lint {}` for details)",
                source.name,
                source.name
            )
        }
    }
}

/// Validates an answer file and compiles its rules for an assessment; `Err(code)` when it
/// cannot go on (what stopped it is printed).
fn evaluate(
    file: &Path,
    overrides: &[String],
    rules_paths: &[PathBuf],
    ctx: &Ctx,
) -> Result<Result<Evaluated, u8>> {
    let prepared = match pipeline::prepare(file, overrides, &ChecklistCache::default()) {
        Ok(p) => p,
        Err(unusable) => {
            let mut out = Vec::new();
            report_unusable(unusable, file, DiagFormat::Text, ctx, &mut out);
            deliver(out, &mut Vec::new(), &mut Vec::new())?;
            return Ok(Err(exit::ERROR));
        }
    };
    let (diagnostics, responses, answer_keys) = pipeline::check_for_assessment(&prepared);
    let Some(responses) = responses else {
        output::stderr(&diag::render_text(
            &[&prepared.source],
            &diagnostics,
            ctx.color_err,
        ));
        output::stderr(&summary_line(&prepared.source.name, &diagnostics));
        output::stderr("error: the answers are invalid; fix them before assessing\n");
        return Ok(Err(exit::FAILURE));
    };
    // The responses hold everything needed from now on; the parsed file is as large
    // again, so it goes before rendering starts.
    let mut prepared = prepared;
    prepared.file = AnswerFile::default();
    // The checklist's own rules are used in place; a copy is made only to add --rules.
    let (rules_files, ruleset) = if rules_paths.is_empty() {
        (Vec::new(), None)
    } else {
        let (files, extra) =
            match pipeline::extra_rules(rules_paths, &prepared.checklist, &prepared.rules) {
                Ok(pair) => pair,
                Err(RulesError::Io(err)) => return Err(err),
                Err(RulesError::Syntax(source, diagnostics)) => {
                    output::stderr(&diag::render_text(&[&source], &diagnostics, ctx.color_err));
                    bail!("{} is not a valid rules file", source.name);
                }
                Err(RulesError::Invalid(sources, diagnostics)) => {
                    let refs: Vec<&SourceFile> = sources.iter().collect();
                    output::stderr(&diag::render_text(&refs, &diagnostics, ctx.color_err));
                    bail!("the rules files have {} errors", diagnostics.len())
                }
            };
        let mut ruleset = RuleSet::clone(&prepared.rules);
        ruleset.merge(extra);
        (files, Some(ruleset))
    };
    Ok(Ok(Evaluated {
        prepared,
        responses,
        rules_files,
        ruleset,
        warnings: diagnostics,
        answer_keys,
    }))
}

/// What a command prints about one file, kept until it is that file's turn to print.
enum Out {
    Stderr(String),
    Stdout(String),
    /// One entry of the `files` list of `--format json`.
    Json(serde_json::Value),
    /// One file of a format written once for the whole run (SARIF, JUnit, GitLab).
    Report(crate::ci::FileReport),
}

/// Prints (or, for formats written once per run, collects) what was kept.
fn deliver(
    outs: Vec<Out>,
    json: &mut Vec<serde_json::Value>,
    reports: &mut Vec<crate::ci::FileReport>,
) -> Result<()> {
    for out in outs {
        match out {
            Out::Stderr(text) => output::stderr(&text),
            Out::Stdout(text) => output::stdout(&text)?,
            Out::Json(value) => json.push(value),
            Out::Report(report) => reports.push(report),
        }
    }
    Ok(())
}

/// The output of a format written once for all files (`DiagFormat::is_whole_run`).
fn whole_run(
    format: DiagFormat,
    reports: &[crate::ci::FileReport],
    command: &str,
) -> Result<String> {
    Ok(match format {
        DiagFormat::Sarif => crate::ci::sarif::files(reports)?,
        DiagFormat::Junit => crate::ci::junit::files(reports, command),
        DiagFormat::Gitlab => crate::ci::gitlab::files(reports)?,
        DiagFormat::Text | DiagFormat::Json | DiagFormat::Github => String::new(),
    })
}

/// Reports why `file` could not be checked; returns the number of errors it counts as
/// (at least one: `validate --format json` counts an unreadable file as an error).
fn report_unusable(
    unusable: Unusable,
    file: &Path,
    format: DiagFormat,
    ctx: &Ctx,
    out: &mut Vec<Out>,
) -> usize {
    let name = file.display().to_string();
    match unusable {
        Unusable::Message(message) if format.is_whole_run() => {
            out.push(Out::Report(crate::ci::FileReport::failed(&name, message)));
            1
        }
        Unusable::Message(message) => {
            out.push(match format {
                DiagFormat::Json => Out::Json(serde_json::json!({
                    "file": name, "valid": false, "error": message, "diagnostics": [],
                })),
                DiagFormat::Github => Out::Stdout(
                    diag::Annotation {
                        level: "error",
                        file: &name,
                        line: None,
                        column: None,
                        title: "airisk",
                        message: &message,
                    }
                    .to_string(),
                ),
                DiagFormat::Text | DiagFormat::Sarif | DiagFormat::Junit | DiagFormat::Gitlab => {
                    Out::Stderr(format!("error: {}\n", crate::escape::term_line(&message)))
                }
            });
            1
        }
        Unusable::Diagnostics(source, diagnostics) => {
            let (errors, _) = diag::count(&diagnostics);
            if format == DiagFormat::Json {
                // The diagnostics may be about the checklist; the entry is the answer file's.
                out.push(Out::Json(serde_json::json!({
                    "file": name, "valid": false, "diagnostics": diagnostics,
                })));
            } else {
                emit(&source, &diagnostics, format, ctx, out);
            }
            errors.max(1)
        }
    }
}

/// One file's diagnostics in the format asked for.
fn emit(
    source: &SourceFile,
    diagnostics: &[Diagnostic],
    format: DiagFormat,
    ctx: &Ctx,
    out: &mut Vec<Out>,
) {
    out.push(match format {
        DiagFormat::Text => Out::Stderr(diag::render_text(&[source], diagnostics, ctx.color_err)),
        DiagFormat::Github => Out::Stdout(diag::render_github(diagnostics)),
        DiagFormat::Sarif | DiagFormat::Junit | DiagFormat::Gitlab => {
            Out::Report(crate::ci::FileReport::new(source, diagnostics))
        }
        DiagFormat::Json => {
            let (errors, _) = diag::count(diagnostics);
            Out::Json(
                serde_json::json!({"file": source.name, "valid": errors == 0, "diagnostics": diagnostics}),
            )
        }
    });
}

fn summary_line(name: &str, diagnostics: &[Diagnostic]) -> String {
    let name = crate::escape::term_line(name);
    let (errors, warnings) = diag::count(diagnostics);
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    if errors == 0 && warnings == 0 {
        format!("{name}: valid\n")
    } else if errors == 0 {
        format!("{name}: valid, with {}\n", plural(warnings, "warning"))
    } else {
        format!(
            "{name}: invalid: {}, {}\n",
            plural(errors, "error"),
            plural(warnings, "warning")
        )
    }
}
