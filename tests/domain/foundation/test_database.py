"""The database layer: exact money, UTC times, migrations that match the models."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import text

from skuport.domain.db import DatabaseConfigError, Money, UTCDateTime, create_engine
from skuport.domain.db.migrate import differences, is_up_to_date


def test_money_is_stored_exactly_as_a_scaled_integer():
    money = Money()
    assert money.process_bind_param(Decimal("19.99"), None) == 199900
    assert money.process_result_value(199900, None) == Decimal("19.9900")
    assert money.process_result_value(1, None) == Decimal("0.0001")


def test_money_refuses_floats_and_silent_rounding():
    money = Money()
    with pytest.raises(TypeError, match="never float"):
        money.process_bind_param(19.99, None)
    with pytest.raises(ValueError, match="more than 4 decimal places"):
        money.process_bind_param(Decimal("0.00001"), None)


class _Dialect:
    def __init__(self, name: str) -> None:
        self.name = name


def test_times_are_stored_in_utc_and_come_back_aware():
    column = UTCDateTime()
    sydney = timezone(timedelta(hours=11))
    stored = column.process_bind_param(
        datetime(2026, 1, 1, 10, 0, tzinfo=sydney), _Dialect("sqlite")
    )
    assert stored == datetime(2025, 12, 31, 23, 0)
    assert column.process_result_value(stored, _Dialect("sqlite")) == datetime(
        2025, 12, 31, 23, 0, tzinfo=UTC
    )
    with pytest.raises(ValueError, match="timezone-aware"):
        column.process_bind_param(datetime(2026, 1, 1), _Dialect("sqlite"))


async def test_migrations_and_models_agree(engine):
    """The equivalent of `alembic check`, on whichever database the suite runs on."""
    assert await is_up_to_date(engine)
    assert await differences(engine) == []


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://root@localhost/db", "unsupported database"),
        ("::not a url", "malformed database URL"),
    ],
)
def test_a_bad_database_url_gets_one_clear_message(url, message):
    with pytest.raises(DatabaseConfigError, match=message):
        create_engine(url)


async def test_sqlite_runs_with_foreign_keys_and_wal(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path}/sub/dir/x.db")
    async with engine.connect() as connection:
        assert (await connection.execute(text("PRAGMA foreign_keys"))).scalar() == 1
        assert (await connection.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
    await engine.dispose()
    assert (tmp_path / "sub" / "dir" / "x.db").exists()
