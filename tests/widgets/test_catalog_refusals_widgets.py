"""The catalog widget refusing: read-only users and an unreachable server."""

from __future__ import annotations

from skuport.widgets import CatalogWidget, SkuportClient
from tests.widgets.catalog_widgets_support import catalog_of


def test_readonly_sees_the_catalog_but_loading_and_mapping_say_forbidden(
    live_server, tokens, store_id
):
    widget = CatalogWidget(SkuportClient(live_server.graphql_url, tokens["readonly"]))
    assert widget.error == "" and widget.store_id == store_id
    widget.load_button.click()
    assert "may not do this" in widget.error
    assert "may not do this" in widget.load_status.value
    assert "Traceback" not in widget.load_status.value


def test_readonly_mapping_actions_say_forbidden(live_server, tokens, operations, store_id):
    catalog_of(operations, store_id)
    widget = CatalogWidget(SkuportClient(live_server.graphql_url, tokens["readonly"]))
    widget.select([0])
    widget.create_button.click()
    assert "may not do this" in widget.error
    assert "may not do this" in widget.action_status.value
    assert widget.changes.outcomes == []


def test_an_unreachable_server_is_named_in_the_widget():
    widget = CatalogWidget(SkuportClient("http://127.0.0.1:9/graphql", "skp_nothing"))
    assert "cannot reach the Skuport server" in widget.error
    assert "cannot reach" in widget.load_status.value
    widget.load_button.click()  # no store: still no traceback
    assert widget.error
