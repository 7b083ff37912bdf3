//! airisk: assess AI systems against a security risk-control checklist.
//!
//! The data flow is `source` (read) → `yaml` (parse) → `checklist` / `answers` (model) →
//! `validate` (diagnostics) → `rules` + `assess` (findings, rating) → `term` / `report`
//! (render) → `output` (write). See ARCHITECTURE.md.

pub mod answers;
pub mod assess;
pub mod checklist;
pub mod checklist_paths;
pub mod ci;
pub mod cli;
pub mod commands;
pub mod config;
pub mod diag;
pub mod escape;
pub mod init;
pub mod lint;
pub mod migrate;
pub mod output;
pub mod pipeline;
pub mod report;
pub mod rules;
pub mod schema;
pub mod source;
pub mod term;
pub mod validate;
pub mod yaml;

// The benchmarks' input generator, which the unit tests use for inputs of any size.
#[cfg(test)]
#[path = "../benches/tools/synth.rs"]
#[allow(dead_code)] // shared with the generator, which uses more of it
mod synth;
#[cfg(test)]
#[path = "../benches/tools/synth_tests.rs"]
mod synth_tests;

/// Text with every run of white space, line breaks included, turned into one space: for
/// table cells, help lines and headings.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

use std::process::ExitCode;

/// Exit statuses: part of the interface, asserted by the tests.
pub mod exit {
    /// Valid, and no open finding at or above `--fail-on`.
    pub const SUCCESS: u8 = 0;
    /// Invalid answers, or a finding at or above the threshold.
    pub const FAILURE: u8 = 1;
    /// Usage error, unreadable or unparseable input, internal error.
    pub const ERROR: u8 = 2;
}

/// Parses the command line, runs the command and returns the exit status.
pub fn run() -> ExitCode {
    let parsed = <cli::Cli as clap::CommandFactory>::command()
        .try_get_matches()
        .and_then(|matches| {
            <cli::Cli as clap::FromArgMatches>::from_arg_matches(&matches).map(|cli| (cli, matches))
        });
    let (cli, matches) = match parsed {
        Ok(pair) => pair,
        Err(err) => {
            let code = if err.use_stderr() {
                exit::ERROR
            } else {
                exit::SUCCESS
            };
            // clap formats help, version and usage errors itself (with colour when fit).
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    let result = commands::run(cli, &matches);
    // Ctrl-C during a file write (the old file stays) or after its last chunk (the new one
    // is whole): the process ends as interrupted, with nothing to say.
    if output::interrupted() {
        return output::end_interrupted();
    }
    match result {
        Ok(code) => ExitCode::from(code),
        // The reader has seen enough (`airisk show | head -1`): not an error, as for any
        // Unix tool that a closed pipe ends.
        Err(err) if output::is_broken_pipe(&err) => ExitCode::from(exit::SUCCESS),
        Err(err) => {
            // The message quotes paths and checklist names: shown escaped, on one line.
            output::stderr(&format!(
                "error: {}\n",
                escape::term_line(&format!("{err:#}"))
            ));
            ExitCode::from(exit::ERROR)
        }
    }
}
