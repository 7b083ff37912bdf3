//! The output layer: the only place that writes to stdout, stderr or files.
//!
//! Files are written atomically (a temporary file in the same folder, then a rename), so
//! a reader never sees half a report and an interrupted run leaves the old file intact;
//! devices and FIFOs are written to, never replaced ([`write_file_with`]).

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
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

/// What [`write_file`] and [`write_file_with`] return when a stopping signal (Ctrl-C,
/// SIGTERM, SIGHUP) came while they wrote: the file was left as it was and the temporary
/// one removed. [`interrupted`] then says so too, and the process should end by that
/// signal ([`end_interrupted`]).
#[derive(Debug)]
pub struct Interrupted;

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("interrupted")
    }
}

impl std::error::Error for Interrupted {}

/// The signals that stop a file write: Ctrl-C, CI cancellation (SIGTERM) and a closed
/// terminal (SIGHUP).
#[cfg(unix)]
const STOP_SIGNALS: &[i32] = &[
    signal_hook::consts::SIGINT,
    signal_hook::consts::SIGTERM,
    signal_hook::consts::SIGHUP,
];
#[cfg(not(unix))]
const STOP_SIGNALS: &[i32] = &[signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM];

/// The number of the stopping signal that came since a file write began, 0 if none.
static STOP: OnceLock<Arc<AtomicUsize>> = OnceLock::new();

/// Set by a stopping signal once a replacing file write has begun (to the signal's
/// number). A signal this process ignores as it starts (as `nohup` leaves SIGHUP, and
/// background jobs of a script SIGINT) stays ignored: a handler would undo that. Until
/// the write begins, a signal ends the process at once, which is right: no temporary
/// file exists yet. A flag, rather than a handler that cleans up, needs no thread, and
/// the writer that sees it knows what to remove.
fn stop_flag() -> &'static AtomicUsize {
    STOP.get_or_init(|| {
        let flag = Arc::new(AtomicUsize::new(0));
        for &signal in STOP_SIGNALS {
            if let Ok(number) = usize::try_from(signal)
                && !signal_ignored(signal)
            {
                // Failing, the signal keeps its default action: the process ends, and
                // only the temporary file is left, as before any of this.
                let _ = signal_hook::flag::register_usize(signal, Arc::clone(&flag), number);
            }
        }
        flag
    })
}

/// Whether this process ignores `signal`, as it was started. Linux says in
/// /proc/self/status (`SigIgn`, a hexadecimal mask with bit N-1 for signal N); elsewhere
/// the answer is no, and a write can be interrupted as if it were not ignored.
pub fn signal_ignored(signal: i32) -> bool {
    #[cfg(target_os = "linux")]
    {
        let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
            return false;
        };
        let Some(bit) = signal.checked_sub(1).and_then(|b| u32::try_from(b).ok()) else {
            return false;
        };
        status
            .lines()
            .find_map(|line| line.strip_prefix("SigIgn:"))
            .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
            .is_some_and(|mask| mask.checked_shr(bit).is_some_and(|m| m & 1 != 0))
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = signal;
        false
    }
}

/// The stopping signal that came since a file write began (the write itself may have
/// finished); none if no write began.
fn stop_signal() -> Option<i32> {
    STOP.get()
        .map(|flag| flag.load(Ordering::SeqCst))
        .filter(|&signal| signal != 0)
        .and_then(|signal| i32::try_from(signal).ok())
}

/// Whether a stopping signal came since a file write began.
pub fn interrupted() -> bool {
    stop_signal().is_some()
}

/// Ends the process by the signal that stopped a write, as that signal would have: on
/// Unix by the signal itself (a calling shell then sees it), else with status 128 + its
/// number (130 for Ctrl-C). (On Windows, signal-hook's emulation ends in `abort`.)
pub fn end_interrupted() -> std::process::ExitCode {
    let signal = stop_signal().unwrap_or(signal_hook::consts::SIGINT);
    #[cfg(unix)]
    let _ = signal_hook::low_level::emulate_default_handler(signal);
    std::process::ExitCode::from(u8::try_from(128 + signal).unwrap_or(130))
}

