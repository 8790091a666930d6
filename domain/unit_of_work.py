"""One unit of work: a transaction, the time it runs at, and the events it will announce.

`UnitsOfWork` (one per process, on the long-lived services and the job context) hands out
`UnitOfWork`s:

    async with units() as uow:
        await do_something(uow.session, now=uow.now())
        uow.record(SomethingHappened(...))

Leaving the block commits; then the availability changes the transaction made (IN-8) and the
events recorded with `uow.record` (or `record(session, event)` from code that only has the
session) are published on the `EventBus`, in that order. An exception rolls everything back and
nothing is published, so subscribers never hear of a change that did not happen.

The unit of work keeps itself in `session.info`, so functions that take a session reach its
clock (`now_of(session)`) and its event list (`record(session, event)`) without every signature
growing; rows it creates get their `created_at` from its clock too. A session opened outside
a unit of work (a test's plain session) falls back to the wall clock, and its recorded events
are never published.

Waiting on Amazon inside a unit of work is a bug: on SQLite every transaction takes the write
lock up front (BEGIN IMMEDIATE), so a transaction held across an HTTP call stops every other
writer. Services that call Amazon take `UnitsOfWork`, call Amazon with no transaction open, and
open short units of work only to read or to write what Amazon answered.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from skuport.domain.clock import Clock
from skuport.domain.db.base import CreatedAt
from skuport.domain.events import EventBus
from skuport.domain.inventory.events import publish_availability_changes

_KEY = "skuport.unit_of_work"


class UnitOfWork:
    """One transaction's session, its clock, and the events to publish once it commits."""

    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.session = session
        self.clock = clock
        self.events: list[Any] = []

    def now(self) -> datetime:
        """The unit of work's current time (virtual in tests)."""
        return self.clock.now()

    def record(self, event: Any) -> None:
        """Publish `event` once this unit of work has committed (never if it rolls back)."""
        self.events.append(event)

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """A nested transaction: if the block raises, its writes and its events are undone."""
        kept = len(self.events)
        try:
            async with self.session.begin_nested():
                yield
        except BaseException:
            del self.events[kept:]
            raise


class UnitsOfWork:
    """The factory of units of work: sessions, one clock and the bus, shared by everything."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], *, clock: Clock, bus: EventBus
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.bus = bus

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[UnitOfWork]:
        """One transaction: commit when the block ends, then publish; roll back on an error."""
        async with self.sessions() as session:
            uow = UnitOfWork(session, self.clock)
            session.info[_KEY] = uow
            try:
                async with session.begin():
                    yield uow
            except BaseException:
                uow.events.clear()
                raise
            finally:
                session.info.pop(_KEY, None)
            await publish_availability_changes(session, bus=self.bus)
            events, uow.events = uow.events, []
            for event in events:
                await self.bus.publish(event)

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A session for queries only: nothing to commit, nothing to publish."""
        async with self.sessions() as session:
            yield session

    def now(self) -> datetime:
        """The current time on the shared clock (for work done outside a transaction)."""
        return self.clock.now()


def unit_of(session: AsyncSession | Session) -> UnitOfWork | None:
    """The unit of work that opened `session`, if any."""
    return session.info.get(_KEY)


def now_of(session: AsyncSession | Session) -> datetime:
    """The time of the unit of work running on `session` (the wall clock outside one)."""
    uow = unit_of(session)
    return uow.now() if uow is not None else datetime.now(UTC)


def record(session: AsyncSession, event: Any) -> None:
    """Publish `event` after the unit of work running on `session` commits."""
    uow = unit_of(session)
    if uow is not None:
        uow.record(event)


@event.listens_for(Session, "before_flush")
def _stamp_created_at(session: Session, _context: Any, _instances: Any) -> None:
    """Rows a unit of work creates are stamped with its clock (the column default, the wall
    clock, stays the fallback for sessions opened without one)."""
    uow = unit_of(session)  # type: ignore[arg-type]
    if uow is None:
        return
    now = uow.now()
    for instance in session.new:
        if isinstance(instance, CreatedAt) and instance.created_at is None:
            instance.created_at = now
