"""The Back office widget, driven as an analyst would (issue 18; IN-1, IN-3, IN-4).

Each tab adds a record from its form, edits the picked row, archives and restores it; refusals
of the server show next to the field they name; successes are said in words.
"""

from __future__ import annotations

from skuport.widgets import SkuportClient
from skuport.widgets.back_office import BackOfficeWidget, RecordTab
from skuport.widgets.back_office_kinds import KINDS_BY_KEY


def tab_of(client: SkuportClient, key: str) -> RecordTab:
    return RecordTab(client, KINDS_BY_KEY[key])


def test_in4_a_tax_rule_added_from_the_form_shows_in_the_grid(admin):
    # given
    tab = tab_of(admin, "taxRules")
    assert tab.records == []
    # when
    tab.form.inputs["name"].value = "VAT 20%"
    tab.form.inputs["rate"].value = "20"
    tab.form.inputs["inclusive"].value = True
    tab.add_button.click()
    # then
    assert tab.error == ""
    assert tab.notice == "added tax rule VAT 20%"
    assert "✓" in tab.status.value
    assert [(r["name"], r["inclusive"]) for r in tab.records] == [("VAT 20%", True)]
    assert list(tab.table.df["Name"]) == ["VAT 20%"]
    assert tab.selected["name"] == "VAT 20%"  # the new record is picked, ready to edit


def test_in4_a_duplicate_name_is_shown_next_to_the_name_field(admin):
    tab = tab_of(admin, "locations")
    tab.form.inputs["name"].value = "Main warehouse"
    tab.add_button.click()
    tab.select(None)
    tab.form.inputs["name"].value = "Main warehouse"
    tab.add_button.click()
    assert "name" in tab.field_errors
    assert "⚠" in tab.form.labels["name"].value
    assert "Main warehouse" in tab.form.labels["name"].value
    assert len(tab.records) == 1


def test_in4_a_missing_rate_or_a_rate_that_is_not_a_number_is_refused_before_sending(admin):
    tab = tab_of(admin, "taxRules")
    tab.form.inputs["name"].value = "VAT"
    tab.add_button.click()
    assert "is required" in tab.field_errors["rate"]
    tab.form.inputs["rate"].value = "twenty"
    tab.add_button.click()
    assert tab.field_errors == {"rate": "'twenty' is not a number"}
    assert "⚠" in tab.form.labels["rate"].value
    assert tab.records == []


def test_in4_an_account_is_added_with_its_kind_and_a_customer_with_its_price_tier(admin):
    office = BackOfficeWidget(admin)
    accounts = office.show_tab("accounts")
    accounts.form.inputs["code"].value = "1200"
    accounts.form.inputs["name"].value = "Amazon payouts"
    accounts.form.inputs["kind"].value = "BANK"
    accounts.add_button.click()
    assert accounts.notice == "added account 1200 Amazon payouts"
    tiers = office.show_tab("priceTiers")
    tiers.form.inputs["name"].value = "Amazon USD"
    tiers.form.inputs["currency"].value = "USD"
    tiers.add_button.click()
    customers = office.show_tab("customers")
    options = dict(customers.form.inputs["priceTierId"].input.options)
    assert "Amazon USD USD" in options  # records added in another tab are offered
    customers.form.inputs["name"].value = "Amazon US customer"
    customers.form.inputs["priceTierId"].value = options["Amazon USD USD"]
    customers.add_button.click()
    assert customers.error == ""
    assert customers.records[0]["priceTierId"] == options["Amazon USD USD"]
    assert office.current is customers


def test_in1_a_product_added_from_the_form_shows_with_its_sku(admin):
    tab = tab_of(admin, "products")
    tab.form.inputs["sku"].value = "MUG-1"
    tab.form.inputs["name"].value = "Blue mug"
    tab.form.inputs["weightKg"].value = "0.35"
    tab.add_button.click()
    assert tab.error == ""
    assert tab.notice == "added product MUG-1 Blue mug"
    assert list(tab.table.df["SKU"]) == ["MUG-1"]


def test_a_readonly_user_sees_why_a_record_is_not_added(readonly):
    tab = tab_of(readonly, "locations")
    tab.form.inputs["name"].value = "Nope"
    tab.add_button.click()
    assert "readonly token may not" in tab.error
    assert "⚠" in tab.status.value


# --- edit, archive, restore (issue 18) -------------------------------------------------------

SALE = """
mutation Sale($input: SaleInput!) {
  createSale(input: $input) { __typename ... on UserError { message } }
}
"""
RECEIVE = """
mutation Receive($productId: ID!, $locationId: ID!, $quantity: Decimal!) {
  receiveStock(productId: $productId, locationId: $locationId, quantity: $quantity) {
    __typename
  }
}
"""


def added(tab: RecordTab, **values: object) -> dict:
    """Add a record through the tab's form; the record as the grid shows it."""
    tab.select(None)
    for name, value in values.items():
        tab.form.inputs[name].value = value
    assert tab.add(), tab.error
    return tab.selected


