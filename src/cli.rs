//! The command line: every flag and subcommand, with help and examples.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::checklist::Severity;
use crate::diag::DiagFormat;
use crate::report::{ListFormat, ReportFormat};
use crate::schema::SchemaKind;

const EXAMPLES: &str = "\
Examples:
  airisk init -o airisk.yaml                 write an answer template for the default checklist
  airisk validate airisk.yaml                check it; every problem with file:line:column
  airisk assess airisk.yaml --fail-on high   rate the risk; exit 1 on a high or critical finding
  airisk report airisk.yaml --format html -o report.html
";

/// Assess AI systems against a security risk-control checklist.
///
/// Teams answer a YAML checklist (Y, N or NA, with a written justification for every
/// answer). airisk validates the answers with exact diagnostics, runs a rule engine that
/// turns gaps into findings with a severity and a recommendation, rates the overall risk
/// and renders a Markdown or HTML report.
///
/// Exit status: 0 success; 1 invalid answers or a finding at or above --fail-on;
/// 2 usage error, unreadable or unparseable input, or an internal error.
#[derive(Debug, Parser)]
#[command(name = "airisk", version, after_help = EXAMPLES, max_term_width = 100)]
pub struct Cli {
    /// When to use colour: auto (a terminal, and NO_COLOR unset), always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,

    /// Read settings from this file instead of the airisk.toml found in the current folder
    /// or its nearest parent (up to the repository's root). See docs/config.md.
    #[arg(long, value_name = "PATH", global = true)]
    pub config: Option<PathBuf>,

    /// Ignore any airisk.toml.
    #[arg(long, global = true, conflicts_with = "config")]
    pub no_config: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

// Each subcommand's arguments are built only when it is the one run (or help or
// completions need them all): building them all was half of parsing the command line.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// List the built-in checklists: id, version, title, number of questions.
    #[command(after_help = "Example:\n  airisk checklists")]
    Checklists(ChecklistsArgs),

    /// Print a checklist's sections and questions.
    #[command(
        after_help = "Examples:\n  airisk show\n  airisk show genai-addendum --format markdown\n  airisk show ./our-checklist.yaml --format json"
    )]
    Show(ShowArgs),

    /// Write an answer template with every question, its guidance and an empty answer.
    #[command(
        after_help = "Examples:\n  airisk init > airisk.yaml\n  airisk init --checklist ml-test-score -o mlts.yaml\n  airisk init --checklist ai-risk-control --checklist genai-addendum -o airisk.yaml"
    )]
    Init(InitArgs),

    /// Check answer files; report every problem with its file, line and column.
    #[command(
        after_help = "Examples:\n  airisk validate airisk.yaml\n  airisk validate answers/*.yaml --format github\n  airisk validate airisk.yaml --deny-warnings"
    )]
    Validate(ValidateArgs),

    /// Validate, run the rules and print the risk table.
    #[command(
        after_help = "Examples:\n  airisk assess airisk.yaml\n  airisk assess airisk.yaml --fail-on high\n  airisk assess airisk.yaml --rules team-rules.yaml --format json"
    )]
    Assess(AssessArgs),

    /// Render the risk report in Markdown or HTML.
    #[command(
        after_help = "Examples:\n  airisk report airisk.yaml --format html -o report.html\n  SOURCE_DATE_EPOCH=1700000000 airisk report airisk.yaml --format markdown -o REPORT.md\n  airisk report airisk.yaml --format html --template my-report.html.j2 -o report.html"
    )]
    Report(ReportArgs),

    /// Check checklist files and their rules for authoring mistakes.
    #[command(after_help = "Example:\n  airisk lint checklists/*.yaml")]
    Lint(LintArgs),

    /// Carry an answer file over to another version of its checklist.
    #[command(
        after_help = "Examples:\n  airisk migrate airisk.yaml --to ai-risk-control@1.1 -o airisk-1.1.yaml\n  airisk migrate answers.yaml --to ./our-checklist.yaml@2.0 -o answers-2.0.yaml"
    )]
    Migrate(MigrateArgs),

    /// Print a JSON Schema: for editors (answer or checklist files), or of the JSON output.
    #[command(
        after_help = "Examples:\n  airisk schema answers --checklist ai-risk-control > airisk.schema.json\n  airisk schema output > airisk-output.schema.json"
    )]
    Schema(SchemaArgs),

    /// Compare two assessments of the same project.
    #[command(after_help = "Example:\n  airisk diff airisk-round1.yaml airisk-round2.yaml")]
    Diff(DiffArgs),

    /// Print the effective settings and where each came from (airisk.toml or defaults).
    #[command(
        after_help = "Examples:\n  airisk config\n  airisk config --format json\n  airisk --config ci/airisk.toml config"
    )]
    Config(ConfigArgs),

    /// Print shell completions.
    #[command(after_help = "Example:\n  airisk completions bash > /etc/bash_completion.d/airisk")]
    Completions(CompletionsArgs),

    /// Print the man page, or write one for airisk and each command to a folder.
    #[command(
        after_help = "Examples:\n  airisk man | man -l -\n  airisk man -o /usr/local/share/man/man1"
    )]
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct ChecklistsArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A built-in checklist id (optionally id@version) or a path to a checklist file.
    #[arg(default_value = crate::checklist::DEFAULT_CHECKLIST)]
    pub checklist: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ShowFormat::Table)]
    pub format: ShowFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    Table,
    Markdown,
    Json,
}

