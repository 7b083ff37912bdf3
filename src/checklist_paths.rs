//! Which checklists an answer file may name (README, "Paths inside an answer file").
//!
//! An answer file is untrusted input: its `checklist:` may name a built-in checklist or a
//! relative YAML file inside the answer file's folder. Anything else must come from
//! `--checklist`, which the person running airisk typed.

use std::path::{Component, Path};

use crate::checklist::Spec;

/// `Ok` when an answer file whose folder is `base` may name `spec`; else why not, in one
/// line. The path is checked as written, then as resolved: a symbolic link inside the
/// folder that leads out of it is refused like `..`.
pub fn check_named(spec: &Spec, base: Option<&Path>) -> Result<(), String> {
    check_written(spec)?;
    match (spec, base) {
        (Spec::Path(path), Some(base)) => check_resolved(path, base),
        _ => Ok(()),
    }
}

/// A file that does not resolve (missing, a loop) is left to the loader, which says so.
fn check_resolved(path: &Path, base: &Path) -> Result<(), String> {
    let (Ok(folder), Ok(target)) = (base.canonicalize(), base.join(path).canonicalize()) else {
        return Ok(());
    };
    if target.starts_with(&folder) {
        return Ok(());
    }
    Err(format!(
        "`checklist: {}` leads outside the answer file's folder through a symbolic link; pass checklists from elsewhere with --checklist",
        path.display()
    ))
}

fn check_written(spec: &Spec) -> Result<(), String> {
    let Spec::Path(path) = spec else {
        return Ok(());
    };
    if path.to_string_lossy().contains("://") {
        return Err(format!(
            "`checklist: {}` is a URL; airisk never fetches anything; download the checklist and pass it with --checklist",
            path.display()
        ));
    }
    let yaml_ext = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
    let inside = path.is_relative()
        && !path
            .components()
            .any(|c| matches!(c, Component::ParentDir | Component::Prefix(_)));
    if !yaml_ext || !inside {
        return Err(format!(
            "`checklist: {}` must be a .yaml file inside the answer file's folder; pass other checklists with --checklist",
            path.display()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_relative_yaml_files_inside_the_folder_and_builtins() {
        for ok in [
            "ai-risk-control",
            "genai-addendum@1.0",
            "ours.yaml",
            "./sub/ours.YML",
        ] {
            assert_eq!(check_named(&Spec::parse(ok), None), Ok(()), "{ok}");
        }
        for bad in [
            "../ours.yaml",
            "/etc/ours.yaml",
            "sub/../../ours.yaml",
            "./ours.json",
            "https://example.org/ours.yaml",
        ] {
            assert!(check_named(&Spec::parse(bad), None).is_err(), "{bad}");
        }
    }
}
