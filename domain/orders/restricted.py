"""Orders of a store whose SP-API application lacks the restricted roles (going live, item 1).

Without "Direct-to-Consumer Delivery" (or "Tax Invoicing") Amazon's Orders API leaves out the
buyer's name and e-mail and the recipient's name, street, postal code and phone; city, state or
region and country still come. Such an order is captured all the same: its sale takes the
store's customer and the address data Amazon gave, and the order log says what was missing.
An EU order without a destination country is taxed as if delivered in its marketplace's
country, under the store's rule for that country (OR-6), and says so.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.amazon.orders import FulfillmentStatus, Order
from skuport.domain.stores.marketplaces import MARKETPLACES
from skuport.domain.stores.models import Region, Store

COUNTRY_OF_MARKETPLACE = {mid: country for mid, _, country, _, _, _ in MARKETPLACES}
# Amazon gives personal data only for merchant-fulfilled orders it has been paid for.
WITH_PERSONAL_DATA = frozenset(
    {FulfillmentStatus.UNSHIPPED, FulfillmentStatus.PARTIALLY_SHIPPED, FulfillmentStatus.SHIPPED}
)
GRANTED, MISSING = "granted", "missing"


def personal_data_seen(order: Order) -> str | None:
    """GRANTED or MISSING when the order tells whether the application holds the restricted
    roles (a paid merchant-fulfilled order); None when Amazon would not send them anyway."""
    if order.fulfilled_by != "MERCHANT" or order.status not in WITH_PERSONAL_DATA:
        return None
    address = order.address
    given = bool(order.buyer_name or (address and (address.name or address.lines)))
    return GRANTED if given else MISSING


def destination_country(order: Order) -> str:
    """The delivery country Amazon gave, upper case ("" when it gave none)."""
    return (order.address.country_code or "").upper() if order.address else ""


def assumed_destination(order: Order) -> str:
    """The country an order without a destination is taxed for: its marketplace's."""
    return COUNTRY_OF_MARKETPLACE.get(order.marketplace_id or "", "")


def capture_note(store: Store, order: Order) -> str:
    """What the order log says about personal data Amazon left out, if it left some out."""
    parts = []
    if personal_data_seen(order) == MISSING:
        parts.append(
            "Amazon sent no buyer name or street address (the store's Amazon application lacks "
            "the Direct-to-Consumer Delivery role): the sale uses the store's customer and the "
            "city, region and country Amazon gave"
        )
    if store.region is Region.EU and not destination_country(order):
        country = assumed_destination(order)
        parts.append(
            f"Amazon gave no destination country: taxed as delivered in {country or 'the EU'}, "
            "the marketplace's country, under the store's tax rule for it"
        )
    return "; ".join(parts)


async def observe_personal_data(session: AsyncSession, store: Store, order: Order) -> None:
    """Remember on the store whether its application gets personal data (the store's page)."""
    seen = personal_data_seen(order)
    if seen is None or store.personal_data == seen:
        return
    row = await session.get(Store, store.id)
    if row is not None:
        row.personal_data = seen
