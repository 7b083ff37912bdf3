//! The config file in a run: find and read it, merge it under the command line and hand
//! the effective values to the command's arguments; and `airisk config`, which prints them.

use std::fmt::Write as _;
use std::io::IsTerminal;

use anyhow::Result;
use clap::ArgMatches;
use clap::parser::ValueSource;

use crate::cli::{Cli, ColorChoice, Command, ConfigArgs, OutputSpec};
use crate::config::{self, CommandLine, Origin, Setting, Settings};
use crate::escape::term_line;
use crate::exit;
use crate::output;
use crate::report::ListFormat;
use crate::source::SourceFile;

/// The effective settings, written into `cli` where the command line gave nothing.
/// `Err(code)` when the config file is unusable (its diagnostic is printed).
pub fn apply(cli: &mut Cli, matches: &ArgMatches) -> Result<Result<Settings, u8>> {
    let file = if cli.no_config {
        None
    } else if let Some(path) = &cli.config {
        Some(path.clone())
    } else {
        std::env::current_dir()
            .ok()
            .and_then(|cwd| config::find(&cwd))
    };
    let file = match file {
        Some(path) => {
            let source = SourceFile::read(&path)?;
            match config::parse(&source) {
                Ok(config) => Some(config),
                Err(diagnostic) => {
                    let color = super::use_color(cli.color, std::io::stderr().is_terminal());
                    output::stderr(&crate::diag::render_text(&[&source], &[*diagnostic], color));
                    output::stderr(&format!(
                        "error: {} is not a valid airisk configuration\n",
                        term_line(&source.name)
                    ));
                    return Ok(Err(exit::ERROR));
                }
            }
        }
        None => None,
    };
    let settings = config::merge(command_line(cli, matches), file);
    write_back(cli, &settings);
    // Checked here, not by clap, since the review file may come from the config.
    let review = match &cli.command {
        Command::Assess(args) => Some(&args.review),
        Command::Report(args) => Some(&args.review),
        _ => None,
    };
    if review.is_some_and(|r| r.ignore_acceptances && r.review.is_none()) {
        output::stderr(
            "error: --ignore-acceptances needs a review file: give --review REVIEW, \
             or `review` in airisk.toml\n",
        );
        return Ok(Err(exit::ERROR));
    }
    Ok(Ok(settings))
}

/// What the command line gave: a list flag when it is not empty; a flag with a default
/// when clap says the user typed it.
fn command_line(cli: &Cli, matches: &ArgMatches) -> CommandLine {
    let sub = matches.subcommand().map(|(_, m)| m);
    let typed = |m: Option<&ArgMatches>, id: &str| {
        m.is_some_and(|m| m.value_source(id) == Some(ValueSource::CommandLine))
    };
    let given = |list: &[String]| (!list.is_empty()).then(|| list.to_vec());
    let mut line = CommandLine {
        // --color is global: it may come before or after the subcommand.
        color: (typed(Some(matches), "color") || typed(sub, "color")).then_some(cli.color),
        ..CommandLine::default()
    };
    match &cli.command {
        Command::Validate(args) => line.checklist = given(&args.checklist.checklists),
        Command::Report(args) => {
            line.checklist = given(&args.checklist.checklists);
            line.rules = (!args.rules.is_empty()).then(|| args.rules.clone());
            line.review.clone_from(&args.review.review);
        }
        Command::Diff(args) => line.checklist = given(&args.checklist.checklists),
        Command::Init(args) => line.checklist = given(&args.checklists),
        Command::Assess(args) => {
            line.checklist = given(&args.checklist.checklists);
            line.rules = (!args.rules.is_empty()).then(|| args.rules.clone());
            line.review.clone_from(&args.review.review);
            line.outputs = (!args.outputs.is_empty()).then(|| args.outputs.clone());
            line.fail_on = typed(sub, "fail_on").then_some(args.fail_on);
            line.fail_on_rating = typed(sub, "fail_on_rating").then_some(args.fail_on_rating);
        }
        _ => {}
    }
    line
}

/// The effective values into the arguments of the command that uses them.
fn write_back(cli: &mut Cli, settings: &Settings) {
    cli.color = settings.color.value;
    let checklist = settings.checklist.value.clone();
    match &mut cli.command {
        Command::Validate(args) => args.checklist.checklists = checklist,
        Command::Diff(args) => args.checklist.checklists = checklist,
        Command::Init(args) => args.checklists = checklist,
        Command::Report(args) => {
            args.checklist.checklists = checklist;
            args.rules.clone_from(&settings.rules.value);
            args.review.review.clone_from(&settings.review.value);
        }
        Command::Assess(args) => {
            args.checklist.checklists = checklist;
            args.rules.clone_from(&settings.rules.value);
            args.review.review.clone_from(&settings.review.value);
            args.outputs.clone_from(&settings.outputs.value);
            args.fail_on = settings.fail_on.value;
            args.fail_on_rating = settings.fail_on_rating.value;
        }
        _ => {}
    }
}

