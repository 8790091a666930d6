"""Catalog Items 2022-04-01: searchCatalogItems and getCatalogItem over the sandbox catalog."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from skuport.sandbox.http import ApiError, csv_param, json_response, operation, state_of
from skuport.sandbox.state import BY_ID, Product, SandboxState, Seller

DATA_SETS = {
    "attributes",
    "classifications",
    "dimensions",
    "identifiers",
    "images",
    "productTypes",
    "relationships",
    "salesRanks",
    "summaries",
    "vendorDetails",
}


def _classification_chain(product: Product) -> dict[str, Any]:
    node: dict[str, Any] | None = None
    for name, node_id in product.browse_path:
        node = {
            "displayName": name,
            "classificationId": node_id,
            **({"parent": node} if node else {}),
        }
    assert node is not None
    return node


def _dimension(value: Any, unit: str) -> dict[str, Any]:
    return {"unit": unit, "value": float(value)}


def _summary(product: Product, marketplace_id: str) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "marketplaceId": marketplace_id,
        "brand": product.brand,
        "itemName": product.title_in(marketplace_id),
        "manufacturer": product.brand,
        "itemClassification": product.classification,
        "browseClassification": {
            "displayName": product.browse_path[-1][0],
            "classificationId": product.browse_path[-1][1],
        },
        "websiteDisplayGroup": product.product_type.lower() + "_display_on_website",
    }
    for key in ("color", "size", "style"):
        if key in product.variation_values:
            summary[key] = product.variation_values[key]
    return summary


def _attributes(product: Product, marketplace_id: str) -> dict[str, Any]:
    language = BY_ID[marketplace_id].language
    return {
        "item_name": [
            {
                "value": product.title_in(marketplace_id),
                "language_tag": language,
                "marketplace_id": marketplace_id,
            }
        ],
        "brand": [
            {"value": product.brand, "language_tag": language, "marketplace_id": marketplace_id}
        ],
        **{
            name: [{"value": value, "marketplace_id": marketplace_id}]
            for name, value in product.variation_values.items()
        },
    }


def _relationships(state: SandboxState, product: Product) -> list[dict[str, Any]]:
    relationships: list[dict[str, Any]] = []
    theme_of = product if product.child_asins else state.products.get(product.parent_asin or "")
    if theme_of is not None and theme_of.variation_theme:
        relationship: dict[str, Any] = {
            "type": "VARIATION",
            "variationTheme": {
                "attributes": theme_of.variation_theme,
                "theme": "_".join(a.upper() for a in theme_of.variation_theme),
            },
        }
        if product.child_asins:
            relationship["childAsins"] = list(product.child_asins)
        else:
            relationship["parentAsins"] = [product.parent_asin]
        relationships.append(relationship)
    return relationships


def _dimensions(product: Product) -> dict[str, Any]:
    height, length, width = product.size_cm
    return {
        "height": _dimension(height, "centimeters"),
        "length": _dimension(length, "centimeters"),
        "width": _dimension(width, "centimeters"),
        "weight": _dimension(product.weight_kg, "kilograms"),
    }


def render_item(
    state: SandboxState, product: Product, marketplace_id: str, included: set[str]
) -> dict[str, Any]:
    """One catalog `Item` with the requested data sets for one marketplace."""
    item: dict[str, Any] = {"asin": product.asin}
    if "summaries" in included:
        item["summaries"] = [_summary(product, marketplace_id)]
    if "attributes" in included:
        item["attributes"] = _attributes(product, marketplace_id)
    if "identifiers" in included:
        item["identifiers"] = [
            {
                "marketplaceId": marketplace_id,
                "identifiers": [
                    {"identifierType": k, "identifier": v} for k, v in product.identifiers
                ],
            }
        ]
    if "relationships" in included:
        relationships = _relationships(state, product)
        item["relationships"] = [{"marketplaceId": marketplace_id, "relationships": relationships}]
    if "dimensions" in included:
        dims = _dimensions(product)
        item["dimensions"] = [{"marketplaceId": marketplace_id, "item": dims, "package": dims}]
    if "images" in included:
        link = f"https://m.media-amazon.com/images/I/{product.asin}.jpg"
        item["images"] = [
            {
                "marketplaceId": marketplace_id,
                "images": [{"variant": "MAIN", "link": link, "height": 500, "width": 500}],
            }
        ]
    if "productTypes" in included:
        item["productTypes"] = [
            {"marketplaceId": marketplace_id, "productType": product.product_type}
        ]
    if "classifications" in included:
        item["classifications"] = [
            {"marketplaceId": marketplace_id, "classifications": [_classification_chain(product)]}
        ]
    return item


def _marketplace(request: Request, seller: Seller) -> str:
    ids = csv_param(request, "marketplaceIds")
    if len(ids) != 1:
        raise ApiError(400, "InvalidInput", "Exactly one marketplaceId is supported")
    if ids[0] not in seller.marketplace_ids:
        raise ApiError(400, "InvalidInput", f"Invalid marketplaceId: {ids[0]}")
    return ids[0]


def _included(request: Request) -> set[str]:
    included = set(csv_param(request, "includedData")) or {"summaries"}
    unknown = included - DATA_SETS
    if unknown:
        raise ApiError(400, "InvalidInput", f"Invalid includedData: {sorted(unknown)}")
    return included


def _match(
    state: SandboxState,
    seller: Seller,
    request: Request,
    keywords: list[str],
    identifiers: list[str],
) -> list[Product]:
    """The catalog items matching the identifiers, or the keywords and refinements."""
    kind = request.query_params.get("identifiersType")
    products = sorted(state.products.values(), key=lambda p: p.asin)
    if identifiers:
        wanted = set(identifiers)
        if kind == "ASIN":
            return [p for p in products if p.asin in wanted]
        if kind == "SKU":
            asins = {
                lst.asin
                for lst in state.listings.values()
                if lst.seller_id == seller.seller_id and lst.sku in wanted
            }
            return [p for p in products if p.asin in asins]
        return [p for p in products if any(t == kind and v in wanted for t, v in p.identifiers)]
    brands = set(csv_param(request, "brandNames"))
    classes = set(csv_param(request, "classificationIds"))
    matched = [
        p
        for p in products
        if all(k in p.title.lower() or k in p.brand.lower() for k in keywords)
        and (not brands or p.brand in brands)
        and (not classes or any(c in classes for _, c in p.browse_path))
    ]
    return matched[:1000]  # Amazon pages through at most 1,000 keyword results


def _pagination(offset: int, page_size: int, total: int) -> dict[str, str]:
    pagination = {}
    if offset + page_size < total:
        pagination["nextToken"] = f"CATALOG-{offset + page_size}"
    if offset:
        pagination["previousToken"] = f"CATALOG-{max(0, offset - page_size)}"
    return pagination


async def search(request: Request, seller: Seller) -> Response:
    """searchCatalogItems: a page of catalog items by keywords or identifiers."""
    state = state_of(request)
    marketplace_id = _marketplace(request, seller)
    included = _included(request)
    keywords = [k.lower() for k in csv_param(request, "keywords")]
    identifiers = csv_param(request, "identifiers")
    if bool(keywords) == bool(identifiers):
        raise ApiError(400, "InvalidInput", "Provide either keywords or identifiers")
    if len(identifiers) > 20 or len(keywords) > 20:
        raise ApiError(400, "InvalidInput", "At most 20 identifiers or keywords are allowed")
    if identifiers and not request.query_params.get("identifiersType"):
        raise ApiError(400, "InvalidInput", "identifiersType is required with identifiers")
    matched = _match(state, seller, request, keywords, identifiers)
    page_size = int(request.query_params.get("pageSize", "10"))
    if not 1 <= page_size <= 20:
        raise ApiError(400, "InvalidInput", "pageSize must be between 1 and 20")
    offset = 0
    if token := request.query_params.get("pageToken"):
        if not token.startswith("CATALOG-") or not token[8:].isdigit():
            raise ApiError(400, "InvalidInput", "Invalid pageToken")
        offset = int(token[8:])
    page = matched[offset : offset + page_size]
    body: dict[str, Any] = {
        "numberOfResults": len(matched),
        "items": [render_item(state, p, marketplace_id, included) for p in page],
        "refinements": {
            "brands": [
                {"brandName": b, "numberOfResults": sum(p.brand == b for p in matched)}
                for b in sorted({p.brand for p in matched})
            ],
            "classifications": [],
        },
    }
    if pagination := _pagination(offset, page_size, len(matched)):
        body["pagination"] = pagination
    return json_response(body)


async def get_item(request: Request, seller: Seller) -> Response:
    """getCatalogItem: one catalog item by ASIN."""
    state = state_of(request)
    marketplace_id = _marketplace(request, seller)
    product = state.products.get(request.path_params["asin"])
    if product is None:
        asin = request.path_params["asin"]
        raise ApiError(
            404,
            "NOT_FOUND",
            f"Requested item '{asin}' not found in marketplace '{marketplace_id}'.",
        )
    return json_response(render_item(state, product, marketplace_id, _included(request)))


ROUTES = [
    Route("/catalog/2022-04-01/items", operation("searchCatalogItems", search)),
    Route("/catalog/2022-04-01/items/{asin}", operation("getCatalogItem", get_item)),
]
