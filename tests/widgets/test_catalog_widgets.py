"""The catalog mapping widget, driven as an analyst would (CA-1, CA-6, CA-7, CA-8, ST-8)."""

from __future__ import annotations

import pytest

import skuport.widgets.client as client_module
from skuport.domain.inventory.products.service import create_product
from skuport.widgets import CatalogWidget, ProductPicker, SkuportClient, catalog_data
from skuport.widgets.client import InvalidQuery
from skuport.widgets.stores import CONNECT_SANDBOX_STORE


@pytest.fixture
def admin(live_server, tokens) -> SkuportClient:
    return SkuportClient(live_server.graphql_url, tokens["admin"])


@pytest.fixture
def operations(live_server, tokens) -> SkuportClient:
    return SkuportClient(live_server.graphql_url, tokens["operations"])


@pytest.fixture
def seller(live_server):  # type: ignore[no-untyped-def]
    """The sandbox Amazon's North American seller (US, CA, MX)."""
    return next(s for s in live_server.sandbox.state.sellers.values() if s.region == "NA")


@pytest.fixture
def store_id(admin, seller) -> str:
    """The NA seller connected as a store, with the default settings (BY_SKU, no create)."""
    result = admin.execute(CONNECT_SANDBOX_STORE, sellerId=seller.seller_id, name="NA store")
    assert result["connectSandboxStore"]["__typename"] == "StoreSaved"
    return result["connectSandboxStore"]["store"]["id"]


def catalog_of(client: SkuportClient, store_id: str) -> CatalogWidget:
    """A catalog widget whose store has been loaded (polls a few ms apart: Amazon is virtual)."""
    widget = CatalogWidget(client, store_id=store_id, max_pause=0.005)
    assert widget.start_download()
    run = widget.wait_for_download(max_polls=5000)
    assert run["status"] == "SUCCEEDED", run
    return widget


def position(widget: CatalogWidget, **wanted: object) -> int:
    """The grid position of the first row whose fields have the wanted values."""
    return next(
        i
        for i, row in enumerate(widget.rows)
        if all(row.get(key) == value for key, value in wanted.items())
    )


def us(widget: CatalogWidget) -> str:
    return next(code_id for code_id, code in widget._codes.items() if code == "US")


# --- loading (CA-1) -------------------------------------------------------------------------


def test_ca1_load_products_shows_progress_until_the_run_finishes(operations, store_id):
    # given
    widget = CatalogWidget(operations, store_id=store_id, max_pause=0.005)
    assert widget.rows == []
    # when
    widget.load_button.click()
    # then
    assert widget.error == ""
    assert widget.run["status"] == "SUCCEEDED"
    processed = widget.run["processed"]
    assert processed > 0
    assert widget.progress.value == widget.progress.max == processed
    assert widget.progress.bar_style == "success"
    assert f"done: {processed} listings" in widget.progress_label.value
    assert widget.run["message"] in widget.load_report.value
    assert widget.rows  # the grid shows the downloaded catalog


def test_ca1_wait_for_download_reports_skipped_reasons_and_counts(operations, store_id):
    """CA-1: the run's message and every skipped reason are shown when the download ends."""
    widget = catalog_of(operations, store_id)
    widget._finished(
        {
            **widget.run,
            "skipped": 1,
            "errors": [{"item": "US row 7", "reason": "the listing has no ASIN"}],
        }
    )
    assert "US row 7: the listing has no ASIN" in widget.load_report.value
    assert "1 skipped" in widget.progress_label.value


def test_ca1_a_download_throttled_past_every_retry_shows_failed_with_amazons_reason(
    operations, store_id, live_server
):
    from skuport.sandbox.faults import Fault

    widget = CatalogWidget(operations, store_id=store_id, max_pause=0.005)
    live_server.sandbox.faults.add(Fault(kind="429", count=50, operation="searchCatalogItems"))
    try:
        widget.start_download()
        run = widget.wait_for_download(max_polls=5000)
    finally:
        live_server.sandbox.faults.clear()
    assert run["status"] == "FAILED"
    assert widget.progress.bar_style == "danger"
    assert "failed:" in widget.progress_label.value
    assert "QuotaExceeded" in widget.load_report.value
    assert widget.error  # shown in red under the button, no traceback
    assert "Traceback" not in widget.load_status.value


