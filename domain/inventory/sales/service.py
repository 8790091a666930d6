"""Create sale tasks (IN-5, IN-6): check every line, price it, allocate stock on order.

Allocation rule (see docs/inventory.md): an order always allocates, even into negative
availability (a backorder, as DEAR does); the pick is the gate that needs real stock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.errors import InvalidValue
from skuport.domain.inventory.products.models import Product, ProductType
from skuport.domain.inventory.purchasing.service import order_drop_ship_lines
from skuport.domain.inventory.records import (
    load,
    load_usable,
    load_usable_optional,
    remember_locked,
)
from skuport.domain.inventory.reference.models import AccountKind, Customer, PriceTier, TaxRule
from skuport.domain.inventory.reference.service import Address, load_account
from skuport.domain.inventory.sales.drafts import LineContext, LineDraft, build_line, load_products
from skuport.domain.inventory.sales.lines import SaleLineInput
from skuport.domain.inventory.sales.models import Sale, SaleLine, SaleStatus
from skuport.domain.inventory.sales.stages import stock_movement
from skuport.domain.inventory.stock.ledger import record_movements
from skuport.domain.inventory.stock.models import Location, MovementKind
from skuport.domain.inventory.values import decimal_value, optional_text
from skuport.domain.unit_of_work import now_of


def stock_needs(line: SaleLine | LineDraft, product: Product) -> list[tuple[int, Decimal]]:
    """The stock products and quantities one line takes: itself, or a kit's components."""
    if line.drop_ship or product.type == ProductType.SERVICE:
        return []
    if product.type == ProductType.KIT:
        return [(c.component_id, c.quantity * line.quantity) for c in product.components]
    return [(product.id, line.quantity)]


@dataclass
class PreparedSale:
    """A checked, priced sale not yet written: its columns, its lines, the stock they take."""

    values: dict[str, Any]
    lines: list[LineDraft]
    needs: list[tuple[LineDraft, int, Decimal]]
    drop_ship: list[tuple[LineDraft, Product]]


async def _sale_header(
    session: AsyncSession,
    *,
    customer_id: int,
    location_id: int,
    price_tier_id: int | None,
    currency: str | None,
    revenue_account_id: int | None,
) -> tuple[Customer, PriceTier | None, str]:
    """The sale's customer, price tier and currency, each checked."""
    # A new sale: archived customers, locations and price tiers are offered nowhere new.
    customer = await load_usable(session, Customer, customer_id, field="customer_id")
    await load_usable(session, Location, location_id, field="location_id")
    tier = await load_usable_optional(
        session, PriceTier, price_tier_id or customer.price_tier_id, field="price_tier_id"
    )
    await load_account(
        session, revenue_account_id, kind=AccountKind.REVENUE, field="revenue_account_id"
    )
    currency = (currency or (tier.currency if tier else "")).strip().upper()
    if len(currency) != 3:
        raise InvalidValue("currency", "give a currency or a price tier that has one")
    if tier is not None and tier.currency != currency:
        raise InvalidValue("currency", f"price tier {tier.name} is in {tier.currency}")
    return customer, tier, currency


def _line_needs(
    lines: list[LineDraft], products: dict[int, Product]
) -> list[tuple[LineDraft, int, Decimal]]:
    """The stock each line takes, as (line, stock product, quantity)."""
    needs = [
        (line, product_id, quantity)
        for line in lines
        if line.product_id is not None
        for product_id, quantity in stock_needs(line, products[line.product_id])
    ]
    for line, _, quantity in needs:
        # A kit's component quantity times the line's may need more places than are stored.
        decimal_value(quantity, field=f"lines[{line.position}].quantity")
    return needs


