//! Paginators: every item of a list the API answers one page at a time, as one stream. The
//! generator writes a `…_pages` function for each operation that pages (by cursor or by page
//! number); this is the stream those functions return.

use super::Error;
use futures_util::Stream;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// One page of a list, as a generated paginator reads it from an answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The page's items.
    pub items: Vec<T>,
    /// The cursor of the next page, when the answer gives one.
    pub next_cursor: Option<String>,
    /// The number of this page, when the answer says it.
    pub page: Option<f64>,
    /// How many pages there are, when the answer says it.
    pub total_pages: Option<f64>,
}

/// What the next request asks for: a cursor, or a page number.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NextPage {
    /// The cursor to send.
    pub cursor: Option<String>,
    /// The page number to send.
    pub page: Option<u64>,
}

/// The future of one page.
pub type PageFuture<T> = Pin<Box<dyn Future<Output = Result<Page<T>, Error>> + Send>>;

/// Asks for one page: the generated paginator's call of its operation.
type Fetch<T> = Box<dyn FnMut(NextPage) -> PageFuture<T> + Send>;

/// Every item of a paged list, as a [`Stream`] of `Result<T, Error>`: the next page is asked
/// for when the items of the one before have been taken, so a caller that stops early sends no
/// more requests.
///
/// The stream follows a cursor whenever an answer gives one, and otherwise counts pages up to
/// the answer's page count. It ends after the last page, after an empty page, after an error
/// (which it yields), or at a limit the caller set with [`max_items`](Pages::max_items) or
/// [`max_pages`](Pages::max_pages); there is no limit of its own. A server that answers the same
/// cursor twice would never end the list: that is an error.
///
/// ```no_run
/// # async fn run(pages: client_runtime::Pages<String>) -> Result<(), client_runtime::Error> {
/// let mut pages = pages.max_items(250);
/// while let Some(item) = pages.next().await {
///     println!("{}", item?);
/// }
/// # Ok(())
/// # }
/// ```
#[must_use = "a paginator asks for nothing until it is polled"]
pub struct Pages<T> {
    fetch: Fetch<T>,
    in_flight: Option<PageFuture<T>>,
    /// The items of the last page not yet handed out. A page's items arrive only once the
    /// ones before are gone, so a plain iterator over them serves (a `VecDeque` would compile
    /// to several times the code, for every item type).
    buffer: std::vec::IntoIter<T>,
    /// Which page comes next, and the limits: everything that does not depend on `T`, so it
    /// is compiled once here rather than once for each item type.
    progress: Progress,
}

/// Where a list is: which page to ask for next, what has been seen, and the caller's limits.
#[derive(Debug)]
struct Progress {
    operation: &'static str,
    /// The next request, or `None` when the list has ended.
    next: Option<NextPage>,
    /// The request being answered.
    asked: NextPage,
    /// The page the caller's own parameters ask for first, for lists by number.
    first_page: u64,
    /// The last cursor followed; once one is, the list goes by cursor only.
    last_cursor: Option<String>,
    /// The number of the last page answered, for lists by number.
    last_page: Option<u64>,
    pages: usize,
    items: usize,
    max_pages: Option<usize>,
    max_items: Option<usize>,
}

// No field is pinned: the page futures are boxed, the items only moved.
impl<T> Unpin for Pages<T> {}

impl<T> Pages<T> {
    /// The pages of `operation` (its id, for errors), the first asked for with the caller's own
    /// parameters; `first_page` is the page number those ask for (1 when they name none), and
    /// `fetch` sends the request for a page.
    pub fn new(
        operation: &'static str,
        first_page: Option<u64>,
        fetch: impl FnMut(NextPage) -> PageFuture<T> + Send + 'static,
    ) -> Self {
        Pages {
            fetch: Box::new(fetch),
            in_flight: None,
            buffer: Vec::new().into_iter(),
            progress: Progress {
                operation,
                next: Some(NextPage::default()),
                asked: NextPage::default(),
                first_page: first_page.unwrap_or(1),
                last_cursor: None,
                last_page: None,
                pages: 0,
                items: 0,
                max_pages: None,
                max_items: None,
            },
        }
    }

    /// Ends the stream after `items` items, asking for no page beyond the one that holds the
    /// last of them.
    pub fn max_items(mut self, items: usize) -> Self {
        self.progress.max_items = Some(items);
        self
    }

    /// Ends the stream after the items of `pages` pages.
    pub fn max_pages(mut self, pages: usize) -> Self {
        self.progress.max_pages = Some(pages);
        self
    }

    /// The pages asked for and answered so far.
    pub fn pages_fetched(&self) -> usize {
        self.progress.pages
    }

