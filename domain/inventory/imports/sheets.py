"""Reading a spreadsheet an analyst sends: CSV (UTF-8, comma or semicolon) or Excel (.xlsx).

A file becomes a `Sheet`: its headers, and its rows numbered as the spreadsheet numbers them
(the header is row 1). Whatever cannot be read is a `Problem` at its row and column; a file
that cannot be read at all (not UTF-8, too big, not a spreadsheet) is refused at once with
`ImportProblems`. Values are kept as read: text from CSV, text, numbers or dates from Excel.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from skuport.domain.errors import DomainError, ErrorCode

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
FILE = ""  # the column of a problem with the whole file
XLSX_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an import: the spreadsheet row (header = 1, 0 = the whole file),
    the column as the file names it, and what to do about it."""

    row: int
    column: str
    message: str


class ImportProblems(DomainError):
    """An import refused: every problem found, by row and column; nothing was written."""

    code = ErrorCode.INVALID_VALUE

    def __init__(self, problems: Iterable[Problem], message: str | None = None) -> None:
        self.problems = sorted(set(problems))
        count = len(self.problems)
        summary = message or (
            f"Nothing was imported: {count} problem{'s' if count != 1 else ''} to fix in the file."
        )
        super().__init__(None, summary)


@dataclass
class Sheet:
    """The rows of a file (or of rows sent without one), keyed by normalised header."""

    name: str
    headers: dict[str, str] = field(default_factory=dict)  # key -> header as written
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def header(self, key: str) -> str:
        """The column as the file wrote it (the key itself when the file lacks it)."""
        return self.headers.get(key, key)


def header_key(text: Any) -> str:
    """A header as matched: case, spaces and underscores ignored ("Weight_KG" is "weight kg")."""
    return " ".join(str(text or "").replace("_", " ").lower().split())


def sheet_of_rows(name: str, rows: Iterable[Mapping[str, Any]]) -> Sheet:
    """A sheet of rows given as values by column (e.g. sent over the API), numbered from 2."""
    sheet = Sheet(name=name)
    for index, row in enumerate(rows):
        values = {header_key(k): v for k, v in row.items()}
        for key, written in zip(values, row, strict=True):
            sheet.headers.setdefault(key, written)
        sheet.rows.append((index + 2, values))
    _check_row_count(sheet)
    return sheet


def read_sheet(content: bytes, file_name: str) -> Sheet:
    """The first sheet of an Excel file, or a CSV file; refused when it cannot be read."""
    if len(content) > MAX_BYTES:
        raise ImportProblems(
            [Problem(0, FILE, f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB: split it")]
        )
    lowered = file_name.lower()
    if lowered.endswith(".xls") or content.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportProblems(
            [Problem(0, FILE, "old Excel files (.xls) cannot be read: save it as .xlsx or CSV")]
        )
    if content.startswith(XLSX_MAGIC) or lowered.endswith((".xlsx", ".xlsm")):
        sheet = _read_xlsx(content, file_name)
    else:
        sheet = _read_csv(content, file_name)
    _check_row_count(sheet)
    return sheet


def _check_row_count(sheet: Sheet) -> None:
    if not sheet.rows and not sheet.problems:
        raise ImportProblems([Problem(0, FILE, "the file has no rows below the header")])
    _check_not_too_long(len(sheet.rows))


def _check_not_too_long(rows: int) -> None:
    """Refuse a sheet of more than MAX_ROWS rows (checked as it is read: a small file may
    unpack into a huge sheet)."""
    if rows > MAX_ROWS:
        raise ImportProblems(
            [Problem(0, FILE, f"the file has more than {MAX_ROWS:,} rows: split it")]
        )


def _decoded(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise ImportProblems(
            [
                Problem(
                    line,
                    FILE,
                    "the file is not UTF-8 text: save it as 'CSV UTF-8' (or as .xlsx) "
                    "and import it again",
                )
            ]
        ) from None


def _read_csv(content: bytes, file_name: str) -> Sheet:
    text = _decoded(content)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    sheet = Sheet(name=file_name)
    columns: list[str] = []
    try:
        for number, record in enumerate(records, start=1):
            if number == 1:
                columns = _headers(sheet, record)
            elif any(cell.strip() for cell in record):
                _add_row(sheet, number, columns, record)
    except csv.Error as exc:
        sheet.problems.append(Problem(records.line_num, FILE, f"the CSV cannot be read: {exc}"))
    if not columns:
        raise ImportProblems([Problem(1, FILE, "the file is empty: it needs a header row")])
    return sheet


def _headers(sheet: Sheet, cells: list[Any]) -> list[str]:
    keys = []
    for cell in cells:
        key = header_key(cell)
        keys.append(key)
        if key:
            if key in sheet.headers:
                sheet.problems.append(Problem(1, str(cell), "this column appears twice"))
            sheet.headers.setdefault(key, str(cell).strip())
    return keys


def _add_row(sheet: Sheet, number: int, columns: list[str], cells: list[Any]) -> None:
    values: dict[str, Any] = {}
    for index, cell in enumerate(cells):
        key = columns[index] if index < len(columns) else ""
        if not key:
            if cell not in (None, "") and str(cell).strip():
                sheet.problems.append(
                    Problem(number, FILE, f"a value in column {index + 1}, which has no header")
                )
            continue
        values.setdefault(key, cell)
    sheet.rows.append((number, values))
    _check_not_too_long(len(sheet.rows))


def _read_xlsx(content: bytes, file_name: str) -> Sheet:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportProblems(
            [Problem(0, FILE, f"the Excel file cannot be read ({exc}): save it again as .xlsx")]
        ) from None
    sheet = Sheet(name=file_name)
    try:
        columns: list[str] = []
        # Values only (no cell objects: a third faster); read with data_only=False, a formula
        # comes as its text, "=…".
        rows = book.worksheets[0].iter_rows(values_only=True)
        for number, cells in enumerate(rows, start=1):
            values = [
                _cell_value(sheet, number, columns, index, c) for index, c in enumerate(cells)
            ]
            if number == 1:
                columns = _headers(sheet, values)
            elif any(v not in (None, "") for v in values):
                _add_row(sheet, number, columns, values)
    finally:
        book.close()
    if not sheet.headers:
        raise ImportProblems([Problem(1, FILE, "the first sheet is empty: it needs a header row")])
    return sheet


def _cell_value(sheet: Sheet, number: int, columns: list[str], index: int, value: Any) -> Any:
    """A cell's value; a formula is a problem (the file holds the formula, not its result)."""
    if (isinstance(value, str) and value[:1] == "=") or isinstance(
        value, (ArrayFormula, DataTableFormula)
    ):
        if number > 1 or value:
            column = columns[index] if index < len(columns) else ""
            sheet.problems.append(
                Problem(
                    number,
                    sheet.header(column) if column else FILE,
                    "this cell holds a formula: type the value, not a formula",
                )
            )
        return None
    return value
