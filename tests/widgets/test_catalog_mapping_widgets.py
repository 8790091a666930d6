"""The catalog widget's selection and actions: create, link, unlink, pick products (CA-7, ST-8)."""

from __future__ import annotations

import pytest

import skuport.widgets.client as client_module
from skuport.domain.inventory.products.service import create_product
from skuport.widgets import ProductPicker, SkuportClient, catalog_data
from skuport.widgets.client import InvalidQuery
from tests.widgets.catalog_widgets_support import catalog_of, position, us


def test_ca7_create_products_for_many_rows_shows_each_rows_outcome(operations, store_id):
    # given
    widget = catalog_of(operations, store_id)
    widget.marketplace_filter.value = us(widget)
    widget.search_input.value = "quiet warehouse"
    # when
    widget.select_all_visible()
    assert "2 rows selected" in widget.selection_label.value
    widget.create_button.click()
    # then
    assert widget.error == ""
    assert (widget.changes.succeeded, widget.changes.failed) == (2, 0)
    assert {o["message"] for o in widget.changes.outcomes} == {
        "created NA-ABIS-0026",
        "created NA-ABIS-0027",
    }
    assert "Create: 2 succeeded, 0 failed" in widget.changes.view.value
    assert all(r["product"] for r in widget.rows)  # the grid reloaded, now linked
    assert widget.table.selected_rows == []


def test_ca7_acting_on_a_family_row_acts_on_each_of_its_variants(operations, store_id):
    widget = catalog_of(operations, store_id)
    widget.marketplace_filter.value = us(widget)
    family = widget.rows[position(widget, isFamily=True)]
    variants = [v["id"] for v in family["variants"]]
    # when
    widget.select([position(widget, isFamily=True)])
    assert widget.selected_entry_ids() == variants
    widget.create_products()
    # then: one outcome per variant, each created
    assert [o["entryId"] for o in widget.changes.outcomes] == variants
    assert widget.changes.succeeded == len(variants)
    row = widget.rows[position(widget, id=family["id"])]
    n = len(variants)
    assert widget.table.df.iloc[widget.rows.index(row)]["Linked product"] == (
        f"{n} of {n} variants linked"
    )


def test_ca7_st8_link_the_same_sku_in_another_marketplace_then_unlink(operations, store_id):
    """CA-7 link and unlink; ST-8: one product linked in two marketplaces (a global SKU)."""
    # given: a product created from the US listing
    widget = catalog_of(operations, store_id)
    widget.search_input.value = "NA-HOME-0002"
    us_row = position(widget, marketplaceId=us(widget))
    widget.select([us_row])
    widget.create_products()
    product_id = widget.changes.outcomes[0]["productId"]
    assert product_id
    # when: the CA and MX listings are linked to it through the picker (typed id)
    others = [i for i, r in enumerate(widget.rows) if not r["product"]]
    assert len(others) == 2
    widget.select(others)
    widget.picker.id_input.value = product_id
    widget.link_button.click()
    # then
    assert (widget.changes.action, widget.changes.succeeded) == ("link", 2)
    assert {o["message"] for o in widget.changes.outcomes} == {"linked to NA-HOME-0002"}
    assert {r["product"]["id"] for r in widget.rows} == {product_id}
    assert set(widget.table.df["Link"]) == {"manual", "created"}
    assert all(v.startswith("NA-HOME-0002 — ") for v in widget.table.df["Linked product"])
    # when: one is unlinked again
    widget.select([0])
    entry = widget.rows[0]["id"]
    widget.unlink_button.click()
    # then
    assert widget.changes.message_for(entry) == "unlinked"
    widget.linked_filter.value = "UNLINKED"
    assert [r["id"] for r in widget.rows] == [entry]


def test_ca7_linking_a_row_linked_elsewhere_is_refused_on_that_row(operations, store_id):
    widget = catalog_of(operations, store_id)
    widget.search_input.value = "NA-HOME-000"
    widget.select_all_visible()
    widget.create_products()
    made = {o["productId"] for o in widget.changes.outcomes if o["ok"]}
    lamp = position(widget, sellerSku="NA-HOME-0002")
    other = next(p for p in made if p != widget.rows[lamp]["product"]["id"])
    # when
    widget.select([lamp])
    widget.link(other)
    # then
    entry = widget.rows[lamp]["id"]
    assert widget.changes.failed == 1
    assert "already linked to another product" in widget.changes.message_for(entry)


