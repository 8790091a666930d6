"""The order widgets refuse read-only users and an unreachable server in words, not tracebacks."""

from __future__ import annotations

from skuport.widgets import (
    NotificationsWidget,
    OrderLogWidget,
    OrderRunsWidget,
    PendingOrdersWidget,
    SkuportClient,
)
from tests.widgets.order_widgets_support import loaded, pending_of, ready_store


def test_readonly_users_see_forbidden_in_the_widgets_not_a_traceback(
    readonly, admin, seller, operations
):
    # given
    store = ready_store(admin, seller)
    loaded(operations, store)
    # when a read-only user tries to load, process, delete and reload
    orders = pending_of(readonly, store)
    assert orders.error == ""  # reading is allowed
    assert orders.load_orders() == {}
    assert "a readonly token may not do this" in orders.error
    orders.process_now()
    assert orders.error and "⚠" in orders.pending_status.value
    log = OrderLogWidget(readonly, store_id=store.id)
    assert log.rows
    log.select([0])
    assert log.delete_entries() == 0
    assert log.error and "Traceback" not in log.action_status.value
    log.error = ""
    assert log.reload_orders() == []
    assert log.error
    # then nothing changed
    assert len(OrderLogWidget(admin, store_id=store.id).rows) == len(log.rows)


def test_an_unreachable_server_is_said_in_every_widget():
    client = SkuportClient("http://127.0.0.1:9/graphql", "nobody")
    for widget in (
        PendingOrdersWidget(client),
        OrderLogWidget(client),
        NotificationsWidget(client),
        OrderRunsWidget(client),
    ):
        assert "cannot reach the Skuport server" in widget.error, type(widget)
        assert "⚠" in widget.status.value
