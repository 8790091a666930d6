"""Event wiring: availability changes and order downloads lead to a batched stock push.

A handler runs inside `EventBus.publish`, so it only notes the product as dirty. The first
change after a quiet spell starts one background run (`STOCK_PUSH_CHANGES`); changes that
arrive before that run takes the dirty set ride along with it, and changes that arrive while
it is sending wait for the next one. A burst of 10,000 changes therefore becomes one or two
runs, each sending one feed (or a few patches) per marketplace.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from skuport.domain.events import EventBus
from skuport.domain.inventory.events import AvailabilityChanged
from skuport.domain.jobs import Every, JobRunner, JobTarget
from skuport.domain.orders.events import OrdersDownloaded
from skuport.domain.stock_sync.push import stores_pushing_stock
from skuport.domain.stock_sync.scheduled import (
    QUEUE,
    STOCK_PUSH,
    STOCK_PUSH_CHANGES,
    STOCK_PUSH_EVERY_MINUTES,
)
from skuport.domain.stores.events import StockLevelsWanted

log = logging.getLogger(__name__)


class StockPushQueue:
    """Products whose availability changed and are not pushed yet (one per server)."""

    def __init__(
        self, runner: JobRunner, *, any_store_pushing: Callable[[], Awaitable[bool]] | None = None
    ) -> None:
        self.runner = runner
        self.any_store_pushing = any_store_pushing or self._any_store_pushing
        self.dirty: set[int] = set()
        self.everything = False
        self.started = False
        # One push at a time: a later run must not overtake an earlier one's quantities.
        self.lock = asyncio.Lock()

    def take(self) -> tuple[set[int], bool]:
        """Hand the dirty products to a run; new changes start the next run."""
        taken, everything = self.dirty, self.everything
        self.dirty, self.everything, self.started = set(), False, False
        return taken, everything

    def _start(self) -> None:
        if self.started:
            return
        self.started = True
        # Started beside the publisher, not inside it: the publisher may still hold a
        # transaction (SQLite's write lock), and the handler must return at once.
        task = asyncio.get_running_loop().create_task(self._start_run())
        # The runner's drain() (shutdown, tests) waits for this too, and then for the run.
        self.runner.track(task)

    async def _any_store_pushing(self) -> bool:
        return bool(await stores_pushing_stock(self.runner.sessions))

    async def _start_run(self) -> None:
        try:
            if not await self.any_store_pushing():
                # No store has "update stock levels" on: no run, and no operation log row
                # for every sale. A store switched on later gets its full push from its job.
                self.take()
                return
            await self.runner.start(STOCK_PUSH_CHANGES, triggered_by="stock changes")
        except Exception:
            log.exception("could not start the stock push")
            self.started = False

    async def on_availability(self, event: AvailabilityChanged) -> None:
        """SY-1: note the product; the push follows in the background."""
        self.dirty.add(event.product_id)
        self._start()

    async def on_levels_wanted(self, event: StockLevelsWanted) -> None:
        """SY-1: stock updates switched on, or listings linked: push that store now."""
        task = asyncio.get_running_loop().create_task(self._push_store(event.store_id))
        self.runner.track(task)

    async def _push_store(self, store_id: int) -> None:
        try:
            if store_id not in await stores_pushing_stock(self.runner.sessions):
                return  # linked while stock updates are off: nothing goes to Amazon
            target = JobTarget(
                key=str(store_id), label=str(store_id), schedule=Every(STOCK_PUSH_EVERY_MINUTES)
            )
            await self.runner.start(
                STOCK_PUSH, triggered_by="listings or settings changed", target=target
            )
        except Exception:
            log.exception("could not start the stock push of store %s", store_id)

    async def on_orders_downloaded(self, event: OrdersDownloaded) -> None:
        """OR-10: after a download every store's levels are checked (holds changed too)."""
        self.everything = True
        self._start()


def subscribe(
    bus: EventBus,
    *,
    runner: JobRunner,
    any_store_pushing: Callable[[], Awaitable[bool]] | None = None,
) -> StockPushQueue:
    """Wire the stock push to the bus; jobs find the queue in their services."""
    queue = StockPushQueue(runner, any_store_pushing=any_store_pushing)
    runner.services[QUEUE] = queue
    bus.on(AvailabilityChanged, queue.on_availability)
    bus.on(OrdersDownloaded, queue.on_orders_downloaded)
    bus.on(StockLevelsWanted, queue.on_levels_wanted)
    return queue
