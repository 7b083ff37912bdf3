//! `airisk migrate ANSWERS --to CHECKLIST[@VERSION] [-o FILE]`.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Result, bail};

use super::Ctx;
use crate::answers::AnswerFile;
use crate::checklist::{self, Spec};
use crate::cli::MigrateArgs;
use crate::escape::term_line;
use crate::exit;
use crate::output;
use crate::source::SourceFile;

pub fn run(args: &MigrateArgs, ctx: &Ctx) -> Result<u8> {
    let source = SourceFile::read(&args.file)?;
    let file: AnswerFile = crate::yaml::from_str(&source.text).map_err(|e| {
        anyhow::anyhow!(
            "{} is not valid YAML ({e}); run `airisk validate` on it first",
            term_line(&source.name)
        )
    })?;
    let (spec, version) = target_spec(&args.to);
    let (target, _) = super::load_or_report(&spec, ctx)?;
    if let Some(version) = &version
        && *version != target.version
    {
        bail!(
            "{} is version {}, not {version}",
            term_line(&spec.to_string()),
            term_line(&target.version)
        );
    }
    if let Ok(named) = crate::validate::named_checklists(&file) {
        for named in named {
            if let Spec::Builtin { id, .. } = &named
                && *id != target.id
            {
                bail!(
                    "{} answers checklist `{}`, not `{}`",
                    term_line(&source.name),
                    term_line(id),
                    term_line(&target.id)
                );
            }
        }
    }
    let output_path = args.output.as_deref().filter(|p| !output::is_stdout(p));
    let name = match &spec {
        Spec::Builtin { .. } => format!("{}@{}", target.id, target.version),
        Spec::Path(path) => {
            // Relative to where the migrated file goes (or the input's folder).
            let at = output_path.map_or_else(|| args.file.clone(), Path::to_path_buf);
            super::init::relative_to_output(path, Some(&at))
                .display()
                .to_string()
        }
    };
    let previous = previous_checklist(&file, &source);
    let migration =
        crate::migrate::migrate(&source.text, &file, &target, previous.as_ref(), &name)?;
    match output_path {
        Some(path) => {
            output::write_file(
                path,
                migration.text.as_bytes(),
                std::slice::from_ref(&args.file),
                args.force,
            )?;
        }
        None => output::stdout(&migration.text)?,
    }
    let mut summary = String::new();
    for (old, new) in &migration.renamed {
        let _ = writeln!(summary, "renamed: {} -> {}", term_line(old), term_line(new));
    }
    for id in &migration.dropped {
        let _ = writeln!(
            summary,
            "dropped: {} (kept as a comment in the output)",
            term_line(id)
        );
    }
    for id in &migration.added {
        let _ = writeln!(summary, "new, unanswered: {}", term_line(id));
    }
    let _ = writeln!(
        summary,
        "{} answers carried over to {}@{}: {} renamed, {} dropped, {} new questions to answer",
        term_line(&source.name),
        term_line(&target.id),
        term_line(&target.version),
        migration.renamed.len(),
        migration.dropped.len(),
        migration.added.len()
    );
    output::stderr(&summary);
    Ok(exit::SUCCESS)
}

/// The checklist the file answers now, when it names one that may be loaded (see
/// [`crate::checklist_paths`]); it tells the new questions from the unanswered old ones.
fn previous_checklist(file: &AnswerFile, source: &SourceFile) -> Option<checklist::Checklist> {
    let named = crate::validate::named_checklists(file).ok()?;
    let [spec] = named.as_slice() else {
        return None;
    };
    let base = source.base_dir();
    crate::checklist_paths::check_named(spec, base).ok()?;
    // A built-in is only at its current version: it tells nothing about an older one.
    if let Spec::Builtin { .. } = spec {
        return None;
    }
    checklist::load(spec, base).ok().map(|l| l.checklist)
}

/// `CHECKLIST[@VERSION]`: a built-in spec as usual; a path may end in `@VERSION`, which
/// is then checked against the file's own version.
fn target_spec(text: &str) -> (Spec, Option<String>) {
    if let Some((path, version)) = text.rsplit_once('@')
        && let Spec::Path(p) = Spec::parse(path)
        && !version.is_empty()
        && !version.contains(['/', '\\'])
    {
        return (Spec::Path(p), Some(version.to_owned()));
    }
    match Spec::parse(text) {
        Spec::Builtin { id, version } => (Spec::Builtin { id, version: None }, version),
        spec @ Spec::Path(_) => (spec, None),
    }
}
