//! Criterion benchmarks of every phase of `airisk report`, at 50, 1,000 and 10,000
//! questions, and at 100,000 when `AIRISK_BENCH_100K=1` (about 4 minutes more).
//!
//! Inputs come from `tools/synth.rs` (the generator's), written at bench time
//! into a temporary folder that is removed afterwards. Each phase is measured on its own,
//! with the outputs of the earlier phases prepared outside the timed loop:
//!
//! | group | what is timed |
//! | --- | --- |
//! | `serde_floor` | serde_yaml alone: both files' text into airisk's own types (`ChecklistFile`, `AnswerFile`) |
//! | `load_checklist` | read checklist.yaml, parse, check, compile the rules |
//! | `parse_answers` | read answers.yaml and parse it |
//! | `validate` | check the parsed answers against the checklist (what `airisk validate` adds to the parse) |
//! | `assess` | run the rules, locate the findings, score, hash the inputs |
//! | `render_markdown`, `render_html` | render the built-in report templates |
//! | `end_to_end_html` | all of the above from the files to the HTML text (as `airisk report --format html`) |
//!
//! Run: `cargo bench --bench pipeline` (add `-- render` to filter; see docs/performance.md).
// A benchmark that cannot set up its inputs has nothing to measure: failing loudly is right.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};

use airisk::answers::AnswerFile;
use airisk::answers::Responses;
use airisk::assess::{self, Assessment};
use airisk::checklist::{self, Checklist, ChecklistFile, Spec};
use airisk::report::ReportFormat;
use airisk::rules::RuleSet;
use airisk::source::SourceFile;
use airisk::validate;
use airisk::{report, yaml};

#[path = "tools/synth.rs"]
#[allow(dead_code)] // shared with the generator, which uses more of it
mod synth;

const DATE: &str = "2023-11-14";

struct Fixture {
    n: usize,
    _dir: tempfile::TempDir,
    checklist_path: PathBuf,
    answers_path: PathBuf,
    checklist: Checklist,
    rules: RuleSet,
    answers: SourceFile,
    file: AnswerFile,
    responses: Responses,
}

impl Fixture {
    fn new(n: usize) -> Self {
        let dir = tempfile::tempdir().unwrap();
        synth::write(n, dir.path(), synth::DEFAULT_SEED, false).unwrap();
        let checklist_path = dir.path().join("checklist.yaml");
        let answers_path = dir.path().join("answers.yaml");
        let (checklist, rules) = load_checklist(&checklist_path);
        let answers = SourceFile::read(&answers_path).unwrap();
        let file: AnswerFile = yaml::from_str(&answers.text).unwrap();
        let (diagnostics, responses) = check(&file, &checklist, &answers);
        assert!(
            diagnostics == 0,
            "generated answers have {diagnostics} diagnostics"
        );
        Fixture {
            n,
            _dir: dir,
            checklist_path,
            answers_path,
            checklist,
            rules,
            answers,
            file,
            responses: responses.unwrap(),
        }
    }

    fn assessment(&self) -> Assessment<'_> {
        assess(&self.checklist, &self.rules, &self.responses, &self.answers)
    }
}

fn load_checklist(path: &Path) -> (Checklist, RuleSet) {
    match checklist::load(&Spec::Path(path.to_path_buf()), None).and_then(RuleSet::of_loaded) {
        Ok(pair) => pair,
        Err(err) => panic!("{err:?}"),
    }
}

fn check(
    file: &AnswerFile,
    checklist: &Checklist,
    source: &SourceFile,
) -> (usize, Option<Responses>) {
    let named = validate::named_checklists(file).unwrap();
    let (diagnostics, responses) = validate::validate(file, checklist, &named, source.base_dir());
    (diagnostics.len(), responses)
}

fn assess<'c>(
    checklist: &'c Checklist,
    rules: &'c RuleSet,
    responses: &'c Responses,
    answers: &'c SourceFile,
) -> Assessment<'c> {
    assess::assess(assess::Inputs {
        checklist,
        rules,
        responses,
        answers,
        rules_files: &[],
        warnings: Vec::new(),
        date: DATE.to_owned(),
        answer_keys: None,
    })
}

