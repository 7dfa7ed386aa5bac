//! The future every generated operation returns.
//!
//! Operations are plain functions that build their request at once and return a [`Call`], not
//! `async fn`s: an `async fn` per operation compiles a state machine per operation, while a
//! `Call` shares one sending future (boxed, so its type is the same for all operations) and
//! keeps only the decoding step per response type. That makes the generated crate markedly
//! faster to build, and the future owns what it needs, so it can be spawned.

use super::client::Client;
use super::error::Error;
use super::request::Request;
use super::response::Response;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// The sending half shared by all operations.
type Sending = Pin<Box<dyn Future<Output = Result<Response, Error>> + Send>>;

/// The result of calling an operation: a future of its decoded success response.
///
/// The request is built when the operation is called (so arguments are borrowed only for the
/// call itself), and sent when the future is first polled. The future owns a handle to the
/// client, so it is `'static` and may be spawned. Await it once; polled again after it has
/// finished, it yields [`Error::InvalidArgument`].
#[must_use = "a Call sends nothing until it is awaited"]
pub struct Call<T> {
    state: State,
    decode: fn(Response) -> Result<T, Error>,
}

enum State {
    /// The request is being sent (or waits to be).
    Sending(Sending),
    /// The request could not be built; the error is given on the first poll.
    Failed(Error),
    /// The result has been handed out.
    Done,
}

impl<T> Call<T> {
    /// Sends `request` through `client` when first polled, then decodes the success response
    /// with `decode`.
    pub fn new(
        client: &Client,
        request: Request,
        decode: fn(Response) -> Result<T, Error>,
    ) -> Self {
        Call {
            state: State::Sending(send(client, request)),
            decode,
        }
    }

    /// A call that fails with `error` without sending anything (a request that could not be
    /// built, such as a body that does not encode).
    pub fn failed(error: Error) -> Self {
        Call {
            state: State::Failed(error),
            // Never called: the outcome is the error.
            decode: |response| Err(response.unexpected_status()),
        }
    }
}

impl<T> Future for Call<T> {
    type Output = Result<T, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let decode = self.decode;
        poll_response(&mut self.state, cx).map(|outcome| outcome.and_then(decode))
    }
}

/// The sending future. Outside `Call`'s generic code so that it is compiled once, not once per
/// response type.
fn send(client: &Client, request: Request) -> Sending {
    let client = client.clone();
    Box::pin(async move { client.execute(request).await })
}

/// The part of polling that does not depend on the response type, compiled once.
fn poll_response(state: &mut State, cx: &mut Context<'_>) -> Poll<Result<Response, Error>> {
    let outcome = match std::mem::replace(state, State::Done) {
        State::Sending(mut sending) => match sending.as_mut().poll(cx) {
            Poll::Pending => {
                *state = State::Sending(sending);
                return Poll::Pending;
            }
            Poll::Ready(outcome) => outcome,
        },
        State::Failed(error) => Err(error),
        // Polled again after finishing: an error rather than a panic.
        State::Done => Err(Error::InvalidArgument(
            "an operation's future was polled after it had finished".to_string(),
        )),
    };
    Poll::Ready(outcome)
}

impl<T> fmt::Debug for Call<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            State::Sending(_) => "sending",
            State::Failed(_) => "failed",
            State::Done => "done",
        };
        f.debug_struct("Call").field("state", &state).finish()
    }
}
