"""(a) Orders to sales: N sandbox orders (3 lines on average) into authorised, shipped, paid sales.

An NA seller with N unshipped FBM orders in the US marketplace, every line a SKU the store
sells (a product line, never a service line). One scheduled `orders_download` run, through the
job runner exactly as the scheduler starts it, reads them with `searchOrders` and captures and
processes each (NONE consolidation, PICK_PACK_SHIP, invoice AUTHORISED, payment account set) on
SQLite. The sandbox Amazon runs on virtual time: its rate-limit waits cost no wall time and are
reported separately; the time it spends answering (in-process) is part of the wall time.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event, func, select

from skuport.domain.db import create_engine, create_session_factory
from skuport.domain.db.migrate import upgrade
from skuport.domain.events import EventBus
from skuport.domain.inventory.products.service import create_product
from skuport.domain.inventory.reference.models import AccountKind
from skuport.domain.inventory.reference.service import (
    create_account,
    create_customer,
    create_tax_rule,
)
from skuport.domain.inventory.sales.models import (
    Invoice,
    InvoiceStatus,
    LineKind,
    Payment,
    Sale,
    SaleLine,
    SaleStatus,
    StageStatus,
)
from skuport.domain.inventory.stock.service import create_location, receive_stock
from skuport.domain.jobs import Trigger
from skuport.domain.jobs.runner import JobRunner
from skuport.domain.orders.models import OrderLogEntry
from skuport.domain.orders.scheduled import ORDERS_DOWNLOAD, download_targets
from skuport.domain.orders.service import BATCH
from skuport.domain.security import SecretBox
from skuport.domain.stores.gateway import AmazonGateway
from skuport.domain.stores.models import FulfilmentMode, InvoiceStatusSetting
from skuport.domain.stores.sandbox import connect_sandbox_store
from skuport.domain.stores.settings import SettingsChange, set_marketplace, update_settings
from skuport.domain.unit_of_work import UnitsOfWork
from skuport.sandbox.app import create_sandbox_app
from skuport.sandbox.clock import SandboxClock
from skuport.sandbox.seed_orders import make_line, make_order
from skuport.sandbox.state import Listing, Offer

US = "ATVPDKIKX0DER"
SANDBOX = "http://sandbox.test"
SKUS = 1000
LINES_PER_ORDER = (2, 3, 4)  # 3 on average
STOCK_PER_SKU = Decimal(100_000)
AIM = 300  # orders per second, end to end (issue 6)


def _order_count() -> int:
    return int(os.environ.get("SKUPORT_BENCH_ORDERS", "10000"))


class _TimedTransport(httpx.AsyncBaseTransport):
    """The ASGI transport to the sandbox, timing how long Amazon takes to answer."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.seconds = 0.0
        self.calls = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        began = time.perf_counter()
        try:
            return await self.inner.handle_async_request(request)
        finally:
            self.seconds += time.perf_counter() - began
            self.calls += 1


def _fill_sandbox(state, seller, count: int) -> tuple[list[str], int]:  # type: ignore[no-untyped-def]
    """SKUS FBM listings in the US and `count` unshipped orders of them; (SKUs, lines)."""
    for order_id in [o.order_id for o in state.orders.values() if o.seller_id == seller.seller_id]:
        del state.orders[order_id]  # the seed's own orders (FBA, blank SKUs, other statuses)
    skus = [f"ORD-BENCH-{index:05d}" for index in range(SKUS)]
    listings = []
    for index, sku in enumerate(skus):
        listing = Listing(seller.seller_id, sku, f"B0ORD{index:05d}", "PRODUCT", f"Item {sku}")
        listing.offers[US] = Offer(price=Decimal("12.50") + index % 40, quantity=50)
        state.listings[(seller.seller_id, sku)] = listing
        listings.append(listing)
    rng = random.Random(6)
    now = state.clock.now()
    # Within the first scheduled run's look-back (one day), and older than Amazon's 2 minutes.
    start, span = now - timedelta(hours=20), timedelta(hours=19)
    lines = 0
    for n in range(count):
        created = start + span * n / max(count, 1)
        order = make_order(state, rng, seller, US, created=created, status="UNSHIPPED", index=n)
        # Our own lines: known SKUs only (the seed blanks some SKUs and picks 1.75 on average).
        chosen = rng.sample(listings, rng.choice(LINES_PER_ORDER))
        order.lines = [
            make_line(rng, listing, US, gift=n % 7 == 1, promo=n % 3 == 1) for listing in chosen
        ]
        order.last_updated = created
        state.orders[order.order_id] = order
        lines += len(order.lines)
    return skus, lines