// Checklist selection shared by the commands that read answer files. A plain comment: a
// doc comment would become the `about` of every command that flattens it.
#[derive(Debug, Args, Clone, Default)]
pub struct ChecklistArg {
    /// Checklist to use instead of the answer file's `checklist:` field: a built-in id,
    /// id@version, or a path. Repeat to combine checklists.
    #[arg(long = "checklist", short = 'c', value_name = "CHECKLIST")]
    pub checklists: Vec<String>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Checklist to answer (repeat to answer several together).
    #[arg(long = "checklist", short = 'c', value_name = "CHECKLIST")]
    pub checklists: Vec<String>,
    /// Write to this file instead of standard output.
    ///
    /// `-` is standard output. A regular file is replaced atomically (through a symbolic
    /// link, its target is; the link stays); a character device or a FIFO (`/dev/null`) is
    /// written to, never replaced; anything else is refused.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Overwrite the output file if it exists.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The answer file to carry over. It is never modified.
    #[arg(value_name = "ANSWERS")]
    pub file: PathBuf,
    /// The checklist to carry it to: a built-in id, id@version, or a path (path@version
    /// checks the file's version).
    #[arg(long, value_name = "CHECKLIST[@VERSION]")]
    pub to: String,
    /// Write to this file instead of standard output (never the input file).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Overwrite the output file if it exists.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Answer files to check.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub checklist: ChecklistArg,
    /// Output format of the diagnostics.
    #[arg(long, value_enum, default_value_t = DiagFormat::Text)]
    pub format: DiagFormat,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
}

#[derive(Debug, Args)]
pub struct AssessArgs {
    /// The answer file to assess.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[command(flatten)]
    pub checklist: ChecklistArg,
    /// Extra rules files, added to the checklist's own rules.
    #[arg(long = "rules", short = 'r', value_name = "R")]
    pub rules: Vec<PathBuf>,
    /// Exit 1 when an open finding is at or above this severity; `none` never fails on
    /// findings (report-only runs).
    #[arg(long, value_enum, value_name = "LEVEL", default_value_t = FailOn::Critical)]
    pub fail_on: FailOn,
    /// Exit 1 when the overall rating is at or above this level (a run rated high may have
    /// only medium findings). Default: none.
    #[arg(long, value_enum, value_name = "LEVEL", default_value_t = FailOn::None)]
    pub fail_on_rating: FailOn,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AssessFormat::Table)]
    pub format: AssessFormat,
    /// Also write FORMAT to PATH, atomically, before the exit status is decided (repeat
    /// for several): table, json, github, sarif, junit, gitlab, markdown or html.
    #[arg(long = "output", short = 'o', value_name = "FORMAT=PATH", value_parser = parse_output)]
    pub outputs: Vec<OutputSpec>,
    /// Print nothing but errors (the outputs of --output are still written).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Show only the N most severe findings in the table (the rest are counted); JSON, the
    /// CI formats and the reports keep them all.
    #[arg(long, value_name = "N")]
    pub top: Option<std::num::NonZeroUsize>,
}

