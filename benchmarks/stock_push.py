"""(c) Stock push: from a stock change to the quantity at the sandbox Amazon, and the calls it took.

An EU seller with N FBM SKUs listed in all 5 EU marketplaces (global SKUs). One receipt changes
every SKU's stock; the IN-8 events reach the stock push, which sends the changes to Amazon. The
sandbox runs on virtual time, so Amazon's feed processing and rate-limit waits cost no wall
time: wall time is our own work, virtual time is what a seller would wait on real Amazon.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import httpx
from sqlalchemy import insert, select, update

from skuport.domain.inventory.products.models import Product, ProductType
from skuport.domain.inventory.stock.service import create_location, receive_stock
from skuport.domain.listings.models import CatalogEntry, CatalogStatus, Fulfilment
from skuport.domain.stock_sync import push as push_module
from skuport.domain.stores.models import StoreSettings
from skuport.domain.stores.service import StoreConnection, connect_store
from skuport.sandbox.app import create_sandbox_app
from skuport.sandbox.clock import SandboxClock
from skuport.sandbox.state import Listing, Offer
from skuport.server.app import create_app
from skuport.server.config import Settings

SANDBOX = "http://sandbox.bench"


def _sku_count() -> int:
    return int(os.environ.get("SKUPORT_BENCH_PUSH_SKUS", "10000"))


def _add_listings(sandbox, seller, count: int) -> list[str]:  # type: ignore[no-untyped-def]
    """N FBM listings in every marketplace of the seller, showing 0."""
    skus = [f"BENCH-{index:06d}" for index in range(count)]
    for index, sku in enumerate(skus):
        listing = Listing(seller.seller_id, sku, f"B0BENCH{index:05d}", "PRODUCT", f"Item {sku}")
        for marketplace_id in seller.marketplace_ids:
            listing.offers[marketplace_id] = Offer(price=Decimal("9.99"), quantity=0)
        sandbox.state.listings[(seller.seller_id, sku)] = listing
    return skus


async def _store(services, seller, skus: list[str]) -> tuple[int, dict[str, int]]:  # type: ignore[no-untyped-def]
    """Connect the seller and link every listing to a product (as a catalog download would)."""
    store = await connect_store(
        services.units,
        gateway=services.amazon,
        connection=StoreConnection(
            name="EU bench",
            region="EU",  # type: ignore[arg-type]
            selling_partner_id=seller.seller_id,
            lwa_client_id=seller.client_id,
            lwa_client_secret=seller.client_secret,
            refresh_token=seller.refresh_token,
            api_endpoint=SANDBOX,
            token_url=f"{SANDBOX}/auth/o2/token",
        ),
    )
    async with services.units() as uow:
        session = uow.session
        await session.execute(
            update(StoreSettings)
            .where(StoreSettings.store_id == store.id)
            .values(update_stock_levels=True)
        )
        marketplaces = [m.marketplace_id for m in store.marketplaces]
        await session.execute(
            insert(Product),
            [
                {"sku": sku, "name": f"Item {sku}", "type": ProductType.STOCK, "image_urls": []}
                for sku in skus
            ],
        )
        products = dict((await session.execute(select(Product.sku, Product.id))).all())
        now = services.clock.now()
        await session.execute(
            insert(CatalogEntry),
            [
                {
                    "store_id": store.id,
                    "marketplace_id": marketplace_id,
                    "seller_sku": sku,
                    "asin": f"B0BENCH{index:05d}",
                    "title": f"Item {sku}",
                    "status": CatalogStatus.LISTED,
                    "fulfilment": Fulfilment.FBM,
                    "product_id": products[sku],
                    "option_values": [],
                    "details": {},
                    "first_seen_at": now,
                    "last_seen_at": now,
                }
                for index, sku in enumerate(skus)
                for marketplace_id in marketplaces
            ],
        )
        return store.id, products


async def _change(services, sandbox, seller, products: dict[str, int], quantity, expected) -> dict:  # type: ignore[no-untyped-def]
    """Receive stock for every product and wait until Amazon shows it; the figures."""
    calls: Counter[str] = Counter()
    original = sandbox.limits.allow

    def counting(seller_id, name, now):  # type: ignore[no-untyped-def]
        calls[name] += 1
        return original(seller_id, name, now)

    sandbox.limits.allow = counting
    async with services.sessions() as session, session.begin():
        location_id = (await create_location(session, name=f"Bench {len(products)}")).id
    virtual_start = sandbox.state.clock.now()
    began = time.perf_counter()
    async with services.units() as uow:
        session = uow.session
        for product_id in products.values():
            await receive_stock(
                session, product_id=product_id, location_id=location_id, quantity=quantity
            )
    committed = time.perf_counter()
    await services.runner.drain()
    # Patches are applied after Amazon's listing delay; a feed's are applied when it is DONE.
    pending = [p.due for p in sandbox.state.pending]
    if pending:
        sandbox.state.clock.advance(max(pending) - sandbox.state.clock.now())
        sandbox.tick()
    finished = time.perf_counter()
    sandbox.limits.allow = original
    shown = [
        offer.quantity
        for sku in products
        for offer in sandbox.state.listings[(seller.seller_id, sku)].offers.values()
    ]
    wrong = sum(1 for q in shown if q != expected)
    return {
        "skus": len(products),
        "listings": len(shown),
        "wrong": wrong,
        "receipt_s": committed - began,
        "push_s": finished - committed,
        "virtual": sandbox.state.clock.now() - virtual_start,
        "calls": calls,
    }


def _row(label: str, figures: dict) -> str:
    calls: Counter[str] = figures["calls"]
    spelled = ", ".join(f"{name} {count}" for name, count in sorted(calls.items()))
    virtual: timedelta = figures["virtual"]
    return (
        f"| {label} | {figures['skus']:,} SKUs x 5 = {figures['listings']:,} listings "
        f"| {figures['receipt_s']:.2f} s | {figures['push_s']:.2f} s "
        f"| {virtual.total_seconds() / 60:.1f} min | {sum(calls.values())} ({spelled}) "
        f"| {figures['wrong']} |"
    )


async def run() -> str:
    count = _sku_count()
    folder = tempfile.mkdtemp()
    url = f"sqlite+aiosqlite:///{folder}/bench.db"
    settings = Settings(database_url=url, data_dir=Path(folder), scheduler_enabled=False)
    sandbox_app = create_sandbox_app(seed=1, size="tiny", clock=SandboxClock())
    sandbox = sandbox_app.state.sandbox
    seller = next(s for s in sandbox.state.sellers.values() if s.region == "EU")
    skus = _add_listings(sandbox, seller, count)
    clock = sandbox.state.clock
    app = create_app(
        settings,
        clock=clock,
        amazon_transport=httpx.ASGITransport(app=sandbox_app),
        amazon_sleep=clock.sleep,
    )
    async with app.router.lifespan_context(app):
        services = app.state.services
        _, products = await _store(services, seller, skus)
        bench = {sku: products[sku] for sku in skus}
        many = await _change(services, sandbox, seller, bench, Decimal(12), 12)
        one = await _change(services, sandbox, seller, {skus[0]: bench[skus[0]]}, Decimal(3), 15)
    return (
        "## (c) Stock push to Amazon (SY-1 … SY-3, SQLite, sandbox Amazon)\n\n"
        f"EU seller, {count:,} FBM SKUs listed in all 5 EU marketplaces (global SKUs). One "
        "receipt changes stock; the IN-8 events queue the products and one background run "
        "sends the changed quantities: listings patches up to "
        f"{push_module.PATCH_LIMIT} per marketplace, else one JSON_LISTINGS_FEED per "
        "marketplace (its processing report checked per SKU). The sandbox Amazon keeps "
        "Amazon's published rate limits, a 5-minute feed delay and a 2-minute listing delay "
        "in virtual time.\n\n"
        "| change | listings | receipt transaction (wall) | commit → on Amazon, wall "
        "(excl. virtual waits) | commit → on Amazon, virtual | SP-API calls | wrong "
        "quantities |\n|---|---|---|---|---|---|---|\n"
        f"{_row('every SKU', many)}\n{_row('one SKU', one)}\n\n"
        "Virtual time is what a seller waits on real Amazon: the feed's processing (5 min in "
        f"the sandbox) plus up to one poll interval ({push_module.FEED_POLL_SECONDS:.0f} s); "
        "a patch waits for Amazon's listing delay. Sending the same "
        f"{many['listings']:,} changes as patches would take {many['listings']:,} calls, "
        f"about {many['listings'] / 5 / 3600:.1f} hours at patchListingsItem's 5 per second.\n"
    )