def test_in4_editing_a_tax_rule_sends_only_what_changed_and_says_what_was_saved(admin):
    # given
    tab = tab_of(admin, "taxRules")
    rule = added(tab, name="VAT 20%", rate="20", inclusive=True)
    # when: the analyst picks the row and changes its name and rate
    tab.select(None)
    tab.table.selected_rows = [0]
    assert tab.form.inputs["name"].value == "VAT 20%"
    assert tab.save_button.disabled is False
    tab.form.inputs["name"].value = "VAT 21%"
    tab.form.inputs["rate"].value = "21.0"
    tab.save_button.click()
    # then
    assert tab.error == ""
    assert tab.notice == "saved tax rule VAT 21%: name, rate"
    assert [(r["id"], r["name"], r["inclusive"]) for r in tab.records] == [
        (rule["id"], "VAT 21%", True)
    ]
    assert tab.selected["id"] == rule["id"]
    # when nothing is changed
    tab.save_button.click()
    assert tab.notice == "nothing changed"


def test_in4_a_used_tax_rules_rate_is_refused_next_to_the_rate_and_says_to_create_one(admin):
    # given: a sale line taxed with the rule
    office = BackOfficeWidget(admin)
    rule = added(office.tabs["taxRules"], name="Sales tax", rate="8.875")
    customer = added(office.tabs["customers"], name="Walk-in")
    location = added(office.tabs["locations"], name="Shop")
    product = added(office.tabs["products"], sku="MUG-1", name="Blue mug")
    line = {"kind": "PRODUCT", "productId": product["id"], "quantity": "1",
            "unitPrice": "10", "taxRuleId": rule["id"]}  # fmt: skip
    order = {"customerId": customer["id"], "locationId": location["id"], "lines": [line]}
    sale = admin.execute(SALE, input={**order, "currency": "USD"})
    assert sale["createSale"]["__typename"] == "SaleSaved", sale
    tab = office.show_tab("taxRules")
    tab.select(rule["id"])
    # when
    tab.form.inputs["rate"].value = "9"
    tab.save_button.click()
    # then: the refusal stands next to the rate, in the server's words
    assert list(tab.field_errors) == ["rate"]
    assert "create a new tax rule" in tab.form.labels["rate"].value
    assert tab.form.labels["name"].value == ""
    assert tab.records[0]["rate"] in ("8.875", "8.8750")
    # a new name is still fine
    tab.form.inputs["rate"].value = tab.records[0]["rate"]
    tab.form.inputs["name"].value = "NY sales tax"
    tab.save_button.click()
    assert tab.notice == "saved tax rule NY sales tax: name"


def test_in4_an_archived_record_is_hidden_shown_on_demand_and_restored(admin):
    # given
    tab = tab_of(admin, "priceTiers")
    tier = added(tab, name="Amazon EUR", currency="EUR")
    added(tab, name="Amazon GBP", currency="GBP")
    # when
    tab.select(tier["id"])
    tab.archive_button.click()
    # then: no longer listed, nor offered to pick
    assert tab.notice == "archived price tier Amazon EUR"
    assert [r["name"] for r in tab.records] == ["Amazon GBP"]
    customers = tab_of(admin, "customers")
    offered = [label for label, _ in customers.form.inputs["priceTierId"].input.options]
    assert offered == ["none", "Amazon GBP GBP"]
    # when the analyst shows archived records
    tab.show_archived.value = True
    assert "Archived" in tab.table.df.columns
    tab.select(tier["id"])
    assert tab.archive_button.disabled and not tab.restore_button.disabled
    assert "archived" in tab.heading.value
    tab.restore_button.click()
    # then
    assert tab.notice == "restored price tier Amazon EUR"
    assert not tab.selected["archived"]
    tab.show_archived.value = False
    assert {r["name"] for r in tab.records} == {"Amazon EUR", "Amazon GBP"}


def test_in3_a_location_with_stock_cannot_be_archived_and_the_widget_says_why(admin):
    # given: stock on hand at the location
    office = BackOfficeWidget(admin)
    location = added(office.tabs["locations"], name="FBA")
    product = added(office.tabs["products"], sku="MUG-1", name="Blue mug")
    moved = admin.execute(RECEIVE, productId=product["id"], locationId=location["id"],
                          quantity="5")  # fmt: skip
    assert moved["receiveStock"]["__typename"] == "StockMoved"
    tab = office.show_tab("locations")
    tab.select(location["id"])
    # when
    tab.archive_button.click()
    # then
    assert "MUG-1: 5 on hand" in tab.error
    assert "⚠" in tab.archive_note.value and "MUG-1" in tab.archive_note.value
    assert [r["archived"] for r in tab.records] == [False]


def test_in1_categories_and_brands_are_added_renamed_and_archived(admin):
    office = BackOfficeWidget(admin)
    for key, noun in (("categories", "category"), ("brands", "brand")):
        tab = office.show_tab(key)
        record = added(tab, name="Mugs")
        tab.form.inputs["name"].value = "Cups"
        tab.save_button.click()
        assert tab.notice == f"saved {noun} Cups: name", tab.error
        tab.archive_button.click()
        assert tab.notice == f"archived {noun} Cups"
        assert all(r["id"] != record["id"] for r in tab.records)
