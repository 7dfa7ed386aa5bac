//! Pauses and deadlines for code that waits on calls: Tokio's, with the timer boxed here.
//!
//! A crate that holds Tokio's `Sleep` (directly or inside `tokio::time::Timeout`) in one of its
//! futures describes, in the debug information of every codegen unit that names the future,
//! Tokio's timer entry and through it the runtime's scheduler, driver and task types: some 120
//! types. These functions hold the timer behind a pointer to `dyn Future`, created here, so the
//! caller's debug information stops at that pointer. One allocation per pause is nothing beside
//! the wait it times.

use std::future::Future;
use std::pin::{pin, Pin};
use std::task::Poll;
use std::time::Duration;

/// A pause, boxed (see the [module](self)).
pub type Pause = Pin<Box<dyn Future<Output = ()> + Send + Sync>>;

/// Waits for `duration` (`tokio::time::sleep`).
pub fn sleep(duration: Duration) -> Pause {
    Box::pin(tokio::time::sleep(duration))
}

/// Waits until `deadline` (`tokio::time::sleep_until`).
pub fn sleep_until(deadline: tokio::time::Instant) -> Pause {
    Box::pin(tokio::time::sleep_until(deadline))
}

/// `future`'s output, or `None` when `duration` passes first (`tokio::time::timeout`).
pub async fn timeout<F: Future>(duration: Duration, future: F) -> Option<F::Output> {
    first_of(future, sleep(duration)).await
}

/// `future`'s output, or `None` when `deadline` comes first (`tokio::time::timeout_at`).
pub async fn timeout_at<F: Future>(deadline: tokio::time::Instant, future: F) -> Option<F::Output> {
    first_of(future, sleep_until(deadline)).await
}

/// Polls `future` and then the pause, as `tokio::time::timeout` does: an output that is ready
/// when the time is up still wins.
async fn first_of<F: Future>(future: F, mut pause: Pause) -> Option<F::Output> {
    let mut future = pin!(future);
    std::future::poll_fn(|cx| {
        if let Poll::Ready(output) = future.as_mut().poll(cx) {
            return Poll::Ready(Some(output));
        }
        pause.as_mut().poll(cx).map(|()| None)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_future_that_ends_in_time_gives_its_output() {
        let output = timeout(Duration::from_secs(5), async {
            tokio::time::sleep(Duration::from_secs(1)).await;
            7
        })
        .await;
        assert_eq!(output, Some(7));
    }

    #[tokio::test(start_paused = true)]
    async fn a_future_that_outlasts_the_time_gives_none() {
        let started = tokio::time::Instant::now();
        let output = timeout(Duration::from_secs(2), std::future::pending::<()>()).await;
        assert_eq!(output, None);
        assert_eq!(started.elapsed(), Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn a_deadline_in_the_past_still_lets_a_ready_future_win() {
        let past = tokio::time::Instant::now();
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(timeout_at(past, async { 3 }).await, Some(3));
        assert_eq!(timeout_at(past, std::future::pending::<u8>()).await, None);
    }

    #[tokio::test(start_paused = true)]
    async fn sleep_waits_its_duration() {
        let started = tokio::time::Instant::now();
        sleep(Duration::from_millis(1500)).await;
        assert_eq!(started.elapsed(), Duration::from_millis(1500));
    }
}
