"""The `returns` job end to end (BX-1): Amazon's refunds, returns and reimbursements staged
through the sandbox control API, read by the daily job and applied — once."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from skuport.domain.errors import InvalidState, InvalidValue
from skuport.domain.inventory.credit_notes.models import CreditNote
from skuport.domain.inventory.stock.models import StockMovement
from skuport.domain.inventory.stock.service import stock_at
from skuport.domain.jobs import Trigger
from skuport.domain.returns import (
    CustomerReturn,
    RefundStatus,
    ReturnedRefund,
    ReturnState,
    confirm_return_received,
    returns_audit,
)
from skuport.domain.returns.models import ReturnRevision
from skuport.domain.returns.scheduled import RETURNS, returns_targets
from skuport.domain.stores.settings import SettingsChange, update_settings
from tests.e2e import test_orders_support as support
from tests.e2e.orders_processing_support import new_order
from tests.e2e.stock_push_support import amazon_quantities, fbm_skus, location, settle

amazon, shop, scheduled = support.amazon, support.shop, support.scheduled
NA = "ATVPDKIKX0DER"


@pytest.fixture
def returns_job(app, sessions):
    """Run the `returns` job of a store once, on demand (the scheduler runs it once a day)."""

    async def run(store_id, trigger=Trigger.USER):
        async with sessions() as session:
            target = {t.key: t for t in await returns_targets(session)}[str(store_id)]
        entry = await app.state.services.runner.run(
            RETURNS, trigger=trigger, triggered_by="test", target=target
        )
        assert entry.status == "succeeded", entry.message
        return entry

    return run


async def fba_order(amazon, store, order_id: str, skus: list[str]) -> None:
    """A shipped Amazon-fulfilled order of one unit of each SKU."""
    await amazon(
        "POST",
        "/_sandbox/orders",
        sellerId=store.seller_id,
        marketplaceId=NA,
        orderId=order_id,
        fulfilledBy="AMAZON",
        status="SHIPPED",
        lines=[
            {"sku": sku, "asin": f"B0RET{index:05d}", "quantity": 2, "unitPrice": "10.00"}
            for index, sku in enumerate(skus)
        ],
    )


async def settings(sessions, store, **values) -> None:
    async with sessions() as session, session.begin():
        await update_settings(session, store_id=int(store.id), change=SettingsChange(**values))


async def on_hand(sessions, product_id: int, location_id: int) -> Decimal:
    async with sessions() as session:
        return (await stock_at(session, product_id=product_id, location_id=location_id)).on_hand


async def returns_of(sessions, order_id: str) -> dict[str, CustomerReturn]:
    async with sessions() as session:
        rows = await session.scalars(
            select(CustomerReturn).where(CustomerReturn.amazon_order_id == order_id)
        )
        return {row.sku: row for row in rows}


async def counts(sessions) -> tuple[int, int, int]:
    async with sessions() as session:
        return (
            await session.scalar(select(func.count(CreditNote.id))),
            await session.scalar(select(func.count(StockMovement.id))),
            await session.scalar(select(func.count(ReturnRevision.id))),
        )


async def test_a_refund_and_a_received_fbm_return_are_applied_once(
    gql, shop, amazon, scheduled, returns_job, sessions
):
    """BX-1: the job credits a refunded captured order and restocks its received return at
    the FBM location with the return's reference; the same data read again changes nothing."""
    store = await shop("NA", invoiceStatus="AUTHORISED")
    await gql(support.SETTINGS, storeId=store.id, settings={"paymentAccountId": str(store.bank_id)})
    order, items, product_ids = await new_order(amazon, store, sessions)
    await scheduled(store.id)
    await amazon("POST", f"/_sandbox/orders/{order['orderId']}/status", status="SHIPPED")
    sku = items[0]["product"]["sellerSku"]
    await amazon("POST", f"/_sandbox/orders/{order['orderId']}/refund")
    await amazon(
        "POST",
        f"/_sandbox/orders/{order['orderId']}/return",
        sku=sku,
        quantity=1,
        disposition="SELLABLE",
        reason="NO_LONGER_NEEDED",
        received=True,
    )
    await amazon("POST", "/_sandbox/clock", seconds=900)
    before = await on_hand(sessions, product_ids[0], store.location_id)
    await returns_job(store.id, Trigger.SCHEDULER)
    async with sessions() as session:
        refund = await session.scalar(
            select(ReturnedRefund).where(ReturnedRefund.amazon_order_id == order["orderId"])
        )
    assert refund.status is RefundStatus.CREDITED, refund.problem
    assert refund.payment_id is not None
    returned = (await returns_of(sessions, order["orderId"]))[sku]
    assert returned.state is ReturnState.RESTOCKED and returned.restocked_quantity == 1
    assert await on_hand(sessions, product_ids[0], store.location_id) == before + 1
    async with sessions() as session:
        references = set(
            await session.scalars(
                select(StockMovement.reference).where(
                    StockMovement.reference.like(f"return {returned.id} %")
                )
            )
        )
    assert references == {returned.reference}
    seen = await counts(sessions)
    await returns_job(store.id)
    assert await counts(sessions) == seen
    assert await on_hand(sessions, product_ids[0], store.location_id) == before + 1


