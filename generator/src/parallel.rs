//! Runs independent pieces of work on the machine's cores, keeping their order.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// `f` applied to every item, on up to as many threads as the machine has cores; the results
/// come back in the items' order, so the output does not depend on scheduling.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len());
    if workers <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new(items.iter().map(|_| None).collect());
    let work = || loop {
        let index = next.fetch_add(1, Ordering::Relaxed);
        let Some(item) = items.get(index) else { break };
        let result = f(item);
        // A worker that panicked poisons the lock; the scope re-raises its panic anyway.
        let mut results = results.lock().unwrap_or_else(|e| e.into_inner());
        results[index] = Some(result);
    };
    std::thread::scope(|scope| {
        for _ in 1..workers {
            scope.spawn(work);
        }
        // This thread works too: the memory it freed before (a document read and lowered)
        // is reused rather than new pages faulted in and zeroed for another thread.
        work();
    });
    results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .flatten()
        .collect()
}

/// `a` and `b` run at once, `b` on a thread of its own when the machine has more than one
/// core; both results.
pub fn join<A: Send, B: Send>(
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    if std::thread::available_parallelism().map_or(1, |n| n.get()) <= 1 {
        return (a(), b());
    }
    std::thread::scope(|scope| {
        let other = scope.spawn(b);
        let first = a();
        // A panic in `b` is re-raised here, as the scope would.
        let second = other
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (first, second)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_and_covers_every_item() {
        let items: Vec<u64> = (0..1000).collect();
        let squares = map(&items, |n| {
            // Uneven work, so threads finish out of order.
            if n % 7 == 0 {
                std::thread::yield_now();
            }
            n * n
        });
        assert_eq!(squares, items.iter().map(|n| n * n).collect::<Vec<_>>());
        assert!(map(&[] as &[u8], |n| *n).is_empty());
    }

    #[test]
    fn join_returns_both_results_in_order() {
        let (a, b) = join(|| (0..100u64).sum::<u64>(), || "b".repeat(3));
        assert_eq!((a, b.as_str()), (4950, "bbb"));
    }
}
