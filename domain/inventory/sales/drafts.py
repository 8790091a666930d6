"""Sale lines as requested, checked and priced (IN-5, IN-6): the drafts a sale is written from.

A product line takes the product's price in the sale's price tier unless given one; every line
gets a tax rule (its own, the product's, or the customer's default) and its amounts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.errors import InvalidValue
from skuport.domain.inventory.products.models import Product
from skuport.domain.inventory.records import load, refuse_archived
from skuport.domain.inventory.reference.models import Customer, PriceTier, TaxRule
from skuport.domain.inventory.sales.lines import ChargeLine, ProductLine, SaleLineInput, ServiceLine
from skuport.domain.inventory.sales.models import ChargeKind, LineKind
from skuport.domain.inventory.sales.pricing import price_line
from skuport.domain.inventory.values import decimal_value, optional_text, required_text


@dataclass
class LineDraft:
    """A checked, priced sale line not yet written: the columns of a `SaleLine`."""

    kind: LineKind
    description: str
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    revenue_account_id: int | None
    drop_ship: bool
    product_id: int | None = None
    sku: str = ""
    charge_kind: ChargeKind | None = None
    position: int = 0
    tax_rule_id: int = 0
    tax_given: bool = False
    net: Decimal = Decimal(0)
    tax: Decimal = Decimal(0)
    total: Decimal = Decimal(0)
    id: int | None = None  # once written

    def columns(self, **values: Any) -> dict[str, Any]:
        """The line's column values (no id); `values` add to them (e.g. `sale_id`)."""
        row = {k: v for k, v in vars(self).items() if k != "id"}
        return {**row, **values}


@dataclass
class LineContext:
    """What pricing a sale's lines takes: its customer and price tier, the revenue account
    given, and the tax rules and products read so far (shared by the sales of a batch)."""

    customer: Customer
    tier: PriceTier | None
    revenue_account_id: int | None
    rules: dict[int, TaxRule]
    products: dict[int, Product]


async def _rule(
    session: AsyncSession, ctx: LineContext, rule_id: int | None, field: str
) -> TaxRule:
    if rule_id is None:
        raise InvalidValue(field, "no tax rule given, and no default applies")
    if rule_id not in ctx.rules:
        ctx.rules[rule_id] = await load(session, TaxRule, rule_id, field=field)
    # Lines are only ever priced for new sales: an archived rule is offered nowhere new.
    return refuse_archived(ctx.rules[rule_id], field=field)


async def _product(session: AsyncSession, ctx: LineContext, product_id: int, field: str) -> Product:
    if product_id not in ctx.products:
        ctx.products[product_id] = await load(session, Product, product_id, field=field)
    return refuse_archived(ctx.products[product_id], field=field)


def _given_tax(value: Decimal | None, *, field: str, negative: bool) -> Decimal | None:
    if value is None:
        return None
    tax = decimal_value(value, field=field, places=2)
    if (tax > 0 and negative) or (tax < 0 and not negative):
        raise InvalidValue(field, "a tax amount has the sign of its line's amount")
    return tax


async def _product_line(
    session: AsyncSession, ctx: LineContext, line: ProductLine, field: str
) -> tuple[LineDraft, int | None]:
    product = await _product(session, ctx, line.product_id, f"{field}.product_id")
    unit_price = line.unit_price
    if unit_price is None:
        unit_price = product.price_in(ctx.tier.id) if ctx.tier is not None else None
        if unit_price is None:
            raise InvalidValue(
                f"{field}.unit_price",
                f"{product.sku} has no price in the sale's price tier; give a unit price",
            )
    description = optional_text(line.description, field=f"{field}.description", max_length=400)
    draft = LineDraft(
        kind=LineKind.PRODUCT,
        product_id=product.id,
        sku=product.sku,
        description=description or product.name,
        quantity=decimal_value(line.quantity, field=f"{field}.quantity", positive=True),
        unit_price=decimal_value(unit_price, field=f"{field}.unit_price", minimum=Decimal(0)),
        discount_percent=line.discount_percent,
        revenue_account_id=ctx.revenue_account_id or product.revenue_account_id,
        drop_ship=product.drop_ship,
    )
    return draft, line.tax_rule_id or product.default_tax_rule_id or ctx.customer.tax_rule_id


