"""Templates to fill in: the header row an import expects and one example row.

The products template has a `price <tier>` column for each price tier the store has; the
example row names the first tax rule and location when there are some.
"""

from __future__ import annotations

import csv
import enum
import io
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.inventory.imports import products, stock_take
from skuport.domain.inventory.reference.models import PriceTier, TaxRule
from skuport.domain.inventory.stock.models import Location


class ImportKind(enum.StrEnum):
    PRODUCTS = "products"
    STOCK_TAKE = "stock_take"


class ImportFormat(enum.StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


CONTENT_TYPES = {
    ImportFormat.CSV: "text/csv; charset=utf-8",
    ImportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
TEXT_COLUMNS = {"sku", "barcode"}  # kept as text in Excel: leading zeros stay


@dataclass(frozen=True)
class TemplateFile:
    file_name: str
    content_type: str
    content: bytes


def _in_use(rows: list) -> list:  # type: ignore[type-arg]
    return [r for r in rows if not getattr(r, "archived", False)]


async def _rows(session: AsyncSession, kind: ImportKind) -> tuple[list[str], list[str]]:
    """The header and the example row of a template."""
    if kind is ImportKind.STOCK_TAKE:
        locations = _in_use(list(await session.scalars(select(Location).order_by(Location.id))))
        where = locations[0].name if locations else "Main warehouse"
        return list(stock_take.REQUIRED), ["MUG-RED-350", where, "12"]
    tiers = _in_use(list(await session.scalars(select(PriceTier).order_by(PriceTier.id))))
    rules = _in_use(list(await session.scalars(select(TaxRule).order_by(TaxRule.id))))
    header = [*products.REQUIRED, *products.OPTIONAL, *(f"price {t.name}" for t in tiers)]
    example = [
        "MUG-RED-350",
        "Red mug 350 ml",
        "5012345678900",
        "Kitchen",
        "Acme",
        rules[0].name if rules else "",
        "0.35",
        "stock",
        *("9.99" for _ in tiers),
    ]
    return header, example


async def import_template(
    session: AsyncSession, kind: ImportKind, format: ImportFormat
) -> TemplateFile:
    """The template of an import, as a CSV (UTF-8) or an Excel file."""
    header, example = await _rows(session, kind)
    name = f"{kind.value.replace('_', '-')}-template.{format.value}"
    if format is ImportFormat.CSV:
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerows([header, example])
        content = buffer.getvalue().encode("utf-8")
    else:
        content = _xlsx(header, example)
    return TemplateFile(file_name=name, content_type=CONTENT_TYPES[format], content=content)


def _xlsx(header: list[str], example: list[str]) -> bytes:
    from decimal import Decimal

    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Import"
    sheet.append(header)
    row: list[object] = []
    for column, value in zip(header, example, strict=True):
        numeric = column not in TEXT_COLUMNS and value.replace(".", "", 1).isdigit()
        row.append(Decimal(value) if numeric else value)
    sheet.append(row)
    for index, column in enumerate(header, start=1):
        sheet.cell(row=1, column=index).font = Font(bold=True)
        if column in TEXT_COLUMNS:
            sheet.cell(row=2, column=index).number_format = "@"
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(12, len(column) + 2)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
