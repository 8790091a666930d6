"""The returns runbook's widgets (BX-1), driven as a user would: pick, click, then look."""

from __future__ import annotations

import pytest

from skuport.widgets import ReturnsAuditWidget, ReturnsWidget, SkuportClient
from skuport.widgets.returns_data import refunds_frame, returns_by_reason, returns_frame
from skuport.widgets.store_settings import StoreSettingsWidget
from tests.schema.returns_support import seed_returns


@pytest.fixture
async def seeded(store_id, sessions, live_server) -> str:  # type: ignore[no-untyped-def]
    """The connected NA store with what a returns run leaves behind, by the server's clock."""
    async with sessions() as s, s.begin():
        await seed_returns(s, int(store_id), live_server.sandbox.state.clock.now())
    return store_id


async def test_bx1_the_refunds_and_returns_of_the_picked_store_are_shown(readonly, seeded):
    widget = ReturnsWidget(readonly, store_id=seeded)

    assert widget.error == ""
    assert len(widget.refunds) == 3 and len(widget.returns) == 4
    assert "3 refunds (1 need attention), 4 returns, 1 waiting" in widget.status.value
    shown = widget.refunds_table.df
    # newest first
    assert list(shown["Amazon order"]) == ["111-RETURNLESS", "111-NEVER-CAPTURED", "111-CREDITED"]
    assert shown["Amount"].iloc[0] == "-21.50 USD"
    assert list(shown["Status"])[1] == "needs attention"
    assert "the order was never captured as a sale" in list(shown["What blocks it"])
    assert [row["amazonOrderId"] for row in widget.awaiting] == ["111-FBM"]


async def test_bx1_the_chart_counts_units_returned_per_reason(readonly, seeded):
    widget = ReturnsWidget(readonly, store_id=seeded)

    assert widget.reasons == {"UNWANTED_ITEM": 5}  # 1 + 1 + 1 + 2 units
    assert list(widget.reasons_chart.data[0].y) == ["UNWANTED_ITEM"]
    assert list(widget.reasons_chart.data[0].x) == [5]


async def test_bx1_the_refund_filter_shows_only_those_needing_attention(readonly, seeded):
    widget = ReturnsWidget(readonly, store_id=seeded)

    widget.refund_filter.value = "NEEDS_ATTENTION"

    assert [r["amazonOrderId"] for r in widget.refunds] == ["111-NEVER-CAPTURED"]


async def test_bx1_retrying_needs_a_selected_refund_and_a_finance_token(readonly, seeded):
    widget = ReturnsWidget(readonly, store_id=seeded)

    assert widget.retry_selected() is False
    assert "select a refund first" in widget.retry_status.value
    widget.select_refund(1)
    assert widget.retry_selected() is False
    assert "readonly token may not" in widget.error


async def test_bx1_confirming_a_return_needs_an_operations_token(live_server, tokens, seeded):
    widget = ReturnsWidget(SkuportClient(live_server.graphql_url, tokens["finance"]))

    widget.select_awaiting(0)

    assert widget.quantity_input.value == 2  # the returned quantity, ready to confirm
    assert widget.confirm_selected() is False
    assert "finance token may not" in widget.error
    assert "⚠" in widget.confirm_status.value


async def test_bx1_the_audit_widget_shows_its_four_lists(readonly, seeded):
    widget = ReturnsAuditWidget(readonly)

    assert widget.error == ""
    assert len(widget.tables["returnsWithoutRefund"].df) == 3
    assert list(widget.tables["refundsWithoutReturn"].df["Amazon order"]) == ["111-RETURNLESS"]
    assert list(widget.tables["damagedWithoutReimbursement"].df["SKU"]) == ["CAP"]
    assert list(widget.tables["revisedAfterRestock"].df["Amazon order"]) == ["111-REVISED"]
    assert "1 damaged units amazon has not reimbursed" in widget.status.value


def test_bx1_an_unreachable_server_is_shown_in_the_widget_not_raised():
    widget = ReturnsWidget(SkuportClient("http://127.0.0.1:9/graphql", "skp_x", timeout=2))
    assert "cannot reach the Skuport server" in widget.error
    assert widget.refunds == [] and widget.returns == []


def test_bx1_grids_show_states_and_channels_in_words():
    refunds = refunds_frame(
        [{"amazonOrderId": "1", "status": "NEEDS_ATTENTION", "amount": "-5", "currency": "EUR"}]
    )
    returns = returns_frame(
        [
            {"amazonOrderId": "1", "sku": "A", "quantity": 1, "channel": "FBA",
             "state": "AWAITING_REIMBURSEMENT", "disposition": "CUSTOMER_DAMAGED"},
        ]
    )  # fmt: skip

    assert list(refunds["Amount"]) == ["-5.00 EUR"]
    assert list(refunds["Status"]) == ["needs attention"]
    assert list(returns["Fulfilled by"]) == ["Amazon (FBA)"]
    assert list(returns["What we did"]) == ["waiting for Amazon's reimbursement"]
    assert list(returns["Disposition"]) == ["customer damaged"]
    assert returns_by_reason([{"reason": "", "quantity": 2}]) == {"no reason given": 2}


async def test_bx1_runbook_01_offers_the_returns_settings(admin, store_id):
    widget = StoreSettingsWidget(admin, store_id=store_id)

    assert {"returnsLocationId", "unsellableLocationId", "confirmReturnsManually"} <= set(
        widget.inputs
    )
    widget.inputs["confirmReturnsManually"].value = True
    widget.save()

    assert widget.error == "" and widget.notice == "saved confirmReturnsManually"
    assert widget.store["settings"]["confirmReturnsManually"] is True


async def test_bx1_every_refund_is_shown_however_many_pages_it_takes(readonly, seeded, monkeypatch):
    monkeypatch.setattr("skuport.widgets.returns.PAGE", 2)

    widget = ReturnsWidget(readonly, store_id=seeded)

    assert [r["amazonOrderId"] for r in widget.refunds] == [
        "111-RETURNLESS", "111-NEVER-CAPTURED", "111-CREDITED",
    ]  # fmt: skip
    assert len(widget.returns) == 4


async def test_bx1_the_returns_widgets_read_without_requirement_ids(readonly, seeded):
    from tests.widgets.test_widget_text import ids_shown

    widgets = [ReturnsWidget(readonly, store_id=seeded), ReturnsAuditWidget(readonly)]

    assert widgets[0].refunds and widgets[1].audit  # real content is read
    assert {type(x).__name__: ids_shown(x) for x in widgets if ids_shown(x)} == {}
