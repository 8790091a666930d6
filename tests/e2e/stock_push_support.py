"""GraphQL documents and helpers shared by the stock push tests (SY-1 … SY-3, OR-10)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from skuport.domain.inventory.stock.service import create_location, receive_stock
from skuport.domain.listings.models import CatalogEntry, Fulfilment
from tests.e2e.store_documents import CONNECT as CONNECT
from tests.e2e.store_documents import SETTINGS as SETTINGS

DOWNLOAD = """
mutation($storeId: ID!) {
  downloadCatalog(storeId: $storeId) { __typename ... on JobStarted { run { id } } }
}
"""


PUSH_NOW = """
mutation($storeId: ID!) {
  pushStockNow(storeId: $storeId) {
    __typename ... on JobStarted { run { id } } ... on UserError { message field }
  }
}
"""


RUN = """
query($id: ID!) {
  run(id: $id) { ... on OperationRun { operation status processed skipped message
    errors { item reason } } }
}
"""


RUNS = """
query { runs(first: 50) { nodes { id operation status processed message } } }
"""


TRIGGER = """
mutation($name: String!, $target: String) {
  triggerJob(name: $name, target: $target) {
    __typename ... on JobStarted { run { id } } ... on UserError { message }
  }
}
"""


STATUS = """
query($storeId: ID!, $onlyPending: Boolean!) {
  stockPushStatus(storeId: $storeId, onlyPending: $onlyPending, first: 1000) {
    updateStockLevels listingCount pendingCount
    listings { marketplaceId sellerSku productId quantity lastPushed pushedAt pending }
  }
}
"""


async def product_of(sessions, sku: str) -> int:
    async with sessions() as session:
        return await session.scalar(
            select(CatalogEntry.product_id).where(CatalogEntry.seller_sku == sku).limit(1)
        )


async def fbm_skus(sessions, store_id: int) -> list[str]:
    async with sessions() as session:
        return sorted(
            set(
                await session.scalars(
                    select(CatalogEntry.seller_sku).where(
                        CatalogEntry.store_id == store_id,
                        CatalogEntry.fulfilment == Fulfilment.FBM,
                        CatalogEntry.product_id.is_not(None),
                    )
                )
            )
        )


async def location(sessions, name: str = "Main") -> int:
    async with sessions() as session, session.begin():
        return (await create_location(session, name=name)).id


async def receive(app, sessions, items: dict[int, int], location_id: int) -> None:
    """Stock arrives; the committed change is published as IN-8 events."""
    async with app.state.services.units() as uow:
        for product_id, quantity in items.items():
            await receive_stock(
                uow.session,
                product_id=product_id,
                location_id=location_id,
                quantity=Decimal(quantity),
            )


async def settle(app, sandbox, minutes: int = 6) -> None:
    """Let the runs finish and Amazon apply what it accepted."""
    await app.state.services.runner.drain()
    sandbox.state.clock.advance(timedelta(minutes=minutes))
    sandbox.tick()


def amazon_quantities(sandbox, seller, sku: str) -> dict[str, int]:
    listing = sandbox.state.listings[(seller.seller_id, sku)]
    return {mp: offer.quantity for mp, offer in listing.offers.items()}
