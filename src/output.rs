//! The output layer: the only place that writes to stdout, stderr or files.
//!
//! Files are written atomically (a temporary file in the same folder, then a rename), so
//! a reader never sees half a report and an interrupted run leaves the old file intact.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};

use anyhow::{Context, Result, bail};

/// Writes to stdout. A closed pipe (`airisk show | head -1`) is not an error.
pub fn stdout(text: &str) -> Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(err) if err.kind() != io::ErrorKind::BrokenPipe => {
            Err(err).context("writing to standard output")
        }
        _ => Ok(()),
    }
}

/// Writes to stderr, ignoring failures: there is nowhere left to report them.
pub fn stderr(text: &str) {
    let mut err = io::stderr().lock();
    let _ = err.write_all(text.as_bytes());
    let _ = err.flush();
}

/// Temporary files being written, removed by the Ctrl-C handler.
static IN_FLIGHT: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
static HANDLER: Once = Once::new();

/// On Ctrl-C, remove temporary files in flight and exit 130, as a shell expects.
fn install_interrupt_handler() {
    HANDLER.call_once(|| {
        // If a handler cannot be installed, the default action still never leaves a
        // partial *output* file (the rename has not happened); only a temporary one.
        let _ = ctrlc::set_handler(|| {
            if let Ok(paths) = IN_FLIGHT.lock() {
                for path in paths.iter() {
                    let _ = std::fs::remove_file(path);
                }
            }
            std::process::exit(130);
        });
    });
}

fn track(path: &Path, add: bool) {
    if let Ok(mut paths) = IN_FLIGHT.lock() {
        if add {
            paths.push(path.to_path_buf());
        } else {
            paths.retain(|p| p != path);
        }
    }
}

/// Writes `contents` to `path` atomically. Refuses to replace any of `inputs` and, unless
/// `force`, an existing file.
pub fn write_file(path: &Path, contents: &[u8], inputs: &[PathBuf], force: bool) -> Result<()> {
    write_file_with(path, inputs, force, |out| {
        out.write_all(contents)?;
        Ok(())
    })
}

/// Like [`write_file`], with the contents written by `fill` as they are made, so a large
/// report never sits in memory whole. If `fill` fails, the file is left as it was.
pub fn write_file_with(
    path: &Path,
    inputs: &[PathBuf],
    force: bool,
    fill: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    let shown = path.display();
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        bail!(
            "cannot write {shown}: the folder {} does not exist",
            dir.display()
        );
    }
    if path.is_dir() {
        bail!("cannot write {shown}: it is a directory");
    }
    if let Ok(target) = path.canonicalize() {
        for input in inputs {
            if input.canonicalize().is_ok_and(|i| i == target) {
                bail!("refusing to write {shown}: it is one of the inputs");
            }
        }
        if !force {
            bail!("{shown} already exists; use --force to overwrite it");
        }
    }
    install_interrupt_handler();
    // The path is tracked before the file exists, so an interrupt at any moment finds it.
    let mut temp = tempfile::Builder::new()
        .prefix(".airisk-")
        .suffix(".tmp")
        .make_in(dir, |candidate| {
            track(candidate, true);
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(candidate)
                .inspect_err(|_| {
                    track(candidate, false);
                })
        })
        .with_context(|| {
            format!(
                "cannot write {shown}: cannot create a temporary file in {}",
                dir.display()
            )
        })?;
    let temp_path = temp.path().to_path_buf();
    // No fsync: a report is made again in milliseconds, while a flush to disk costs
    // about as much as the rest of a small run. The rename still means a reader, or an
    // interrupted run, never sees half a file.
    let written = {
        let mut writer = io::BufWriter::with_capacity(1 << 16, temp.as_file_mut());
        fill(&mut writer).and_then(|()| {
            writer
                .flush()
                .with_context(|| format!("cannot write {shown}"))
        })
    };
    let result = written.and_then(|()| {
        temp.persist(path)
            .map(drop)
            .map_err(|e| e.error)
            .with_context(|| format!("cannot write {shown}"))
    });
    track(&temp_path, false);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_existing_files_without_force_and_inputs_always() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("r.md");
        write_file(&out, b"one", &[], false).unwrap();
        let err = write_file(&out, b"two", &[], false).unwrap_err();
        assert!(err.to_string().contains("--force"), "{err}");
        write_file(&out, b"two", &[], true).unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), b"two");
        let err = write_file(&out, b"three", std::slice::from_ref(&out), true).unwrap_err();
        assert!(err.to_string().contains("inputs"), "{err}");
        assert_eq!(std::fs::read(&out).unwrap(), b"two");
        // A writer that fails part-way leaves the old file, and no temporary one.
        let err = write_file_with(&out, &[], true, |w| {
            w.write_all(b"half a rep")?;
            anyhow::bail!("the template failed")
        })
        .unwrap_err();
        assert!(err.to_string().contains("template failed"), "{err}");
        assert_eq!(std::fs::read(&out).unwrap(), b"two");
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file is left behind");
    }

    #[test]
    fn missing_folder_is_a_clear_error() {
        let err =
            write_file(Path::new("/nonexistent-airisk/dir/r.md"), b"x", &[], false).unwrap_err();
        assert!(err.to_string().contains("does not exist"), "{err}");
    }
}
