"""Amazon's return and refund rows as the returns domain keys and keeps them (BX-1)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from skuport.domain.amazon.returns import (
    AmazonRefund,
    FbaReturn,
    MfnReturn,
    RefundCharge,
    RefundItem,
)
from skuport.domain.returns.matching import raw_of, refund_of_raw
from skuport.domain.returns.restock import fba_key, mfn_key

RETURNED = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def fba_row(**changes) -> FbaReturn:
    values = dict(
        return_date=RETURNED,
        order_id="114-1111111-2222222",
        sku="MUG-1",
        asin="B0MUG00001",
        fnsku="X00MUG0001",
        product_name="Mug",
        quantity=1,
        fulfillment_center_id="PHX7",
        disposition="SELLABLE",
        reason="UNWANTED_ITEM",
        status="Unit returned to inventory",
        license_plate_number="LPNRR123456789",
        customer_comments="",
    )
    values.update(changes)
    return FbaReturn(**values)


def test_bx1_a_revised_fba_row_keeps_its_key():
    """BX-1: Amazon's revision changes the disposition, not which return it is."""
    assert fba_key(fba_row()) == fba_key(fba_row(disposition="CUSTOMER_DAMAGED"))
    assert raw_of(fba_row()) != raw_of(fba_row(disposition="CUSTOMER_DAMAGED"))


def test_bx1_fba_rows_without_a_licence_plate_are_told_apart_by_their_date():
    """BX-1: two returns of one SKU of an order, no licence plate: two returns, not one."""
    first = fba_row(license_plate_number="")
    second = fba_row(license_plate_number="", return_date=datetime(2026, 11, 25, tzinfo=UTC))
    assert fba_key(first) != fba_key(second)
    assert fba_key(fba_row(license_plate_number="A")) != fba_key(fba_row(license_plate_number="B"))


def test_bx1_mfn_rows_are_keyed_by_order_rma_and_sku():
    """BX-1: the merchant-fulfilled report's row is one RMA's SKU."""
    row = MfnReturn(
        order_id="114-1111111-2222222",
        rma_id="DZx1RMA",
        return_date=RETURNED,
        sku="MUG-1",
        quantity=1,
        resolution="StandardRefund",
        in_policy=True,
        a_to_z_claim=False,
        safet_claim=False,
        refunded_amount=Decimal("10.80"),
        currency="USD",
        reason="UNWANTED_ITEM",
        return_status="Closed",
        received_quantity=None,
        condition=None,
    )
    assert mfn_key(row) == "mfn:114-1111111-2222222:DZx1RMA:MUG-1"


def test_bx1_a_kept_refund_reads_back_as_amazon_gave_it():
    """BX-1: the raw row kept is enough to credit the refund again on retry."""
    charge = RefundCharge(kind="Principal", amount=Decimal("-10.00"), currency="USD")
    fee = RefundCharge(kind="RefundCommission", amount=Decimal("-0.30"), currency="USD")
    refund = AmazonRefund(
        refund_key="ADJ-1",
        order_id="114-1111111-2222222",
        marketplace_id="ATVPDKIKX0DER",
        posted_at=RETURNED,
        items=(RefundItem("MUG-1", "OI-1", 1, (charge,), (fee,)),),
    )
    assert refund_of_raw(raw_of(refund)) == refund
