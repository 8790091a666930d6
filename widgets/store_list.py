"""The connected stores in a table: rename one, or disconnect it after a confirmation (ST-4)."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w
import traitlets

from skuport.widgets.client import SkuportClient, SkuportError
from skuport.widgets.stores import STORE_FIELDS, STORE_RESULT, STORES, error_html, text_input

UPDATE_STORE = (
    "mutation UpdateStore($id: ID!, $name: String, $shop: String) {"
    f" updateStore(id: $id, name: $name, shopRepresentativeName: $shop) {{ {STORE_RESULT} }} }}"
    + STORE_FIELDS
)
DISCONNECT_STORE = """
mutation DisconnectStore($id: ID!) {
  disconnectStore(id: $id) {
    __typename
    ... on StoreDisconnected { id pendingOrdersReleased unitsReleased }
    ... on UserError { message field }
  }
}
"""


class StoresWidget(w.VBox):
    """The connected stores in a table; disconnect one after a confirmation (ST-4)."""

    stores = traitlets.List(help="the connected stores, by name")
    pending_disconnect = traitlets.Unicode("", help="id of the store awaiting confirmation")
    error = traitlets.Unicode("")
    error_field = traitlets.Unicode("", help="the input field the last error blamed, if any")
    notice = traitlets.Unicode("")

    def __init__(self, client: SkuportClient) -> None:
        self.client = client
        self.table = w.HTML()
        self.refresh_button = w.Button(description="Refresh", icon="refresh")
        self.store_picker = w.Dropdown(description="Store", options=[])
        self.disconnect_button = w.Button(
            description="Disconnect…", icon="unlink", button_style="danger"
        )
        self.cancel_button = w.Button(description="Cancel", layout=w.Layout(display="none"))
        self.name_input = text_input("Store name")
        self.shop_input = text_input("Shop representative")
        self.rename_button = w.Button(description="Save names", icon="save")
        self.name_errors = {"name": w.HTML(), "shopRepresentativeName": w.HTML()}
        self.status = w.HTML()
        self.rename_button.on_click(lambda _button: self.rename())
        self.refresh_button.on_click(lambda _button: self.refresh())
        self.disconnect_button.on_click(lambda _button: self.disconnect())
        self.cancel_button.on_click(lambda _button: self.cancel())
        self.store_picker.observe(lambda _change: self._picked(), names="value")
        super().__init__(
            [
                self.table,
                w.HBox(
                    [
                        self.refresh_button,
                        self.store_picker,
                        self.disconnect_button,
                        self.cancel_button,
                    ]
                ),
                w.HBox([self.name_input, self.name_errors["name"]]),
                w.HBox([self.shop_input, self.name_errors["shopRepresentativeName"]]),
                self.rename_button,
                self.status,
            ]
        )
        self.refresh()

    def _picked(self) -> None:
        self.cancel()
        store = self._picked_store()
        self.name_input.value = store["name"] if store else ""
        self.shop_input.value = store["shopRepresentativeName"] if store else ""

    def _picked_store(self) -> dict[str, Any] | None:
        return next((s for s in self.stores if s["id"] == self.store_picker.value), None)

    def refresh(self) -> None:
        """Reload the stores from the server."""
        try:
            stores = self.client.execute(STORES)["stores"]
        except SkuportError as exc:
            self.error = str(exc)
            self._render_status()
            return
        self.stores = stores
        ids, picked = [s["id"] for s in stores], self.store_picker.value
        self.store_picker.options = [(s["name"], s["id"]) for s in stores]
        self.store_picker.value = picked if picked in ids else (ids[0] if ids else None)
        self._picked()
        self.table.value = self._table_html()
        self.error = ""
        self._render_status()

    def disconnect(self) -> None:
        """First click asks for confirmation; the second disconnects the picked store."""
        store_id = self.store_picker.value
        if not store_id:
            self.error = "pick a store to disconnect"
            self._render_status()
            return
        if self.pending_disconnect != store_id:
            self.pending_disconnect = store_id
            self.error = ""
            self.notice = (
                f"Disconnecting {self._name(store_id)} removes its catalog, links, logs, pending "
                "orders, publishing jobs and schedules. Products, customers and sales stay. "
                "Click “Yes, disconnect” to go ahead."
            )
            self.disconnect_button.description = "Yes, disconnect"
            self.cancel_button.layout.display = None
            self._render_status()
            return
        name = self._name(store_id)
        self._reset_confirmation()
        try:
            result = self.client.execute(DISCONNECT_STORE, id=store_id)["disconnectStore"]
        except SkuportError as exc:
            self.error = str(exc)
            self._render_status()
            return
        if result["__typename"] != "StoreDisconnected":
            self.error = result["message"]
            self._render_status()
            return
        self.notice = f"disconnected {name}" + _released(result)
        self.refresh()

    def rename(self) -> None:
        """Save the picked store's name and shop representative name (ST-3: editable)."""
        store = self._picked_store()
        for label in self.name_errors.values():
            label.value = ""
        self.error = self.error_field = ""
        if store is None:
            self.error = "pick a store to rename"
            self._render_status()
            return
        name, shop = self.name_input.value.strip(), self.shop_input.value.strip()
        variables = {
            "id": store["id"],
            "name": name if name != store["name"] else None,
            "shop": shop if shop != store["shopRepresentativeName"] else None,
        }
        try:
            result = self.client.execute(UPDATE_STORE, **variables)["updateStore"]
        except SkuportError as exc:
            self.error = str(exc)
            self._render_status()
            return
        if result["__typename"] != "StoreSaved":
            self.error, self.error_field = result["message"], result.get("field") or ""
            if self.error_field in self.name_errors:
                self.name_errors[self.error_field].value = error_html(self.error)
            self._render_status()
            return
        self.notice = f"saved the names of {result['store']['name']}"
        self.refresh()

    def cancel(self) -> None:
        """Forget a disconnect that was not confirmed."""
        if self.pending_disconnect:
            self._reset_confirmation()
            self.notice = ""
            self._render_status()

    def _reset_confirmation(self) -> None:
        self.pending_disconnect = ""
        self.disconnect_button.description = "Disconnect…"
        self.cancel_button.layout.display = "none"

    def _name(self, store_id: str) -> str:
        return next((s["name"] for s in self.stores if s["id"] == store_id), f"store {store_id}")

    def _table_html(self) -> str:
        if not self.stores:
            return "<i>No store is connected yet.</i>"
        head = "".join(
            f"<th style='text-align:left;padding:2px 8px'>{h}</th>"
            for h in (
                "Id",
                "Name",
                "Region",
                "Status",
                "Marketplaces",
                "Tax mapping",
                "Restricted roles",
            )
        )
        body = ""
        for store in self.stores:
            used = ", ".join(
                e["marketplace"]["code"] for e in store["marketplaces"] if e["enabled"]
            )
            gaps = store["taxMappingGaps"]
            tax = f"⚠ {len(gaps)} missing" if gaps else "complete"
            roles = restricted_roles_text(store.get("restrictedRoles") or [])
            cells = (store["id"], store["name"], store["region"], store["status"], used, tax, roles)
            body += "<tr>" + "".join(
                f"<td style='padding:2px 8px'>{html.escape(str(c))}</td>" for c in cells
            )
            body += "</tr>"
        return f"<table><tr>{head}</tr>{body}</table>"

    def _render_status(self) -> None:
        if self.error:
            self.status.value = error_html(self.error)
        elif self.pending_disconnect:
            self.status.value = f"<b style='color:#b36b00'>{html.escape(self.notice)}</b>"
        else:
            self.status.value = html.escape(self.notice or _count(len(self.stores)))


def restricted_roles_text(roles: list[dict[str, Any]]) -> str:
    """Which restricted roles the store's Amazon application has, and what lacking them means."""
    if not roles or all(r["granted"] is None for r in roles):
        return "not known until a paid merchant-fulfilled order arrives"
    missing = [r for r in roles if r["granted"] is False]
    if not missing:
        return "has " + ", ".join(r["name"] for r in roles)
    names = ", ".join(r["name"] for r in missing)
    return f"⚠ lacks {names}: {missing[0]['withoutIt']}"


def _count(stores: int) -> str:
    return f"{stores} store connected" if stores == 1 else f"{stores} stores connected"


def _released(result: dict) -> str:  # type: ignore[type-arg]
    """What the disconnect gave back, when its pending orders held stock."""
    orders = result.get("pendingOrdersReleased") or 0
    if not orders:
        return ""
    noun = "order" if orders == 1 else "orders"
    return f"; {orders} pending {noun} dropped, {result['unitsReleased']} units available again"
