"""OR-2, OR-4, OR-7: which Amazon orders are captured, and at which location; why one is skipped."""

from __future__ import annotations

import enum

from skuport.domain.amazon.orders import FulfillmentStatus, Order
from skuport.domain.stores.models import LoadOrdersWhen, Store, StoreSettings
from skuport.domain.stores.settings import tax_mapping_gaps

CAPTURED_WHEN = {
    LoadOrdersWhen.PAID: frozenset(
        {
            FulfillmentStatus.UNSHIPPED,
            FulfillmentStatus.PARTIALLY_SHIPPED,
            FulfillmentStatus.SHIPPED,
        }
    ),
    LoadOrdersWhen.SHIPPED: frozenset({FulfillmentStatus.SHIPPED}),
}
# Seen on Amazon, stock consumed, but never captured in this state (OR-2).
NOT_YET = frozenset({FulfillmentStatus.PENDING, FulfillmentStatus.PENDING_AVAILABILITY})


class SkipReason(enum.StrEnum):
    """Why an order was not captured or processed (OR-8); the codes are stable for the API."""

    ALREADY_CAPTURED = "already_captured"
    TAX_MAPPING_INCOMPLETE = "tax_mapping_incomplete"
    UNMAPPED_PRODUCT = "unmapped_product"
    BAD_DATA = "bad_data"
    FBA_NOT_PROCESSED = "fba_not_processed"
    NO_LOCATION = "no_location"
    MARKETPLACE_DISABLED = "marketplace_disabled"
    UNFULFILLABLE = "unfulfillable"
    PROCESSING_FAILED = "processing_failed"
    CANCELLED_AFTER_PAYMENT = "cancelled_after_payment"
    UNEXPECTED_ERROR = "unexpected_error"


# Skips that are a setting doing its job, not a problem: no attention item, no notification.
QUIET = frozenset({SkipReason.ALREADY_CAPTURED, SkipReason.FBA_NOT_PROCESSED})


class OrderSkipped(Exception):
    """The order is not captured; `reason` and `detail` say why."""

    def __init__(self, reason: SkipReason, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def check_order(store: Store, order: Order) -> None:
    enabled = {m.marketplace_id for m in store.marketplaces if m.enabled}
    if order.marketplace_id not in enabled:
        raise OrderSkipped(
            SkipReason.MARKETPLACE_DISABLED, f"marketplace {order.marketplace_id} is not used"
        )
    gaps = tax_mapping_gaps(store)
    if gaps:
        raise OrderSkipped(SkipReason.TAX_MAPPING_INCOMPLETE, "missing: " + ", ".join(gaps))
    if not order.items:
        raise OrderSkipped(SkipReason.BAD_DATA, "the order has no lines")
    for index, item in enumerate(order.items):
        if item.quantity_ordered < 0:
            raise OrderSkipped(SkipReason.BAD_DATA, f"line {index + 1} has a negative quantity")
        if item.quantity_ordered and not any(b.type == "ITEM" for b in item.breakdowns):
            raise OrderSkipped(SkipReason.BAD_DATA, f"line {index + 1} has no price")


def fulfilled_by_amazon(store: Store, order: Order) -> bool:
    """OR-7: whether the order is FBA; OrderSkipped when the store does not process those."""
    fba = order.fulfilled_by == "AMAZON"
    if fba and not store.settings.process_fba_orders:
        raise OrderSkipped(SkipReason.FBA_NOT_PROCESSED, "the store's settings skip FBA orders")
    return fba


def set_location(settings: StoreSettings, *, fba: bool) -> int | None:
    """OR-4/OR-7: the location the settings name; None for "all locations" (chosen per order)."""
    if fba:
        if settings.fba_location_id is None:
            raise OrderSkipped(SkipReason.NO_LOCATION, "no FBA location is set")
        return settings.fba_location_id
    return settings.fbm_location_id
