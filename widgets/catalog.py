"""The catalog mapping widget (CA-1, CA-6, CA-7, ST-8): load, review, select, link, see changes.

One widget in four steps, each a box the runbook shows in its own cell: `load_step` (store and
"Load products" with progress), `grid_step` (filters and the grid), `action_step` (selection and
link / unlink / create) and `changes` (what the last action did, row by row).
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w
import traitlets

from skuport.widgets.catalog_actions import (
    ChangesPanel,
    ProductPicker,
    outcome_rows,
)
from skuport.widgets.catalog_data import (
    CATALOG,
    CREATE,
    LINK,
    LINKED,
    STATUSES,
    STORES,
    UNLINK,
    catalog_frame,
    entry_ids,
    grid_order,
)
from skuport.widgets.catalog_loading import CatalogLoadStep
from skuport.widgets.client import SkuportClient, SkuportError
from skuport.widgets.grids import Grid, grid_format
from skuport.widgets.stores import error_html

PAGE = 100  # the server's largest page


class CatalogWidget(CatalogLoadStep):
    """One store's catalog: load it from Amazon, filter it, and fix its mapping by hand."""

    stores = traitlets.List(help="the connected stores: id, name, marketplaces")
    store_id = traitlets.Unicode("", help="the picked store")
    rows = traitlets.List(help="the grid's rows as the server sent them, in grid order")
    total_count = traitlets.Int(0, help="rows matching the filters (the grid may show fewer)")
    error = traitlets.Unicode("", help="the last error, empty when all went well")
    notice = traitlets.Unicode("", help="the last confirmation shown to the user")

    def __init__(
        self,
        client: SkuportClient,
        *,
        store_id: str | None = None,
        max_rows: int = 2000,
        max_pause: float = 0.25,
    ) -> None:
        self.client = client
        self.max_rows = max_rows
        self.max_pause = max_pause  # the longest wait between two polls of a running download
        self._quiet = False
        self._codes: dict[str, str] = {}
        self._names: dict[str, str] = {}
        self._build_load_step()
        self._build_grid_step()
        self._build_action_step(client)
        self.changes = ChangesPanel()
        super().__init__([self.load_step, self.grid_step, self.action_step, self.changes])
        self.refresh_stores(store_id)

    # --- the other three steps (the first: CatalogLoadStep) -------------------------------------

    def _build_grid_step(self) -> None:
        self.only_active = w.Checkbox(value=True, description="Show only active")
        self.variations_separately = w.Checkbox(
            value=False, description="Show variations separately"
        )
        self.status_filter = w.Dropdown(description="Status", options=STATUSES, value=None)
        self.marketplace_filter = w.Dropdown(
            description="Marketplace", options=[("all", None)], value=None
        )
        self.linked_filter = w.Dropdown(description="Linked", options=LINKED, value=None)
        self.search_input = w.Text(
            description="Search",
            placeholder="title, seller SKU or ASIN, then Enter",
            continuous_update=False,
        )
        self.refresh_button = w.Button(description="Refresh", icon="refresh")
        self.grid_status = w.HTML()
        self.table = Grid(
            df=catalog_frame([], {}),
            caption="Catalog",
            select={"style": "multi+shift"},
            selected_rows=[],
        )
        for control in (
            self.only_active,
            self.variations_separately,
            self.status_filter,
            self.marketplace_filter,
            self.linked_filter,
            self.search_input,
        ):
            control.observe(lambda _change: self._filters_changed(), names="value")
        self.refresh_button.on_click(lambda _button: self.refresh())
        self.grid_step = w.VBox(
            [
                w.HBox([self.only_active, self.variations_separately]),
                w.HBox([self.status_filter, self.marketplace_filter, self.linked_filter]),
                w.HBox([self.search_input, self.refresh_button]),
                self.grid_status,
                self.table,
            ]
        )

    def _build_action_step(self, client: SkuportClient) -> None:
        self.select_all_button = w.Button(description="Select all visible", icon="check-square")
        self.clear_button = w.Button(description="Clear selection", icon="square")
        self.selection_label = w.HTML()
        self.picker = ProductPicker(client)
        self.link_button = w.Button(description="Link to product", icon="link")
        self.unlink_button = w.Button(description="Unlink", icon="unlink")
        self.create_button = w.Button(
            description="Create product", icon="plus", button_style="success"
        )
        self.action_status = w.HTML()
        self.select_all_button.on_click(lambda _button: self.select_all_visible())
        self.clear_button.on_click(lambda _button: self.clear_selection())
        self.link_button.on_click(lambda _button: self.link())
        self.unlink_button.on_click(lambda _button: self.unlink())
        self.create_button.on_click(lambda _button: self.create_products())
        self.table.observe(lambda _change: self._render_selection(), names="selected_rows")
        self.action_step = w.VBox(
            [
                w.HBox([self.select_all_button, self.clear_button, self.selection_label]),
                self.picker,
                w.HBox([self.link_button, self.unlink_button, self.create_button]),
                self.action_status,
            ]
        )

    # --- stores and rows -----------------------------------------------------------------------

    def refresh_stores(self, store_id: str | None = None) -> None:
        """Reload the connected stores; keep (or pick, by id or name) one and show its catalog."""
        try:
            stores = self.client.execute(STORES)["stores"]
        except SkuportError as exc:
            self._fail(str(exc), self.load_status)
            return
        self.stores = stores
        ids = [s["id"] for s in stores]
        wanted = store_id or self.store_picker.value
        self.store_picker.options = [(s["name"], s["id"]) for s in stores]
        if not stores:
            self._fail("no store is connected yet: connect one in runbook 01", self.load_status)
            return
        by_name = {s["name"]: s["id"] for s in stores}
        wanted = by_name.get(wanted or "", wanted)
        picked = wanted if wanted in ids else ids[0]
        if self.store_picker.value == picked:
            self._picked(picked)
        else:
            self.store_picker.value = picked  # observed: shows that store's catalog

    def _picked(self, store_id: str | None) -> None:
        self.store_id = store_id or ""
        store = next((s for s in self.stores if s["id"] == self.store_id), None)
        markets = [m["marketplace"] for m in (store or {}).get("marketplaces", [])]
        fmt = grid_format(self.client)  # the marketplace's code and name: "IT · Amazon.it"
        self._codes = {m["id"]: m["code"] for m in markets}
        self._names = {m["id"]: fmt.marketplace(m["id"]) for m in markets}
        self._quiet = True  # one reload for the new store, not one per reset filter
        try:
            self.marketplace_filter.options = [("all", None)] + [
                (self._names[m["id"]], m["id"]) for m in markets
            ]
            self.marketplace_filter.value = None
        finally:
            self._quiet = False
        self.refresh()

    def _filters_changed(self) -> None:
        if not self._quiet:
            self.refresh()

    def filter_input(self) -> dict[str, Any]:
        """The CA-6 filters as the catalog query takes them."""
        return {
            "onlyActive": self.only_active.value,
            "variationsSeparately": self.variations_separately.value,
            "status": self.status_filter.value,
            "marketplaceId": self.marketplace_filter.value,
            "linked": self.linked_filter.value,
            "search": self.search_input.value.strip() or None,
        }

    def refresh(self) -> None:
        """Reload the grid from the server with the current filters; the selection is cleared."""
        if not self.store_id:
            return
        rows: list[dict[str, Any]] = []
        after, total = None, 0
        try:
            while len(rows) < self.max_rows:
                page = self.client.execute(
                    CATALOG,
                    storeId=self.store_id,
                    filter=self.filter_input(),
                    first=min(PAGE, self.max_rows - len(rows)),
                    after=after,
                )["catalog"]
                rows.extend(page["nodes"])
                total = page["totalCount"]
                if not page["pageInfo"]["hasNextPage"]:
                    break
                after = page["pageInfo"]["endCursor"]
        except SkuportError as exc:
            self._fail(str(exc), self.grid_status)
            return
        self.rows, self.total_count = grid_order(rows, self._codes), total
        self.table.update(catalog_frame(self.rows, self._names), selected_rows=[])
        self.error = ""
        shown = f"{len(rows)} rows" if len(rows) == total else f"{len(rows)} of {total} rows"
        hint = "" if len(rows) == total else " — narrow them with the filters"
        self.grid_status.value = html.escape(f"{shown}{hint}")
        self._render_selection()

    # --- selection -----------------------------------------------------------------------------

    @property
    def selected(self) -> list[dict[str, Any]]:
        """The selected rows, in grid order."""
        return [self.rows[i] for i in sorted(self.table.selected_rows) if i < len(self.rows)]

    def selected_entry_ids(self) -> list[str]:
        """The catalog entries the selection stands for (a family row: all its variants)."""
        return [entry for row in self.selected for entry in entry_ids(row)]

    def select(self, positions: list[int]) -> None:
        """Select rows by their position in the grid."""
        self.table.selected_rows = [p for p in positions if 0 <= p < len(self.rows)]

    def select_all_visible(self) -> None:
        self.select(list(range(len(self.rows))))

    def clear_selection(self) -> None:
        self.select([])

    def _render_selection(self) -> None:
        rows, entries = len(self.selected), len(self.selected_entry_ids())
        text = (
            f"{rows} rows selected"
            if rows == entries
            else f"{rows} rows ({entries} listings) selected"
        )
        self.selection_label.value = html.escape(text if rows else "no row selected")

    # --- actions (CA-7) ------------------------------------------------------------------------

    def link(self, product_id: str | None = None) -> None:
        """Link the selected rows to an existing product (picked, or given)."""
        product = (product_id or self.picker.product_id).strip()
        if not product:
            self._fail("pick the product to link to (or type its id)", self.action_status)
            return
        self._act("link", LINK, productId=product)

    def unlink(self) -> None:
        """Leave the selected rows unlinked; our products stay as they are."""
        self._act("unlink", UNLINK)

    def create_products(self) -> None:
        """Create a product for each selected unlinked row (refused where the SKU exists)."""
        self._act("create", CREATE)

    def _act(self, action: str, query: str, **variables: Any) -> None:
        ids = self.selected_entry_ids()
        if not ids:
            self._fail("select one or more rows first", self.action_status)
            return
        by_entry = {r["id"]: r for row in self.selected for r in [row, *row.get("variants", [])]}
        try:
            answer = self.client.execute(query, storeId=self.store_id, entryIds=ids, **variables)
        except SkuportError as exc:
            self._fail(str(exc), self.action_status)
            return
        result = next(iter(answer.values()))  # the mutation's one root field
        if result["__typename"] != "CatalogActionDone":
            self._fail(result["message"], self.action_status)
            return
        self.changes.show(action, outcome_rows(result["outcomes"], by_entry))
        self.error = ""
        self.notice = f"{action}: {result['succeeded']} succeeded, {result['failed']} failed"
        self.action_status.value = html.escape(self.notice)
        self.refresh()

    def _fail(self, message: str, where: w.HTML) -> None:
        self.error = message
        where.value = error_html(message)
