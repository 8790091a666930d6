"""Setting a store up from the runbooks (issue 18; ST-5, ST-6, ST-7, IN-4).

The checklist says what a store still needs and opens the Back office tab that adds it; the store
settings panel of runbook 01 creates a missing tax rule, location or account inline.
"""

from __future__ import annotations

from skuport.widgets import SkuportClient, StoreSettingsWidget
from skuport.widgets.back_office import BackOfficeWidget
from skuport.widgets.setup_checklist import SetupChecklist

TAX_RULE = (
    "mutation($name: String!, $rate: Decimal!, $taxFree: Boolean!) {"
    " createTaxRule(name: $name, rate: $rate, taxFree: $taxFree) { __typename } }"
)


def needs_of(checklist: SetupChecklist) -> dict[str, bool]:
    return {need["key"]: need["done"] for need in checklist.needs}


# --- the checklist --------------------------------------------------------------------------


def test_st6_a_new_store_needs_its_references_and_each_opens_its_back_office_tab(admin, store_id):
    # given: a store just connected, an empty back office
    office = BackOfficeWidget(admin)
    checklist = SetupChecklist(admin, office, store_id=store_id)
    # then every need is open
    assert needs_of(checklist) == {
        "customer": False, "taxRules": False, "taxFree": False, "taxMapping": False,
        "locations": False, "priceTiers": False, "payment": False, "products": False,
    }  # fmt: skip
    assert "still needs 8 things" in checklist.summary.value
    assert "✗" in checklist.rows.children[0].children[1].value
    # when the analyst opens the tax rules from the checklist
    checklist.buttons["taxRules"].click()
    # then the Back office shows that tab
    assert office.current is office.tabs["taxRules"]
    checklist.buttons["payment"].click()
    assert office.current is office.tabs["accounts"]


def test_st6_adding_the_records_and_choosing_them_ticks_the_checklist(admin, store_id):
    # given
    office = BackOfficeWidget(admin)
    checklist = SetupChecklist(admin, office, store_id=store_id)
    # when: tax rules and a location are added in the Back office
    for name, rate, free in (("Sales tax", "0", False), ("Tax free", "0", True)):
        result = admin.execute(TAX_RULE, name=name, rate=rate, taxFree=free)
        assert result["createTaxRule"]["__typename"] == "TaxRuleSaved"
    locations = office.show_tab("locations")
    locations.form.inputs["name"].value = "Main warehouse"
    locations.add_button.click()
    checklist.check_button.click()
    # then those are ticked, the mapping still waits for the settings (runbook 01)
    needs = needs_of(checklist)
    assert needs["taxRules"] and needs["taxFree"] and needs["locations"]
    assert not needs["taxMapping"]
    mapping = next(n for n in checklist.needs if n["key"] == "taxMapping")
    assert "runbook 01" in mapping["hint"]
    assert "default tax rule for lines" in mapping["hint"]


def test_st7_a_marketplace_without_a_price_tier_names_the_currency_to_add(admin, store_id):
    checklist = SetupChecklist(admin, store_id=store_id)
    tiers = next(n for n in checklist.needs if n["key"] == "priceTiers")
    assert not tiers["done"]
    assert "add a price tier in CAD, MXN, USD" in tiers["hint"]
    assert checklist.buttons["priceTiers"].disabled  # no Back office to open here


def test_the_checklist_says_when_no_store_is_connected(admin):
    checklist = SetupChecklist(admin)
    assert checklist.needs == []
    assert "No store is connected yet" in checklist.summary.value


# --- creating a missing record inline in the settings panel ----------------------------------


def test_st5_a_tax_rule_created_inline_is_picked_and_offered_in_the_other_pickers(admin, store_id):
    # given
    widget = StoreSettingsWidget(admin, store_id=store_id)
    new = widget.new_records["lineTaxRuleId"]
    assert not new.is_open
    # when
    new.new_button.click()
    new.inputs["name"].value = "Sales tax 7%"
    new.inputs["rate"].value = "7"
    new.create_button.click()
    # then: picked here, offered in the charges picker, nothing saved yet
    assert new.error == ""
    assert "created tax rule Sales tax 7%" in new.message.value
    picked = widget.inputs["lineTaxRuleId"].value
    assert picked is not None
    assert ("Sales tax 7%", picked) in widget.inputs["chargeTaxRuleId"].input.options
    assert widget.inputs["chargeTaxRuleId"].value is None
    assert widget.changes() == {"lineTaxRuleId": picked}
    # when saved
    widget.save_button.click()
    assert widget.store["settings"]["lineTaxRuleId"] == picked


def test_st5_a_tax_free_rule_a_location_and_a_bank_account_are_created_inline(admin, store_id):
    widget = StoreSettingsWidget(admin, store_id=store_id)
    free = widget.new_records["taxFreeRuleId"]
    free.new_button.click()
    assert free.inputs["rate"].disabled and free.inputs["rate"].value == "0"
    free.inputs["name"].value = "Exempt"
    free.create_button.click()
    location = widget.new_records["fbaLocationId"]
    location.new_button.click()
    location.inputs["name"].value = "Amazon FBA"
    location.create_button.click()
    bank = widget.new_records["paymentAccountId"]
    bank.new_button.click()
    bank.inputs["code"].value = "1210"
    bank.inputs["name"].value = "Amazon payouts"
    bank.create_button.click()
    widget.inputs["processFbaOrders"].value = True
    widget.save_button.click()
    assert widget.error == ""
    settings = widget.store["settings"]
    assert settings["taxFreeRuleId"] and settings["fbaLocationId"] and settings["paymentAccountId"]
    assert "tax-free rule" not in " ".join(widget.tax_mapping_gaps)
    assert ("Amazon FBA", settings["fbaLocationId"]) in widget.inputs["fbmLocationId"].input.options


def test_st5_an_inline_create_refused_says_why_and_keeps_the_form_open(admin, store_id):
    widget = StoreSettingsWidget(admin, store_id=store_id)
    location = widget.new_records["fbmLocationId"]
    location.new_button.click()
    location.create_button.click()
    assert "Name needed for a new location" in location.error
    location.inputs["name"].value = "Main"
    location.create_button.click()
    other = widget.new_records["fbaLocationId"]
    other.new_button.click()
    other.inputs["name"].value = "Main"
    other.create_button.click()
    assert "Main" in other.error and "⚠" in other.message.value
    assert other.is_open
    assert widget.inputs["fbaLocationId"].value is None


def test_a_readonly_user_cannot_create_inline(live_server, tokens, admin, store_id):
    readonly = SkuportClient(live_server.graphql_url, tokens["readonly"])
    widget = StoreSettingsWidget(readonly, store_id=store_id)
    new = widget.new_records["lineTaxRuleId"]
    new.inputs["name"].value = "VAT"
    new.inputs["rate"].value = "20"
    new.create_button.click()
    assert "readonly token may not" in new.error


def test_the_setup_widgets_read_without_requirement_ids(admin, store_id):
    """Issue 18's widgets in the seller's words: every tab, the checklist, the imports."""
    from skuport.widgets import ImportsWidget
    from tests.widgets.test_widget_text import ids_shown, texts

    office = BackOfficeWidget(admin)
    widgets = [office, SetupChecklist(admin, office, store_id=store_id), ImportsWidget(admin),
               StoreSettingsWidget(admin, store_id=store_id)]  # fmt: skip
    shown = " ".join(text for _where, text in texts(widgets[1]))
    assert "Tax mapping complete" in shown and "Open Tax rules" in shown
    assert {type(w).__name__: ids_shown(w) for w in widgets if ids_shown(w)} == {}
