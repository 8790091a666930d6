"""The runbooks in a real browser: JupyterLab in headless Chromium, on the demo stack.

Each runbook runs all its cells; every widget must render (no "Error displaying widget", no
missing widget model, no error in the browser's console), one primary action is clicked and
its result must show in the page. A screenshot of each runbook is saved (`make screenshots`
saves them into docs/images for docs/runbooks.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser import lab
from tests.browser.stack import DemoStack

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Runbook:
    notebook: str
    widgets: int  # widget outputs the run shows
    button: str  # the primary action clicked
    result: re.Pattern[str]  # what the page shows after it
    shot: str  # the picture's name in docs/images
    show: str  # the text the picture is scrolled to
    pick: tuple[str, str] | None = None  # (dropdown label, option) chosen before the click


RUNBOOKS = [
    Runbook(
        "00_start_here.ipynb", 2, "Run now", re.compile(r"started \w+ \(run \d+\)"),
        "00_start_here.png", "Operation runs",
    ),
    Runbook(
        "01_connect_store.ipynb", 3, "Connect", re.compile(r"already connected"),
        "01_connect_store.png", "Step 2 — your stores",
    ),
    Runbook(
        "02_catalog_mapping.ipynb", 4, "Load products", re.compile(r"catalog downloaded|listings:"),
        "02_catalog_mapping.png", "Step 2 — review the catalog",
    ),
    Runbook(
        "03_pending_orders.ipynb", 3, "Load orders", re.compile(r"captured,"),
        "03_pending_orders.png", "Step 1 — pick the store and load orders",
    ),
    Runbook(
        "04_logs_and_operations.ipynb", 4, "Mark all read", re.compile(r"marked read; 0 unread"),
        "04_logs_and_operations.png", "Step 3 — notifications",
    ),
    Runbook(
        "07_returns.ipynb", 4, "Refresh", re.compile(r"\d+ refunds \(\d+ need attention\)"),
        "07_returns.png", "Step 2 — returns, and why buyers return",
    ),
]  # fmt: skip


def failures(page, problems: lab.Problems) -> list[str]:  # type: ignore[no-untyped-def]
    """Everything that shows the runbook did not work in the browser."""
    return [
        *(f"cell did not run: {first_line}" for first_line in lab.unrun_cells(page)),
        *(f"cell error: {text}" for text in lab.cell_errors(page)),
        *(f"widget: {text}" for text in lab.broken_widgets(page)),
        *(f"console: {text}" for text in problems.console),
        *(f"page: {text}" for text in problems.page),
    ]


@pytest.mark.parametrize("runbook", RUNBOOKS, ids=[r.notebook[:2] for r in RUNBOOKS])
def test_runbook_runs_renders_its_widgets_and_answers_its_primary_action(
    runbook: Runbook, stack: DemoStack, browser, screenshots: Path
) -> None:
    """Runbooks 00-04 and 07 (ST-3, CA-1, OR-1, LG-1, BX-1 …) work for an analyst in JupyterLab."""
    page, problems = lab.open_notebook(browser, stack.notebook_url(runbook.notebook))
    try:
        # when all cells run
        lab.run_all_cells(page)
        # then every cell ran and every widget rendered
        assert failures(page, problems) == []
        assert lab.widget_count(page) == runbook.widgets
        # when the analyst presses the runbook's primary action, its result shows
        if runbook.pick:
            lab.pick(page, *runbook.pick)
        lab.click_and_wait(page, runbook.button)
        page.locator(".jp-OutputArea", has_text=runbook.result).first.wait_for()
        assert failures(page, problems) == []
        lab.screenshot(page, screenshots / runbook.shot, show=runbook.show)
    except BaseException:
        page.screenshot(path=str(screenshots / f"failed-{runbook.shot}"))
        raise
    finally:
        page.close()


def fill(page, label: str, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type `text` into the visible widget text box labelled `label`."""
    box = page.locator(".widget-text:visible", has=page.locator("label", has_text=label)).first
    box.locator("input").fill(text)
    box.locator("input").press("Enter")
    lab.wait_for_idle_kernel(page)


def test_back_office_runbook_adds_a_tax_rule_through_its_form(
    stack: DemoStack, browser, screenshots: Path
) -> None:
    """Runbook 00b (issue 18, IN-4): the checklist, the back office and the imports render; a
    tax rule typed into the form is added and shows in the grid."""
    page, problems = lab.open_notebook(browser, stack.notebook_url("00b_back_office.ipynb"))
    shot = "00b_back_office.png"
    try:
        lab.run_all_cells(page)
        assert failures(page, problems) == []
        assert lab.widget_count(page) == 3
        # when the analyst fills the tax rule form and presses Add
        fill(page, "Name", "Browser VAT 7%")
        fill(page, "Rate (%)", "7")
        lab.click_and_wait(page, "Add tax rule")
        # then the notice and the new row show
        page.locator(".jp-OutputArea", has_text="added tax rule Browser VAT 7%").first.wait_for()
        page.locator(".jp-OutputArea td", has_text="Browser VAT 7%").first.wait_for()
        assert failures(page, problems) == []
        lab.screenshot(page, screenshots / shot, show="Step 2 — the back office")
    except BaseException:
        page.screenshot(path=str(screenshots / f"failed-{shot}"))
        raise
    finally:
        page.close()


def test_a_widget_that_cannot_render_fails_the_check(stack: DemoStack, browser) -> None:
    """A runbook whose widgets cannot render is caught: the check is not blind to it.

    Its first widget's JavaScript is not installed, its second one's model is gone.
    """
    page, problems = lab.open_notebook(browser, stack.notebook_url("broken_widget.ipynb"))
    try:
        lab.run_all_cells(page)
        page.locator(".jp-OutputArea", has_text="model not found").first.wait_for()
        found = failures(page, problems)
        assert any("Click to show javascript error" in f for f in found), found
        assert any("Error displaying widget: model not found" in f for f in found), found
        assert any(f.startswith("console:") and "skuport-not-installed" in f for f in found), found
    finally:
        page.close()
