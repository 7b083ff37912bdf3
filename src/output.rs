//! The output layer: the only place that writes to stdout, stderr or files.
//!
//! Files are written atomically (a temporary file in the same folder, then a rename), so
//! a reader never sees half a report and an interrupted run leaves the old file intact.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use anyhow::{Context, Result, bail};

/// Writes to stdout. Errors, a closed pipe included, go to the caller: [`crate::run`]
/// decides once what a closed pipe means ([`is_broken_pipe`]).
pub fn stdout(text: &str) -> Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .context("writing to standard output")
}

/// Writes to stdout what `write` writes, as it writes it, in 64 KB pieces.
pub fn stdout_with(write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let mut out = io::BufWriter::with_capacity(
        1 << 16,
        KeepError {
            inner: io::stdout().lock(),
            failed: None,
        },
    );
    let written = write(&mut out).and_then(|()| Ok(out.flush()?));
    // The writer's caller (a template, say) reports a failed write in its own words;
    // the failure is standard output's, and a closed pipe must stay recognisable.
    if let Some(err) = out.get_mut().failed.take() {
        return Err(err).context("writing to standard output");
    }
    written
}

/// `Ok(true)` when `result` wrote, `Ok(false)` when the reader closed the pipe: for a
/// command whose exit status is decided by what it checked, not by who read it.
pub fn unless_closed(result: Result<()>) -> Result<bool> {
    match result {
        Ok(()) => Ok(true),
        Err(err) if is_broken_pipe(&err) => Ok(false),
        Err(err) => Err(err),
    }
}

/// Whether an error comes from writing to a closed pipe.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// A writer that keeps the first error it met, so that it can be reported as it was.
struct KeepError<W> {
    inner: W,
    failed: Option<io::Error>,
}

impl<W> KeepError<W> {
    fn keep<T>(&mut self, result: io::Result<T>) -> io::Result<T> {
        result.map_err(|err| {
            let kind = err.kind();
            // Retried by `write_all`.
            if kind != io::ErrorKind::Interrupted && self.failed.is_none() {
                self.failed = Some(err);
            }
            io::Error::from(kind)
        })
    }
}

impl<W: Write> Write for KeepError<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(buf);
        self.keep(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        let flushed = self.inner.flush();
        self.keep(flushed)
    }
}

/// Writes to stderr, ignoring failures: there is nowhere left to report them.
pub fn stderr(text: &str) {
    let mut err = io::stderr().lock();
    let _ = err.write_all(text.as_bytes());
    let _ = err.flush();
}

/// What [`write_file`] and [`write_file_with`] return when Ctrl-C came while they wrote:
/// the file was left as it was and the temporary one removed. [`interrupted`] then says
/// so too, and the process should end as interrupted ([`end_interrupted`]).
#[derive(Debug)]
pub struct Interrupted;

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("interrupted")
    }
}

impl std::error::Error for Interrupted {}

static INTERRUPT: OnceLock<Option<Arc<AtomicBool>>> = OnceLock::new();

/// Set by Ctrl-C (SIGINT) once a file write has begun; `None` if that cannot be arranged,
/// or if SIGINT is ignored (as `nohup` and background jobs of a script leave it), which a
/// handler would undo. Until then, Ctrl-C ends the process at once, which is right: no
/// file is open yet. A flag, rather than a handler that cleans up, needs no thread, and
/// the writer that sees it knows what to remove.
fn interrupt_flag() -> Option<&'static AtomicBool> {
    INTERRUPT
        .get_or_init(|| {
            if sigint_ignored() {
                return None;
            }
            let flag = Arc::new(AtomicBool::new(false));
            signal_hook::flag::register(signal_hook::consts::SIGINT, Arc::clone(&flag))
                .ok()
                .map(|_| flag)
        })
        .as_deref()
}

/// Whether this process ignores SIGINT, as it was started. Linux says in
/// /proc/self/status (`SigIgn`, a hexadecimal mask with bit N-1 for signal N); elsewhere
/// the answer is no, and a write can be interrupted as if it were not ignored.
pub fn sigint_ignored() -> bool {
    #[cfg(target_os = "linux")]
    {
        let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
            return false;
        };
        status
            .lines()
            .find_map(|line| line.strip_prefix("SigIgn:"))
            .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
            .is_some_and(|mask| mask & (1 << (signal_hook::consts::SIGINT - 1)) != 0)
    }
    #[cfg(not(target_os = "linux"))]
    false
}

