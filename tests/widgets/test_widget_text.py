"""Every runbook widget reads in the seller's words: no requirement id (ST-5, OR-7 …) anywhere.

Each widget is built against the live server with real data (stores, a load with skips,
notifications), then its whole tree is read the way a user sees it: labels, headings, HTML,
buttons, dropdown options, tab titles, grid cells and chart texts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import ipywidgets as w
import pandas as pd

from skuport.widgets import (
    CatalogWidget,
    ChangesPanel,
    ConnectStoreWidget,
    NotificationsWidget,
    OrderLogWidget,
    OrderRunsWidget,
    ProductPicker,
    RunsWidget,
    StatusPanel,
    StoreSettingsWidget,
    StoresWidget,
)
from tests.widgets import order_widgets_support as orders

REQUIREMENT_ID = re.compile(r"\b[A-Z]{2}-[0-9]+\b")
# Our documents' own numbers (sale SO-000001, purchase order, credit note) are not ids.
DOCUMENT_NUMBER = re.compile(r"\b(SO|PO|CN)-[0-9]{6}\b")
# What ipywidgets show to the user; the rest of a widget's traits are plumbing or data.
SHOWN_TRAITS = ("description", "value", "placeholder", "tooltip", "caption", "titles")


def _shown(widget: w.Widget) -> Iterator[tuple[str, Any]]:
    traits = widget.trait_values()
    for name in SHOWN_TRAITS:
        if name in traits:
            yield name, traits[name]
    if "_options_labels" in traits:
        yield "options", traits["_options_labels"]
    frame = getattr(widget, "df", None)
    if isinstance(frame, pd.DataFrame):
        yield "columns", [str(c) for c in frame.columns]
        yield "cells", [v for v in frame.to_numpy().ravel().tolist() if isinstance(v, str)]
    if hasattr(widget, "to_plotly_json"):
        yield "chart", widget.to_plotly_json()
    # Parts kept aside and shown later (confirmations, panels) count too.
    for name, value in vars(widget).items():
        if isinstance(value, w.Widget):
            yield name, value


def texts(root: w.Widget) -> Iterator[tuple[str, str]]:
    """(where, text) of every string the widget tree shows, hidden parts included."""
    seen: set[int] = set()
    stack: list[tuple[str, Any]] = [(type(root).__name__, root)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            yield where, item
        elif id(item) in seen:
            continue
        elif isinstance(item, w.Widget):
            seen.add(id(item))
            stack.extend((f"{where}.{name}", value) for name, value in _shown(item))
            children = getattr(item, "children", ())
            stack.extend((f"{where}[{i}]", child) for i, child in enumerate(children))
        elif isinstance(item, dict):
            seen.add(id(item))
            stack.extend((f"{where}.{key}", value) for key, value in item.items())
        elif isinstance(item, list | tuple):
            seen.add(id(item))
            stack.extend((f"{where}[{i}]", value) for i, value in enumerate(item))


def ids_shown(widget: w.Widget) -> list[tuple[str, str]]:
    return [
        (where, text)
        for where, text in texts(widget)
        if REQUIREMENT_ID.search(DOCUMENT_NUMBER.sub("", text))
    ]


def test_the_walk_reads_headings_buttons_options_tabs_and_grids():
    """The walk itself sees what a user sees, hidden panels included."""
    hidden = w.VBox([w.HTML("<h4>Settings (ST-5)</h4>")])
    root = w.VBox([w.Button(description="Go (OR-1)"), w.Tab([w.Label("x")], titles=("T (LG-4)",))])
    root.aside = hidden
    root.picker = w.Dropdown(options=[("by SKU (CA-7)", 1), ("sale SO-000001", 2)])
    found = {text for _where, text in ids_shown(root)}
    assert found == {"<h4>Settings (ST-5)</h4>", "Go (OR-1)", "T (LG-4)", "by SKU (CA-7)"}


def test_every_runbook_widget_reads_without_requirement_ids(admin, operations, seller, live_server):
    """ST-3 … ST-7, CA-1, OR-1, OR-8, BX-3, LG-1 … LG-4: every widget, with real data in it."""
    # given a working NA store with a load (FBA orders skipped, OR-7) and an EU store whose
    # tax mapping is incomplete (ST-6), so its orders are skipped and notified (OR-8)
    eu_seller = next(s for s in live_server.sandbox.state.sellers.values() if s.region == "EU")
    na = orders.ready_store(admin, seller)
    eu = orders.ready_store(admin, eu_seller, mapped=False)
    na_orders = orders.loaded(operations, na)
    eu_orders = orders.pending_of(admin, eu)
    assert eu_orders.load_orders()["skipped"] > 0
    na_orders.select_pending([0])
    runs = OrderRunsWidget(operations, store_id=na.id)
    runs.select([0])
    settings = StoreSettingsWidget(admin, store_id=eu.id)
    notifications = NotificationsWidget(operations, store_id=eu.id)
    widgets = [
        ConnectStoreWidget(admin),
        StoresWidget(admin),
        settings,
        StoreSettingsWidget(admin, store_id=na.id),
        CatalogWidget(operations, store_id=na.id),
        ProductPicker(operations),
        ChangesPanel(),
        na_orders,
        eu_orders,
        OrderLogWidget(operations, store_id=na.id),
        notifications,
        runs,
        RunsWidget(operations),
        StatusPanel(operations),
    ]
    # then the widgets show what they are about (the walk reads real content) …
    assert "Tax mapping incomplete" in settings.gaps_view.value
    assert notifications.notifications
    assert "fba_not_processed" in " ".join(text for _where, text in texts(runs))
    # … and none of it names a requirement id
    offenders = {type(widget).__name__: ids_shown(widget) for widget in widgets}
    assert {name: hits for name, hits in offenders.items() if hits} == {}
