"""Catalog download at volume: 10,000 listings (2,000 families), into an empty then a full DB."""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import httpx
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from skuport.domain.db import create_engine, create_session_factory
from skuport.domain.db.migrate import upgrade
from skuport.domain.events import EventBus
from skuport.domain.listings.download import DownloadSummary, download_catalog
from skuport.domain.security import SecretBox
from skuport.domain.stores.gateway import AmazonGateway
from skuport.domain.stores.sandbox import connect_sandbox_store
from skuport.domain.stores.settings import SettingsChange, set_marketplace, update_settings
from skuport.domain.unit_of_work import UnitsOfWork
from skuport.sandbox.app import create_sandbox_app
from skuport.sandbox.clock import SandboxClock
from skuport.sandbox.state import Listing, Offer, Product

US = "ATVPDKIKX0DER"
FAMILIES = int(os.environ.get("SKUPORT_BENCH_FAMILIES", "2000"))
CHILDREN = 4  # two sizes, two colours
SIMPLE = FAMILIES  # as many simple products as families: 10,000 listings in all by default


def _asin(n: int) -> str:
    return f"B{n:09d}"


def fill_sandbox(state, seller_id: str) -> int:  # type: ignore[no-untyped-def]
    """Replace the seller's listings with a large US catalog; returns the listing count."""
    for key in [k for k in state.listings if k[0] == seller_id]:
        del state.listings[key]
    counter = 0

    def listing(product: Product, sku: str, price: Decimal) -> None:
        item = Listing(seller_id, sku, product.asin, product.product_type, product.title)
        item.offers[US] = Offer(price=price, quantity=5)
        state.listings[(seller_id, sku)] = item

    for f in range(FAMILIES):
        counter += 1
        parent = Product(
            asin=_asin(counter),
            title=f"Bench Shirt {f}",
            brand="Benchwear",
            product_type="SHIRT",
            classification="VARIATION_PARENT",
            browse_path=[("Clothing", "7141123011")],
            variation_theme=["size", "color"],
        )
        state.products[parent.asin] = parent
        for size in ("S", "M"):
            for colour in ("Black", "White"):
                counter += 1
                child = Product(
                    asin=_asin(counter),
                    title=f"{parent.title} - {size}, {colour}",
                    brand="Benchwear",
                    product_type="SHIRT",
                    classification="BASE_PRODUCT",
                    browse_path=[("Clothing", "7141123011")],
                    identifiers=[("EAN", f"{4000000000000 + counter}")],
                    parent_asin=parent.asin,
                    variation_values={"size": size, "color": colour},
                )
                parent.child_asins.append(child.asin)
                state.products[child.asin] = child
                listing(child, f"BS-{f}-{size}-{colour}", Decimal("19.99"))
    for s in range(SIMPLE):
        counter += 1
        product = Product(
            asin=_asin(counter),
            title=f"Bench Mug {s}",
            brand="Benchware",
            product_type="HOME",
            classification="BASE_PRODUCT",
            browse_path=[("Home & Kitchen", "1055398")],
            identifiers=[("UPC", f"{100000000000 + counter}")],
        )
        state.products[product.asin] = product
        listing(product, f"BM-{s}", Decimal("9.50"))
    return FAMILIES * CHILDREN + SIMPLE


@dataclass
class _Bench:
    """The benchmark's set-up: a sandbox full of listings and a connected store on SQLite."""

    listings: int
    clock: SandboxClock
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    gateway: AmazonGateway
    store_id: int


async def run() -> str:
    bench = await _set_up()
    results = await _measure(bench)
    await bench.gateway.aclose()
    await bench.engine.dispose()
    return _report(bench.listings, results)


async def _set_up() -> _Bench:
    """Fill the sandbox, migrate a fresh SQLite file and connect a store selling in the US only."""
    folder = Path(tempfile.mkdtemp())
    sandbox_app = create_sandbox_app(seed=1, size="tiny", clock=SandboxClock())
    state = sandbox_app.state.sandbox.state
    seller = next(s for s in state.sellers.values() if s.region == "NA")
    listings = fill_sandbox(state, seller.seller_id)
    clock = state.clock
    engine = create_engine(f"sqlite+aiosqlite:///{folder}/bench.db")
    await upgrade(engine)
    sessions = create_session_factory(engine)
    gateway = AmazonGateway(
        box=SecretBox(_key()),
        clock=clock,
        sleep=clock.sleep,
        transport=httpx.ASGITransport(app=sandbox_app),
    )
    # The sandbox is asked with no transaction open; the settings follow in one.
    units = UnitsOfWork(sessions, clock=clock, bus=EventBus())
    store = await connect_sandbox_store(
        units, gateway=gateway, url="http://sandbox.test", seller_id=seller.seller_id, name="bench"
    )
    async with units() as uow:
        await update_settings(
            uow.session, store_id=store.id, change=SettingsChange(create_product_if_not_found=True)
        )
        for entry in store.marketplaces:
            if entry.marketplace_id != US:
                await set_marketplace(
                    uow.session,
                    store_id=store.id,
                    marketplace_id=entry.marketplace_id,
                    enabled=False,
                )
    store_id = store.id
    return _Bench(listings, clock, engine, sessions, gateway, store_id)


async def _measure(bench: _Bench) -> list[tuple[str, DownloadSummary, float, float, int]]:
    """Download twice (empty, then full database): wall time, virtual time, SQL statements."""
    clock = bench.clock
    statements = 0

    def count(*_args: object) -> None:
        nonlocal statements
        statements += 1

    event.listen(bench.engine.sync_engine, "before_cursor_execute", count)
    results = []
    for label in ("empty database", "full database (second download)"):
        statements = 0
        virtual_before = clock.now()
        began = time.perf_counter()
        summary = await download_catalog(
            units=UnitsOfWork(bench.sessions, clock=clock, bus=EventBus()),
            gateway=bench.gateway,
            store_id=bench.store_id,
        )
        wall = time.perf_counter() - began
        virtual = (clock.now() - virtual_before).total_seconds()
        results.append((label, summary, wall, virtual, statements))
    event.remove(bench.engine.sync_engine, "before_cursor_execute", count)
    return results


def _report(listings: int, results: list[tuple[str, DownloadSummary, float, float, int]]) -> str:
    """The benchmark's section of the report, as Markdown."""
    lines = [
        "## Catalog download (CA-1 … CA-4, SQLite)\n",
        f"{listings:,} US listings: {FAMILIES:,} variation families of {CHILDREN} and "
        f"{SIMPLE:,} simple products, BY_SKU with 'create product if not found'. Wall time "
        "excludes nothing: Amazon's waits (report processing, rate limits) run on the "
        "sandbox's virtual clock and are reported separately.\n",
        "| run | wall time | listings/s | SQL statements per listing | products created | "
        "Amazon's virtual time |",
        "|---|---|---|---|---|---|",
    ]
    for label, summary, wall, virtual, count_ in results:
        lines.append(
            f"| {label} | {wall:.1f} s | {summary.listings / wall:,.0f} | "
            f"{count_ / max(summary.listings, 1):.1f} | {summary.created_products:,} | "
            f"{virtual / 60:.0f} min |"
        )
    target = "met" if results[0][2] < 30 else "NOT met"
    lines.append(f"\nAim: the full download in under 30 s on SQLite — {target} on this machine.\n")
    return "\n".join(lines)


def _key() -> bytes:
    from cryptography.fernet import Fernet

    return Fernet.generate_key()
