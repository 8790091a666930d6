"""Sale task actions (IN-5, IN-6): create, pick, pack, ship, void. Operations' work."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

import strawberry

from skuport.domain.auth import Role
from skuport.domain.errors import DomainError
from skuport.domain.inventory.sales import models as m
from skuport.domain.inventory.sales.fulfilment import pack_sale, pick_sale, ship_sale
from skuport.domain.inventory.sales.lines import ChargeLine, ProductLine, ServiceLine
from skuport.domain.inventory.sales.service import create_sale, get_sale
from skuport.domain.inventory.sales.voiding import void_sale
from skuport.schema.context import Info
from skuport.schema.errors import InsufficientStock, InvalidInput, InvalidState, NotFound
from skuport.schema.inventory.common import (
    AddressInput,
    domain_address,
    quantity,
    refused,
    to_int,
    unit_of_work,
)
from skuport.schema.inventory.sales import ChargeKind, LineKind, Sale, Shipment, sale_view
from skuport.schema.permissions import FINANCIERS, OPERATORS, Forbidden, allow


@strawberry.input(
    description=(
        "One line. PRODUCT: productId, quantity (unitPrice defaults to the tier's price). "
        "SERVICE: description, quantity, unitPrice. CHARGE: chargeKind, amount, taxRuleId. "
        "taxAmount, when given, replaces the computed tax (Amazon supplies it)."
    )
)
class SaleLineInput:
    kind: LineKind  # type: ignore[valid-type]
    product_id: strawberry.ID | None = None
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    discount_percent: Decimal = Decimal(0)
    tax_rule_id: strawberry.ID | None = None
    tax_amount: Decimal | None = None
    description: str = ""
    sku: str = ""
    charge_kind: ChargeKind | None = None  # type: ignore[valid-type]
    amount: Decimal | None = None


@strawberry.input(description="A sale task typed by hand; an Amazon order uses the same path.")
class SaleInput:
    customer_id: strawberry.ID
    location_id: strawberry.ID
    lines: list[SaleLineInput]
    price_tier_id: strawberry.ID | None = None
    currency: str | None = None
    sales_rep: str = ""
    revenue_account_id: strawberry.ID | None = None
    reference: str = ""
    ordered_at: datetime | None = None
    billing_name: str = ""
    shipping_address: AddressInput | None = None


class _Missing(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _required(value: object, field: str, kind: str) -> object:
    if value is None:
        raise _Missing(field, f"a {kind} line needs {field.rsplit('.', 1)[-1]}")
    return value


def _line(data: SaleLineInput, index: int) -> ProductLine | ServiceLine | ChargeLine:
    """The domain's line for one input line; what its kind requires must be given."""
    field = f"lines[{index}]"
    kind = m.LineKind(data.kind)
    if kind == m.LineKind.PRODUCT:
        return ProductLine(
            product_id=to_int(_required(data.product_id, f"{field}.productId", kind)) or -1,  # type: ignore[arg-type]
            quantity=_required(data.quantity, f"{field}.quantity", kind),  # type: ignore[arg-type]
            unit_price=data.unit_price,
            discount_percent=data.discount_percent,
            tax_rule_id=to_int(data.tax_rule_id),
            tax_amount=data.tax_amount,
            description=data.description,
        )
    if kind == m.LineKind.SERVICE:
        return ServiceLine(
            description=data.description,
            quantity=_required(data.quantity, f"{field}.quantity", kind),  # type: ignore[arg-type]
            unit_price=_required(data.unit_price, f"{field}.unitPrice", kind),  # type: ignore[arg-type]
            tax_rule_id=to_int(data.tax_rule_id),
            tax_amount=data.tax_amount,
            discount_percent=data.discount_percent,
            sku=data.sku,
        )
    return ChargeLine(
        kind=m.ChargeKind(_required(data.charge_kind, f"{field}.chargeKind", kind)),
        amount=_required(data.amount, f"{field}.amount", kind),  # type: ignore[arg-type]
        tax_rule_id=to_int(_required(data.tax_rule_id, f"{field}.taxRuleId", kind)) or -1,  # type: ignore[arg-type]
        tax_amount=data.tax_amount,
        description=data.description,
    )


@strawberry.type
class SaleSaved:
    sale: Sale


@strawberry.type(description="A stock product the location lacks for a pick.")
class Shortage:
    product_id: strawberry.ID
    location_id: strawberry.ID
    needed: Decimal
    pickable: Decimal


@strawberry.type(description="The pick: picked, or left DRAFT with the shortages.")
class SalePicked:
    sale: Sale
    picked: bool
    shortages: list[Shortage]


@strawberry.type
class SaleShipped:
    sale: Sale
    shipment: Shipment


