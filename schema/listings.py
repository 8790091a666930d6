"""The store catalog (CA-1 … CA-10): download, rows with filters, link / unlink / create."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

import strawberry

from skuport.domain.errors import DomainError
from skuport.domain.inventory.products.models import Product
from skuport.domain.jobs import Every, JobTarget
from skuport.domain.listings import models as m
from skuport.domain.listings.scheduled import CATALOG_DOWNLOAD, CATALOG_DOWNLOAD_WITH_OPENING_STOCK
from skuport.domain.listings.service import (
    CatalogFilter,
    Linked,
    RowOutcome,
    catalog_rows,
    create_products_for,
    link_entries,
    row_details,
    unlink_entries,
)
from skuport.domain.stores.models import Store
from skuport.schema.context import Info
from skuport.schema.errors import InvalidInput, NotFound, refused
from skuport.schema.ids import is_id, to_int
from skuport.schema.operations import JobStarted, OperationRun
from skuport.schema.pagination import Connection, paginate
from skuport.schema.permissions import OPERATORS, READERS, allow

CatalogStatus = strawberry.enum(m.CatalogStatus, name="CatalogStatus")
Fulfilment = strawberry.enum(m.Fulfilment, name="Fulfilment")
LinkSource = strawberry.enum(m.LinkSource, name="LinkSource")
LinkedFilter = strawberry.enum(Linked, name="LinkedFilter")


@strawberry.type(description="Our product a listing is linked to.")
class LinkedProduct:
    id: strawberry.ID
    sku: str
    name: str


# CA-2
@strawberry.type(description="An Amazon variation family of the store.")
class CatalogFamily:
    parent_asin: str
    title: str
    themes: list[str]
    product_family_id: strawberry.ID | None


@strawberry.type(description="One row of the catalog: a listing, or a family shown as one row.")
class CatalogRow:
    id: strawberry.ID = strawberry.field(description="The (first) catalog entry of the row.")
    is_family: bool
    marketplace_id: str
    seller_sku: str
    asin: str
    isbn: str
    title: str = strawberry.field(description="The listing's own title in its marketplace.")
    alias_name: str | None = strawberry.field(
        # ST-8
        description="The listing's title where it differs from our product's name."
    )
    status: CatalogStatus  # type: ignore[valid-type]
    fulfilment: Fulfilment  # type: ignore[valid-type]
    price: Decimal | None
    currency: str
    quantity: Decimal | None
    brand: str
    category: str
    option_values: list[str]
    family: CatalogFamily | None
    product: LinkedProduct | None
    link_source: LinkSource | None  # type: ignore[valid-type]
    first_seen_at: datetime
    last_seen_at: datetime
    canceled_at: datetime | None
    variants: list[CatalogRow] = strawberry.field(
        description="For a family row: its listings in this marketplace."
    )


# CA-6
@strawberry.input(description="Catalog filters. Defaults: only active, families as one row.")
class CatalogFilterInput:
    only_active: bool = True
    variations_separately: bool = False
    status: CatalogStatus | None = None  # type: ignore[valid-type]
    marketplace_id: str | None = None
    linked: LinkedFilter | None = None  # type: ignore[valid-type]
    search: str | None = None

    def to_domain(self) -> CatalogFilter:
        return CatalogFilter(
            only_active=self.only_active,
            variations_separately=self.variations_separately,
            status=self.status,
            marketplace_id=self.marketplace_id,
            linked=self.linked,
            search=self.search,
        )


@strawberry.type(description="What happened to one row of a link / unlink / create action.")
class CatalogRowOutcome:
    entry_id: strawberry.ID
    ok: bool
    message: str
    product_id: strawberry.ID | None


@strawberry.type
class CatalogActionDone:
    outcomes: list[CatalogRowOutcome]
    succeeded: int
    failed: int


CatalogActionResult = Annotated[
    CatalogActionDone | NotFound | InvalidInput, strawberry.union("CatalogActionResult")
]
DownloadCatalogResult = Annotated[JobStarted | NotFound, strawberry.union("DownloadCatalogResult")]


def _row(
    entry: m.CatalogEntry, products: dict[int, Product], variants: Sequence[m.CatalogEntry] = ()
) -> CatalogRow:
    product = products.get(entry.product_id) if entry.product_id else None
    family = entry.family
    return CatalogRow(
        id=strawberry.ID(str(entry.id)),
        is_family=bool(variants),
        marketplace_id=entry.marketplace_id,
        seller_sku=entry.seller_sku,
        asin=family.parent_asin if variants and family else entry.asin,
        isbn=entry.isbn,
        title=family.title if variants and family else entry.title,
        alias_name=entry.title if product and entry.title and entry.title != product.name else None,
        status=entry.status,
        fulfilment=entry.fulfilment,
        price=entry.price,
        currency=entry.currency,
        quantity=entry.quantity,
        brand=entry.brand,
        category=entry.category,
        option_values=list(entry.option_values),
        family=CatalogFamily(
            parent_asin=family.parent_asin,
            title=family.title,
            themes=list(family.themes),
            product_family_id=strawberry.ID(str(family.family_id)) if family.family_id else None,
        )
        if family
        else None,
        product=LinkedProduct(id=strawberry.ID(str(product.id)), sku=product.sku, name=product.name)
        if product
        else None,
        link_source=entry.link_source,
        first_seen_at=entry.first_seen_at,
        last_seen_at=entry.last_seen_at,
        canceled_at=entry.canceled_at,
        variants=[_row(v, products) for v in variants],
    )


def _ids(values: list[strawberry.ID], field: str) -> list[int] | InvalidInput:
    if not values:
        return InvalidInput(message="select at least one row", field=field)
    if not all(is_id(v) for v in values):
        return InvalidInput(message="ids must be numbers", field=field)
    return [int(v) for v in values]


def _done(outcomes: list[RowOutcome]) -> CatalogActionDone:
    return CatalogActionDone(
        outcomes=[
            CatalogRowOutcome(
                entry_id=strawberry.ID(str(o.entry_id)),
                ok=o.ok,
                message=o.message,
                product_id=strawberry.ID(str(o.product_id)) if o.product_id else None,
            )
            for o in outcomes
        ],
        succeeded=sum(o.ok for o in outcomes),
        failed=sum(not o.ok for o in outcomes),
    )


async def _row_action(
    info: Info,
    store_id: strawberry.ID,
    entry_ids: list[strawberry.ID],
    action: Callable[..., Awaitable[list[RowOutcome]]],
    **extra: Any,
) -> CatalogActionResult:  # type: ignore[valid-type]
    """Run a row action (link, unlink, create products) in one unit of work: the outcome of
    each row, or the typed error of a refusal."""
    ids = _ids(entry_ids, "entryIds")
    if isinstance(ids, InvalidInput):
        return ids
    try:
        async with info.context.services.units() as uow:
            outcomes = await action(uow.session, store_id=to_int(store_id), entry_ids=ids, **extra)
    except DomainError as exc:
        return refused(exc)
    return _done(outcomes)


@strawberry.type
class CatalogQuery:
    @strawberry.field(
        permission_classes=allow(*READERS),
        # CA-6
        description="The store's catalog, paged and filtered.",
    )
    async def catalog(
        self,
        info: Info,
        store_id: strawberry.ID,
        filter: CatalogFilterInput | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[CatalogRow]:
        wanted = (filter or CatalogFilterInput()).to_domain()
        async with info.context.services.units.reading() as session:
            page = await paginate(
                session,
                catalog_rows(to_int(store_id), wanted),
                key=m.CatalogEntry.id,
                first=first,
                after=after,
                convert=lambda entry: entry,
            )
            details = await row_details(
                session, entries=[edge.node for edge in page.edges], f=wanted
            )
            for edge in page.edges:
                variants = details.variants.get(edge.node.id, ())
                edge.node = _row(edge.node, details.products, variants)
        return page  # type: ignore[return-value]


@strawberry.type
class CatalogMutation:
    @strawberry.mutation(
        permission_classes=allow(*OPERATORS),
        # CA-1
        description="Download the store's catalog now; follow the run for progress.",
    )
    async def download_catalog(
        self,
        info: Info,
        store_id: strawberry.ID,
        import_opening_stock: Annotated[
            bool,
            strawberry.argument(
                # BX-6
                description="Also receive listing quantities as opening stock at the "
                "store's FBM location, for products without any stock history."
            ),
        ] = False,
    ) -> DownloadCatalogResult:  # type: ignore[valid-type]
        services = info.context.services
        async with services.units.reading() as session:
            store = await session.get(Store, to_int(store_id))
        if store is None:
            return NotFound(message=f"no store with id {store_id}", field="storeId")
        target = JobTarget(key=str(store.id), label=store.name, schedule=Every(60))
        principal = info.context.principal
        spec = CATALOG_DOWNLOAD_WITH_OPENING_STOCK if import_opening_stock else CATALOG_DOWNLOAD
        entry = await services.runner.start(
            spec, triggered_by=principal.name if principal else "", target=target
        )
        return JobStarted(run=OperationRun.from_model(entry))

    @strawberry.mutation(
        permission_classes=allow(*OPERATORS),
        # CA-7
        description="Link catalog rows to an existing product (one row or many).",
    )
    async def link_catalog_entries(
        self,
        info: Info,
        store_id: strawberry.ID,
        entry_ids: list[strawberry.ID],
        product_id: strawberry.ID,
    ) -> CatalogActionResult:  # type: ignore[valid-type]
        return await _row_action(
            info, store_id, entry_ids, link_entries, product_id=to_int(product_id)
        )

    @strawberry.mutation(
        permission_classes=allow(*OPERATORS),
        description="Unlink catalog rows.",  # CA-7
    )
    async def unlink_catalog_entries(
        self, info: Info, store_id: strawberry.ID, entry_ids: list[strawberry.ID]
    ) -> CatalogActionResult:  # type: ignore[valid-type]
        return await _row_action(info, store_id, entry_ids, unlink_entries)

    @strawberry.mutation(
        permission_classes=allow(*OPERATORS),
        # CA-7
        description="Create products for unlinked rows (only where no product has the SKU).",
    )
    async def create_products_from_catalog(
        self, info: Info, store_id: strawberry.ID, entry_ids: list[strawberry.ID]
    ) -> CatalogActionResult:  # type: ignore[valid-type]
        return await _row_action(info, store_id, entry_ids, create_products_for)
