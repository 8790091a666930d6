"""The pending-orders widget (OR-1, PR-1, BX-3): load a date range, see what waits, act on it.

One widget in three steps, each a box the runbook shows in its own cell: `load_step` (store,
date range, "Load orders" with progress), `pending_step` (the pending orders and "Process now")
and `attention_step` (the needs-attention queue with reasons, and "Retry").
"""

from __future__ import annotations

import html
from datetime import date, timedelta
from typing import Any

import ipywidgets as w
import traitlets

from skuport.widgets.client import SkuportClient, SkuportError
from skuport.widgets.grids import Grid, grid_format, store_timezone
from skuport.widgets.order_base import RunProgress, StoreScopedWidget
from skuport.widgets.order_data import (
    ATTENTION,
    LATEST_RUN,
    LOAD,
    PENDING,
    PROCESS,
    RETRY,
    attention_frame,
    load_window,
    pending_frame,
    pending_html,
)

PAGE = 100  # the server's largest page


class PendingOrdersWidget(StoreScopedWidget):
    """One store's orders on their way to sales: load, review, process, retry."""

    pending = traitlets.List(help="the store's pending orders, newest first")
    pending_count = traitlets.Int(0, help="the store's pending orders (the grid may show fewer)")
    # BX-3
    attention = traitlets.List(help="the store's needs-attention queue")
    retried = traitlets.List(help="what the last retry did, one entry per order")

    def __init__(
        self,
        client: SkuportClient,
        *,
        store_id: str | None = None,
        days: int = 30,
        max_rows: int = 1000,
        max_pause: float = 0.25,
    ) -> None:
        self.client = client
        self.days = days
        self.max_rows = max_rows
        self.max_pause = max_pause  # the longest wait between two polls of a running job
        self._build_load_step()
        self._build_pending_step()
        self._build_attention_step()
        super().__init__([self.load_step, self.pending_step, self.attention_step])
        self.refresh_stores(store_id)

    # --- the three steps -----------------------------------------------------------------------

    def _build_load_step(self) -> None:
        self.from_picker = w.DatePicker(description="From")
        self.to_picker = w.DatePicker(description="To (optional)")
        self.load_button = w.Button(
            description="Load orders", icon="download", button_style="primary"
        )
        self.load_progress = RunProgress(self.client, label="Load")
        self.status = w.HTML()
        self.load_button.on_click(lambda _button: self.load_orders())
        self.load_step = w.VBox(
            [
                self._build_store_picker(),
                w.HBox([self.from_picker, self.to_picker, self.load_button]),
                self.load_progress,
                self.status,
            ]
        )

    def _build_pending_step(self) -> None:
        self.refresh_button = w.Button(description="Refresh", icon="refresh")
        self.process_button = w.Button(
            description="Process now", icon="play", button_style="warning"
        )
        self.process_progress = RunProgress(self.client, label="Process", what="sales made")
        self.pending_status = w.HTML()
        self.pending_table = Grid(
            df=pending_frame([]),
            caption="Pending orders",
            select={"style": "single"},
            selected_rows=[],
        )
        self.pending_view = w.HTML()
        self.pending_table.observe(lambda _change: self._render_pending(), names="selected_rows")
        self.refresh_button.on_click(lambda _button: self.refresh())
        self.process_button.on_click(lambda _button: self.process_now())
        self.pending_step = w.VBox(
            [
                w.HBox([self.refresh_button, self.process_button]),
                self.process_progress,
                self.pending_status,
                self.pending_table,
                self.pending_view,
            ]
        )

    def _build_attention_step(self) -> None:
        self.attention_table = Grid(
            df=attention_frame([]),
            caption="Needs attention",
            select={"style": "multi+shift"},
            selected_rows=[],
        )
        self.retry_button = w.Button(description="Retry selected", icon="redo")
        self.attention_status = w.HTML()
        self.retry_button.on_click(lambda _button: self.retry())
        self.attention_step = w.VBox(
            [self.attention_table, self.retry_button, self.attention_status]
        )

    # --- rows ----------------------------------------------------------------------------------

    def store_changed(self) -> None:
        self.from_picker.value = self.server_today() - timedelta(days=self.days)
        self.to_picker.value = None
        gaps = self.store.get("taxMappingGaps") or []
        if gaps:
            self.fail(
                "tax mapping incomplete, orders will be skipped until it is set in runbook 01: "
                + ", ".join(gaps)
            )
        else:
            self.error, self.status.value = "", ""

    def server_today(self) -> date:
        """The server's date as best known: its newest run, or when the store was connected.

        The server may run on a virtual clock (the sandbox's), so the notebook's own date is not
        a safe default for the range.
        """
        stamps = [self.store.get("connectedAt") or ""]
        try:
            stamps += [r["startedAt"] for r in self.client.execute(LATEST_RUN)["runs"]["nodes"]]
        except SkuportError:
            pass  # the default range is only a suggestion; the store's date will do
        latest = max(s for s in stamps if s) if any(stamps) else ""
        return date.fromisoformat(latest[:10]) if latest else date.today()

    def refresh(self) -> None:
        """Reload the pending orders and the needs-attention queue of the picked store."""
        if not self.store_id:
            return
        nodes: list[dict[str, Any]] = []
        after, total = None, 0
        try:
            while len(nodes) < self.max_rows:
                page = self.client.execute(
                    PENDING,
                    storeId=self.store_id,
                    first=min(PAGE, self.max_rows - len(nodes)),
                    after=after,
                )["pendingOrders"]
                nodes.extend(page["nodes"])
                total = page["totalCount"]
                if not page["pageInfo"]["hasNextPage"]:
                    break
                after = page["pageInfo"]["endCursor"]
            attention = self.client.execute(ATTENTION, storeId=self.store_id)["attentionItems"]
        except SkuportError as exc:
            self.fail(str(exc), self.pending_status)
            return
        self.pending, self.pending_count, self.attention = nodes, total, attention
        fmt = grid_format(self.client, store_timezone(self.store))
        self.pending_table.update(pending_frame(nodes, fmt), selected_rows=[])
        self._render_pending()
        self.attention_table.update(attention_frame(attention, fmt), selected_rows=[])
        shown = f"{total}" if len(nodes) == total else f"{len(nodes)} of {total}"
        self.pending_status.value = html.escape(f"{shown} pending orders")
        self.attention_status.value = html.escape(
            f"{len(attention)} orders need attention"
            + (": fix what the reason says, then select them and Retry" if attention else "")
        )

    def select_pending(self, positions: list[int]) -> None:
        """Select a pending order by its position in the grid, to see its lines."""
        self.pending_table.selected_rows = [p for p in positions if 0 <= p < len(self.pending)][:1]

    def _render_pending(self) -> None:
        picked = [
            self.pending[i] for i in self.pending_table.selected_rows if i < len(self.pending)
        ]
        self.pending_view.value = (
            pending_html(picked[0]) if picked else "select an order to see its lines and charges"
        )

    # --- loading (OR-1) ------------------------------------------------------------------------

    def load_orders(
        self,
        start: date | None = None,
        end: date | None = None,
        *,
        wait: bool = True,
        max_polls: int = 2400,
    ) -> dict[str, Any]:
        """Load the store's orders last updated in the range (whole UTC days, end included)."""
        start = start or self.from_picker.value
        end = end if end is not None else self.to_picker.value
        if not self.store_id:
            self.fail("pick a store first")
            return {}
        if start is None:
            self.fail("pick the first day to load")
            return {}
        window = load_window(start, end)
        try:
            result = self.client.execute(
                LOAD, storeId=self.store_id, **{"from": window["from"], "to": window["to"]}
            )["loadOrders"]
        except SkuportError as exc:
            self.fail(str(exc))
            return {}
        if result["__typename"] != "JobStarted":
            self.fail(result["message"])
            return {}
        until = f"to {end:%Y-%m-%d}" if end else "until now"
        self.load_progress.start(result["run"], f"loading orders from {start:%Y-%m-%d} {until}…")
        self.confirm(f"load started (run {result['run']['id']})")
        if not wait:
            return dict(result["run"])
        run = self.load_progress.follow(max_polls=max_polls, max_pause=self.max_pause)
        self._after_run(self.load_progress, "orders loaded")
        return run

    # --- processing (PR-1) ---------------------------------------------------------------------

    def process_now(self, *, wait: bool = True, max_polls: int = 2400) -> dict[str, Any]:
        """Turn the store's pending orders into sales now ("Process")."""
        if not self.store_id:
            self.fail("pick a store first", self.pending_status)
            return {}
        try:
            result = self.client.execute(PROCESS, storeId=self.store_id)["processPendingOrders"]
        except SkuportError as exc:
            self.fail(str(exc), self.pending_status)
            return {}
        if result["__typename"] != "JobStarted":
            self.fail(result["message"], self.pending_status)
            return {}
        self.process_progress.start(result["run"], "processing pending orders…")
        if not wait:
            return dict(result["run"])
        run = self.process_progress.follow(max_polls=max_polls, max_pause=self.max_pause)
        self._after_run(self.process_progress, "pending orders processed", self.pending_status)
        return run

    def _after_run(self, progress: RunProgress, done: str, where: w.HTML | None = None) -> None:
        self.refresh()
        if progress.error:
            self.fail(progress.error, where)
        elif progress.run.get("status") == "SUCCEEDED":
            left = f"; {self.pending_count} pending orders now"
            self.confirm(f"{done}: {progress.run['message']}{left}", where)

    # --- the needs-attention queue (BX-3) ------------------------------------------------------

    @property
    def selected(self) -> list[dict[str, Any]]:
        """The selected queue items, in grid order."""
        rows = self.attention
        return [rows[i] for i in sorted(self.attention_table.selected_rows) if i < len(rows)]

    def select(self, positions: list[int]) -> None:
        """Select queue items by their position in the grid."""
        self.attention_table.selected_rows = [p for p in positions if 0 <= p < len(self.attention)]

    def retry(self, item_ids: list[str] | None = None) -> list[dict[str, Any]]:
        """Try the selected (or given) queued orders again, after their cause was fixed."""
        by_id = {item["id"]: item for item in self.attention}
        ids = item_ids or [item["id"] for item in self.selected]
        if not ids:
            self.fail("select one or more orders in the queue first", self.attention_status)
            return []
        outcomes = []
        for item_id in ids:
            order = by_id.get(item_id, {}).get("amazonOrderId", item_id)
            try:
                result = self.client.execute(RETRY, id=item_id)["retryAttentionItem"]
            except SkuportError as exc:
                self.fail(str(exc), self.attention_status)
                return outcomes
            if result["__typename"] != "AttentionRetried":
                outcomes.append({"order": order, "outcome": "refused", "detail": result["message"],
                                 "stillNeedsAttention": True})  # fmt: skip
                continue
            detail = ": ".join(p for p in (result["reason"], result["detail"]) if p)
            outcomes.append({"order": order, "outcome": result["outcome"], "detail": detail,
                             "stillNeedsAttention": result["stillNeedsAttention"]})  # fmt: skip
        self.retried = outcomes
        self.refresh()
        fixed = sum(not o["stillNeedsAttention"] for o in outcomes)
        lines = "".join(
            f"<li>{html.escape(o['order'])}: {html.escape(o['outcome'])}"
            f"{' — ' + html.escape(o['detail']) if o['detail'] else ''}</li>"
            for o in outcomes
        )
        self.error, self.notice = "", f"retried {len(outcomes)}: {fixed} left the queue"
        self.attention_status.value = f"{html.escape(self.notice)}<ul>{lines}</ul>"
        return outcomes
