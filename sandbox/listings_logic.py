"""How the sandbox validates and applies listing submissions (shared by the API and feeds)."""

from __future__ import annotations

import copy
from decimal import Decimal, InvalidOperation
from typing import Any

from skuport.sandbox.state import (
    Listing,
    Offer,
    PendingListingChange,
    Product,
    SandboxState,
    Seller,
)

CONDITIONS = {
    "new_new",
    "new_open_box",
    "new_oem",
    "refurbished_refurbished",
    "used_like_new",
    "used_very_good",
    "used_good",
    "used_acceptable",
    "collectible_like_new",
    "collectible_very_good",
    "collectible_good",
    "collectible_acceptable",
    "club_club",
}
# Issue codes the sandbox uses (documented in docs/amazon.md).
MISSING = "90220"
INVALID_VALUE = "90244"
INVALID_ASIN = "8105"
BRAND_APPROVAL = "5461"
UNKNOWN_ATTRIBUTE = "99001"
# Attributes the sandbox's product types define; Amazon refuses any other name (INVALID).
KNOWN_ATTRIBUTES = frozenset(
    {
        "item_name",
        "brand",
        "manufacturer",
        "merchant_suggested_asin",
        "externally_assigned_product_identifier",
        "supplier_declared_has_product_identifier_exemption",
        "condition_type",
        "condition_note",
        "purchasable_offer",
        "list_price",
        "fulfillment_availability",
        "merchant_shipping_group",
        "product_description",
        "bullet_point",
        "generic_keyword",
        "item_type_keyword",
        "model_number",
        "model_name",
        "part_number",
        "color",
        "size",
        "style",
        "material",
        "item_package_dimensions",
        "item_package_weight",
        "item_dimensions",
        "item_weight",
        "country_of_origin",
        "main_product_image_locator",
        "other_product_image_locator_1",
        "parentage_level",
        "child_parent_sku_relationship",
        "variation_theme",
        "batteries_required",
        "supplier_declared_dg_hz_regulation",
        "skip_offer",
        "number_of_items",
        "unit_count",
    }
)


def issue(
    code: str, message: str, attribute: str | None = None, severity: str = "ERROR"
) -> dict[str, Any]:
    """A listings `Issue`."""
    result: dict[str, Any] = {
        "code": code,
        "message": message,
        "severity": severity,
        "categories": ["INVALID_ATTRIBUTE" if attribute else "INVALID_LISTING"],
    }
    if attribute:
        result["attributeNames"] = [attribute]
    return result


def _first(attributes: dict[str, Any], name: str) -> dict[str, Any] | None:
    values = attributes.get(name)
    if isinstance(values, list) and values and isinstance(values[0], dict):
        return values[0]
    return None


def offer_values(
    attributes: dict[str, Any],
) -> tuple[Decimal | None, int | None, list[dict[str, Any]]]:
    """Price and merchant quantity found in listing attributes, and issues for bad values."""
    problems = []
    price = quantity = None
    if (offer := _first(attributes, "purchasable_offer")) is not None:
        try:
            raw = offer["our_price"][0]["schedule"][0]["value_with_tax"]
            price = Decimal(str(raw))
            if price <= 0:
                raise InvalidOperation
        except (KeyError, IndexError, TypeError, InvalidOperation):
            problems.append(
                issue(INVALID_VALUE, "The price must be a positive number.", "purchasable_offer")
            )
            price = None
    if (availability := _first(attributes, "fulfillment_availability")) is not None:
        raw_quantity = availability.get("quantity")
        if not isinstance(raw_quantity, int) or isinstance(raw_quantity, bool) or raw_quantity < 0:
            problems.append(
                issue(
                    INVALID_VALUE,
                    "The quantity must be a whole number of 0 or more.",
                    "fulfillment_availability",
                )
            )
        else:
            quantity = raw_quantity
    if (condition := _first(attributes, "condition_type")) is not None:
        if condition.get("value") not in CONDITIONS:
            problems.append(
                issue(
                    INVALID_VALUE,
                    f"'{condition.get('value')}' is not a valid condition.",
                    "condition_type",
                )
            )
    return price, quantity, problems


def unknown_attributes(names: Any) -> list[dict[str, Any]]:
    """An INVALID issue for each attribute name the product type does not define."""
    return [
        issue(UNKNOWN_ATTRIBUTE, f"'{name}' is not an attribute of this product type.", name)
        for name in sorted(str(n) for n in names)
        if name not in KNOWN_ATTRIBUTES
    ]


