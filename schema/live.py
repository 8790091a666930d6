"""Subscriptions end with their token: revoking a token closes its open sockets at once, and
every subscription re-checks its token before each update it sends (a token revoked by
another process is noticed at the next event)."""

from __future__ import annotations

import weakref
from collections.abc import AsyncIterator
from contextlib import suppress
from typing import Any, TypeVar

from skuport.domain.auth import TokenRevoked, token_is_active
from skuport.domain.events import EventBus

T = TypeVar("T")

REVOKED_CLOSE_CODE = 4403
REVOKED_REASON = "API token revoked"


class OpenSockets:
    """The open subscription sockets of each token (forgotten when they are gone)."""

    def __init__(self) -> None:
        self._by_token: dict[int, weakref.WeakSet[Any]] = {}

    def listen(self, bus: EventBus) -> None:
        """Close a token's sockets when its revocation is announced."""
        bus.on(TokenRevoked, lambda event: self.close_token(event.token_id))

    def add(self, token_id: int, socket: Any) -> None:
        self._by_token.setdefault(token_id, weakref.WeakSet()).add(socket)

    def count(self, token_id: int) -> int:
        return len(self._by_token.get(token_id, ()))

    async def close_token(self, token_id: int) -> None:
        """Close every open socket of `token_id`."""
        for socket in list(self._by_token.pop(token_id, ())):
            await close_socket(socket)


async def close_socket(socket: Any) -> None:
    """Close a subscription socket as refused (4403); one already closed is left alone."""
    with suppress(Exception):
        await socket.close(code=REVOKED_CLOSE_CODE, reason=REVOKED_REASON)


async def while_token_valid(info: Any, updates: AsyncIterator[T]) -> AsyncIterator[T]:
    """`updates` for as long as the subscriber's token is valid, checked before each one.

    Once it is not, the stream ends and the socket is closed, so no later subscription on it
    can use the revoked token either.
    """
    context = info.context
    try:
        async for update in updates:
            principal = context.principal
            if principal is None:
                return
            async with context.services.sessions() as session:
                active = await token_is_active(session, principal.token_id)
            if not active:
                context.principal = None
                socket = context.request
                if socket is not None and socket.scope.get("type") == "websocket":
                    await close_socket(socket)
                return
            yield update
    finally:
        aclose = getattr(updates, "aclose", None)
        if aclose is not None:
            await aclose()
