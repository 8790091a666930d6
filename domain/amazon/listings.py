"""Listings Items API 2021-08-01: read, create/replace, patch and delete one seller SKU."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

from skuport.domain.amazon.client import SpApiClient
from skuport.domain.amazon.paging import Page, iterate_pages
from skuport.domain.amazon.parsing import AmountWithCurrency, Reader, iso

VALIDATION_PREVIEW = "VALIDATION_PREVIEW"


@dataclass(frozen=True)
class Issue:
    """A problem Amazon found with a listing or submission."""

    code: str
    message: str
    severity: str
    attribute_names: tuple[str, ...] = ()


@dataclass
class ListingsItem:
    """A seller SKU as Amazon holds it in one marketplace."""

    sku: str
    asin: str | None = None
    product_type: str | None = None
    item_name: str | None = None
    condition: str | None = None
    status: tuple[str, ...] = ()
    created: datetime | None = None
    last_updated: datetime | None = None
    price: AmountWithCurrency | None = None
    quantity: int | None = None
    issues: list[Issue] = field(default_factory=list)
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Submission:
    """Amazon's answer to a put/patch/delete: ACCEPTED (queued), VALID or INVALID (preview)."""

    sku: str
    status: str
    submission_id: str
    issues: tuple[Issue, ...]
    asin: str | None = None

    @property
    def accepted(self) -> bool:
        """Queued (or valid in preview) with no ERROR issue."""
        return self.status in ("ACCEPTED", "VALID") and not any(
            i.severity == "ERROR" for i in self.issues
        )


def _path(client: SpApiClient, sku: str) -> str:
    seller = client.store.selling_partner_id
    return f"/listings/2021-08-01/items/{quote(seller, safe='')}/{quote(sku, safe='')}"


def parse_issue(data: object, subject: str) -> Issue:
    """Parse one listings `Issue`."""
    row = Reader(data, subject)
    return Issue(
        code=row.text("code", required=True) or "",
        message=row.text("message", required=True) or "",
        severity=row.text("severity", required=True) or "",
        attribute_names=tuple(row.array("attributeNames")),
    )


async def get_listings_item(
    client: SpApiClient,
    sku: str,
    *,
    marketplace_id: str,
    included_data: Sequence[str] = (
        "summaries",
        "attributes",
        "issues",
        "offers",
        "fulfillmentAvailability",
    ),
) -> ListingsItem:
    """GET /listings/2021-08-01/items/{sellerId}/{sku}."""
    response = await client.call(
        "getListingsItem",
        "GET",
        _path(client, sku),
        params={"marketplaceIds": [marketplace_id], "includedData": list(included_data)},
    )
    return parse_listings_item(response.body, marketplace_id)


def parse_listings_item(data: object, marketplace_id: str) -> ListingsItem:
    """Parse a listings `Item` for one marketplace."""
    row = Reader(data, "listings item")
    item = ListingsItem(sku=row.text("sku", required=True) or "")
    row.subject = f"listings item {item.sku}"
    for entry in row.array("summaries"):
        summary = Reader(entry, row.subject + ".summaries")
        if summary.text("marketplaceId") != marketplace_id:
            continue
        item.asin = summary.text("asin")
        item.product_type = summary.text("productType")
        item.item_name = summary.text("itemName")
        item.condition = summary.text("conditionType")
        item.status = tuple(summary.array("status"))
        item.created = summary.moment("createdDate")
        item.last_updated = summary.moment("lastUpdatedDate")
    for entry in row.array("offers"):
        offer = Reader(entry, row.subject + ".offers")
        if offer.text("marketplaceId") == marketplace_id and offer.text("offerType") == "B2C":
            item.price = offer.money("price", required=True)
    for entry in row.array("fulfillmentAvailability"):
        availability = Reader(entry, row.subject + ".fulfillmentAvailability")
        if availability.text("fulfillmentChannelCode") == "DEFAULT":
            item.quantity = availability.integer("quantity")
    item.issues = [parse_issue(i, row.subject + ".issues") for i in row.array("issues")]
    attributes = row.obj("attributes")
    item.attributes = dict(attributes.data) if attributes else {}
    return item


