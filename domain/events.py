"""An in-process publish/subscribe bus for domain events (published after commit)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable
from contextlib import suppress
from typing import Any

Handler = Callable[[Any], Any]


class EventBus:
    """Fan-out of events to async subscribers (GraphQL subscriptions) and handlers (features).

    A subscriber that falls behind by more than `max_backlog` events loses the oldest ones
    rather than slowing the publisher: live progress is a view, the database is the record.
    """

    def __init__(self, max_backlog: int = 1000) -> None:
        self._queues: set[asyncio.Queue[Any]] = set()
        self._handlers: list[tuple[type, Handler]] = []
        self._max_backlog = max_backlog

    def on(self, event_type: type, handler: Handler) -> None:
        """Call `handler(event)` for every published event of `event_type`."""
        self._handlers.append((event_type, handler))

    async def publish(self, event: Any) -> None:
        """Deliver `event` to every subscriber and handler of its type."""
        for queue in list(self._queues):
            if queue.full():
                with suppress(asyncio.QueueEmpty):
                    queue.get_nowait()
            queue.put_nowait(event)
        for event_type, handler in list(self._handlers):
            if isinstance(event, event_type):
                result = handler(event)
                if asyncio.iscoroutine(result):
                    await result

    def subscribe(self, event_type: type = object) -> AsyncGenerator[Any, None]:
        """Yield published events of `event_type` until the consumer stops iterating.

        The subscriber is listening from this call on (not from its first iteration), so what
        it reads next cannot miss an event published meanwhile; close it with `aclose()`.
        """
        queue: asyncio.Queue[Any] = asyncio.Queue(self._max_backlog)
        self._queues.add(queue)
        return self._deliver(queue, event_type)

    async def _deliver(
        self, queue: asyncio.Queue[Any], event_type: type
    ) -> AsyncGenerator[Any, None]:
        try:
            while True:
                event = await queue.get()
                if isinstance(event, event_type):
                    yield event
        finally:
            self._queues.discard(queue)
