"""Issue 15.4, 15.5 and 15.7: hostile or odd inputs get a typed error naming the field, never
INTERNAL_SERVER_ERROR, and write nothing."""

from __future__ import annotations

import base64
import json

import pytest

from tests.schema.inventory_sales_support import row_counts

RECEIVE = """mutation($p: ID!, $l: ID!, $q: Decimal!) {
  receiveStock(productId: $p, locationId: $l, quantity: $q) {
    __typename ... on UserError { message field } } }"""
TAX = """mutation($name: String!, $rate: Decimal!) {
  createTaxRule(name: $name, rate: $rate) { __typename ... on UserError { message field } } }"""
PRICE = """mutation($p: ID!, $t: ID!, $price: Decimal!) {
  setProductPrice(productId: $p, priceTierId: $t, price: $price) {
    __typename ... on UserError { message field } } }"""
LOCATION = """mutation($name: String!) {
  createLocation(name: $name) { __typename ... on UserError { message field } } }"""
TOKEN = """mutation($name: String!) {
  createApiToken(name: $name, role: READONLY) { __typename ... on UserError { message field } } }"""
PRODUCTS = "query($after: String) { products(after: $after) { totalCount } }"
HUGE_ID = "99999999999999999999999"


def _codes(result: dict) -> list[str]:
    return [e.get("extensions", {}).get("code", "") for e in result.get("errors") or []]


@pytest.mark.parametrize("bad", [HUGE_ID, "²", "١٢", "9223372036854775808", "-1", " 1"])
async def test_an_id_that_cannot_exist_is_not_found(gql, office, sessions, bad):
    """Issue 15.4: ids beyond 64 bits or with non-ASCII digits name the field at fault."""
    before = await row_counts(sessions)
    result = await gql(RECEIVE, role="operations", p=bad, l=office.warehouse, q="1")
    assert result["data"]["receiveStock"]["__typename"] == "NotFound"
    assert result["data"]["receiveStock"]["field"] == "productId"
    product = await gql(f'{{ product(id: "{bad}") {{ id }} }}')
    assert product["data"] == {"product": None}
    run = await gql(f'{{ run(id: "{bad}") {{ __typename }} }}')
    assert run["data"]["run"]["__typename"] == "NotFound"
    assert await row_counts(sessions) == before


@pytest.mark.parametrize("key", [HUGE_ID, "²", "1e5", "-5"])
async def test_a_cursor_with_a_huge_or_odd_number_is_refused_as_bad_input(gql, sessions, key):
    cursor = base64.urlsafe_b64encode(f"k:{key}".encode()).decode()
    result = await gql(PRODUCTS, after=cursor)
    assert _codes(result) == ["BAD_USER_INPUT"]
    assert "cursor" in result["errors"][0]["message"]


async def test_a_cursor_that_is_not_base64_text_is_refused_as_bad_input(gql, sessions):
    result = await gql(PRODUCTS, after="ÿÿ\u2603")
    assert _codes(result) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize(
    "number", ["1e400", "99999999999999999999999999", "-1e400", "1000000000000", "1e-400"]
)
async def test_decimals_out_of_range_are_typed_errors_naming_the_field(
    gql, office, sessions, number
):
    """Issue 15.4: stock, tax and price inputs beyond what can be stored."""
    before = await row_counts(sessions)
    stock = await gql(RECEIVE, role="operations", p=office.mug, l=office.warehouse, q=number)
    assert stock["data"]["receiveStock"]["__typename"] == "InvalidInput", stock
    assert stock["data"]["receiveStock"]["field"] == "quantity"
    tax = await gql(TAX, role="finance", name="Odd tax", rate=number)
    assert tax["data"]["createTaxRule"]["__typename"] == "InvalidInput", tax
    assert tax["data"]["createTaxRule"]["field"] == "rate"
    price = await gql(PRICE, p=office.mug, t=office.tier, price=number)
    assert price["data"]["setProductPrice"]["__typename"] == "InvalidInput", price
    assert price["data"]["setProductPrice"]["field"] == "price"
    assert await row_counts(sessions) == before