async def prepare_sale(
    session: AsyncSession,
    *,
    customer_id: int,
    location_id: int,
    lines: Sequence[SaleLineInput],
    price_tier_id: int | None = None,
    currency: str | None = None,
    sales_rep: str = "",
    revenue_account_id: int | None = None,
    reference: str = "",
    ordered_at: datetime | None = None,
    billing_name: str = "",
    shipping_address: Address | None = None,
    products: dict[int, Product] | None = None,
    rules: dict[int, TaxRule] | None = None,
) -> PreparedSale:
    """Check and price a sale without writing it: every rule of `create_sale` is here.

    `products` and `rules` are caches shared by the sales of one batch; records the session
    already holds (see `batch.preload`) are read from its identity map without a query.
    """
    customer, tier, currency = await _sale_header(
        session,
        customer_id=customer_id,
        location_id=location_id,
        price_tier_id=price_tier_id,
        currency=currency,
        revenue_account_id=revenue_account_id,
    )
    if not lines:
        raise InvalidValue("lines", "a sale needs at least one line")
    ctx = LineContext(
        customer,
        tier,
        revenue_account_id,
        rules if rules is not None else {},
        products if products is not None else {},
    )
    await load_products(session, ctx, lines)
    sale_lines = [await build_line(session, ctx, line, i) for i, line in enumerate(lines)]
    needs = _line_needs(sale_lines, ctx.products)
    values = dict(
        customer_id=customer.id,
        location_id=location_id,
        price_tier_id=tier.id if tier else None,
        currency=currency,
        sales_rep=optional_text(sales_rep, field="sales_rep"),
        revenue_account_id=revenue_account_id,
        reference=optional_text(reference, field="reference"),
        ordered_at=ordered_at or now_of(session),
        billing_name=optional_text(billing_name, field="billing_name") or customer.name,
        shipping_address=(
            shipping_address.as_dict() if shipping_address else dict(customer.shipping_address)
        ),
        status=SaleStatus.ORDERED,
    )
    drop_ship = [(line, ctx.products[line.product_id]) for line in sale_lines if line.drop_ship]
    return PreparedSale(values, sale_lines, needs, drop_ship)  # type: ignore[arg-type]


async def create_sale(
    session: AsyncSession,
    *,
    customer_id: int,
    location_id: int,
    lines: Sequence[SaleLineInput],
    price_tier_id: int | None = None,
    currency: str | None = None,
    sales_rep: str = "",
    revenue_account_id: int | None = None,
    reference: str = "",
    ordered_at: datetime | None = None,
    billing_name: str = "",
    shipping_address: Address | None = None,
) -> Sale:
    """Create a sale task: price its lines, allocate stock, order drop-ship lines."""
    prepared = await prepare_sale(
        session,
        customer_id=customer_id,
        location_id=location_id,
        lines=lines,
        price_tier_id=price_tier_id,
        currency=currency,
        sales_rep=sales_rep,
        revenue_account_id=revenue_account_id,
        reference=reference,
        ordered_at=ordered_at,
        billing_name=billing_name,
        shipping_address=shipping_address,
    )
    written = [SaleLine(**line.columns()) for line in prepared.lines]
    sale = Sale(**prepared.values, lines=written, shipments=[])
    session.add(sale)
    await session.flush()
    for draft, line in zip(prepared.lines, written, strict=True):
        draft.id = line.id
    remember_locked(session, sale)  # a sale this transaction created is its own
    # Allocation never refuses (backorders are allowed), so it needs no stock lock.
    await record_movements(
        session,
        kind=MovementKind.ALLOCATION,
        movements=[
            stock_movement(
                MovementKind.ALLOCATION,
                quantity,
                product_id=product_id,
                location_id=location_id,
                sale_id=sale.id,
                sale_line_id=line.id,
            )
            for line, product_id, quantity in prepared.needs
        ],
    )
    await order_drop_ship_lines(session, sale=sale, lines=prepared.drop_ship)  # type: ignore[arg-type]
    await session.flush()
    return sale


async def get_sale(session: AsyncSession, *, sale_id: int, lock: bool = False) -> Sale:
    """The sale with its lines and shipments, or NotFound."""
    return await load(session, Sale, sale_id, field="sale_id", lock=lock)


def select_sales(
    *,
    customer_id: int | None = None,
    status: SaleStatus | None = None,
    reference: str | None = None,
) -> Select[tuple[Sale]]:
    """A query of sales, newest first, for paging by the caller."""
    statement = select(Sale).order_by(Sale.id.desc())
    if customer_id is not None:
        statement = statement.where(Sale.customer_id == customer_id)
    if status is not None:
        statement = statement.where(Sale.status == SaleStatus(status))
    if reference is not None:
        statement = statement.where(Sale.reference == reference)
    return statement