def _parse_submission(body: object) -> Submission:
    row = Reader(body, "listings submission")
    identifiers = row.array("identifiers")
    return Submission(
        sku=row.text("sku", required=True) or "",
        status=row.text("status", required=True) or "",
        submission_id=row.text("submissionId", required=True) or "",
        issues=tuple(parse_issue(i, row.subject) for i in row.array("issues")),
        asin=identifiers[0].get("asin")
        if identifiers and isinstance(identifiers[0], dict)
        else None,
    )


async def put_listings_item(
    client: SpApiClient,
    sku: str,
    *,
    marketplace_id: str,
    product_type: str,
    attributes: dict[str, Any],
    requirements: str | None = None,
    preview: bool = False,
) -> Submission:
    """PUT a full listing (create or replace); `preview` validates without saving."""
    body: dict[str, Any] = {"productType": product_type, "attributes": attributes}
    if requirements:
        body["requirements"] = requirements
    response = await client.call(
        "putListingsItem",
        "PUT",
        _path(client, sku),
        params={
            "marketplaceIds": [marketplace_id],
            "mode": VALIDATION_PREVIEW if preview else None,
        },
        json=body,
    )
    return _parse_submission(response.body)


async def patch_listings_item(
    client: SpApiClient,
    sku: str,
    *,
    marketplace_id: str,
    product_type: str,
    patches: Sequence[dict[str, Any]],
    preview: bool = False,
) -> Submission:
    """PATCH top-level attributes of a listing."""
    response = await client.call(
        "patchListingsItem",
        "PATCH",
        _path(client, sku),
        params={
            "marketplaceIds": [marketplace_id],
            "mode": VALIDATION_PREVIEW if preview else None,
        },
        json={"productType": product_type, "patches": list(patches)},
    )
    return _parse_submission(response.body)


def stock_patch(quantity: int) -> dict[str, Any]:
    """The patch that sets merchant-fulfilled stock to `quantity`."""
    return {
        "op": "replace",
        "path": "/attributes/fulfillment_availability",
        "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": quantity}],
    }


async def delete_listings_item(client: SpApiClient, sku: str, *, marketplace_id: str) -> Submission:
    """DELETE a listing from one marketplace."""
    response = await client.call(
        "deleteListingsItem",
        "DELETE",
        _path(client, sku),
        params={"marketplaceIds": [marketplace_id]},
    )
    return _parse_submission(response.body)


async def search_listings_items(
    client: SpApiClient,
    *,
    marketplace_id: str,
    last_updated_after: datetime | None = None,
    skus: Sequence[str] = (),
    included_data: Sequence[str] = ("summaries", "offers", "fulfillmentAvailability"),
    page_size: int = 20,
    page_token: str | None = None,
) -> Page[ListingsItem]:
    """GET /listings/2021-08-01/items/{sellerId}: the seller's listings, newest change first."""
    seller = quote(client.store.selling_partner_id, safe="")
    params = {
        "marketplaceIds": [marketplace_id],
        "includedData": list(included_data),
        "lastUpdatedAfter": iso(last_updated_after) if last_updated_after else None,
        "identifiers": list(skus),
        "identifiersType": "SKU" if skus else None,
        "pageSize": page_size,
        "pageToken": page_token,
    }
    response = await client.call(
        "searchListingsItems", "GET", f"/listings/2021-08-01/items/{seller}", params=params
    )
    row = Reader(response.body, "searchListingsItems")
    items = [parse_listings_item(i, marketplace_id) for i in row.array("items", required=True)]
    pagination = row.obj("pagination")
    return Page(items, pagination.text("nextToken") if pagination else None)


async def iter_listings_items(client: SpApiClient, **filters: Any) -> AsyncIterator[ListingsItem]:
    """Every listing matching `filters` (search_listings_items' keywords), across pages."""

    async def fetch(token: str | None) -> Page[ListingsItem]:
        return await search_listings_items(client, page_token=token, **filters)

    async for item in iterate_pages(fetch):
        yield item
