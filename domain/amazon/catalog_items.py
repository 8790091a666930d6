"""Catalog Items API 2022-04-01: search Amazon's catalog and read one item."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from skuport.domain.amazon.client import SpApiClient
from skuport.domain.amazon.paging import Page
from skuport.domain.amazon.parsing import Reader

BASE = "/catalog/2022-04-01/items"
ALL_DATA = (
    "summaries",
    "attributes",
    "relationships",
    "identifiers",
    "dimensions",
    "images",
    "classifications",
    "productTypes",
)


@dataclass(frozen=True)
class Dimension:
    """A measure with its unit."""

    value: Decimal
    unit: str


@dataclass(frozen=True)
class Image:
    """One product image."""

    variant: str
    link: str
    height: int
    width: int


@dataclass
class CatalogItem:
    """Amazon's product record for one ASIN in one marketplace."""

    asin: str
    marketplace_id: str | None = None
    name: str | None = None
    brand: str | None = None
    manufacturer: str | None = None
    model_number: str | None = None
    color: str | None = None
    size: str | None = None
    classification: str | None = None
    product_type: str | None = None
    identifiers: dict[str, list[str]] = field(default_factory=dict)
    parent_asins: list[str] = field(default_factory=list)
    child_asins: list[str] = field(default_factory=list)
    variation_theme: str | None = None
    variation_attributes: list[str] = field(default_factory=list)
    item_dimensions: dict[str, Dimension] = field(default_factory=dict)
    package_dimensions: dict[str, Dimension] = field(default_factory=dict)
    images: list[Image] = field(default_factory=list)
    category_path: list[str] = field(default_factory=list)
    attributes: dict[str, Any] = field(default_factory=dict)


async def search_catalog_items(
    client: SpApiClient,
    *,
    marketplace_id: str,
    keywords: Sequence[str] = (),
    identifiers: Sequence[str] = (),
    identifiers_type: str | None = None,
    brand_names: Sequence[str] = (),
    classification_ids: Sequence[str] = (),
    included_data: Sequence[str] = ("summaries",),
    page_size: int = 10,
    page_token: str | None = None,
) -> Page[CatalogItem]:
    """GET /catalog/2022-04-01/items: by keywords or by identifiers (one marketplace)."""
    if bool(keywords) == bool(identifiers):
        raise ValueError("search by keywords or by identifiers, not both or neither")
    params = {
        "marketplaceIds": [marketplace_id],
        "keywords": list(keywords),
        "identifiers": list(identifiers),
        "identifiersType": identifiers_type,
        "brandNames": list(brand_names),
        "classificationIds": list(classification_ids),
        "includedData": list(included_data),
        "pageSize": page_size,
        "pageToken": page_token,
        "sellerId": client.store.selling_partner_id if identifiers_type == "SKU" else None,
    }
    response = await client.call("searchCatalogItems", "GET", BASE, params=params)
    body = Reader(response.body, "searchCatalogItems")
    items = [parse_item(entry, marketplace_id) for entry in body.array("items", required=True)]
    pagination = body.obj("pagination")
    return Page(items, pagination.text("nextToken") if pagination else None)


async def get_catalog_item(
    client: SpApiClient,
    asin: str,
    *,
    marketplace_id: str,
    included_data: Sequence[str] = ALL_DATA,
) -> CatalogItem:
    """GET /catalog/2022-04-01/items/{asin}."""
    response = await client.call(
        "getCatalogItem",
        "GET",
        f"{BASE}/{asin}",
        params={"marketplaceIds": [marketplace_id], "includedData": list(included_data)},
    )
    return parse_item(response.body, marketplace_id)


def _for_marketplace(row: Reader, key: str, marketplace_id: str) -> Reader | None:
    """The entry of a per-marketplace list that belongs to `marketplace_id` (else the first)."""
    entries = [Reader(e, f"{row.subject}.{key}") for e in row.array(key)]
    for entry in entries:
        if entry.data.get("marketplaceId") == marketplace_id:
            return entry
    return entries[0] if entries else None


def _dimensions(row: Reader | None) -> dict[str, Dimension]:
    result = {}
    for name in ("height", "length", "width", "weight"):
        part = row.obj(name) if row else None
        if part is not None and part.data.get("value") is not None:
            result[name] = Dimension(part.decimal("value", required=True), part.text("unit") or "")  # type: ignore[arg-type]
    return result


def parse_item(data: object, marketplace_id: str) -> CatalogItem:
    """Parse a Catalog Items `Item`, keeping the marketplace's entry of each data set."""
    row = Reader(data, f"catalog item {data.get('asin') if isinstance(data, dict) else '?'}")
    item = CatalogItem(asin=row.text("asin", required=True) or "", marketplace_id=marketplace_id)
    if summary := _for_marketplace(row, "summaries", marketplace_id):
        item.name = summary.text("itemName")
        item.brand = summary.text("brand")
        item.manufacturer = summary.text("manufacturer")
        item.model_number = summary.text("modelNumber")
        item.color = summary.text("color")
        item.size = summary.text("size")
        item.classification = summary.text("itemClassification")
    if product_type := _for_marketplace(row, "productTypes", marketplace_id):
        item.product_type = product_type.text("productType")
    if identifiers := _for_marketplace(row, "identifiers", marketplace_id):
        for entry in identifiers.array("identifiers"):
            ident = Reader(entry, identifiers.subject)
            kind = ident.text("identifierType", required=True) or ""
            item.identifiers.setdefault(kind, []).append(ident.text("identifier", required=True))  # type: ignore[arg-type]
    if relationships := _for_marketplace(row, "relationships", marketplace_id):
        for entry in relationships.array("relationships"):
            rel = Reader(entry, relationships.subject)
            if rel.text("type") != "VARIATION":
                continue
            item.parent_asins += rel.array("parentAsins")
            item.child_asins += rel.array("childAsins")
            if theme := rel.obj("variationTheme"):
                item.variation_theme = theme.text("theme")
                item.variation_attributes = theme.array("attributes")
    if dimensions := _for_marketplace(row, "dimensions", marketplace_id):
        item.item_dimensions = _dimensions(dimensions.obj("item"))
        item.package_dimensions = _dimensions(dimensions.obj("package"))
    if images := _for_marketplace(row, "images", marketplace_id):
        for entry in images.array("images"):
            image = Reader(entry, images.subject)
            item.images.append(
                Image(
                    image.text("variant", required=True) or "",
                    image.text("link", required=True) or "",
                    image.integer("height", required=True) or 0,
                    image.integer("width", required=True) or 0,
                )
            )
    if classes := _for_marketplace(row, "classifications", marketplace_id):
        chain = classes.array("classifications")
        node = Reader(chain[0], classes.subject) if chain else None
        path = []
        while node is not None:
            path.append(node.text("displayName", required=True) or "")
            node = node.obj("parent")
        item.category_path = list(reversed(path))
    attributes = row.obj("attributes")
    item.attributes = dict(attributes.data) if attributes else {}
    return item
