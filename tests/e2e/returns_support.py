"""Helpers of the returns end-to-end tests (BX-1): a captured order's sale, refunds built from
its lines as Amazon would report them, and the domain rules applied in a unit of work."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select

from skuport.domain.amazon.returns import AmazonRefund, RefundCharge, RefundItem
from skuport.domain.inventory.sales.models import ChargeKind, Invoice, LineKind, Sale, SaleLine
from skuport.domain.orders.models import OrderLogEntry
from skuport.domain.stores.models import Store

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
AMAZON_CHARGE = {
    ChargeKind.SHIPPING: ("Shipping", "ShippingTax"),
    ChargeKind.GIFT_WRAP: ("GiftWrap", "GiftWrapTax"),
}


async def order_sale(sessions, store, order_id: str) -> tuple[Sale, Invoice, list[SaleLine]]:
    """The sale, invoice and lines the order was captured into (its own lines only)."""
    async with sessions() as session:
        entry = await session.scalar(
            select(OrderLogEntry).where(
                OrderLogEntry.store_id == int(store.id), OrderLogEntry.amazon_order_id == order_id
            )
        )
        sale = await session.get(Sale, entry.sale_id)
        invoice = await session.scalar(select(Invoice).where(Invoice.sale_id == sale.id))
        prefix = f"[{order_id}] "
        mine = [line for line in sale.lines if line.description.startswith(prefix)]
        return sale, invoice, mine or list(sale.lines)


def charge(kind: str, amount: Decimal | str, currency: str = "USD") -> RefundCharge:
    return RefundCharge(kind=kind, amount=Decimal(amount), currency=currency)


def refund_of(
    order_id: str, lines: list[SaleLine], *, key: str = "R1", currency: str = "USD"
) -> AmazonRefund:
    """A full refund of the order's lines, as Amazon reports it (negative for the seller):
    in tax-inclusive marketplaces (EU) the principal holds the tax, also reported as Tax."""
    products = [line for line in lines if line.kind is not LineKind.CHARGE]
    items = []
    for index, line in enumerate(products):
        principal = line.net if line.tax_given else line.total
        charges = [charge("Principal", -principal, currency), charge("Tax", -line.tax, currency)]
        if index == 0:
            for extra in (ln for ln in lines if ln.kind is LineKind.CHARGE):
                if extra.charge_kind in AMAZON_CHARGE:
                    name, tax = AMAZON_CHARGE[extra.charge_kind]
                    gross = extra.net if extra.tax_given else extra.total
                    charges += [charge(name, -gross, currency), charge(tax, -extra.tax, currency)]
                elif extra.charge_kind is not None and extra.charge_kind.is_discount:
                    charges.append(charge("Promotion", -extra.total, currency))
        items.append(
            RefundItem(
                sku=line.sku,
                order_item_id=None,
                quantity=int(line.quantity),
                charges=tuple(charges),
                fees=(charge("Commission", "1.50"), charge("RefundCommission", "-0.30")),
            )
        )
    return AmazonRefund(
        refund_key=key, order_id=order_id, marketplace_id=None, posted_at=NOW, items=tuple(items)
    )


async def apply(sessions, store, rule, row, **kwargs):
    """Apply one Amazon row with a domain rule (apply_refund, apply_fba_return, …) and commit."""
    async with sessions() as session, session.begin():
        saved = await session.get(Store, int(store.id))
        found = await rule(session, store=saved, now=NOW, **{_arg(rule): row}, **kwargs)
        return found.id


def _arg(rule) -> str:
    return "refund" if rule.__name__ == "apply_refund" else "row"
