"""Sale tasks (IN-5, IN-6) as read: lines, stages, shipments, invoice, drop-ship orders."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

import strawberry
from sqlalchemy import inspect, select
from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.errors import DomainError
from skuport.domain.inventory.purchasing import models as po
from skuport.domain.inventory.reference.models import Customer
from skuport.domain.inventory.sales import models as m
from skuport.domain.inventory.sales.service import get_sale, select_sales
from skuport.schema.context import Info
from skuport.schema.inventory.common import Address, money, quantity, reading, to_id, to_int
from skuport.schema.inventory.invoices import Invoice, invoices_of_sales
from skuport.schema.pagination import Connection, paginate
from skuport.schema.permissions import READERS, allow

SaleStatus = strawberry.enum(m.SaleStatus, name="SaleStatus")
StageStatus = strawberry.enum(m.StageStatus, name="StageStatus")
LineKind = strawberry.enum(m.LineKind, name="LineKind")
ChargeKind = strawberry.enum(m.ChargeKind, name="ChargeKind")
PurchaseOrderStatus = strawberry.enum(po.PurchaseOrderStatus, name="PurchaseOrderStatus")


@strawberry.type(description="A product, service or additional-charge line; net + tax = total.")
class SaleLine:
    id: strawberry.ID
    position: int
    kind: LineKind  # type: ignore[valid-type]
    charge_kind: ChargeKind | None  # type: ignore[valid-type]
    product_id: strawberry.ID | None
    sku: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    tax_rule_id: strawberry.ID
    tax_given: bool = strawberry.field(description="The tax amount was given (e.g. by Amazon).")
    net: Decimal
    tax: Decimal
    total: Decimal
    revenue_account_id: strawberry.ID | None
    drop_ship: bool

    @classmethod
    def from_model(cls, row: m.SaleLine) -> SaleLine:
        return cls(
            id=strawberry.ID(str(row.id)),
            position=row.position,
            kind=row.kind,
            charge_kind=row.charge_kind,
            product_id=to_id(row.product_id),
            sku=row.sku,
            description=row.description,
            quantity=quantity(row.quantity),
            unit_price=money(row.unit_price),
            discount_percent=quantity(row.discount_percent),
            tax_rule_id=strawberry.ID(str(row.tax_rule_id)),
            tax_given=row.tax_given,
            net=money(row.net),
            tax=money(row.tax),
            total=money(row.total),
            revenue_account_id=to_id(row.revenue_account_id),
            drop_ship=row.drop_ship,
        )


@strawberry.type(description="The sale's goods leaving the location with a carrier.")
class Shipment:
    id: strawberry.ID
    carrier: str
    tracking_number: str
    shipped_at: datetime

    @classmethod
    def from_model(cls, row: m.Shipment) -> Shipment:
        return cls(
            id=strawberry.ID(str(row.id)),
            carrier=row.carrier,
            tracking_number=row.tracking_number,
            shipped_at=row.shipped_at,
        )


@strawberry.type(description="Pick, pack and ship: DRAFT = tried and waiting for stock.")
class SaleStages:
    pick: StageStatus  # type: ignore[valid-type]
    pack: StageStatus  # type: ignore[valid-type]
    ship: StageStatus  # type: ignore[valid-type]


@strawberry.type
class DropShipOrderLine:
    product_id: strawberry.ID
    sale_line_id: strawberry.ID
    quantity: Decimal


# IN-6
@strawberry.type(description="A purchase order to a supplier who ships to our customer.")
class DropShipOrder:
    id: strawberry.ID
    number: str
    supplier_id: strawberry.ID
    sale_id: strawberry.ID
    status: PurchaseOrderStatus  # type: ignore[valid-type]
    ship_to: Address
    lines: list[DropShipOrderLine]

    @classmethod
    def from_model(cls, row: po.DropShipOrder) -> DropShipOrder:
        return cls(
            id=strawberry.ID(str(row.id)),
            number=row.number,
            supplier_id=strawberry.ID(str(row.supplier_id)),
            sale_id=strawberry.ID(str(row.sale_id)),
            status=row.status,
            ship_to=Address.from_dict(row.ship_to),
            lines=[
                DropShipOrderLine(
                    product_id=strawberry.ID(str(x.product_id)),
                    sale_line_id=strawberry.ID(str(x.sale_line_id)),
                    quantity=quantity(x.quantity),
                )
                for x in row.lines
            ],
        )


@strawberry.type(description="A sale task and where it stands.")
class Sale:
    id: strawberry.ID
    number: str
    customer_id: strawberry.ID
    customer_name: str
    location_id: strawberry.ID
    price_tier_id: strawberry.ID | None
    currency: str
    sales_rep: str
    revenue_account_id: strawberry.ID | None
    reference: str
    ordered_at: datetime
    billing_name: str
    shipping_address: Address
    status: SaleStatus  # type: ignore[valid-type]
    stages: SaleStages
    voided_at: datetime | None
    void_reason: str
    lines: list[SaleLine]
    shipments: list[Shipment]
    invoice: Invoice | None
    drop_ship_orders: list[DropShipOrder]


async def sale_views(session: AsyncSession, rows: Sequence[m.Sale]) -> list[Sale]:
    """Views of sales with everything they show: a fixed number of queries for any number."""
    for row in rows:
        # A sale created or changed in this session may not have its collections loaded yet.
        unloaded = [key for key in ("lines", "shipments") if key in inspect(row).unloaded]
        if unloaded:
            await session.refresh(row, unloaded)
    ids = [row.id for row in rows]
    invoices = await invoices_of_sales(session, ids)
    orders: dict[int, list[DropShipOrder]] = defaultdict(list)
    names: dict[int, str] = {}
    if ids:
        found = await session.scalars(
            select(po.DropShipOrder)
            .where(po.DropShipOrder.sale_id.in_(ids))
            .order_by(po.DropShipOrder.id)
        )
        for order in found:
            orders[order.sale_id].append(DropShipOrder.from_model(order))
        customer_ids = {row.customer_id for row in rows}
        named = await session.execute(
            select(Customer.id, Customer.name).where(Customer.id.in_(customer_ids))
        )
        names = {i: n for i, n in named}
    return [
        Sale(
            id=strawberry.ID(str(row.id)),
            number=row.number,
            customer_id=strawberry.ID(str(row.customer_id)),
            customer_name=names.get(row.customer_id, ""),
            location_id=strawberry.ID(str(row.location_id)),
            price_tier_id=to_id(row.price_tier_id),
            currency=row.currency,
            sales_rep=row.sales_rep,
            revenue_account_id=to_id(row.revenue_account_id),
            reference=row.reference,
            ordered_at=row.ordered_at,
            billing_name=row.billing_name,
            shipping_address=Address.from_dict(row.shipping_address),
            status=row.status,
            stages=SaleStages(pick=row.pick_status, pack=row.pack_status, ship=row.ship_status),
            voided_at=row.voided_at,
            void_reason=row.void_reason,
            lines=[SaleLine.from_model(line) for line in row.lines],
            shipments=[Shipment.from_model(s) for s in row.shipments],
            invoice=invoices.get(row.id),
            drop_ship_orders=orders.get(row.id, []),
        )
        for row in rows
    ]


async def sale_view(session: AsyncSession, row: m.Sale) -> Sale:
    return (await sale_views(session, [row]))[0]


@strawberry.type
class SalesQuery:
    @strawberry.field(permission_classes=allow(*READERS), description="Sale tasks, newest first.")
    async def sales(
        self,
        info: Info,
        status: SaleStatus | None = None,  # type: ignore[valid-type]
        customer_id: strawberry.ID | None = None,
        reference: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Sale]:
        statement = select_sales(
            customer_id=to_int(customer_id), status=status, reference=reference
        ).order_by(None)
        async with reading(info) as session:
            page = await paginate(
                session, statement, key=m.Sale.id, first=first, after=after, convert=lambda r: r
            )
            views = await sale_views(session, [edge.node for edge in page.edges])
        for edge, view in zip(page.edges, views, strict=True):
            edge.node = view
        return page  # type: ignore[return-value]

    @strawberry.field(permission_classes=allow(*READERS))
    async def sale(self, info: Info, id: strawberry.ID) -> Sale | None:
        async with reading(info) as session:
            try:
                row = await get_sale(session, sale_id=to_int(id) or -1)
            except DomainError:
                return None
            return await sale_view(session, row)

    @strawberry.field(
        permission_classes=allow(*READERS), description="Drop-ship purchase orders, newest first."
    )
    async def drop_ship_orders(
        self,
        info: Info,
        sale_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[DropShipOrder]:
        statement = select(po.DropShipOrder)
        if sale_id is not None:
            statement = statement.where(po.DropShipOrder.sale_id == to_int(sale_id))
        async with reading(info) as session:
            return await paginate(
                session,
                statement,
                key=po.DropShipOrder.id,
                first=first,
                after=after,
                convert=DropShipOrder.from_model,
            )
