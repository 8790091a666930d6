"""A store's settings widget: marketplaces and price tiers, every setting, the tax-mapping check.

Requirements: ST-5 (settings), ST-6 (tax-mapping check), ST-7 (marketplace price tiers). The
form's fields live in store_settings_form, the marketplace rows in store_marketplaces.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w
import traitlets

from skuport.widgets.back_office_inline import NewRecordForm, new_record_form, offer_new
from skuport.widgets.client import SkuportClient, SkuportError
from skuport.widgets.store_marketplaces import (
    SET_MARKETPLACE,
    MarketInputs,
    changed_marketplaces,
    marketplace_rows,
    marketplace_variables,
)
from skuport.widgets.store_references import (
    Options,
    OptionsSource,
    Reference,
    graphql_reference_options,
)
from skuport.widgets.store_settings_form import (
    changed_values,
    country_of,
    filled_input,
    gaps_html,
    master_html,
    problems_of,
    section_note,
    sections_of,
    settings_input,
)
from skuport.widgets.stores import STORE_FIELDS, STORE_RESULT, STORES, error_html

STORE = "query Store($id: ID!) { store(id: $id) { ...StoreFields } }" + STORE_FIELDS
UPDATE_SETTINGS = (
    "mutation UpdateStoreSettings($storeId: ID!, $settings: StoreSettingsInput!) {"
    f" updateStoreSettings(storeId: $storeId, settings: $settings) {{ {STORE_RESULT} }} }}"
    + STORE_FIELDS
)


class StoreSettingsWidget(w.VBox):
    """Every setting of one store with its current value; Save sends only what changed."""

    stores = traitlets.List(help="the stores to pick from")
    store = traitlets.Dict(help="the picked store as last read from the server")
    tax_mapping_gaps = traitlets.List(help="what the picked store's tax mapping lacks")
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
        self.market_inputs: MarketInputs = {}
        self.reload_button.on_click(lambda _button: self.refresh())
        self.save_button.on_click(lambda _button: self.save())
        self.save_marketplaces_button.on_click(lambda _button: self.save_marketplaces())
        self._picking = False
        self.store_picker.observe(self._picked, names="value")
        super().__init__(
            [
                w.HBox([self.store_picker, self.reload_button]),
                self.gaps_view,
                w.HTML("<h4>Marketplaces and price tiers</h4>"),
                self.marketplaces_box,
                self.save_marketplaces_button,
                w.HTML("<h4>Settings</h4>"),
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

    def _build_form(self, store: dict[str, Any]) -> None:
        settings = store["settings"]
        self.inputs, self.labels, boxes = {}, {}, []
        self.new_records: dict[str, NewRecordForm] = {}
        for title, fields in sections_of(store).items():
            boxes.append(w.HTML(f"<b>{html.escape(title)}</b>"))
            note = section_note(store, title)
            if note:
                boxes.append(w.HTML(f"<i>{html.escape(note)}</i>"))
            for field in fields:
                self.inputs[field] = filled_input(field, settings, self._reference_choices)
                self.labels[field] = w.HTML()
                extra = [self.master_warning] if field == "amazonIsMaster" else []
                extra += self._new_record(field, store)
                boxes.append(w.HBox([self.inputs[field], self.labels[field], *extra]))
        self.inputs["amazonIsMaster"].observe(lambda _c: self._render_master(), names="value")
        self._render_master()
        self.form.children = boxes

    def _new_record(self, field: str, store: dict[str, Any]) -> list[NewRecordForm]:
        """A "New…" next to the tax rule, location and account pickers (issue 18)."""
        form = new_record_form(self.client, field, self.inputs[field], store, self._created)
        if form is not None:
            self.new_records[field] = form
        return [form] if form is not None else []

    def _created(self, kind: Reference, label: str, record_id: str) -> None:
        """Offer a record made inline in every picker of its kind."""
        self._choices[kind] = offer_new(self._choices.get(kind) or [], label, record_id)
        for form in self.new_records.values():
            picker = form.field.input
            if form.kind is kind and isinstance(picker, w.Dropdown):
                picker.options = offer_new(list(picker.options), label, record_id)

    def _build_marketplaces(self, store: dict[str, Any]) -> None:
        tiers = self._reference_choices(Reference.PRICE_TIER)
        self.market_inputs, rows = marketplace_rows(store, tiers)
        self.marketplaces_box.children = rows

    # --- saving -----------------------------------------------------------------------------

    def changes(self) -> dict[str, Any]:
        """The settings whose widget differs from the value read from the server."""
        return changed_values(self.store.get("settings", {}), self.inputs)

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
        problems = problems_of(changed, self.inputs)
        if problems:
            for field, message in problems.items():
                self._field_error(field, message)
            self.status.value = error_html("not saved: fix the fields marked in red")
            return
        data = settings_input(changed, self.inputs)
        try:
            result = self.client.execute(UPDATE_SETTINGS, storeId=self.store["id"], settings=data)[
                "updateStoreSettings"
            ]
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

    def save_marketplaces(self) -> None:
        """Send each changed marketplace (used or not, price tier); stop at the first refusal."""
        self._clear_errors()
        saved, store = [], self.store
        for code, entry, tier in changed_marketplaces(self.store, self.market_inputs):
            if tier.problem:
                self._market_error(code, tier.problem)
                break
            variables = marketplace_variables(self.store["id"], entry, self.market_inputs)
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
            field = next((f for f in self.inputs if country_of(f)), field)
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
        self.master_warning.value = master_html(self.inputs["amazonIsMaster"].value)

    def _render_gaps(self) -> None:
        self.gaps_view.value = gaps_html(self.tax_mapping_gaps)