async def _store(units: UnitsOfWork, gateway: AmazonGateway, seller, skus: list[str]) -> int:  # type: ignore[no-untyped-def]
    """Connect the seller with a complete NA tax mapping, products in stock, every sale setting."""
    store = await connect_sandbox_store(
        units, gateway=gateway, url=SANDBOX, seller_id=seller.seller_id, name="bench"
    )
    async with units() as uow:
        session = uow.session
        for entry in store.marketplaces:
            if entry.marketplace_id != US:
                await set_marketplace(
                    session, store_id=store.id, marketplace_id=entry.marketplace_id, enabled=False
                )
        location = await create_location(session, name="Bench warehouse")
        line = await create_tax_rule(session, name="Sales US", rate=Decimal("8.25"))
        charge = await create_tax_rule(session, name="Charges US", rate=Decimal("8.25"))
        free = await create_tax_rule(session, name="Tax free", rate=Decimal(0), tax_free=True)
        bank = await create_account(session, code="1200", name="Amazon US", kind=AccountKind.BANK)
        customer = await create_customer(session, name="Amazon customer (bench)")
        await update_settings(
            session,
            store_id=store.id,
            change=SettingsChange(
                fbm_location_id=location.id,
                customer_id=customer.id,
                line_tax_rule_id=line.id,
                charge_tax_rule_id=charge.id,
                tax_free_rule_id=free.id,
                payment_account_id=bank.id,
                fulfilment_mode=FulfilmentMode.PICK_PACK_SHIP,
                invoice_status=InvoiceStatusSetting.AUTHORISED,
            ),
        )
        for sku in skus:
            product = await create_product(session, sku=sku, name=f"Item {sku}")
            await receive_stock(
                session, product_id=product.id, location_id=location.id, quantity=STOCK_PER_SKU
            )
        return store.id


async def _outcome(sessions) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """What the database holds after the run: sales by state, their lines, their invoices."""
    async with sessions() as session:
        paid = (
            select(Payment.invoice_id, func.sum(Payment.amount).label("amount"))
            .group_by(Payment.invoice_id)
            .subquery()
        )
        return {
            "entries": await session.scalar(select(func.count(OrderLogEntry.id))) or 0,
            "sales": await session.scalar(select(func.count(Sale.id))) or 0,
            "shipped": await session.scalar(
                select(func.count(Sale.id)).where(
                    Sale.status == SaleStatus.ORDERED,
                    Sale.pick_status == StageStatus.AUTHORISED,
                    Sale.pack_status == StageStatus.AUTHORISED,
                    Sale.ship_status == StageStatus.AUTHORISED,
                )
            )
            or 0,
            "authorised": await session.scalar(
                select(func.count(Invoice.id)).where(Invoice.status == InvoiceStatus.AUTHORISED)
            )
            or 0,
            "paid": await session.scalar(
                select(func.count(Invoice.id))
                .join(paid, paid.c.invoice_id == Invoice.id)
                .where(paid.c.amount >= Invoice.total)
            )
            or 0,
            "product_lines": await session.scalar(
                select(func.count(SaleLine.id)).where(SaleLine.kind == LineKind.PRODUCT)
            )
            or 0,
            "service_lines": await session.scalar(
                select(func.count(SaleLine.id)).where(SaleLine.kind == LineKind.SERVICE)
            )
            or 0,
        }


