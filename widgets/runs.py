"""The operation-runs widget: a grid of runs, refresh, and "run job now" (LG-4)."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w
import pandas as pd
import traitlets

from skuport.widgets.client import SkuportClient, SkuportError
from skuport.widgets.grids import Grid, GridFormat, duration, grid_format, titled
from skuport.widgets.order_data import attention_errors

RUNS = """
query Runs($first: Int) {
  runs(first: $first) {
    totalCount
    nodes {
      id operation target trigger triggeredBy status processed skipped cancelled
      message startedAt durationMs errors { item reason }
    }
  }
}
"""
JOBS = "query Jobs { jobs { name description schedule } stores { id name } }"
TRIGGER = """
mutation Trigger($name: String!, $target: String) {
  triggerJob(name: $name, target: $target) {
    __typename
    ... on JobStarted { run { id } }
    ... on UserError { message }
  }
}
"""
COLUMNS = [
    "id", "operation", "status", "trigger", "triggeredBy", "startedAt", "durationMs",
    "processed", "skipped", "cancelled", "errors", "message",
]  # fmt: skip


def runs_frame(nodes: list[dict[str, Any]], fmt: GridFormat | None = None) -> pd.DataFrame:
    """The runs as a table, one row per run, errors summarised as text; times to the minute in
    the analyst's time zone, durations in seconds and minutes."""
    fmt = fmt or GridFormat()
    rows = [
        {
            **node,
            "startedAt": fmt.when(node["startedAt"]),
            "durationMs": duration(node["durationMs"]),
            "errors": _errors_text(node["errors"]),
        }
        for node in nodes
    ]
    return titled(pd.DataFrame(rows, columns=COLUMNS)).rename(columns={"Id": "Run"})


def _errors_text(errors: list[dict[str, Any]]) -> str:
    """What needs the analyst, in full; orders already captured only as a count."""
    needing, already = attention_errors(errors)
    text = "; ".join(f"{e['item']}: {e['reason']}" for e in needing)
    if already:
        text = "; ".join(p for p in (f"{already} already captured", text) if p)
    return text


class RunsWidget(w.VBox):
    """Recent runs in a grid; pick a job and run it now. Errors show here, never as tracebacks."""

    runs = traitlets.List(help="the runs shown, newest first")
    jobs = traitlets.List(help="names of the jobs that can be run now")
    error = traitlets.Unicode("", help="the last error, empty when all went well")
    notice = traitlets.Unicode("", help="the last confirmation shown to the user")

    def __init__(self, client: SkuportClient, *, page_size: int = 50) -> None:
        self.client = client
        self.page_size = page_size
        self.refresh_button = w.Button(description="Refresh", icon="refresh")
        self.job_picker = w.Dropdown(description="Job", options=[])
        self.store_picker = w.Dropdown(description="Store", options=[("(not for one store)", "")])
        self.run_button = w.Button(description="Run now", icon="play", button_style="warning")
        self.status = w.HTML()
        self.table = Grid(df=runs_frame([]), caption="Operation runs")
        self.refresh_button.on_click(lambda _button: self.refresh())
        self.run_button.on_click(lambda _button: self.run_now())
        super().__init__(
            [
                w.HBox([self.refresh_button, self.job_picker, self.store_picker, self.run_button]),
                self.status,
                self.table,
            ]
        )
        self.refresh()

    def refresh(self) -> None:
        """Reload jobs and runs from the server."""
        try:
            listed = self.client.execute(JOBS)
            runs = self.client.execute(RUNS, first=self.page_size)["runs"]["nodes"]
        except SkuportError as exc:
            self._show_error(str(exc))
            return
        jobs, stores = listed["jobs"], listed["stores"]
        self.jobs = [job["name"] for job in jobs]
        # the job's description is what the analyst reads; its name is what the server takes
        picked = self.job_picker.value
        self.job_picker.options = [(job["description"] or job["name"], job["name"]) for job in jobs]
        self.job_picker.value = picked if picked in self.jobs else (self.jobs or [None])[0]
        chosen = self.store_picker.value
        self.store_picker.options = [("(not for one store)", "")] + [
            (store["name"], store["id"]) for store in stores
        ]
        if chosen in {store["id"] for store in stores}:
            self.store_picker.value = chosen
        elif stores:
            self.store_picker.value = stores[0]["id"]
        self.runs = runs
        self.table.update(runs_frame(runs, grid_format(self.client)))
        self.error = ""
        self._render_status()

    def run_now(self) -> None:
        """Run the picked job now, then show it in the grid."""
        name = self.job_picker.value
        if not name:
            self._show_error("pick a job to run")
            return
        try:
            target = self.store_picker.value or None
            result = self.client.execute(TRIGGER, name=name, target=target)["triggerJob"]
        except SkuportError as exc:
            self._show_error(str(exc))
            return
        if result["__typename"] != "JobStarted":
            self._show_error(result["message"])
            return
        self.notice = f"started {name} (run {result['run']['id']})"
        self.refresh()

    def _show_error(self, message: str) -> None:
        self.error = message
        self._render_status()

    def _render_status(self) -> None:
        if self.error:
            self.status.value = f"<b style='color:#b00020'>⚠ {html.escape(self.error)}</b>"
        else:
            self.status.value = html.escape(self.notice or f"{len(self.runs)} recent runs")
