"""The one error contract of the domain: every refusal is a `DomainError`.

A refusal carries a `code` (an `ErrorCode`, one for each kind of refusal the API can answer
with), a `message` in the seller's words, and the `field` at fault, when one is: a snake_case
path into the request, e.g. `lines[2].tax_rule_id`. The domain never knows the API's field
names; the API turns the path into its own casing in one place (`schema.errors`).

Nothing the request asked for has been written when a refusal is raised.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar


class ErrorCode(StrEnum):
    """Every kind of refusal; the API maps each to exactly one typed error."""

    NOT_FOUND = "NOT_FOUND"
    INVALID_VALUE = "INVALID_VALUE"
    INVALID_STATE = "INVALID_STATE"
    DUPLICATE_NAME = "DUPLICATE_NAME"
    DUPLICATE_SKU = "DUPLICATE_SKU"
    INSUFFICIENT_STOCK = "INSUFFICIENT_STOCK"
    CONNECTION_FAILED = "CONNECTION_FAILED"
    PRICE_TIER_CONFLICT = "PRICE_TIER_CONFLICT"
    IN_USE = "IN_USE"


class DomainError(Exception):
    """A request the domain refuses; nothing it asked for has been written.

    Subclasses fix the `code`; the base takes one as an argument instead.
    """

    code: ClassVar[ErrorCode]

    def __init__(self, field: str | None, message: str, *, code: ErrorCode | None = None) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        if code is not None:
            self.code = code  # type: ignore[misc]
        elif not hasattr(self, "code"):
            raise TypeError(f"{type(self).__name__} needs an ErrorCode")
        self.field = field
        self.message = message


class NotFound(DomainError):
    """A referenced record (product, store, sale, log entry, …) does not exist."""

    code = ErrorCode.NOT_FOUND


class InvalidValue(DomainError):
    """A value is out of range, badly formed or inconsistent with another field."""

    code = ErrorCode.INVALID_VALUE


class InvalidState(DomainError):
    """The record is not in a stage that allows the action (e.g. shipping an unpicked sale)."""

    code = ErrorCode.INVALID_STATE


class DuplicateName(DomainError):
    """Another record of the same kind already has this name."""

    code = ErrorCode.DUPLICATE_NAME


class DuplicateSku(DomainError):
    """Another product already has this SKU."""

    code = ErrorCode.DUPLICATE_SKU


class InsufficientStock(DomainError):
    """The location does not hold enough stock for the movement."""

    code = ErrorCode.INSUFFICIENT_STOCK


class ConnectionFailed(DomainError):
    """Amazon refused the credentials, or could not be reached; the store was not saved."""

    code = ErrorCode.CONNECTION_FAILED


class PriceTierConflict(DomainError):
    """One price tier cannot serve marketplaces with different currencies."""

    code = ErrorCode.PRICE_TIER_CONFLICT


class RecordInUse(DomainError):
    """Something already points at the record, so this change would rewrite history or leave
    a setting pointing at nothing (e.g. a tax rule's rate once an invoice uses it)."""

    code = ErrorCode.IN_USE


__all__ = [
    "ConnectionFailed",
    "DomainError",
    "DuplicateName",
    "DuplicateSku",
    "ErrorCode",
    "InsufficientStock",
    "InvalidState",
    "InvalidValue",
    "NotFound",
    "PriceTierConflict",
    "RecordInUse",
]