    /// The next item, or `None` when the list has ended.
    pub async fn next(&mut self) -> Option<Result<T, Error>> {
        futures_util::StreamExt::next(self).await
    }

    /// Every item (up to the limits set), or the first error.
    pub async fn all(mut self) -> Result<Vec<T>, Error> {
        let mut all = Vec::new();
        while let Some(item) = self.next().await {
            all.push(item?);
        }
        Ok(all)
    }
}

impl Progress {
    /// Takes in a page that answers `self.asked`: sets the request after it (`None` when the
    /// list has ended), or says why the list would never end.
    fn answered(
        &mut self,
        next_cursor: Option<&String>,
        empty: bool,
        page: Option<f64>,
        total_pages: Option<f64>,
    ) -> Result<(), Error> {
        self.next = self.after(next_cursor, empty, page, total_pages)?;
        if self.max_pages.is_some_and(|max| self.pages >= max) {
            self.next = None;
        }
        Ok(())
    }

    /// The request after the answer to `self.asked`; `None` when the list has ended.
    fn after(
        &mut self,
        next_cursor: Option<&String>,
        empty: bool,
        page: Option<f64>,
        total_pages: Option<f64>,
    ) -> Result<Option<NextPage>, Error> {
        if let Some(cursor) = next_cursor.filter(|c| !c.is_empty()) {
            if self.last_cursor.as_ref() == Some(cursor) {
                return Err(self.endless(format!("the answer gives the cursor `{cursor}` again")));
            }
            self.last_cursor = Some(cursor.clone());
            return Ok(Some(NextPage {
                cursor: Some(cursor.clone()),
                page: None,
            }));
        }
        if self.last_cursor.is_some() || empty {
            return Ok(None);
        }
        let Some(total) = total_pages else {
            return Ok(None);
        };
        let current = page
            .filter(|n| n.is_finite() && *n >= 1.0)
            .map(|n| n as u64)
            .or(self.asked.page)
            .unwrap_or(self.first_page);
        if self.last_page.is_some_and(|last| current <= last) {
            return Err(self.endless(format!(
                "the answer is page {current} again, after page {}",
                self.last_page.unwrap_or_default()
            )));
        }
        self.last_page = Some(current);
        Ok(((current as f64) < total).then(|| NextPage {
            cursor: None,
            page: Some(current + 1),
        }))
    }

    /// The error for an answer that would make the list endless.
    fn endless(&self, what: String) -> Error {
        Error::Decode {
            operation: self.operation,
            status: 200,
            json_path: ".".to_string(),
            message: format!("{what}, which would never end the list"),
        }
    }

    fn limit_reached(&self) -> bool {
        self.max_items.is_some_and(|max| self.items >= max)
    }

    /// The request to send next, now asked; `None` when the list has ended.
    fn ask(&mut self) -> Option<NextPage> {
        let next = self.next.take()?;
        self.asked = next.clone();
        Some(next)
    }
}

impl<T> Stream for Pages<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if this.progress.limit_reached() {
                return Poll::Ready(None);
            }
            if let Some(item) = this.buffer.next() {
                this.progress.items += 1;
                return Poll::Ready(Some(Ok(item)));
            }
            if let Some(in_flight) = this.in_flight.as_mut() {
                let answer = match in_flight.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(answer) => answer,
                };
                this.in_flight = None;
                this.progress.pages += 1;
                let page = answer.and_then(|page| {
                    this.progress.answered(
                        page.next_cursor.as_ref(),
                        page.items.is_empty(),
                        page.page,
                        page.total_pages,
                    )?;
                    Ok(page)
                });
                match page {
                    Ok(page) => this.buffer = page.items.into_iter(),
                    Err(error) => {
                        this.progress.next = None;
                        return Poll::Ready(Some(Err(error)));
                    }
                }
                continue;
            }
            let Some(next) = this.progress.ask() else {
                return Poll::Ready(None);
            };
            this.in_flight = Some((this.fetch)(next));
        }
    }
}

