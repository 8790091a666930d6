"""GraphiQL (the GraphQL API for frontend developers) loads its scripts from a CDN: offline,
the page says so instead of staying blank (issue 16)."""

from __future__ import annotations

from dataclasses import replace

from starlette.testclient import TestClient

from skuport.server.app import create_app


def test_the_graphiql_page_explains_itself_when_its_scripts_cannot_load(settings):
    settings = replace(settings, graphiql=True)
    with TestClient(create_app(settings)) as client:
        # when a browser opens the API's address
        response = client.get("/graphql", headers={"Accept": "text/html"})
    # then it gets GraphiQL, whose placeholder (shown until the scripts run, or for good when
    # they cannot load) says what is missing and how to query the API without it
    assert response.status_code == 200
    page = response.text
    assert "graphiql.min.js" in page
    placeholder = page.split('<div id="graphiql" class="graphiql-container">')[1]
    placeholder = placeholder.split("</div>")[0]
    assert "cannot reach the internet" in placeholder
    assert "curl -s http://testserver/graphql" in placeholder
    assert "Authorization: Bearer" in placeholder
