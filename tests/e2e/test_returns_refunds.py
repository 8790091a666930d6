"""Amazon refunds into the books (BX-1): credit notes exactly as refunded, refund payments,
partial and consolidated refunds, refunds of orders never captured, the same refund twice."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from sqlalchemy import func, select

from skuport.domain.inventory.credit_notes.models import CreditNote
from skuport.domain.inventory.sales.invoicing import authorise_invoice
from skuport.domain.inventory.sales.models import Invoice, LineKind, Payment
from skuport.domain.returns import RefundStatus, ReturnedRefund, list_refunds, retry_refund
from skuport.domain.returns.refunds import apply_refund
from tests.e2e import test_orders_support as support
from tests.e2e.orders_processing_support import attention_for, new_order
from tests.e2e.returns_support import NOW, apply, charge, order_sale, refund_of
from tests.e2e.test_orders_support import PROCESS

amazon, shop, scheduled, drain = support.amazon, support.shop, support.scheduled, support.drain


async def paid_order(gql, shop, amazon, scheduled, sessions, region="NA", **settings):
    """A store with a payment account, invoices authorised, and one order captured and paid."""
    store = await shop(region, invoiceStatus="AUTHORISED", **settings)
    await gql(support.SETTINGS, storeId=store.id, settings={"paymentAccountId": str(store.bank_id)})
    order, _, _ = await new_order(amazon, store, sessions)
    await scheduled(store.id)
    return store, order


async def refunds(sessions, store):
    async with sessions() as session:
        return await list_refunds(session, store_id=int(store.id), limit=100)


async def invoice_now(sessions, invoice_id: int) -> Invoice:
    async with sessions() as session:
        return await session.get(Invoice, invoice_id)


async def test_a_full_refund_credits_the_whole_invoice_and_refunds_the_payment(
    gql, shop, amazon, scheduled, sessions
):
    """BX-1: a full refund is a credit note of every line and a refund payment of the total."""
    store, order = await paid_order(gql, shop, amazon, scheduled, sessions)
    _, invoice, lines = await order_sale(sessions, store, order["orderId"])
    await apply(sessions, store, apply_refund, refund_of(order["orderId"], lines))
    [row] = await refunds(sessions, store)
    assert row.status is RefundStatus.CREDITED and row.amount == invoice.total
    after = await invoice_now(sessions, invoice.id)
    [note] = after.credit_notes
    assert (note.total, note.tax_total) == (invoice.total, invoice.tax_total)
    assert {line.sale_line_id for line in note.lines} == {line.id for line in lines}
    refund = next(p for p in after.payments if p.amount < 0)
    assert refund.amount == -invoice.total and refund.account_id == store.bank_id
    assert row.credit_note_id == note.id and row.payment_id == refund.id


async def test_the_same_refund_read_twice_is_credited_once(gql, shop, amazon, scheduled, sessions):
    """BX-1: a refund seen again (same key) changes nothing."""
    store, order = await paid_order(gql, shop, amazon, scheduled, sessions)
    _, invoice, lines = await order_sale(sessions, store, order["orderId"])
    refund = refund_of(order["orderId"], lines)
    await apply(sessions, store, apply_refund, refund)
    await apply(sessions, store, apply_refund, refund)
    async with sessions() as session:
        notes = await session.scalar(select(func.count(CreditNote.id)))
        payments = await session.scalar(
            select(func.count(Payment.id)).where(Payment.invoice_id == invoice.id)
        )
    assert (notes, payments) == (1, 2)
    assert len(await refunds(sessions, store)) == 1


async def test_a_partial_refund_credits_exactly_what_amazon_refunded(
    gql, shop, amazon, scheduled, sessions
):
    """BX-1: one unit refunded at Amazon's figures (not a share of the line) is credited."""
    store, order = await paid_order(gql, shop, amazon, scheduled, sessions)
    _, invoice, lines = await order_sale(sessions, store, order["orderId"])
    line = next(ln for ln in lines if ln.kind is not LineKind.CHARGE)
    refund = refund_of(order["orderId"], [line])
    item = replace(
        refund.items[0], quantity=1, charges=(charge("Principal", "-3.17"), charge("Tax", "-0.26"))
    )
    await apply(sessions, store, apply_refund, replace(refund, items=(item,)))
    after = await invoice_now(sessions, invoice.id)
    [note] = after.credit_notes
    [credited] = note.lines
    assert (credited.sale_line_id, credited.quantity) == (line.id, 1)
    assert (credited.net, credited.tax, credited.total) == (
        Decimal("3.17"),
        Decimal("0.26"),
        Decimal("3.43"),
    )
    assert next(p for p in after.payments if p.amount < 0).amount == Decimal("-3.43")


