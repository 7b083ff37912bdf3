//! The commands: each reads its inputs, calls the library and hands the result to a renderer.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, mpsc};

use anyhow::{Context, Result, bail};

use crate::answers::AnswerFile;
use crate::answers::Responses;
use crate::assess::{self, Assessment};
use crate::checklist::{self, Checklist, LoadError, Spec};
use crate::cli::{self, Cli, Command};
use crate::diag::{self, DiagFormat, Diagnostic};
use crate::exit;
use crate::output;
use crate::rules::{self, RuleSet, RuleSource};
use crate::source::SourceFile;
use crate::validate;
use crate::yaml;

/// Runs a parsed command line; returns the exit status.
pub fn run(cli: &Cli) -> Result<u8> {
    let ctx = Ctx {
        color_out: crate::term::use_color(cli.color, std::io::stdout().is_terminal()),
        color_err: crate::term::use_color(cli.color, std::io::stderr().is_terminal()),
    };
    match &cli.command {
        Command::Checklists(args) => checklists(args, &ctx),
        Command::Show(args) => show(args, &ctx),
        Command::Init(args) => init(args),
        Command::Validate(args) => validate_files(args, &ctx),
        Command::Assess(args) => assess_file(args, &ctx),
        Command::Report(args) => report(args, &ctx),
        Command::Lint(args) => crate::lint::run(args, &ctx),
        Command::Schema(args) => {
            output::stdout(&crate::schema::schema(args.kind)?)?;
            Ok(exit::SUCCESS)
        }
        Command::Diff(args) => diff(args, &ctx),
        Command::Generate(args) => {
            let synth = crate::synth::write(args.questions, &args.outdir, args.seed)?;
            output::stderr(&format!(
                "wrote {}: checklist.yaml ({} questions, {} rules) and answers.yaml\n",
                args.outdir.display(),
                synth.questions,
                synth.rules
            ));
            Ok(exit::SUCCESS)
        }
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
    }
}

/// What the commands need to know about the terminal.
pub struct Ctx {
    pub color_out: bool,
    pub color_err: bool,
}

fn checklists(args: &cli::ChecklistsArgs, ctx: &Ctx) -> Result<u8> {
    let mut rows = Vec::new();
    for builtin in checklist::BUILTIN {
        let loaded = load_or_report(&Spec::parse(builtin.id), None, ctx)?;
        let c = &loaded.checklist;
        rows.push((
            c.id.clone(),
            c.version.clone(),
            c.title.clone(),
            c.question_count(),
            c.ruleset.rules.len(),
        ));
    }
    let text = match args.format {
        cli::ListFormat::Table => crate::term::checklists(&rows, ctx.color_out),
        cli::ListFormat::Json => {
            let items: Vec<serde_json::Value> = rows
                .iter()
                .map(|(id, version, title, questions, rules)| {
                    serde_json::json!({"id": id, "version": version, "title": title, "questions": questions, "rules": rules})
                })
                .collect();
            serde_json::to_string_pretty(&items)? + "\n"
        }
    };
    output::stdout(&text)?;
    Ok(exit::SUCCESS)
}

fn show(args: &cli::ShowArgs, ctx: &Ctx) -> Result<u8> {
    let loaded = load_or_report(&Spec::parse(&args.checklist), None, ctx)?;
    let c = &loaded.checklist;
    let text = match args.format {
        cli::ShowFormat::Table => crate::term::show(c, ctx.color_out),
        cli::ShowFormat::Markdown => crate::term::show_markdown(c),
        cli::ShowFormat::Json => {
            let value = serde_json::json!({
                "id": c.id, "version": c.version, "title": c.title, "description": c.description,
                "sections": c.sections, "rules": c.rules,
            });
            serde_json::to_string_pretty(&value)? + "\n"
        }
    };
    output::stdout(&text)?;
    Ok(exit::SUCCESS)
}

