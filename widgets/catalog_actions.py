"""Pieces of the catalog widget: download report, product picker, "what changed" (CA-1, CA-7)."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w
import traitlets

from skuport.widgets.catalog_data import PRODUCTS, has_product_search
from skuport.widgets.client import SkuportClient, SkuportError
from skuport.widgets.stores import error_html


def download_report(run: dict[str, Any]) -> tuple[str, str]:
    """A finished download as a one-line summary and its message with every skipped reason."""
    ok = run["status"] == "SUCCEEDED"
    summary = (
        f"{'done' if ok else 'failed'}: {run['processed']} listings, "
        f"{run['skipped']} skipped, {run['cancelled']} canceled"
    )
    report = f"<b>{html.escape(run['message'])}</b>" if run["message"] else ""
    skipped = "".join(
        f"<li>{html.escape(e['item'])}: {html.escape(e['reason'])}</li>" for e in run["errors"]
    )
    if skipped:
        report += f"<br>Skipped:<ul>{skipped}</ul>"
    return html.escape(summary), report


class ProductPicker(w.VBox):
    """Which existing product to link to: searched by SKU or name when the server offers a
    product search, else typed in by id (the id box stays as a fallback either way)."""

    product_id = traitlets.Unicode("", help="the picked product's id, empty when none")
    matches = traitlets.List(help="products found by the last search (id, sku, name)")
    error = traitlets.Unicode("")

    def __init__(self, client: SkuportClient, *, searchable: bool | None = None) -> None:
        self.client = client
        self.searchable = has_product_search() if searchable is None else searchable
        self.id_input = w.Text(
            description="Product id",
            placeholder="the id of our product",
            layout={"width": "260px"},
            continuous_update=False,
        )
        self.search_input = w.Text(
            description="Find product",
            placeholder="SKU or name, then Enter",
            continuous_update=False,
            layout={"width": "320px"},
        )
        self.choice = w.Dropdown(description="Product", options=[], layout={"width": "420px"})
        self.status = w.HTML()
        self.id_input.observe(lambda change: self._typed(change["new"]), names="value")
        self.search_input.observe(lambda change: self.search(change["new"]), names="value")
        self.choice.observe(lambda change: self._chosen(change["new"]), names="value")
        rows: list[w.Widget] = [self.id_input, self.status]
        if self.searchable:
            rows = [w.HBox([self.search_input, self.choice]), *rows]
        super().__init__(rows)

    def search(self, text: str) -> None:
        """Look products up by SKU or name and offer them in the dropdown."""
        if not self.searchable or not text.strip():
            return
        try:
            found = self.client.execute(PRODUCTS, search=text.strip(), first=20)["products"]
        except SkuportError as exc:
            self._show(f"cannot search products ({exc}); type the product id instead")
            return
        self.matches = found["nodes"]
        self.choice.options = [(f"{p['sku']} — {p['name']}", p["id"]) for p in self.matches]
        self.choice.value = self.matches[0]["id"] if self.matches else None
        self._show("" if self.matches else f"no product matches “{text.strip()}”")

    def _chosen(self, product_id: str | None) -> None:
        if product_id:
            self.id_input.value = product_id

    def _typed(self, value: str) -> None:
        value = value.strip()
        if value and not value.isdigit():
            self.product_id = ""
            self._show("a product id is a number")
            return
        self.product_id = value
        self._show("")

    def _show(self, message: str) -> None:
        self.error = message
        self.status.value = error_html(message)


def outcome_rows(
    outcomes: list[dict[str, Any]], rows_by_entry: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """Each outcome with the listing it was about, as the panel lists them."""
    shown = []
    for outcome in outcomes:
        row = rows_by_entry.get(outcome["entryId"], {})
        shown.append(
            {
                "entryId": outcome["entryId"],
                "sellerSku": row.get("sellerSku", ""),
                "title": row.get("title", ""),
                "ok": outcome["ok"],
                "message": outcome["message"],
                "productId": outcome.get("productId"),
            }
        )
    return shown


class ChangesPanel(w.VBox):
    """What the last link / unlink / create did, row by row, with the counts."""

    action = traitlets.Unicode("", help="the last action: link, unlink or create")
    outcomes = traitlets.List(help="one dict per row: entryId, sellerSku, title, ok, message")
    succeeded = traitlets.Int(0)
    failed = traitlets.Int(0)

    def __init__(self) -> None:
        self.view = w.HTML("<i>No change yet: select rows and use an action above.</i>")
        super().__init__([self.view])

    def show(self, action: str, outcomes: list[dict[str, Any]]) -> None:
        """Record and render one action's outcomes."""
        self.action = action
        self.outcomes = outcomes
        self.succeeded = sum(1 for o in outcomes if o["ok"])
        self.failed = len(outcomes) - self.succeeded
        self.view.value = self._render()

    def message_for(self, entry_id: str) -> str:
        """The outcome message of one catalog entry in the last action, empty if none."""
        return next((o["message"] for o in self.outcomes if o["entryId"] == entry_id), "")

    def _render(self) -> str:
        head = "".join(
            f"<th style='text-align:left;padding:2px 8px'>{h}</th>"
            for h in ("", "Entry", "Seller SKU", "Title", "What happened")
        )
        body = ""
        for o in self.outcomes:
            mark = (
                "<span style='color:#1b7f3b'>✓</span>"
                if o["ok"]
                else "<b style='color:#b00020'>✗</b>"
            )
            cells = [o["entryId"], o["sellerSku"], o["title"], o["message"]]
            body += f"<tr><td style='padding:2px 8px'>{mark}</td>" + "".join(
                f"<td style='padding:2px 8px'>{html.escape(str(c))}</td>" for c in cells
            )
            body += "</tr>"
        counts = f"{self.succeeded} succeeded, {self.failed} failed"
        return (
            f"<b>{html.escape(self.action.capitalize())}: {counts}</b>"
            f"<table><tr>{head}</tr>{body}</table>"
        )
