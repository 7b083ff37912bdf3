//! A user template (`report --template`) runs in a child process under a memory limit.
//!
//! minijinja bounds a template's instructions (fuel) and its recursion, but not the size
//! of a string: forty doublings in a loop take a few hundred instructions and a terabyte,
//! and a failed allocation aborts a Rust process, which no code can catch. So the report
//! is rendered by this binary run again with the same arguments, whose address space is
//! limited; if it ends by running out of memory, this process says so, naming the
//! template. The built-in templates' work grows only with the input: they run in-process.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::exit;

/// Set in the child's environment.
const CHILD: &str = "AIRISK_TEMPLATE_CHILD";

/// The child's address-space limit (never raised above a limit it inherits).
pub const TEMPLATE_MEMORY: u64 = 4 << 30;

/// Whether this process is the child that renders a user template.
pub fn in_child() -> bool {
    std::env::var_os(CHILD).is_some()
}

/// In the child: lowers the address-space limit to [`TEMPLATE_MEMORY`].
pub fn limit_memory() {
    #[cfg(unix)]
    {
        use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
        let inherited = getrlimit(Resource::As);
        let current = inherited
            .current
            .map_or(TEMPLATE_MEMORY, |c| c.min(TEMPLATE_MEMORY));
        // Should the system refuse, the template runs under the inherited limit.
        let _ = setrlimit(
            Resource::As,
            Rlimit {
                current: Some(current),
                maximum: inherited.maximum,
            },
        );
    }
}

/// In the parent: runs this command again as the child, whose output goes straight to
/// this process's; returns its exit status, or an error naming `template` when it ran out
/// of memory.
pub fn run_child(template: &Path) -> Result<u8> {
    let status = Command::new(std::env::current_exe().context("cannot find this program")?)
        .args(std::env::args_os().skip(1))
        .env(CHILD, "1")
        .status()
        .context("cannot start the process that renders the template")?;
    if let Some(code) = status.code() {
        return Ok(u8::try_from(code).unwrap_or(exit::ERROR));
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        // SIGABRT (a failed allocation), SIGKILL (the kernel's out-of-memory killer),
        // SIGSEGV (a stack or guard page).
        if let Some(6 | 9 | 11) = status.signal() {
            bail!(
                "the template {} needs more memory than the {} MiB a template may use (a string that grows in a loop?)",
                template.display(),
                TEMPLATE_MEMORY >> 20
            );
        }
    }
    bail!("the template {} was stopped ({status})", template.display())
}