/// Loads a checklist named on the command line; an invalid one is reported in full.
fn load_or_report(spec: &Spec, base: Option<&Path>, ctx: &Ctx) -> Result<checklist::Loaded> {
    match checklist::load(spec, base) {
        Ok(loaded) => Ok(loaded),
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

fn init(args: &cli::InitArgs) -> Result<u8> {
    let specs = if args.checklists.is_empty() {
        vec![Spec::parse(checklist::DEFAULT_CHECKLIST)]
    } else {
        args.checklists.iter().map(|s| Spec::parse(s)).collect()
    };
    let mut parts = Vec::new();
    for spec in &specs {
        match checklist::load(spec, None) {
            Ok(loaded) => parts.push(loaded.checklist),
            Err(LoadError::Io(err)) => return Err(err),
            Err(LoadError::Invalid { source, .. }) => {
                bail!(
                    "{} is not a valid checklist (run `airisk lint {}`)",
                    source.name,
                    source.name
                )
            }
        }
    }
    let names: Vec<String> = specs
        .iter()
        .zip(&parts)
        .map(|(spec, c)| match spec {
            Spec::Path(p) => p.display().to_string(),
            Spec::Builtin { .. } => format!("{}@{}", c.id, c.version),
        })
        .collect();
    let checklist = Checklist::combine(parts).map_err(anyhow::Error::msg)?;
    let text = crate::init::template(&checklist, &names);
    match &args.output {
        Some(path) => {
            output::write_file(path, text.as_bytes(), &[], args.force)?;
            output::stderr(&format!(
                "wrote {} with {} questions; fill in every answer, then run `airisk validate {}`\n",
                path.display(),
                checklist.question_count(),
                path.display()
            ));
        }
        None => output::stdout(&text)?,
    }
    Ok(exit::SUCCESS)
}

/// Checklists loaded so far, by what named them: many answer files share one. Shared by
/// the threads of `validate` and the loader of [`prepare`]; a checklist is loaded once,
/// under the lock.
#[derive(Default, Clone)]
struct ChecklistCache {
    loaded: Arc<Mutex<HashMap<CacheKey, Arc<Checklist>>>>,
    /// The built-in report template to compile beside a newly loaded checklist.
    template: Option<cli::ReportFormat>,
}

/// The checklists named, and the folder relative paths among them are resolved against.
type CacheKey = (Vec<String>, Option<PathBuf>);

/// An answer file, parsed, with the checklist it is checked against.
struct Prepared {
    source: SourceFile,
    file: AnswerFile,
    named: Vec<Spec>,
    checklist: Arc<Checklist>,
}

/// Why an answer file could not be checked at all (exit 2).
enum Unusable {
    /// A one-line error.
    Message(String),
    /// Diagnostics about the answer file itself (a YAML syntax error).
    Diagnostics(Box<SourceFile>, Vec<Diagnostic>),
}

/// Paths that an answer file's `checklist:` may name: relative YAML files inside the
/// answer file's folder. Anything else must come from `--checklist`.
fn check_named_path(spec: &Spec) -> Result<(), String> {
    let Spec::Path(path) = spec else {
        return Ok(());
    };
    let yaml_ext = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
    let inside = path.is_relative()
        && !path.components().any(|c| {
            matches!(
                c,
                std::path::Component::ParentDir | std::path::Component::Prefix(_)
            )
        });
    if path.to_string_lossy().contains("://") {
        return Err(format!(
            "`checklist: {}` is a URL; airisk never fetches anything; download the checklist and pass it with --checklist",
            path.display()
        ));
    }
    if !yaml_ext || !inside {
        return Err(format!(
            "`checklist: {}` must be a .yaml file inside the answer file's folder; pass other checklists with --checklist",
            path.display()
        ));
    }
    Ok(())
}

fn prepare(
    path: &Path,
    args: &cli::ChecklistArg,
    cache: &ChecklistCache,
) -> Result<Prepared, Unusable> {
    let source = SourceFile::read(path).map_err(|e| Unusable::Message(format!("{e:#}")))?;
    // The checklist the file most likely uses is loaded on a second thread while the file
    // is parsed; it is used only if the parsed file turns out to name the same one. That
    // thread then stays to prepare what comes after (`WarmUp`): one thread, because a new
    // one can take a millisecond to be scheduled on a busy or virtual machine.
    let (parsed, early) = match guess_checklist(&source, args, cache) {
        Some(guess) => {
            let (send, receive) = mpsc::sync_channel(1);
            let (choice, name, shared) = (guess.clone(), source.name.clone(), cache.clone());
            std::thread::spawn(move || {
                let loaded = load_checklist(&choice, &name, &shared);
                let warm = match &loaded {
                    Ok((_, true)) => Some(WarmUp::new(&shared)),
                    _ => None,
                };
                // The receiver is gone only if the main thread stopped early.
                let _ = send.send(loaded.map(|(checklist, _)| checklist));
                if let Some(warm) = warm {
                    warm.run();
                }
            });
            let parsed = yaml::from_str::<AnswerFile>(&source.text);
            let ready = receive.try_recv();
            // Should the loader have died (it does not panic), load it here.
            let loaded = ready
                .or_else(|_| receive.recv())
                .unwrap_or_else(|_| resolve_checklist(&guess, &source.name, cache));
            (parsed, Some((guess, loaded)))
        }
        None => (yaml::from_str::<AnswerFile>(&source.text), None),
    };
    let file: AnswerFile = match parsed {
        Ok(file) => file,
        Err(err) => {
            let mut d = Diagnostic::error(
                diag::Code::YamlSyntax,
                format!("invalid YAML: {}", err.message),
            )
            .help("fix the syntax first; `airisk init` shows the expected layout");
            if let (Some(line), Some(column)) = (err.line, err.column) {
                d = d.at_position(line, column);
            }
            let mut diagnostics = vec![d];
            diag::resolve(&source, &mut diagnostics);
            return Err(Unusable::Diagnostics(Box::new(source), diagnostics));
        }
    };
    let named = match validate::named_checklists(&file) {
        Ok(named) => named,
        // The override decides; the field's problem is still reported by validate.
        Err(_) if !args.checklists.is_empty() => Vec::new(),
        Err(d) => {
            let mut diagnostics = vec![*d];
            diag::resolve(&source, &mut diagnostics);
            return Err(Unusable::Diagnostics(Box::new(source), diagnostics));
        }
    };
    let choice = Choice::new(&named, args, &source);
    let checklist = match early {
        Some((guess, loaded)) if guess == choice => loaded?,
        _ => resolve_checklist(&choice, &source.name, cache)?,
    };
    Ok(Prepared {
        source,
        file,
        named,
        checklist,
    })
}

/// Which checklist an answer file is checked against, and where relative paths start.
#[derive(Debug, Clone, PartialEq)]
struct Choice {
    specs: Vec<Spec>,
    from_file: bool,
    base: Option<PathBuf>,
}

impl Choice {
    fn new(named: &[Spec], args: &cli::ChecklistArg, source: &SourceFile) -> Choice {
        let (specs, from_file): (Vec<Spec>, bool) = if !args.checklists.is_empty() {
            (
                args.checklists.iter().map(|s| Spec::parse(s)).collect(),
                false,
            )
        } else if named.is_empty() {
            (vec![Spec::parse(checklist::DEFAULT_CHECKLIST)], false)
        } else {
            (named.to_vec(), true)
        };
        let base = if from_file {
            source.base_dir().map(Path::to_path_buf)
        } else {
            None
        };
        Choice {
            specs,
            from_file,
            base,
        }
    }

    fn key(&self) -> CacheKey {
        (
            self.specs.iter().map(ToString::to_string).collect(),
            self.base.clone(),
        )
    }
}

/// The checklist an answer file names, read from the lines above `answers:` (or given on
/// the command line), when it is not loaded yet; `None` when there is nothing to win.
fn guess_checklist(
    source: &SourceFile,
    args: &cli::ChecklistArg,
    cache: &ChecklistCache,
) -> Option<Choice> {
    let named = if args.checklists.is_empty() {
        let text = &source.text;
        let end = if text.starts_with("answers:") {
            0
        } else {
            text.find("\nanswers:")? + 1
        };
        match named_in_head(&text[..end]) {
            Some(named) => named,
            // A long head would be parsed twice for little gain.
            None if end > 64 * 1024 => return None,
            None => {
                let head: AnswerFile = yaml::from_str(&text[..end]).ok()?;
                validate::named_checklists(&head).ok()?
            }
        }
    } else {
        Vec::new()
    };
    let choice = Choice::new(&named, args, source);
    // Loaded already, or being loaded by another thread: parse first, as usual.
    let loaded = cache.loaded.try_lock().ok()?;
    (!loaded.contains_key(&choice.key())).then_some(choice)
}

/// What the head of an answer file names in `checklist:` when that is one plain scalar on
/// its own line (`checklist: ai-risk-control@1.0`) or absent, read without parsing the
/// YAML; `None` for any other form. Only a guess, which the parse of the whole file
/// confirms before it is used, so that the head is not parsed twice.
fn named_in_head(head: &str) -> Option<Vec<Spec>> {
    let mut named = None;
    let mut lines = head.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(rest) = line.strip_prefix("checklist:") else {
            // The key written another way (quoted, spaced, after a byte-order mark).
            let bare = line.trim_start_matches(['\u{feff}', '"', '\'', ' ', '\t', '?']);
            if bare.starts_with("checklist") {
                return None;
            }
            continue;
        };
        // A plain scalar may go on over indented lines.
        if lines
            .peek()
            .is_some_and(|next| next.starts_with([' ', '\t']) && !next.trim().is_empty())
        {
            return None;
        }
        let value = rest.trim();
        let value = match value.find(" #").or_else(|| value.find("\t#")) {
            Some(comment) => value[..comment].trim_end(),
            None => value,
        };
        // A name or a path, and a string to YAML: not a number, boolean or null.
        let plain = (value.starts_with(|c: char| c.is_ascii_alphabetic())
            || value.starts_with("./")
            || value.starts_with("../")
            || value.starts_with('/'))
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._@/-".contains(c))
            && !["true", "false", "null"]
                .iter()
                .any(|word| value.eq_ignore_ascii_case(word));
        if !plain || named.is_some() {
            return None;
        }
        named = Some(Spec::parse(value));
    }
    Some(named.into_iter().collect())
}

/// The checklist of a [`Choice`], from the cache or loaded into it (once: under the lock).
/// What a newly loaded checklist's users need next is prepared on a background thread.
fn resolve_checklist(
    choice: &Choice,
    name: &str,
    cache: &ChecklistCache,
) -> Result<Arc<Checklist>, Unusable> {
    let (checklist, fresh) = load_checklist(choice, name, cache)?;
    if fresh {
        let warm = WarmUp::new(cache);
        // Detached: the process may end first, which is fine.
        std::thread::spawn(move || warm.run());
    }
    Ok(checklist)
}

/// What comes after loading a checklist, prepared on a spare core in the order the main
/// thread needs it: validation's patterns, the rules' patterns, the report's template.
struct WarmUp {
    template: Option<cli::ReportFormat>,
}

impl WarmUp {
    fn new(cache: &ChecklistCache) -> WarmUp {
        WarmUp {
            template: cache.template,
        }
    }

    fn run(self) {
        SourceFile::warm_up();
        if let Some(format) = self.template {
            crate::report::warm_up(format);
        }
    }
}

/// [`resolve_checklist`] without the warm-up; `true` when the checklist was loaded now.
fn load_checklist(
    choice: &Choice,
    name: &str,
    cache: &ChecklistCache,
) -> Result<(Arc<Checklist>, bool), Unusable> {
    let Choice {
        specs,
        from_file,
        base,
    } = choice;
    let from_file = *from_file;
    let mut loaded = cache.loaded.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(c) = loaded.get(&choice.key()) {
        return Ok((Arc::clone(c), false));
    }
    let mut parts = Vec::new();
    for spec in specs {
        if from_file {
            check_named_path(spec).map_err(|m| Unusable::Message(format!("{name}: {m}")))?;
        }
        match checklist::load(spec, base.as_deref()) {
            Ok(loaded) => parts.push(loaded.checklist),
            Err(LoadError::Io(err)) if from_file => {
                return Err(Unusable::Message(format!("{name}: {err:#}")));
            }
            Err(LoadError::Io(err)) => return Err(Unusable::Message(format!("{err:#}"))),
            // A checklist named inside an answer file is untrusted: say that it is
            // invalid, never print its contents.
            Err(LoadError::Invalid { source: cl, .. }) if from_file => {
                return Err(Unusable::Message(format!(
                    "{name}: checklist {} is not a valid checklist (check it with `airisk lint`)",
                    cl.name
                )));
            }
            Err(LoadError::Invalid {
                source: cl,
                diagnostics,
            }) => {
                return Err(Unusable::Diagnostics(cl, diagnostics));
            }
        }
    }
    let combined = Arc::new(Checklist::combine(parts).map_err(Unusable::Message)?);
    loaded.insert(choice.key(), Arc::clone(&combined));
    Ok((combined, true))
}

/// What a command prints about one file, kept until it is that file's turn to print.
enum Out {
    Stderr(String),
    Stdout(String),
    /// One entry of the `files` list of `--format json`.
    Json(serde_json::Value),
}

/// Prints (or, for JSON, collects) what was kept.
fn deliver(outs: Vec<Out>, json: &mut Vec<serde_json::Value>) {
    for out in outs {
        match out {
            Out::Stderr(text) => output::stderr(&text),
            Out::Stdout(text) => {
                let _ = output::stdout(&text);
            }
            Out::Json(value) => json.push(value),
        }
    }
}

fn report_unusable(unusable: Unusable, format: DiagFormat, ctx: &Ctx, out: &mut Vec<Out>) {
    match unusable {
        Unusable::Message(message) => out.push(match format {
            DiagFormat::Json => Out::Json(serde_json::json!({"error": message})),
            DiagFormat::Github => {
                Out::Stderr(format!("::error::{}\n", message.replace('\n', "%0A")))
            }
            DiagFormat::Text => Out::Stderr(format!("error: {message}\n")),
        }),
        Unusable::Diagnostics(source, diagnostics) => {
            emit(&source, &diagnostics, format, ctx, out);
        }
    }
}

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
        DiagFormat::Json => {
            let (errors, _) = diag::count(diagnostics);
            Out::Json(serde_json::json!({"file": source.name, "valid": errors == 0, "diagnostics": diagnostics}))
        }
    });
}

