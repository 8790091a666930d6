"""Pagination that never loses or repeats a page: each token is followed exactly once.

Every `nextToken` follower goes through `PageTokens`: it stops on a token Amazon already
handed out (a loop) and after `MAX_PAGES` pages, whatever Amazon keeps answering.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from skuport.domain.amazon.errors import AmazonError

T = TypeVar("T")

# No Skuport read needs more pages than this (100 orders a page: a million orders).
MAX_PAGES = 10_000


@dataclass
class Page(Generic[T]):
    """One page of results and the token of the next one (None on the last page)."""

    items: list[T]
    next_token: str | None = None
    extra: dict[str, object] = field(default_factory=dict)


class PaginationLoopError(AmazonError):
    """Amazon handed back a pagination token we had already followed, or pages without end."""


class PageTokens:
    """The tokens one paged read has followed; `follow` says whether to fetch another page."""

    def __init__(self, what: str, *, limit: int = MAX_PAGES) -> None:
        self.what = what
        self.limit = limit
        self.pages = 0
        self._seen: set[str] = set()

    def follow(self, token: str | None) -> bool:
        """After a page: True to fetch the page of `token`, False when the read is complete.

        Raises PaginationLoopError on a token already followed or beyond the page limit.
        """
        self.pages += 1
        if not token:
            return False
        if token in self._seen:
            raise PaginationLoopError(
                f"{self.what}: Amazon returned the pagination token {token!r} twice"
            )
        if self.pages >= self.limit:
            raise PaginationLoopError(
                f"{self.what}: stopped after {self.pages} pages, Amazon still had more"
            )
        self._seen.add(token)
        return True


async def iterate_pages(
    fetch: Callable[[str | None], Awaitable[Page[T]]],
    *,
    what: str = "paged read",
    limit: int = MAX_PAGES,
) -> AsyncIterator[T]:
    """Yield every item of every page; `fetch(token)` retries 429/5xx inside the client.

    A page is only yielded once its call succeeded, and a token is followed once, so a
    throttled or failed call is repeated rather than skipped, and nothing is yielded twice.
    """
    tokens = PageTokens(what, limit=limit)
    token: str | None = None
    while True:
        page = await fetch(token)
        for item in page.items:
            yield item
        token = page.next_token
        if not tokens.follow(token):
            return
