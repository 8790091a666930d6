"""The stock push's building blocks: whole units, carrier codes, and batching of events."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from skuport.domain.events import EventBus
from skuport.domain.inventory.events import AvailabilityChanged
from skuport.domain.orders.events import OrdersDownloaded
from skuport.domain.stock_sync.quantities import whole_units
from skuport.domain.stock_sync.scheduled import QUEUE, STOCK_PUSH_CHANGES
from skuport.domain.stock_sync.shipments import carrier_code
from skuport.domain.stock_sync.wiring import subscribe


class FakeRunner:
    """Records the runs the queue starts instead of running them."""

    def __init__(self) -> None:
        self.services: dict[str, object] = {}
        self._tasks: set[asyncio.Task[object]] = set()
        self.started: list[str] = []

    async def start(self, spec, *, triggered_by):  # type: ignore[no-untyped-def]
        self.started.append(spec.name)

    def track(self, task: asyncio.Task[object]) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks))


async def yes() -> bool:
    return True


async def no() -> bool:
    return False


def test_sy1_negative_or_fractional_availability_becomes_whole_units_never_below_zero():
    """SY-1: backorders show as 0; Amazon takes whole units."""
    assert whole_units(Decimal(-4)) == 0
    assert whole_units(Decimal("2.75")) == 2
    assert whole_units(Decimal(7)) == 7


def test_fu1_known_carriers_get_amazons_code_and_others_go_as_other():
    assert carrier_code("ups") == ("UPS", None)
    assert carrier_code(" Royal Mail ") == ("Royal Mail", None)
    assert carrier_code("Speedy Local") == ("Other", "Speedy Local")


async def test_sy1_a_burst_of_10000_changes_starts_one_push():
    """SY-1 batched: handlers only note products; one run takes the whole burst."""
    # given the queue wired to a bus
    bus, runner = EventBus(), FakeRunner()
    queue = subscribe(bus, runner=runner, any_store_pushing=yes)  # type: ignore[arg-type]
    assert runner.services[QUEUE] is queue
    # when 10,000 products change (some twice)
    for product_id in range(10_000):
        await bus.publish(AvailabilityChanged(product_id, 1, Decimal(product_id)))
    for product_id in range(100):
        await bus.publish(AvailabilityChanged(product_id, 2, Decimal(1)))
    await runner.drain()
    # then one run was started and it gets every product once
    assert runner.started == [STOCK_PUSH_CHANGES.name]
    products, everything = queue.take()
    assert len(products) == 10_000 and not everything
    # and the next change after the run took them starts the next run
    await bus.publish(AvailabilityChanged(1, 1, Decimal(0)))
    await runner.drain()
    assert runner.started == [STOCK_PUSH_CHANGES.name] * 2


async def test_or10_a_download_asks_for_every_listing():
    """OR-10: after an order download the whole store is compared, not only changed products."""
    bus, runner = EventBus(), FakeRunner()
    queue = subscribe(bus, runner=runner, any_store_pushing=yes)  # type: ignore[arg-type]
    await bus.publish(OrdersDownloaded(store_id=1))
    await bus.publish(AvailabilityChanged(5, 1, Decimal(1)))
    await runner.drain()
    assert runner.started == [STOCK_PUSH_CHANGES.name]
    assert queue.take() == ({5}, True)


async def test_sy1_no_run_is_started_when_no_store_pushes_stock():
    """Without any store pushing stock a sale's change costs no run and no log row."""
    bus, runner = EventBus(), FakeRunner()
    queue = subscribe(bus, runner=runner, any_store_pushing=no)  # type: ignore[arg-type]
    await bus.publish(AvailabilityChanged(5, 1, Decimal(1)))
    await runner.drain()
    assert runner.started == [] and queue.take() == (set(), False)
