"""Many new sale tasks at once, each taken as far as asked: the volume path of IN-5.

`process_sales` does for a list of sales what `create_sale`, `fulfil_sale`, `invoice_sale` and
`record_payment` do for one, with the same rules (`prepare_sale`, `find_shortages`,
`invoice_amounts`, `check_payment`), but in a fixed number of statements for the whole list:
the records the sales refer to are read in one query per kind, the stock figures once per
(product, location), and sales, lines, stock movements, shipments, invoices and payments are
each written by one bulk INSERT. A sale the rules refuse gets its error in its result and is
not written; the others are. Picks are decided in list order, so an earlier sale in the list
takes short stock first, as if the sales had been made one after the other.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase

from skuport.domain.inventory.errors import InvalidState, InventoryError
from skuport.domain.inventory.products.models import Product
from skuport.domain.inventory.purchasing.service import order_drop_ship_lines
from skuport.domain.inventory.records import remember_locked_id
from skuport.domain.inventory.reference.models import (
    Account,
    AccountKind,
    Customer,
    PriceTier,
    TaxRule,
)
from skuport.domain.inventory.reference.service import Address, load_account
from skuport.domain.inventory.sales.fulfilment import FulfilmentMode, Shortage, find_shortages
from skuport.domain.inventory.sales.invoicing import (
    check_payment,
    invoice_amounts,
    new_invoice_status,
)
from skuport.domain.inventory.sales.lines import ProductLine, SaleLineInput
from skuport.domain.inventory.sales.models import (
    Invoice,
    InvoiceStatus,
    Payment,
    Sale,
    SaleLine,
    Shipment,
    StageStatus,
)
from skuport.domain.inventory.sales.service import PreparedSale, prepare_sale
from skuport.domain.inventory.stock.ledger import figures_for, lock_products, record_movements
from skuport.domain.inventory.stock.models import Location, MovementKind
from skuport.domain.inventory.values import optional_text, required_text
from skuport.domain.unit_of_work import now_of


@dataclass(frozen=True)
class PaymentRequest:
    """Money received for the sale's invoice; `amount` None pays the invoice in full.

    `up_to` pays what was received but never more than the invoice: min(up_to, total), and
    no payment at all when that is not positive (as PA-1 applies Amazon's order total)."""

    account_id: int
    amount: Decimal | None = None
    up_to: Decimal | None = None
    paid_at: datetime | None = None
    reference: str = ""


@dataclass(frozen=True)
class SaleRequest:
    """One sale to create, with how far to take it (arguments as in `create_sale`)."""

    customer_id: int
    location_id: int
    lines: Sequence[SaleLineInput]
    price_tier_id: int | None = None
    currency: str | None = None
    sales_rep: str = ""
    revenue_account_id: int | None = None
    reference: str = ""
    ordered_at: datetime | None = None
    billing_name: str = ""
    shipping_address: Address | None = None
    fulfilment: FulfilmentMode = FulfilmentMode.NONE
    carrier: str = ""
    tracking_number: str = ""
    invoice_status: InvoiceStatus | None = None
    invoice_date: datetime | None = None
    payment: PaymentRequest | None = None


@dataclass
class SaleResult:
    """What became of one request: its sale, or the error that refused it."""

    sale_id: int | None = None
    invoice_id: int | None = None
    payment_id: int | None = None
    picked: bool = False
    shipped: bool = False
    shortages: list[Shortage] = field(default_factory=list)
    error: InventoryError | None = None

    @property
    def number(self) -> str:
        return f"SO-{self.sale_id:06d}" if self.sale_id is not None else ""


@dataclass
class _Plan:
    index: int
    request: SaleRequest
    prepared: PreparedSale
    result: SaleResult
    carrier: str = ""
    tracking_number: str = ""
    stages: dict[str, StageStatus] = field(
        default_factory=lambda: dict.fromkeys(
            ("pick_status", "pack_status", "ship_status"), StageStatus.NOT_STARTED
        )
    )
    payment_amount: Decimal | None = None
    payment_reference: str = ""


async def preload(session: AsyncSession, requests: Sequence[SaleRequest]) -> list[Any]:
    """Read every record the requests name, one query per kind, into the session.

    The session's identity map holds records weakly: keep the returned list while the
    records are used, and `session.get` finds them without a query."""
    customers = {r.customer_id for r in requests}
    found = list(await session.scalars(select(Customer).where(Customer.id.in_(customers))))
    tiers = {r.price_tier_id for r in requests} | {c.price_tier_id for c in found}
    accounts = {r.revenue_account_id for r in requests} | {
        r.payment.account_id for r in requests if r.payment
    }
    held: list[Any] = [*found]
    held += await _read(session, Location, {r.location_id for r in requests})
    held += await _read(session, PriceTier, tiers)
    held += await _read(session, Account, accounts)
    product_ids = {
        line.product_id
        for r in requests
        for line in r.lines
        if isinstance(line, ProductLine) and isinstance(line.product_id, int)
    }
    products = {
        p.id: p for p in await session.scalars(select(Product).where(Product.id.in_(product_ids)))
    }
    rules = {line.tax_rule_id for r in requests for line in r.lines}
    rules |= {p.default_tax_rule_id for p in products.values()}
    rules |= {c.tax_rule_id for c in found}
    held += await _read(session, TaxRule, rules)
    return [*held, *products.values()]


async def _read(session: AsyncSession, model: type[Any], ids: set[Any]) -> list[Any]:
    wanted = {i for i in ids if isinstance(i, int)}
    if not wanted:
        return []
    return list(await session.scalars(select(model).where(model.id.in_(wanted))))


async def process_sales(session: AsyncSession, requests: Sequence[SaleRequest]) -> list[SaleResult]:
    """Create the requested sales and take each as far as asked; one result per request."""
    results = [SaleResult() for _ in requests]
    held = await preload(session, requests)
    products = {p.id: p for p in held if isinstance(p, Product)}
    rules = {r.id: r for r in held if isinstance(r, TaxRule)}
    plans: list[_Plan] = []
    for index, request in enumerate(requests):
        try:
            plans.append(await _plan(session, index, request, results[index], products, rules))
        except InventoryError as error:
            results[index].error = error
    if not plans:
        return results
    picking = [p for p in plans if p.request.fulfilment is not FulfilmentMode.NONE]
    pairs = {
        (product_id, plan.request.location_id)
        for plan in picking
        for _, product_id, _ in plan.prepared.needs
    }
    await lock_products(session, [product_id for product_id, _ in pairs])
    figures = await figures_for(session, pairs)
    pickable = {pair: figure.unpicked_on_hand for pair, figure in figures.items()}
    for plan in picking:
        _fulfil(plan, pickable)
    await _write(session, plans)
    return results


async def _plan(
    session: AsyncSession,
    index: int,
    request: SaleRequest,
    result: SaleResult,
    products: dict[int, Product],
    rules: dict[int, TaxRule],
) -> _Plan:
    mode = FulfilmentMode(request.fulfilment)
    carrier = request.carrier
    if mode is FulfilmentMode.PICK_PACK_SHIP:
        carrier = required_text(carrier, field="carrier", max_length=100)
    tracking = optional_text(request.tracking_number, field="tracking_number", max_length=100)
    if request.invoice_status is not None:
        new_invoice_status(request.invoice_status)
    prepared = await prepare_sale(
        session,
        customer_id=request.customer_id,
        location_id=request.location_id,
        lines=request.lines,
        price_tier_id=request.price_tier_id,
        currency=request.currency,
        sales_rep=request.sales_rep,
        revenue_account_id=request.revenue_account_id,
        reference=request.reference,
        ordered_at=request.ordered_at,
        billing_name=request.billing_name,
        shipping_address=request.shipping_address,
        products=products,
        rules=rules,
    )
    plan = _Plan(index, request, prepared, result, carrier=carrier, tracking_number=tracking)
    payment = request.payment
    if payment is not None:
        if request.invoice_status is None:
            raise InvalidState("payment", "a payment needs the sale's invoice")
        await load_account(
            session, payment.account_id, kind=AccountKind.BANK, field="payment.account_id"
        )
        total = invoice_amounts(prepared.lines)["total"]
        amount = total if payment.amount is None else payment.amount
        if payment.up_to is not None:
            amount = min(payment.up_to, total).quantize(Decimal("0.01"))
        if amount > 0 or payment.up_to is None:
            plan.payment_amount = check_payment(
                amount, balance=total, invoice_number="the new invoice"
            )
        plan.payment_reference = optional_text(payment.reference, field="payment.reference")
    return plan


def _fulfil(plan: _Plan, pickable: dict[tuple[int, int], Decimal]) -> None:
    """IN-5's pick rule in memory: all of the sale is picked, or it stays DRAFT."""
    stages, location_id = plan.stages, plan.request.location_id
    needed: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for _, product_id, quantity in plan.prepared.needs:
        needed[(product_id, location_id)] += quantity
    shortages = find_shortages(needed, pickable)
    if shortages:
        stages["pick_status"] = StageStatus.DRAFT
        plan.result.shortages = shortages
        return
    for pair, quantity in needed.items():
        pickable[pair] -= quantity
    stages["pick_status"] = StageStatus.AUTHORISED
    plan.result.picked = True
    mode = plan.request.fulfilment
    if mode in (FulfilmentMode.PICK_PACK, FulfilmentMode.PICK_PACK_SHIP):
        stages["pack_status"] = StageStatus.AUTHORISED
    if mode is FulfilmentMode.PICK_PACK_SHIP:
        stages["ship_status"] = StageStatus.AUTHORISED
        plan.result.shipped = True


def column_values(record: DeclarativeBase, **values: Any) -> dict[str, Any]:
    """A transient record's column values for a bulk INSERT: scalar defaults filled in, no
    primary key; `values` override."""
    row: dict[str, Any] = {}
    for column in record.__table__.columns:  # type: ignore[attr-defined]
        if column.primary_key:
            continue
        value = getattr(record, column.key, None)
        if value is None and column.default is not None and column.default.is_scalar:
            value = column.default.arg
        row[column.key] = value
    row.update(values)
    return row


async def reserve_ids(session: AsyncSession, model: type[Any], count: int) -> list[int]:
    """`count` new primary keys for `model`, for an INSERT that then needs no RETURNING.

    PostgreSQL draws them from the column's sequence in one statement. On SQLite this
    transaction holds the database's write lock from its first statement (BEGIN IMMEDIATE),
    so the ids after the largest one are ours.
    """
    if count == 0:
        return []
    table = model.__table__
    if session.get_bind().dialect.name == "postgresql":
        sequence = func.pg_get_serial_sequence(table.name, "id")
        rows = await session.scalars(
            select(func.nextval(sequence)).select_from(func.generate_series(1, count))
        )
        return sorted(rows)
    largest = await session.scalar(select(func.coalesce(func.max(table.c.id), 0)))
    return list(range(largest + 1, largest + 1 + count))


async def insert_rows(
    session: AsyncSession, model: type[Any], rows: list[dict[str, Any]]
) -> list[int]:
    """Insert the rows in one executemany statement; their new ids, in the rows' order."""
    if not rows:
        return []
    ids = await reserve_ids(session, model, len(rows))
    for row, new_id in zip(rows, ids, strict=True):
        row["id"] = new_id
    await session.execute(model.__table__.insert(), rows)
    return ids


async def _write(session: AsyncSession, plans: list[_Plan]) -> None:
    now = now_of(session)
    sale_ids = await insert_rows(
        session,
        Sale,
        [{**p.prepared.values, **p.stages, "created_at": now} for p in plans],
    )
    line_rows = []
    for plan, sale_id in zip(plans, sale_ids, strict=True):
        plan.result.sale_id = sale_id
        remember_locked_id(session, Sale, sale_id)
        line_rows += [line.columns(sale_id=sale_id) for line in plan.prepared.lines]
    line_ids = iter(await insert_rows(session, SaleLine, line_rows))
    for plan in plans:
        for line in plan.prepared.lines:
            line.id = next(line_ids)
    movements: list[dict[str, Any]] = []
    shipments: list[dict[str, Any]] = []
    for plan in plans:
        sale_id, location_id = plan.result.sale_id, plan.request.location_id
        for line, product_id, quantity in plan.prepared.needs:
            base = {
                "product_id": product_id,
                "location_id": location_id,
                "sale_id": sale_id,
                "sale_line_id": line.id,
            }
            movements.append({**base, "kind": MovementKind.ALLOCATION, "allocated": quantity})
            if plan.result.picked:
                movements.append({**base, "kind": MovementKind.PICK, "picked": quantity})
            if plan.result.shipped:
                gone = -quantity
                movements.append(
                    {
                        **base,
                        "kind": MovementKind.SHIPMENT,
                        "on_hand": gone,
                        "allocated": gone,
                        "picked": gone,
                    }
                )
        if plan.result.shipped:
            shipments.append(
                {
                    "sale_id": sale_id,
                    "carrier": plan.carrier,
                    "tracking_number": plan.tracking_number,
                    "shipped_at": now,
                    "created_at": now,
                }
            )
    await record_movements(session, kind=MovementKind.ALLOCATION, movements=movements)
    await insert_rows(session, Shipment, shipments)
    invoiced = [p for p in plans if p.request.invoice_status is not None]
    invoice_ids = await insert_rows(
        session,
        Invoice,
        [
            {
                "sale_id": p.result.sale_id,
                "status": InvoiceStatus(p.request.invoice_status),  # type: ignore[arg-type]
                "invoice_date": p.request.invoice_date or now,
                "currency": p.prepared.values["currency"],
                "created_at": now,
                **invoice_amounts(p.prepared.lines),
            }
            for p in invoiced
        ],
    )
    for plan, invoice_id in zip(invoiced, invoice_ids, strict=True):
        plan.result.invoice_id = invoice_id
        remember_locked_id(session, Invoice, invoice_id)
    paying = [p for p in invoiced if p.payment_amount is not None]
    payment_ids = await insert_rows(
        session,
        Payment,
        [
            {
                "invoice_id": p.result.invoice_id,
                "account_id": p.request.payment.account_id,  # type: ignore[union-attr]
                "amount": p.payment_amount,
                "paid_at": p.request.payment.paid_at or now,  # type: ignore[union-attr]
                "reference": p.payment_reference,
                "refund_of_id": None,
                "created_at": now,
            }
            for p in paying
        ],
    )
    for plan, payment_id in zip(paying, payment_ids, strict=True):
        plan.result.payment_id = payment_id
    for plan in plans:
        if plan.prepared.drop_ship:
            sale = await session.get(Sale, plan.result.sale_id)
            await order_drop_ship_lines(session, sale=sale, lines=plan.prepared.drop_ship)  # type: ignore[arg-type]
    await session.flush()