/// `airisk config`.
pub fn show(args: &ConfigArgs, settings: &Settings) -> Result<u8> {
    let rows = rows(settings);
    let text = match args.format {
        ListFormat::Table => {
            let mut out = format!(
                "config file: {}\n",
                settings.file.as_ref().map_or_else(
                    || "none".to_owned(),
                    |p| term_line(&p.display().to_string()).into_owned()
                )
            );
            let width = rows
                .iter()
                .map(|r| r.value.chars().count())
                .max()
                .unwrap_or(0);
            for row in &rows {
                let value = term_line(&row.value);
                let from = term_line(&from_text(settings, &row.origin)).into_owned();
                let pad = width.saturating_sub(row.value.chars().count());
                let _ = writeln!(out, "{:<15} {value}{:pad$}  {from}", row.key, "");
            }
            out
        }
        ListFormat::Json => {
            let settings_json: serde_json::Map<String, serde_json::Value> = rows
                .iter()
                .map(|row| {
                    let mut entry = serde_json::json!({
                        "value": row.json,
                        "from": match row.origin {
                            Origin::Default => "default",
                            Origin::File(_) => "file",
                            Origin::CommandLine => "command-line",
                        },
                    });
                    if let (Origin::File(line), Some(file)) = (&row.origin, &settings.file) {
                        entry["file"] = file.display().to_string().into();
                        entry["line"] = (*line).into();
                    }
                    // JSON keys are snake_case everywhere (README, "JSON output").
                    (row.key.replace('-', "_"), entry)
                })
                .collect();
            crate::escape::json_pretty(&serde_json::json!({
                "file": settings.file.as_ref().map(|p| p.display().to_string()),
                "settings": settings_json,
            }))?
        }
    };
    output::stdout(&text)?;
    Ok(exit::SUCCESS)
}

/// One line of `airisk config`.
struct Row {
    key: &'static str,
    value: String,
    json: serde_json::Value,
    origin: Origin,
}

fn rows(settings: &Settings) -> Vec<Row> {
    fn row<T>(
        key: &'static str,
        setting: &Setting<T>,
        value: String,
        json: serde_json::Value,
    ) -> Row {
        Row {
            key,
            value,
            json,
            origin: setting.origin.clone(),
        }
    }
    let list = |items: Vec<String>, empty: &str| {
        if items.is_empty() {
            empty.to_owned()
        } else {
            items.join(", ")
        }
    };
    let paths: Vec<String> = settings
        .rules
        .value
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let review = settings
        .review
        .value
        .as_ref()
        .map(|p| p.display().to_string());
    let outputs: Vec<String> = settings.outputs.value.iter().map(output_text).collect();
    vec![
        row(
            "checklist",
            &settings.checklist,
            list(
                settings.checklist.value.clone(),
                "(the answer file's checklist: field)",
            ),
            settings.checklist.value.clone().into(),
        ),
        row(
            "rules",
            &settings.rules,
            list(paths.clone(), "(none)"),
            paths.into(),
        ),
        row(
            "review",
            &settings.review,
            review.clone().unwrap_or_else(|| "(none)".to_owned()),
            review.into(),
        ),
        row(
            "fail-on",
            &settings.fail_on,
            settings.fail_on.value.as_str().to_owned(),
            settings.fail_on.value.as_str().into(),
        ),
        row(
            "fail-on-rating",
            &settings.fail_on_rating,
            settings.fail_on_rating.value.as_str().to_owned(),
            settings.fail_on_rating.value.as_str().into(),
        ),
        row(
            "outputs",
            &settings.outputs,
            list(outputs.clone(), "(none)"),
            outputs.into(),
        ),
        row(
            "color",
            &settings.color,
            color_text(settings.color.value).to_owned(),
            color_text(settings.color.value).into(),
        ),
    ]
}

fn from_text(settings: &Settings, origin: &Origin) -> String {
    match (origin, &settings.file) {
        (Origin::Default, _) => "default".to_owned(),
        (Origin::CommandLine, _) => "command line".to_owned(),
        (Origin::File(line), Some(file)) => format!("{}:{line}", file.display()),
        (Origin::File(line), None) => format!("line {line}"),
    }
}

fn output_text(spec: &OutputSpec) -> String {
    use clap::ValueEnum;
    let format = spec
        .format
        .to_possible_value()
        .map_or_else(String::new, |v| v.get_name().to_owned());
    format!("{format}={}", spec.path.display())
}

fn color_text(choice: ColorChoice) -> &'static str {
    match choice {
        ColorChoice::Auto => "auto",
        ColorChoice::Always => "always",
        ColorChoice::Never => "never",
    }
}