def _service_line(ctx: LineContext, line: ServiceLine, field: str) -> tuple[LineDraft, int | None]:
    draft = LineDraft(
        kind=LineKind.SERVICE,
        sku=optional_text(line.sku, field=f"{field}.sku", max_length=100),
        description=required_text(line.description, field=f"{field}.description", max_length=400),
        quantity=decimal_value(line.quantity, field=f"{field}.quantity", positive=True),
        unit_price=decimal_value(line.unit_price, field=f"{field}.unit_price", minimum=Decimal(0)),
        discount_percent=line.discount_percent,
        revenue_account_id=ctx.revenue_account_id,
        drop_ship=False,
    )
    return draft, line.tax_rule_id or ctx.customer.tax_rule_id


def _charge_line(ctx: LineContext, line: ChargeLine, field: str) -> tuple[LineDraft, int | None]:
    try:
        kind = ChargeKind(line.kind)
    except ValueError:
        raise InvalidValue(f"{field}.kind", f"unknown charge kind {line.kind!r}") from None
    amount = decimal_value(line.amount, field=f"{field}.amount")
    if kind.is_discount and amount > 0:
        raise InvalidValue(f"{field}.amount", "a discount is a negative amount")
    if not kind.is_discount and amount < 0:
        raise InvalidValue(f"{field}.amount", f"a {kind} charge cannot be negative")
    description = optional_text(line.description, field=f"{field}.description", max_length=400)
    draft = LineDraft(
        kind=LineKind.CHARGE,
        charge_kind=kind,
        description=description or kind.replace("_", " ").capitalize(),
        quantity=Decimal(1),
        unit_price=amount,
        discount_percent=Decimal(0),
        revenue_account_id=ctx.revenue_account_id,
        drop_ship=False,
    )
    return draft, line.tax_rule_id


async def build_line(
    session: AsyncSession, ctx: LineContext, line: SaleLineInput, index: int
) -> LineDraft:
    """Check one requested line and turn it into a priced sale line."""
    field = f"lines[{index}]"
    if isinstance(line, ProductLine):
        draft, rule_id = await _product_line(session, ctx, line, field)
    elif isinstance(line, ServiceLine):
        draft, rule_id = _service_line(ctx, line, field)
    elif isinstance(line, ChargeLine):
        draft, rule_id = _charge_line(ctx, line, field)
    else:
        raise InvalidValue(field, f"unknown kind of line {type(line).__name__}")
    discount = decimal_value(
        draft.discount_percent, field=f"{field}.discount_percent", minimum=Decimal(0)
    )
    if discount > 100:
        raise InvalidValue(f"{field}.discount_percent", "a discount is at most 100 %")
    rule = await _rule(session, ctx, rule_id, f"{field}.tax_rule_id")
    given = _given_tax(line.tax_amount, field=f"{field}.tax_amount", negative=draft.unit_price < 0)
    amounts = price_line(
        quantity=draft.quantity,
        unit_price=draft.unit_price,
        discount_percent=discount,
        rule=rule,
        given_tax=given,
    )
    draft.position = index
    draft.discount_percent = discount
    draft.tax_rule_id = rule.id
    draft.tax_given = given is not None
    draft.net, draft.tax, draft.total = amounts.net, amounts.tax, amounts.total
    draft.revenue_account_id = draft.revenue_account_id or ctx.customer.revenue_account_id
    return draft


async def load_products(
    session: AsyncSession, ctx: LineContext, lines: Sequence[SaleLineInput]
) -> None:
    """One query for every product of the order (their prices and kit parts come with it)."""
    product_ids = {
        line.product_id
        for line in lines
        if isinstance(line, ProductLine) and line.product_id not in ctx.products
    }
    if product_ids:
        found = await session.scalars(select(Product).where(Product.id.in_(product_ids)))
        ctx.products.update({product.id: product for product in found})