async def test_a_refund_of_an_order_never_captured_needs_attention(
    gql, shop, amazon, scheduled, sessions
):
    """BX-1, BX-3: nothing to credit: the refund waits in the attention queue with its reason."""
    store, order = await paid_order(gql, shop, amazon, scheduled, sessions)
    _, _, lines = await order_sale(sessions, store, order["orderId"])
    stranger = replace(refund_of(order["orderId"], lines), order_id="111-0000000-0000001")
    await apply(sessions, store, apply_refund, stranger)
    [row] = await refunds(sessions, store)
    assert row.status is RefundStatus.NEEDS_ATTENTION and "never captured" in row.problem
    [item] = await attention_for(gql, store, "111-0000000-0000001")
    assert (item["stage"], item["reason"]) == ("refund", "refund_of_uncaptured_order")
    async with sessions() as session, session.begin():
        again = await retry_refund(session, refund_id=row.id, now=NOW)
        assert again.status is RefundStatus.NEEDS_ATTENTION


async def test_a_refund_blocked_by_a_draft_invoice_is_credited_on_retry(
    gql, shop, amazon, scheduled, sessions
):
    """BX-1: a draft invoice cannot be credited; once authorised, retrying credits it."""
    store = await shop("NA")
    order, _, _ = await new_order(amazon, store, sessions)
    await scheduled(store.id)
    _, invoice, lines = await order_sale(sessions, store, order["orderId"])
    await apply(sessions, store, apply_refund, refund_of(order["orderId"], lines))
    [row] = await refunds(sessions, store)
    assert row.status is RefundStatus.NEEDS_ATTENTION and "authorise" in row.problem
    [item] = await attention_for(gql, store, order["orderId"])
    assert item["reason"] == "refund_invoice_not_authorised"
    async with sessions() as session, session.begin():
        await authorise_invoice(session, invoice_id=invoice.id)
    async with sessions() as session, session.begin():
        assert (await retry_refund(session, refund_id=row.id, now=NOW)).status is (
            RefundStatus.CREDITED
        )
    assert await attention_for(gql, store, order["orderId"]) == []


async def test_a_refund_on_a_consolidated_sale_credits_only_that_orders_lines(
    gql, shop, amazon, scheduled, drain, sessions
):
    """BX-1 with PR-1 (DAILY): the day's sale is credited for the refunded order's lines only."""
    store = await shop("NA", consolidation="DAILY", invoiceStatus="AUTHORISED")
    await gql(support.SETTINGS, storeId=store.id, settings={"paymentAccountId": str(store.bank_id)})
    kept, _, _ = await new_order(amazon, store, sessions, variant=2)
    gone, _, _ = await new_order(amazon, store, sessions, variant=5)
    await scheduled(store.id)
    await gql(PROCESS, role="operations", storeId=store.id)
    await drain()
    sale, _, mine = await order_sale(sessions, store, gone["orderId"])
    same_sale, _, theirs = await order_sale(sessions, store, kept["orderId"])
    assert same_sale.id == sale.id and mine and theirs
    assert {line.id for line in theirs}.isdisjoint(line.id for line in mine)
    await apply(sessions, store, apply_refund, refund_of(gone["orderId"], mine))
    async with sessions() as session:
        row = await session.scalar(select(ReturnedRefund))
        note = await session.get(CreditNote, row.credit_note_id)
        credited = {line.sale_line_id for line in note.lines}
    assert row.status is RefundStatus.CREDITED
    assert credited == {line.id for line in mine}
    assert note.total == sum((line.total for line in mine), Decimal("0.00"))


async def test_a_tax_inclusive_refund_credits_the_invoice_as_it_had_the_tax(
    gql, shop, amazon, scheduled, sessions
):
    """BX-1 (EU): the principal holds the tax; the credit note has the invoice's tax."""
    store, order = await paid_order(gql, shop, amazon, scheduled, sessions, region="EU")
    _, invoice, lines = await order_sale(sessions, store, order["orderId"])
    assert not any(line.tax_given for line in lines)
    await apply(sessions, store, apply_refund, refund_of(order["orderId"], lines, currency="EUR"))
    [note] = (await invoice_now(sessions, invoice.id)).credit_notes
    assert (note.total, note.tax_total) == (invoice.total, invoice.tax_total)


async def test_a_second_refund_of_lines_credited_in_full_needs_attention(
    gql, shop, amazon, scheduled, sessions
):
    """BX-1: nothing is credited twice: a refund of lines already credited in full waits."""
    store, order = await paid_order(gql, shop, amazon, scheduled, sessions)
    _, invoice, lines = await order_sale(sessions, store, order["orderId"])
    await apply(sessions, store, apply_refund, refund_of(order["orderId"], lines, key="R1"))
    await apply(sessions, store, apply_refund, refund_of(order["orderId"], lines, key="R2"))
    first, second = await refunds(sessions, store)
    assert first.status is RefundStatus.CREDITED
    assert second.status is RefundStatus.NEEDS_ATTENTION and "in full" in second.problem
    assert len((await invoice_now(sessions, invoice.id)).credit_notes) == 1
