"""A stores refusal names its field in snake_case in the domain and camelCase over GraphQL (ST-5,
ST-7): the one error contract, end to end."""

from __future__ import annotations

import pytest

from skuport.domain.errors import ErrorCode, InvalidValue, NotFound
from skuport.domain.stores.service import get_store
from skuport.domain.stores.settings import SettingsChange, update_settings

CONNECT = """
mutation Connect($input: ConnectStoreInput!) {
  connectStore(input: $input) { __typename ... on StoreSaved { store { id } } }
}
"""
SETTINGS = """
mutation Settings($storeId: ID!, $settings: StoreSettingsInput!) {
  updateStoreSettings(storeId: $storeId, settings: $settings) {
    __typename ... on UserError { message field }
  }
}
"""


async def test_st5_a_settings_refusal_is_snake_case_in_the_domain_and_camel_case_in_the_api(
    gql, sellers, connect_input, sessions
):
    connected = await gql(CONNECT, input=connect_input(sellers["NA"]))
    store_id = connected["data"]["connectStore"]["store"]["id"]
    with pytest.raises(InvalidValue) as refused:
        async with sessions() as session, session.begin():
            change = SettingsChange(order_download_minutes=1)
            await update_settings(session, store_id=int(store_id), change=change)
    assert refused.value.code is ErrorCode.INVALID_VALUE
    assert refused.value.field == "order_download_minutes"

    answer = await gql(SETTINGS, storeId=store_id, settings={"orderDownloadMinutes": 1})
    result = answer["data"]["updateStoreSettings"]
    assert result["__typename"] == "InvalidInput"
    assert result["field"] == "orderDownloadMinutes"
    assert result["message"] == refused.value.message


async def test_st5_an_unknown_store_is_not_found_with_the_argument_named_in_camel_case(
    gql, sessions
):
    with pytest.raises(NotFound) as missing:
        async with sessions() as session:
            await get_store(session, store_id=999)
    assert missing.value.field == "store_id"

    answer = await gql(SETTINGS, storeId="999", settings={"timezone": "Europe/London"})
    assert answer["data"]["updateStoreSettings"] == {
        "__typename": "NotFound",
        "message": missing.value.message,
        "field": "storeId",
    }
