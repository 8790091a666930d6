"""The store widgets, driven as an analyst would: pick, type, click, then look at the state."""

from __future__ import annotations

from decimal import Decimal

import pytest

from skuport.domain.inventory.reference.service import (
    create_customer,
    create_price_tier,
    create_tax_rule,
)
from skuport.domain.inventory.stock.service import create_location
from skuport.widgets import ConnectStoreWidget, SkuportClient, StoreSettingsWidget, StoresWidget
from skuport.widgets.store_references import Reference
from skuport.widgets.stores import CONNECT_SANDBOX_STORE

SANDBOX = "http://sandbox.test"


class RecordingClient(SkuportClient):
    """A real client that also keeps the variables of every request it sent."""

    def __init__(self, url: str, token: str) -> None:
        super().__init__(url, token)
        self.sent: list[dict] = []

    def execute(self, query, **variables):  # type: ignore[no-untyped-def]
        self.sent.append(variables)
        return super().execute(query, **variables)


@pytest.fixture
def admin(live_server, tokens) -> RecordingClient:
    return RecordingClient(live_server.graphql_url, tokens["admin"])


@pytest.fixture
def sellers(live_server):  # type: ignore[no-untyped-def]
    """The sandbox Amazon's sellers by region: NA and EU."""
    return {seller.region: seller for seller in live_server.sandbox.state.sellers.values()}


def connected(client: SkuportClient, seller, name: str | None = None) -> dict:  # type: ignore[no-untyped-def]
    result = client.execute(CONNECT_SANDBOX_STORE, sellerId=seller.seller_id, name=name)
    assert result["connectSandboxStore"]["__typename"] == "StoreSaved"
    return result["connectSandboxStore"]["store"]


# --- connect (ST-2, ST-3) -------------------------------------------------------------------


def test_st3_connecting_a_sandbox_seller_shows_the_store_and_its_marketplaces(admin, sellers):
    # given
    widget = ConnectStoreWidget(admin)
    assert {s["sellerId"] for s in widget.sellers} == {s.seller_id for s in sellers.values()}
    # when
    widget.seller_picker.value = sellers["EU"].seller_id
    widget.sandbox_name.value = "Europe"
    widget.sandbox_button.click()
    # then
    assert widget.error == ""
    assert widget.store["name"] == "Europe"
    codes = {e["marketplace"]["code"] for e in widget.store["marketplaces"]}
    assert codes == {"UK", "DE", "FR", "IT", "ES"}
    assert "Connected Europe" in widget.result.value
    assert widget.notice == "connected Europe"


def test_st3_connecting_the_same_seller_twice_names_the_duplicate_in_the_widget(admin, sellers):
    widget = ConnectStoreWidget(admin)
    widget.seller_picker.value = sellers["NA"].seller_id
    widget.sandbox_button.click()
    widget.sandbox_button.click()
    assert "already connected" in widget.error
    assert widget.error_field == "sandboxName"
    assert "already connected" in widget.field_error("sandboxName")


def test_st3_a_real_store_form_connects_with_the_sellers_credentials(admin, sellers):
    # given: the sandbox stands in for Amazon, through the store's own endpoint URLs
    seller = sellers["NA"]
    widget = ConnectStoreWidget(admin)
    # when
    widget.inputs["name"].value = "Real form store"
    widget.inputs["region"].value = "NA"
    widget.inputs["sellingPartnerId"].value = seller.seller_id
    widget.inputs["lwaClientId"].value = seller.client_id
    widget.inputs["lwaClientSecret"].value = seller.client_secret
    widget.inputs["refreshToken"].value = seller.refresh_token
    widget.inputs["apiEndpoint"].value = SANDBOX
    widget.inputs["tokenUrl"].value = f"{SANDBOX}/auth/o2/token"
    widget.connect_button.click()
    # then
    assert widget.error == ""
    assert widget.store["shopRepresentativeName"]  # defaulted from Amazon's store name
    assert {e["marketplace"]["code"] for e in widget.store["marketplaces"]} == {"US", "CA", "MX"}
    assert widget.inputs["refreshToken"].value == ""  # secrets do not linger in the form