impl<T> fmt::Debug for Pages<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let progress = &self.progress;
        f.debug_struct("Pages")
            .field("operation", &progress.operation)
            .field("pages_fetched", &progress.pages)
            .field("items_yielded", &progress.items)
            .field("next", &progress.next)
            .field("max_pages", &progress.max_pages)
            .field("max_items", &progress.max_items)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// A list of `count` numbers served `size` at a time by `serve`, which sees each request
    /// and the items of the page asked for; every request is recorded.
    fn numbers(
        count: u32,
        size: u32,
        serve: fn(&NextPage, Vec<u32>, u32) -> Page<u32>,
    ) -> (Pages<u32>, Arc<Mutex<Vec<NextPage>>>) {
        let asked = Arc::new(Mutex::new(Vec::new()));
        let seen = asked.clone();
        let pages = Pages::new("listNumbers", None, move |next: NextPage| {
            seen.lock().unwrap().push(next.clone());
            let start = match (&next.cursor, next.page) {
                (Some(cursor), _) => cursor.parse().unwrap(),
                (None, Some(page)) => (page as u32 - 1) * size,
                (None, None) => 0,
            };
            let items: Vec<u32> = (start..(start + size).min(count)).collect();
            let page = serve(&next, items, start + size);
            Box::pin(async move { Ok(page) }) as PageFuture<u32>
        });
        (pages, asked)
    }

    fn by_cursor(_: &NextPage, items: Vec<u32>, end: u32) -> Page<u32> {
        let next_cursor = (end < 10).then(|| end.to_string());
        Page {
            items,
            next_cursor,
            page: None,
            total_pages: None,
        }
    }

    fn by_number(next: &NextPage, items: Vec<u32>, _: u32) -> Page<u32> {
        Page {
            items,
            next_cursor: None,
            page: Some(next.page.unwrap_or(1) as f64),
            total_pages: Some(3.0),
        }
    }

    fn block<F: Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(future)
    }

    #[test]
    fn a_cursor_is_followed_until_the_answer_gives_none() {
        let (pages, asked) = numbers(10, 4, by_cursor);
        assert_eq!(block(pages.all()).unwrap(), (0..10).collect::<Vec<_>>());
        let cursors: Vec<_> = asked
            .lock()
            .unwrap()
            .iter()
            .map(|n| n.cursor.clone())
            .collect();
        assert_eq!(cursors, [None, Some("4".into()), Some("8".into())]);
    }

    #[test]
    fn pages_are_counted_up_to_the_page_count() {
        let (pages, asked) = numbers(10, 4, by_number);
        assert_eq!(block(pages.all()).unwrap(), (0..10).collect::<Vec<_>>());
        let numbers: Vec<_> = asked.lock().unwrap().iter().map(|n| n.page).collect();
        assert_eq!(numbers, [None, Some(2), Some(3)]);
    }

    #[test]
    fn limits_end_the_stream_without_asking_further() {
        let (pages, asked) = numbers(10, 4, by_cursor);
        assert_eq!(block(pages.max_items(5).all()).unwrap(), [0, 1, 2, 3, 4]);
        assert_eq!(asked.lock().unwrap().len(), 2);
        let (pages, asked) = numbers(10, 4, by_number);
        assert_eq!(
            block(pages.max_pages(2).all()).unwrap(),
            [0, 1, 2, 3, 4, 5, 6, 7]
        );
        assert_eq!(asked.lock().unwrap().len(), 2);
    }

    #[test]
    fn the_same_cursor_twice_is_an_error_not_an_endless_list() {
        let (pages, asked) = numbers(10, 4, |_, items, _| Page {
            items,
            next_cursor: Some("0".into()),
            page: None,
            total_pages: None,
        });
        let error = block(pages.all()).unwrap_err();
        assert!(error.to_string().contains("cursor `0` again"), "{error}");
        assert_eq!(asked.lock().unwrap().len(), 2);
    }

    #[test]
    fn the_same_page_twice_is_an_error_not_an_endless_list() {
        // A server that ignores the page asked for and answers the first every time.
        let (pages, asked) = numbers(10, 4, |_, _, _| Page {
            items: vec![0, 1, 2, 3],
            next_cursor: None,
            page: Some(1.0),
            total_pages: Some(3.0),
        });
        let error = block(pages.all()).unwrap_err();
        assert!(error.to_string().contains("page 1 again"), "{error}");
        assert_eq!(asked.lock().unwrap().len(), 2);
    }

    #[test]
    fn an_empty_page_ends_a_list_by_number() {
        // A page count that overstates the list: the first empty page ends it.
        let (pages, asked) = numbers(5, 4, |next, items, _| Page {
            items,
            next_cursor: None,
            page: next.page.map(|p| p as f64),
            total_pages: Some(100.0),
        });
        assert_eq!(block(pages.all()).unwrap(), [0, 1, 2, 3, 4]);
        assert_eq!(asked.lock().unwrap().len(), 3);
    }

    #[test]
    fn an_error_is_yielded_once_and_ends_the_stream() {
        let failing = Pages::<u32>::new("listNumbers", None, |_| {
            Box::pin(async { Err(Error::InvalidArgument("no".into())) })
        });
        block(async move {
            let mut failing = failing;
            assert!(matches!(
                failing.next().await,
                Some(Err(Error::InvalidArgument(_)))
            ));
            assert!(failing.next().await.is_none());
            assert_eq!(failing.pages_fetched(), 1);
        });
    }
}
