"""What this store still needs: each record its settings point at, ✓ or ✗, and where to add it.

For a chosen store, the checklist reads the store's settings (runbook 01) and the back office's
records, and says for each thing a store needs before its orders flow whether it is there. A ✗
comes with a button that opens the right tab of the Back office widget; the settings themselves
are chosen in runbook 01's store settings panel.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import ipywidgets as w
import traitlets

from skuport.widgets.back_office import BackOfficeWidget
from skuport.widgets.back_office_forms import error_html
from skuport.widgets.client import SkuportClient, SkuportError
from skuport.widgets.stores import STORES

RECORDS = """
query SetupRecords {
  taxRules { id taxFree }
  locations { id }
  accounts { id kind }
  priceTiers { id currency }
  customers: customerList(limit: 1) { id }
  products(first: 1) { totalCount }
}
"""
SETTINGS_RUNBOOK = "01_connect_store.ipynb"
TAB_TITLES = {
    "taxRules": "Tax rules", "locations": "Locations", "accounts": "Accounts",
    "priceTiers": "Price tiers", "customers": "Customers", "products": "Products",
}  # fmt: skip


@dataclass(frozen=True)
class Need:
    """One thing the store needs: done or not, what to do, and the Back office tab to do it."""

    key: str
    label: str
    done: bool
    hint: str
    tab: str


def _pick(done: bool, have: bool, record: str, setting: str) -> str:
    if done:
        return ""
    if not have:
        return f"add a {record} here, then choose it as {setting} in the store's settings"
    return f"choose a {record} as {setting} in the store's settings (runbook 01)"


def store_needs(store: dict[str, Any], records: dict[str, Any]) -> list[Need]:
    """What `store` needs, from its settings and the records there are (pure)."""
    settings = store["settings"]
    return [
        _customer_need(settings, records["customers"]),
        *_tax_needs(store, records["taxRules"]),
        *_location_needs(settings, records["locations"]),
        _price_tiers(store, records["priceTiers"]),
        _payment_need(settings, records["accounts"]),
        _products_need(records["products"]["totalCount"] > 0),
    ]


def _customer_need(settings: dict[str, Any], customers: list[dict[str, Any]]) -> Need:
    chosen = bool(settings["customerId"])
    return Need(
        "customer",
        "A customer Amazon's orders are sold to",
        chosen,
        _pick(chosen, bool(customers), "customer", "the store's customer"),
        "customers",
    )


def _tax_needs(store: dict[str, Any], rules: list[dict[str, Any]]) -> list[Need]:
    needs = [
        Need(
            "taxRules",
            "Tax rules to choose from",
            bool(rules),
            "" if rules else "add the tax rules the store charges",
            "taxRules",
        )
    ]
    if store["region"] == "NA":
        free = any(r["taxFree"] for r in rules)
        hint = "" if free else "add a tax rule marked tax-free"
        needs.append(Need("taxFree", "A tax-free rule (North America)", free, hint, "taxRules"))
    gaps = store["taxMappingGaps"]
    hint = "" if not gaps else "choose in the store's settings (runbook 01): " + "; ".join(gaps)
    needs.append(Need("taxMapping", "Tax mapping complete", not gaps, hint, "taxRules"))
    return needs


def _location_needs(settings: dict[str, Any], locations: list[dict[str, Any]]) -> list[Need]:
    hint = "" if locations else "add the warehouse you ship from"
    needs = [Need("locations", "A location that holds stock", bool(locations), hint, "locations")]
    if settings["processFbaOrders"]:
        done = bool(settings["fbaLocationId"])
        needs.append(
            Need(
                "fbaLocation",
                "A location for Amazon-fulfilled (FBA) orders",
                done,
                _pick(done, bool(locations), "location", "FBA orders to"),
                "locations",
            )
        )
    return needs


def _payment_need(settings: dict[str, Any], accounts: list[dict[str, Any]]) -> Need:
    paid = bool(settings["paymentAccountId"])
    banks = [a for a in accounts if a["kind"] == "BANK"]
    return Need(
        "payment",
        "A bank account Amazon's payments go to",
        paid,
        _pick(paid, bool(banks), "bank account", "payment account"),
        "accounts",
    )


def _products_need(products: bool) -> Need:
    hint = (
        ""
        if products
        else "add or import products, or create them from the Amazon catalog (runbook 02)"
    )
    return Need("products", "Products to sell", products, "" if products else hint, "products")


def _price_tiers(store: dict[str, Any], tiers: list[dict[str, Any]]) -> Need:
    used = [e for e in store["marketplaces"] if e["enabled"]]
    missing = [e["marketplace"] for e in used if not e["priceTierId"]]
    currencies = {t["currency"] for t in tiers}
    lacking = sorted({m["currency"] for m in missing} - currencies)
    if not missing:
        hint = ""
    elif lacking:
        hint = f"add a price tier in {', '.join(lacking)}, then give each marketplace its tier"
    else:
        codes = ", ".join(m["code"] for m in missing)
        hint = f"give {codes} a price tier in the store's marketplaces (runbook 01)"
    label = "A price tier for every marketplace in use"
    return Need("priceTiers", label, not missing, hint, "priceTiers")


class SetupChecklist(w.VBox):
    """The checklist of one store; each ✗ has a button to the Back office tab that fixes it."""

    stores = traitlets.List(help="the stores to pick from")
    needs = traitlets.List(help="what the picked store needs, done or not")
    error = traitlets.Unicode("")

    def __init__(
        self,
        client: SkuportClient,
        back_office: BackOfficeWidget | None = None,
        *,
        store_id: str | None = None,
    ) -> None:
        self.client, self.back_office = client, back_office
        self.store_picker = w.Dropdown(description="Store", options=[])
        self.check_button = w.Button(description="Check again", icon="refresh")
        self.summary = w.HTML()
        self.rows = w.VBox()
        self.buttons: dict[str, w.Button] = {}
        self._picking = False
        self.store_picker.observe(self._picked, names="value")
        self.check_button.on_click(lambda _button: self.refresh())
        settings = (f"Settings themselves are chosen in runbook 01 "
                    f"(<code>{SETTINGS_RUNBOOK}</code>), step 4.")  # fmt: skip
        super().__init__(
            [w.HBox([self.store_picker, self.check_button]), self.summary, self.rows,
             w.HTML(f"<i>{settings}</i>")]
        )  # fmt: skip
        self.refresh(store_id)

    def refresh(self, store_id: str | None = None) -> None:
        """Read the stores and records again and check the picked store."""
        self.error = ""
        try:
            self.stores = self.client.execute(STORES)["stores"]
        except SkuportError as exc:
            self._fail(str(exc))
            return
        ids = [s["id"] for s in self.stores]
        wanted = store_id or self.store_picker.value
        self._picking = True
        try:
            self.store_picker.options = [(s["name"], s["id"]) for s in self.stores]
            self.store_picker.value = wanted if wanted in ids else (ids[0] if ids else None)
        finally:
            self._picking = False
        self.check()

    def _picked(self, change: dict[str, Any]) -> None:
        if not self._picking:
            self.check()

    def check(self) -> None:
        """Check the picked store against the records there are now."""
        store = next((s for s in self.stores if s["id"] == self.store_picker.value), None)
        if store is None:
            self.needs, self.rows.children = [], []
            self.summary.value = "<i>No store is connected yet: connect one in runbook 01.</i>"
            return
        try:
            records = self.client.execute(RECORDS)
        except SkuportError as exc:
            self._fail(str(exc))
            return
        needs = store_needs(store, records)
        self.needs = [need.__dict__ for need in needs]
        self.rows.children = [self._row(need) for need in needs]
        todo = sum(not need.done for need in needs)
        name = html.escape(store["name"])
        self.summary.value = (
            f"<b style='color:#1b7f3b'>✓ {name} has everything it needs.</b>"
            if not todo
            else f"<b>{name} still needs {todo} thing{'s' * (todo != 1)}:</b>"
        )

    def _row(self, need: Need) -> w.HBox:
        mark = "<b style='color:#1b7f3b'>✓</b>" if need.done else "<b style='color:#b00020'>✗</b>"
        hint = f" — <i>{html.escape(need.hint)}</i>" if need.hint else ""
        text = w.HTML(f"{mark} {html.escape(need.label)}{hint}")
        button = w.Button(description=f"Open {TAB_TITLES[need.tab]}", icon="external-link")
        button.disabled = self.back_office is None
        button.on_click(lambda _button, tab=need.tab: self.open_tab(tab))
        self.buttons[need.key] = button
        return w.HBox([button, text])

    def open_tab(self, tab: str) -> None:
        """Show the Back office tab where this need is met."""
        if self.back_office is not None:
            self.back_office.show_tab(tab)

    def _fail(self, message: str) -> None:
        self.error = message
        self.summary.value = error_html(message)
