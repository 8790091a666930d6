"""The roles a seller's SP-API application holds, and what Amazon withholds without them.

Amazon grants each operation to applications holding one of its roles; a call without the role
is answered 403 `Unauthorized` with empty details (an expired or revoked token says so in the
details instead). Personal data in Orders 2026-01-01 (the buyer's name and e-mail, the
recipient's name, street lines, postal code and phone, the gift message) comes only to
applications holding a restricted role; without it `includedData=BUYER,RECIPIENT` still gives
the rest: company name, purchase order number, city, district, state or region, municipality,
country code and address type (Amazon's "Access Orders PII" guide).
"""

from __future__ import annotations

from typing import Any

ORDERS = "Inventory and Order Tracking"
LISTINGS = "Product Listing"
FINANCE = "Finance and Accounting"
DELIVERY = "Direct-to-Consumer Delivery"  # restricted
TAX_INVOICING = "Tax Invoicing"  # restricted
RESTRICTED = frozenset({DELIVERY, TAX_INVOICING})
ALL_ROLES = frozenset({ORDERS, LISTINGS, FINANCE, "Pricing", "Amazon Fulfillment", *RESTRICTED})

# Operation -> the roles any one of which lets an application call it (none listed: any role).
OPERATION_ROLES: dict[str, frozenset[str]] = {
    **dict.fromkeys(("searchOrders", "getOrder", "confirmShipment"), frozenset({ORDERS})),
    **dict.fromkeys(
        (
            "listFinancialEventGroups",
            "listFinancialEvents",
            "listFinancialEventsByGroupId",
            "listFinancialEventsByOrderId",
            "listTransactions",
        ),
        frozenset({FINANCE}),
    ),
    **dict.fromkeys(
        (
            "getListingsItem",
            "putListingsItem",
            "patchListingsItem",
            "deleteListingsItem",
            "searchListingsItems",
            "searchCatalogItems",
            "getCatalogItem",
        ),
        frozenset({LISTINGS}),
    ),
}

BUYER_PII = ("buyerName", "buyerEmail")
ADDRESS_PII = ("name", "addressLine1", "addressLine2", "addressLine3", "postalCode", "phone")


def allowed(roles: set[str] | frozenset[str], operation: str) -> bool:
    """Whether an application holding `roles` may call `operation`."""
    needed = OPERATION_ROLES.get(operation)
    return not needed or bool(needed & roles)


def without_pii(order: dict[str, Any], roles: set[str] | frozenset[str]) -> dict[str, Any]:
    """A rendered Orders 2026 order as an application holding `roles` receives it."""
    if roles & RESTRICTED:
        return order
    buyer = order.get("buyer")
    if isinstance(buyer, dict):
        kept = {k: v for k, v in buyer.items() if k not in BUYER_PII}
        if kept:
            order["buyer"] = kept
        else:
            del order["buyer"]
    recipient = order.get("recipient")
    if isinstance(recipient, dict) and isinstance(recipient.get("deliveryAddress"), dict):
        address = recipient["deliveryAddress"]
        recipient["deliveryAddress"] = {k: v for k, v in address.items() if k not in ADDRESS_PII}
    for item in order.get("orderItems") or []:
        packing = (item.get("fulfillment") or {}).get("packing") or {}
        gift = packing.get("giftOption")
        if isinstance(gift, dict):
            gift.pop("giftMessage", None)
    return order
