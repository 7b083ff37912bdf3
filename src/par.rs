//! Data parallelism for the per-answer work of one large file.
//!
//! Validation checks each answer on its own, so a large file's answers are split into
//! one contiguous run per core and the results joined in order: output is the same as
//! on one thread. Small inputs stay on the calling thread, where a thread would cost more
//! than it saves.

use std::sync::OnceLock;

/// The cores this process may use.
fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES
        .get_or_init(|| std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get))
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
            .map(|chunk| scope.spawn(move || f(chunk)))
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
