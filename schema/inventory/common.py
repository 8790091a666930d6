"""What every back-office module shares: ids, addresses, refusals and the unit of work."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.errors import DomainError
from skuport.domain.inventory.reference.service import Address as DomainAddress
from skuport.schema import ids
from skuport.schema.context import Info
from skuport.schema.errors import refused
from skuport.schema.ids import to_id

__all__ = ["refused", "to_id", "to_int"]


def to_int(value: strawberry.ID | None) -> int | None:
    """An optional id argument as a number (see schema.ids.to_int)."""
    return None if value is None else ids.to_int(value)


@asynccontextmanager
async def unit_of_work(info: Info) -> AsyncIterator[AsyncSession]:
    """The session of one unit of work (`services.units`): committed when the block ends, then
    availability changes (IN-8) are published; rolled back as a whole when a refusal is raised.
    Back-office services read the time from its clock (`now_of(session)`)."""
    async with info.context.services.units() as uow:
        yield uow.session


async def saved_or_refused(
    info: Info,
    change: Callable[..., Awaitable[Any]],
    answer: Callable[[Any], Any],
    id_field: str,
    **arguments: Any,
) -> Any:
    """Run one change in a unit of work: `answer(record)`, or the typed refusal (a refusal
    about `id_field` names the mutation's `id` argument)."""
    try:
        async with unit_of_work(info) as session:
            record = await change(session, **arguments)
    except DomainError as exc:
        return refused(exc, **{id_field: "id"})
    return answer(record)


@asynccontextmanager
async def reading(info: Info) -> AsyncIterator[AsyncSession]:
    """A session for queries."""
    async with info.context.services.units.reading() as session:
        yield session


@strawberry.type(description="A postal address; country is an ISO 3166 alpha-2 code.")
class Address:
    line1: str = ""
    line2: str = ""
    city: str = ""
    region: str = ""
    postcode: str = ""
    country: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Address:
        known = {k: str(v) for k, v in (data or {}).items() if k in _ADDRESS_KEYS}
        return cls(**known)


_ADDRESS_KEYS = ("line1", "line2", "city", "region", "postcode", "country")


@strawberry.input(description="A postal address; omitted parts are empty.")
class AddressInput:
    line1: str = ""
    line2: str = ""
    city: str = ""
    region: str = ""
    postcode: str = ""
    country: str = ""

    def to_domain(self) -> DomainAddress:
        return DomainAddress(**{key: getattr(self, key) for key in _ADDRESS_KEYS})


def domain_address(value: AddressInput | None) -> DomainAddress | None:
    return value.to_domain() if value is not None else None


def quantity(value: Decimal) -> Decimal:
    """A quantity without trailing zeros (10, 2.5), the same on every database."""
    value = Decimal(value)
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def money(value: Decimal) -> Decimal:
    """An amount in whole cents shown with two decimals; finer prices keep their decimals."""
    value = Decimal(value)
    cents = value.quantize(Decimal("0.01"))
    return cents if cents == value else value.normalize()
