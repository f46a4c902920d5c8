//! Pagination as streams of items: pages are fetched lazily, one at a time, as the stream is
//! polled; the stream ends after the last page, or yields an error and ends.
//!
//! The three styles of the specs share one loop ([`pages`]); each style only says how the
//! next cursor follows from a page (`offset + items`, the page token, the next link).

use std::collections::HashSet;
use std::collections::hash_map::RandomState;
use std::future::Future;
use std::hash::{BuildHasher, Hash};

use futures::future::{Either, ready};
use futures::stream::{self, Stream, TryStreamExt};

use crate::error::Error;

/// One fetched page: its items and the cursor of the next page, `None` after the last.
pub struct Page<T, C> {
    /// The page's items.
    pub items: Vec<T>,
    /// Where the next page starts, if there is one.
    pub next: Option<C>,
}

/// Ceilings on one listing, so that no server can keep a client fetching (and a caller
/// collecting) forever: a listing that would pass either ends with an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The most pages one listing fetches.
    pub max_pages: u64,
    /// The most items one listing yields.
    pub max_items: u64,
}

impl Limits {
    /// 10,000 pages and 10,000,000 items: a million jobs in pages of a hundred, ten million
    /// in pages of a thousand.
    pub const DEFAULT: Limits = Limits {
        max_pages: 10_000,
        max_items: 10_000_000,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// A page cursor as messages name it.
pub trait Cursor: Clone + Eq + Hash {
    /// A short description for an error message.
    fn describe(&self) -> String;
}

impl Cursor for u64 {
    fn describe(&self) -> String {
        format!("offset {self}")
    }
}

impl Cursor for Option<String> {
    fn describe(&self) -> String {
        match self {
            None => "the first page".to_string(),
            Some(text) => {
                let short: String = text.chars().take(120).collect();
                let ellipsis = if short.len() < text.len() { "..." } else { "" };
                format!("`{}{ellipsis}`", short.escape_debug())
            }
        }
    }
}

enum State<C, E> {
    Fetch(Progress<C>),
    Fail(Error<E>),
    Done,
}

/// What a listing has fetched so far: hashes of the cursors it followed (not the cursors, so
/// memory stays small whatever a server sends), and counts against the limits.
struct Progress<C> {
    cursor: C,
    seen: HashSet<u64>,
    hasher: RandomState,
    pages: u64,
    items: u64,
    limits: Limits,
}

impl<C: Cursor> Progress<C> {
    /// What follows a fetched page of `count` items whose next cursor is `next`.
    fn after<E>(mut self, count: usize, next: Option<C>) -> State<C, E> {
        self.pages += 1;
        self.items = self.items.saturating_add(count as u64);
        tracing::debug!(
            pages = self.pages,
            items = self.items,
            last = next.is_none(),
            "page received"
        );
        let Some(next) = next else {
            return State::Done;
        };
        if !self.seen.insert(self.hasher.hash_one(&next)) {
            return State::Fail(Error::Pagination(format!(
                "the server sent {} again after {} pages: the listing goes round in a cycle",
                next.describe(),
                self.pages
            )));
        }
        if self.pages >= self.limits.max_pages {
            return State::Fail(Error::Pagination(format!(
                "the listing has more than {} pages, the limit (`ConnectionSettings::max_pages`)",
                self.limits.max_pages
            )));
        }
        self.cursor = next;
        State::Fetch(self)
    }
}

/// The loop every style shares. It stops after a page without a next cursor and at an empty
/// page (a server that keeps answering empty pages would otherwise be polled forever); it
/// yields an error, after the items it has, when a server hands out a cursor it handed out
/// before on this listing (a cycle of any length), or when the listing passes its [`Limits`].
/// It holds one page at a time.
pub fn pages<'a, T, E, C, F, Fut>(
    first: C,
    limits: Limits,
    mut fetch: F,
) -> impl Stream<Item = Result<T, Error<E>>> + 'a
where
    T: 'a,
    E: 'a,
    C: Cursor + 'a,
    F: FnMut(C) -> Fut + 'a,
    Fut: Future<Output = Result<Page<T, C>, Error<E>>> + 'a,
{
    let hasher = RandomState::new();
    let seen = HashSet::from([hasher.hash_one(&first)]);
    let progress = Progress {
        cursor: first,
        seen,
        hasher,
        pages: 0,
        items: 0,
        limits,
    };
    stream::unfold(State::Fetch(progress), move |state| {
        let request = match &state {
            State::Fetch(progress) => Some(fetch(progress.cursor.clone())),
            State::Fail(_) | State::Done => None,
        };
        async move {
            match (state, request) {
                (State::Fetch(progress), Some(request)) => match request.await {
                    // A later page says which one failed and where it was asked for.
                    Err(error) if progress.pages > 0 && !matches!(error, Error::Pagination(_)) => {
                        let error = Error::Page {
                            page: progress.pages + 1,
                            cursor: progress.cursor.describe(),
                            error: Box::new(error),
                        };
                        Some((Err(error), State::Done))
                    }
                    Err(error) => Some((Err(error), State::Done)),
                    Ok(page) if page.items.is_empty() => None,
                    Ok(mut page) => {
                        let room = progress.limits.max_items.saturating_sub(progress.items);
                        if page.items.len() as u64 > room {
                            page.items.truncate(room as usize);
                            let error = Error::Pagination(format!(
                                "the listing has more than {} items, the limit (`ConnectionSettings::max_items`)",
                                progress.limits.max_items
                            ));
                            return Some((Ok(page.items), State::Fail(error)));
                        }
                        let count = page.items.len();
                        Some((Ok(page.items), progress.after(count, page.next)))
                    }
                },
                (State::Fail(error), _) => Some((Err(error), State::Done)),
                _ => None,
            }
        }
    })
    .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
    .try_flatten()
}

/// `limit`/`offset` paging (VSPC): the next offset is this offset plus the items received,
/// which stays right whatever page size the caller or the server chose; the stream stops once
/// `total` (when the server reports it) is reached. A page that repeats the one before (a
/// server that ignores `offset`) ends the stream with an error: offsets alone never repeat.
pub fn by_offset<'a, T, E, F, Fut>(
    limits: Limits,
    mut fetch: F,
) -> impl Stream<Item = Result<T, Error<E>>> + 'a
where
    T: PartialEq + Clone + 'a,
    E: 'a,
    F: FnMut(u64) -> Fut + 'a,
    Fut: Future<Output = Result<(Vec<T>, Option<u64>), Error<E>>> + 'a,
{
    // The first and last item and the length of the page before: enough to recognize a
    // repeated page without keeping it.
    let previous = std::sync::Arc::new(std::sync::Mutex::new(None::<(u64, T, T, usize)>));
    pages(0u64, limits, move |offset| {
        let request = fetch(offset);
        let previous = previous.clone();
        async move {
            let (items, total) = request.await?;
            if let (Some(first), Some(last)) = (items.first(), items.last()) {
                let mut previous = previous
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                if let Some((before, first_before, last_before, count)) = previous.as_ref()
                    && *count == items.len()
                    && first_before == first
                    && last_before == last
                {
                    return Err(Error::Pagination(format!(
                        "the server answered offset {offset} with the same page as offset {before}: the listing does not advance (does the server ignore `offset`?)"
                    )));
                }
                *previous = Some((offset, first.clone(), last.clone(), items.len()));
            }
            let after = offset.saturating_add(items.len() as u64);
            let next = match total {
                Some(total) if after >= total => None,
                _ => Some(after),
            };
            Ok(Page { items, next })
        }
    })
}

