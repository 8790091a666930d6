"""The returns runbook's widgets (BX-1): refunds, returns by reason, FBM receipt, the audit.

`ReturnsWidget` shows its parts in the runbook's own cells: `refunds_step` (refunds, retry a
blocked one), `returns_step` (returns and the chart by reason) and `confirm_step` (confirm that
a merchant-fulfilled return arrived). `ReturnsAuditWidget` shows the four audit grids.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w
import plotly.graph_objects as go
import traitlets

from skuport.widgets.client import SkuportClient, SkuportError
from skuport.widgets.grids import Grid, grid_format, store_timezone
from skuport.widgets.order_base import StoreScopedWidget
from skuport.widgets.returns_data import (
    AUDIT,
    AUDIT_LISTS,
    CONDITIONS,
    CONFIRM,
    REFUNDS,
    RETRY,
    RETURNS,
    audit_frame,
    audit_summary,
    refunds_frame,
    returns_by_reason,
    returns_frame,
)

PAGE = 500  # the server's largest page
MAX_ROWS = 5000  # the grids show the newest this many
REFUND_STATES = [("all", None), ("needs attention", "NEEDS_ATTENTION"), ("credited", "CREDITED")]


def reasons_figure() -> go.FigureWidget:
    """Horizontal bars: units returned per reason."""
    return go.FigureWidget(
        data=[go.Bar(x=[], y=[], orientation="h", marker_color="#1565c0")],
        layout=go.Layout(
            title="Returns by reason",
            xaxis={"title": "units"},
            yaxis={"autorange": "reversed", "type": "category"},
            height=320,
        ),
    )


class ReturnsWidget(StoreScopedWidget):
    """A store's refunds and returns; retry a blocked refund; confirm an FBM return arrived."""

    refunds = traitlets.List(help="the refunds shown, newest first")
    returns = traitlets.List(help="the returns shown, newest first")
    awaiting = traitlets.List(help="merchant-fulfilled returns waiting for confirmation")
    reasons = traitlets.Dict(help="return reason → units returned")

    def __init__(self, client: SkuportClient, *, store_id: str | None = None) -> None:
        self.client = client
        self.status = w.HTML()
        self.refresh_button = w.Button(description="Refresh", icon="refresh")
        self.refresh_button.on_click(lambda _button: self.refresh())
        self._build_refunds_step()
        self._build_returns_step()
        self._build_confirm_step()
        super().__init__([self.refunds_step, self.returns_step, self.confirm_step])
        self.refresh_stores(store_id)

    def _build_refunds_step(self) -> None:
        self.refund_filter = w.Dropdown(description="Refunds", options=REFUND_STATES, value=None)
        self.refund_filter.observe(lambda _change: self.refresh(), names="value")
        self.refunds_table = Grid(
            df=refunds_frame([]), caption="Refunds", select={"style": "single"}, selected_rows=[]
        )
        self.retry_button = w.Button(description="Retry refund", icon="redo")
        self.retry_button.on_click(lambda _button: self.retry_selected())
        self.retry_status = w.HTML()
        self.refunds_step = w.VBox(
            [
                w.HBox([self._build_store_picker(), self.refund_filter, self.refresh_button]),
                self.status,
                self.refunds_table,
                w.HBox([self.retry_button, self.retry_status]),
            ]
        )

    def _build_returns_step(self) -> None:
        self.returns_table = Grid(df=returns_frame([]), caption="Returns")
        self.reasons_chart = reasons_figure()
        self.returns_step = w.VBox([self.returns_table, self.reasons_chart])

    def _build_confirm_step(self) -> None:
        self.awaiting_table = Grid(
            df=returns_frame([]),
            caption="Merchant-fulfilled returns waiting for you",
            select={"style": "single"},
            selected_rows=[],
        )
        self.quantity_input = w.BoundedIntText(description="Received", min=0, max=10_000, value=1)
        self.condition_input = w.Dropdown(
            description="Condition", options=CONDITIONS, value="SELLABLE"
        )
        self.confirm_button = w.Button(
            description="Confirm received", icon="check", button_style="primary"
        )
        self.confirm_button.on_click(lambda _button: self.confirm_selected())
        self.confirm_status = w.HTML()
        self.awaiting_table.observe(
            lambda _change: self._selected_awaiting(), names="selected_rows"
        )
        self.confirm_step = w.VBox(
            [
                self.awaiting_table,
                w.HBox([self.quantity_input, self.condition_input, self.confirm_button]),
                self.confirm_status,
            ]
        )

    # --- rows ----------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the picked store's refunds and returns."""
        if not self.store_id:
            return
        try:
            refunds = self._all(REFUNDS, "refunds", status=self.refund_filter.value)
            returns = self._all(RETURNS, "returns")
        except SkuportError as exc:
            self.fail(str(exc))
            return
        fmt = grid_format(self.client, store_timezone(self.store))
        self.refunds, self.returns = refunds, returns
        self.awaiting = [row for row in returns if row["awaitingConfirmation"]]
        self.reasons = returns_by_reason(returns)
        self.refunds_table.update(refunds_frame(refunds, fmt), selected_rows=[])
        self.returns_table.update(returns_frame(returns, fmt))
        self.awaiting_table.update(returns_frame(self.awaiting, fmt), selected_rows=[])
        with self.reasons_chart.batch_update():
            self.reasons_chart.data[0].x = list(self.reasons.values())
            self.reasons_chart.data[0].y = list(self.reasons.keys())
        blocked = sum(1 for row in refunds if row["status"] == "NEEDS_ATTENTION")
        self.confirm(
            f"{len(refunds)} refunds ({blocked} need attention), {len(returns)} returns, "
            f"{len(self.awaiting)} waiting for confirmation"
        )

    def _all(self, document: str, root: str, **variables: Any) -> list[dict[str, Any]]:
        """Every row, page by page (the server answers oldest first), newest first."""
        rows: list[dict[str, Any]] = []
        after = None
        while True:
            page = self.client.execute(
                document, storeId=self.store_id, first=PAGE, after=after, **variables
            )[root]
            rows.extend(page)
            if len(page) < PAGE or not page:
                break
            after = page[-1]["id"]
        return rows[::-1][:MAX_ROWS]

    def select_refund(self, position: int) -> None:
        self.refunds_table.selected_rows = [position] if 0 <= position < len(self.refunds) else []

    def select_awaiting(self, position: int) -> None:
        self.awaiting_table.selected_rows = [position] if 0 <= position < len(self.awaiting) else []

    def _picked_row(self, table: Grid, rows: list[dict[str, Any]]) -> dict[str, Any] | None:
        picked = [rows[i] for i in table.selected_rows if i < len(rows)]
        return picked[0] if picked else None

    def _selected_awaiting(self) -> None:
        row = self._picked_row(self.awaiting_table, self.awaiting)
        if row is not None:
            self.quantity_input.value = row["quantity"]

    # --- actions -------------------------------------------------------------------------------

    def retry_selected(self) -> bool:
        """Apply the selected refund again, once what blocked it is fixed."""
        row = self._picked_row(self.refunds_table, self.refunds)
        if row is None:
            self.fail("select a refund first", self.retry_status)
            return False
        try:
            result = self.client.execute(RETRY, refundId=row["id"])["retryRefund"]
        except SkuportError as exc:
            self.fail(str(exc), self.retry_status)
            return False
        if result["__typename"] != "RefundRetried":
            self.fail(result["message"], self.retry_status)
            return False
        refund = result["refund"]
        self.refresh()
        self.confirm(
            f"refund of order {refund['amazonOrderId']}: {refund['status'].lower()}"
            + (f" ({refund['problem']})" if refund.get("problem") else ""),
            self.retry_status,
        )
        return True

    def confirm_selected(self) -> bool:
        """Confirm that the selected merchant-fulfilled return arrived, with its condition."""
        row = self._picked_row(self.awaiting_table, self.awaiting)
        if row is None:
            self.fail("select a return waiting for confirmation first", self.confirm_status)
            return False
        try:
            result = self.client.execute(
                CONFIRM,
                returnId=row["id"],
                quantity=self.quantity_input.value,
                condition=self.condition_input.value,
            )["confirmReturnReceived"]
        except SkuportError as exc:
            self.fail(str(exc), self.confirm_status)
            return False
        if result["__typename"] != "ReturnConfirmed":
            self.fail(result["message"], self.confirm_status)
            return False
        confirmed = result["customerReturn"]
        self.refresh()
        self.confirm(
            f"return of {confirmed['sku']} (order {confirmed['amazonOrderId']}) confirmed: "
            f"{confirmed['restockedQuantity']} restocked",
            self.confirm_status,
        )
        return True


