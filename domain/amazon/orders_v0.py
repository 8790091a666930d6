"""Orders API v0: confirmShipment (still v0; it has no 2026-01-01 counterpart)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from skuport.domain.amazon.client import SpApiClient
from skuport.domain.amazon.parsing import iso


@dataclass(frozen=True)
class ShippedItem:
    """An order line and how many of it went into the package."""

    order_item_id: str
    quantity: int


@dataclass(frozen=True)
class Package:
    """One package of a (partial) shipment; `reference_id` is unique within the order."""

    reference_id: str
    carrier_code: str
    tracking_number: str
    ship_date: datetime
    items: Sequence[ShippedItem]
    carrier_name: str | None = None
    shipping_method: str | None = None


async def confirm_shipment(
    client: SpApiClient, *, order_id: str, marketplace_id: str, package: Package
) -> None:
    """POST /orders/v0/orders/{orderId}/shipmentConfirmation (204 on success)."""
    detail: dict[str, object] = {
        "packageReferenceId": package.reference_id,
        "carrierCode": package.carrier_code,
        "trackingNumber": package.tracking_number,
        "shipDate": iso(package.ship_date),
        "orderItems": [
            {"orderItemId": item.order_item_id, "quantity": item.quantity} for item in package.items
        ],
    }
    if package.carrier_name:
        detail["carrierName"] = package.carrier_name
    if package.shipping_method:
        detail["shippingMethod"] = package.shipping_method
    await client.call(
        "confirmShipment",
        "POST",
        f"/orders/v0/orders/{order_id}/shipmentConfirmation",
        json={"marketplaceId": marketplace_id, "packageDetail": detail},
    )
