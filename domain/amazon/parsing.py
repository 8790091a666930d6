"""Strict readers for Amazon's JSON: money as Decimal, times as aware UTC, clear errors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from skuport.domain.amazon.errors import MalformedPayloadError


@dataclass(frozen=True)
class AmountWithCurrency:
    """An exact amount in a currency, as Amazon sends it (its `Money` object).

    Not the `Money` column type of skuport.domain.db, which stores a bare Decimal.
    """

    amount: Decimal
    currency: str


class Reader:
    """Reads fields of one JSON object, raising MalformedPayloadError that names `subject`."""

    def __init__(self, data: Any, subject: str) -> None:
        if not isinstance(data, dict):
            raise MalformedPayloadError(subject, f"expected an object, got {type(data).__name__}")
        self.data = data
        self.subject = subject

    def _fail(self, key: str, problem: str) -> MalformedPayloadError:
        return MalformedPayloadError(self.subject, f"field {key!r} {problem}")

    def req(self, key: str) -> Any:
        """The value of a required field."""
        if key not in self.data or self.data[key] is None:
            raise self._fail(key, "is missing")
        return self.data[key]

    def text(self, key: str, *, required: bool = False) -> str | None:
        """A string field."""
        value = self.req(key) if required else self.data.get(key)
        if value is not None and not isinstance(value, str):
            raise self._fail(key, "is not a string")
        return value

    def integer(self, key: str, *, required: bool = False) -> int | None:
        """An integer field."""
        value = self.req(key) if required else self.data.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise self._fail(key, "is not an integer")
        return value

    def flag(self, key: str) -> bool | None:
        """A boolean field (Amazon sometimes sends "true"/"false" strings)."""
        value = self.data.get(key)
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        if value is not None and not isinstance(value, bool):
            raise self._fail(key, "is not a boolean")
        return value

    def array(self, key: str, *, required: bool = False) -> list[Any]:
        """A list field (absent means empty unless required)."""
        value = self.req(key) if required else self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self._fail(key, "is not a list")
        return value

    def obj(self, key: str, *, required: bool = False) -> Reader | None:
        """A nested object field as a Reader."""
        value = self.req(key) if required else self.data.get(key)
        if value is None:
            return None
        return Reader(value, f"{self.subject}.{key}")

    def moment(self, key: str, *, required: bool = False) -> datetime | None:
        """An ISO-8601 timestamp field, returned timezone-aware in UTC."""
        value = self.text(key, required=required)
        if value is None:
            return None
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError as error:
            raise self._fail(key, f"is not an ISO-8601 time: {value!r}") from error
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)

    def decimal(self, key: str, *, required: bool = False) -> Decimal | None:
        """A decimal amount given as a string or a JSON number."""
        value = self.req(key) if required else self.data.get(key)
        if value is None:
            return None
        return _to_decimal(value, lambda problem: self._fail(key, problem))

    def money(self, key: str, *, required: bool = False) -> AmountWithCurrency | None:
        """Amazon's Money object, in any of its spellings (amount/Amount/CurrencyAmount...)."""
        inner = self.obj(key, required=required)
        if inner is None:
            return None
        data = inner.data
        amount_key = next(
            (k for k in ("amount", "Amount", "currencyAmount", "CurrencyAmount") if k in data),
            None,
        )
        currency = data.get("currencyCode", data.get("CurrencyCode"))
        if amount_key is None or not isinstance(currency, str):
            raise self._fail(key, "is not a Money object")
        return AmountWithCurrency(inner.decimal(amount_key, required=True), currency)  # type: ignore[arg-type]


def _to_decimal(value: Any, fail: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise fail("is not a number")
    try:
        # A JSON float goes through str() so 12.34 stays 12.34, not its binary expansion.
        return Decimal(str(value))
    except InvalidOperation as error:
        raise fail(f"is not a decimal: {value!r}") from error


def iso(moment: datetime) -> str:
    """Format an aware datetime the way Amazon expects (UTC, `Z`)."""
    if moment.tzinfo is None:
        raise ValueError("datetimes sent to Amazon must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
