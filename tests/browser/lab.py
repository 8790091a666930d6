"""Driving JupyterLab in headless Chromium: open a notebook, run all cells, check its widgets."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright

CHROMIUM = Path("/usr/bin/chromium")
VIEWPORT = {"width": 1280, "height": 800}
TIMEOUT_MS = int(
    __import__("os").environ.get("LAB_TIMEOUT_MS", "120000")
)  # one runbook's cells, loads included
KERNEL_IDLE = re.compile(r"\(ipykernel\) \| Idle$")
WIDGET_FAILURES = (
    "Error displaying widget",
    "model not found",
    "Click to show javascript error",
)


@dataclass
class Problems:
    """What went wrong in the page: console errors, uncaught exceptions, broken widgets."""

    console: list[str] = field(default_factory=list)
    page: list[str] = field(default_factory=list)

    def listen(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.page.append(str(error)))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console.append(f"{message.text} ({message.location.get('url', '')})")


def launch(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless; Playwright never downloads a browser here."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)


def open_notebook(browser: Browser, url: str) -> tuple[Page, Problems]:
    """A fresh page on the notebook, its kernel started and idle."""
    page = browser.new_page(viewport=VIEWPORT)
    page.set_default_timeout(TIMEOUT_MS)
    problems = Problems()
    problems.listen(page)
    page.goto(url)
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell")
    wait_for_idle_kernel(page)
    return page, problems


def wait_for_idle_kernel(page: Page) -> None:
    """The status bar says the notebook's kernel is connected and idle."""
    page.locator(".jp-StatusBar-TextItem", has_text=KERNEL_IDLE).wait_for()


def run_all_cells(page: Page) -> None:
    """Run → Run All Cells, then wait until the run ends and the kernel is idle.

    The run ends when no cell is queued or running ([*]); a cell that fails clears the queue, so
    the cells after it keep an empty prompt (see `unrun_cells`).
    """
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll(
                '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt')];
            return prompts.length > 0 && /\\[\\d+\\]/.test(prompts[0].textContent)
                && !prompts.some(p => p.textContent.includes('*'));
        }"""
    )
    wait_for_idle_kernel(page)


def unrun_cells(page: Page) -> list[str]:
    """The code cells that did not run, by their first line."""
    cells = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell")
    unrun = []
    for index in range(cells.count()):
        cell = cells.nth(index)
        if not re.search(r"\[\d+\]", cell.locator(".jp-InputArea-prompt").inner_text()):
            unrun.append(
                (cell.locator(".jp-InputArea-editor").inner_text().splitlines() or [""])[0]
            )
    return unrun


def widget_count(page: Page) -> int:
    """How many widget outputs the cells show."""
    return page.locator(".jp-OutputArea-output > .jupyter-widgets").count()


def broken_widgets(page: Page) -> list[str]:
    """The failures shown where a widget should be."""
    text = page.locator(".jp-Notebook").inner_text()
    return [line for line in text.splitlines() if any(f in line for f in WIDGET_FAILURES)]


def cell_errors(page: Page) -> list[str]:
    """Tracebacks shown by cells."""
    return page.locator(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
    ).all_inner_texts()


def screenshot(page: Page, target: Path, *, show: str | None = None) -> Path:
    """A viewport picture, scrolled to the text `show` when given."""
    if page.locator("#jp-left-stack:not(.lm-mod-hidden)").count():
        page.keyboard.press("Control+b")  # the file browser closed: the runbook gets the width
        page.locator("#jp-left-stack.lm-mod-hidden").wait_for(state="attached")
    if show:
        heading = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownOutput h2")
        heading.filter(has_text=show).first.evaluate("node => node.scrollIntoView()")
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target))
    return target


def click_and_wait(page: Page, button: str) -> None:
    """Click the widget button labelled `button` and wait until its handler has run.

    The handler runs in the kernel; its first change to an output shows it started (the kernel's
    busy status arrives before it), and the idle status bar that it ended.
    """
    page.evaluate(
        """() => {
            window.__outputsChanged = false;
            const observer = new MutationObserver(() => { window.__outputsChanged = true; });
            for (const area of document.querySelectorAll('.jp-OutputArea')) {
                observer.observe(area, {childList: true, characterData: true, subtree: true});
            }
            // A handler that changes nothing still turns the kernel busy.
            for (const node of document.querySelectorAll('.jp-Notebook-ExecutionIndicator')) {
                observer.observe(node, {attributes: true, attributeFilter: ['data-status']});
            }
        }"""
    )
    page.locator(
        ".jupyter-widgets button", has_text=re.compile(f"^\\s*{re.escape(button)}\\s*$")
    ).first.click()
    page.wait_for_function("() => window.__outputsChanged")
    wait_for_idle_kernel(page)


def pick(page: Page, label: str, option: str) -> None:
    """Choose `option` in the widget dropdown labelled `label`."""
    dropdown = page.locator(".widget-dropdown", has=page.locator("label", has_text=label)).first
    dropdown.locator("select").select_option(label=option)
    wait_for_idle_kernel(page)
