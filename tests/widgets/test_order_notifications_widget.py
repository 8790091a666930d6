"""The notifications widget: skipped orders notified and marked read (OR-8)."""

from __future__ import annotations

from skuport.widgets import NotificationsWidget
from tests.widgets.order_widgets_support import loaded, paid, ready_store


def test_or8_skipped_orders_are_notified_and_marked_read(operations, admin, seller, live_server):
    # given skipped orders, each notified once
    store = ready_store(admin, seller, mapped=False)
    loaded(operations, store)
    widget = NotificationsWidget(operations, store_id=store.id)
    skipped = paid(live_server, seller, fba=None)
    assert widget.unread_count == len(skipped)
    assert all("needs attention" in n["message"] for n in widget.notifications)
    # when the first is marked read, then the rest
    widget.select([0])
    widget.read_selected_button.click()
    assert widget.unread_count == len(skipped) - 1
    assert len(widget.notifications) == len(skipped) - 1
    widget.read_all_button.click()
    # then
    assert widget.unread_count == 0 and widget.notifications == []
    assert "notifications marked read; 0 unread" in widget.status.value
    widget.unread_only.value = False
    assert len(widget.notifications) == len(skipped)
    assert all(n["read"] for n in widget.notifications)
