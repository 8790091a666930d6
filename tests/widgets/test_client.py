"""The widgets' GraphQL client: plain data back, clear messages for every kind of failure."""

from __future__ import annotations

import json

import pytest

from skuport.widgets.client import (
    Forbidden,
    InvalidQuery,
    NotAuthenticated,
    ServerUnreachable,
    SkuportClient,
    SkuportError,
    find_connection,
)


def test_a_query_returns_plain_data(live_server, tokens):
    client = SkuportClient(live_server.graphql_url, tokens["readonly"])
    assert client.execute("query { me { role } }") == {"me": {"role": "READONLY"}}


def test_an_unreachable_server_says_so(tokens):
    client = SkuportClient("http://127.0.0.1:9/graphql", tokens["readonly"], timeout=2)
    with pytest.raises(ServerUnreachable, match="cannot reach the Skuport server"):
        client.execute("query { me { role } }")


def test_a_wrong_token_is_not_authenticated(live_server, sessions):
    client = SkuportClient(live_server.graphql_url, "skp_wrong")
    with pytest.raises(NotAuthenticated, match="did not accept the token"):
        client.execute("query { me { role } }")


def test_a_wrong_role_is_forbidden(live_server, tokens):
    client = SkuportClient(live_server.graphql_url, tokens["readonly"])
    with pytest.raises(Forbidden, match="readonly token may not"):
        client.execute('mutation { triggerJob(name: "housekeeping") { __typename } }')


def test_a_query_that_does_not_fit_the_schema_fails_before_sending(tokens):
    client = SkuportClient("http://127.0.0.1:9/graphql", tokens["readonly"])
    with pytest.raises(InvalidQuery, match="noSuchField"):
        client.execute("query { noSuchField }")


def test_the_connection_is_found_from_the_environment_or_the_demo_file(tmp_path, monkeypatch):
    monkeypatch.delenv("SKUPORT_URL", raising=False)
    monkeypatch.delenv("SKUPORT_TOKEN", raising=False)
    with pytest.raises(SkuportError, match="make demo"):
        find_connection(tmp_path)
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "demo-connection.json").write_text(
        json.dumps({"url": "http://127.0.0.1:8000/graphql", "token": "skp_demo"})
    )
    (tmp_path / "notebooks").mkdir()
    found = find_connection(tmp_path / "notebooks")
    assert (found.url, found.token) == ("http://127.0.0.1:8000/graphql", "skp_demo")
    monkeypatch.setenv("SKUPORT_URL", "http://elsewhere/graphql")
    monkeypatch.setenv("SKUPORT_TOKEN", "skp_env")
    assert find_connection(tmp_path).token == "skp_env"


def test_a_file_is_uploaded_as_a_multipart_request(live_server, tokens):
    """Issue 18: the runbooks upload a spreadsheet; the server reads it as the `file` variable."""
    client = SkuportClient(live_server.graphql_url, tokens["operations"])
    content = b"sku;name;category\nUP-1;Uploaded mug;Kitchen\n"
    result = client.execute_with_file(
        "mutation($file: Upload, $dryRun: Boolean!) { importProducts(file: $file, dryRun: $dryRun)"
        " { __typename ... on ImportChecked { created message } } }",
        {"dryRun": False},
        "file",
        "mugs.csv",
        content,
    )
    assert result["importProducts"] == {
        "__typename": "ImportChecked",
        "created": 1,
        "message": "Imported 1 product from mugs.csv.",
    }
    found = client.execute('{ products(search: "UP-1") { nodes { sku category } } }')
    assert found["products"]["nodes"] == [{"sku": "UP-1", "category": "Kitchen"}]
