"""What a caller asks to sell: product, service and additional-charge lines (IN-5).

The same inputs serve a sale typed by hand and an Amazon order (IN-6): unit prices, discounts
and tax amounts may all be given explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from skuport.domain.inventory.sales.models import ChargeKind


@dataclass(frozen=True)
class ProductLine:
    """Sell a product (stock, service or kit).

    `unit_price` None takes the product's price in the sale's price tier; `tax_rule_id` None
    takes the product's default rule, then the customer's; `tax_amount` replaces the computed
    tax (Amazon supplies it).
    """

    product_id: int
    quantity: Decimal
    unit_price: Decimal | None = None
    discount_percent: Decimal = Decimal(0)
    tax_rule_id: int | None = None
    tax_amount: Decimal | None = None
    description: str = ""


@dataclass(frozen=True)
class ServiceLine:
    """A line without a product (e.g. an Amazon SKU we no longer know): moves no stock."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    tax_rule_id: int | None = None
    tax_amount: Decimal | None = None
    discount_percent: Decimal = Decimal(0)
    sku: str = ""


@dataclass(frozen=True)
class ChargeLine:
    """An order-level additional charge (shipping, gift wrap) or discount (negative amount)."""

    kind: ChargeKind
    amount: Decimal
    tax_rule_id: int
    tax_amount: Decimal | None = None
    description: str = ""


SaleLineInput = ProductLine | ServiceLine | ChargeLine
