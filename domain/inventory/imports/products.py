"""Importing products from a spreadsheet: every row checked first, then all created at once.

Columns (headers match whatever the case, spaces or underscores): sku and name (required),
barcode, category, brand, tax rule (by name), weight kg, type (stock or service) and one
`price <price tier name>` column per price tier. Each row becomes a product through
`create_products`, with the same checks as one created by hand; categories and brands named
for the first time are created. Any problem anywhere and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select
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
from skuport.domain.inventory.imports.sheets import ImportProblems, Problem, Sheet, header_key
from skuport.domain.inventory.products.checks import Taken
from skuport.domain.inventory.products.models import ProductPrice, ProductType
from skuport.domain.inventory.products.service import NewProduct, create_products
from skuport.domain.inventory.reference.models import PriceTier, TaxRule
from skuport.domain.inventory.values import optional_text, required_text

REQUIRED = ("sku", "name")
OPTIONAL = ("barcode", "category", "brand", "tax rule", "weight kg", "type")
PRICE = "price "
IMPORTABLE_TYPES = (ProductType.STOCK, ProductType.SERVICE)
# Text columns and their longest accepted value (the product's own limits).
_TEXTS = {"barcode": 50, "category": 200, "brand": 200}
# create_products' field names, as the columns of the file.
_COLUMN_OF_FIELD = {
    "sku": "sku",
    "name": "name",
    "barcode": "barcode",
    "category": "category",
    "brand": "brand",
    "type": "type",
    "weight_kg": "weight kg",
    "default_tax_rule_id": "tax rule",
}


def _archived(record: Any) -> bool:
    return bool(getattr(record, "archived", False))


@dataclass
class _Lookups:
    """What rows name, read once: tax rules and price tiers by lower-case name."""

    tax_rules: dict[str, TaxRule]
    tiers: dict[str, PriceTier]
    price_columns: dict[str, PriceTier] = field(default_factory=dict)  # key -> tier

    @classmethod
    async def load(cls, session: AsyncSession) -> _Lookups:
        return cls(
            tax_rules={r.name.lower(): r for r in await session.scalars(select(TaxRule))},
            tiers={header_key(t.name): t for t in await session.scalars(select(PriceTier))},
        )

    def judge_column(self, key: str) -> str | None:
        """Accept `price <tier>` for a tier that exists (and is in use); else say why not."""
        if not key.startswith(PRICE):
            return "unknown column"
        tier = self.tiers.get(key[len(PRICE) :])
        if tier is None or _archived(tier):
            names = ", ".join(f"'price {t.name}'" for t in self.tiers.values() if not _archived(t))
            return (
                f"no price tier is called {key[len(PRICE) :]!r} (price columns: {names or 'none'})"
            )
        self.price_columns[key] = tier
        return None


async def import_products(
    session: AsyncSession, sheet: Sheet, *, dry_run: bool = False
) -> ImportReport:
    """Create a product for each row, or refuse the whole sheet with every problem found.

    A dry run checks everything, creation included, and writes nothing.
    """
    lookups = await _Lookups.load(session)
    problems = list(sheet.problems)
    problems += check_columns(
        sheet, required=REQUIRED, optional=OPTIONAL, extra=lookups.judge_column
    )
    if any(key not in sheet.headers for key in REQUIRED):
        raise ImportProblems(problems)  # without its SKUs and names no row can be read
    drafts: list[tuple[int, NewProduct]] = []
    for row, values in sheet.rows:
        draft = _draft(sheet, row, values, lookups, problems)
        if draft is not None:
            drafts.append((row, draft))
    problems += _duplicates(sheet, drafts)
    problems += await _taken(session, sheet, drafts)
    if problems:
        raise ImportProblems(problems)
    await _create(session, sheet, drafts, lookups, dry_run=dry_run)
    created = plural(len(drafts), "product")
    message = (
        f"Checked {plural(len(sheet.rows), 'row')}: {created} would be created. "
        "Nothing was written (dry run)."
        if dry_run
        else f"Imported {created} from {sheet.name}."
    )
    return ImportReport(
        applied=not dry_run, rows_read=len(sheet.rows), created=len(drafts), message=message
    )


class _DryRun(Exception):
    """Undoes a dry run's creation (a savepoint rolled back)."""


async def _create(
    session: AsyncSession,
    sheet: Sheet,
    drafts: list[tuple[int, NewProduct]],
    lookups: _Lookups,
    *,
    dry_run: bool,
) -> None:
    """`create_products` for every row, in a savepoint: undone on a dry run or any refusal."""
    problems: list[Problem] = []
    try:
        async with session.begin_nested():
            # Prices go in afterwards, all in one statement (the ORM would insert them one by
            # one on SQLite). They were checked as create_products checks them: each cell by
            # `decimal_value` (at least 0), each tier read by its column in this transaction.
            prices = [dict(draft.prices) for _, draft in drafts]
            results = await create_products(
                session, [replace(draft, prices={}) for _, draft in drafts]
            )
            for (row, _), result in zip(drafts, results, strict=True):
                if isinstance(result, DomainError):
                    problems.append(_problem_of(sheet, row, result, lookups))
            if problems:
                raise ImportProblems(problems)
            await _insert_prices(session, results, prices)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass


