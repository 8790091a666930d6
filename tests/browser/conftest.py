"""Fixtures of the browser tests: the demo stack, Chromium, and where the screenshots go."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.lab import CHROMIUM
from tests.browser.stack import NOTEBOOKS, DemoStack, demo_stack

HERE = Path(__file__).resolve().parent
BROKEN = HERE / "broken_widget.ipynb"
SCREENSHOTS_ENV = "SKUPORT_SCREENSHOTS"
_shots: list[Path] = []


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoStack]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    notebooks = [*sorted(NOTEBOOKS.glob("*.ipynb")), BROKEN]
    with demo_stack(tmp_path_factory.mktemp("demo-stack"), notebooks) as running:
        yield running


@pytest.fixture(scope="module")
def browser(stack: DemoStack):  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    from tests.browser.lab import launch

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of the runbooks' pictures: $SKUPORT_SCREENSHOTS (docs/images) or a temp one."""
    wanted = os.environ.get(SCREENSHOTS_ENV)
    folder = Path(wanted).resolve() if wanted else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    _shots.append(folder)
    return folder


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    for folder in _shots:
        terminalreporter.write_line(f"runbook screenshots: {folder}")
