"""Write what `create_sales` planned: one bulk INSERT per table for the whole batch."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from skuport.domain.inventory.purchasing.service import order_drop_ship_lines
from skuport.domain.inventory.records import remember_locked_id
from skuport.domain.inventory.sales.batch_requests import SalePlan
from skuport.domain.inventory.sales.bulk_insert import insert_rows
from skuport.domain.inventory.sales.invoicing import invoice_amounts
from skuport.domain.inventory.sales.models import (
    Invoice,
    InvoiceStatus,
    Payment,
    Sale,
    SaleLine,
    Shipment,
)
from skuport.domain.inventory.sales.stages import stages_of, stock_movement
from skuport.domain.inventory.stock.ledger import record_movements
from skuport.domain.inventory.stock.models import MovementKind


async def write_plans(session: AsyncSession, plans: list[SalePlan], *, now: datetime) -> None:
    """Sales, lines, stock movements, shipments, invoices and payments of the plans."""
    await _write_sales(session, plans, now)
    await record_movements(
        session,
        kind=MovementKind.ALLOCATION,
        movements=[m for plan in plans for m in _movements(plan)],
    )
    await insert_rows(session, Shipment, [_shipment(p, now) for p in plans if p.result.shipped])
    invoiced = [p for p in plans if p.request.invoice_status is not None]
    await _write_invoices(session, invoiced, now)
    await _write_payments(session, [p for p in invoiced if p.payment_amount is not None], now)
    for plan in plans:
        if plan.prepared.drop_ship:
            sale = await session.get(Sale, plan.result.sale_id)
            await order_drop_ship_lines(session, sale=sale, lines=plan.prepared.drop_ship)  # type: ignore[arg-type]
    await session.flush()


async def _write_sales(session: AsyncSession, plans: list[SalePlan], now: datetime) -> None:
    """The sales and their lines; the plans' results and line drafts learn their ids."""
    sale_ids = await insert_rows(
        session,
        Sale,
        [{**p.prepared.values, **p.stages, "created_at": now} for p in plans],
    )
    line_rows = []
    for plan, sale_id in zip(plans, sale_ids, strict=True):
        plan.result.sale_id = sale_id
        remember_locked_id(session, Sale, sale_id)
        line_rows += [line.columns(sale_id=sale_id) for line in plan.prepared.lines]
    line_ids = iter(await insert_rows(session, SaleLine, line_rows))
    for plan in plans:
        for line in plan.prepared.lines:
            line.id = next(line_ids)


def _movements(plan: SalePlan) -> list[dict[str, Any]]:
    """Per stock need: its allocation, then the movement of each stage the sale went through."""
    kinds = [MovementKind.ALLOCATION]
    if plan.result.picked:
        stages = stages_of(plan.request.fulfilment)
        kinds += [s.movement_kind for s in stages if s.movement_kind is not None]
    return [
        stock_movement(
            kind,
            quantity,
            product_id=product_id,
            location_id=plan.request.location_id,
            sale_id=plan.result.sale_id,  # type: ignore[arg-type]
            sale_line_id=line.id,
        )
        for line, product_id, quantity in plan.prepared.needs
        for kind in kinds
    ]


def _shipment(plan: SalePlan, now: datetime) -> dict[str, Any]:
    return {
        "sale_id": plan.result.sale_id,
        "carrier": plan.carrier,
        "tracking_number": plan.tracking_number,
        "shipped_at": now,
        "created_at": now,
    }


async def _write_invoices(session: AsyncSession, invoiced: list[SalePlan], now: datetime) -> None:
    invoice_ids = await insert_rows(
        session,
        Invoice,
        [
            {
                "sale_id": p.result.sale_id,
                "status": InvoiceStatus(p.request.invoice_status),  # type: ignore[arg-type]
                "invoice_date": p.request.invoice_date or now,
                "currency": p.prepared.values["currency"],
                "created_at": now,
                **invoice_amounts(p.prepared.lines),
            }
            for p in invoiced
        ],
    )
    for plan, invoice_id in zip(invoiced, invoice_ids, strict=True):
        plan.result.invoice_id = invoice_id
        remember_locked_id(session, Invoice, invoice_id)


async def _write_payments(session: AsyncSession, paying: list[SalePlan], now: datetime) -> None:
    payment_ids = await insert_rows(
        session,
        Payment,
        [
            {
                "invoice_id": p.result.invoice_id,
                "account_id": p.request.payment.account_id,  # type: ignore[union-attr]
                "amount": p.payment_amount,
                "paid_at": p.request.payment.paid_at or now,  # type: ignore[union-attr]
                "reference": p.payment_reference,
                "refund_of_id": None,
                "created_at": now,
            }
            for p in paying
        ],
    )
    for plan, payment_id in zip(paying, payment_ids, strict=True):
        plan.result.payment_id = payment_id
