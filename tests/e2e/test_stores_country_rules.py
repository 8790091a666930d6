"""An EU store's destination-country tax rules, changed through GraphQL (ST-6, OR-6)."""

from __future__ import annotations

from tests.e2e.test_stores import SETTINGS, connect

TAX_RULE = """
mutation($name: String!, $rate: Decimal!) {
  createTaxRule(name: $name, rate: $rate, inclusive: true) {
    __typename ... on TaxRuleSaved { taxRule { id } } ... on UserError { message }
  }
}
"""


async def _tax_rule(gql, name: str, rate: str) -> str:  # type: ignore[no-untyped-def]
    created = (await gql(TAX_RULE, name=name, rate=rate))["data"]["createTaxRule"]
    assert created["__typename"] == "TaxRuleSaved", created
    return created["taxRule"]["id"]


async def _send(gql, store_id: str, rules: dict[str, str]) -> dict:  # type: ignore[no-untyped-def]
    listed = [{"countryCode": c, "taxRuleId": r} for c, r in rules.items()]
    result = await gql(SETTINGS, storeId=store_id, settings={"countryTaxRules": listed})
    assert "errors" not in result, result
    return result["data"]["updateStoreSettings"]


def _mapped(saved: dict) -> dict[str, str]:  # type: ignore[type-arg]
    rules = saved["store"]["settings"]["countryTaxRules"]
    return {r["countryCode"]: r["taxRuleId"] for r in rules}


async def test_st6_a_list_that_keeps_a_mapped_country_replaces_the_rules_in_one_call(
    gql, sellers, connect_input
):
    """ST-6/OR-6: adding GB to a store that maps CH sends [CH, GB]; both are saved, and the
    next list (CH's rule changed, GB dropped, DE added) replaces them exactly."""
    store = (await connect(gql, sellers["EU"], connect_input))["store"]
    swiss = await _tax_rule(gql, "Swiss VAT 8.1", "8.1")
    uk = await _tax_rule(gql, "UK VAT 20", "20")
    german = await _tax_rule(gql, "German VAT 19", "19")
    first = await _send(gql, store["id"], {"CH": swiss})
    assert first["__typename"] == "StoreSaved", first

    added = await _send(gql, store["id"], {"CH": swiss, "GB": uk})

    assert added["__typename"] == "StoreSaved", added
    assert _mapped(added) == {"CH": swiss, "GB": uk}
    replaced = await _send(gql, store["id"], {"CH": german, "DE": german})
    assert replaced["__typename"] == "StoreSaved", replaced
    assert _mapped(replaced) == {"CH": german, "DE": german}
    cleared = await _send(gql, store["id"], {})
    assert cleared["__typename"] == "StoreSaved", cleared
    assert _mapped(cleared) == {}


async def test_st6_a_country_sent_twice_in_different_case_is_refused_by_name(
    gql, sellers, connect_input
):
    """ST-6: "gb" and "GB" are one country; the list is refused naming the field, not lost."""
    store = (await connect(gql, sellers["EU"], connect_input))["store"]
    uk = await _tax_rule(gql, "UK VAT 20", "20")
    other = await _tax_rule(gql, "UK VAT 5", "5")

    refused = await _send(gql, store["id"], {"gb": uk, "GB": other})

    assert refused["__typename"] == "InvalidInput", refused
    assert refused["field"] == "countryTaxRules"
    assert "GB" in refused["message"]