/// A writer that fails once `stop` is set: a long write ends at its next chunk.
struct StopWhen<'a, W> {
    inner: W,
    stop: &'a AtomicUsize,
}

impl<W: Write> Write for StopWhen<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.stop.load(Ordering::SeqCst) != 0 {
            return Err(io::Error::other(Interrupted));
        }
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Whether `-o` names standard output (`-o -`).
pub fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Writes `contents` to `path` (see [`write_file_with`]). Refuses to write over any of
/// `inputs` and, unless `force`, over an existing regular file.
pub fn write_file(path: &Path, contents: &[u8], inputs: &[PathBuf], force: bool) -> Result<()> {
    write_file_with(path, inputs, force, |out| {
        out.write_all(contents)?;
        Ok(())
    })
}

/// Writes what `fill` writes, as it is made (a large report never sits in memory whole),
/// to `path`:
/// - `-`: standard output;
/// - a new file, or an existing regular file (with `force`): atomically, through a
///   temporary file beside it renamed over it; for a symbolic link to a regular file,
///   beside the link's target and over the target, so the link stays. If `fill` fails
///   or a stopping signal comes, the old file stays and the temporary one is removed;
/// - a character device or a FIFO, or a symbolic link to one: written to directly, never
///   replaced (`-o /dev/null`); no `force` needed, as nothing is replaced;
/// - anything else (a directory, a block device, a socket, a link to nothing): refused.
pub fn write_file_with(
    path: &Path,
    inputs: &[PathBuf],
    force: bool,
    fill: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    if is_stdout(path) {
        return stdout_with(fill);
    }
    match target(path, inputs, force)? {
        Target::Replace(regular) => write_file_stopping(path, &regular, fill, stop_flag()),
        Target::Through => write_through(path, fill),
    }
}

/// What writing to a path means.
enum Target {
    /// A regular file, new or replaced: this one (a symbolic link resolved).
    Replace(PathBuf),
    /// A character device or FIFO: opened and written to.
    Through,
}

/// What writing to `path` means, or why it is refused.
fn target(path: &Path, inputs: &[PathBuf], force: bool) -> Result<Target> {
    let shown = path.display();
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            if path.symlink_metadata().is_ok() {
                bail!("cannot write {shown}: it is a symbolic link to nothing");
            }
            let dir = folder(path);
            if !dir.is_dir() {
                bail!(
                    "cannot write {shown}: the folder {} does not exist",
                    dir.display()
                );
            }
            return Ok(Target::Replace(path.to_path_buf()));
        }
        Err(err) => return Err(err).with_context(|| format!("cannot write {shown}")),
    };
    let resolved = path
        .canonicalize()
        .with_context(|| format!("cannot write {shown}"))?;
    for input in inputs {
        if input.canonicalize().is_ok_and(|i| i == resolved) {
            bail!("refusing to write {shown}: it is one of the inputs");
        }
    }
    let kind = meta.file_type();
    if kind.is_file() {
        if !force {
            bail!("{shown} already exists; use --force to overwrite it");
        }
        return Ok(Target::Replace(resolved));
    }
    if kind.is_dir() {
        bail!("cannot write {shown}: it is a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_char_device() || kind.is_fifo() {
            return Ok(Target::Through);
        }
    }
    bail!("cannot write {shown}: it is neither a regular file, a character device nor a FIFO")
}

