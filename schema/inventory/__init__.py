"""The inventory back office over GraphQL (IN-1 … IN-8), one module per area.

Roles: readonly reads; operations change products, stock, reference data and sales (and may
invoice, as order processing does); finance invoices, records payments and credit notes, and
keeps tax rules and accounts; admin may do everything.
"""

from __future__ import annotations

import strawberry

from skuport.schema.inventory.catalog_changes import CatalogChangesMutation
from skuport.schema.inventory.imports import ImportsMutation, ImportsQuery
from skuport.schema.inventory.invoices import InvoicesMutation, InvoicesQuery
from skuport.schema.inventory.location_changes import LocationChangesMutation
from skuport.schema.inventory.products import ProductsMutation, ProductsQuery
from skuport.schema.inventory.reference import ReferenceMutation, ReferenceQuery
from skuport.schema.inventory.reference_changes import ReferenceChangesMutation
from skuport.schema.inventory.sale_actions import SaleActionsMutation
from skuport.schema.inventory.sales import SalesQuery
from skuport.schema.inventory.stock import StockMutation, StockQuery


@strawberry.type
class InventoryQuery(
    ProductsQuery, ReferenceQuery, StockQuery, SalesQuery, InvoicesQuery, ImportsQuery
):
    pass


@strawberry.type
class InventoryMutation(
    ProductsMutation,
    ReferenceMutation,
    StockMutation,
    SaleActionsMutation,
    InvoicesMutation,
    ReferenceChangesMutation,
    LocationChangesMutation,
    CatalogChangesMutation,
    ImportsMutation,
):
    pass


__all__ = ["InventoryMutation", "InventoryQuery"]