SaleResult = Annotated[
    SaleSaved | InvalidInput | NotFound | InvalidState, strawberry.union("SaleResult")
]
PickResult = Annotated[
    SalePicked | NotFound | InvalidState | InsufficientStock, strawberry.union("PickResult")
]
ShipResult = Annotated[
    SaleShipped | InvalidInput | NotFound | InvalidState | InsufficientStock,
    strawberry.union("ShipResult"),
]


@strawberry.type
class SaleActionsMutation:
    @strawberry.mutation(
        permission_classes=allow(*OPERATORS),
        description="Create a sale task: prices lines, allocates stock, orders drop-ship lines.",
    )
    async def create_sale(self, info: Info, input: SaleInput) -> SaleResult:  # type: ignore[valid-type]
        try:
            lines = [_line(line, i) for i, line in enumerate(input.lines)]
        except _Missing as exc:
            return InvalidInput(message=str(exc), field=exc.field)
        try:
            async with unit_of_work(info) as session:
                sale = await create_sale(
                    session,
                    customer_id=to_int(input.customer_id) or -1,
                    location_id=to_int(input.location_id) or -1,
                    lines=lines,
                    price_tier_id=to_int(input.price_tier_id),
                    currency=input.currency,
                    sales_rep=input.sales_rep,
                    revenue_account_id=to_int(input.revenue_account_id),
                    reference=input.reference,
                    ordered_at=input.ordered_at,
                    billing_name=input.billing_name,
                    shipping_address=domain_address(input.shipping_address),
                )
                view = await sale_view(session, sale)
        except DomainError as exc:
            return refused(exc)
        return SaleSaved(sale=view)

    @strawberry.mutation(
        permission_classes=allow(*OPERATORS),
        description="Pick the whole sale, or leave the pick DRAFT when stock is short.",
    )
    async def pick_sale(self, info: Info, sale_id: strawberry.ID) -> PickResult:  # type: ignore[valid-type]
        try:
            async with unit_of_work(info) as session:
                picked = await pick_sale(session, sale_id=to_int(sale_id) or -1)
                result = SalePicked(
                    sale=await sale_view(session, picked.sale),
                    picked=picked.picked,
                    shortages=[
                        Shortage(
                            product_id=strawberry.ID(str(s.product_id)),
                            location_id=strawberry.ID(str(s.location_id)),
                            needed=quantity(s.needed),
                            pickable=quantity(s.pickable),
                        )
                        for s in picked.shortages
                    ],
                )
        except DomainError as exc:
            return refused(exc)
        return result

    @strawberry.mutation(permission_classes=allow(*OPERATORS), description="Pack a picked sale.")
    async def pack_sale(self, info: Info, sale_id: strawberry.ID) -> SaleResult:  # type: ignore[valid-type]
        try:
            async with unit_of_work(info) as session:
                sale = await pack_sale(session, sale_id=to_int(sale_id) or -1)
                view = await sale_view(session, sale)
        except DomainError as exc:
            return refused(exc)
        return SaleSaved(sale=view)

    @strawberry.mutation(
        permission_classes=allow(*OPERATORS),
        description="Ship a packed sale with a carrier; its stock leaves the location.",
    )
    async def ship_sale(
        self,
        info: Info,
        sale_id: strawberry.ID,
        carrier: str,
        tracking_number: str = "",
        shipped_at: datetime | None = None,
    ) -> ShipResult:  # type: ignore[valid-type]
        try:
            async with unit_of_work(info) as session:
                shipment = await ship_sale(
                    session,
                    sale_id=to_int(sale_id) or -1,
                    carrier=carrier,
                    tracking_number=tracking_number,
                    shipped_at=shipped_at,
                )
                sale = await get_sale(session, sale_id=shipment.sale_id)
                result = SaleShipped(
                    sale=await sale_view(session, sale), shipment=Shipment.from_model(shipment)
                )
        except DomainError as exc:
            return refused(exc)
        return result

    @strawberry.mutation(
        permission_classes=allow(*OPERATORS, *FINANCIERS),
        description=(
            "Void: release allocations, put shipped stock back, keep the record (operations). "
            "A paid sale is refused unless refundPayments, which first refunds each payment to "
            "its account (finance)."
        ),
    )
    async def void_sale(
        self, info: Info, sale_id: strawberry.ID, reason: str = "", refund_payments: bool = False
    ) -> SaleResult:  # type: ignore[valid-type]
        # Refunding money is finance's call; voiding an unpaid sale is operations' work.
        needed = FINANCIERS if refund_payments else OPERATORS
        role = info.context.principal.role
        if role is not Role.ADMIN and role not in needed:
            raise Forbidden(role, needed)
        try:
            async with unit_of_work(info) as session:
                sale = await void_sale(
                    session,
                    sale_id=to_int(sale_id) or -1,
                    reason=reason,
                    refund_payments=refund_payments,
                )
                view = await sale_view(session, sale)
        except DomainError as exc:
            return refused(exc)
        return SaleSaved(sale=view)