/// The folder `path` is in.
fn folder(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Writes to a character device or FIFO as it is. No stopping signal is caught here:
/// there is no temporary file to remove, and a signal must still end a write that
/// blocks (a FIFO nobody reads), which a caught one, its system call restarted, would
/// not.
fn write_through(path: &Path, fill: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let shown = path.display();
    let device = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .with_context(|| format!("cannot write {shown}"))?;
    let mut writer = io::BufWriter::with_capacity(
        1 << 16,
        KeepError {
            inner: device,
            failed: None,
        },
    );
    let written = fill(&mut writer).and_then(|()| Ok(writer.flush()?));
    // The device's own reason ("No space left on device"), not what `fill` made of it.
    if let Some(err) = writer.get_mut().failed.take() {
        return Err(err).with_context(|| format!("cannot write {shown}"));
    }
    written
}

/// Writes to `regular` (the regular file `path` names, new or replaced) through a
/// temporary file beside it, stopping with [`Interrupted`] once `stop` is set.
fn write_file_stopping(
    path: &Path,
    regular: &Path,
    fill: impl FnOnce(&mut dyn Write) -> Result<()>,
    stop: &AtomicUsize,
) -> Result<()> {
    let shown = path.display();
    let dir = folder(regular);
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
    let (written, failed) = {
        let stopping = StopWhen {
            inner: KeepError {
                inner: temp.as_file_mut(),
                failed: None,
            },
            stop,
        };
        let mut writer = io::BufWriter::with_capacity(1 << 16, stopping);
        let written = fill(&mut writer).and_then(|()| Ok(writer.flush()?));
        (written, writer.get_mut().inner.failed.take())
    };
    // Whatever `fill` made of the writer's error, and also when the signal came after
    // the last chunk: the old file stays.
    if stop.load(Ordering::SeqCst) != 0 {
        return Err(Interrupted.into());
    }
    // The file system's own reason ("No space left on device"), not what `fill` made of it.
    if let Some(err) = failed {
        return Err(err).with_context(|| format!("cannot write {shown}"));
    }
    written.and_then(|()| {
        temp.persist(regular)
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
        // A signal half-way, and one after the last chunk: the same outcome.
        for half_way in [true, false] {
            let stop = AtomicUsize::new(0);
            let err = write_file_stopping(
                &out,
                &out,
                |w| {
                    w.write_all(&chunk)?;
                    if half_way {
                        stop.store(15, Ordering::SeqCst);
                        // The writer fails from here on, whatever `fill` makes of that.
                        let stopped = w.write_all(&chunk).and_then(|()| w.flush());
                        assert!(stopped.is_err());
                        return Ok(());
                    }
                    w.write_all(&chunk)?;
                    stop.store(15, Ordering::SeqCst);
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
        let stop = AtomicUsize::new(0);
        write_file_stopping(&out, &out, |w| Ok(w.write_all(&chunk)?), &stop).unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), chunk);
    }

    #[test]
    fn missing_folder_is_a_clear_error() {
        let err =
            write_file(Path::new("/nonexistent-airisk/dir/r.md"), b"x", &[], false).unwrap_err();
        assert!(err.to_string().contains("does not exist"), "{err}");
    }

    /// A symbolic link to a regular file stays a link, its target replaced; other odd
    /// paths are refused.
    #[cfg(unix)]
    #[test]
    fn links_are_kept_and_odd_targets_refused() {
        // Devices are tested through the binary (tests/output.rs), on private nodes: a
        // regression here, run as root, would replace the system's /dev/null.
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.md");
        let link = dir.path().join("link.md");
        std::fs::write(&real, "old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let err = write_file(&link, b"new", &[], false).unwrap_err();
        assert!(err.to_string().contains("--force"), "{err}");
        let err = write_file(&link, b"new", std::slice::from_ref(&real), true).unwrap_err();
        assert!(err.to_string().contains("inputs"), "{err}");
        write_file(&link, b"new", &[], true).unwrap();
        assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");

        let dangling = dir.path().join("dangling.md");
        std::os::unix::fs::symlink(dir.path().join("missing.md"), &dangling).unwrap();
        let err = write_file(&dangling, b"x", &[], true).unwrap_err();
        assert!(err.to_string().contains("link to nothing"), "{err}");
        assert!(!dir.path().join("missing.md").exists());

        let err = write_file(dir.path(), b"x", &[], true).unwrap_err();
        assert!(err.to_string().contains("is a directory"), "{err}");
        let socket = dir.path().join("socket");
        let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
        let err = write_file(&socket, b"x", &[], true).unwrap_err();
        assert!(err.to_string().contains("neither a regular file"), "{err}");
        assert!(std::fs::metadata(&socket).unwrap().file_type().is_socket());
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 4, "no temporary file is left: {names:?}");
    }
}
