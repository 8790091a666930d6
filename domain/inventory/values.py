"""Checks and rounding of the numbers the back office accepts: quantities, prices, rates."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from skuport.domain.errors import InvalidValue

CENT = Decimal("0.01")
STORED_PLACES = 4
# Amounts and quantities are stored as 64-bit integers of 1/10,000ths; a trillion leaves room
# for totals of several lines.
LARGEST = Decimal(10) ** 12


def to_cents(amount: Decimal) -> Decimal:
    """Round half-up to the cent: the one rounding rule of invoices and tax."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def decimal_value(
    value: Any,
    *,
    field: str,
    minimum: Decimal | None = None,
    positive: bool = False,
    places: int = STORED_PLACES,
) -> Decimal:
    """`value` as a Decimal with at most `places` decimals, or InvalidValue naming `field`."""
    if isinstance(value, float | bool) or value is None:
        raise InvalidValue(field, f"expected an exact decimal number, got {value!r}")
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidValue(field, f"{value!r} is not a number") from None
    if not number.is_finite():
        raise InvalidValue(field, f"{value!r} is not a finite number")
    if abs(number) >= LARGEST:
        raise InvalidValue(field, "is too large: it must be less than a trillion")
    if number != number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):
        raise InvalidValue(field, f"{number} has more than {places} decimal places")
    if positive and number <= 0:
        raise InvalidValue(field, f"must be greater than zero, got {number}")
    if minimum is not None and number < minimum:
        raise InvalidValue(field, f"must be at least {minimum}, got {number}")
    return number


def _is_forbidden(char: str, *, multiline: bool) -> bool:
    code = ord(char)
    if multiline and char in "\t\n\r":
        return False
    # C0 controls, DEL and C1 controls; bidi embeddings, overrides and isolates
    return code < 0x20 or 0x7F <= code <= 0x9F or char in BIDI_CONTROLS


BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def printable_text(value: str, *, field: str, multiline: bool = False) -> str:
    """`value` unchanged, or InvalidValue naming `field` when it holds a control character
    (NUL, escape sequences, …) or a bidirectional override that would disguise what it says.
    Tabs and line breaks are allowed only where text may run over several lines."""
    for char in value:
        if _is_forbidden(char, multiline=multiline):
            where = "" if multiline else "line breaks, tabs, "
            raise InvalidValue(
                field,
                f"must not contain {where}control characters or text-direction overrides "
                f"(found U+{ord(char):04X})",
            )
    return value


def required_text(
    value: str | None, *, field: str, max_length: int = 200, multiline: bool = False
) -> str:
    """A stripped, non-empty, printable text of at most `max_length` characters."""
    text = printable_text((value or "").strip(), field=field, multiline=multiline)
    if not text:
        raise InvalidValue(field, "must not be empty")
    if len(text) > max_length:
        raise InvalidValue(field, f"must be at most {max_length} characters")
    return text


def optional_text(
    value: str | None, *, field: str, max_length: int = 200, multiline: bool = False
) -> str:
    """A stripped, printable text of at most `max_length` characters; empty when not given."""
    text = printable_text((value or "").strip(), field=field, multiline=multiline)
    if len(text) > max_length:
        raise InvalidValue(field, f"must be at most {max_length} characters")
    return text