async def _insert_prices(
    session: AsyncSession, products: list[Any], prices: list[dict[int, Decimal]]
) -> None:
    rows = [
        {"product_id": product.id, "price_tier_id": tier_id, "price": price}
        for product, product_prices in zip(products, prices, strict=True)
        for tier_id, price in product_prices.items()
    ]
    if rows:
        await session.execute(insert(ProductPrice), rows)


def _problem_of(sheet: Sheet, row: int, error: DomainError, lookups: _Lookups) -> Problem:
    """A refusal of `create_products` at the column of the file it concerns."""
    name = error.field or ""
    column = _COLUMN_OF_FIELD.get(name)
    if column is None and name.startswith("prices["):
        tier_id = name[len("prices[") : -1]
        for key, tier in lookups.price_columns.items():
            if str(tier.id) == tier_id:
                column = key
    return problem(row, sheet.header(column) if column else name, error)


def _draft(
    sheet: Sheet, row: int, values: dict[str, Any], lookups: _Lookups, problems: list[Problem]
) -> NewProduct | None:
    """The product a row describes, or None with its problems added (every cell is checked)."""
    found: list[Problem] = []

    def cell(key: str, check: Any) -> Any:
        try:
            return check(values.get(key))
        except DomainError as exc:
            found.append(problem(row, sheet.header(key), exc))
            return None

    sku = cell("sku", lambda v: required_text(text_of(v), field="sku", max_length=100))
    name = cell("name", lambda v: required_text(text_of(v), field="name", max_length=400))
    details: dict[str, Any] = {}
    for key, longest in _TEXTS.items():
        details[key] = cell(
            key, lambda v, n=longest: optional_text(text_of(v), field="", max_length=n)
        )
    details["weight_kg"] = cell("weight kg", lambda v: number_of(v, minimum=Decimal(0)))
    details["type"] = _type_of(sheet, row, values.get("type"), found)
    details["default_tax_rule_id"] = _tax_rule_of(
        sheet, row, values.get("tax rule"), lookups, found
    )
    prices: dict[int, Decimal] = {}
    for key, tier in lookups.price_columns.items():
        price = cell(key, lambda v: number_of(v, minimum=Decimal(0)))
        if price is not None:
            prices[tier.id] = price
    if found:
        problems.extend(found)
        return None
    details["category"] = details["category"] or None
    details["brand"] = details["brand"] or None
    return NewProduct(sku=sku, name=name, details=details, prices=prices)


def _type_of(sheet: Sheet, row: int, value: Any, found: list[Problem]) -> ProductType:
    text = text_of(value).lower()
    if not text:
        return ProductType.STOCK
    if text not in {t.value for t in IMPORTABLE_TYPES}:
        found.append(
            Problem(row, sheet.header("type"), f"{text!r} is not a type: write stock or service")
        )
    return ProductType.STOCK if text != "service" else ProductType.SERVICE


def _tax_rule_of(
    sheet: Sheet, row: int, value: Any, lookups: _Lookups, found: list[Problem]
) -> int | None:
    name = text_of(value)
    if not name:
        return None
    rule = lookups.tax_rules.get(name.lower())
    if rule is None or _archived(rule):
        known = ", ".join(sorted(r.name for r in lookups.tax_rules.values() if not _archived(r)))
        found.append(
            Problem(
                row,
                sheet.header("tax rule"),
                f"no tax rule is called {name!r} (tax rules: {known or 'none yet'})",
            )
        )
        return None
    return rule.id


def _duplicates(sheet: Sheet, drafts: list[tuple[int, NewProduct]]) -> list[Problem]:
    """A SKU or name on two rows of the file: the second is the problem."""
    problems = []
    for key in ("sku", "name"):
        first: dict[str, int] = {}
        for row, draft in drafts:
            value = getattr(draft, key).lower()
            if value in first:
                problems.append(
                    Problem(row, sheet.header(key), f"the same {key} is on row {first[value]}")
                )
            else:
                first[value] = row
    return problems


async def _taken(
    session: AsyncSession, sheet: Sheet, drafts: list[tuple[int, NewProduct]]
) -> list[Problem]:
    """A SKU or name some product already has: imports create products, they change none."""
    taken = await Taken.load(
        session,
        skus={draft.sku for _, draft in drafts},
        names={draft.name for _, draft in drafts},
    )
    problems = []
    for row, draft in drafts:
        if draft.sku.lower() in taken.skus:
            problems.append(
                Problem(
                    row, sheet.header("sku"), f"a product with SKU {draft.sku!r} already exists"
                )
            )
        if draft.name.lower() in taken.names:
            problems.append(
                Problem(row, sheet.header("name"), f"a product named {draft.name!r} already exists")
            )
    return problems
