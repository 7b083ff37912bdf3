//! `generate N OUTDIR [--seed S] [--warnings]`: a synthetic checklist of N questions and a
//! matching answer file, for benchmarks (docs/performance.md). Writes OUTDIR/checklist.yaml,
//! OUTDIR/answers.yaml and the evidence files they name; the same N and seed always give
//! byte-identical files. With `--warnings` the answers carry the warnings real files do
//! (repeated elaborations, missing evidence paths, NA without a reason).
//!
//! `cargo run --release --example generate -- 10000 bench-data/n10000`
// A command-line tool: standard error is where it speaks.
#![allow(clippy::print_stderr)]

use std::path::PathBuf;
use std::process::ExitCode;

#[allow(dead_code)] // shared with the benchmarks and the unit tests, which use more of it
mod synth;

const USAGE: &str = "usage: generate N OUTDIR [--seed S] [--warnings]";

fn main() -> ExitCode {
    let mut positional = Vec::new();
    let mut seed = synth::DEFAULT_SEED;
    let mut warnings = false;
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        match arg.to_str() {
            Some("--warnings") => warnings = true,
            Some("--seed") => match args.next().and_then(|s| s.to_str()?.parse().ok()) {
                Some(s) => seed = s,
                None => return usage(),
            },
            _ => positional.push(arg),
        }
    }
    let [n, outdir] = positional.as_slice() else {
        return usage();
    };
    let Some(n) = n.to_str().and_then(|n| n.parse::<usize>().ok()) else {
        return usage();
    };
    let outdir = PathBuf::from(outdir);
    let written = std::fs::create_dir_all(&outdir)
        .map_err(anyhow::Error::from)
        .and_then(|()| synth::write(n, &outdir, seed, warnings));
    match written {
        Ok(synth) => {
            eprintln!(
                "wrote {}: checklist.yaml ({} questions, {} rules) and answers.yaml",
                outdir.display(),
                synth.questions,
                synth.rules
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn usage() -> ExitCode {
    eprintln!("{USAGE}");
    ExitCode::from(2)
}