/// Whether Ctrl-C came since a file write began (the write itself may have finished);
/// never, if no write began.
pub fn interrupted() -> bool {
    INTERRUPT
        .get()
        .and_then(Option::as_deref)
        .is_some_and(|flag| flag.load(Ordering::Relaxed))
}

/// Ends the process as Ctrl-C would have, after a write stopped for it: on Unix by the
/// signal itself (a calling shell then stops too), else with status 130. (On Windows,
/// signal-hook's emulation ends in `abort`.)
pub fn end_interrupted() -> std::process::ExitCode {
    #[cfg(unix)]
    let _ = signal_hook::low_level::emulate_default_handler(signal_hook::consts::SIGINT);
    std::process::ExitCode::from(130)
}

/// A writer that fails once `stop` is set: a long write ends at its next chunk.
struct StopWhen<'a, W> {
    inner: W,
    stop: &'a AtomicBool,
}

impl<W: Write> Write for StopWhen<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.stop.load(Ordering::Relaxed) {
            return Err(io::Error::other(Interrupted));
        }
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
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
    let never = AtomicBool::new(false);
    let stop = interrupt_flag().unwrap_or(&never);
    write_file_stopping(path, inputs, force, fill, stop)
}

/// [`write_file_with`], stopping with [`Interrupted`] once `stop` is set.
fn write_file_stopping(
    path: &Path,
    inputs: &[PathBuf],
    force: bool,
    fill: impl FnOnce(&mut dyn Write) -> Result<()>,
    stop: &AtomicBool,
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
    // Dropped on any error or interrupt, the temporary file removes itself. Opened here
    // rather than by tempfile, which would make it readable by its owner only.
    let mut temp = tempfile::Builder::new()
        .prefix(".airisk-")
        .suffix(".tmp")
        .make_in(dir, |candidate| {
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(candidate)
        })
        .with_context(|| {
            format!(
                "cannot write {shown}: cannot create a temporary file in {}",
                dir.display()
            )
        })?;
    // No fsync: a report is made again in milliseconds, while a flush to disk costs
    // about as much as the rest of a small run. The rename still means a reader, or an
    // interrupted run, never sees half a file.
    let written = {
        let stopping = StopWhen {
            inner: temp.as_file_mut(),
            stop,
        };
        let mut writer = io::BufWriter::with_capacity(1 << 16, stopping);
        fill(&mut writer).and_then(|()| {
            writer
                .flush()
                .with_context(|| format!("cannot write {shown}"))
        })
    };
    // Whatever `fill` made of the writer's error, and also when Ctrl-C came after the
    // last chunk: the old file stays.
    if stop.load(Ordering::Relaxed) {
        return Err(Interrupted.into());
    }
    written.and_then(|()| {
        temp.persist(path)
            .map(drop)
            .map_err(|e| e.error)
            .with_context(|| format!("cannot write {shown}"))
    })
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
    fn an_interrupt_during_a_write_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("r.html");
        std::fs::write(&out, "old").unwrap();
        let chunk = vec![b'x'; 100 << 10];
        // Ctrl-C half-way, and Ctrl-C after the last chunk: the same outcome.
        for half_way in [true, false] {
            let stop = AtomicBool::new(false);
            let err = write_file_stopping(
                &out,
                &[],
                true,
                |w| {
                    w.write_all(&chunk)?;
                    if half_way {
                        stop.store(true, Ordering::Relaxed);
                        // The writer fails from here on, whatever `fill` makes of that.
                        let stopped = w.write_all(&chunk).and_then(|()| w.flush());
                        assert!(stopped.is_err());
                        return Ok(());
                    }
                    w.write_all(&chunk)?;
                    stop.store(true, Ordering::Relaxed);
                    Ok(())
                },
                &stop,
            )
            .unwrap_err();
            assert!(err.downcast_ref::<Interrupted>().is_some(), "{err:#}");
            assert_eq!(std::fs::read_to_string(&out).unwrap(), "old");
            let left = std::fs::read_dir(dir.path()).unwrap().count();
            assert_eq!(left, 1, "the temporary file is removed");
        }
        // Not stopped: written whole.
        let stop = AtomicBool::new(false);
        write_file_stopping(&out, &[], true, |w| Ok(w.write_all(&chunk)?), &stop).unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), chunk);
    }

    #[test]
    fn missing_folder_is_a_clear_error() {
        let err =
            write_file(Path::new("/nonexistent-airisk/dir/r.md"), b"x", &[], false).unwrap_err();
        assert!(err.to_string().contains("does not exist"), "{err}");
    }
}
