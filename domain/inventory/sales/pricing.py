"""Line amounts and tax, exact to the cent.

The rule, applied per line: the line amount is quantity * unit price * (1 - discount %),
rounded half-up to the cent. Tax is then, unless given (Amazon supplies tax amounts):
  - exclusive rule: tax = amount * rate / 100, half-up to the cent; net = amount;
    total = net + tax;
  - inclusive rule: tax = amount * rate / (100 + rate), half-up to the cent;
    total = amount; net = total - tax;
  - tax-free rule (or rate 0): tax = 0.
Invoice totals are plain sums of line nets, taxes and totals, so they are exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from skuport.domain.inventory.reference.models import TaxRule
from skuport.domain.inventory.values import to_cents

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class LineAmounts:
    net: Decimal
    tax: Decimal
    total: Decimal


def line_amount(quantity: Decimal, unit_price: Decimal, discount_percent: Decimal) -> Decimal:
    """Quantity * unit price less the discount, half-up to the cent."""
    return to_cents(quantity * unit_price * (HUNDRED - discount_percent) / HUNDRED)


def computed_tax(amount: Decimal, rule: TaxRule) -> Decimal:
    """The tax contained in (inclusive) or added to (exclusive) `amount` under `rule`."""
    if rule.tax_free or rule.rate == 0:
        return Decimal("0.00")
    if rule.inclusive:
        return to_cents(amount * rule.rate / (HUNDRED + rule.rate))
    return to_cents(amount * rule.rate / HUNDRED)


def price_line(
    *,
    quantity: Decimal,
    unit_price: Decimal,
    discount_percent: Decimal,
    rule: TaxRule,
    given_tax: Decimal | None = None,
) -> LineAmounts:
    """Net, tax and total of a line under `rule`; a given tax amount replaces the computed one."""
    amount = line_amount(quantity, unit_price, discount_percent)
    tax = computed_tax(amount, rule) if given_tax is None else given_tax
    if rule.inclusive:
        return LineAmounts(net=amount - tax, tax=tax, total=amount)
    return LineAmounts(net=amount, tax=tax, total=amount + tax)