def check_put(
    state: SandboxState, seller: Seller, attributes: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], Product | None]:
    """(immediate issues, issues found while processing, product) for a full listing."""
    _, _, problems = offer_values(attributes)
    problems += unknown_attributes(attributes)
    later: list[dict[str, Any]] = []
    product = None
    if (suggested := _first(attributes, "merchant_suggested_asin")) is not None:
        product = state.products.get(str(suggested.get("value")))
        if product is None:
            problems.append(
                issue(
                    INVALID_ASIN,
                    f"The ASIN '{suggested.get('value')}' is not valid.",
                    "merchant_suggested_asin",
                )
            )
    elif _first(attributes, "item_name") is None:
        problems.append(issue(MISSING, "'item_name' is required but not supplied.", "item_name"))
    brand_value = (_first(attributes, "brand") or {}).get("value") or (
        product.brand if product else None
    )
    restricted = product.restricted_brand if product else brand_value == "Lumina Premium"
    if restricted and brand_value not in seller.approved_brands:
        later.append(
            issue(
                BRAND_APPROVAL,
                f"You need approval to list products of the brand '{brand_value}'.",
                "brand",
            )
        )
    return problems, later, product


def schedule(state: SandboxState, seller: Seller, sku: str, apply: Any) -> None:
    """Apply a change once the listing delay has passed in virtual time."""
    due = state.clock.now() + state.settings.listing_delay
    state.pending.append(PendingListingChange(due, seller.seller_id, sku, apply))


def apply_due(state: SandboxState) -> None:
    """Apply every pending listing change whose time has come, in submission order."""
    now = state.clock.now()
    due = [p for p in state.pending if p.due <= now]
    state.pending = [p for p in state.pending if p.due > now]
    for change in due:
        change.apply(state)


def put_listing(
    state: SandboxState,
    seller: Seller,
    sku: str,
    marketplace_id: str,
    product_type: str,
    attributes: dict[str, Any],
    product: Product | None,
    later_issues: list[dict[str, Any]],
) -> None:
    """Create or replace a listing's offer in one marketplace (called when due)."""
    now = state.clock.now()
    if product is None:
        name = (_first(attributes, "item_name") or {}).get("value", sku)
        asin = "B0SBX" + state.next_id()[-5:]
        product = Product(
            asin=asin,
            title=str(name),
            brand=str((_first(attributes, "brand") or {}).get("value", "Generic")),
            product_type=product_type,
            classification="BASE_PRODUCT",
            browse_path=[("Home & Kitchen", "1055398")],
        )
        if not later_issues:
            state.products[asin] = product
    key = (seller.seller_id, sku)
    listing = state.listings.get(key) or Listing(
        seller.seller_id, sku, product.asin, product_type, product.title
    )
    listing.asin, listing.product_type, listing.title = product.asin, product_type, product.title
    listing.attributes = copy.deepcopy(attributes)
    price, quantity, _ = offer_values(attributes)
    previous = listing.offers.get(marketplace_id)
    offer = Offer(
        price=price if price is not None else (previous.price if previous else Decimal(0)),
        quantity=quantity if quantity is not None else 0,
        created=previous.created if previous else now,
        updated=now,
    )
    if later_issues:
        offer.status = []
        offer.issues = later_issues
    listing.offers[marketplace_id] = offer
    state.listings[key] = listing


def patch_listing(
    state: SandboxState,
    seller: Seller,
    sku: str,
    marketplace_id: str,
    patches: list[dict[str, Any]],
) -> None:
    """Apply JSON-patch style attribute changes to a listing (called when due)."""
    listing = state.listings.get((seller.seller_id, sku))
    if listing is None:
        return
    for patch in patches:
        name = str(patch.get("path", "")).removeprefix("/attributes/")
        if patch.get("op") == "delete":
            listing.attributes.pop(name, None)
        else:
            listing.attributes[name] = copy.deepcopy(patch.get("value"))
    price, quantity, _ = offer_values(listing.attributes)
    offer = listing.offers.setdefault(
        marketplace_id, Offer(price=Decimal(0), quantity=0, created=state.clock.now())
    )
    if price is not None:
        offer.price = price
    if quantity is not None:
        offer.quantity = quantity
    offer.updated = state.clock.now()


def delete_listing(state: SandboxState, seller: Seller, sku: str, marketplace_id: str) -> None:
    """Remove a listing's offer from one marketplace (and the listing when none is left)."""
    key = (seller.seller_id, sku)
    listing = state.listings.get(key)
    if listing is None:
        return
    listing.offers.pop(marketplace_id, None)
    if not listing.offers:
        del state.listings[key]
