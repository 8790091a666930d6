"""What every import shares: the columns a sheet must have, cell values, and the report."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from skuport.domain.errors import DomainError, InvalidValue
from skuport.domain.inventory.imports.sheets import Problem, Sheet
from skuport.domain.inventory.values import decimal_value


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or, on a dry run, would do); `applied` is False on a dry run."""

    applied: bool
    rows_read: int
    created: int = 0
    updated: int = 0
    adjusted: int = 0
    unchanged: int = 0
    message: str = ""


def check_columns(
    sheet: Sheet,
    *,
    required: Iterable[str],
    optional: Iterable[str] = (),
    extra: Callable[[str], str | None] | None = None,
) -> list[Problem]:
    """Problems with the header row: required columns missing, columns nobody knows.

    `extra(key)` judges a column outside the fixed ones (a price column): None accepts it,
    a text is the problem to report.
    """
    required = list(required)
    known = [*required, *optional]
    problems = [
        Problem(1, key, "this column is missing: add it to the header row")
        for key in required
        if key not in sheet.headers
    ]
    for key, written in sheet.headers.items():
        if key in known:
            continue
        verdict = extra(key) if extra is not None else "unknown column"
        if verdict is not None:
            expected = ", ".join(known)
            problems.append(Problem(1, written, f"{verdict}; the columns are: {expected}"))
    return problems


def text_of(value: Any) -> str:
    """A cell as text: numbers without a trailing .0 (a barcode typed as a number)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def number_of(value: Any, *, minimum: Decimal | None = None) -> Decimal | None:
    """A cell as an exact number (None when blank); InvalidValue when it is not one."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime | date | time):
        raise InvalidValue("", f"{value} is a date or time, not a number")
    if isinstance(value, bool):
        raise InvalidValue("", f"{str(value).upper()} is not a number")
    if isinstance(value, float):
        value = repr(value)  # the shortest text of the float: 9.99, not 9.9900000000000002
    elif isinstance(value, str):
        value = value.strip()
    return decimal_value(value, field="", minimum=minimum)


def problem(row: int, column: str, error: DomainError) -> Problem:
    """A refusal of one cell as a problem at its row and column."""
    return Problem(row, column, error.message)


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"
