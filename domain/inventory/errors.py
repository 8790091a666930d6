"""Typed refusals of the back office: each names the offending field and says why."""

from __future__ import annotations


class InventoryError(Exception):
    """A request the back office refuses; nothing it asked for has been written."""

    code = "INVENTORY_ERROR"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class NotFound(InventoryError):
    """A referenced record (product, tax rule, sale, …) does not exist."""

    code = "NOT_FOUND"


class InvalidValue(InventoryError):
    """A value is out of range, badly formed or inconsistent with another field."""

    code = "INVALID_VALUE"


class DuplicateSku(InventoryError):
    """Another product already has this SKU."""

    code = "DUPLICATE_SKU"


class DuplicateName(InventoryError):
    """Another record of the same kind already has this name."""

    code = "DUPLICATE_NAME"


class InsufficientStock(InventoryError):
    """The location does not hold enough stock for the movement."""

    code = "INSUFFICIENT_STOCK"


class InvalidState(InventoryError):
    """The document is not in a stage that allows the action (e.g. shipping an unpicked sale)."""

    code = "INVALID_STATE"


__all__ = [
    "DuplicateName",
    "DuplicateSku",
    "InsufficientStock",
    "InvalidState",
    "InvalidValue",
    "InventoryError",
    "NotFound",
]