async def test_a_json_number_too_big_for_a_float_is_refused_not_crashed(gql, http, tokens, office):
    # 1e400 as a JSON number, which Python reads as infinity
    variables = f'{{"p": "{office.mug}", "l": "{office.warehouse}", "q": 1e400}}'
    body = f'{{"query": {json.dumps(RECEIVE)}, "variables": {variables}}}'
    response = await http.post(
        "/graphql",
        content=body,
        headers={"Authorization": f"Bearer {tokens['admin']}", "Content-Type": "application/json"},
    )
    assert response.status_code < 500
    assert "INTERNAL_SERVER_ERROR" not in response.text


@pytest.mark.parametrize("quantity", ["\uff11\uff10", "1_000", "Infinity", "NaN", "0x10", "٣", " "])
async def test_quantities_are_plain_ascii_decimals_only(gql, office, sessions, quantity):
    """Issue 15.5: full-width digits, `1_000` and Arabic-Indic digits are not quantities."""
    before = await row_counts(sessions)
    result = await gql(RECEIVE, role="operations", p=office.mug, l=office.warehouse, q=quantity)
    assert result["data"] is None
    assert "not a number" in result["errors"][0]["message"]
    assert "INTERNAL_SERVER_ERROR" not in _codes(result)
    assert await row_counts(sessions) == before


async def test_plain_decimals_are_still_quantities(gql, office):
    for quantity in ("2", "2.5", "+1", "1E1", 3, 0.5):
        result = await gql(RECEIVE, role="operations", p=office.mug, l=office.warehouse, q=quantity)
        assert result["data"]["receiveStock"]["__typename"] == "StockMoved", (quantity, result)


HOSTILE = [
    "bad\x00name",
    "esc\x1b[31mred",
    "bell\x07",
    "c1\x85x",
    "del\x7fx",
    "\u202etxt.exe",
    "iso\u2066x",
]


@pytest.mark.parametrize("text", HOSTILE)
async def test_control_characters_and_bidi_overrides_are_refused_in_free_text(
    gql, office, sessions, text
):
    """Issue 15.5: names, SKUs and token names are not stored with control characters."""
    before = await row_counts(sessions)
    for document in (LOCATION, TOKEN):
        result = await gql(document, name=text)
        assert result["data"] is None, result
        assert _codes(result) == ["BAD_USER_INPUT"]
        assert "control characters" in result["errors"][0]["message"]
        assert result["errors"][0]["extensions"]["field"] == "$name"
    literal = await gql('mutation { createLocation(name: "x\\u001by") { __typename } }')
    assert _codes(literal) == ["BAD_USER_INPUT"]
    assert await row_counts(sessions) == before


async def test_a_single_line_field_refuses_line_breaks_with_a_typed_error(gql, sessions):
    result = await gql(LOCATION, name="two\nlines")
    assert result["data"]["createLocation"] == {
        "__typename": "InvalidInput",
        "message": result["data"]["createLocation"]["message"],
        "field": "name",
    }
    assert "line breaks" in result["data"]["createLocation"]["message"]
    token = await gql(TOKEN, name="tab\there")
    assert token["data"]["createApiToken"]["__typename"] == "InvalidInput"
    assert token["data"]["createApiToken"]["field"] == "name"


async def test_ordinary_unicode_text_is_welcome(gql, sessions):
    for name in ("Lager Zürich", "倉庫 東京", "מחסן", "Café — ☕"):
        result = await gql(LOCATION, name=name)
        assert result["data"]["createLocation"]["__typename"] == "LocationSaved", result


async def test_marking_notifications_read_needs_an_operations_token(gql, sessions):
    """Issue 15.7: read state is shared, so readonly and finance may not change it."""
    mark = "mutation { markNotificationsRead { count } }"
    for role in ("readonly", "finance"):
        assert _codes(await gql(mark, role=role)) == ["FORBIDDEN"]
    for role in ("operations", "admin"):
        assert (await gql(mark, role=role))["data"]["markNotificationsRead"]["count"] == 0