/// Page-token paging (VSP One Object, token in the request body): the first request has no
/// token; an absent or empty token in a response ends the stream.
pub fn by_token<'a, T, E, F, Fut>(
    limits: Limits,
    mut fetch: F,
) -> impl Stream<Item = Result<T, Error<E>>> + 'a
where
    T: 'a,
    E: 'a,
    F: FnMut(Option<String>) -> Fut + 'a,
    Fut: Future<Output = Result<(Vec<T>, Option<String>), Error<E>>> + 'a,
{
    pages(None::<String>, limits, move |token| {
        let request = fetch(token);
        async move {
            let (items, next) = request.await?;
            let next = next.filter(|token| !token.is_empty()).map(Some);
            Ok(Page { items, next })
        }
    })
}

/// Next-link paging (ONTAP `_links.next.href`): the first page comes from `first`, each later
/// one from following the link with `follow`; no link ends the stream.
pub fn by_next_link<'a, T, E, First, FirstFut, Follow, FollowFut>(
    limits: Limits,
    first: First,
    mut follow: Follow,
) -> impl Stream<Item = Result<T, Error<E>>> + 'a
where
    T: 'a,
    E: 'a,
    First: FnOnce() -> FirstFut + 'a,
    FirstFut: Future<Output = Result<(Vec<T>, Option<String>), Error<E>>> + 'a,
    Follow: FnMut(String) -> FollowFut + 'a,
    FollowFut: Future<Output = Result<(Vec<T>, Option<String>), Error<E>>> + 'a,
{
    let mut first = Some(first);
    pages(None::<String>, limits, move |link| {
        // `Either` rather than a boxed future, so the stream is `Send` whenever the caller's
        // futures are.
        let request = match (link, first.take()) {
            (Some(link), _) => Either::Left(Either::Right(follow(link))),
            (None, Some(first)) => Either::Left(Either::Left(first())),
            (None, None) => Either::Right(ready(Err(Error::Pagination(
                "the first page was requested twice".into(),
            )))),
        };
        async move {
            let (items, next) = request.await?;
            Ok(Page {
                items,
                next: next.filter(|link| !link.is_empty()).map(Some),
            })
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::StreamExt;
    use std::cell::RefCell;

    #[derive(Debug, PartialEq)]
    struct Never;

    fn collect<T>(stream: impl Stream<Item = Result<T, Error<Never>>>) -> (Vec<T>, Option<String>) {
        let results: Vec<_> = futures::executor::block_on(stream.collect());
        let mut items = Vec::new();
        let mut error = None;
        for result in results {
            match result {
                Ok(item) => items.push(item),
                Err(e) => error = Some(format!("{e:?}")),
            }
        }
        (items, error)
    }

    #[test]
    fn offset_paging_follows_received_counts_and_stops_at_total() {
        let calls = RefCell::new(Vec::new());
        let stream = by_offset(Limits::DEFAULT, |offset| {
            calls.borrow_mut().push(offset);
            async move {
                let items: Vec<u64> = (offset..(offset + 3).min(7)).collect();
                Ok::<_, Error<Never>>((items, Some(7)))
            }
        });
        assert_eq!(collect(stream), ((0..7).collect(), None));
        assert_eq!(*calls.borrow(), [0, 3, 6]);
    }

    #[test]
    fn offset_paging_without_total_stops_at_an_empty_page() {
        let stream = by_offset(Limits::DEFAULT, |offset| async move {
            Ok::<_, Error<Never>>(((offset..(offset + 2).min(5)).collect::<Vec<u64>>(), None))
        });
        assert_eq!(collect(stream), (vec![0, 1, 2, 3, 4], None));
    }

    #[test]
    fn token_paging_ends_on_an_absent_or_empty_token() {
        for last in [None, Some(String::new())] {
            let stream = by_token(Limits::DEFAULT, |token| {
                let last = last.clone();
                async move {
                    Ok::<_, Error<Never>>(match token.as_deref() {
                        None => (vec![1, 2], Some("b".to_string())),
                        Some("b") => (vec![3], last),
                        Some(_) => (vec![99], None),
                    })
                }
            });
            assert_eq!(collect(stream), (vec![1, 2, 3], None));
        }
    }

    #[test]
    fn a_repeated_token_is_an_error_after_its_items() {
        let stream = by_token(Limits::DEFAULT, |_| async {
            Ok::<_, Error<Never>>((vec![1], Some("same".to_string())))
        });
        let (items, error) = collect(stream);
        assert_eq!(items, vec![1, 1]);
        let error = error.unwrap();
        assert!(error.contains("`same` again after 2 pages"), "{error}");
    }

    /// Cycles of every length end the listing once, with the cursor named; nothing is
    /// fetched twice.
    #[test]
    fn cycles_of_any_length_end_the_listing() {
        for length in [2usize, 3, 7, 1000] {
            let calls = RefCell::new(0usize);
            let stream = by_next_link(
                Limits::DEFAULT,
                || async { Ok::<_, Error<Never>>((vec![0], Some("/jobs?page=0".to_string()))) },
                |link| {
                    *calls.borrow_mut() += 1;
                    let page: usize = link.rsplit('=').next().unwrap().parse().unwrap();
                    let next = format!("/jobs?page={}", (page + 1) % length);
                    async move { Ok((vec![page + 1], Some(next))) }
                },
            );
            let (items, error) = collect(stream);
            assert_eq!(items.len(), length + 1, "cycle of {length}");
            assert_eq!(*calls.borrow(), length);
            let error = error.unwrap();
            assert!(
                error.contains("`/jobs?page=0` again") && error.contains("cycle"),
                "{error}"
            );
        }
    }

    #[test]
    fn the_page_and_item_limits_end_a_listing_that_never_ends() {
        let limits = Limits {
            max_pages: 50,
            max_items: 1_000_000,
        };
        let stream = by_token(limits, |token| async move {
            let page = token.map_or(0, |t| t.parse::<u64>().unwrap());
            Ok::<_, Error<Never>>((vec![page], Some((page + 1).to_string())))
        });
        let (items, error) = collect(stream);
        assert_eq!(items.len(), 50);
        assert!(error.unwrap().contains("more than 50 pages"));

        let limits = Limits {
            max_pages: 1_000,
            max_items: 25,
        };
        let stream = by_offset(limits, |offset| async move {
            Ok::<_, Error<Never>>(((offset..offset + 10).collect::<Vec<u64>>(), None))
        });
        let (items, error) = collect(stream);
        assert_eq!(items, (0..25).collect::<Vec<u64>>());
        assert!(error.unwrap().contains("more than 25 items"));
    }

    #[test]
    fn a_server_that_ignores_the_offset_ends_the_listing() {
        let calls = RefCell::new(0);
        let stream = by_offset(Limits::DEFAULT, |_| {
            *calls.borrow_mut() += 1;
            async { Ok::<_, Error<Never>>(((0..5).collect::<Vec<u64>>(), Some(1_000_000))) }
        });
        let (items, error) = collect(stream);
        assert_eq!(items, (0..5).collect::<Vec<u64>>());
        assert_eq!(*calls.borrow(), 2);
        let error = error.unwrap();
        assert!(
            error.contains("offset 5 with the same page as offset 0"),
            "{error}"
        );
    }

    #[test]
    fn errors_are_items_and_end_the_stream() {
        let stream = by_token(Limits::DEFAULT, |token| async move {
            match token {
                None => Ok((vec![1], Some("next".to_string()))),
                Some(_) => Err(Error::<Never>::Request("boom".into())),
            }
        });
        let (items, error) = collect(stream);
        assert_eq!(items, vec![1]);
        assert_eq!(
            error.unwrap(),
            r#"Page { page: 2, cursor: "`next`", error: Request("boom") }"#
        );
    }

    #[test]
    fn next_links_are_followed_until_absent() {
        let followed = RefCell::new(Vec::new());
        let stream = by_next_link(
            Limits::DEFAULT,
            || async { Ok::<_, Error<Never>>((vec![1, 2], Some("/api/next?page=2".to_string()))) },
            |link| {
                followed.borrow_mut().push(link.clone());
                async move {
                    Ok((
                        vec![3],
                        if link.ends_with('2') {
                            Some("/api/next?page=3".to_string())
                        } else {
                            None
                        },
                    ))
                }
            },
        );
        assert_eq!(collect(stream), (vec![1, 2, 3, 3], None));
        assert_eq!(*followed.borrow(), ["/api/next?page=2", "/api/next?page=3"]);
    }

    #[test]
    fn nothing_is_fetched_before_the_stream_is_polled() {
        let calls = RefCell::new(0);
        let stream = by_offset(Limits::DEFAULT, |_| {
            *calls.borrow_mut() += 1;
            async { Ok::<_, Error<Never>>((Vec::<u8>::new(), None)) }
        });
        assert_eq!(*calls.borrow(), 0);
        drop(stream);
        assert_eq!(*calls.borrow(), 0);
    }
}
