"""What every runbook grid shares: worded headers, readable cells, export and copy buttons.

A grid is an itables `ITable` with DataTables' Buttons (copy, CSV, Excel: bundled with itables,
so they work offline). Its cells are shaped by a `GridFormat`: marketplaces as their code and
name, times to the minute in the store's time zone, durations in seconds and minutes, money with
its currency. Column names from the API become words (`amazonOrderId` → "Amazon order").
"""

from __future__ import annotations

import os
import re
import weakref
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd
from itables.widget import ITable

from skuport.widgets.client import SkuportClient, SkuportError

EXPORT_BUTTONS = ("copyHtml5", "csvHtml5", "excelHtml5")
# Explicit, so itables never folds the controls away (it does for a short or empty table).
GRID_LAYOUT = {"topStart": "buttons", "topEnd": "search", "bottomStart": "info",
               "bottomEnd": "paging"}  # fmt: skip
MARKETPLACES = "query GridMarketplaces { marketplaces { id code countryCode name } }"
STORE_ZONES = "query GridStoreZones { stores { id name settings { timezone } } }"
ANALYST_TIMEZONE = "SKUPORT_TIMEZONE"  # the analyst's zone, for grids not about one store

# Headers whose words are not the field's own.
TITLES = {
    "id": "Id",
    "durationMs": "Duration",
    "shipTo": "Ship to",
    "serviceLines": "Service lines",
    "triggeredBy": "Triggered by",
    "read": "Read",
}
_WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
_SUFFIXES = ("Id", "At", "Ms")


def column_title(name: str) -> str:
    """An API field name as a header: `amazonOrderId` → "Amazon order", `purchasedAt` →
    "Purchased", `durationMs` → "Duration"; a name already in words stays as it is."""
    if name in TITLES:
        return TITLES[name]
    if " " in name or not name:
        return name
    base = name
    for suffix in _SUFFIXES:
        if base.endswith(suffix) and len(base) > len(suffix):
            base = base[: -len(suffix)]
            break
    words = [word.lower() for word in _WORD.findall(base)]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def titled(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with worded headers."""
    return frame.rename(columns=column_title)


def duration(ms: int | float | None) -> str:
    """A run's duration for a person: "0.4 s", "42 s", "3 min 5 s", "1 h 2 min"."""
    if ms is None:
        return ""
    seconds = Decimal(str(ms)) / 1000
    if seconds < 10:
        return f"{seconds.quantize(Decimal('0.1'))} s"
    whole = int(seconds.to_integral_value())
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        minutes, rest = divmod(whole, 60)
        return f"{minutes} min {rest} s" if rest else f"{minutes} min"
    hours, rest = divmod(whole // 60, 60)
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def money(amount: Any, currency: str | None) -> str:
    """An amount with its currency, two decimals: "12.50 EUR" (Decimal, never float)."""
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    return f"{value.quantize(Decimal('0.01'))} {currency or ''}".strip()


def zone(name: str | None) -> tzinfo:
    """A time zone by name; the analyst's (SKUPORT_TIMEZONE) or UTC when unknown or not given."""
    for candidate in (name, os.environ.get(ANALYST_TIMEZONE)):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return UTC


@dataclass(frozen=True)
class GridFormat:
    """How one grid shows marketplaces and times: the known marketplaces, and a time zone."""

    marketplaces: dict[str, dict[str, str]] = field(default_factory=dict)
    timezone: tzinfo = UTC

    @property
    def zone_name(self) -> str:
        return str(self.timezone)

    def marketplace(self, marketplace_id: str | None) -> str:
        """ "IT · Amazon.it" for a known marketplace id, the id itself otherwise."""
        known = self.marketplaces.get(marketplace_id or "")
        if not known:
            return marketplace_id or ""
        return f"{known['code']} · {known['name']}"

    def code(self, marketplace_id: str | None) -> str:
        """The marketplace's short code (IT, UK …), the id itself when unknown."""
        known = self.marketplaces.get(marketplace_id or "")
        return known["code"] if known else (marketplace_id or "")

    def when(self, stamp: str | None) -> str:
        """An ISO time from the API, to the minute in this grid's zone: "2026-08-01 14:05"."""
        if not stamp:
            return ""
        try:
            moment = datetime.fromisoformat(stamp)
        except ValueError:
            return stamp
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(self.timezone).strftime("%Y-%m-%d %H:%M")


_MARKETPLACES: weakref.WeakKeyDictionary[SkuportClient, dict[str, dict[str, str]]] = (
    weakref.WeakKeyDictionary()
)


def marketplaces_of(client: SkuportClient) -> dict[str, dict[str, str]]:
    """Every marketplace the server knows, by id; asked once per client (empty if it fails)."""
    if client not in _MARKETPLACES:
        try:
            rows = client.execute(MARKETPLACES)["marketplaces"]
        except SkuportError:
            return {}  # ids are shown as they are; asked again next time
        _MARKETPLACES[client] = {row["id"]: row for row in rows}
    return _MARKETPLACES[client]


def grid_format(client: SkuportClient, timezone: str | None = None) -> GridFormat:
    """The format of a grid about one store (its `settings.timezone`), or the analyst's."""
    return GridFormat(marketplaces_of(client), zone(timezone))


def store_timezones(client: SkuportClient) -> dict[str, str]:
    """Each store's time zone by store id (empty when the server cannot say)."""
    try:
        stores = client.execute(STORE_ZONES)["stores"]
    except SkuportError:
        return {}
    return {store["id"]: store["settings"]["timezone"] for store in stores}


def store_timezone(store: dict[str, Any]) -> str | None:
    """The time zone in a store as the server sent it (`settings { timezone }`), if any."""
    return ((store or {}).get("settings") or {}).get("timezone")


class Grid(ITable):
    """An itables grid with copy / CSV / Excel buttons that stay through every update."""

    def __init__(self, df: pd.DataFrame | None = None, caption: str | None = None,
                 **options: Any) -> None:  # fmt: skip
        super().__init__(df=df, caption=caption, **(_export_options() | {"maxBytes": 0} | options))

    def update(self, df: pd.DataFrame | None = None, caption: str | None = None,
               **options: Any) -> None:  # fmt: skip
        """New rows (and options); the export buttons and the layout are set again each time."""
        super().update(df, caption, **(_export_options() | options))


def _export_options() -> dict[str, Any]:
    return {"buttons": list(EXPORT_BUTTONS), "layout": dict(GRID_LAYOUT)}
