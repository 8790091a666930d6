"""`make demo`'s terminal: a short line per run, Amazon's calls at DEBUG, the banner again once
the demo data is ready; and the runs say how many items they expect (BX-4, LG-4)."""

from __future__ import annotations

import logging
from dataclasses import replace

import httpx

from skuport.server.app import create_app
from skuport.server.demo import demo_banner, set_up_demo_data

RUNS = (
    '{ runs(operation: "catalog_download") '
    "{ nodes { status processed skipped cancelled expected } } }"
)


async def test_lg4_the_demo_terminal_shows_one_line_per_run_and_the_banner_once_ready(
    settings, sessions, sandbox_app, sandbox, tokens, capsys, caplog
):
    # given the demo's server on the sandbox Amazon
    clock = sandbox.state.clock
    app = create_app(
        replace(settings, sandbox_url="http://sandbox.test"),
        clock=clock,
        amazon_transport=httpx.ASGITransport(app=sandbox_app),
        amazon_sleep=clock.sleep,
    )
    banner = demo_banner(
        graphql_url="http://127.0.0.1:8000/graphql",
        sandbox_url="http://127.0.0.1:8100",
        token="skp_demo",
        lab_url="http://127.0.0.1:8888/lab",
    )
    async with app.router.lifespan_context(app):
        # when the demo data is set up, with the terminal showing INFO
        with caplog.at_level(logging.INFO):
            await set_up_demo_data(app, banner)
            await app.state.services.runner.drain()
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            response = await client.post(
                "/graphql",
                json={"query": RUNS},
                headers={"Authorization": f"Bearer {tokens['readonly']}"},
            )
    # then Amazon's calls are not at INFO, each run has one short line
    info = [r for r in caplog.records if r.levelno >= logging.INFO]
    assert not [r for r in info if r.name.startswith("skuport.amazon")]
    lines = [r.getMessage() for r in info if r.name == "skuport.domain.jobs.runner"]
    catalog = [line for line in lines if "catalog_download" in line]
    assert len(catalog) == 2 and all("succeeded in" in line for line in catalog), lines
    # and the banner comes again after the set-up's output, token and all
    out = capsys.readouterr().out
    assert "Connected 2 sandbox stores" in out
    assert out.rstrip().endswith(banner.rstrip())
    assert "skp_demo" in out.split("Connected 2 sandbox stores")[1]
    # and each catalog download said how many listings it expected, and went through them
    runs = response.json()["data"]["runs"]["nodes"]
    assert len(runs) == 2
    for run in runs:
        assert run["expected"] and run["expected"] > 0, run
        assert run["processed"] == run["expected"], run


def test_lg4_the_terminal_leaves_per_call_and_per_job_chatter_to_debug():
    from skuport.server.cli import configure_logging

    configure_logging("INFO")
    assert not logging.getLogger("apscheduler.executors.default").isEnabledFor(logging.INFO)
    assert not logging.getLogger("httpx").isEnabledFor(logging.INFO)
