"""The catalog's GraphQL documents and how its rows become a grid (CA-6, ST-8)."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Any

import pandas as pd
from graphql import build_schema

from skuport.widgets.client import SDL_PATH

ROW_FIELDS = """
fragment CatalogRowFields on CatalogRow {
  id isFamily marketplaceId sellerSku asin isbn title aliasName status fulfilment price currency
  quantity brand category optionValues linkSource
  family { title themes productFamilyId }
  product { id sku name }
}
"""
CATALOG = (
    """
query Catalog($storeId: ID!, $filter: CatalogFilterInput, $first: Int, $after: String) {
  catalog(storeId: $storeId, filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { ...CatalogRowFields variants { ...CatalogRowFields } }
  }
}
"""
    + ROW_FIELDS
)
CATALOG_SIZE = """
query CatalogSize($storeId: ID!, $filter: CatalogFilterInput) {
  catalog(storeId: $storeId, filter: $filter, first: 1) { totalCount }
}
"""
STORES = (
    "query CatalogStores { stores { id name marketplaces { enabled marketplace { id code } } } }"
)
DOWNLOAD = """
mutation DownloadCatalog($storeId: ID!) {
  downloadCatalog(storeId: $storeId) {
    __typename
    ... on JobStarted { run { id status } }
    ... on UserError { message field }
  }
}
"""
RUN = """
query CatalogRun($id: ID!) {
  run(id: $id) {
    __typename
    ... on OperationRun {
      id status processed skipped cancelled expected message errors { item reason }
    }
    ... on UserError { message }
  }
}
"""
_ACTION_RESULT = """
    __typename
    ... on CatalogActionDone { succeeded failed outcomes { entryId ok message productId } }
    ... on UserError { message field }
"""
LINK = (
    "mutation LinkCatalogEntries($storeId: ID!, $entryIds: [ID!]!, $productId: ID!) {"
    " linkCatalogEntries(storeId: $storeId, entryIds: $entryIds, productId: $productId) {"
    f"{_ACTION_RESULT}}} }}"
)
UNLINK = (
    "mutation UnlinkCatalogEntries($storeId: ID!, $entryIds: [ID!]!) {"
    f" unlinkCatalogEntries(storeId: $storeId, entryIds: $entryIds) {{{_ACTION_RESULT}}} }}"
)
CREATE = (
    "mutation CreateProductsFromCatalog($storeId: ID!, $entryIds: [ID!]!) {"
    f" createProductsFromCatalog(storeId: $storeId, entryIds: $entryIds) {{{_ACTION_RESULT}}} }}"
)
# Planned by the products work; used only once the committed SDL offers it.
PRODUCTS = """
query ProductSearch($search: String, $first: Int) {
  products(search: $search, first: $first) { nodes { id sku name } }
}
"""

COLUMNS = [
    "Kind", "Marketplace", "Seller SKU", "ASIN", "ISBN", "Title", "Options", "Status",
    "Fulfilment", "Price", "Qty", "Linked product", "Link", "Entry",
]  # fmt: skip
STATUSES = [("any status", None), ("listed", "LISTED"), ("not listed", "NOT_LISTED"),
            ("canceled", "CANCELED")]  # fmt: skip
LINKED = [("linked or not", None), ("linked", "LINKED"), ("unlinked", "UNLINKED")]


@cache
def query_fields() -> frozenset[str]:
    """The root query fields of the committed SDL (what the client will let through)."""
    if not SDL_PATH.exists():
        return frozenset()
    schema = build_schema(SDL_PATH.read_text())
    return frozenset(schema.query_type.fields) if schema.query_type else frozenset()


def has_product_search() -> bool:
    """True once the server's schema offers `products(search, first)`."""
    return "products" in query_fields()


def entry_ids(row: dict[str, Any]) -> list[str]:
    """The catalog entries a row stands for: a family row acts on all its variants."""
    if row["isFamily"] and row.get("variants"):
        return [variant["id"] for variant in row["variants"]]
    return [row["id"]]


def linked_product(row: dict[str, Any]) -> str:
    """Our product as the catalog shows it: its SKU and the listing's alias name if any (ST-8)."""
    if row["isFamily"]:
        linked = sum(1 for v in row.get("variants", []) if v["product"])
        return f"{linked} of {len(row.get('variants', []))} variants linked"
    product = row["product"]
    if not product:
        return ""
    return f"{product['sku']} — {row['aliasName'] or product['name']}"


def _kind(row: dict[str, Any]) -> str:
    if row["isFamily"]:
        return f"family ({len(row.get('variants', []))} variants)"
    return "variant" if row["family"] else "product"


def _title(row: dict[str, Any]) -> str:
    if row["family"] and not row["isFamily"] and row["family"]["title"] != row["title"]:
        return row["title"] or row["family"]["title"]
    return row["title"]


def _options(row: dict[str, Any]) -> str:
    if row["isFamily"]:
        return " / ".join(row["family"]["themes"]) if row["family"] else ""
    return ", ".join(row["optionValues"])


def _money(row: dict[str, Any]) -> str:
    if row["price"] is None:
        return ""
    return f"{Decimal(str(row['price'])):.2f} {row['currency']}"


def _quantity(row: dict[str, Any]) -> str:
    if row["quantity"] is None or row["isFamily"]:
        return ""
    return f"{Decimal(str(row['quantity'])).normalize():f}"


def grid_order(rows: list[dict[str, Any]], codes: dict[str, str]) -> list[dict[str, Any]]:
    """Rows as an analyst reads them: by marketplace, then title, then seller SKU."""
    return sorted(
        rows,
        key=lambda r: (
            codes.get(r["marketplaceId"], r["marketplaceId"]),
            r["title"],
            r["sellerSku"],
        ),
    )


def catalog_frame(rows: list[dict[str, Any]], codes: dict[str, str]) -> pd.DataFrame:
    """The rows as the grid shows them, in the same order (selection is by position).

    `codes` names each marketplace id as the grid shows it ("US · Amazon.com")."""
    records = [
        {
            "Kind": _kind(row),
            "Marketplace": codes.get(row["marketplaceId"], row["marketplaceId"]),
            "Seller SKU": "" if row["isFamily"] else row["sellerSku"],
            "ASIN": row["asin"],
            "ISBN": row["isbn"],
            "Title": _title(row),
            "Options": _options(row),
            "Status": row["status"].replace("_", " ").lower(),
            "Fulfilment": row["fulfilment"],
            "Price": "" if row["isFamily"] else _money(row),
            "Qty": _quantity(row),
            "Linked product": linked_product(row),
            "Link": (row["linkSource"] or "").lower(),
            "Entry": ", ".join(entry_ids(row)),
        }
        for row in rows
    ]
    return pd.DataFrame(records, columns=COLUMNS)