/// A gate: a severity, or `none` for no gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    None,
    Low,
    Medium,
    High,
    Critical,
}

impl FailOn {
    /// The lowest severity that fails the run, if any.
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::None => None,
            FailOn::Low => Some(Severity::Low),
            FailOn::Medium => Some(Severity::Medium),
            FailOn::High => Some(Severity::High),
            FailOn::Critical => Some(Severity::Critical),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self.threshold() {
            None => "none",
            Some(severity) => severity.as_str(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AssessFormat {
    /// Per-section table and findings, for a terminal.
    Table,
    /// The assessment model (stable, with schema_version).
    Json,
    /// GitHub Actions annotations, one per finding.
    Github,
    /// SARIF 2.1.0 for GitHub code scanning.
    Sarif,
    /// JUnit XML: a test case per question; findings at or above --fail-on fail.
    Junit,
    /// GitLab Code Quality JSON.
    Gitlab,
}

/// What `assess --output` can write: every assess format and the report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Table,
    Json,
    Github,
    Sarif,
    Junit,
    Gitlab,
    Markdown,
    Html,
}

/// One `--output FORMAT=PATH`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputSpec {
    pub format: OutputFormat,
    pub path: PathBuf,
}

pub fn parse_output(value: &str) -> Result<OutputSpec, String> {
    let names = || {
        OutputFormat::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value().map(|p| p.get_name().to_owned()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let Some((format, path)) = value.split_once('=') else {
        return Err(format!(
            "expected FORMAT=PATH, such as sarif=airisk.sarif (formats: {})",
            names()
        ));
    };
    let format = OutputFormat::from_str(format, false)
        .map_err(|_| format!("unknown format `{format}` (formats: {})", names()))?;
    if path.is_empty() {
        return Err(format!(
            "no PATH after `{}=`",
            format
                .to_possible_value()
                .map_or_else(String::new, |p| p.get_name().to_owned())
        ));
    }
    Ok(OutputSpec {
        format,
        path: PathBuf::from(path),
    })
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The answer file to report on.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Report format.
    #[arg(long, value_enum)]
    pub format: ReportFormat,
    #[command(flatten)]
    pub checklist: ChecklistArg,
    /// Extra rules files, added to the checklist's own rules.
    #[arg(long = "rules", short = 'r', value_name = "R")]
    pub rules: Vec<PathBuf>,
    /// Write to this file (atomically) instead of standard output.
    ///
    /// `-` is standard output. A regular file is replaced atomically (through a symbolic
    /// link, its target is; the link stays); a character device or a FIFO (`/dev/null`) is
    /// written to, never replaced; anything else is refused.
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// A minijinja template to use instead of the built-in one (see docs/templates.md).
    #[arg(long, value_name = "T")]
    pub template: Option<PathBuf>,
    /// Markdown only: the summary, the open findings by section and the findings, under
    /// 60,000 characters (a GitHub comment), saying what was left out.
    #[arg(long, conflicts_with = "template")]
    pub summary: bool,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Checklist files to check.
    #[arg(required = true, value_name = "CHECKLIST_FILE")]
    pub files: Vec<PathBuf>,
    /// Output format of the diagnostics.
    #[arg(long, value_enum, default_value_t = DiagFormat::Text)]
    pub format: DiagFormat,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which schema to print.
    #[arg(value_enum)]
    pub kind: SchemaKind,
    /// For `answers`: the schema of this checklist's answers, with every question id (a
    /// built-in id, id@version, or a path). Repeat to combine checklists.
    #[arg(long = "checklist", short = 'c', value_name = "CHECKLIST")]
    pub checklists: Vec<String>,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier answer file.
    pub old: PathBuf,
    /// The later answer file.
    pub new: PathBuf,
    #[command(flatten)]
    pub checklist: ChecklistArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to generate completions for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write airisk.1 and a page per command (airisk-assess.1, ...) to this folder, made
    /// if missing, instead of printing airisk.1.
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
