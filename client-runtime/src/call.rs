//! The future every generated operation returns.
//!
//! Operations are plain functions that build their request at once and return a [`Call`], not
//! `async fn`s: an `async fn` per operation compiles a state machine per operation, while a
//! `Call` shares one sending future (boxed, so its type is the same for all operations) and
//! keeps only the decoding step per response type. That makes the generated crate markedly
//! faster to build, and the future owns what it needs, so it can be spawned.

use super::client::{parse_header, Client};
use super::error::Error;
use super::request::Request;
use super::response::Response;
use super::retry::RetryPolicy;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// The sending half shared by all operations.
type Sending = Pin<Box<dyn Future<Output = Result<Response, Error>> + Send>>;

/// The result of calling an operation: a future of its decoded success response.
///
/// The request is built when the operation is called (so arguments are borrowed only for the
/// call itself), and sent when the future is first polled. The future owns a handle to the
/// client, so it is `'static` and may be spawned. Await it once; polled again after it has
/// finished, it yields [`Error::InvalidArgument`].
///
/// Before it is awaited, a call can change the client's settings for itself alone, so a long
/// operation needs no second client:
///
/// ```no_run
/// # async fn run(client: &client_runtime::Client) -> Result<(), client_runtime::Error> {
/// use client_runtime::{Call, Method, Request, Response, RetryPolicy};
/// use std::time::Duration;
///
/// // What a generated operation function does, then the call's own settings.
/// let request = Request::new(Method::GET, "listPets", "/pets".to_string());
/// let pets: serde_json::Value = Call::new(client, request, Response::json)
///     .timeout(Duration::from_secs(5))
///     .retry(RetryPolicy::none())
///     .header("X-Request-Id", "42")
///     .await?;
/// # Ok(())
/// # }
/// ```
#[must_use = "a Call sends nothing until it is awaited"]
pub struct Call<T> {
    state: State,
    decode: fn(Response) -> Result<T, Error>,
}

enum State {
    /// The request waits for the first poll; until then the call's settings may change.
    Ready(Client, Box<Request>),
    /// The request is being sent.
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
            state: State::ready(client, request),
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

    /// Sets the time limit of each attempt of this call, instead of the configured
    /// [`timeout`](super::ConfigBuilder::timeout): for an operation that takes longer than
    /// others (a command that runs for minutes) or must fail fast.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.state
            .change(|request| request.overrides.timeout = Some(timeout));
        self
    }

    /// Sets the retry policy of this call, instead of the configured one.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.state
            .change(|request| request.overrides.retry = Some(policy));
        self
    }

    /// Sends a header with this call. It replaces any header of the same name that the client
    /// or the operation would send. A name or value that cannot be a header makes the call fail
    /// with [`Error::InvalidArgument`] before anything is sent.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.state.add_header(name, value);
        self
    }
}

/// Shows the request (redacted as [`Request`]'s `Debug` is) while the call has not started.
impl<T> fmt::Debug for Call<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.state {
            State::Ready(_, request) => f.debug_tuple("Call").field(request).finish(),
            State::Sending(_) => f.write_str("Call(sending)"),
            State::Failed(error) => f.debug_tuple("Call").field(error).finish(),
            State::Done => f.write_str("Call(done)"),
        }
    }
}

impl State {
    /// A call waiting to be sent. Not generic, so the work of [`Call::new`] is compiled once
    /// rather than once per response type.
    fn ready(client: &Client, request: Request) -> State {
        State::Ready(client.clone(), Box::new(request))
    }

    /// Applies a change of settings; only a call that has not started can change.
    fn change(&mut self, change: impl FnOnce(&mut Request)) {
        match self {
            State::Ready(_, request) => change(request),
            State::Failed(_) => {}
            State::Sending(_) | State::Done => {
                *self = State::Failed(Error::InvalidArgument(
                    "a call's settings were changed after it had started".to_string(),
                ))
            }
        }
    }

    fn add_header(&mut self, name: &str, value: &str) {
        match parse_header(name, value) {
            Ok(header) => self.change(|request| request.overrides.headers.push(header)),
            Err(message) if !matches!(self, State::Failed(_)) => {
                *self = State::Failed(Error::InvalidArgument(message))
            }
            Err(_) => {}
        }
    }
}

impl<T> Call<T> {
    /// The call, resolving to the decoded value with the response's status and headers, for a
    /// caller that needs them (a rate-limit header, an `ETag`, a request id).
    ///
    /// ```no_run
    /// # async fn run(client: &client_runtime::Client) -> Result<(), client_runtime::Error> {
    /// # use client_runtime::{Call, Method, Request, Response};
    /// # let request = Request::new(Method::GET, "listPets", "/pets".to_string());
    /// let answer = Call::new(client, request, Response::json::<serde_json::Value>)
    ///     .with_response()
    ///     .await?;
    /// println!("{} {:?}", answer.status, answer.headers.get("x-request-id"));
    /// let pets = answer.value;
    /// # Ok(())
    /// # }
    /// ```
    pub fn with_response(self) -> WithResponse<T> {
        WithResponse(self)
    }
}

/// A [`Call`] that resolves to a [`Success`]: see [`Call::with_response`].
#[must_use = "a Call sends nothing until it is awaited"]
#[derive(Debug)]
pub struct WithResponse<T>(Call<T>);

/// A decoded success response with its status and headers.
#[derive(Clone)]
pub struct Success<T> {
    /// The status code.
    pub status: u16,
    /// The response headers.
    pub headers: reqwest::header::HeaderMap,
    /// The decoded body.
    pub value: T,
}

impl<T: fmt::Debug> fmt::Debug for Success<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers = super::redact::shown_headers(&self.headers);
        f.debug_struct("Success")
            .field("status", &self.status)
            .field("headers", &headers)
            .field("value", &self.value)
            .finish()
    }
}

impl<T> Future for WithResponse<T> {
    type Output = Result<Success<T>, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let decode = self.0.decode;
        poll_response(&mut self.0.state, cx).map(|outcome| {
            let response = outcome?;
            let (status, headers) = (response.status, response.headers.clone());
            decode(response).map(|value| Success {
                status,
                headers,
                value,
            })
        })
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
fn send(client: Client, request: Request) -> Sending {
    Box::pin(async move { client.execute(request).await })
}

/// The part of polling that does not depend on the response type, compiled once.
fn poll_response(state: &mut State, cx: &mut Context<'_>) -> Poll<Result<Response, Error>> {
    let mut sending = match std::mem::replace(state, State::Done) {
        State::Ready(client, request) => send(client, *request),
        State::Sending(sending) => sending,
        State::Failed(error) => return Poll::Ready(Err(error)),
        // Polled again after finishing: an error rather than a panic.
        State::Done => {
            return Poll::Ready(Err(Error::InvalidArgument(
                "an operation's future was polled after it had finished".to_string(),
            )))
        }
    };
    match sending.as_mut().poll(cx) {
        Poll::Pending => {
            *state = State::Sending(sending);
            Poll::Pending
        }
        Poll::Ready(outcome) => Poll::Ready(outcome),
    }
}