class ReturnsAuditWidget(StoreScopedWidget):
    """The returns audit of one store: four grids of what does not add up."""

    audit = traitlets.Dict(help="the audit as the server sent it")

    def __init__(self, client: SkuportClient, *, store_id: str | None = None) -> None:
        self.client = client
        self.status = w.HTML()
        self.refresh_button = w.Button(description="Refresh", icon="refresh")
        self.refresh_button.on_click(lambda _button: self.refresh())
        self.tables: dict[str, Grid] = {
            field: Grid(df=audit_frame(kind, []), caption=caption)
            for field, caption, kind in AUDIT_LISTS
        }
        super().__init__(
            [
                w.HBox([self._build_store_picker(), self.refresh_button]),
                self.status,
                *self.tables.values(),
            ]
        )
        self.refresh_stores(store_id)

    def refresh(self) -> None:
        """Reload the picked store's audit."""
        if not self.store_id:
            return
        try:
            audit = self.client.execute(AUDIT, storeId=self.store_id)["returnsAudit"]
        except SkuportError as exc:
            self.fail(str(exc))
            return
        fmt = grid_format(self.client, store_timezone(self.store))
        self.audit = audit
        for field, _caption, kind in AUDIT_LISTS:
            self.tables[field].update(audit_frame(kind, audit[field], fmt))
        self.confirm(audit_summary(audit))
