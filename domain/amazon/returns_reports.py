"""Reading Amazon's returns reports: request, wait, rows by lower-case column, typed cells."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation

from skuport.domain.amazon.client import SpApiClient
from skuport.domain.amazon.errors import AmazonError, MalformedPayloadError
from skuport.domain.amazon.reports import create_report, get_report, read_report
from skuport.domain.amazon.throttle import Sleep

REPORT_POLL_SECONDS = 30.0
REPORT_MAX_WAIT_SECONDS = 4 * 3600.0


class ReturnsReportFailed(AmazonError):
    """Amazon could not build a returns report, or not in time."""


def windows(start: datetime, end: datetime, longest: timedelta) -> list[tuple[datetime, datetime]]:
    """[start, end] cut into consecutive windows of at most `longest` (none when empty)."""
    cuts = []
    while start < end:
        stop = min(end, start + longest)
        cuts.append((start, stop))
        start = stop
    return cuts


async def report_rows(
    client: SpApiClient,
    report_type: str,
    *,
    start: datetime,
    end: datetime,
    sleep: Sleep | None = None,
) -> list[dict[str, str]]:
    """Request a report of [start, end] for the store's marketplaces, wait, and read its rows
    keyed by lower-case column name (a CANCELLED report is Amazon's "no data")."""
    wait = sleep or client._sleep  # the client's own sleep: virtual time in tests
    report_id = await create_report(
        client,
        report_type=report_type,
        marketplace_ids=list(client.store.marketplace_ids),
        data_start=start,
        data_end=end,
    )
    waited = 0.0
    while True:
        report = await get_report(client, report_id)
        if report.status == "DONE":
            rows = await read_report(client, report)
            return [{k.strip().lower(): v.strip() for k, v in row.items()} for row in rows]
        if report.status == "CANCELLED":
            return []
        if report.status == "FATAL":
            raise ReturnsReportFailed(f"Amazon could not build the returns report {report_id}")
        if waited >= REPORT_MAX_WAIT_SECONDS:
            raise ReturnsReportFailed(f"the returns report {report_id} was not ready in 4 hours")
        await wait(REPORT_POLL_SECONDS)
        waited += REPORT_POLL_SECONDS


def cell_time(row: dict[str, str], key: str, subject: str) -> datetime:
    """A report cell holding an ISO-8601 time, returned aware in UTC."""
    try:
        moment = datetime.fromisoformat(row.get(key, "").replace("Z", "+00:00"))
    except ValueError as error:
        raise MalformedPayloadError(subject, f"{key} is not a time: {row.get(key)!r}") from error
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def cell_count(row: dict[str, str], key: str, subject: str) -> int:
    """A report cell holding a whole number (empty: 0)."""
    try:
        return int(row.get(key) or "0")
    except ValueError as error:
        raise MalformedPayloadError(subject, f"{key} is not a number: {row.get(key)!r}") from error


def cell_flag(value: str) -> bool | None:
    """Y/N (or yes/no, true/false) as a boolean; anything else unknown (None)."""
    text = value.strip().upper()
    if text in ("Y", "YES", "TRUE"):
        return True
    if text in ("N", "NO", "FALSE"):
        return False
    return None


def cell_amount(row: dict[str, str], key: str, subject: str) -> Decimal | None:
    """A report cell holding an amount (empty: None)."""
    text = (row.get(key) or "").replace(",", "")
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation as error:
        raise MalformedPayloadError(subject, f"{key} is not an amount: {text!r}") from error
