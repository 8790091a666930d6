"""Going live: a download refused for a role the store's Amazon application lacks (OR-1, LG-1)
says which role is missing and where to add it, not "re-authorise this store"."""

from __future__ import annotations

from tests.e2e import test_orders_support as support

amazon, shop, load = support.amazon, support.shop, support.load


async def test_or1_a_download_without_the_orders_role_names_the_role_to_add(shop, load, amazon):
    """OR-1: the run stops and its message names the Inventory and Order Tracking role and
    Seller Central, and does not ask for a new authorisation."""
    store = await shop("NA")
    roles = ["Product Listing", "Finance and Accounting"]
    await amazon("POST", f"/_sandbox/sellers/{store.seller_id}/roles", roles=roles)

    run = await load(store.id, days=1, route="SEARCH")

    assert run["status"] == "FAILED", run
    assert "Inventory and Order Tracking" in run["message"]
    assert "Seller Central" in run["message"]
    assert "re-authorise" not in run["message"].lower()
