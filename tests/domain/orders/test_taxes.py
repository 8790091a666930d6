"""OR-6's choice of tax rule, and OR-4's order-level charges, on plain orders."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace

from skuport.domain.amazon.orders import (
    Breakdown,
    DeliveryAddress,
    FulfillmentStatus,
    Order,
    OrderItem,
)
from skuport.domain.amazon.parsing import AmountWithCurrency
from skuport.domain.orders.matching import Match
from skuport.domain.orders.models import OrderChargeKind
from skuport.domain.orders.pending import _charges, _eu_rule, _line
from skuport.domain.stores.models import Region

LINE, CHARGE, FREE, DE, PRODUCT = 1, 2, 3, 4, 5


def store(region: Region = Region.EU):
    settings = SimpleNamespace(
        line_tax_rule_id=LINE,
        charge_tax_rule_id=CHARGE,
        tax_free_rule_id=FREE,
        country_tax_rules=[SimpleNamespace(country_code="DE", tax_rule_id=DE)],
    )
    return SimpleNamespace(region=region, settings=settings)


def usd(value: str) -> AmountWithCurrency:
    return AmountWithCurrency(Decimal(value), "EUR")


def order(country: str, *, taxed: bool = False) -> Order:
    parts = [Breakdown("ITEM", usd("20.00"), {}), Breakdown("SHIPPING", usd("4.99"), {})]
    if taxed:
        parts.append(Breakdown("TAX", usd("2.06"), {"ITEM": usd("1.65"), "SHIPPING": usd("0.41")}))
    parts.append(Breakdown("DISCOUNT", usd("-2.00"), {"ITEM": usd("-2.00")}))
    item = OrderItem("1", "B1", "SKU", "Lamp", 2, 0, usd("10.00"), "NEW", None, tuple(parts), ())
    address = DeliveryAddress(None, None, (), None, None, None, country, None, None)
    moment = datetime(2026, 7, 1, tzinfo=UTC)
    return Order("O-1", None, moment, moment, "A1PA6795UKMFR9", "AMAZON",
                 FulfillmentStatus.UNSHIPPED, "MERCHANT", None, (), None, None, None, None,
                 None, address, (item,))  # fmt: skip


def test_eu_destinations_use_the_products_rule_first():
    assert _eu_rule(store(), order("DE"), PRODUCT) == PRODUCT
    assert _eu_rule(store(), order("DE"), None) == DE


def test_outside_the_eu_the_country_rule_or_the_tax_free_rule_applies():
    assert _eu_rule(store(), order("CH"), PRODUCT) == FREE


def test_eu_lines_leave_the_tax_to_our_rule():
    line = _line(store(), order("DE"), order("DE").items[0], Match(7, PRODUCT))
    assert (line.tax_rule_id, line.tax_amount, line.unit_price) == (PRODUCT, 0, Decimal(10))


def test_na_lines_keep_amazons_tax_under_the_mapped_rules():
    taxed = order("US", taxed=True)
    line = _line(store(Region.NA), taxed, taxed.items[0], Match(None))
    assert (line.tax_rule_id, line.tax_amount) == (LINE, Decimal("1.65"))
    untaxed = order("US")
    assert _line(store(Region.NA), untaxed, untaxed.items[0], Match(None)).tax_rule_id == FREE


def test_charges_are_order_level_with_their_own_tax_rules():
    charges = {c.kind: c for c in _charges(store(Region.NA), order("US", taxed=True))}
    shipping = charges[OrderChargeKind.SHIPPING]
    assert (shipping.amount, shipping.tax_amount, shipping.tax_rule_id) == (
        Decimal("4.99"), Decimal("0.41"), CHARGE,
    )  # fmt: skip
    discount = charges[OrderChargeKind.PROMOTION_DISCOUNT]
    assert (discount.amount, discount.tax_rule_id) == (Decimal("-2.00"), FREE)


def test_or6_eu_charges_take_the_destinations_rule_never_the_charge_rule():
    # shipped to Germany: the German rule; to Switzerland (no rule): the tax-free rule
    assert {c.tax_rule_id for c in _charges(store(), order("DE"))} == {DE}
    assert {c.tax_rule_id for c in _charges(store(), order("CH"))} == {FREE}
    # without a tax-free rule, a destination without a rule falls back like a line: the line rule
    bare = store()
    bare.settings.tax_free_rule_id = None
    assert {c.tax_rule_id for c in _charges(bare, order("CH"))} == {LINE}
