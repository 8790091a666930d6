"""The order jobs' operation log with charts (LG-4): runs, orders per day, skip reasons."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w
import pandas as pd
import plotly.graph_objects as go
import traitlets

from skuport.widgets.client import SkuportClient, SkuportError
from skuport.widgets.grids import Grid, grid_format, store_timezone
from skuport.widgets.order_base import run_report, run_summary
from skuport.widgets.order_data import RUNS, STORES, per_day, runs_frame, skip_reasons
from skuport.widgets.stores import error_html

PAGE = 100  # the server's largest page
CAPTURE_OPERATIONS = ("orders_download", "orders_load")  # the runs that capture orders
ORDER_OPERATIONS = (*CAPTURE_OPERATIONS, "orders_process", "orders_daily_processing")
SERIES = (("captured", "#2e7d32"), ("skipped", "#f9a825"), ("cancelled", "#c62828"))


def per_day_figure() -> go.FigureWidget:
    """Stacked bars of orders captured / skipped / cancelled per day."""
    return go.FigureWidget(
        data=[go.Bar(name=name, x=[], y=[], marker_color=color) for name, color in SERIES],
        layout=go.Layout(
            title="Orders per day (download and load runs)",
            barmode="stack",
            xaxis={"title": "day (UTC)", "type": "category"},
            yaxis={"title": "orders"},
            height=320,
        ),
    )


def reasons_figure() -> go.FigureWidget:
    """Horizontal bars: how often each skip reason came up."""
    return go.FigureWidget(
        data=[go.Bar(x=[], y=[], orientation="h", marker_color="#f9a825")],
        layout=go.Layout(
            title="Skip reasons",
            xaxis={"title": "orders"},
            yaxis={"autorange": "reversed", "type": "category"},
            height=320,
        ),
    )


class OrderRunsWidget(w.VBox):
    """Runs of the order jobs (who, window, counts, errors, duration) and their charts."""

    stores = traitlets.List(help="the connected stores: id and name")
    store_id = traitlets.Unicode("", help="the store whose runs are shown; empty for all")
    runs = traitlets.List(help="the order runs shown, newest first")
    days = traitlets.List(help="captured / skipped / cancelled per day, oldest day first")
    reasons = traitlets.Dict(help="skip reason → how many times it came up")
    error = traitlets.Unicode("", help="the last error, empty when all went well")

    def __init__(
        self, client: SkuportClient, *, store_id: str | None = None, max_runs: int = 500
    ) -> None:
        self.client = client
        self.max_runs = max_runs  # per operation: the charts cover the newest runs only
        self.store_picker = w.Dropdown(description="Store", options=[("all stores", "")])
        self.refresh_button = w.Button(description="Refresh", icon="refresh")
        self.status = w.HTML()
        self.table = Grid(
            df=runs_frame([]),
            caption="Order runs",
            select={"style": "single"},
            selected_rows=[],
        )
        self.run_details = w.HTML()
        self.per_day_chart = per_day_figure()
        self.reasons_chart = reasons_figure()
        self.refresh_button.on_click(lambda _button: self.refresh())
        self.store_picker.observe(lambda change: self._picked(change["new"]), names="value")
        self.table.observe(lambda _change: self._render_details(), names="selected_rows")
        self.charts = w.VBox([self.per_day_chart, self.reasons_chart])
        super().__init__(
            [
                w.HBox([self.store_picker, self.refresh_button]),
                self.status,
                self.table,
                self.run_details,
                self.charts,
            ]
        )
        self._load_stores(store_id)

    def _load_stores(self, store_id: str | None) -> None:
        try:
            self.stores = self.client.execute(STORES)["stores"]
        except SkuportError as exc:
            self._fail(str(exc))
            return
        choices = [(s["name"], s["id"]) for s in self.stores]
        self.store_picker.options = [("all stores", ""), *choices]
        by_name = {s["name"]: s["id"] for s in self.stores}
        wanted = by_name.get(store_id or "", store_id or "")
        if wanted in by_name.values() and wanted != self.store_picker.value:
            self.store_picker.value = wanted  # observed: refreshes
        else:
            self.refresh()

    def _picked(self, store_id: str | None) -> None:
        self.store_id = store_id or ""
        self.refresh()

    def _fetch(self, operation: str) -> list[dict[str, Any]]:
        runs: list[dict[str, Any]] = []
        after = None
        while len(runs) < self.max_runs:
            page = self.client.execute(
                RUNS, first=min(PAGE, self.max_runs - len(runs)), after=after, operation=operation
            )["runs"]
            runs.extend(page["nodes"])
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        return runs

    def refresh(self) -> None:
        """Reload the order runs and redraw the charts."""
        try:
            fetched = {operation: self._fetch(operation) for operation in ORDER_OPERATIONS}
        except SkuportError as exc:
            self._fail(str(exc))
            return
        # The runs query has no store filter; a run's target is its store's id.
        mine = {
            operation: [r for r in runs if not self.store_id or r["target"] == self.store_id]
            for operation, runs in fetched.items()
        }
        self.runs = sorted(
            (run for runs in mine.values() for run in runs),
            key=lambda run: (run["startedAt"], int(run["id"])),
            reverse=True,
        )
        capture = [run for op in CAPTURE_OPERATIONS for run in mine[op]]
        self.days, self.reasons = per_day(capture), skip_reasons(capture)
        self.table.update(self._frame(), selected_rows=[])
        self._render_details()
        self._draw()
        self.error = ""
        totals = {name: sum(day[name] for day in self.days) for name, _color in SERIES}
        runs = f"{len(self.runs)} order run{'' if len(self.runs) == 1 else 's'}"
        self.status.value = html.escape(
            f"{runs}; {totals['captured']} orders captured, {totals['skipped']} skipped, "
            f"{totals['cancelled']} cancelled"
        )

    def _frame(self) -> pd.DataFrame:
        """The runs as the grid shows them: in the picked store's time zone (else the
        analyst's), each run's store by name."""
        store = next((s for s in self.stores if s["id"] == self.store_id), {})
        fmt = grid_format(self.client, store_timezone(store))
        return runs_frame(self.runs, fmt, {s["id"]: s["name"] for s in self.stores})

    def select(self, positions: list[int]) -> None:
        """Select a run by its position in the grid, to see its errors."""
        self.table.selected_rows = [p for p in positions if 0 <= p < len(self.runs)][:1]

    def _render_details(self) -> None:
        picked = [self.runs[i] for i in self.table.selected_rows if i < len(self.runs)]
        if not picked:
            self.run_details.value = "select a run to see every order it skipped, and why"
            return
        run = picked[0]
        head = html.escape(
            f"run {run['id']} ({run['operation']}, {run['status'].lower()}): "
            f"{run_summary(run)}; window {run['windowStart'] or '—'} … {run['windowEnd'] or '—'}"
        )
        self.run_details.value = f"{head}<br>{run_report(run)}"

    def _draw(self) -> None:
        labels = [day["day"] for day in self.days]
        with self.per_day_chart.batch_update():
            for bar, (name, _color) in zip(self.per_day_chart.data, SERIES, strict=True):
                bar.x, bar.y = labels, [day[name] for day in self.days]
        with self.reasons_chart.batch_update():
            bar = self.reasons_chart.data[0]
            bar.y, bar.x = list(self.reasons), list(self.reasons.values())

    def _fail(self, message: str) -> None:
        self.error = message
        self.status.value = error_html(message)