fn sizes() -> Vec<usize> {
    let mut sizes = vec![50, 1_000, 10_000];
    if std::env::var_os("AIRISK_BENCH_100K").is_some_and(|v| v == "1") {
        sizes.push(100_000);
    }
    sizes
}

/// Fewer, longer samples as inputs grow, so a full run stays within minutes.
fn configure(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    n: usize,
) {
    group.throughput(Throughput::Elements(n as u64));
    if n >= 10_000 {
        group.sampling_mode(SamplingMode::Flat);
        group.sample_size(10);
        group.warm_up_time(Duration::from_millis(500));
        group.measurement_time(Duration::from_secs(if n >= 100_000 { 20 } else { 5 }));
    } else {
        group.sample_size(if n >= 1_000 { 30 } else { 50 });
        group.warm_up_time(Duration::from_millis(500));
        group.measurement_time(Duration::from_secs(2));
    }
}

fn benches(c: &mut Criterion) {
    for n in sizes() {
        let fx = Fixture::new(n);
        let id = BenchmarkId::from_parameter(fx.n);

        let mut group = c.benchmark_group("serde_floor");
        configure(&mut group, n);
        let checklist_text = std::fs::read_to_string(&fx.checklist_path).unwrap();
        group.bench_function(id.clone(), |b| {
            b.iter(|| {
                let c: ChecklistFile = yaml::from_str(black_box(&checklist_text)).unwrap();
                let a: AnswerFile = yaml::from_str(black_box(&fx.answers.text)).unwrap();
                (c.sections.len(), a.unknown.len())
            });
        });
        group.finish();

        let mut group = c.benchmark_group("load_checklist");
        configure(&mut group, n);
        group.bench_function(id.clone(), |b| {
            b.iter(|| load_checklist(black_box(&fx.checklist_path)));
        });
        group.finish();

        let mut group = c.benchmark_group("parse_answers");
        configure(&mut group, n);
        group.bench_function(id.clone(), |b| {
            b.iter(|| {
                let source = SourceFile::read(black_box(&fx.answers_path)).unwrap();
                let file: AnswerFile = yaml::from_str(&source.text).unwrap();
                (source, file)
            });
        });
        group.finish();

        let mut group = c.benchmark_group("validate");
        configure(&mut group, n);
        group.bench_function(id.clone(), |b| {
            b.iter(|| check(black_box(&fx.file), &fx.checklist, &fx.answers));
        });
        group.finish();

        let mut group = c.benchmark_group("assess");
        configure(&mut group, n);
        group.bench_function(id.clone(), |b| {
            b.iter(|| fx.assessment().findings.len());
        });
        group.finish();

        let assessment = fx.assessment();
        for (name, format) in [
            ("render_markdown", ReportFormat::Markdown),
            ("render_html", ReportFormat::Html),
        ] {
            let mut group = c.benchmark_group(name);
            configure(&mut group, n);
            group.bench_function(id.clone(), |b| {
                b.iter(|| report::render(black_box(&assessment), format, None).unwrap());
            });
            group.finish();
        }
        drop(assessment);

        let mut group = c.benchmark_group("end_to_end_html");
        configure(&mut group, n);
        group.bench_function(id.clone(), |b| {
            b.iter(|| {
                let answers = SourceFile::read(&fx.answers_path).unwrap();
                let file: AnswerFile = yaml::from_str(&answers.text).unwrap();
                let (checklist, rules) = load_checklist(&fx.checklist_path);
                let (_, responses) = check(&file, &checklist, &answers);
                let responses = responses.unwrap();
                let assessment = assess(&checklist, &rules, &responses, &answers);
                report::render(&assessment, ReportFormat::Html, None)
                    .unwrap()
                    .len()
            });
        });
        group.finish();
    }
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    benches(&mut criterion);
    criterion.final_summary();
}
