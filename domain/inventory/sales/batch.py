"""Many new sale tasks at once, each taken as far as asked: the volume path of IN-5.

`create_sales` does for a list of sales what `create_sale`, `fulfil_sale`, `invoice_sale` and
`record_payment` do for one, with the same rules, written once and called by both paths:
`prepare_sale` (lines, prices, stock needs), `stages_of` and `stage_statuses` (the stages of a
fulfilment mode), `find_shortages` (the pick rule), `stock_movement` (each stage's movements),
`check_shipment`, `invoice_amounts`, `payment_due` and `check_payment`. It needs a fixed
number of statements for the whole list: the records the sales refer to are read in one query
per kind, the stock figures once per (product, location), and sales, lines, stock movements,
shipments, invoices and payments are each written by one bulk INSERT (`batch_write`). A sale
the rules refuse gets its error in its result and is not written; the others are. Picks are
decided in list order, so an earlier sale in the list takes short stock first, as if the
sales had been made one after the other.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.errors import DomainError, InvalidState
from skuport.domain.inventory.products.models import Product
from skuport.domain.inventory.reference.models import (
    Account,
    AccountKind,
    Customer,
    PriceTier,
    TaxRule,
)
from skuport.domain.inventory.reference.service import load_account
from skuport.domain.inventory.sales.batch_requests import (
    PaymentRequest,
    SalePlan,
    SaleRequest,
    SaleResult,
)
from skuport.domain.inventory.sales.batch_write import write_plans
from skuport.domain.inventory.sales.bulk_insert import column_values, insert_rows, reserve_ids
from skuport.domain.inventory.sales.fulfilment import find_shortages
from skuport.domain.inventory.sales.invoicing import (
    check_payment,
    invoice_amounts,
    new_invoice_status,
    payment_due,
)
from skuport.domain.inventory.sales.lines import ProductLine
from skuport.domain.inventory.sales.service import prepare_sale
from skuport.domain.inventory.sales.stages import Stage, check_shipment, stages_of
from skuport.domain.inventory.stock.ledger import figures_for, lock_products
from skuport.domain.inventory.stock.models import Location
from skuport.domain.inventory.values import optional_text
from skuport.domain.unit_of_work import now_of

__all__ = [
    "PaymentRequest",
    "SaleRequest",
    "SaleResult",
    "column_values",
    "create_sales",
    "insert_rows",
    "preload",
    "reserve_ids",
]


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


async def create_sales(session: AsyncSession, requests: Sequence[SaleRequest]) -> list[SaleResult]:
    """Create the requested sales and take each as far as asked; one result per request."""
    results = [SaleResult() for _ in requests]
    held = await preload(session, requests)
    products = {p.id: p for p in held if isinstance(p, Product)}
    rules = {r.id: r for r in held if isinstance(r, TaxRule)}
    plans: list[SalePlan] = []
    for index, request in enumerate(requests):
        try:
            plans.append(await _plan(session, index, request, results[index], products, rules))
        except DomainError as error:
            results[index].error = error
    if not plans:
        return results
    picking = [p for p in plans if stages_of(p.request.fulfilment)]
    pairs = {
        (product_id, plan.request.location_id)
        for plan in picking
        for _, product_id, _ in plan.prepared.needs
    }
    await lock_products(session, [product_id for product_id, _ in pairs])
    figures = await figures_for(session, pairs)
    pickable = {pair: figure.unpicked_on_hand for pair, figure in figures.items()}
    for plan in picking:
        _pick(plan, pickable)
    await write_plans(session, plans, now=now_of(session))
    return results


async def _plan(
    session: AsyncSession,
    index: int,
    request: SaleRequest,
    result: SaleResult,
    products: dict[int, Product],
    rules: dict[int, TaxRule],
) -> SalePlan:
    carrier, tracking = request.carrier, request.tracking_number
    if Stage.SHIP in stages_of(request.fulfilment):
        carrier, tracking = check_shipment(carrier, tracking)
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
    plan = SalePlan(index, request, prepared, result, carrier=carrier, tracking_number=tracking)
    if request.payment is not None:
        await _plan_payment(session, plan, request.payment)
    return plan


async def _plan_payment(session: AsyncSession, plan: SalePlan, payment: PaymentRequest) -> None:
    """`record_payment`'s checks against the invoice the batch will write."""
    if plan.request.invoice_status is None:
        raise InvalidState("payment", "a payment needs the sale's invoice")
    await load_account(
        session, payment.account_id, kind=AccountKind.BANK, field="payment.account_id"
    )
    total = invoice_amounts(plan.prepared.lines)["total"]
    due = payment_due(total, amount=payment.amount, up_to=payment.up_to)
    if due is not None:
        plan.payment_amount = check_payment(due, balance=total, invoice_number="the new invoice")
    plan.payment_reference = optional_text(payment.reference, field="payment.reference")


def _pick(plan: SalePlan, pickable: dict[tuple[int, int], Decimal]) -> None:
    """IN-5's pick rule in memory: all of the sale is picked, or it stays DRAFT."""
    location_id = plan.request.location_id
    needed: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for _, product_id, quantity in plan.prepared.needs:
        needed[(product_id, location_id)] += quantity
    shortages = find_shortages(needed, pickable)
    if shortages:
        plan.result.shortages = shortages
        return
    for pair, quantity in needed.items():
        pickable[pair] -= quantity
    plan.result.picked = True
    plan.result.shipped = Stage.SHIP in stages_of(plan.request.fulfilment)
