"""Sale tasks at volume: create and fully process 3-line sales, one transaction each (IN-5).

Each sale is what order processing does for an Amazon order: create (allocating stock), pick,
pack, ship, invoice AUTHORISED, pay in full; committed, then its availability events published.
`SKUPORT_BENCH_SALES` sets how many (default 10,000).
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from skuport.domain.clock import SystemClock
from skuport.domain.db import create_engine, create_session_factory
from skuport.domain.db.migrate import upgrade
from skuport.domain.events import EventBus
from skuport.domain.inventory.models import AccountKind, InvoiceStatus
from skuport.domain.inventory.products.service import create_product
from skuport.domain.inventory.reference.service import (
    create_account,
    create_customer,
    create_price_tier,
    create_tax_rule,
)
from skuport.domain.inventory.sales.batch import PaymentRequest, SaleRequest, create_sales
from skuport.domain.inventory.sales.fulfilment import FulfilmentMode, fulfil_sale
from skuport.domain.inventory.sales.invoicing import invoice_sale, record_payment
from skuport.domain.inventory.sales.lines import ProductLine
from skuport.domain.inventory.sales.service import create_sale
from skuport.domain.inventory.stock.service import create_location, receive_stock
from skuport.domain.orders.service import BATCH as ORDER_BATCH
from skuport.domain.unit_of_work import UnitsOfWork

PRODUCTS = 50
WINDOW = 1_000
BATCH = ORDER_BATCH  # sales per transaction, as order processing applies them


@dataclass
class _Shop:
    customer_id: int
    location_id: int
    bank_id: int
    product_ids: list[int]


async def _seed(sessions: async_sessionmaker[AsyncSession], sales: int) -> _Shop:
    async with sessions() as s, s.begin():
        tier = await create_price_tier(s, name="Amazon US", currency="USD")
        rule = await create_tax_rule(s, name="Sales tax", rate=Decimal("8.875"))
        bank = await create_account(s, code="1200", name="Bank", kind=AccountKind.BANK)
        customer = await create_customer(s, name="Amazon customer", price_tier_id=tier.id)
        location = await create_location(s, name="Main warehouse")
        ids = []
        for i in range(PRODUCTS):
            product = await create_product(
                s,
                sku=f"SKU-{i:03d}",
                name=f"Product {i}",
                prices={tier.id: Decimal("9.99") + i},
                default_tax_rule_id=rule.id,
            )
            await receive_stock(
                s, product_id=product.id, location_id=location.id, quantity=Decimal(sales * 3)
            )
            ids.append(product.id)
    return _Shop(customer.id, location.id, bank.id, ids)


def _request(shop: _Shop, n: int) -> SaleRequest:
    products = [shop.product_ids[(n * 3 + k) % PRODUCTS] for k in range(3)]
    return SaleRequest(
        customer_id=shop.customer_id,
        location_id=shop.location_id,
        lines=[ProductLine(p, Decimal(1 + k)) for k, p in enumerate(products)],
        reference=f"111-{n:07d}",
        fulfilment=FulfilmentMode.PICK_PACK_SHIP,
        carrier="UPS",
        invoice_status=InvoiceStatus.AUTHORISED,
        payment=PaymentRequest(account_id=shop.bank_id),
    )


async def _process_batch(
    sessions: async_sessionmaker[AsyncSession], bus: EventBus, shop: _Shop, first: int, size: int
) -> None:
    async with UnitsOfWork(sessions, clock=SystemClock(), bus=bus)() as uow:
        session = uow.session
        results = await create_sales(
            session, [_request(shop, n) for n in range(first, first + size)]
        )
    assert all(r.error is None and r.shipped for r in results)


async def _process(
    sessions: async_sessionmaker[AsyncSession], bus: EventBus, shop: _Shop, n: int
) -> None:
    products = [shop.product_ids[(n * 3 + k) % PRODUCTS] for k in range(3)]
    async with UnitsOfWork(sessions, clock=SystemClock(), bus=bus)() as uow:
        session = uow.session
        sale = await create_sale(
            session,
            customer_id=shop.customer_id,
            location_id=shop.location_id,
            lines=[ProductLine(p, Decimal(1 + k)) for k, p in enumerate(products)],
            reference=f"111-{n:07d}",
        )
        await fulfil_sale(
            session, sale_id=sale.id, mode=FulfilmentMode.PICK_PACK_SHIP, carrier="UPS"
        )
        invoice = await invoice_sale(session, sale_id=sale.id, status=InvoiceStatus.AUTHORISED)
        await record_payment(
            session, invoice_id=invoice.id, amount=invoice.total, account_id=shop.bank_id
        )


async def measure(sales: int, batch: int = BATCH) -> dict[str, float]:
    """Process `sales` sales on a fresh SQLite file, `batch` per transaction (1: one sale at a
    time through the per-sale services); figures for the whole run and two windows."""
    folder = tempfile.mkdtemp()
    engine = create_engine(f"sqlite+aiosqlite:///{folder}/bench.db")
    await upgrade(engine)
    sessions = create_session_factory(engine)
    bus = EventBus()
    shop = await _seed(sessions, sales)
    statements = 0

    def count(*_args: object) -> None:
        nonlocal statements
        statements += 1

    window = min(WINDOW, max(batch, sales // 2 // batch * batch))
    figures: dict[str, float] = {"sales": sales, "window": window}
    event.listen(engine.sync_engine, "before_cursor_execute", count)
    began, began_cpu = time.perf_counter(), time.process_time()
    for n in range(0, sales, batch):
        if n == 0 or n == sales - window:
            mark, mark_time, mark_cpu = statements, time.perf_counter(), time.process_time()
        if batch == 1:
            await _process(sessions, bus, shop, n)
        else:
            await _process_batch(sessions, bus, shop, n, min(batch, sales - n))
        if n + batch == window:
            figures["first_statements"] = (statements - mark) / window
            figures["first_rate"] = window / (time.perf_counter() - mark_time)
            figures["first_cpu_ms"] = (time.process_time() - mark_cpu) * 1000 / window
    figures["last_statements"] = (statements - mark) / window
    figures["last_rate"] = window / (time.perf_counter() - mark_time)
    figures["last_cpu_ms"] = (time.process_time() - mark_cpu) * 1000 / window
    figures["rate"] = sales / (time.perf_counter() - began)
    # CPU time (both threads: ours and aiosqlite's) is steadier than wall time on a busy host.
    figures["cpu_ms"] = (time.process_time() - began_cpu) * 1000 / sales
    event.remove(engine.sync_engine, "before_cursor_execute", count)
    await engine.dispose()
    return figures


async def run() -> str:
    sales = int(os.environ.get("SKUPORT_BENCH_SALES", "10000"))
    f = await measure(sales)
    single = min(sales, 1000)
    one = await measure(single, batch=1)
    window = int(f["window"])
    return (
        "## Sale tasks fully processed (IN-5, domain services, SQLite)\n\n"
        f"{sales:,} sales of 3 lines over {PRODUCTS} products: create (allocate) → pick → pack → "
        "ship → invoice AUTHORISED → payment in full, committed, then their availability "
        f"events published. `create_sales` takes {BATCH} sales per transaction, as order "
        "processing does; for comparison, "
        f"{single:,} sales one at a time through the per-sale services (`create_sale`, "
        "`fulfil_sale`, `invoice_sale`, `record_payment`), each in its own transaction.\n\n"
        f"| figure | {BATCH} per transaction | one at a time |\n|---|---|---|\n"
        f"| sales per second (whole run) | {f['rate']:.0f} | {one['rate']:.0f} |\n"
        f"| CPU time per sale | {f['cpu_ms']:.2f} ms | {one['cpu_ms']:.1f} ms |\n"
        f"| SQL statements per sale | {f['first_statements']:.2f} | "
        f"{one['first_statements']:.1f} |\n\n"
        f"| {BATCH} per transaction | first {window:,} sales | last {window:,} sales |\n"
        "|---|---|---|\n"
        f"| sales per second | {f['first_rate']:.0f} | {f['last_rate']:.0f} |\n"
        f"| CPU time per sale | {f['first_cpu_ms']:.2f} ms | {f['last_cpu_ms']:.2f} ms |\n"
        f"| SQL statements per sale | {f['first_statements']:.2f} | "
        f"{f['last_statements']:.2f} |\n\n"
        f"Aim: at least 500 fully processed sales per second — "
        f"{'met' if f['rate'] >= 500 else 'NOT met'} ({f['rate']:.0f}/s). A batch reads "
        "the records its sales name once, the stock figures once per product and location, "
        "and writes sales, lines, movements, shipments, invoices and payments with one INSERT "
        "each, so its statement count does not depend on how many sales it holds, nor on the "
        "database's size (figures are read from checkpoints plus recent movements). "
        "Statements include SQLite's BEGIN IMMEDIATE. Wall-clock rates depend on what else "
        "the host runs; CPU time (both threads: ours and aiosqlite's) is the steadier figure.\n"
    )