/// Validates one prepared file; diagnostics resolved against it.
fn check(prepared: &Prepared) -> (Vec<Diagnostic>, Option<Responses>) {
    let (mut diagnostics, responses) = validate::validate(
        &prepared.file,
        &prepared.checklist,
        &prepared.named,
        prepared.source.base_dir(),
    );
    if !diagnostics.is_empty() {
        diag::resolve(&prepared.source, &mut diagnostics);
    }
    (diagnostics, responses)
}

fn summary_line(name: &str, diagnostics: &[Diagnostic]) -> String {
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

/// The outcome of validating one file: what to print, and its counts and exit status.
struct Checked {
    out: Vec<Out>,
    errors: usize,
    warnings: usize,
    status: u8,
}

fn validate_one(
    path: &Path,
    args: &cli::ValidateArgs,
    ctx: &Ctx,
    cache: &ChecklistCache,
) -> Checked {
    let mut out = Vec::new();
    match prepare(path, &args.checklist, cache) {
        Err(unusable) => {
            report_unusable(unusable, args.format, ctx, &mut out);
            Checked {
                out,
                errors: 0,
                warnings: 0,
                status: exit::ERROR,
            }
        }
        Ok(prepared) => {
            let (diagnostics, _) = check(&prepared);
            let (errors, warnings) = diag::count(&diagnostics);
            emit(&prepared.source, &diagnostics, args.format, ctx, &mut out);
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
/// own (read, parse, validate, render the diagnostics), so work stealing (rayon) would add
/// a dependency and start-up cost and bring nothing; threads borrow the arguments and the
/// shared checklist cache directly; results come back over a channel and are printed in
/// order. One file runs on the calling thread alone.
fn validate_files(args: &cli::ValidateArgs, ctx: &Ctx) -> Result<u8> {
    let cache = ChecklistCache::default();
    let mut worst = exit::SUCCESS;
    let mut json = Vec::new();
    let (mut total_errors, mut total_warnings) = (0, 0);
    let mut take = |checked: Checked, json: &mut Vec<serde_json::Value>| {
        total_errors += checked.errors;
        total_warnings += checked.warnings;
        worst = worst.max(checked.status);
        deliver(checked.out, json);
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(args.files.len());
    if threads <= 1 {
        for path in &args.files {
            take(validate_one(path, args, ctx, &cache), &mut json);
        }
    } else {
        let next = AtomicUsize::new(0);
        let (send, receive) = mpsc::channel::<(usize, Checked)>();
        std::thread::scope(|scope| {
            for _ in 0..threads {
                let send = send.clone();
                let (next, cache) = (&next, &cache);
                scope.spawn(move || {
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(path) = args.files.get(index) else {
                            break;
                        };
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
            let mut waiting = std::collections::BTreeMap::new();
            let mut due = 0;
            for (index, checked) in receive {
                waiting.insert(index, checked);
                while let Some(checked) = waiting.remove(&due) {
                    take(checked, &mut json);
                    due += 1;
                }
            }
        });
    }
    if args.format == DiagFormat::Json {
        let doc = serde_json::json!({
            "schema_version": 1,
            "files": json,
            "errors": total_errors,
            "warnings": total_warnings,
        });
        output::stdout(&(serde_json::to_string_pretty(&doc)? + "\n"))?;
    }
    Ok(worst)
}

/// Reads and compiles `--rules` files against a checklist.
fn extra_rules(
    paths: &[PathBuf],
    checklist: &Checklist,
    ctx: &Ctx,
) -> Result<(Vec<SourceFile>, RuleSet)> {
    let mut sources = Vec::new();
    let mut files = Vec::new();
    for path in paths {
        let source = SourceFile::read(path)?;
        let file: checklist::RulesFile = match yaml::from_str(&source.text) {
            Ok(file) => file,
            Err(err) => {
                let mut d = Diagnostic::error(
                    diag::Code::YamlSyntax,
                    format!("not a valid rules file: {}", err.message),
                );
                if let (Some(line), Some(column)) = (err.line, err.column) {
                    d = d.at_position(line, column);
                }
                let mut diagnostics = vec![d];
                diag::resolve(&source, &mut diagnostics);
                output::stderr(&diag::render_text(&[&source], &diagnostics, ctx.color_err));
                bail!("{} is not a valid rules file", source.name);
            }
        };
        sources.push(source);
        files.push(file);
    }
    let rule_sources: Vec<RuleSource<'_>> = sources
        .iter()
        .zip(&files)
        .map(|(source, file)| RuleSource {
            source,
            rules: &file.rules,
            first_index: 0,
        })
        .collect();
    match rules::compile(checklist, &rule_sources, &checklist.ruleset) {
        Ok(set) => Ok((sources, set)),
        Err(diagnostics) => {
            let refs: Vec<&SourceFile> = sources.iter().collect();
            output::stderr(&diag::render_text(&refs, &diagnostics, ctx.color_err));
            bail!("the rules files have {} errors", diagnostics.len())
        }
    }
}

/// Everything needed to assess one answer file.
struct Evaluated {
    prepared: Prepared,
    responses: Responses,
    rules_files: Vec<SourceFile>,
    /// The rules with `--rules` files added; `None` when the checklist's own are enough.
    ruleset: Option<RuleSet>,
    warnings: Vec<Diagnostic>,
}

/// Validates and prepares an assessment; `Err(code)` when it cannot go on (diagnostics
/// already printed).
fn evaluate(
    file: &Path,
    checklist: &cli::ChecklistArg,
    rules_paths: &[PathBuf],
    template: Option<cli::ReportFormat>,
    ctx: &Ctx,
) -> Result<Result<Evaluated, u8>> {
    let cache = ChecklistCache {
        template,
        ..ChecklistCache::default()
    };
    let prepared = match prepare(file, checklist, &cache) {
        Ok(p) => p,
        Err(unusable) => {
            let mut out = Vec::new();
            report_unusable(unusable, DiagFormat::Text, ctx, &mut out);
            deliver(out, &mut Vec::new());
            return Ok(Err(exit::ERROR));
        }
    };
    let (diagnostics, responses) = check(&prepared);
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
    // again (70 MiB at 100,000 questions), so it goes before rendering starts.
    let mut prepared = prepared;
    prepared.file = AnswerFile::default();
    // The checklist's own rules are used in place; a copy is made only to add --rules.
    let ruleset = if rules_paths.is_empty() {
        None
    } else {
        let (rules_files, extra) = extra_rules(rules_paths, &prepared.checklist, ctx)?;
        let mut ruleset = prepared.checklist.ruleset.clone();
        ruleset.merge(extra);
        Some((rules_files, ruleset))
    };
    let (rules_files, ruleset) = match ruleset {
        Some((files, set)) => (files, Some(set)),
        None => (Vec::new(), None),
    };
    Ok(Ok(Evaluated {
        prepared,
        responses,
        rules_files,
        ruleset,
        warnings: diagnostics,
    }))
}

fn build(e: &Evaluated) -> Result<Assessment<'_>> {
    Ok(assess::assess(assess::Inputs {
        checklist: &e.prepared.checklist,
        rules: e.ruleset.as_ref().unwrap_or(&e.prepared.checklist.ruleset),
        responses: &e.responses,
        answers: &e.prepared.source,
        rules_files: &e.rules_files,
        warnings: e.warnings.clone(),
        date: assess::assessment_date()?,
    }))
}

fn assess_file(args: &cli::AssessArgs, ctx: &Ctx) -> Result<u8> {
    let evaluated = match evaluate(&args.file, &args.checklist, &args.rules, None, ctx)? {
        Ok(e) => e,
        Err(code) => return Ok(code),
    };
    let assessment = build(&evaluated)?;
    if !assessment.warnings.is_empty() && args.format != cli::AssessFormat::Json {
        output::stderr(&diag::render_text(
            &[&evaluated.prepared.source],
            &assessment.warnings,
            ctx.color_err,
        ));
    }
    let text = match args.format {
        cli::AssessFormat::Table => crate::term::assessment(&assessment, ctx.color_out),
        cli::AssessFormat::Json => serde_json::to_string_pretty(&assessment)? + "\n",
        cli::AssessFormat::Github => crate::report::github_annotations(&assessment),
    };
    output::stdout(&text)?;
    let failing = assessment
        .findings
        .iter()
        .filter(|f| f.severity >= args.fail_on)
        .count();
    if failing > 0 {
        output::stderr(&format!(
            "{} open finding{} at or above {} (--fail-on {})\n",
            failing,
            if failing == 1 { "" } else { "s" },
            args.fail_on,
            args.fail_on
        ));
        return Ok(exit::FAILURE);
    }
    Ok(exit::SUCCESS)
}

fn report(args: &cli::ReportArgs, ctx: &Ctx) -> Result<u8> {
    let template = match &args.template {
        Some(path) => Some(SourceFile::read(path)?),
        None => None,
    };
    let builtin = args.template.is_none().then_some(args.format);
    let evaluated = match evaluate(&args.file, &args.checklist, &args.rules, builtin, ctx)? {
        Ok(e) => e,
        Err(code) => return Ok(code),
    };
    let mut assessment = build(&evaluated)?;
    if let Some(template) = &template {
        assessment.inputs.push(assess::Input {
            role: "template",
            path: template.name.clone(),
            sha256: template.sha256(),
        });
    }
    if let Some(path) = &args.output {
        let mut inputs = vec![args.file.clone()];
        inputs.extend(args.rules.iter().cloned());
        inputs.extend(args.template.iter().cloned());
        inputs.extend(
            evaluated
                .prepared
                .checklist
                .sources
                .iter()
                .filter_map(|s| s.path.clone()),
        );
        // Rendered straight into the file: a 100,000-question report is 100 MB.
        output::write_file_with(path, &inputs, true, |out| {
            crate::report::render_to(&assessment, args.format, template.as_ref(), out)
        })
        .with_context(|| format!("the report was not written to {}", path.display()))?;
    } else if template.is_none() {
        // A built-in template renders on every input (the tests show it), so it goes out
        // as it is made: a buffer the size of the report would take a page fault for each
        // of its fresh pages (46 for the prototype example's 187 KB).
        output::stdout_with(|out| crate::report::render_to(&assessment, args.format, None, out))?;
    } else {
        // Whole before any of it is printed, so a failing template prints nothing.
        let text = crate::report::render(&assessment, args.format, template.as_ref())?;
        output::stdout(&text)?;
        std::mem::forget(text);
    }
    // The process ends next: freeing a large model piece by piece only costs time
    // (0.2 s at 100,000 questions), the operating system takes it back at once.
    std::mem::forget(assessment);
    std::mem::forget(evaluated);
    Ok(exit::SUCCESS)
}

fn diff(args: &cli::DiffArgs, ctx: &Ctx) -> Result<u8> {
    let old = match evaluate(&args.old, &args.checklist, &[], None, ctx)? {
        Ok(e) => e,
        Err(code) => return Ok(code),
    };
    let new = match evaluate(&args.new, &args.checklist, &[], None, ctx)? {
        Ok(e) => e,
        Err(code) => return Ok(code),
    };
    let old_assessment = build(&old)?;
    let new_assessment = build(&new)?;
    let text = crate::report::diff(&old_assessment, &new_assessment, args.format)?;
    output::stdout(&text)?;
    Ok(exit::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whenever the line scan answers, it answers as parsing the head does.
    #[test]
    fn the_checklist_read_from_the_head_is_the_one_the_parse_finds() {
        let heads = [
            "",
            "project:\n  name: Fraud model\n",
            "checklist: ai-risk-control\n",
            "checklist: ai-risk-control@1.0  # the default\nproject:\n  name: X\n",
            "# checklist: commented out\nchecklist: genai-addendum\t# tab, then a comment\n",
            "checklist: ./ours.yaml\n",
            "checklist: ../shared/ours.yml\n",
            "checklist: /etc/airisk/ours.yaml\n",
        ];
        for head in heads {
            let scanned = named_in_head(head).unwrap_or_else(|| panic!("{head:?}"));
            let file: AnswerFile = yaml::from_str(head).unwrap_or_else(|e| panic!("{e}"));
            let parsed = validate::named_checklists(&file).unwrap_or_else(|d| panic!("{d:?}"));
            assert_eq!(scanned, parsed, "{head:?}");
        }
        // Anything else is left to the parser.
        for head in [
            "checklist: \"ai-risk-control\"\n",
            "checklist: 'ai-risk-control'\n",
            "checklist: [ai-risk-control, genai-addendum]\n",
            "checklist:\n  - ai-risk-control\n",
            "checklist: 1.0\n",
            "checklist: null\n",
            "checklist: True\n",
            "checklist: .inf\n",
            "checklist: our list.yaml\n",
            "checklist: &name ai-risk-control\n",
            "checklist: a\nchecklist: b\n",
            "\u{feff}checklist: genai-addendum\n",
            "\"checklist\": genai-addendum\n",
            "'checklist': genai-addendum\n",
            "checklist : genai-addendum\n",
            "checklist: ai-risk-control\n  @1.0\n",
        ] {
            assert_eq!(named_in_head(head), None, "{head:?}");
        }
    }
}
