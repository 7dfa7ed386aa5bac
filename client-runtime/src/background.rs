//! Work a handle starts as it is dropped, such as ending the session of a command stream, run
//! on the current Tokio runtime without being waited for.

use std::future::Future;
use std::pin::Pin;

/// Runs `work` on the current Tokio runtime in the background, without waiting for it; outside
/// a runtime it is dropped unrun. Whether it was started.
///
/// The future is boxed so that every caller shares one task type, compiled once here: Tokio's
/// task machinery (its harness, waker and vtable) is thousands of lines of compiled code for
/// each future type it runs, which a crate calling `tokio::spawn` itself would compile again.
pub fn spawn_detached(work: Pin<Box<dyn Future<Output = ()> + Send + 'static>>) -> bool {
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => {
            // The task runs to its end on its own; nothing waits for its handle.
            drop(runtime.spawn(work));
            true
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outside_a_runtime_the_work_is_not_started() {
        assert!(!spawn_detached(Box::pin(async {})));
    }

    #[tokio::test]
    async fn inside_a_runtime_the_work_runs_without_being_awaited() {
        let (done, finished) = tokio::sync::oneshot::channel();
        assert!(spawn_detached(Box::pin(async move {
            let _ = done.send(());
        })));
        tokio::time::timeout(std::time::Duration::from_secs(5), finished)
            .await
            .expect("the detached work ran")
            .expect("it sent its signal");
    }
}