async def test_fba_returns_go_where_their_disposition_says(shop, amazon, returns_job, sessions):
    """BX-1: SELLABLE to the FBA location, DAMAGED awaits Amazon's reimbursement, customer
    damaged to the unsellable location, defective written off once that location is cleared."""
    store = await shop("NA")
    fba, unsellable = await location(sessions, "FBA"), await location(sessions, "Unsellable")
    await settings(sessions, store, fba_location_id=fba, unsellable_location_id=unsellable)
    skus = ["RET-SELL", "RET-DMG", "RET-CUST"]
    products = {
        sku: await support.stock_product(sessions, sku, store.location_id, 0) for sku in skus
    }
    await fba_order(amazon, store, "114-0000014-0000101", skus)
    for sku, disposition in zip(skus, ["SELLABLE", "DAMAGED", "CUSTOMER_DAMAGED"], strict=True):
        await amazon("POST", "/_sandbox/orders/114-0000014-0000101/return", sku=sku, quantity=1,
                     disposition=disposition, reason="DEFECTIVE")  # fmt: skip
    await amazon("POST", "/_sandbox/clock", seconds=900)
    await returns_job(store.id)
    rows = await returns_of(sessions, "114-0000014-0000101")
    assert {sku: rows[sku].state for sku in skus} == {
        "RET-SELL": ReturnState.RESTOCKED,
        "RET-DMG": ReturnState.AWAITING_REIMBURSEMENT,
        "RET-CUST": ReturnState.UNSELLABLE,
    }
    assert await on_hand(sessions, products["RET-SELL"], fba) == 1
    assert await on_hand(sessions, products["RET-CUST"], unsellable) == 1
    assert await on_hand(sessions, products["RET-DMG"], fba) == 0
    # Amazon reimburses the damaged unit
    await amazon("POST", "/_sandbox/reimbursements", orderId="114-0000014-0000101",
                 sku="RET-DMG", quantity=1, kind="FBA damaged", amount="10.00")  # fmt: skip
    await amazon("POST", "/_sandbox/clock", seconds=900)
    await returns_job(store.id)
    assert (await returns_of(sessions, "114-0000014-0000101"))["RET-DMG"].state is (
        ReturnState.REIMBURSED
    )


async def test_a_defective_return_without_an_unsellable_location_is_written_off(
    shop, amazon, returns_job, sessions
):
    """BX-1: unsellable units with no unsellable location set are written off, not stocked."""
    store = await shop("NA")
    fba = await location(sessions, "FBA")
    await settings(sessions, store, fba_location_id=fba)
    product = await support.stock_product(sessions, "RET-DEF", store.location_id, 0)
    await fba_order(amazon, store, "114-0000014-0000102", ["RET-DEF"])
    await amazon("POST", "/_sandbox/orders/114-0000014-0000102/return", sku="RET-DEF",
                 quantity=1, disposition="DEFECTIVE", reason="DEFECTIVE")  # fmt: skip
    await amazon("POST", "/_sandbox/clock", seconds=900)
    await returns_job(store.id)
    assert (await returns_of(sessions, "114-0000014-0000102"))["RET-DEF"].state is (
        ReturnState.WRITTEN_OFF
    )
    assert await on_hand(sessions, product, fba) == 0
    assert await on_hand(sessions, product, store.location_id) == 0


