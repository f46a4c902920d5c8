//! Pagination as streams of items: pages are fetched lazily, one at a time, as the stream is
//! polled; the stream ends after the last page, or yields an error and ends.
//!
//! The three styles of the specs share one loop ([`pages`]); each style only says how the
//! next cursor follows from a page (`offset + items`, the page token, the next link).

use std::future::Future;

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

enum State<C, E> {
    Fetch(C),
    Fail(Error<E>),
    Done,
}

/// The loop every style shares. It stops after a page without a next cursor and at an empty
/// page (a server that keeps answering empty pages would otherwise be polled forever), and
/// yields an error when a server hands out the same cursor twice in a row.
pub fn pages<'a, T, E, C, F, Fut>(
    first: C,
    mut fetch: F,
) -> impl Stream<Item = Result<T, Error<E>>> + 'a
where
    T: 'a,
    E: 'a,
    C: PartialEq + Clone + 'a,
    F: FnMut(C) -> Fut + 'a,
    Fut: Future<Output = Result<Page<T, C>, Error<E>>> + 'a,
{
    stream::unfold(State::Fetch(first), move |state| {
        let request = match &state {
            State::Fetch(cursor) => Some(fetch(cursor.clone())),
            State::Fail(_) | State::Done => None,
        };
        async move {
            match (state, request) {
                (State::Fetch(cursor), Some(request)) => match request.await {
                    Err(error) => Some((Err(error), State::Done)),
                    Ok(page) if page.items.is_empty() => None,
                    Ok(page) => {
                        let next = match page.next {
                            None => State::Done,
                            Some(next) if next == cursor => State::Fail(Error::Pagination(
                                "the server returned the same page cursor twice in a row".into(),
                            )),
                            Some(next) => State::Fetch(next),
                        };
                        Some((Ok(page.items), next))
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
/// `total` (when the server reports it) is reached.
pub fn by_offset<'a, T, E, F, Fut>(mut fetch: F) -> impl Stream<Item = Result<T, Error<E>>> + 'a
where
    T: 'a,
    E: 'a,
    F: FnMut(u64) -> Fut + 'a,
    Fut: Future<Output = Result<(Vec<T>, Option<u64>), Error<E>>> + 'a,
{
    pages(0u64, move |offset| {
        let request = fetch(offset);
        async move {
            let (items, total) = request.await?;
            let after = offset + items.len() as u64;
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
pub fn by_token<'a, T, E, F, Fut>(mut fetch: F) -> impl Stream<Item = Result<T, Error<E>>> + 'a
where
    T: 'a,
    E: 'a,
    F: FnMut(Option<String>) -> Fut + 'a,
    Fut: Future<Output = Result<(Vec<T>, Option<String>), Error<E>>> + 'a,
{
    pages(None::<String>, move |token| {
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
    pages(None::<String>, move |link| {
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
        let stream = by_offset(|offset| {
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
        let stream = by_offset(|offset| async move {
            Ok::<_, Error<Never>>(((offset..(offset + 2).min(5)).collect::<Vec<u64>>(), None))
        });
        assert_eq!(collect(stream), (vec![0, 1, 2, 3, 4], None));
    }

    #[test]
    fn token_paging_ends_on_an_absent_or_empty_token() {
        for last in [None, Some(String::new())] {
            let stream = by_token(|token| {
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
        let stream =
            by_token(|_| async { Ok::<_, Error<Never>>((vec![1], Some("same".to_string()))) });
        let (items, error) = collect(stream);
        assert_eq!(items, vec![1, 1]);
        assert!(error.unwrap().contains("same page cursor twice"));
    }

    #[test]
    fn errors_are_items_and_end_the_stream() {
        let stream = by_token(|token| async move {
            match token {
                None => Ok((vec![1], Some("next".to_string()))),
                Some(_) => Err(Error::<Never>::Request("boom".into())),
            }
        });
        assert_eq!(
            collect(stream),
            (vec![1], Some("Request(\"boom\")".to_string()))
        );
    }

    #[test]
    fn next_links_are_followed_until_absent() {
        let followed = RefCell::new(Vec::new());
        let stream = by_next_link(
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
        let stream = by_offset(|_| {
            *calls.borrow_mut() += 1;
            async { Ok::<_, Error<Never>>((Vec::<u8>::new(), None)) }
        });
        assert_eq!(*calls.borrow(), 0);
        drop(stream);
        assert_eq!(*calls.borrow(), 0);
    }
}
