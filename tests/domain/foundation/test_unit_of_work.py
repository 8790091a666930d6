"""The unit of work: one transaction, its clock, and events published only once it commits
(BX-4 notifications, IN-8 availability changes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from skuport.domain.clock import ManualClock
from skuport.domain.events import EventBus
from skuport.domain.inventory.reference.models import Customer
from skuport.domain.inventory.reference.service import create_customer
from skuport.domain.unit_of_work import UnitsOfWork, now_of, record

START = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


@dataclass(frozen=True)
class Happened:
    what: str


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def heard() -> list[Happened]:
    return []


@pytest.fixture
def units(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, heard: list[Happened]
) -> UnitsOfWork:
    bus = EventBus()
    bus.on(Happened, heard.append)
    return UnitsOfWork(sessions, clock=clock, bus=bus)


async def _customers(units: UnitsOfWork) -> int:
    async with units.reading() as session:
        return int(await session.scalar(select(func.count(Customer.id))) or 0)


async def test_events_are_published_only_after_the_commit(units, heard):
    async with units() as uow:
        await create_customer(uow.session, name="Ada")
        uow.record(Happened("first"))
        record(uow.session, Happened("second"))  # from code that only has the session
        assert heard == []

    assert heard == [Happened("first"), Happened("second")]
    assert await _customers(units) == 1


async def test_a_refusal_rolls_back_and_publishes_nothing(units, heard):
    with pytest.raises(ValueError):
        async with units() as uow:
            await create_customer(uow.session, name="Ada")
            uow.record(Happened("never"))
            raise ValueError("refused")

    assert heard == []
    assert await _customers(units) == 0


async def test_a_failed_savepoint_forgets_its_events_and_keeps_the_rest(units, heard):
    async with units() as uow:
        uow.record(Happened("kept"))
        with pytest.raises(ValueError):
            async with uow.savepoint():
                await create_customer(uow.session, name="Bob")
                uow.record(Happened("undone"))
                raise ValueError("one bad order")
        await create_customer(uow.session, name="Ada")

    assert heard == [Happened("kept")]
    async with units.reading() as session:
        assert list(await session.scalars(select(Customer.name))) == ["Ada"]


async def test_time_comes_from_the_unit_of_works_clock(units, clock):
    clock.advance(timedelta(hours=5))
    async with units() as uow:
        customer = await create_customer(uow.session, name="Ada")
        assert now_of(uow.session) == START + timedelta(hours=5)

    assert customer.created_at == START + timedelta(hours=5)  # not the wall clock