def test_st3_wrong_credentials_are_shown_on_the_refresh_token_field(admin, sellers):
    seller = sellers["NA"]
    widget = ConnectStoreWidget(admin)
    widget.inputs["name"].value = "Wrong"
    widget.inputs["sellingPartnerId"].value = seller.seller_id
    widget.inputs["lwaClientId"].value = seller.client_id
    widget.inputs["lwaClientSecret"].value = seller.client_secret
    widget.inputs["refreshToken"].value = "Atzr|wrong"
    widget.inputs["apiEndpoint"].value = SANDBOX
    widget.inputs["tokenUrl"].value = f"{SANDBOX}/auth/o2/token"
    widget.connect_button.click()
    assert widget.error_field == "refreshToken"
    assert "Amazon refused" in widget.field_error("refreshToken")
    assert widget.field_error("name") == ""
    assert widget.store == {}


def test_st3_a_missing_store_name_is_shown_on_the_name_field(admin):
    widget = ConnectStoreWidget(admin)
    widget.connect_button.click()
    assert widget.error_field == "name"
    assert "⚠" in widget.field_error("name")


def test_a_readonly_user_sees_a_clear_forbidden_message(live_server, tokens, admin, sellers):
    connected(admin, sellers["NA"])
    readonly = SkuportClient(live_server.graphql_url, tokens["readonly"])
    # connecting: the sandbox sellers are for admins, and so is connecting
    widget = ConnectStoreWidget(readonly)
    assert "readonly token may not" in widget.error
    widget.inputs["name"].value = "Nope"
    widget.connect_button.click()
    assert "readonly token may not" in widget.error
    # settings: readable, not changeable
    settings = StoreSettingsWidget(readonly)
    assert settings.error == ""
    settings.inputs["loadOrdersWhen"].value = "SHIPPED"
    settings.save_button.click()
    assert "readonly token may not" in settings.error
    assert "⚠" in settings.status.value
    # disconnecting
    stores = StoresWidget(readonly)
    stores.disconnect_button.click()
    stores.disconnect_button.click()
    assert "readonly token may not" in stores.error
    assert len(stores.stores) == 1


# --- settings (ST-5, ST-6, ST-7) ------------------------------------------------------------


def test_st5_settings_show_their_defaults_and_save_sends_only_what_changed(
    admin, sellers, sessions
):
    # given
    store = connected(admin, sellers["NA"])
    widget = StoreSettingsWidget(admin)
    assert widget.store["id"] == store["id"]
    assert widget.inputs["loadOrdersWhen"].value == "PAID"
    assert widget.inputs["invoiceStatus"].value == "DRAFT"
    assert widget.inputs["matchProducts"].value == "BY_SKU"
    assert widget.inputs["consolidation"].value == "NONE"
    assert widget.inputs["amazonIsMaster"].value is False
    assert widget.inputs["fbmLocationId"].value is None  # all locations
    assert widget.changes() == {}
    # when
    widget.inputs["loadOrdersWhen"].value = "SHIPPED"
    widget.inputs["consolidation"].value = "DAILY"
    widget.inputs["consolidationTime"].value = "23:30"
    widget.save_button.click()
    # then
    assert widget.error == ""
    assert widget.notice == "saved consolidation, consolidationTime, loadOrdersWhen"
    assert admin.sent[-1]["settings"] == {
        "clear": [],
        "loadOrdersWhen": "SHIPPED",
        "consolidation": "DAILY",
        "consolidationTime": "23:30:00",
    }
    assert widget.store["settings"]["consolidationTime"] == "23:30:00"
    assert widget.changes() == {}


async def test_st5_reference_settings_take_ids_and_can_be_cleared(admin, sellers, sessions):
    # given
    async with sessions() as session, session.begin():
        customer = await create_customer(session, name="Amazon customer")
        location = await create_location(session, name="Main warehouse")
    connected(admin, sellers["NA"])
    widget = StoreSettingsWidget(admin)
    # when
    widget.inputs["customerId"].value = str(customer.id)
    widget.inputs["fbmLocationId"].value = str(location.id)
    widget.save_button.click()
    # then
    assert widget.error == ""
    assert widget.store["settings"]["customerId"] == str(customer.id)
    assert widget.store["settings"]["fbmLocationId"] == str(location.id)
    # when: back to "all locations"
    widget.inputs["fbmLocationId"].value = None
    widget.save_button.click()
    assert admin.sent[-1]["settings"] == {"clear": ["fbmLocationId"]}
    assert widget.store["settings"]["fbmLocationId"] is None


