//! `phases ANSWERS [CHECKLIST] [--format html|markdown]`: one `airisk report` done in
//! the order the CLI does it, printing after each phase the wall time, the resident
//! memory and the peak resident memory of that phase (Linux: /proc/self/status, with the
//! peak reset through /proc/self/clear_refs between phases).
//!
//! A profiling aid for docs/performance.md, built with
//! `cargo build --release --example phases`; criterion (benches/pipeline.rs) gives the
//! statistically sound figures. Without CHECKLIST, the answer file's `checklist:` decides.
//!
//! Experiments, by environment variable: `PHASES_VALUE=1` also converts the whole model
//! with serde as the report context once did; `PHASES_CLONE_RULES=1` clones the rule set
//! as `app::evaluate` does; `PHASES_DROP_FILE=1` drops the parsed file after validation.
// A measuring tool that cannot read its inputs has nothing to say: failing loudly is right.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use airisk::answers::AnswerFile;
use airisk::checklist::{self, Spec};
use airisk::report::ReportFormat;
use airisk::rules::RuleSet;
use airisk::source::SourceFile;
use airisk::{assess, report, validate, yaml};

/// A field of /proc/self/status in KiB, as MiB.
fn status(field: &str) -> f64 {
    let text = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    text.lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|rest| rest.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |kib| kib / 1024.0)
}

struct Meter {
    start: Instant,
    phase: Instant,
}

impl Meter {
    fn new() -> Self {
        let now = Instant::now();
        Meter {
            start: now,
            phase: now,
        }
    }

    fn mark(&mut self, name: &str) {
        let now = Instant::now();
        let _ = writeln!(
            std::io::stderr(),
            "{name:<16} {:>9.1} ms   total {:>9.1} ms   rss {:>7.1} MiB   phase peak {:>7.1} MiB",
            (now - self.phase).as_secs_f64() * 1e3,
            (now - self.start).as_secs_f64() * 1e3,
            status("VmRSS:"),
            status("VmHWM:"),
        );
        // Reset the peak so the next line shows that phase's own peak.
        let _ = std::fs::write("/proc/self/clear_refs", "5");
        self.phase = Instant::now();
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let format = if args.iter().any(|a| a == "markdown") {
        ReportFormat::Markdown
    } else {
        ReportFormat::Html
    };
    let paths: Vec<&String> = args
        .iter()
        .filter(|a| !a.starts_with("--") && *a != "html" && *a != "markdown")
        .collect();
    let Some(answers_path) = paths.first() else {
        panic!("usage: phases ANSWERS [CHECKLIST] [--format html|markdown]");
    };
    let mut meter = Meter::new();
    let answers = SourceFile::read(Path::new(answers_path)).unwrap();
    meter.mark("read answers");
    let file: AnswerFile = yaml::from_str(&answers.text).unwrap();
    meter.mark("parse answers");
    let named = validate::named_checklists(&file).unwrap();
    let spec = match paths.get(1) {
        Some(path) => Spec::Path(PathBuf::from(path)),
        None => named
            .first()
            .cloned()
            .unwrap_or(Spec::parse("ai-risk-control")),
    };
    let (checklist, rules) =
        match checklist::load(&spec, answers.base_dir()).and_then(RuleSet::of_loaded) {
            Ok(pair) => pair,
            Err(err) => panic!("{err:?}"),
        };
    meter.mark("load checklist");
    let (diagnostics, responses) =
        validate::validate(&file, &checklist, &named, answers.base_dir());
    let responses = responses.unwrap_or_else(|| panic!("invalid: {diagnostics:?}"));
    meter.mark("validate");
    // What dropping the parsed file once it is validated would save (app.rs keeps it).
    let file = if std::env::var_os("PHASES_DROP_FILE").is_some() {
        drop(file);
        None
    } else {
        Some(file)
    };
    let assessment = assess::assess(assess::Inputs {
        checklist: &checklist,
        rules: &rules,
        responses: &responses,
        answers: &answers,
        rules_files: &[],
        warnings: diagnostics,
        date: "2023-11-14".to_owned(),
        answer_keys: None,
    });
    meter.mark("assess");
    if std::env::var_os("PHASES_VALUE").is_some() {
        // What the Serde conversion of the whole model costs on its own.
        let value = minijinja::Value::from(minijinja::value::Serde(&assessment));
        meter.mark("model as value");
        drop(value);
        meter.mark("drop value");
    }
    let text = report::render(&assessment, format, None).unwrap();
    meter.mark("render");
    let out = std::env::temp_dir().join(format!("airisk-phases-{}.out", std::process::id()));
    std::fs::write(&out, text.as_bytes()).unwrap();
    let _ = std::fs::remove_file(&out);
    meter.mark("write");
    drop(text);
    drop(assessment);
    drop(responses);
    drop(file);
    drop(checklist);
    meter.mark("drop");
}
