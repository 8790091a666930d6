"""What the order widgets share: the picked store, and a progress bar that follows a run."""

from __future__ import annotations

import html
import re
import time
from typing import Any

import ipywidgets as w
import traitlets

from skuport.widgets.client import SkuportClient, SkuportError
from skuport.widgets.live import bar_range, watch_run
from skuport.widgets.order_data import FINISHED, RUN, STORES, attention_errors
from skuport.widgets.stores import error_html

# Progress messages of the order jobs: "40 orders from report", "100 of 240 orders applied".
_TOTAL = re.compile(r"(?:of )?(\d+) orders? (?:from|applied)")


def expected_total(message: str) -> int | None:
    """How many orders the running job said it has to go through, when it said so."""
    found = _TOTAL.search(message or "")
    return int(found.group(1)) if found else None


def run_summary(run: dict[str, Any], what: str = "orders") -> str:
    """A finished run in one line: its status and counts."""
    verb = "done" if run["status"] == "SUCCEEDED" else "failed"
    _needing, already = attention_errors(run.get("errors", []))
    captured = f"{already} already captured, " if already else ""
    skipped = max(run["skipped"] - already, 0)
    return (
        f"{verb}: {run['processed']} {what}, {captured}{skipped} skipped, "
        f"{run['cancelled']} cancelled"
    )


def run_report(run: dict[str, Any]) -> str:
    """The run's message and every order that needs the analyst, with its reason, as HTML.

    Orders already captured need nobody: they are counted, not listed."""
    report = f"<b>{html.escape(run['message'])}</b>" if run.get("message") else ""
    needing, already = attention_errors(run.get("errors", []))
    if already:
        report += f"<br>{already} already captured (in the order log, nothing to do)"
    items = "".join(
        f"<li>{html.escape(e['item'])}: {html.escape(e['reason'])}</li>" for e in needing
    )
    return report + (f"<br>Skipped or noted:<ul>{items}</ul>" if items else "")


class RunProgress(w.VBox):
    """A progress bar and report that follow one server run to its end: live over the
    `runUpdates` subscription, or by polling `run(id)` when live updates are unavailable."""

    run = traitlets.Dict(help="the run as last read: id, status, counts, message, errors")
    error = traitlets.Unicode("", help="why following the run failed, empty when it did not")

    def __init__(
        self, client: SkuportClient, *, label: str, what: str = "orders", live: bool = True
    ) -> None:
        self.client = client
        self.what = what
        self.live = live  # follow over the subscription; False: poll only
        self.bar = w.IntProgress(value=0, min=0, max=1, description=label)
        self.label = w.HTML()
        self.report = w.HTML()
        super().__init__([w.HBox([self.bar, self.label]), self.report])

    def start(self, run: dict[str, Any], text: str) -> None:
        """Show a run the server has just started."""
        self.run, self.error = run, ""
        self.bar.max, self.bar.value, self.bar.bar_style = 1, 0, "info"
        self.label.value = html.escape(text)
        self.report.value = ""

    def follow(
        self, *, max_polls: int = 2400, pause: float = 0.005, max_pause: float = 0.25
    ) -> dict[str, Any]:
        """Follow the run until it ends (or `max_polls` are spent); returns it as last read.

        Live updates move the bar; the finished run is then read once for its full report.
        When the subscription is refused or drops, polling takes over.
        """
        run_id = self.run.get("id")
        if run_id and self.live:
            watch_run(self.client, run_id, self._moving)
        for poll in range(max_polls if run_id else 0):
            try:
                run = self.client.execute(RUN, id=run_id)["run"]
            except SkuportError as exc:
                self.error = str(exc)
                return dict(self.run)
            if run["__typename"] != "OperationRun":
                self.error = run["message"]
                return dict(self.run)
            self.run = run
            if run["status"] in FINISHED:
                self._finished(run)
                return run
            self._moving(run)
            # Backs off from a few ms: quick against the sandbox, gentle on a busy server.
            time.sleep(min(pause * 2 ** min(poll, 16), max_pause))
        if run_id:
            self.label.value = html.escape(
                "still running on the server; press Refresh later to see its result"
            )
        return dict(self.run)

    def _moving(self, run: dict[str, Any]) -> None:
        if run["status"] in FINISHED:
            return  # the finished run is read in full by `follow`
        done, total = bar_range(run, expected_total(run["message"]))
        self.bar.max, self.bar.value = total, done
        self.label.value = html.escape(f"working… {run['message'] or 'waiting for Amazon'}")

    def _finished(self, run: dict[str, Any]) -> None:
        ok = run["status"] == "SUCCEEDED"
        done = run["processed"] + run["skipped"] + run["cancelled"]
        self.bar.max = max(done, 1)
        self.bar.value = done if ok else 0
        self.bar.bar_style = "success" if ok else "danger"
        self.label.value = html.escape(run_summary(run, self.what))
        self.report.value = run_report(run)
        if not ok:
            self.error = run["message"] or "the run failed"


class StoreScopedWidget(w.VBox):
    """A widget about one store: a store picker; subclasses reload their rows in `refresh`."""

    stores = traitlets.List(help="the connected stores: id, name, connectedAt, taxMappingGaps")
    store_id = traitlets.Unicode("", help="the picked store")
    error = traitlets.Unicode("", help="the last error, empty when all went well")
    notice = traitlets.Unicode("", help="the last confirmation shown to the user")

    def _build_store_picker(self) -> w.Dropdown:
        self.store_picker = w.Dropdown(description="Store", options=[])
        self.store_picker.observe(lambda change: self._picked(change["new"]), names="value")
        return self.store_picker

    @property
    def store(self) -> dict[str, Any]:
        """The picked store as the server sent it (empty when none)."""
        return next((s for s in self.stores if s["id"] == self.store_id), {})

    def refresh_stores(self, store_id: str | None = None) -> None:
        """Reload the connected stores; keep (or pick, by id or name) one and show its rows."""
        try:
            stores = self.client.execute(STORES)["stores"]
        except SkuportError as exc:
            self.fail(str(exc))
            return
        self.stores = stores
        self.store_picker.options = [(s["name"], s["id"]) for s in stores]
        if not stores:
            self.fail("no store is connected yet: connect one in runbook 01")
            return
        by_name = {s["name"]: s["id"] for s in stores}
        wanted = store_id or self.store_picker.value or ""
        wanted = by_name.get(wanted, wanted)
        picked = wanted if wanted in by_name.values() else stores[0]["id"]
        if self.store_picker.value == picked:
            self._picked(picked)
        else:
            self.store_picker.value = picked  # observed: shows that store's rows

    def _picked(self, store_id: str | None) -> None:
        self.store_id = store_id or ""
        self.store_changed()
        self.refresh()

    def store_changed(self) -> None:
        """Called when another store is picked, before its rows are loaded."""

    def refresh(self) -> None:
        """Reload the widget's rows for the picked store."""

    def fail(self, message: str, where: w.HTML | None = None) -> None:
        """Show an error to the analyst (in red, where it happened), never a traceback."""
        self.error = message
        (where or self.status).value = error_html(message)

    def confirm(self, message: str, where: w.HTML | None = None) -> None:
        self.error, self.notice = "", message
        (where or self.status).value = html.escape(message)
