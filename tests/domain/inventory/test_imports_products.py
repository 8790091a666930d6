"""Issue 18 / IN-1: products imported from a CSV or Excel file, every problem listed first."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from openpyxl.worksheet.formula import ArrayFormula
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.inventory.imports import (
    ImportFormat,
    ImportKind,
    ImportProblems,
    import_products,
    import_template,
    read_sheet,
    sheet_of_rows,
)
from skuport.domain.inventory.imports import sheets as sheets_module
from skuport.domain.inventory.models import Brand, Category, Product, ProductType
from skuport.domain.inventory.products.retiring import archive_category, create_category
from skuport.domain.inventory.products.service import find_product_by_sku
from tests.domain.inventory.conftest import Shop, row_counts, stock_product
from tests.domain.inventory.imports_support import csv_file, problems_of, xlsx_file, xlsx_rows

HEADER = ["sku", "name", "barcode", "category", "brand", "tax rule", "weight kg", "price Amazon US"]


async def _import(session: AsyncSession, content: bytes, name: str, **options):  # type: ignore[no-untyped-def]
    return await import_products(session, read_sheet(content, name), **options)


async def _refused(session: AsyncSession, content: bytes, name: str) -> list[tuple[int, str, str]]:
    with pytest.raises(ImportProblems) as refused:
        await _import(session, content, name)
    await session.rollback()
    return problems_of(refused.value)


async def test_in1_a_good_csv_creates_every_product_with_its_prices_and_names(
    session: AsyncSession, shop: Shop
):
    """Semicolons, a byte-order mark and headers in any case: what spreadsheets save."""
    content = csv_file(
        [
            ["SKU", "Name", "Barcode", "Category", "Brand", "Tax Rule", "Weight_kg",
             "price amazon us", "Price Amazon DE", "Type"],
            ["MUG-1", "Blue mug", "0123456789012", "Kitchen", "Acme", "VAT 20", "0,35".replace(
                ",", "."), "12.99", "11.49", ""],
            ["FIT-1", "Fitting service", "", "", "", "tax free", "", "20", "", "service"],
        ],
        delimiter=";",
        bom=True,
    )  # fmt: skip
    report = await _import(session, content, "catalog.csv")
    await session.commit()

    assert (report.applied, report.rows_read, report.created) == (True, 2, 2)
    assert report.message == "Imported 2 products from catalog.csv."
    mug = await find_product_by_sku(session, sku="MUG-1")
    assert mug is not None and mug.name == "Blue mug" and mug.barcode == "0123456789012"
    assert mug.type == ProductType.STOCK and mug.weight_kg == Decimal("0.35")
    assert mug.default_tax_rule_id == shop.vat.id
    assert mug.price_in(shop.usd.id) == Decimal("12.99")
    assert mug.price_in(shop.eur.id) == Decimal("11.49")
    assert (await session.get(Category, mug.category_id)).name == "Kitchen"
    assert (await session.get(Brand, mug.brand_id)).name == "Acme"
    fitting = await find_product_by_sku(session, sku="FIT-1")
    assert fitting.type == ProductType.SERVICE and fitting.default_tax_rule_id == shop.tax_free.id
    assert fitting.category_id is None and fitting.price_in(shop.eur.id) is None


async def test_in1_a_good_excel_file_reads_numbers_as_values(session: AsyncSession, shop: Shop):
    """Excel keeps numbers as numbers: a barcode typed as one keeps its digits, 9.99 stays 9.99."""
    content = xlsx_file(
        [
            HEADER,
            ["CAP-1", "Red cap", 5012345678900, "Hats", None, "Sales tax", 0.2, 9.99],
            [None, None, None, None, None, None, None, None],  # a blank row is skipped
            ["CAP-2", "Green cap", None, "Hats", "Acme", None, 1, 15],
        ]
    )
    report = await _import(session, content, "caps.xlsx")
    await session.commit()

    assert (report.rows_read, report.created) == (2, 2)
    cap = await find_product_by_sku(session, sku="CAP-1")
    assert cap.barcode == "5012345678900" and cap.weight_kg == Decimal("0.2")
    assert cap.price_in(shop.usd.id) == Decimal("9.99")
    assert (await find_product_by_sku(session, sku="CAP-2")).price_in(shop.usd.id) == 15
    assert await session.scalar(select(func.count()).select_from(Category)) == 1


async def test_in1_every_problem_is_listed_by_row_and_column_and_nothing_is_imported(
    session: AsyncSession, shop: Shop
):
    """Unknown tax rule, bad numbers, text too long, unknown type: all at once, nothing written."""
    await stock_product(session, shop, "OLD-1")
    await session.commit()
    before = await row_counts(session)
    content = csv_file(
        [
            [*HEADER, "type"],
            ["NEW-1", "Fine product", "", "", "", "VAT 20", "1", "5", ""],
            ["NEW-2", "Taxed wrongly", "", "", "", "VAT 99", "-1", "-5", ""],
            ["", "No SKU", "9" * 51, "", "", "", "heavy", "1.23456", "kit"],
        ]
    )
    problems = await _refused(session, content, "bad.csv")

    assert problems == [
        (3, "price Amazon US", "must be at least 0, got -5"),
        (3, "tax rule", "no tax rule is called 'VAT 99' (tax rules: Sales tax, Tax free, VAT 20)"),
        (3, "weight kg", "must be at least 0, got -1"),
        (4, "barcode", "must be at most 50 characters"),
        (4, "price Amazon US", "1.23456 has more than 4 decimal places"),
        (4, "sku", "must not be empty"),
        (4, "type", "'kit' is not a type: write stock or service"),
        (4, "weight kg", "'heavy' is not a number"),
    ]
    assert await row_counts(session) == before


async def test_in1_a_duplicate_sku_in_the_file_or_in_the_catalog_is_refused(
    session: AsyncSession, shop: Shop
):
    await stock_product(session, shop, "OLD-1")
    await session.commit()
    before = await row_counts(session)
    content = csv_file(
        [
            ["sku", "name"],
            ["NEW-1", "New one"],
            ["new-1", "New one again"],
            ["old-1", "Product OLD-1"],
        ]
    )
    problems = await _refused(session, content, "dupes.csv")

    assert problems == [
        (3, "sku", "the same sku is on row 2"),
        (4, "name", "a product named 'Product OLD-1' already exists"),
        (4, "sku", "a product with SKU 'old-1' already exists"),
    ]
    assert await row_counts(session) == before


async def test_in1_columns_are_checked_against_the_header_row(session: AsyncSession, shop: Shop):
    """A missing name column, an unknown column, a price column of no price tier."""
    content = csv_file([["sku", "colour", "price Amazon FR"], ["A-1", "red", "3"]])
    problems = await _refused(session, content, "columns.csv")

    expected = "sku, name, barcode, category, brand, tax rule, weight kg, type"
    assert problems == [
        (1, "colour", f"unknown column; the columns are: {expected}"),
        (1, "name", "this column is missing: add it to the header row"),
        (
            1,
            "price Amazon FR",
            "no price tier is called 'amazon fr' (price columns: 'price Amazon US', "
            f"'price Amazon DE'); the columns are: {expected}",
        ),
    ]


async def test_in1_a_csv_that_is_not_utf8_is_refused_saying_how_to_save_it(
    session: AsyncSession, shop: Shop
):
    content = csv_file(
        [["sku", "name"], ["MUG-1", "Mug"], ["CAFE-1", "Café crème"]], encoding="latin-1"
    )
    problems = await _refused(session, content, "latin.csv")

    assert problems == [
        (
            3,
            "",
            "the file is not UTF-8 text: save it as 'CSV UTF-8' (or as .xlsx) and import it again",
        )
    ]
    assert await find_product_by_sku(session, sku="MUG-1") is None


async def test_in1_an_excel_cell_with_a_formula_is_a_problem_at_its_cell(
    session: AsyncSession, shop: Shop
):
    array = ArrayFormula("H3", "=SUM(H1:H2)")
    content = xlsx_file(
        [
            HEADER,
            ["A-1", "Mug", None, None, None, None, "=0.2+0.1", 5],
            ["A-2", "Cup", None, None, None, None, None, array],
        ]
    )
    problems = await _refused(session, content, "formulas.xlsx")

    assert problems == [
        (2, "weight kg", "this cell holds a formula: type the value, not a formula"),
        (3, "price Amazon US", "this cell holds a formula: type the value, not a formula"),
    ]
    assert await find_product_by_sku(session, sku="A-2") is None


async def test_in1_a_dry_run_checks_everything_and_writes_nothing(
    session: AsyncSession, shop: Shop
):
    before = await row_counts(session)
    content = csv_file([["sku", "name", "category"], ["A-1", "Mug", "New category"]])
    report = await _import(session, content, "dry.csv", dry_run=True)
    await session.commit()

    assert (report.applied, report.created) == (False, 1)
    assert "Nothing was written (dry run)" in report.message
    assert await row_counts(session) == before


async def test_in1_rows_sent_without_a_file_follow_the_same_rules(
    session: AsyncSession, shop: Shop
):
    rows = [
        {"sku": "R-1", "name": "Row one", "price Amazon US": Decimal("2.50")},
        {"sku": "R-1", "name": "Row two"},
    ]
    with pytest.raises(ImportProblems) as refused:
        await import_products(session, sheet_of_rows("rows", rows))
    await session.rollback()
    assert problems_of(refused.value) == [(3, "sku", "the same sku is on row 2")]
    report = await import_products(session, sheet_of_rows("rows", rows[:1]))
    assert report.created == 1
    assert (await find_product_by_sku(session, sku="R-1")).price_in(shop.usd.id) == Decimal("2.5")


@pytest.mark.parametrize("format", [ImportFormat.CSV, ImportFormat.XLSX])
async def test_in1_the_template_round_trips(session: AsyncSession, shop: Shop, format):
    """Download the template, replace its example row with real ones, import it."""
    template = await import_template(session, ImportKind.PRODUCTS, format)
    assert template.file_name == f"products-template.{format.value}"
    if format is ImportFormat.CSV:
        lines = template.content.decode("utf-8").splitlines()
        header = lines[0].split(",")
        assert lines[1].startswith("MUG-RED-350,Red mug 350 ml,5012345678900,")
        filled = csv_file([header, ["T-1", "Teapot", "", "Kitchen", "", "VAT 20", "1.1", "",
                                    "25", "21"]])  # fmt: skip
    else:
        header, example = xlsx_rows(template.content)
        assert example[:2] == ["MUG-RED-350", "Red mug 350 ml"]
        filled = xlsx_file([header, ["T-1", "Teapot", None, "Kitchen", None, "VAT 20", 1.1,
                                     None, 25, 21]])  # fmt: skip
    assert header[-2:] == ["price Amazon US", "price Amazon DE"]

    report = await _import(session, filled, template.file_name)
    teapot = await find_product_by_sku(session, sku="T-1")
    assert report.created == 1 and teapot.weight_kg == Decimal("1.1")
    assert (teapot.price_in(shop.usd.id), teapot.price_in(shop.eur.id)) == (25, 21)


async def test_in1_a_file_too_big_or_with_too_many_rows_is_refused(
    session: AsyncSession, shop: Shop, monkeypatch
):
    monkeypatch.setattr(sheets_module, "MAX_ROWS", 2)
    content = csv_file([["sku", "name"], *([f"S-{i}", f"P {i}"] for i in range(3))])
    assert await _refused(session, content, "many.csv") == [
        (0, "", "the file has more than 2 rows: split it")
    ]
    monkeypatch.setattr(sheets_module, "MAX_BYTES", 1024 * 1024)
    assert await _refused(session, content + b"x" * 1024 * 1024, "big.csv") == [
        (0, "", "the file is larger than 1 MB: split it")
    ]
    assert await session.scalar(select(func.count()).select_from(Product)) == 0


async def test_in1_an_excel_date_or_true_false_in_a_number_column_is_a_problem(
    session: AsyncSession, shop: Shop
):
    """Excel turns 1/2 into a date: the cell is named, not read as some number."""
    content = xlsx_file([HEADER, ["D-1", "Dated", None, None, None, None, date(2026, 1, 2), True]])
    problems = await _refused(session, content, "dates.xlsx")

    assert problems == [
        (2, "price Amazon US", "TRUE is not a number"),
        (2, "weight kg", "2026-01-02 00:00:00 is a date or time, not a number"),
    ]


async def test_in1_a_refusal_while_creating_undoes_the_rows_already_created(
    session: AsyncSession, shop: Shop, monkeypatch
):
    """Nothing half-imported: should creation refuse the last row (a rule the checks before it
    do not repeat), the products, categories and prices of the rows before it are undone."""
    from skuport.domain.errors import InvalidValue
    from skuport.domain.inventory.imports import products as imports

    async def refusing_the_last(session, drafts):  # type: ignore[no-untyped-def]
        *made, _last = await create_products(session, drafts)
        return [*made, InvalidValue("weight_kg", "refused while creating")]

    create_products = imports.create_products
    monkeypatch.setattr(imports, "create_products", refusing_the_last)
    before = await row_counts(session)
    content = csv_file(
        [["sku", "name", "category", "price Amazon US"], ["A-1", "One", "Mugs", "1"],
         ["A-2", "Two", "Cups", "2"]]
    )  # fmt: skip
    with pytest.raises(ImportProblems) as refused:
        await _import(session, content, "late.csv")
    await session.commit()  # as after any refusal: committing writes nothing

    assert problems_of(refused.value) == [(3, "weight kg", "refused while creating")]
    assert await row_counts(session) == before


async def test_in1_an_archived_category_or_brand_is_a_problem_at_its_row(
    session: AsyncSession, shop: Shop
):
    """An archived category or brand is offered nowhere new, imports included: the row says so
    (the rest of the file is still checked) and nothing is written."""
    old = await create_category(session, name="Old range")
    await archive_category(session, category_id=old.id)
    await session.commit()
    before = await row_counts(session)
    content = csv_file(
        [
            ["sku", "name", "category", "brand"],
            ["NEW-1", "New one", "old range", "Acme"],
            ["NEW-2", "New two", "Kitchen", "Acme"],
        ]
    )
    problems = await _refused(session, content, "archived.csv")

    assert problems == [
        (
            2,
            "category",
            "the category 'old range' is archived: restore it in the back office or name another",
        )
    ]
    assert await row_counts(session) == before
