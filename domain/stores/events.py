"""Events of the store's setup, published on the EventBus after their transaction commits."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StockLevelsWanted:
    """SY-1: the store's quantities should be sent to Amazon now (stock updates switched on,
    or listings newly linked to our products)."""

    store_id: int
