"""Every runbook runs top to bottom without edits against a live server."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def execute(name: str, env: dict[str, str]) -> nbformat.NotebookNode:
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    client.execute(env=env)
    return notebook


def outputs_text(notebook: nbformat.NotebookNode) -> str:
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            parts.append(str(output.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


@pytest.fixture
def kernel_env(live_server, tokens, monkeypatch) -> dict[str, str]:
    import os

    return {
        **os.environ,
        "SKUPORT_URL": live_server.graphql_url,
        "SKUPORT_TOKEN": tokens["operations"],
    }


def test_start_here_connects_and_shows_status_and_runs(kernel_env, live_server):
    notebook = execute("00_start_here.ipynb", kernel_env)
    text = outputs_text(notebook)
    assert f"Connected to {live_server.graphql_url}" in text
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