async def run() -> str:
    count = _order_count()
    folder = Path(tempfile.mkdtemp())
    sandbox_app = create_sandbox_app(seed=1, size="tiny", clock=SandboxClock())
    state = sandbox_app.state.sandbox.state
    seller = next(s for s in state.sellers.values() if s.region == "NA")
    skus, lines = _fill_sandbox(state, seller, count)
    clock = state.clock
    engine = create_engine(f"sqlite+aiosqlite:///{folder}/bench.db")
    await upgrade(engine)
    sessions = create_session_factory(engine)
    transport = _TimedTransport(httpx.ASGITransport(app=sandbox_app))
    gateway = AmazonGateway(
        box=SecretBox(_key()), clock=clock, sleep=clock.sleep, transport=transport
    )
    store_id = await _store(
        UnitsOfWork(sessions, clock=clock, bus=EventBus()), gateway, seller, skus
    )
    runner = JobRunner(sessions=sessions, clock=clock, bus=EventBus(), services={"amazon": gateway})
    async with sessions() as session:
        target = next(t for t in await download_targets(session) if t.key == str(store_id))

    statements = 0

    def counting(*_args: object) -> None:
        nonlocal statements
        statements += 1

    event.listen(engine.sync_engine, "before_cursor_execute", counting)
    transport.seconds, transport.calls = 0.0, 0
    virtual_before = clock.now()
    began, cpu_began = time.perf_counter(), time.process_time()
    entry = await runner.run(
        ORDERS_DOWNLOAD, trigger=Trigger.SCHEDULER, triggered_by="benchmark", target=target
    )
    wall = time.perf_counter() - began
    cpu = time.process_time() - cpu_began
    virtual = (clock.now() - virtual_before).total_seconds()
    event.remove(engine.sync_engine, "before_cursor_execute", counting)
    amazon_wall, amazon_calls = transport.seconds, transport.calls
    assert entry is not None
    outcome = await _outcome(sessions)
    await gateway.aclose()
    await engine.dispose()

    figures = Figures(count, lines, wall, cpu, statements, amazon_wall, amazon_calls, virtual)
    return _report(figures, entry, outcome)


@dataclass(frozen=True)
class Figures:
    """What one run measured."""

    count: int
    lines: int
    wall: float
    cpu: float
    statements: int
    amazon_wall: float
    amazon_calls: int
    virtual: float


def _report(f: Figures, entry: Any, outcome: dict[str, int]) -> str:
    count, lines, wall, cpu, statements = f.count, f.lines, f.wall, f.cpu, f.statements
    amazon_wall, amazon_calls, virtual = f.amazon_wall, f.amazon_calls, f.virtual
    rate = count / wall
    ours = count / max(wall - amazon_wall, 1e-9)
    complete = (
        outcome["sales"]
        == outcome["shipped"]
        == outcome["authorised"]
        == outcome["paid"]
        == outcome["entries"]
        == count
        and outcome["service_lines"] == 0
        and outcome["product_lines"] == lines
    )
    verdict = "met" if rate >= AIM else "NOT met"
    return (
        "## (a) Orders to sales (OR-1 … OR-5, PR-1 … PR-3, PA-1, SQLite, sandbox Amazon)\n\n"
        f"{count:,} unshipped FBM orders of one NA seller (US), {lines:,} lines "
        f"({lines / max(count, 1):.2f} per order) over {SKUS:,} SKUs the store sells, plus "
        "Amazon's shipping, gift-wrap and promotion charges. One scheduled `orders_download` "
        f"run (job runner, `searchOrders` pages of 100, batches of {BATCH} orders per "
        "transaction, the common orders of each captured and processed together) "
        "captures and processes every order: NONE consolidation, PICK_PACK_SHIP, invoice "
        "AUTHORISED, payment account set. Amazon's rate-limit waits run on the sandbox's "
        "virtual clock and are excluded; the in-process sandbox's own answering time is "
        "included in the wall time and shown separately. CPU time is the whole process "
        "(Skuport and the sandbox).\n\n"
        "| orders | wall time | orders/s end to end | orders/s without the sandbox's "
        "answering | CPU ms/order | SQL statements/order | SP-API calls (sandbox wall) "
        "| Amazon's virtual time |\n|---|---|---|---|---|---|---|---|\n"
        f"| {count:,} | {wall:.1f} s | {rate:,.0f} | {ours:,.0f} | "
        f"{cpu * 1000 / max(count, 1):.1f} | {statements / max(count, 1):.1f} | "
        f"{amazon_calls} ({amazon_wall:.1f} s) | {virtual / 60:.1f} min |\n\n"
        f"Run: {entry.processed:,} processed, {entry.skipped:,} skipped, "
        f"{entry.cancelled:,} cancelled. In the database: {outcome['sales']:,} sales, "
        f"{outcome['shipped']:,} picked, packed and shipped, {outcome['authorised']:,} "
        f"invoices authorised, {outcome['paid']:,} paid in full; {outcome['product_lines']:,} "
        f"product lines, {outcome['service_lines']:,} service lines — "
        f"{'every order one complete sale' if complete else 'INCOMPLETE'}.\n\n"
        f"Aim: at least {AIM} orders/s end to end, excluding Amazon's virtual waiting — "
        f"{verdict} on this machine ({rate:,.0f} orders/s).\n"
    )


def _key() -> bytes:
    from cryptography.fernet import Fernet

    return Fernet.generate_key()