async def test_a_sellable_restock_amazon_revises_is_recorded_and_audited(
    shop, amazon, returns_job, sessions, sandbox
):
    """BX-1: a revised row is kept as a revision and the restock shows in the audit, with the
    return without refund and the damaged unit never reimbursed."""
    store = await shop("NA")
    fba = await location(sessions, "FBA")
    await settings(sessions, store, fba_location_id=fba)
    for sku in ("RET-REV", "RET-DMG2"):
        await support.stock_product(sessions, sku, store.location_id, 0)
    await fba_order(amazon, store, "114-0000014-0000103", ["RET-REV", "RET-DMG2"])
    await amazon("POST", "/_sandbox/orders/114-0000014-0000103/return", sku="RET-REV",
                 quantity=1, disposition="SELLABLE", reason="UNWANTED_ITEM")  # fmt: skip
    await amazon("POST", "/_sandbox/orders/114-0000014-0000103/return", sku="RET-DMG2",
                 quantity=1, disposition="DAMAGED", reason="DEFECTIVE")  # fmt: skip
    await amazon("POST", "/_sandbox/clock", seconds=900)
    await returns_job(store.id)
    await amazon("POST", "/_sandbox/returns/revise", orderId="114-0000014-0000103",
                 sku="RET-REV", disposition="CUSTOMER_DAMAGED")  # fmt: skip
    await amazon("POST", "/_sandbox/clock", seconds=900)
    await returns_job(store.id)
    revised = (await returns_of(sessions, "114-0000014-0000103"))["RET-REV"]
    assert revised.revised_after_restock and revised.disposition == "CUSTOMER_DAMAGED"
    async with sessions() as session:
        [revision] = await session.scalars(select(ReturnRevision))
        assert revision.before["disposition"] == "SELLABLE"
        assert revision.after["disposition"] == "CUSTOMER_DAMAGED"
        audit = await returns_audit(session, store_id=int(store.id), now=sandbox.state.clock.now())
    assert [r.sku for r in audit.revised_after_restock] == ["RET-REV"]
    assert [r.sku for r in audit.damaged_without_reimbursement] == ["RET-DMG2"]
    assert {r.sku for r in audit.returns_without_refund} == {"RET-REV", "RET-DMG2"}


async def test_a_refund_without_a_return_shows_in_the_audit_after_the_days(
    gql, shop, amazon, scheduled, returns_job, sessions, sandbox
):
    """BX-1: a returnless refund is credited; after the audit's days it is listed."""
    store = await shop("NA", invoiceStatus="AUTHORISED")
    order, _, _ = await new_order(amazon, store, sessions)
    await scheduled(store.id)
    await amazon("POST", f"/_sandbox/orders/{order['orderId']}/refund")
    await amazon("POST", "/_sandbox/clock", seconds=900)
    await returns_job(store.id)
    now = sandbox.state.clock.now()
    async with sessions() as session:
        refund = await session.scalar(
            select(ReturnedRefund).where(ReturnedRefund.amazon_order_id == order["orderId"])
        )
        soon = await returns_audit(session, store_id=int(store.id), now=now)
        later = await returns_audit(
            session, store_id=int(store.id), now=refund.posted_at + after_the_days(soon)
        )
    assert refund.status is RefundStatus.CREDITED
    assert order["orderId"] not in {r.amazon_order_id for r in soon.refunds_without_return}
    assert order["orderId"] in {r.amazon_order_id for r in later.refunds_without_return}


def after_the_days(audit) -> timedelta:
    return timedelta(days=audit.days, hours=1)


