"""Events of the order flow, published on the EventBus after their transaction commits."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OrdersDownloaded:
    """OR-10: a store's order download finished; stock levels should be pushed everywhere."""

    store_id: int


@dataclass(frozen=True)
class NotificationPosted:
    """A notification was saved (BX-4: streamed to subscribers)."""

    notification_id: int
    store_id: int | None
    kind: str
    message: str