def test_st5_refused_settings_are_named_next_to_their_field(admin, sellers):
    connected(admin, sellers["NA"])
    widget = StoreSettingsWidget(admin)
    # FBA orders need a location
    widget.inputs["processFbaOrders"].value = True
    widget.save_button.click()
    assert "fbaLocationId" in widget.field_errors
    assert "⚠" in widget.labels["fbaLocationId"].value
    # products are only created when matching by SKU
    widget.inputs["processFbaOrders"].value = False
    widget.inputs["matchProducts"].value = "MANUAL"
    widget.inputs["createProductIfNotFound"].value = True
    widget.save_button.click()
    assert list(widget.field_errors) == ["createProductIfNotFound"]
    # a time zone must exist; a time must be a time; an id must be a number
    widget.inputs["createProductIfNotFound"].value = False
    widget.inputs["timezone"].value = "Mars/Olympus_Mons"
    widget.save_button.click()
    assert "unknown time zone" in widget.field_errors["timezone"]
    widget.inputs["timezone"].value = "Europe/Madrid"
    widget.inputs["consolidationTime"].value = "25:00"
    widget.save_button.click()
    assert set(widget.field_errors) == {"consolidationTime"}
    widget.inputs["consolidationTime"].value = "06:00"
    widget.inputs["customerId"].value = "999"
    widget.save_button.click()
    assert "no customer with id 999" in widget.field_errors["customerId"]
    # nothing of the refused saves was kept
    assert widget.store["settings"]["timezone"] == "America/Los_Angeles"


def test_st5_amazon_as_master_source_warns_that_it_overwrites_product_data(admin, sellers):
    connected(admin, sellers["NA"])
    widget = StoreSettingsWidget(admin)
    assert widget.master_warning.value == ""
    widget.inputs["amazonIsMaster"].value = True
    assert "overwrites our products' data" in widget.master_warning.value
    widget.save_button.click()
    assert widget.store["settings"]["amazonIsMaster"] is True
    assert "overwrites" in widget.master_warning.value


async def test_st6_tax_mapping_gaps_are_shown_until_the_mapping_is_complete(
    admin, sellers, sessions
):
    # given
    async with sessions() as session, session.begin():
        vat = await create_tax_rule(session, name="VAT 20%", rate=Decimal(20), inclusive=True)
    connected(admin, sellers["EU"])
    widget = StoreSettingsWidget(admin)
    assert "default tax rule for lines" in widget.tax_mapping_gaps
    assert "tax rule for destination DE" in widget.tax_mapping_gaps
    assert "orders of this store are skipped" in widget.gaps_view.value
    # an EU store's charges follow the destination country: no rule for charges is asked for
    assert "chargeTaxRuleId" not in widget.inputs
    assert any("every additional charge" in getattr(b, "value", "") for b in widget.form.children)
    # when
    widget.inputs["lineTaxRuleId"].value = str(vat.id)
    for country in ("GB", "DE", "FR", "IT", "ES"):
        widget.inputs[f"country:{country}"].value = str(vat.id)
    widget.save_button.click()
    # then
    assert widget.error == ""
    assert widget.tax_mapping_gaps == []
    assert "Tax mapping complete" in widget.gaps_view.value
    assert len(widget.store["settings"]["countryTaxRules"]) == 5


