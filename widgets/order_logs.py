"""The order log (LG-1 … LG-3) and notifications (OR-8): see each order's sale, delete, reload.

`OrderLogWidget` is one store's captured orders with their sale's state, in two steps the
runbook shows in their own cells: `grid_step` (filters and the grid) and `action_step` (the
selected entry's sale, "Delete log entry" and "Reload order"). `NotificationsWidget` lists
the notifications and marks them read.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w
import traitlets

from skuport.widgets.client import SkuportClient, SkuportError
from skuport.widgets.grids import (
    Grid,
    GridFormat,
    grid_format,
    store_timezone,
    store_timezones,
)
from skuport.widgets.order_base import RunProgress, StoreScopedWidget
from skuport.widgets.order_data import (
    DELETE_ENTRY,
    LOG_STATES,
    MARK_READ,
    NOTIFICATIONS,
    ORDER_LOG,
    RELOAD,
    log_frame,
    notifications_frame,
    sale_state,
)
from skuport.widgets.stores import error_html

PAGE = 100  # the server's largest page


def entry_html(row: dict[str, Any], fmt: GridFormat | None = None) -> str:
    """One log entry and where its sale task stands (LG-1), for the analyst to read."""
    state = sale_state(row)
    market = (fmt or GridFormat()).marketplace(row["marketplaceId"])
    head = (
        f"<b>{html.escape(row['amazonOrderId'])}</b> ({html.escape(market)}, "
        f"{row['fulfilment'].lower()}, Amazon status {html.escape(row['amazonStatus'])}): "
        f"{row['state'].lower()}"
    )
    if not row.get("sale"):
        return head + " — no sale task" + (f"<br>{html.escape(row['note'])}" if row["note"] else "")
    sale = row["sale"]
    return (
        f"{head}<br>sale <b>{html.escape(sale['number'])}</b> (id {sale['id']}): "
        f"{html.escape(sale['status'])}, invoice {html.escape(state['invoice'])}, "
        f"picked {state['picked']}, packed {state['packed']}, shipped {state['shipped']}, "
        f"payment {html.escape(state['payment'])}"
        + (f"<br>{html.escape(row['note'])}" if row["note"] else "")
    )


class OrderLogWidget(StoreScopedWidget):
    """One store's captured orders, each with its sale task; delete an entry or reload an order."""

    rows = traitlets.List(help="the log entries shown, newest first")
    total_count = traitlets.Int(0, help="entries matching the filters (the grid may show fewer)")

    def __init__(
        self,
        client: SkuportClient,
        *,
        store_id: str | None = None,
        max_rows: int = 1000,
        max_pause: float = 0.25,
    ) -> None:
        self.client = client
        self.max_rows = max_rows
        self.max_pause = max_pause  # the longest wait between two polls of a reload's run
        self.fmt = GridFormat()
        self._build_grid_step()
        self._build_action_step()
        super().__init__([self.grid_step, self.action_step])
        self.refresh_stores(store_id)

    def _build_grid_step(self) -> None:
        self.state_filter = w.Dropdown(description="State", options=LOG_STATES, value=None)
        self.order_filter = w.Text(
            description="Order id",
            placeholder="an Amazon order id, then Enter",
            continuous_update=False,
        )
        self.refresh_button = w.Button(description="Refresh", icon="refresh")
        self.status = w.HTML()
        self.table = Grid(
            df=log_frame([]),
            caption="Order log",
            select={"style": "multi+shift"},
            selected_rows=[],
        )
        for control in (self.state_filter, self.order_filter):
            control.observe(lambda _change: self.refresh(), names="value")
        self.refresh_button.on_click(lambda _button: self.refresh())
        self.grid_step = w.VBox(
            [
                self._build_store_picker(),
                w.HBox([self.state_filter, self.order_filter, self.refresh_button]),
                self.status,
                self.table,
            ]
        )

    def _build_action_step(self) -> None:
        self.selection_view = w.HTML()
        self.delete_button = w.Button(
            description="Delete log entry", icon="trash", button_style="danger"
        )
        self.reload_button = w.Button(
            description="Reload order", icon="redo", button_style="warning"
        )
        self.reload_progress = RunProgress(self.client, label="Reload")
        self.action_status = w.HTML()
        self.delete_button.on_click(lambda _button: self.delete_entries())
        self.reload_button.on_click(lambda _button: self.reload_orders())
        self.table.observe(lambda _change: self._render_selection(), names="selected_rows")
        self.action_step = w.VBox(
            [
                self.selection_view,
                w.HBox([self.delete_button, self.reload_button]),
                self.reload_progress,
                self.action_status,
            ]
        )

    # --- rows ----------------------------------------------------------------------------------

    def filter_input(self) -> dict[str, Any]:
        return {
            "state": self.state_filter.value,
            "amazonOrderId": self.order_filter.value.strip() or None,
        }

    def refresh(self) -> None:
        """Reload the log of the picked store with the current filters; clears the selection."""
        if not self.store_id:
            return
        rows: list[dict[str, Any]] = []
        after, total = None, 0
        try:
            while len(rows) < self.max_rows:
                page = self.client.execute(
                    ORDER_LOG,
                    storeId=self.store_id,
                    filter=self.filter_input(),
                    first=min(PAGE, self.max_rows - len(rows)),
                    after=after,
                )["orderLog"]
                rows.extend(page["nodes"])
                total = page["totalCount"]
                if not page["pageInfo"]["hasNextPage"]:
                    break
                after = page["pageInfo"]["endCursor"]
        except SkuportError as exc:
            self.fail(str(exc))
            return
        self.rows, self.total_count = rows, total
        self.fmt = grid_format(self.client, store_timezone(self.store))
        self.table.update(log_frame(rows, self.fmt), selected_rows=[])
        shown = f"{len(rows)}" if len(rows) == total else f"{len(rows)} of {total}"
        self.status.value = html.escape(f"{shown} log entries")
        self._render_selection()

    # --- selection -----------------------------------------------------------------------------

    @property
    def selected(self) -> list[dict[str, Any]]:
        """The selected entries, in grid order."""
        return [self.rows[i] for i in sorted(self.table.selected_rows) if i < len(self.rows)]

    def select(self, positions: list[int]) -> None:
        """Select entries by their position in the grid."""
        self.table.selected_rows = [p for p in positions if 0 <= p < len(self.rows)]

    def select_order(self, amazon_order_id: str) -> None:
        """Select the entry of one Amazon order."""
        self.select([i for i, r in enumerate(self.rows) if r["amazonOrderId"] == amazon_order_id])

    def _render_selection(self) -> None:
        chosen = self.selected
        if not chosen:
            self.selection_view.value = "select an entry to see its sale task"
            return
        self.selection_view.value = "<br>".join(entry_html(row, self.fmt) for row in chosen[:5]) + (
            f"<br>… and {len(chosen) - 5} more" if len(chosen) > 5 else ""
        )

    # --- actions (LG-2, LG-3) ------------------------------------------------------------------

    def delete_entries(self) -> int:
        """LG-2: delete the selected entries; their orders may be captured again, sales stay."""
        chosen = self.selected
        if not chosen:
            self.fail("select one or more entries first", self.action_status)
            return 0
        deleted, refused = 0, []
        for row in chosen:
            try:
                result = self.client.execute(DELETE_ENTRY, id=row["id"])["deleteLogEntry"]
            except SkuportError as exc:
                self.fail(str(exc), self.action_status)
                return deleted
            if result["__typename"] == "LogEntryDeleted":
                deleted += 1
            else:
                refused.append(f"{row['amazonOrderId']}: {result['message']}")
        self.refresh()
        if refused:
            self.fail("; ".join(refused), self.action_status)
        else:
            self.confirm(
                f"{deleted} log entries deleted; their sales stay, and the orders can be "
                "captured again",
                self.action_status,
            )
        return deleted

    def reload_orders(self, *, wait: bool = True, max_polls: int = 2400) -> list[dict[str, Any]]:
        """LG-3: void each selected order's sale, delete its entry and load it again."""
        chosen = self.selected
        if not chosen:
            self.fail("select the order to reload first", self.action_status)
            return []
        runs = []
        for row in chosen:
            order = row["amazonOrderId"]
            try:
                result = self.client.execute(RELOAD, storeId=self.store_id, amazonOrderId=order)[
                    "reloadOrder"
                ]
            except SkuportError as exc:
                self.fail(str(exc), self.action_status)
                break
            if result["__typename"] != "JobStarted":
                self.fail(f"{order}: {result['message']}", self.action_status)
                break
            self.reload_progress.start(result["run"], f"reloading {order}…")
            run = (
                self.reload_progress.follow(max_polls=max_polls, max_pause=self.max_pause)
                if wait
                else dict(result["run"])
            )
            runs.append(run)
            if self.reload_progress.error:
                self.fail(f"{order}: {self.reload_progress.error}", self.action_status)
                break
        else:
            self.confirm(f"{len(runs)} orders reloaded", self.action_status)
        self.refresh()
        return runs


