"""A store's settings (ST-5), its tax-mapping check (ST-6) and marketplace price tiers (ST-7)."""

from __future__ import annotations

import html
import re
from typing import Any
from zoneinfo import available_timezones

import ipywidgets as w
import traitlets

from skuport.widgets.client import SkuportClient, SkuportError
from skuport.widgets.store_references import (
    Options,
    OptionsSource,
    Reference,
    ReferenceField,
    graphql_reference_options,
)
from skuport.widgets.stores import STORE_FIELDS, STORE_RESULT, STORES, error_html

STORE = "query Store($id: ID!) { store(id: $id) { ...StoreFields } }" + STORE_FIELDS
UPDATE_SETTINGS = (
    "mutation UpdateStoreSettings($storeId: ID!, $settings: StoreSettingsInput!) {"
    f" updateStoreSettings(storeId: $storeId, settings: $settings) {{ {STORE_RESULT} }} }}"
    + STORE_FIELDS
)
SET_MARKETPLACE = (
    "mutation SetStoreMarketplace($storeId: ID!, $marketplaceId: String!, $enabled: Boolean,"
    " $priceTierId: ID, $clearPriceTier: Boolean!) {"
    " setStoreMarketplace(storeId: $storeId, marketplaceId: $marketplaceId, enabled: $enabled,"
    f" priceTierId: $priceTierId, clearPriceTier: $clearPriceTier) {{ {STORE_RESULT} }} }}"
    + STORE_FIELDS
)


CHOICES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "loadOrdersWhen": ("Load orders", [("when paid", "PAID"), ("when shipped", "SHIPPED")]),
    "consolidation": ("Consolidation", [("none", "NONE"), ("daily", "DAILY")]),
    "fulfilmentMode": (
        "Pick/pack/ship",
        [
            ("none", "NONE"),
            ("pick", "PICK"),
            ("pick + pack", "PICK_PACK"),
            ("pick + pack + ship", "PICK_PACK_SHIP"),
        ],
    ),
    "invoiceStatus": ("Invoice status", [("draft", "DRAFT"), ("authorised", "AUTHORISED")]),
    "salesRepresentative": (
        "Sales representative",
        [("shop name", "SHOP_NAME"), ("marketplace (Amazon_US …)", "MARKETPLACE")],
    ),
    "matchProducts": ("Match products", [("by SKU", "BY_SKU"), ("manually", "MANUAL")]),
}
FLAGS = {
    "processFbaOrders": "Process Amazon-fulfilled (FBA) orders",
    "createProductIfNotFound": "Create product if not found (BY_SKU only)",
    "amazonIsMaster": "Amazon is master source for products",
    "updateStockLevels": "Update stock levels in Amazon",
}
REFERENCES: dict[str, tuple[Reference, str, str]] = {
    "customerId": (Reference.CUSTOMER, "Customer", "none (required before processing)"),
    "fbmLocationId": (Reference.LOCATION, "FBM orders from", "all locations"),
    "fbaLocationId": (Reference.LOCATION, "FBA orders to", "none"),
    "lineTaxRuleId": (Reference.TAX_RULE, "Tax rule: lines", "none"),
    "chargeTaxRuleId": (Reference.TAX_RULE, "Tax rule: charges", "none"),
    "taxFreeRuleId": (Reference.TAX_RULE, "Tax-free rule", "none"),
    "revenueAccountId": (Reference.REVENUE_ACCOUNT, "Revenue account", "product/customer's"),
    "paymentAccountId": (Reference.BANK_ACCOUNT, "Payment account", "none"),
}
SECTIONS = {
    "Orders": [
        "loadOrdersWhen", "orderDownloadMinutes", "customerId", "fbmLocationId",
        "processFbaOrders", "fbaLocationId", "fulfilmentMode", "invoiceStatus",
        "salesRepresentative",
    ],
    "Daily consolidation": ["consolidation", "consolidationTime", "timezone"],
    "Products": ["matchProducts", "createProductIfNotFound", "amazonIsMaster", "updateStockLevels"],
    "Tax mapping (ST-6)": ["lineTaxRuleId", "chargeTaxRuleId", "taxFreeRuleId"],
    "Accounts": ["revenueAccountId", "paymentAccountId"],
}  # fmt: skip
MASTER_WARNING = (
    "⚠ With Amazon as master source, every catalog download overwrites our products' data "
    "(name, description, barcode, weight, prices, image — all but the SKU) with Amazon's."
)
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(:[0-5]\d)?$")
_STYLE = {"description_width": "180px"}