async def test_an_fbm_return_waits_for_confirmation_when_the_store_confirms_by_hand(
    shop, amazon, returns_job, sessions
):
    """BX-1: with manual confirmation on, a received FBM return is restocked only when a user
    confirms it, at the returns location; a return seen before its refund is credited later."""
    store = await shop("NA")
    shelf = await location(sessions, "Returns shelf")
    await settings(sessions, store, returns_location_id=shelf, confirm_returns_manually=True)
    product = await support.stock_product(sessions, "RET-FBM", store.location_id, 0)
    await amazon("POST", "/_sandbox/orders", sellerId=store.seller_id, marketplaceId=NA,
                 orderId="114-0000014-0000201", fulfilledBy="MERCHANT", status="SHIPPED",
                 lines=[{"sku": "RET-FBM", "asin": "B0RETFBM01", "quantity": 2,
                         "unitPrice": "10.00"}])  # fmt: skip
    await amazon("POST", "/_sandbox/orders/114-0000014-0000201/return", sku="RET-FBM",
                 quantity=2, disposition="SELLABLE", reason="UNWANTED_ITEM",
                 received=True)  # fmt: skip
    await amazon("POST", "/_sandbox/clock", seconds=900)
    await returns_job(store.id)
    waiting = (await returns_of(sessions, "114-0000014-0000201"))["RET-FBM"]
    assert waiting.channel.value == "mfn" and waiting.state is ReturnState.AWAITING_RECEIPT
    assert await on_hand(sessions, product, shelf) == 0
    async with sessions() as session, session.begin():
        with pytest.raises(InvalidValue):
            await confirm_return_received(
                session, return_id=waiting.id, quantity=3, condition="SELLABLE"
            )
    async with sessions() as session, session.begin():
        done = await confirm_return_received(
            session, return_id=waiting.id, quantity=2, condition="SELLABLE"
        )
        assert done.state is ReturnState.RESTOCKED
    assert await on_hand(sessions, product, shelf) == 2
    async with sessions() as session, session.begin():
        with pytest.raises(InvalidState):
            await confirm_return_received(
                session, return_id=waiting.id, quantity=1, condition="SELLABLE"
            )
    # the refund comes after the return: the audit no longer lists the return
    await amazon("POST", "/_sandbox/orders/114-0000014-0000201/refund")
    await amazon("POST", "/_sandbox/clock", seconds=900)
    await returns_job(store.id)
    async with sessions() as session:
        audit = await returns_audit(session, store_id=int(store.id), now=done.updated_at)
    assert "RET-FBM" not in {r.sku for r in audit.returns_without_refund}
    assert await on_hand(sessions, product, shelf) == 2


async def test_a_restock_sends_the_new_quantity_to_amazon(
    app, eu_store, amazon, returns_job, sessions, sandbox, sellers
):
    """BX-1 with SY-1: a returned FBM unit back in stock is pushed to Amazon's listing."""
    store_id = await eu_store()
    sku = (await fbm_skus(sessions, store_id))[0]
    assert set(amazon_quantities(sandbox, sellers["EU"], sku).values()) == {0}
    marketplace = next(iter(sandbox.state.listings[(sellers["EU"].seller_id, sku)].offers))
    await amazon("POST", "/_sandbox/orders", sellerId=sellers["EU"].seller_id,
                 marketplaceId=marketplace, orderId="204-0000014-0000301",
                 fulfilledBy="MERCHANT", status="SHIPPED",
                 lines=[{"sku": sku, "asin": "B0RETPUSH1", "quantity": 1,
                         "unitPrice": "10.00"}])  # fmt: skip
    await amazon("POST", "/_sandbox/orders/204-0000014-0000301/return", sku=sku, quantity=1,
                 disposition="SELLABLE", reason="UNWANTED_ITEM", received=True)  # fmt: skip
    await amazon("POST", "/_sandbox/clock", seconds=900)
    shelf = await location(sessions, "Returns shelf")
    async with sessions() as session, session.begin():
        await update_settings(
            session, store_id=store_id, change=SettingsChange(returns_location_id=shelf)
        )
    await returns_job(store_id)
    restocked = (await returns_of(sessions, "204-0000014-0000301"))[sku]
    assert restocked.state is ReturnState.RESTOCKED
    await settle(app, sandbox, minutes=10)
    assert set(amazon_quantities(sandbox, sellers["EU"], sku).values()) == {1}
