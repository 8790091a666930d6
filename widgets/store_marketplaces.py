"""A store's marketplaces in the settings widget: used or not, and their price tier (ST-7)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import ipywidgets as w

from skuport.widgets.store_references import Options, ReferenceField
from skuport.widgets.stores import STORE_FIELDS, STORE_RESULT

SET_MARKETPLACE = (
    "mutation SetStoreMarketplace($storeId: ID!, $marketplaceId: String!, $enabled: Boolean,"
    " $priceTierId: ID, $clearPriceTier: Boolean!) {"
    " setStoreMarketplace(storeId: $storeId, marketplaceId: $marketplaceId, enabled: $enabled,"
    f" priceTierId: $priceTierId, clearPriceTier: $clearPriceTier) {{ {STORE_RESULT} }} }}"
    + STORE_FIELDS
)

MarketInputs = dict[str, tuple[w.Checkbox, ReferenceField, w.HTML]]


def marketplace_rows(store: dict[str, Any], tiers: Options | None) -> tuple[MarketInputs, list]:
    """One row per marketplace of the store: used or not, its price tier, and a message label."""
    inputs: MarketInputs = {}
    rows = []
    for entry in store["marketplaces"]:
        market = entry["marketplace"]
        enabled = w.Checkbox(
            value=entry["enabled"],
            description=f"{market['code']} {market['name']} ({market['currency']})",
            indent=False,
            layout=w.Layout(width="260px"),
        )
        tier = ReferenceField("Price tier", tiers, "no price tier")
        tier.value = entry["priceTierId"]
        label = w.HTML()
        inputs[market["code"]] = (enabled, tier, label)
        rows.append(w.HBox([enabled, tier, label]))
    return inputs, rows


def changed_marketplaces(
    store: dict[str, Any], inputs: MarketInputs
) -> Iterator[tuple[str, dict[str, Any], ReferenceField]]:
    """Each marketplace whose row differs from the server: its code, entry and tier field."""
    for entry in store.get("marketplaces", []):
        code = entry["marketplace"]["code"]
        enabled, tier, _label = inputs[code]
        if enabled.value != entry["enabled"] or tier.value != entry["priceTierId"]:
            yield code, entry, tier


def marketplace_variables(
    store_id: str, entry: dict[str, Any], inputs: MarketInputs
) -> dict[str, Any]:
    """The SET_MARKETPLACE variables for one marketplace row as the user left it."""
    enabled, tier, _label = inputs[entry["marketplace"]["code"]]
    return {
        "storeId": store_id,
        "marketplaceId": entry["marketplace"]["id"],
        "enabled": enabled.value,
        "priceTierId": tier.value,
        "clearPriceTier": tier.value is None,
    }
