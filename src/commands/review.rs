//! `airisk review init|sign`, and what `assess` and `report` do with `--draft`,
//! `--review` and `--ignore-acceptances`.

use std::fmt::Write as _;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::{Ctx, evaluate};
use crate::answers::{AnswerValue, Raw, first_control};
use crate::assess::Assessment;
use crate::checklist::Checklist;
use crate::cli::{ReviewCommand, ReviewInitArgs, ReviewOpts, ReviewSignArgs};
use crate::diag::{self, Diagnostic};
use crate::escape::{term_line, term_text};
use crate::exit;
use crate::output;
use crate::pipeline::{self, Evaluated};
use crate::review::{self, Review, parse::Against, signoff};
use crate::source::SourceFile;

pub fn run(command: &ReviewCommand, ctx: &Ctx) -> Result<u8> {
    match command {
        ReviewCommand::Init(args) => init(args, ctx),
        ReviewCommand::Sign(args) => sign(args, ctx),
    }
}

/// The last line of a refusal of incomplete answers: how far they are, and `--draft`.
pub(super) fn progress_hint(checklist: &Checklist, diagnostics: &[Diagnostic]) -> String {
    let open = crate::validate::open_questions(checklist, diagnostics).len();
    if open == 0 {
        return String::new();
    }
    let total = checklist.question_count();
    format!(
        "{} of {total} questions answered; `--draft` assesses what is answered so far\n",
        total - open
    )
}

/// An assessment with its draft marks and review applied, and the review file read.
pub(super) struct Reviewed<'e> {
    pub assessment: Assessment<'e>,
    pub review_source: Option<SourceFile>,
}

impl Reviewed<'_> {
    /// The files the warnings may point into.
    pub fn sources<'a>(&'a self, evaluated: &'a Evaluated) -> Vec<&'a SourceFile> {
        let mut sources = vec![&evaluated.prepared.source];
        sources.extend(self.review_source.as_ref());
        sources
    }
}

/// Assesses with the options of `--draft`, `--review` and `--ignore-acceptances`.
/// `Err(code)` when the review file is unusable (what is wrong is printed).
pub(super) fn assess<'e>(
    evaluated: &'e Evaluated,
    opts: &ReviewOpts,
    ctx: &Ctx,
) -> Result<Reviewed<'e>> {
    let loaded = match &opts.review {
        Some(path) => Some(load(path, evaluated, ctx)?),
        None => None,
    };
    let acceptances = loaded
        .as_ref()
        .filter(|_| !opts.ignore_acceptances)
        .map(|(review, _, _)| review.accepted_risks.as_slice());
    let mut assessment = if loaded.is_some() {
        pipeline::assess_with(evaluated, Some(acceptances.unwrap_or(&[])))?
    } else {
        pipeline::assess(evaluated)?
    };
    if opts.draft {
        assessment.draft = Some(
            assessment
                .questions
                .iter()
                .filter(|q| q.response.answer == AnswerValue::Unanswered)
                .map(|q| q.id)
                .collect(),
        );
    }
    let Some((review, source, mut warnings)) = loaded else {
        return Ok(Reviewed {
            assessment,
            review_source: None,
        });
    };
    let sha256 = source.sha256();
    let mut applied = review::apply::apply(
        review,
        (&source.name, sha256.clone()),
        &mut assessment,
        &evaluated.prepared.checklist,
        &evaluated.responses.by_ordinal,
        opts.ignore_acceptances,
    );
    diag::resolve(&source, &mut applied);
    warnings.extend(applied);
    assessment.warnings.extend(warnings);
    assessment.inputs.push(crate::assess::Input {
        role: "review",
        path: source.name.clone(),
        sha256,
    });
    Ok(Reviewed {
        assessment,
        review_source: Some(source),
    })
}

/// Reads a review file and checks it against an assessment's checklist, rules and
/// project; an invalid one is reported in full and stops the run (exit 2).
fn load(path: &Path, e: &Evaluated, ctx: &Ctx) -> Result<(Review, SourceFile, Vec<Diagnostic>)> {
    let source = SourceFile::read(path)?;
    let rules = e.ruleset.as_ref().unwrap_or(&e.prepared.rules);
    let against = Against {
        checklist: &e.prepared.checklist,
        rule_ids: rules.rules.iter().map(|r| r.id.as_str()).collect(),
        project: Some(&e.responses.project.name),
    };
    let (diagnostics, review) = review::parse::read(&source, &against);
    if let Some(review) = review {
        return Ok((review, source, diagnostics));
    }
    output::stderr(&diag::render_text(&[&source], &diagnostics, ctx.color_err));
    let (errors, _) = diag::count(&diagnostics);
    bail!(
        "{} is not a valid review file ({errors} error{})",
        source.name,
        if errors == 1 { "" } else { "s" }
    )
}