async def test_st7_one_price_tier_for_two_currencies_is_refused_on_that_marketplace(
    admin, sellers, sessions
):
    # given: price tiers offered in a dropdown, as they will be once GraphQL lists them
    async with sessions() as session, session.begin():
        euro = await create_price_tier(session, name="Amazon EUR", currency="EUR")
        pound = await create_price_tier(session, name="Amazon GBP", currency="GBP")
    tiers = [("Amazon EUR", str(euro.id)), ("Amazon GBP", str(pound.id))]
    connected(admin, sellers["EU"])
    widget = StoreSettingsWidget(
        admin, options=lambda _client, kind: tiers if kind is Reference.PRICE_TIER else None
    )
    assert widget.market_inputs["DE"][1].input.options[1:] == tuple(tiers)
    # when: euros for the euro marketplaces, UK left out
    for code in ("DE", "FR"):
        widget.market_inputs[code][1].value = str(euro.id)
    widget.market_inputs["IT"][0].value = False
    widget.save_marketplaces_button.click()
    # then
    assert widget.error == ""
    assert widget.notice == "saved marketplaces DE, FR, IT"
    used = {e["marketplace"]["code"]: e for e in widget.store["marketplaces"]}
    assert used["DE"]["priceTierId"] == str(euro.id)
    assert used["IT"]["enabled"] is False
    # when: the euro tier for the pound marketplace
    widget.market_inputs["UK"][1].value = str(euro.id)
    widget.save_marketplaces_button.click()
    # then
    assert "in EUR" in widget.marketplace_errors["UK"]
    assert "⚠" in widget.market_inputs["UK"][2].value
    assert widget.store["marketplaces"][-1]["priceTierId"] is None


# --- stores list, disconnect (ST-1, ST-4) ---------------------------------------------------


def test_st1_st4_disconnect_asks_for_confirmation_first(admin, sellers):
    # given: two independent stores
    connected(admin, sellers["NA"], "North")
    connected(admin, sellers["EU"], "Europe")
    widget = StoresWidget(admin)
    assert [s["name"] for s in widget.stores] == ["Europe", "North"]
    assert "North" in widget.table.value
    # when: the first click only asks
    widget.store_picker.value = next(s["id"] for s in widget.stores if s["name"] == "North")
    widget.disconnect_button.click()
    # then
    assert widget.pending_disconnect
    assert "Products, customers and sales stay" in widget.notice
    assert len(widget.stores) == 2
    # when: the second click disconnects
    widget.disconnect_button.click()
    # then
    assert widget.error == ""
    assert widget.notice == "disconnected North"
    assert [s["name"] for s in widget.stores] == ["Europe"]


def test_st4_a_disconnect_can_be_cancelled(admin, sellers):
    connected(admin, sellers["NA"])
    widget = StoresWidget(admin)
    widget.disconnect_button.click()
    widget.cancel_button.click()
    assert widget.pending_disconnect == ""
    widget.disconnect_button.click()  # asks again rather than disconnecting
    assert len(widget.stores) == 1
    assert widget.pending_disconnect


def test_st5_saving_marketplaces_keeps_settings_not_yet_saved(admin, sellers):
    connected(admin, sellers["NA"])
    widget = StoreSettingsWidget(admin)
    widget.inputs["invoiceStatus"].value = "AUTHORISED"
    widget.market_inputs["MX"][0].value = False
    widget.save_marketplaces_button.click()
    assert widget.notice == "saved marketplaces MX"
    assert widget.changes() == {"invoiceStatus": "AUTHORISED"}


def test_an_unreachable_server_is_shown_in_the_store_widgets_not_raised():
    client = SkuportClient("http://127.0.0.1:9/graphql", "skp_x", timeout=2)
    for widget in (ConnectStoreWidget(client), StoresWidget(client), StoreSettingsWidget(client)):
        assert "cannot reach the Skuport server" in widget.error


def test_st3_the_shop_representative_name_is_editable_and_names_stay_unique(admin, sellers):
    connected(admin, sellers["NA"], "North")
    connected(admin, sellers["EU"], "Europe")
    widget = StoresWidget(admin)
    widget.store_picker.value = next(s["id"] for s in widget.stores if s["name"] == "North")
    assert widget.name_input.value == "North"
    # when
    widget.shop_input.value = "Northwind on Amazon"
    widget.rename_button.click()
    # then
    assert widget.error == ""
    north = next(s for s in widget.stores if s["name"] == "North")
    assert north["shopRepresentativeName"] == "Northwind on Amazon"
    # when: a name another store has
    widget.name_input.value = "Europe"
    widget.rename_button.click()
    # then
    assert widget.error_field == "name"
    assert "already connected" in widget.name_errors["name"].value
