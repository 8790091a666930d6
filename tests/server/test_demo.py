"""`make demo` set-up: database migrated, a token the runbooks find, kept across runs."""

from __future__ import annotations

import json
from dataclasses import replace

from skuport.domain.auth import authenticate
from skuport.server.demo import prepare_demo
from skuport.widgets.client import find_connection


async def test_the_demo_leaves_a_working_token_where_the_runbooks_find_it(
    settings, sessions, tmp_path, monkeypatch
):
    monkeypatch.delenv("SKUPORT_URL", raising=False)
    monkeypatch.delenv("SKUPORT_TOKEN", raising=False)
    # when
    first = await prepare_demo(
        settings, server_url="http://127.0.0.1:8000/graphql", folder=tmp_path
    )
    # then the notebooks (run from notebooks/) find it, and the token works
    (tmp_path / "notebooks").mkdir()
    found = find_connection(tmp_path / "notebooks")
    assert (found.url, found.token) == (first.url, first.token)
    async with sessions() as session:
        assert (await authenticate(session, first.token)).role.value == "admin"


async def test_a_second_demo_run_keeps_the_token_and_replaces_a_dead_one(
    settings, sessions, tmp_path
):
    url = "http://127.0.0.1:8000/graphql"
    first = await prepare_demo(settings, server_url=url, folder=tmp_path)
    again = await prepare_demo(settings, server_url=url, folder=tmp_path)
    assert again.token == first.token
    # given the database was replaced, the old token no longer authenticates
    fresh = replace(settings, database_url=f"sqlite+aiosqlite:///{tmp_path}/fresh.db")
    replaced = await prepare_demo(fresh, server_url=url, folder=tmp_path)
    assert replaced.token != first.token
    saved = json.loads((tmp_path / "var" / "demo-connection.json").read_text())
    assert saved["token"] == replaced.token
