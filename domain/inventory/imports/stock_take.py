"""Importing a stock take: the quantity counted of each product at each location (IN-3).

Columns: sku, location (by name) and counted quantity, all required. Every row is checked
first; then each count is applied with `count_stock`, the rule of a count made by hand: the
difference is an adjustment with the reason "stock take <file>", a matching count changes
nothing. The adjustments change availability, so the stock push sends the new quantities to
Amazon once the import commits (IN-8, SY-1). Any problem anywhere and nothing is written.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.errors import DomainError
from skuport.domain.inventory.imports.cells import (
    ImportReport,
    check_columns,
    number_of,
    plural,
    problem,
    text_of,
)
from skuport.domain.inventory.imports.sheets import ImportProblems, Problem, Sheet
from skuport.domain.inventory.products.models import Product, ProductType
from skuport.domain.inventory.stock.ledger import figures_for, lock_products
from skuport.domain.inventory.stock.models import Location
from skuport.domain.inventory.stock.service import count_stock

SKU, LOCATION, COUNTED = "sku", "location", "counted quantity"
REQUIRED = (SKU, LOCATION, COUNTED)
REASON = "stock take"
SKUS_PER_READ = 500

Count = tuple[int, int, Decimal]  # product id, location id, counted


async def import_stock_take(
    session: AsyncSession, sheet: Sheet, *, dry_run: bool = False
) -> ImportReport:
    """Set on hand to each counted quantity, or refuse the whole sheet with every problem."""
    problems = list(sheet.problems) + check_columns(sheet, required=REQUIRED)
    if problems and any(key not in sheet.headers for key in REQUIRED):
        raise ImportProblems(problems)
    products = await _products_by_sku(session, [text_of(v.get(SKU)) for _, v in sheet.rows])
    locations = {
        loc.name.lower(): loc
        for loc in await session.scalars(select(Location))
        if not getattr(loc, "archived", False)
    }
    counts: dict[int, Count] = {}
    seen: dict[tuple[int, int], int] = {}
    for row, values in sheet.rows:
        count = _count_of(sheet, row, values, products, locations, problems)
        if count is None:
            continue
        pair = count[:2]
        if pair in seen:
            problems.append(
                Problem(row, sheet.header(SKU), f"this SKU and location are on row {seen[pair]}")
            )
            continue
        seen[pair] = row
        counts[row] = count
    changed = await _changed(session, sheet, counts, problems)
    if problems:
        raise ImportProblems(problems)
    if not dry_run:
        await _apply(session, sheet, changed)
    unchanged = len(counts) - len(changed)
    summary = f"{plural(len(changed), 'adjustment')}, {unchanged:,} unchanged"
    message = (
        f"Checked {plural(len(sheet.rows), 'row')}: {summary}. Nothing was written (dry run)."
        if dry_run
        else f"Stock take {sheet.name} applied: {summary}."
    )
    return ImportReport(
        applied=not dry_run,
        rows_read=len(sheet.rows),
        adjusted=len(changed),
        unchanged=unchanged,
        message=message,
    )


async def _products_by_sku(session: AsyncSession, skus: list[str]) -> dict[str, Product]:
    wanted = sorted({sku.lower() for sku in skus if sku})
    found: dict[str, Product] = {}
    for start in range(0, len(wanted), SKUS_PER_READ):
        chunk = wanted[start : start + SKUS_PER_READ]
        for product in await session.scalars(
            select(Product).where(func.lower(Product.sku).in_(chunk))
        ):
            found[product.sku.lower()] = product
    if len(found) < len(wanted):
        # SQLite's lower() leaves non-ASCII letters as they are: look those up as written.
        rest = [sku for sku in skus if sku and sku.lower() not in found]
        for start in range(0, len(rest), SKUS_PER_READ):
            for product in await session.scalars(
                select(Product).where(Product.sku.in_(rest[start : start + SKUS_PER_READ]))
            ):
                found[product.sku.lower()] = product
    return found


def _count_of(
    sheet: Sheet,
    row: int,
    values: dict[str, Any],
    products: dict[str, Product],
    locations: dict[str, Location],
    problems: list[Problem],
) -> Count | None:
    """The (product, location, counted) of a row, or None with its problems added."""
    found: list[Problem] = []
    sku = text_of(values.get(SKU))
    product = products.get(sku.lower())
    if not sku:
        found.append(Problem(row, sheet.header(SKU), "the SKU is missing"))
    elif product is None:
        found.append(Problem(row, sheet.header(SKU), f"no product has SKU {sku!r}"))
    elif product.type != ProductType.STOCK:
        found.append(
            Problem(row, sheet.header(SKU), f"{product.sku} is a {product.type}: it holds no stock")
        )
    name = text_of(values.get(LOCATION))
    location = locations.get(name.lower())
    if location is None:
        known = ", ".join(sorted(loc.name for loc in locations.values()))
        message = f"no location is called {name!r}" if name else "the location is missing"
        found.append(Problem(row, sheet.header(LOCATION), f"{message} (locations: {known})"))
    counted = None
    try:
        counted = number_of(values.get(COUNTED), minimum=Decimal(0))
        if counted is None:
            found.append(Problem(row, sheet.header(COUNTED), "the counted quantity is missing"))
    except DomainError as exc:
        found.append(problem(row, sheet.header(COUNTED), exc))
    if found or product is None or location is None or counted is None:
        problems.extend(found)
        return None
    return product.id, location.id, counted


async def _changed(
    session: AsyncSession, sheet: Sheet, counts: dict[int, Count], problems: list[Problem]
) -> dict[int, Count]:
    """The counts that differ from on hand; a count below what is picked is a problem."""
    figures = await figures_for(session, [(p, loc) for p, loc, _ in counts.values()])
    changed = {}
    for row, (product_id, location_id, counted) in counts.items():
        figure = figures[(product_id, location_id)]
        if counted == figure.on_hand:
            continue
        if counted < figure.picked:
            problems.append(
                Problem(
                    row,
                    sheet.header(COUNTED),
                    f"{_plain(figure.picked)} are picked for sales waiting to ship: "
                    "ship or unpick them before counting fewer",
                )
            )
        changed[row] = (product_id, location_id, counted)
    return changed


def _plain(quantity: Decimal) -> str:
    """A quantity as people write it: 6, 2.5 (not 6.0000)."""
    return f"{quantity.normalize():f}"


async def _apply(session: AsyncSession, sheet: Sheet, changed: dict[int, Count]) -> None:
    """Each count through `count_stock`; a refusal now is a problem and undoes them all."""
    await lock_products(session, [product_id for product_id, _, _ in changed.values()])
    reason = f"{REASON} {sheet.name}"[:400]
    problems = []
    async with session.begin_nested():
        for row, (product_id, location_id, counted) in changed.items():
            try:
                await count_stock(
                    session,
                    product_id=product_id,
                    location_id=location_id,
                    counted=counted,
                    reason=reason,
                )
            except DomainError as exc:
                problems.append(problem(row, sheet.header(COUNTED), exc))
        if problems:
            raise ImportProblems(problems)