/// What the terminal table does not show: draft progress, the review's decision and
/// sign-off, accepted risks and the reviewer's notes.
pub(super) fn terminal(a: &Assessment<'_>) -> String {
    let mut out = String::new();
    if let Some(open) = &a.draft {
        let _ = writeln!(
            out,
            "\nDRAFT: {} of {} questions answered; the rating ({}) is provisional.",
            a.totals.questions - open.len(),
            a.totals.questions,
            a.rating.as_str()
        );
        for s in &a.sections {
            let _ = writeln!(
                out,
                "  {}: {} / {} answered",
                term_line(s.title),
                s.questions - s.unanswered,
                s.questions
            );
        }
        if !open.is_empty() {
            let shown: Vec<_> = open.iter().map(|id| term_line(id).into_owned()).collect();
            let _ = writeln!(out, "Still open: {}", shown.join(", "));
        }
    }
    let Some(r) = &a.review else {
        return out;
    };
    let _ = writeln!(
        out,
        "\nReview by {}{}: decision {}; report status {}",
        term_line(&r.reviewer.name),
        r.date.map(|d| format!(" on {d}")).unwrap_or_default(),
        r.decision.as_str(),
        r.status.to_uppercase()
    );
    for c in &r.conditions {
        let _ = writeln!(out, "  condition: {}", term_line(c));
    }
    if let Some(before) = a.rating_before_acceptance {
        let _ = writeln!(
            out,
            "Rating before acceptance: {}; residual (open findings): {}",
            before.as_str(),
            a.rating.as_str()
        );
    }
    if let Some(rating) = &r.rating {
        let _ = writeln!(
            out,
            "Reviewer's rating: {} ({})",
            rating.level.as_str(),
            term_line(&rating.reason)
        );
    }
    match &r.sign_off {
        Some(s) if s.holds() => {
            let _ = writeln!(out, "Signed off by {} on {}", term_line(&s.by), s.on);
        }
        Some(s) => {
            let _ = writeln!(
                out,
                "Signed off by {} on {}, for another version; changed since: {}",
                term_line(&s.by),
                s.on,
                term_line(&s.changed.join(", "))
            );
        }
        None => out.push_str("Not signed off\n"),
    }
    if let Some(accepted) = a.accepted.as_ref().filter(|v| !v.is_empty()) {
        let _ = writeln!(out, "\nAccepted risks ({}):", accepted.len());
        for f in accepted {
            let acceptance = &r.accepted_risks[f.acceptance].acceptance;
            let _ = writeln!(
                out,
                "  [{}] {} ({}): accepted by {} until {}{}: {}",
                f.finding.severity,
                term_line(f.finding.question),
                term_line(f.finding.rule),
                term_line(&acceptance.accepted_by),
                acceptance.expires,
                acceptance
                    .ticket
                    .as_ref()
                    .map(|t| format!(", {}", term_line(t)))
                    .unwrap_or_default(),
                term_line(&acceptance.reason)
            );
        }
    }
    if !r.notes.is_empty() {
        let _ = writeln!(out, "\nReviewer notes ({}):", r.notes.len());
        for q in &a.questions {
            if let Some(note) = r.notes.get(q.id) {
                let _ = writeln!(
                    out,
                    "  {} (answer {}): {}",
                    term_line(q.id),
                    q.response.answer.as_str(),
                    term_text(note).trim_end()
                );
            }
        }
    }
    out
}

/// The gate's word on a draft: it never passes `--fail-on` while a question is open.
pub(super) fn draft_gate(a: &Assessment<'_>, fail_on: &str) -> Option<String> {
    let open = a.draft.as_ref()?.len();
    (open > 0).then(|| {
        format!(
            "draft: {open} question{} unanswered; a draft does not pass --fail-on {fail_on} until every question is answered\n",
            if open == 1 { " is" } else { "s are" }
        )
    })
}

