"""The SP-API application roles each operation Skuport calls needs (docs/going-live.md)."""

from __future__ import annotations

ORDERS = "Inventory and Order Tracking"
LISTINGS = "Product Listing"
FINANCE = "Finance and Accounting"
# Restricted roles: personal data of buyers and recipients (names, street, postal code, phone).
DELIVERY = "Direct-to-Consumer Delivery"
TAX_INVOICING = "Tax Invoicing"
RESTRICTED = (DELIVERY, TAX_INVOICING)

_BY_PREFIX = (
    (("searchOrders", "getOrder", "confirmShipment"), ORDERS),
    (("listFinancial", "listTransactions"), FINANCE),
    (("getListingsItem", "putListingsItem", "patchListingsItem", "deleteListingsItem"), LISTINGS),
    (("searchListingsItems", "searchCatalogItems", "getCatalogItem"), LISTINGS),
    (("createFeed", "getFeed", "cancelFeed", "getReport", "createReport"), LISTINGS),
)


def role_for(operation: str) -> str:
    """The role Amazon wants for `operation` (the one Skuport's features rely on)."""
    for prefixes, role in _BY_PREFIX:
        if operation.startswith(prefixes):
            return role
    return "a role for this operation"
