"""Issue 18 / IN-3: a stock take imported from a spreadsheet: counts become adjustments."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.inventory.events import PENDING
from skuport.domain.inventory.imports import (
    ImportFormat,
    ImportKind,
    ImportProblems,
    import_stock_take,
    import_template,
    read_sheet,
)
from skuport.domain.inventory.products.service import create_product
from skuport.domain.inventory.sales.fulfilment import pick_sale
from skuport.domain.inventory.sales.lines import ProductLine
from skuport.domain.inventory.stock.service import list_movements, receive_stock, stock_at
from tests.domain.inventory.conftest import Shop, row_counts, stock_product
from tests.domain.inventory.imports_support import csv_file, problems_of, xlsx_file
from tests.domain.inventory.sales_support import _sell

HEADER = ["sku", "location", "counted quantity"]


async def _stocked(session: AsyncSession, shop: Shop) -> dict[str, int]:
    """MUG (10 in the warehouse), CAP (5 in the warehouse, 2 at FBA), a service."""
    mug = await stock_product(session, shop, "MUG")
    cap = await stock_product(session, shop, "CAP")
    service = await create_product(session, sku="GIFTWRAP", name="Gift wrap", type="service")
    for product, where, quantity in ((mug, shop.warehouse, 10), (cap, shop.warehouse, 5),
                                     (cap, shop.fba, 2)):  # fmt: skip
        await receive_stock(
            session, product_id=product.id, location_id=where.id, quantity=Decimal(quantity)
        )
    await session.commit()
    return {"MUG": mug.id, "CAP": cap.id, "GIFTWRAP": service.id}


async def test_in3_a_stock_take_sets_on_hand_to_the_counts_through_adjustments(
    session: AsyncSession, shop: Shop
):
    ids = await _stocked(session, shop)
    content = xlsx_file(
        [
            ["SKU", "Location", "Counted Quantity"],
            ["MUG", "Main warehouse", 7],
            ["cap", "main WAREHOUSE", 5],  # matches: unchanged
            ["CAP", "Amazon FBA", 3.5],
        ]
    )
    report = await import_stock_take(session, read_sheet(content, "count-june.xlsx"))
    await session.commit()

    assert (report.applied, report.rows_read, report.adjusted, report.unchanged) == (
        True, 3, 2, 1,
    )  # fmt: skip
    assert report.message == "Stock take count-june.xlsx applied: 2 adjustments, 1 unchanged."
    mug = await stock_at(session, product_id=ids["MUG"], location_id=shop.warehouse.id)
    fba = await stock_at(session, product_id=ids["CAP"], location_id=shop.fba.id)
    assert (mug.on_hand, fba.on_hand) == (7, Decimal("3.5"))
    last = (await list_movements(session, product_id=ids["MUG"]))[-1]
    assert (last.kind, last.on_hand_delta, last.reason) == (
        "adjustment", -3, "stock take count-june.xlsx",
    )  # fmt: skip


async def test_in3_every_bad_count_is_listed_and_nothing_is_counted(
    session: AsyncSession, shop: Shop
):
    """Unknown SKU or location, a service, a negative or missing count, a row twice."""
    await _stocked(session, shop)
    before = await row_counts(session)
    content = csv_file(
        [
            HEADER,
            ["MUG", "Main warehouse", "3"],
            ["NOPE", "Main warehouse", "1"],
            ["CAP", "Back room", "1"],
            ["GIFTWRAP", "Main warehouse", "1"],
            ["CAP", "Amazon FBA", "-2"],
            ["CAP", "Main warehouse", ""],
            ["mug", "Main warehouse", "4"],
        ]
    )
    with pytest.raises(ImportProblems) as refused:
        await import_stock_take(session, read_sheet(content, "count.csv"))
    await session.rollback()

    locations = "(locations: Amazon FBA, Main warehouse)"
    assert problems_of(refused.value) == [
        (3, "sku", "no product has SKU 'NOPE'"),
        (4, "location", f"no location is called 'Back room' {locations}"),
        (5, "sku", "GIFTWRAP is a service: it holds no stock"),
        (6, "counted quantity", "must be at least 0, got -2"),
        (7, "counted quantity", "the counted quantity is missing"),
        (8, "sku", "this SKU and location are on row 2"),
    ]
    assert refused.value.message == "Nothing was imported: 6 problems to fix in the file."
    assert await row_counts(session) == before
    assert not session.info.get(PENDING)


async def test_in3_a_dry_run_reports_the_differences_and_writes_nothing(
    session: AsyncSession, shop: Shop
):
    await _stocked(session, shop)
    before = await row_counts(session)
    content = csv_file([HEADER, ["MUG", "Main warehouse", "12"], ["CAP", "Amazon FBA", "2"]])
    report = await import_stock_take(session, read_sheet(content, "c.csv"), dry_run=True)
    await session.commit()

    assert (report.applied, report.adjusted, report.unchanged) == (False, 1, 1)
    assert report.message == (
        "Checked 2 rows: 1 adjustment, 1 unchanged. Nothing was written (dry run)."
    )
    assert await row_counts(session) == before


@pytest.mark.parametrize("format", [ImportFormat.CSV, ImportFormat.XLSX])
async def test_in3_the_stock_take_template_round_trips(session: AsyncSession, shop: Shop, format):
    ids = await _stocked(session, shop)
    template = await import_template(session, ImportKind.STOCK_TAKE, format)
    assert template.file_name == f"stock-take-template.{format.value}"
    example = read_sheet(template.content, template.file_name)
    assert list(example.headers) == HEADER
    twelve = "12" if format is ImportFormat.CSV else 12
    assert example.rows == [
        (2, {"sku": "MUG-RED-350", "location": "Main warehouse", "counted quantity": twelve})
    ]
    rows = [HEADER, ["MUG", "Amazon FBA", 4]]
    filled = csv_file(rows) if format is ImportFormat.CSV else xlsx_file(rows)
    report = await import_stock_take(session, read_sheet(filled, template.file_name))
    assert report.adjusted == 1
    fba = await stock_at(session, product_id=ids["MUG"], location_id=shop.fba.id)
    assert fba.on_hand == 4


async def test_in3_a_count_below_what_is_picked_for_sales_is_refused(
    session: AsyncSession, shop: Shop
):
    """Picked stock is set aside to ship: a count cannot take on hand below it."""
    ids = await _stocked(session, shop)
    sale = await _sell(session, shop, ProductLine(ids["MUG"], Decimal(6)))
    await pick_sale(session, sale_id=sale.id)
    warehouse = shop.warehouse.id  # read now: the rollback below expires the shop's records
    await session.commit()
    content = csv_file([HEADER, ["MUG", "Main warehouse", "4"]])
    with pytest.raises(ImportProblems) as refused:
        await import_stock_take(session, read_sheet(content, "count.csv"))
    await session.rollback()

    assert problems_of(refused.value) == [
        (
            2,
            "counted quantity",
            "6 are picked for sales waiting to ship: ship or unpick them before counting fewer",
        )
    ]
    mug = await stock_at(session, product_id=ids["MUG"], location_id=warehouse)
    assert mug.on_hand == 10
