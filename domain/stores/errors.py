"""Typed refusals about stores and their settings: each names the field at fault."""

from __future__ import annotations


class StoreError(Exception):
    """A store request that was refused; nothing was written."""

    code = "STORE_ERROR"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class StoreNotFound(StoreError):
    code = "NOT_FOUND"


class DuplicateStoreName(StoreError):
    code = "DUPLICATE_NAME"


class InvalidSetting(StoreError):
    code = "INVALID_VALUE"


class ConnectionFailed(StoreError):
    """Amazon refused the credentials, or could not be reached; the store was not saved."""

    code = "CONNECTION_FAILED"


class PriceTierConflict(StoreError):
    """ST-7: one price tier cannot serve marketplaces with different currencies."""

    code = "PRICE_TIER_CONFLICT"
