"""The server-status panel: who am I, is the database reachable, is the scheduler on."""

from __future__ import annotations

import html

import ipywidgets as w
import traitlets

from skuport.widgets.client import SkuportClient, SkuportError

STATUS = """
query Status {
  me { name role }
  status { version database databaseOk schedulerRunning jobCount }
}
"""


class StatusPanel(w.VBox):
    """A short report of the server's state, or the reason it cannot be reached."""

    data = traitlets.Dict(help="the last status read from the server")
    error = traitlets.Unicode("")

    def __init__(self, client: SkuportClient) -> None:
        self.client = client
        self.view = w.HTML()
        self.refresh_button = w.Button(description="Check again", icon="refresh")
        self.refresh_button.on_click(lambda _button: self.refresh())
        super().__init__([self.view, self.refresh_button])
        self.refresh()

    def refresh(self) -> None:
        try:
            self.data = self.client.execute(STATUS)
            self.error = ""
        except SkuportError as exc:
            self.error = str(exc)
        self.view.value = self._render()

    def _render(self) -> str:
        if self.error:
            return f"<b style='color:#b00020'>⚠ {html.escape(self.error)}</b>"
        me, status = self.data["me"], self.data["status"]
        database = "reachable" if status["databaseOk"] else "NOT reachable"
        scheduler = "running" if status["schedulerRunning"] else "off"
        return (
            f"<b>Skuport {html.escape(status['version'])}</b> at {html.escape(self.client.url)}<br>"
            f"signed in as <b>{html.escape(me['name'])}</b> ({me['role'].lower()})<br>"
            f"database: {status['database']}, {database}; scheduler: {scheduler} "
            f"with {status['jobCount']} jobs"
        )
