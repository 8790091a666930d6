"""PR-1, PR-2 (DAILY): the store-local business day a consolidated sale holds, for its name.

A DAILY store processes its pending orders once a day at its local consolidation time, so its
business day is the 24 hours between two consolidations, not a UTC calendar day. The day is
named after the local date that holds most of those hours: with a consolidation time from
noon on (18:00), the orders from yesterday 18:00 to today 18:00 are today's; with an early one
(01:30), the orders from yesterday 01:30 to today 01:30 are yesterday's. The server's clock
and UTC date play no part: a 18:00 Los Angeles run is at 01:00 UTC the next day.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

NOON = time(12, 0)


def business_day(moment: datetime, *, consolidation_time: time, timezone: str) -> date:
    """The store-local business day an order made at `moment` belongs to."""
    local = moment.astimezone(ZoneInfo(timezone))
    # The consolidation (local date) that will take the order: today's if not yet run.
    closing = local.date() if local.time() <= consolidation_time else local.date() + timedelta(1)
    return closing if consolidation_time >= NOON else closing - timedelta(days=1)


def business_days_label(
    moments: Iterable[datetime], *, consolidation_time: time, timezone: str
) -> str:
    """The day (`2026-07-01`) or days (`2026-06-29 to 2026-07-01`) of the orders' purchases."""
    days = sorted(
        {business_day(m, consolidation_time=consolidation_time, timezone=timezone) for m in moments}
    )
    if not days:
        return ""
    if days[0] == days[-1]:
        return days[0].isoformat()
    return f"{days[0].isoformat()} to {days[-1].isoformat()}"
