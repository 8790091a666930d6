"""The catalog widget's first step (CA-1): pick a store, "Load products", follow the download.

`CatalogLoadStep` is the base of `CatalogWidget`, which provides what the step uses besides
its own controls: `client`, `store_id`, `max_pause`, `error`, `notice`, `refresh()` (the grid,
once a download has succeeded), `_picked()` (a store picked) and `_fail()` (show an error).
"""

from __future__ import annotations

import html
import time
from typing import Any

import ipywidgets as w
import traitlets

from skuport.widgets.catalog_actions import download_report
from skuport.widgets.catalog_data import CATALOG_SIZE, DOWNLOAD, RUN
from skuport.widgets.client import SkuportError
from skuport.widgets.live import bar_range, watch_run

FINISHED = ("SUCCEEDED", "FAILED")


class CatalogLoadStep(w.VBox):
    """The load step's controls and the catalog download they start and follow."""

    run = traitlets.Dict(help="the last catalog download: id, status, counts, message, errors")

    def _build_load_step(self) -> None:
        self.store_picker = w.Dropdown(description="Store", options=[])
        self.load_button = w.Button(
            description="Load products", icon="download", button_style="primary"
        )
        self.progress = w.IntProgress(value=0, min=0, max=1, description="Download")
        self.progress_label = w.HTML()
        self.load_report = w.HTML()
        self.load_status = w.HTML()
        self.load_button.on_click(lambda _button: self.load_products())
        self.store_picker.observe(lambda change: self._picked(change["new"]), names="value")
        self.load_step = w.VBox(
            [
                w.HBox([self.store_picker, self.load_button]),
                w.HBox([self.progress, self.progress_label]),
                self.load_report,
                self.load_status,
            ]
        )

    def load_products(self, *, wait: bool = True, max_polls: int = 2400) -> dict[str, Any]:
        """Start a catalog download for the picked store and (by default) follow it to the end."""
        if not self.start_download():
            return {}
        return self.wait_for_download(max_polls=max_polls) if wait else dict(self.run)

    def start_download(self) -> str:
        """Ask the server to download the picked store's catalog; returns the run id."""
        if not self.store_id:
            self._fail("pick a store first", self.load_status)
            return ""
        try:
            expected = self.client.execute(
                CATALOG_SIZE,
                storeId=self.store_id,
                filter={"onlyActive": False, "variationsSeparately": True},
            )["catalog"]["totalCount"]
            result = self.client.execute(DOWNLOAD, storeId=self.store_id)["downloadCatalog"]
        except SkuportError as exc:
            self._fail(str(exc), self.load_status)
            return ""
        if result["__typename"] != "JobStarted":
            self._fail(result["message"], self.load_status)
            return ""
        self.run = result["run"]
        # The run reports its count when it ends; until then the size of the last download
        # is the best guess of how many listings there are.
        self.progress.max, self.progress.value = max(expected, 1), 0
        self.progress.bar_style = "info"
        self.progress_label.value = "downloading listings from Amazon…"
        self.load_report.value = ""
        self.error = ""
        self.load_status.value = ""
        return result["run"]["id"]

    def wait_for_download(
        self, max_polls: int = 2400, *, pause: float = 0.005, max_pause: float | None = None
    ) -> dict[str, Any]:
        """Poll the running download until it ends (or `max_polls` are spent); show the result."""
        run_id = self.run.get("id")
        if not run_id:
            return {}
        watch_run(self.client, run_id, self._downloading)  # live; polling below reads the end
        for poll in range(max_polls):
            try:
                run = self.client.execute(RUN, id=run_id)["run"]
            except SkuportError as exc:
                self._fail(str(exc), self.load_status)
                return dict(self.run)
            if run["__typename"] != "OperationRun":
                self._fail(run["message"], self.load_status)
                return dict(self.run)
            self.run = run
            if run["status"] in FINISHED:
                self._finished(run)
                return run
            self._downloading(run)
            # Backs off from a few ms: quick in the demo, gentle on the server for real Amazon.
            time.sleep(min(pause * 2 ** min(poll, 16), max_pause or self.max_pause))
        self.progress_label.value = html.escape(
            "still running on the server; press Refresh later to see its result"
        )
        return dict(self.run)

    def _downloading(self, run: dict[str, Any]) -> None:
        if run["status"] in FINISHED:
            return  # the finished run is read in full by `wait_for_download`
        done, total = bar_range(run, self.progress.max)
        self.progress.max, self.progress.value = total, done
        self.progress_label.value = html.escape(
            f"downloading… {run['message'] or 'waiting for Amazon'}"
        )

    def _finished(self, run: dict[str, Any]) -> None:
        ok = run["status"] == "SUCCEEDED"
        self.progress.max = max(run["processed"], 1)
        self.progress.value = run["processed"] if ok else 0
        self.progress.bar_style = "success" if ok else "danger"
        self.progress_label.value, self.load_report.value = download_report(run)
        if ok:
            self.notice = f"catalog downloaded: {run['processed']} listings"
            self.refresh()
        else:
            self._fail(run["message"] or "the download failed", self.load_status)
