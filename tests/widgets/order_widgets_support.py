"""A ready sandbox store and helpers shared by the order widget tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from skuport.widgets import PendingOrdersWidget, SkuportClient
from skuport.widgets.stores import CONNECT_SANDBOX_STORE

SETTINGS = """
mutation($storeId: ID!, $settings: StoreSettingsInput!) {
  updateStoreSettings(storeId: $storeId, settings: $settings) {
    __typename ... on UserError { message field }
  }
}
"""


REFERENCES = """
mutation($suffix: String!, $code: String!) {
  location: createLocation(name: $suffix) { ... on LocationSaved { location { id } } }
  sales: createTaxRule(name: $suffix, rate: "8.25") { ... on TaxRuleSaved { taxRule { id } } }
  free: createTaxRule(name: $code, rate: "0", taxFree: true) {
    ... on TaxRuleSaved { taxRule { id } }
  }
  customer: createCustomer(input: {name: $suffix}) { ... on CustomerSaved { customer { id } } }
  bank: createAccount(code: $code, name: $suffix, kind: BANK) {
    ... on AccountSaved { account { id } }
  }
}
"""


EU_COUNTRIES = ("GB", "DE", "FR", "IT", "ES")


@dataclass
class ReadyStore:
    """A connected sandbox store whose settings let orders flow (ST-6 satisfied)."""

    id: str
    seller_id: str
    location_id: str
    sales_rule_id: str
    free_rule_id: str
    customer_id: str
    bank_id: str


def ready_store(admin: SkuportClient, seller, *, mapped: bool = True, **settings) -> ReadyStore:  # type: ignore[no-untyped-def]
    """Connect the seller as a store, make its reference data and complete its settings."""
    connected = admin.execute(CONNECT_SANDBOX_STORE, sellerId=seller.seller_id, name=seller.name)
    assert connected["connectSandboxStore"]["__typename"] == "StoreSaved", connected
    store_id = connected["connectSandboxStore"]["store"]["id"]
    made = admin.execute(REFERENCES, suffix=f"Orders {seller.region}", code=f"13{seller.region}")
    store = ReadyStore(
        id=store_id,
        seller_id=seller.seller_id,
        location_id=made["location"]["location"]["id"],
        sales_rule_id=made["sales"]["taxRule"]["id"],
        free_rule_id=made["free"]["taxRule"]["id"],
        customer_id=made["customer"]["customer"]["id"],
        bank_id=made["bank"]["account"]["id"],
    )
    values: dict = {"fbmLocationId": store.location_id, "customerId": store.customer_id}
    if mapped:
        values |= {
            "lineTaxRuleId": store.sales_rule_id,
            "chargeTaxRuleId": store.sales_rule_id,
            "taxFreeRuleId": store.free_rule_id,
        }
        if seller.region == "EU":
            values["countryTaxRules"] = [
                {"countryCode": c, "taxRuleId": store.sales_rule_id} for c in EU_COUNTRIES
            ]
    changed = admin.execute(SETTINGS, storeId=store_id, settings=values | settings)
    assert changed["updateStoreSettings"]["__typename"] == "StoreSaved", changed
    return store


def sandbox_today(live_server) -> date:  # type: ignore[no-untyped-def]
    return live_server.sandbox.state.clock.now().date()


def paid(live_server, seller, *, fba: bool | None = False) -> set[str]:  # type: ignore[no-untyped-def]
    """The seller's orders a PAID store captures (OR-2): FBM only by default (OR-7's default)."""
    return {
        o.order_id
        for o in live_server.sandbox.state.seller_orders(seller.seller_id)
        if o.status in ("UNSHIPPED", "PARTIALLY_SHIPPED", "SHIPPED")
        and (fba is None or (o.fulfilled_by == "AMAZON") == fba)
    }


def pending_of(client: SkuportClient, store: ReadyStore, **options) -> PendingOrdersWidget:  # type: ignore[no-untyped-def]
    """The pending-orders widget on the store (polls a few ms apart: Amazon is virtual)."""
    return PendingOrdersWidget(client, store_id=store.id, max_pause=0.005, **options)


def loaded(client: SkuportClient, store: ReadyStore) -> PendingOrdersWidget:
    """The widget after loading the thirty days before the sandbox's now (its default range)."""
    widget = pending_of(client, store)
    run = widget.load_orders()
    assert run["status"] == "SUCCEEDED", run
    return widget