fn init(args: &ReviewInitArgs, ctx: &Ctx) -> Result<u8> {
    let evaluated = match evaluate(&args.answers, &args.checklist.checklists, &[], true, ctx)? {
        Ok(e) => e,
        Err(code) => return Ok(code),
    };
    let assessment = pipeline::assess(&evaluated)?;
    let target = args.output.as_deref().filter(|p| !output::is_stdout(p));
    let answers = answers_as_named(&args.answers, target);
    let today = review::date::today()?.to_string();
    let text = review::init::scaffold(&assessment, &answers, &today);
    match target {
        Some(path) => {
            let inputs = evaluated.input_paths(&[]);
            output::write_file(path, text.as_bytes(), &inputs, false)?;
            output::stderr(&format!(
                "wrote {}: fill in the reviewer, notes and decision\n",
                term_line(&path.display().to_string())
            ));
        }
        None => output::stdout(&text)?,
    }
    Ok(exit::SUCCESS)
}

/// The answer file as a review file at `target` names it: its file name when both are in
/// one folder, else the path as given.
fn answers_as_named(answers: &Path, target: Option<&Path>) -> String {
    let folder = |p: &Path| {
        p.parent()
            .filter(|d| !d.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    };
    let same = match target {
        Some(t) => folder(t).canonicalize().ok() == folder(answers).canonicalize().ok(),
        None => folder(answers) == Path::new("."),
    };
    match answers.file_name().filter(|_| same) {
        Some(name) => name.to_string_lossy().into_owned(),
        None => answers.display().to_string(),
    }
}

fn sign(args: &ReviewSignArgs, ctx: &Ctx) -> Result<u8> {
    if first_control(&args.by).is_some() || args.by.trim().is_empty() {
        bail!("--by must be a name on one line");
    }
    let source = SourceFile::read(&args.review)?;
    let answers = match crate::yaml::from_str::<Raw>(&source.text) {
        Ok(Raw::Map(entries)) => entries
            .into_iter()
            .find(|(k, _)| k == "answers")
            .and_then(|(_, v)| v.as_str().map(str::to_owned)),
        _ => None,
    };
    let Some(answers) = answers else {
        bail!(
            "{} names no answer file (`answers: airisk.yaml`): there is nothing to sign off",
            source.name
        );
    };
    let relative = Path::new(&answers);
    if relative.is_absolute() || relative.components().any(|c| c == Component::ParentDir) {
        bail!(
            "{}: `answers: {answers}` must be a path inside the review file's folder",
            source.name
        );
    }
    let answers_path = match source.base_dir() {
        Some(dir) => dir.join(relative),
        None => relative.to_path_buf(),
    };
    let evaluated = match evaluate(
        &answers_path,
        &args.checklist.checklists,
        &args.rules,
        false,
        ctx,
    )? {
        Ok(e) => e,
        Err(code) => return Ok(code),
    };
    let (_, _, warnings) = load(&args.review, &evaluated, ctx)?;
    output::stderr(&diag::render_text(&[&source], &warnings, ctx.color_err));
    let checklist = &evaluated.prepared.checklist;
    let sign_off = review::SignOff {
        by: args.by.trim().to_owned(),
        on: review::date::today()?,
        answers_sha256: evaluated.prepared.source.sha256(),
        checklist_sha256: signoff::checklist_hash(checklist),
        answer_hashes: signoff::answer_hashes(checklist, &evaluated.responses.by_ordinal),
    };
    let text = signoff::replace_block(&source.text, &signoff::block(&sign_off));
    // The rewritten file must read as before, with the new sign-off.
    crate::yaml::from_str::<Raw>(&text)
        .map_err(|e| anyhow::anyhow!("{}: the signed file would not parse: {e}", source.name))?;
    let inputs = evaluated.input_paths(&args.rules);
    output::write_file(&args.review, text.as_bytes(), &inputs, true)
        .with_context(|| format!("{} was not signed", source.name))?;
    output::stderr(&format!(
        "signed off {} for {} ({} answers, sha256 {})\n",
        term_line(&source.name),
        term_line(&evaluated.prepared.source.name),
        sign_off.answer_hashes.len(),
        sign_off.answers_sha256
    ));
    Ok(exit::SUCCESS)
}
