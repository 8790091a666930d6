"""Spreadsheets built in the tests (never committed as binaries): CSV bytes and Excel files."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook, load_workbook


def csv_file(
    rows: Sequence[Sequence[Any]], *, delimiter: str = ",", bom: bool = False, encoding="utf-8"
) -> bytes:
    """A CSV file of `rows` (the first is the header)."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode(encoding)


def xlsx_file(rows: Sequence[Sequence[Any]]) -> bytes:
    """An Excel workbook whose first sheet holds `rows`; a text starting with = is a formula."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_rows(content: bytes) -> list[list[Any]]:
    """The values of the first sheet of an Excel file."""
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def problems_of(exc: Any) -> list[tuple[int, str, str]]:
    """An ImportProblems' problems as (row, column, message) tuples."""
    return [(p.row, p.column, p.message) for p in exc.problems]