def _shown(field: str, value: Any) -> Any:
    """A server value as its widget shows it (times without seconds)."""
    return str(value)[:5] if field == "consolidationTime" else value


def _country(field: str) -> str | None:
    return field.removeprefix("country:") if field.startswith("country:") else None


class StoreSettingsWidget(w.VBox):
    """Every setting of one store with its current value; Save sends only what changed."""

    stores = traitlets.List(help="the stores to pick from")
    store = traitlets.Dict(help="the picked store as last read from the server")
    tax_mapping_gaps = traitlets.List(help="ST-6: what the picked store's tax mapping lacks")
    field_errors = traitlets.Dict(help="input field → why the server (or a check) refused it")
    marketplace_errors = traitlets.Dict(help="marketplace code → why its change was refused")
    error = traitlets.Unicode("")
    notice = traitlets.Unicode("")

    def __init__(
        self,
        client: SkuportClient,
        *,
        store_id: str | None = None,
        options: OptionsSource = graphql_reference_options,
    ) -> None:
        self.client = client
        self.options = options
        self._choices: dict[Reference, Options | None] = {}
        self.store_picker = w.Dropdown(description="Store", options=[])
        self.reload_button = w.Button(description="Reload", icon="refresh")
        self.save_button = w.Button(
            description="Save settings", icon="save", button_style="primary"
        )
        self.save_marketplaces_button = w.Button(
            description="Save marketplaces", icon="save", button_style="primary"
        )
        self.gaps_view = w.HTML()
        self.master_warning = w.HTML()
        self.status = w.HTML()
        self.form = w.VBox()
        self.marketplaces_box = w.VBox()
        self.inputs: dict[str, Any] = {}
        self.labels: dict[str, w.HTML] = {}
        self.market_inputs: dict[str, tuple[w.Checkbox, ReferenceField, w.HTML]] = {}
        self.reload_button.on_click(lambda _button: self.refresh())
        self.save_button.on_click(lambda _button: self.save())
        self.save_marketplaces_button.on_click(lambda _button: self.save_marketplaces())
        self._picking = False
        self.store_picker.observe(self._picked, names="value")
        super().__init__(
            [
                w.HBox([self.store_picker, self.reload_button]),
                self.gaps_view,
                w.HTML("<h4>Marketplaces and price tiers (ST-7)</h4>"),
                self.marketplaces_box,
                self.save_marketplaces_button,
                w.HTML("<h4>Settings (ST-5)</h4>"),
                self.form,
                self.save_button,
                self.status,
            ]
        )
        self.refresh(store_id)

    # --- loading ----------------------------------------------------------------------------

    def refresh(self, store_id: str | None = None) -> None:
        """Reload the stores; keep the picked one (or pick `store_id`, else the first)."""
        self._choices = {}  # records added since are offered too
        try:
            self.stores = self.client.execute(STORES)["stores"]
        except SkuportError as exc:
            self._fail(str(exc))
            return
        ids = [s["id"] for s in self.stores]
        wanted = store_id or self.store_picker.value
        self._picking = True
        try:
            self.store_picker.options = [
                (f"{s['name']} ({s['region']})", s["id"]) for s in self.stores
            ]
            self.store_picker.value = wanted if wanted in ids else (ids[0] if ids else None)
        finally:
            self._picking = False
        self.load(self.store_picker.value)

    def _picked(self, change: dict[str, Any]) -> None:
        if not self._picking:
            self.load(change["new"])

    def load(self, store_id: str | None) -> None:
        """Show the store's current settings (nothing when no store is connected)."""
        self.field_errors, self.marketplace_errors, self.error, self.notice = {}, {}, "", ""
        if not store_id:
            self.store, self.tax_mapping_gaps = {}, []
            self.form.children, self.marketplaces_box.children = [], []
            self.status.value = "<i>No store is connected yet: connect one first.</i>"
            self.gaps_view.value = ""
            return
        try:
            store = self.client.execute(STORE, id=store_id)["store"]
        except SkuportError as exc:
            self._fail(str(exc))
            return
        if store is None:
            self._fail(f"store {store_id} no longer exists: press Reload")
            return
        self._show(store)
        self.status.value = ""

    def _show(self, store: dict[str, Any], *, form: bool = True, markets: bool = True) -> None:
        # Rebuild only the part just saved, so unsaved edits in the other part stay.
        self.store = store
        self.tax_mapping_gaps = store["taxMappingGaps"]
        if form:
            self._build_form(store)
        if markets:
            self._build_marketplaces(store)
        self._render_gaps()

    def _reference_choices(self, kind: Reference) -> Options | None:
        if kind not in self._choices:
            self._choices[kind] = self.options(self.client, kind)
        return self._choices[kind]

    def _input(self, field: str) -> Any:
        if field in CHOICES:
            label, options = CHOICES[field]
            return w.Dropdown(description=label, options=options, style=_STYLE)
        if field in FLAGS:
            return w.Checkbox(description=FLAGS[field], indent=False)
        if field in REFERENCES:
            kind, label, none_label = REFERENCES[field]
            return ReferenceField(label, self._reference_choices(kind), none_label, style=_STYLE)
        if field == "orderDownloadMinutes":
            return w.IntText(description="Download orders every (min)", style=_STYLE)
        if field == "consolidationTime":
            return w.Text(description="Local time (HH:MM)", style=_STYLE)
        return w.Combobox(
            description="Time zone",
            options=sorted(available_timezones()),
            placeholder="e.g. Europe/London",
            style=_STYLE,
        )

    def _build_form(self, store: dict[str, Any]) -> None:
        settings = store["settings"]
        self.inputs, self.labels, boxes = {}, {}, []
        sections = dict(SECTIONS)
        rules = {r["countryCode"]: r["taxRuleId"] for r in settings["countryTaxRules"]}
        if store["region"] == "EU":
            countries = sorted({e["marketplace"]["countryCode"] for e in store["marketplaces"]})
            sections["Tax mapping (ST-6)"] = [
                *sections["Tax mapping (ST-6)"],
                *(f"country:{c}" for c in countries),
            ]
        for title, fields in sections.items():
            boxes.append(w.HTML(f"<b>{html.escape(title)}</b>"))
            for field in fields:
                country = _country(field)
                if country is None:
                    widget, value = self._input(field), _shown(field, settings[field])
                else:
                    kind = self._reference_choices(Reference.TAX_RULE)
                    widget = ReferenceField(f"Tax rule: to {country}", kind, "none", style=_STYLE)
                    value = rules.get(country)
                widget.value = value
                self.inputs[field] = widget
                self.labels[field] = w.HTML()
                extra = [self.master_warning] if field == "amazonIsMaster" else []
                boxes.append(w.HBox([widget, self.labels[field], *extra]))
        self.inputs["amazonIsMaster"].observe(lambda _c: self._render_master(), names="value")
        self._render_master()
        self.form.children = boxes

    def _build_marketplaces(self, store: dict[str, Any]) -> None:
        self.market_inputs, rows = {}, []
        tiers = self._reference_choices(Reference.PRICE_TIER)
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
            self.market_inputs[market["code"]] = (enabled, tier, label)
            rows.append(w.HBox([enabled, tier, label]))
        self.marketplaces_box.children = rows

    # --- saving -----------------------------------------------------------------------------

    def changes(self) -> dict[str, Any]:
        """The settings whose widget differs from the value read from the server."""
        settings = self.store.get("settings", {})
        rules = {r["countryCode"]: r["taxRuleId"] for r in settings.get("countryTaxRules", [])}
        changed = {}
        for field, widget in self.inputs.items():
            country = _country(field)
            old = rules.get(country) if country else _shown(field, settings.get(field))
            if widget.value != old:
                changed[field] = widget.value
        return changed

    def save(self) -> None:
        """Send the changed settings; a refusal shows next to the field it names."""
        self._clear_errors()
        changed = self.changes()
        if not self.store:
            self._fail("pick a store first")
            return
        if not changed:
            self.notice = "nothing changed"
            self.status.value = html.escape(self.notice)
            return
        problems = self._check(changed)
        if problems:
            for field, message in problems.items():
                self._field_error(field, message)
            self.status.value = error_html("not saved: fix the fields marked in red")
            return
        try:
            result = self.client.execute(
                UPDATE_SETTINGS, storeId=self.store["id"], settings=self._settings_input(changed)
            )["updateStoreSettings"]
        except SkuportError as exc:
            self._fail(str(exc))
            return
        if result["__typename"] != "StoreSaved":
            self._field_error(result.get("field") or "", result["message"])
            self.status.value = error_html(f"not saved: {result['message']}")
            return
        self.notice = "saved " + ", ".join(sorted(changed))
        self._show(result["store"], markets=False)
        self.status.value = html.escape(self.notice)

    def _check(self, changed: dict[str, Any]) -> dict[str, str]:
        problems = {
            field: self.inputs[field].problem
            for field in changed
            if isinstance(self.inputs[field], ReferenceField) and self.inputs[field].problem
        }
        time_value = changed.get("consolidationTime")
        if time_value is not None and not _TIME.match(time_value.strip()):
            problems["consolidationTime"] = f"{time_value!r} is not a time of day like 23:30"
        return problems

    def _settings_input(self, changed: dict[str, Any]) -> dict[str, Any]:
        data: dict[str, Any] = {"clear": []}
        for field, value in changed.items():
            if _country(field):
                continue
            if field == "consolidationTime":
                hours, minutes = value.strip().split(":")[:2]
                data[field] = f"{int(hours):02d}:{minutes}:00"
            elif field == "timezone":
                data[field] = value.strip()
            elif value is None and field in REFERENCES:
                data["clear"].append(field)
            else:
                data[field] = value
        if any(_country(field) for field in changed):
            data["countryTaxRules"] = [
                {"countryCode": _country(f), "taxRuleId": widget.value}
                for f, widget in self.inputs.items()
                if _country(f) and widget.value
            ]
        return data

    def save_marketplaces(self) -> None:
        """Send each changed marketplace (used or not, price tier); stop at the first refusal."""
        self._clear_errors()
        saved, store = [], self.store
        for entry in self.store.get("marketplaces", []):
            code = entry["marketplace"]["code"]
            enabled, tier, _label = self.market_inputs[code]
            if enabled.value == entry["enabled"] and tier.value == entry["priceTierId"]:
                continue
            if tier.problem:
                self._market_error(code, tier.problem)
                break
            variables = {
                "storeId": self.store["id"],
                "marketplaceId": entry["marketplace"]["id"],
                "enabled": enabled.value,
                "priceTierId": tier.value,
                "clearPriceTier": tier.value is None,
            }
            try:
                result = self.client.execute(SET_MARKETPLACE, **variables)["setStoreMarketplace"]
            except SkuportError as exc:
                self._fail(str(exc))
                break
            if result["__typename"] != "StoreSaved":
                self._market_error(code, result["message"])
                break
            saved.append(code)
            store = result["store"]
        if self.error:
            if saved:  # the rows before the refusal were saved: keep the refused row as typed
                self.store, self.tax_mapping_gaps = store, store["taxMappingGaps"]
                self._render_gaps()
            return
        self.notice = "saved marketplaces " + ", ".join(saved) if saved else "nothing changed"
        self._show(store, form=False)
        self.status.value = html.escape(self.notice)

    # --- showing ----------------------------------------------------------------------------

    def _clear_errors(self) -> None:
        self.error, self.notice, self.field_errors, self.marketplace_errors = "", "", {}, {}
        for label in [*self.labels.values(), *(m[2] for m in self.market_inputs.values())]:
            label.value = ""

    def _field_error(self, field: str, message: str) -> None:
        if field == "countryTaxRules":
            field = next((f for f in self.inputs if _country(f)), field)
        self.field_errors = {**self.field_errors, field: message}
        self.error = message
        if field in self.labels:
            self.labels[field].value = error_html(message)

    def _market_error(self, code: str, message: str) -> None:
        self.marketplace_errors = {**self.marketplace_errors, code: message}
        self.error = message
        self.market_inputs[code][2].value = error_html(message)
        self.status.value = error_html(f"{code} not saved: {message}")

    def _fail(self, message: str) -> None:
        self.error = message
        self.status.value = error_html(message)

    def _render_master(self) -> None:
        on = self.inputs["amazonIsMaster"].value
        self.master_warning.value = f"<b style='color:#b36b00'>{MASTER_WARNING}</b>" if on else ""

    def _render_gaps(self) -> None:
        if not self.tax_mapping_gaps:
            self.gaps_view.value = "<b style='color:#1b7f3b'>✔ Tax mapping complete.</b>"
            return
        items = "".join(f"<li>{html.escape(gap)}</li>" for gap in self.tax_mapping_gaps)
        self.gaps_view.value = (
            "<div style='border:2px solid #b00020;padding:6px'><b style='color:#b00020'>"
            "⚠ Tax mapping incomplete: orders of this store are skipped at download until "
            f"these are set (ST-6):</b><ul>{items}</ul></div>"
        )