async def test_ca7_create_is_refused_when_a_product_has_the_sku_and_says_so_on_that_row(
    operations, store_id, sessions
):
    # given: the catalog is loaded, then someone adds a product with one listing's SKU
    widget = catalog_of(operations, store_id)
    widget.marketplace_filter.value = us(widget)
    async with sessions() as session, session.begin():
        await create_product(session, sku="NA-HOME-0001", name="Our own water bottle")
    widget.search_input.value = "NA-HOME-000"
    # when
    widget.select_all_visible()
    widget.create_button.click()
    # then: the others are created, that one row says why not
    bottle = next(r["id"] for r in widget.rows if r["sellerSku"] == "NA-HOME-0001")
    assert widget.changes.failed == 1 and widget.changes.succeeded == len(widget.rows) - 1
    message = widget.changes.message_for(bottle)
    assert message == "a product with SKU NA-HOME-0001 exists: link to it"
    assert "link to it" in widget.changes.view.value
    assert "✗" in widget.changes.view.value


def test_ca7_an_action_without_a_selection_or_product_says_what_is_missing(operations, store_id):
    widget = catalog_of(operations, store_id)
    widget.unlink_button.click()
    assert widget.error == "select one or more rows first"
    assert "select one or more rows" in widget.action_status.value
    widget.select([0])
    widget.link_button.click()
    assert "pick the product" in widget.error
    widget.picker.id_input.value = "lamp"
    assert widget.picker.error == "a product id is a number"
    assert widget.picker.product_id == ""


def test_ca7_product_search_falls_back_to_a_typed_id_when_search_fails(operations):
    """A picker whose search is refused (e.g. an older server) asks for the id instead."""

    class OlderServer(SkuportClient):
        def execute(self, query, **variables):  # type: ignore[no-untyped-def]
            raise InvalidQuery("Cannot query field 'products' on type 'Query'.")

    picker = ProductPicker(OlderServer(operations.url, operations.token), searchable=True)
    picker.search("lamp")
    assert "type the product id instead" in picker.error
    assert "type the product id instead" in picker.status.value
    picker.id_input.value = "42"
    assert picker.product_id == "42" and picker.error == ""


def test_ca7_the_picker_offers_only_the_id_box_while_the_sdl_lacks_products(
    operations, monkeypatch, tmp_path
):
    sdl = tmp_path / "schema.graphql"
    sdl.write_text("type Query { me: String }")
    monkeypatch.setattr(catalog_data, "SDL_PATH", sdl)
    catalog_data.query_fields.cache_clear()
    try:
        picker = ProductPicker(operations)
    finally:
        catalog_data.query_fields.cache_clear()
    assert picker.searchable is False
    assert list(picker.children) == [picker.id_input, picker.status]


async def test_ca7_the_picker_finds_products_by_sku_once_the_server_offers_a_search(
    live_server, tokens, sessions, monkeypatch, tmp_path
):
    """With `products(search)` in the schema, a product is picked by SKU or name."""
    from skuport.schema.schema import schema

    sdl = schema.as_str()
    if "products(" not in sdl:
        pytest.skip("the server has no product search yet")
    # given: the client validates against the server's current SDL
    path = tmp_path / "schema.graphql"
    path.write_text(sdl)
    monkeypatch.setattr(client_module, "SDL_PATH", path)
    monkeypatch.setattr(catalog_data, "SDL_PATH", path)
    catalog_data.query_fields.cache_clear()
    async with sessions() as session, session.begin():
        lamp = await create_product(session, sku="LAMP-7", name="Brass desk lamp")
    try:
        picker = ProductPicker(SkuportClient(live_server.graphql_url, tokens["operations"]))
        # when
        picker.search_input.value = "LAMP-7"
    finally:
        catalog_data.query_fields.cache_clear()
    # then
    assert picker.searchable and picker.error == ""
    assert [m["sku"] for m in picker.matches] == ["LAMP-7"]
    assert picker.product_id == str(lamp.id)
    assert picker.choice.label == "LAMP-7 — Brass desk lamp"
