//! Data parallelism for the per-answer work of one large file, and helper threads that
//! really run beside the thread that starts them.
//!
//! Validation checks each answer on its own, so a large file's answers are split into
//! one contiguous run per core and the results joined in order: output is the same as
//! on one thread. Small inputs stay on the calling thread, where a thread would cost more
//! than it saves. A thread started to work alongside another (the checklist loader,
//! these runs, the halves of a large checklist) goes through [`spawn_helper`] or
//! [`spawn_scoped_helper`], which start it on another CPU. The per-file workers of
//! `validate FILE...` do not: the thread that starts them only waits, so they may share
//! its CPU, and each would otherwise move off the same one.

use std::sync::OnceLock;

/// The cores this process may use.
fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES
        .get_or_init(|| std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get))
}

/// Starts a thread that works alongside the calling one, as [`std::thread::spawn`] does.
///
/// Linux tends to queue a new thread on the CPU of the thread that spawns it, even with
/// another CPU idle, and to move it only at a later balancing tick, milliseconds on; until
/// then the two take turns on one CPU. So the new thread first moves itself off that CPU
/// ([`leave`]), and the caller steps aside once ([`std::thread::yield_now`]) so that a
/// thread queued behind it runs at once and moves; on a report of the example, this took
/// 0.2 to 0.5 ms off a 3.3 ms run.
pub fn spawn_helper<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> std::thread::JoinHandle<T> {
    let handle = std::thread::spawn(off_this_cpu(f));
    std::thread::yield_now();
    handle
}

/// [`spawn_helper`] for a scoped thread.
pub fn spawn_scoped_helper<'scope, T: Send + 'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    f: impl FnOnce() -> T + Send + 'scope,
) -> std::thread::ScopedJoinHandle<'scope, T> {
    let handle = scope.spawn(off_this_cpu(f));
    std::thread::yield_now();
    handle
}

/// `f`, first moving the thread that runs it off the calling thread's CPU.
fn off_this_cpu<T>(f: impl FnOnce() -> T) -> impl FnOnce() -> T {
    let cpu = current_cpu();
    move || {
        let _ = leave(cpu);
        f()
    }
}

/// The CPU the calling thread runs on, if the platform says.
// `None` only on other platforms.
#[cfg_attr(target_os = "linux", allow(clippy::unnecessary_wraps))]
fn current_cpu() -> Option<usize> {
    #[cfg(target_os = "linux")]
    return Some(rustix::thread::sched_getcpu());
    #[cfg(not(target_os = "linux"))]
    return None;
}

/// Moves the calling thread off `cpu` when it runs there and may run elsewhere; it stays
/// free to be moved again by the scheduler. Returns the CPU it moved to.
fn leave(cpu: Option<usize>) -> Option<usize> {
    #[cfg(target_os = "linux")]
    {
        use rustix::thread::{sched_getaffinity, sched_getcpu, sched_setaffinity};
        let cpu = cpu.filter(|&cpu| sched_getcpu() == cpu)?;
        let allowed = sched_getaffinity(None).ok()?;
        let mut elsewhere = allowed;
        elsewhere.unset(cpu);
        if elsewhere.count() == 0 {
            return None;
        }
        // The kernel moves the calling thread before this returns.
        sched_setaffinity(None, &elsewhere).ok()?;
        let moved_to = sched_getcpu();
        let _ = sched_setaffinity(None, &allowed);
        Some(moved_to)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = cpu;
        None
    }
}

/// `f` over contiguous runs of `items`, each at least `min_run` long (but one), on up to
/// one thread per core (the caller's among them); the results in the order of the runs.
pub fn map_runs<T: Sync, R: Send>(
    items: &[T],
    min_run: usize,
    f: impl Fn(&[T]) -> R + Sync,
) -> Vec<R> {
    // `cores` reads the cgroup's quota on first use (tens of microseconds): not for a
    // small input.
    let most = items.len() / min_run.max(1);
    let runs = if most <= 1 { 1 } else { cores().min(most) };
    if runs == 1 {
        return vec![f(items)];
    }
    let size = items.len().div_ceil(runs);
    let mut chunks = items.chunks(size);
    let first = chunks.next().unwrap_or_default();
    let f = &f;
    std::thread::scope(|scope| {
        let others: Vec<_> = chunks
            .map(|chunk| spawn_scoped_helper(scope, move || f(chunk)))
            .collect();
        let mut results = Vec::with_capacity(runs);
        results.push(f(first));
        for other in others {
            results.push(
                other
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            );
        }
        results
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn a_helper_leaves_the_cpu_it_was_started_from_and_stays_free_to_move() {
        use rustix::thread::{CpuSet, sched_getaffinity, sched_getcpu, sched_setaffinity};
        let mask = |set: &CpuSet| -> Vec<usize> {
            (0..CpuSet::MAX_CPU)
                .filter(|&cpu| set.is_set(cpu))
                .collect()
        };
        let (cpu, moved_to, before, after, may_set) = std::thread::spawn(|| {
            let before = sched_getaffinity(None).unwrap();
            // Some sandboxes refuse to change a thread's CPUs; `leave` then does nothing.
            let may_set = sched_setaffinity(None, &before).is_ok();
            // The scheduler may move the thread between reading its CPU here and `leave`
            // reading it again, and `leave` then has nothing to do: try again.
            let (cpu, moved_to) = (0..100)
                .map(|_| {
                    let cpu = sched_getcpu();
                    (cpu, leave(Some(cpu)))
                })
                .find(|(_, moved_to)| moved_to.is_some())
                .unwrap_or_else(|| (sched_getcpu(), None));
            let after = sched_getaffinity(None).unwrap();
            (cpu, moved_to, before, after, may_set)
        })
        .join()
        .unwrap();
        assert_eq!(mask(&after), mask(&before));
        if before.count() > 1 && may_set {
            let moved_to = moved_to.unwrap_or_else(|| panic!("did not leave CPU {cpu}"));
            assert_ne!(moved_to, cpu);
            assert!(before.is_set(moved_to));
        } else {
            assert_eq!(moved_to, None);
        }
        // Nothing to do on a CPU the thread is not on: one it may not run on.
        if let Some(elsewhere) = (0..CpuSet::MAX_CPU).find(|&cpu| !before.is_set(cpu)) {
            assert_eq!(leave(Some(elsewhere)), None);
        }
        assert_eq!(leave(None), None);
        // A helper runs its work and hands back the result, scoped or not.
        assert_eq!(spawn_helper(|| 6 * 7).join().unwrap(), 42);
        let text = String::from("borrowed");
        let len = std::thread::scope(|scope| spawn_scoped_helper(scope, || text.len()).join());
        assert_eq!(len.unwrap(), 8);
    }

    #[test]
    fn runs_cover_every_item_once_in_order() {
        let items: Vec<usize> = (0..10_001).collect();
        for min_run in [1, 7, 1_000, 5_000, 20_000] {
            let runs = map_runs(&items, min_run, <[usize]>::to_vec);
            assert!(runs.len() <= cores().max(1));
            assert!(runs.iter().all(|run| !run.is_empty()));
            assert_eq!(runs.concat(), items, "min_run {min_run}");
        }
        assert_eq!(map_runs(&[] as &[u8], 10, <[u8]>::len), vec![0]);
        assert_eq!(map_runs(&items, 1, |_| ()).len(), cores());
        assert_eq!(map_runs(&items, 10_001, |_| ()).len(), 1);
    }
}