class NotificationsWidget(w.VBox):
    """Notifications (skipped orders, failures …), newest first; mark them read."""

    notifications = traitlets.List(help="the notifications shown, newest first")
    unread_count = traitlets.Int(0, help="unread notifications (of the store, when given)")
    error = traitlets.Unicode("", help="the last error, empty when all went well")
    notice = traitlets.Unicode("", help="the last confirmation shown to the user")

    def __init__(
        self, client: SkuportClient, *, store_id: str | None = None, max_rows: int = 100
    ) -> None:
        self.client = client
        self.store_id = store_id
        self.max_rows = max_rows
        self.unread_only = w.Checkbox(value=True, description="Only unread")
        self.refresh_button = w.Button(description="Refresh", icon="refresh")
        self.read_selected_button = w.Button(description="Mark selected read", icon="check")
        self.read_all_button = w.Button(description="Mark all read", icon="check-double")
        self.status = w.HTML()
        self.table = Grid(
            df=notifications_frame([]),
            caption="Notifications",
            select={"style": "multi+shift"},
            selected_rows=[],
        )
        self.unread_only.observe(lambda _change: self.refresh(), names="value")
        self.refresh_button.on_click(lambda _button: self.refresh())
        self.read_selected_button.on_click(lambda _button: self.mark_read(selected_only=True))
        self.read_all_button.on_click(lambda _button: self.mark_read())
        super().__init__(
            [
                w.HBox(
                    [
                        self.unread_only,
                        self.refresh_button,
                        self.read_selected_button,
                        self.read_all_button,
                    ]
                ),
                self.status,
                self.table,
            ]
        )
        self.refresh()

    def refresh(self) -> None:
        """Reload the notifications; the selection is cleared."""
        try:
            shown = self.client.execute(
                NOTIFICATIONS,
                unreadOnly=self.unread_only.value,
                storeId=self.store_id,
                first=self.max_rows,
            )["notifications"]
            unread = self.client.execute(
                NOTIFICATIONS, unreadOnly=True, storeId=self.store_id, first=1
            )["notifications"]["totalCount"]
        except SkuportError as exc:
            self._fail(str(exc))
            return
        self.notifications, self.unread_count = shown["nodes"], unread
        fmt = grid_format(self.client, self._timezone())
        self.table.update(notifications_frame(shown["nodes"], fmt), selected_rows=[])
        self.error = ""
        self.status.value = html.escape(f"{unread} unread notifications")

    def select(self, positions: list[int]) -> None:
        self.table.selected_rows = [p for p in positions if 0 <= p < len(self.notifications)]

    def mark_read(self, *, selected_only: bool = False) -> int:
        """Mark the selected notifications (or all unread ones) read; returns how many."""
        ids = None
        if selected_only:
            rows = self.notifications
            ids = [rows[i]["id"] for i in sorted(self.table.selected_rows) if i < len(rows)]
            if not ids:
                self._fail("select one or more notifications first")
                return 0
        elif self.store_id is not None:
            # "All" means this store's when the widget shows one store's notifications.
            ids = [n["id"] for n in self.notifications if not n["read"]]
        try:
            count = self.client.execute(MARK_READ, ids=ids)["markNotificationsRead"]["count"]
        except SkuportError as exc:
            self._fail(str(exc))
            return 0
        self.refresh()
        self.notice = f"{count} notifications marked read"
        self.status.value = html.escape(f"{self.notice}; {self.unread_count} unread")
        return count

    def _timezone(self) -> str | None:
        """The shown store's time zone; the analyst's when all stores are shown."""
        return store_timezones(self.client).get(self.store_id or "") if self.store_id else None

    def _fail(self, message: str) -> None:
        self.error = message
        self.status.value = error_html(message)