# --- filters (CA-6) -------------------------------------------------------------------------


def test_ca6_families_are_one_row_with_a_variant_count_unless_shown_separately(
    operations, store_id
):
    # given
    widget = catalog_of(operations, store_id)
    widget.marketplace_filter.value = us(widget)
    grouped = list(widget.rows)
    families = [r for r in grouped if r["isFamily"]]
    assert families
    first = position(widget, isFamily=True)
    variants = len(widget.rows[first]["variants"])
    assert widget.table.df.iloc[first]["Kind"] == f"family ({variants} variants)"
    # when
    widget.variations_separately.value = True
    # then
    assert not any(r["isFamily"] for r in widget.rows)
    assert len(widget.rows) == len(grouped) - len(families) + sum(
        len(f["variants"]) for f in families
    )
    assert set(widget.table.df["Kind"]) == {"product", "variant"}


def test_ca6_filters_change_the_rows(operations, store_id):
    # given: show only active is on and variations separately off by default
    widget = catalog_of(operations, store_id)
    assert widget.only_active.value is True and widget.variations_separately.value is False
    everything = len(widget.rows)
    # marketplace
    widget.marketplace_filter.value = us(widget)
    assert 0 < len(widget.rows) < everything
    assert set(widget.table.df["Marketplace"]) == {"US"}
    # search: title, seller SKU or ASIN
    widget.search_input.value = "quiet warehouse"
    assert len(widget.rows) == 2 and all(r["isbn"] for r in widget.rows)
    widget.search_input.value = ""
    # linked / unlinked: nothing is linked after a download with default settings
    widget.linked_filter.value = "LINKED"
    assert widget.rows == [] and "0 rows" in widget.grid_status.value
    widget.linked_filter.value = "UNLINKED"
    assert widget.rows
    # status
    widget.linked_filter.value = None
    widget.status_filter.value = "CANCELED"
    assert widget.rows == []  # only active hides canceled rows


def test_ca6_ca8_a_replaced_listing_shows_as_canceled_only_when_not_only_active(
    operations, store_id, live_server, seller
):
    """CA-8 (A, B, C → A, B, D): C is canceled and hidden until "show only active" is off."""
    widget = catalog_of(operations, store_id)
    listings = live_server.sandbox.state.listings
    kept = list(listings.items())
    old_sku = "NA-HOME-0004"
    replaced = listings.pop((seller.seller_id, old_sku))
    try:
        # when the listing is replaced on Amazon and the catalog loaded again
        replaced.sku = f"{old_sku}-D"
        listings[(seller.seller_id, replaced.sku)] = replaced
        assert widget.start_download()
        assert widget.wait_for_download(max_polls=5000)["cancelled"] >= 1
    finally:
        replaced.sku = old_sku
        listings.clear()
        listings.update(kept)
    # then
    skus = {r["sellerSku"]: r["status"] for r in widget.rows}
    assert old_sku not in skus and skus[f"{old_sku}-D"] == "LISTED"
    widget.only_active.value = False
    widget.status_filter.value = "CANCELED"
    assert {r["sellerSku"] for r in widget.rows} == {old_sku}
    assert set(widget.table.df["Status"]) == {"canceled"}


# --- selection and actions (CA-7) -----------------------------------------------------------


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


async def test_st8_the_catalog_shows_the_listings_alias_name_instead_of_our_products_name(
    operations, store_id, sessions
):
    from sqlalchemy import select

    from skuport.domain.inventory.products.models import Product

    # given: a product made from a listing, then renamed on our side
    widget = catalog_of(operations, store_id)
    widget.search_input.value = "NA-HOME-0002"
    widget.select([0])
    widget.create_products()
    async with sessions() as session, session.begin():
        product = await session.scalar(select(Product).where(Product.sku == "NA-HOME-0002"))
        product.name = "Our house lamp"
    # when
    widget.refresh()
    # then: the linked listing's own title is its alias
    row = widget.rows[0]
    assert row["product"]["name"] == "Our house lamp"
    assert row["aliasName"] == row["title"]
    assert widget.table.df.iloc[0]["Linked product"] == f"NA-HOME-0002 — {row['title']}"


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


# --- refusals -------------------------------------------------------------------------------


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
