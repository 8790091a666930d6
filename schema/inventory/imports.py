"""Spreadsheet imports (issue 18): products and stock takes from CSV or Excel, and templates.

A file is uploaded as a GraphQL multipart request (the `Upload` scalar); the same rows may
be sent as input instead. Every problem is answered at once, by row and column, and nothing
is written unless the whole import is accepted; `dryRun` only checks.
"""

from __future__ import annotations

import asyncio
import base64
import inspect
from decimal import Decimal
from typing import Annotated, Any

import strawberry
from strawberry.file_uploads import Upload

from skuport.domain.errors import DomainError
from skuport.domain.inventory import imports as domain
from skuport.domain.inventory.imports.sheets import FILE
from skuport.schema.context import Info
from skuport.schema.inventory.common import reading, unit_of_work
from skuport.schema.permissions import OPERATORS, READERS, allow

ImportKind = strawberry.enum(domain.ImportKind, name="ImportKind", description="What to import.")
ImportFormat = strawberry.enum(
    domain.ImportFormat, name="ImportFormat", description="A spreadsheet format."
)


@strawberry.type(description="The import was accepted: what it did, or would do on a dry run.")
class ImportChecked:
    applied: bool = strawberry.field(description="False on a dry run: nothing was written.")
    rows_read: int
    created: int
    updated: int
    adjusted: int = strawberry.field(description="Stock take rows whose count changed on hand.")
    unchanged: int = strawberry.field(description="Stock take rows whose count matched.")
    message: str


@strawberry.type(description="Something to fix in the file, at its row and column.")
class ImportProblem:
    row: int = strawberry.field(
        description="The spreadsheet's row number: the header is row 1, 0 is the whole file."
    )
    column: str = strawberry.field(description="The column as the file names it; empty: the file.")
    message: str


@strawberry.type(description="The import was refused with every problem found; nothing changed.")
class ImportRefused:
    message: str
    problems: list[ImportProblem]


ImportResult = Annotated[ImportChecked | ImportRefused, strawberry.union("ImportResult")]


@strawberry.type(description="A file to download; the content is base64-encoded.")
class ImportFile:
    file_name: str
    content_type: str
    content_base64: str


@strawberry.input(description="A price of an imported product in one price tier, by its name.")
class ImportPrice:
    price_tier: str
    price: Decimal


@strawberry.input(description="One product to import, as a row of the products spreadsheet.")
class ProductImportRow:
    sku: str
    name: str
    barcode: str | None = None
    category: str | None = None
    brand: str | None = None
    tax_rule: str | None = strawberry.field(default=None, description="The tax rule's name.")
    weight_kg: Decimal | None = None
    type: str | None = strawberry.field(default=None, description="stock (default) or service.")
    prices: list[ImportPrice] = strawberry.field(default_factory=list)

    def cells(self) -> dict[str, Any]:
        row: dict[str, Any] = {
            "sku": self.sku,
            "name": self.name,
            "barcode": self.barcode,
            "category": self.category,
            "brand": self.brand,
            "tax rule": self.tax_rule,
            "weight kg": self.weight_kg,
            "type": self.type,
        }
        row.update({f"price {p.price_tier}": p.price for p in self.prices})
        return row


@strawberry.input(description="One count of a stock take: a product at a location, by name.")
class StockTakeRow:
    sku: str
    location: str
    counted: Decimal

    def cells(self) -> dict[str, Any]:
        return {"sku": self.sku, "location": self.location, "counted quantity": self.counted}


def _refused(exc: domain.ImportProblems) -> ImportRefused:
    return ImportRefused(
        message=exc.message,
        problems=[
            ImportProblem(row=p.row, column=p.column, message=p.message) for p in exc.problems
        ],
    )


def _checked(report: domain.ImportReport) -> ImportChecked:
    return ImportChecked(
        applied=report.applied,
        rows_read=report.rows_read,
        created=report.created,
        updated=report.updated,
        adjusted=report.adjusted,
        unchanged=report.unchanged,
        message=report.message,
    )


async def _sheet(file: Upload | None, rows: list[Any] | None, kind: str) -> domain.Sheet:
    """The rows of the uploaded file, or of the rows sent; exactly one of them."""
    if (file is None) == (rows is None):
        raise domain.ImportProblems(
            [], message="Send either a file or rows to import (one of the two)."
        )
    if rows is not None:
        return domain.sheet_of_rows("rows", [row.cells() for row in rows])
    content = file.read(domain.MAX_BYTES + 1)
    if inspect.isawaitable(content):
        content = await content
    name = getattr(file, "filename", None) or f"{kind}.csv"
    # Reading a big Excel file takes seconds of CPU: off the event loop, other requests go on.
    return await asyncio.to_thread(domain.read_sheet, bytes(content), name)


async def _run(
    info: Info, action: Any, sheet_of: Any, dry_run: bool
) -> ImportChecked | ImportRefused:
    try:
        sheet = await sheet_of
        async with unit_of_work(info) as session:
            report = await action(session, sheet, dry_run=dry_run)
    except domain.ImportProblems as exc:
        return _refused(exc)
    except DomainError as exc:
        problem = domain.Problem(0, exc.field or FILE, exc.message)
        return _refused(domain.ImportProblems([problem]))
    return _checked(report)


@strawberry.type
class ImportsQuery:
    @strawberry.field(
        permission_classes=allow(*READERS),
        description="A template to fill in: the header row the import expects and one example "
        "row (products: a price column per price tier).",
    )
    async def import_template(
        self,
        info: Info,
        kind: ImportKind,  # type: ignore[valid-type]
        format: ImportFormat,  # type: ignore[valid-type]
    ) -> ImportFile:
        async with reading(info) as session:
            made = await domain.import_template(
                session, domain.ImportKind(kind), domain.ImportFormat(format)
            )
        return ImportFile(
            file_name=made.file_name,
            content_type=made.content_type,
            content_base64=base64.b64encode(made.content).decode("ascii"),
        )


@strawberry.type
class ImportsMutation:
    @strawberry.mutation(
        permission_classes=allow(*OPERATORS),
        description="Create products from a CSV or Excel file (uploaded) or from rows: every "
        "row is checked first, and any problem means nothing is imported.",
    )
    async def import_products(
        self,
        info: Info,
        file: Upload | None = None,
        rows: list[ProductImportRow] | None = None,
        dry_run: bool = False,
    ) -> ImportResult:  # type: ignore[valid-type]
        return await _run(info, domain.import_products, _sheet(file, rows, "products"), dry_run)

    @strawberry.mutation(
        permission_classes=allow(*OPERATORS),
        description="Set on hand to the counted quantities of a stock take (file or rows); "
        "differences become adjustments and the new quantities are sent to Amazon.",
    )
    async def import_stock_take(
        self,
        info: Info,
        file: Upload | None = None,
        rows: list[StockTakeRow] | None = None,
        dry_run: bool = False,
    ) -> ImportResult:  # type: ignore[valid-type]
        return await _run(info, domain.import_stock_take, _sheet(file, rows, "stock take"), dry_run)
