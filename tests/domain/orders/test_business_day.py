"""PR-1, PR-2 (DAILY): the store-local business day a consolidated sale is named after."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from skuport.domain.orders.business_day import business_day, business_days_label

LA, LONDON = "America/Los_Angeles", "Europe/London"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_pr2_an_evening_consolidation_names_the_local_day_not_the_utc_one():
    # 17:30 in Los Angeles on 1 July is 00:30 UTC on 2 July
    assert business_day(utc(2026, 7, 2, 0, 30), consolidation_time=time(18), timezone=LA) == date(
        2026, 7, 1
    )
    # after 18:00 local the order waits for the next day's consolidation
    assert business_day(utc(2026, 7, 2, 1, 30), consolidation_time=time(18), timezone=LA) == date(
        2026, 7, 2
    )


def test_pr2_an_early_morning_consolidation_names_the_day_it_closes_on_the_evening_before():
    # 01:30 London: the orders of 1 July (01:30 … 24:00) and of 2 July before 01:30 are 1 July's
    at = time(1, 30)
    assert business_day(utc(2026, 7, 1, 12), consolidation_time=at, timezone=LONDON) == date(
        2026, 7, 1
    )
    # 00:45 BST on 2 July (23:45 UTC on 1 July) still belongs to 1 July
    assert business_day(utc(2026, 7, 1, 23, 45), consolidation_time=at, timezone=LONDON) == date(
        2026, 7, 1
    )


def test_pr2_a_sale_holding_a_backlog_names_its_first_and_last_day():
    moments = [utc(2026, 7, 1, 20), utc(2026, 7, 3, 20), utc(2026, 7, 2, 20)]
    label = business_days_label(moments, consolidation_time=time(18), timezone="UTC")
    assert label == "2026-07-02 to 2026-07-04"
    one = business_days_label(moments[:1], consolidation_time=time(23), timezone="UTC")
    assert one == "2026-07-01"
