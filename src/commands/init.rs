//! `airisk init`: an answer template for one or more checklists.

use anyhow::{Result, bail};

use crate::checklist::{self, Checklist, LoadError, Spec};
use crate::cli::InitArgs;
use crate::exit;
use crate::output;
use crate::rules::RuleSet;

pub fn run(args: &InitArgs) -> Result<u8> {
    let (checklist, names) = load_named(&args.checklists)?;
    let text = crate::init::template(&checklist, &names);
    // `-o -` is standard output, as without `-o`.
    match args.output.as_deref().filter(|p| !output::is_stdout(p)) {
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
/// rules checked, and combined; with the names a template's `checklist:` gives them.
pub(super) fn load_named(given: &[String]) -> Result<(Checklist, Vec<String>)> {
    let specs = if given.is_empty() {
        vec![Spec::parse(checklist::DEFAULT_CHECKLIST)]
    } else {
        given.iter().map(|s| Spec::parse(s)).collect()
    };
    let mut parts = Vec::new();
    for spec in &specs {
        // The rules are compiled only to refuse a checklist whose rules are broken.
        match checklist::load(spec, None).and_then(RuleSet::of_loaded) {
            Ok((checklist, _)) => parts.push(checklist),
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
    if specs.len() > 1 {
        RuleSet::of_combined(&checklist).map_err(anyhow::Error::msg)?;
    }
    Ok((checklist, names))
}
