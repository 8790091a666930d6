"""Pagination that never loses or repeats a page: each token is followed exactly once."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    """One page of results and the token of the next one (None on the last page)."""

    items: list[T]
    next_token: str | None = None
    extra: dict[str, object] = field(default_factory=dict)


class PaginationLoopError(RuntimeError):
    """Amazon handed back a pagination token we had already followed."""


async def iterate_pages(fetch: Callable[[str | None], Awaitable[Page[T]]]) -> AsyncIterator[T]:
    """Yield every item of every page; `fetch(token)` retries 429/5xx inside the client.

    A page is only yielded once its call succeeded, and a token is followed once, so a
    throttled or failed call is repeated rather than skipped, and nothing is yielded twice.
    """
    token: str | None = None
    seen: set[str] = set()
    while True:
        page = await fetch(token)
        for item in page.items:
            yield item
        token = page.next_token
        if not token:
            return
        if token in seen:
            raise PaginationLoopError(f"Amazon returned the pagination token {token!r} twice")
        seen.add(token)
