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
