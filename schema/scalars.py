"""The Decimal scalar, stricter than Strawberry's: plain ASCII decimal numbers only.

Python's Decimal reads full-width digits (U+FF10 to U+FF19), underscores ("1_000") and words
("Infinity", "NaN"); a seller's quantity or price is none of those. Values that are well formed
but out of range (1e400) reach the domain, which refuses them with a typed error naming the
field.
"""

from __future__ import annotations

import dataclasses
import math
import re
from decimal import Decimal
from typing import Any

from graphql import FloatValueNode, IntValueNode, StringValueNode, ValueNode
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.schema.types.base_scalars import DecimalDefinition
from strawberry.types.scalar import ScalarDefinition

PLAIN_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,6})?")


def parse_decimal(value: object) -> Decimal:
    """A Decimal from a JSON number or a string of plain ASCII digits, or a coercion error."""
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, float) and math.isfinite(value):
        return Decimal(repr(value))
    if isinstance(value, str) and PLAIN_DECIMAL.fullmatch(value.strip()):
        return Decimal(value.strip())
    shown = str(value)[:40]
    raise StrawberryInputCoercionError(
        f'"{shown}" is not a number: write plain digits with an optional decimal point, '
        "like 12 or 12.50"
    )


def parse_decimal_literal(node: ValueNode, _variables: dict[str, Any] | None = None) -> Decimal:
    """A Decimal written in the document: its text as written (1e400 stays 1e400, not a float
    that overflows to infinity)."""
    if isinstance(node, IntValueNode | FloatValueNode | StringValueNode):
        return parse_decimal(node.value)
    raise StrawberryInputCoercionError("a Decimal is written as a number or a string")


StrictDecimal: ScalarDefinition = dataclasses.replace(
    DecimalDefinition,
    parse_value=parse_decimal,
    parse_literal=parse_decimal_literal,
    implementation=None,
)
