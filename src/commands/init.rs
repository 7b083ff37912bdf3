//! `airisk init`: an answer template for one or more checklists.

use std::path::{Component, Path, PathBuf};

use anyhow::Result;

use super::Ctx;
use crate::checklist::{self, Checklist, Spec};
use crate::cli::InitArgs;
use crate::exit;
use crate::output;
use crate::rules::RuleSet;

pub fn run(args: &InitArgs, ctx: &Ctx) -> Result<u8> {
    let target = args.output.as_deref().filter(|p| !output::is_stdout(p));
    let (checklist, names) = load_named(&args.checklists, target, ctx)?;
    let text = crate::init::template(&checklist, &names);
    // `-o -` is standard output, as without `-o`.
    match target {
        Some(path) => {
            output::write_file(path, text.as_bytes(), &[], args.force)?;
            let shown = crate::escape::term_line(&path.display().to_string()).into_owned();
            output::stderr(&format!(
                "wrote {shown} with {} questions; fill in every answer, then run `airisk validate {shown}`\n",
                checklist.question_count(),
            ));
        }
        None => output::stdout(&text)?,
    }
    Ok(exit::SUCCESS)
}

/// The checklists named with `--checklist` (the default one when none is), loaded, their
/// rules checked, and combined; with the names a template's `checklist:` gives them (a
/// path relative to `target`, the answer file to be written, when there is one).
pub(super) fn load_named(
    given: &[String],
    target: Option<&Path>,
    ctx: &Ctx,
) -> Result<(Checklist, Vec<String>)> {
    let specs = if given.is_empty() {
        vec![Spec::parse(checklist::DEFAULT_CHECKLIST)]
    } else {
        given.iter().map(|s| Spec::parse(s)).collect()
    };
    let mut parts = Vec::new();
    for spec in &specs {
        // Given on the command line, so trusted: an invalid one's diagnostics are shown.
        // Its rules are compiled only to refuse a checklist whose rules are broken.
        parts.push(super::load_or_report(spec, ctx)?.0);
    }
    let names: Vec<String> = specs
        .iter()
        .zip(&parts)
        .map(|(spec, c)| match spec {
            Spec::Path(p) => relative_to_output(p, target).display().to_string(),
            Spec::Builtin { .. } => format!("{}@{}", c.id, c.version),
        })
        .collect();
    let checklist = Checklist::combine(parts).map_err(anyhow::Error::msg)?;
    if specs.len() > 1 {
        RuleSet::of_combined(&checklist).map_err(anyhow::Error::msg)?;
    }
    Ok((checklist, names))
}

/// A checklist path as the answer file written to `target` must say it: relative to the
/// answer file's folder, not to the current one (`checklist:` is resolved from there).
pub(super) fn relative_to_output(checklist: &Path, target: Option<&Path>) -> PathBuf {
    let Some(target) = target else {
        return checklist.to_path_buf();
    };
    let folder = target.parent().unwrap_or(Path::new(""));
    let absolute = |p: &Path| {
        std::path::absolute(if p.as_os_str().is_empty() {
            Path::new(".")
        } else {
            p
        })
    };
    let (Ok(from), Ok(to)) = (absolute(folder), absolute(checklist)) else {
        return checklist.to_path_buf();
    };
    let (from, to) = (normal(&from), normal(&to));
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut relative = PathBuf::new();
    for _ in common..from.len() {
        relative.push("..");
    }
    for part in &to[common..] {
        relative.push(part);
    }
    relative
}

/// The path's components with `.` dropped and `x/..` folded.
fn normal(p: &Path) -> Vec<Component<'_>> {
    let mut parts: Vec<Component<'_>> = Vec::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(parts.last(), Some(Component::Normal(_))) => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checklist_paths_are_relative_to_the_answer_file() {
        let rel = |c: &str, o: Option<&str>| {
            relative_to_output(Path::new(c), o.map(Path::new))
                .display()
                .to_string()
        };
        assert_eq!(rel("ours.yaml", None), "ours.yaml");
        assert_eq!(rel("ours.yaml", Some("answers.yaml")), "ours.yaml");
        assert_eq!(
            rel("lists/ours.yaml", Some("lists/answers.yaml")),
            "ours.yaml"
        );
        assert_eq!(rel("ours.yaml", Some("out/answers.yaml")), "../ours.yaml");
        assert_eq!(
            rel("./a/b/ours.yaml", Some("a/answers.yaml")),
            "b/ours.yaml"
        );
    }
}
