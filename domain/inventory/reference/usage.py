"""What points at a reference record: the store settings that name it, and the rows of history.

A record a store's settings point at cannot be archived (orders would arrive for it), and a
value that history was written with (a tax rule's rate, an account's kind, a price tier's
currency) cannot change once something points at it. The store tables are read here, not
imported by the models, so the stores package may keep depending on the back office.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.errors import RecordInUse
from skuport.domain.inventory.records import describe
from skuport.domain.inventory.reference.models import Account, Customer, PriceTier, TaxRule
from skuport.domain.inventory.stock.models import Location
from skuport.domain.stores.models import (
    Store,
    StoreCountryTaxRule,
    StoreMarketplace,
    StoreSettings,
)

# The store tables that name a record of each kind, and the column holding the store's id.
_STORE_REFERENCES: dict[type[Any], tuple[tuple[Any, Any], ...]] = {
    TaxRule: (
        (StoreSettings.store_id, StoreSettings.line_tax_rule_id),
        (StoreSettings.store_id, StoreSettings.charge_tax_rule_id),
        (StoreSettings.store_id, StoreSettings.tax_free_rule_id),
        (StoreCountryTaxRule.store_id, StoreCountryTaxRule.tax_rule_id),
    ),
    Account: (
        (StoreSettings.store_id, StoreSettings.revenue_account_id),
        (StoreSettings.store_id, StoreSettings.payment_account_id),
    ),
    Customer: ((StoreSettings.store_id, StoreSettings.customer_id),),
    Location: (
        (StoreSettings.store_id, StoreSettings.fbm_location_id),
        (StoreSettings.store_id, StoreSettings.fba_location_id),
    ),
    PriceTier: ((StoreMarketplace.store_id, StoreMarketplace.price_tier_id),),
}


async def stores_using(session: AsyncSession, record: Any) -> list[str]:
    """Names of the stores whose settings point at `record`, by name."""
    names: set[str] = set()
    for store_id, column in _STORE_REFERENCES.get(type(record), ()):
        rows = await session.scalars(
            select(Store.name).where(Store.id.in_(select(store_id).where(column == record.id)))
        )
        names.update(rows)
    return sorted(names)


async def refuse_if_stores_use(
    session: AsyncSession, record: Any, *, field: str, action: str
) -> None:
    """RecordInUse when a store's settings point at `record`, naming the stores."""
    stores = await stores_using(session, record)
    if stores:
        raise RecordInUse(
            field,
            f"{describe(record)} is in the settings of store {', '.join(stores)}; "
            f"choose another there before you {action}",
        )


async def uses(
    session: AsyncSession, record_id: int, columns: Sequence[tuple[str, Any]]
) -> list[str]:
    """How many rows point at the record, per kind: ["2 products", "1 sale line"]."""
    found = []
    for label, column in columns:
        count = await session.scalar(select(func.count()).where(column == record_id))
        if count:
            found.append(f"{count} {label}{'' if count == 1 else 's'}")
    return found
