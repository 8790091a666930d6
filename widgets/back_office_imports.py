"""Imports from the analyst's spreadsheet: products, and a stock take, from CSV or Excel.

Each import is checked first ("Check": a dry run) with every problem listed by row and column;
"Import" is offered only once the same file checked clean, and then applies it whole or not at
all. A template of each (CSV or Excel) is offered as a download.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import ipywidgets as w
import pandas as pd
import traitlets

from skuport.widgets.back_office_forms import error_html, notice_html
from skuport.widgets.client import SkuportClient, SkuportError
from skuport.widgets.grids import Grid

RESULT = """
  __typename
  ... on ImportChecked { applied rowsRead created updated adjusted unchanged message }
  ... on ImportRefused { message problems { row column message } }
"""
TEMPLATE = """
query ImportTemplate($kind: ImportKind!, $format: ImportFormat!) {
  importTemplate(kind: $kind, format: $format) { fileName contentType contentBase64 }
}
"""


@dataclass(frozen=True)
class ImportKind:
    """One kind of import: its mutation, and what it is called."""

    kind: str  # the ImportKind value
    title: str
    mutation: str
    what: str  # the file's content in words

    @property
    def document(self) -> str:
        return (
            f"mutation Import{self.kind.title().replace('_', '')}($file: Upload, "
            f"$dryRun: Boolean!) {{ result: {self.mutation}(file: $file, dryRun: $dryRun) "
            f"{{ {RESULT} }} }}"
        )


IMPORTS = (
    ImportKind("PRODUCTS", "Products", "importProducts",
               "products: SKU, name, barcode, category, brand, tax rule, weight, a price per "
               "price tier"),
    ImportKind("STOCK_TAKE", "Stock take", "importStockTake",
               "counted quantities: SKU, location, counted; differences become adjustments and "
               "the new quantities are sent to Amazon"),
)  # fmt: skip
PROBLEM_COLUMNS = ["Row", "Column", "Problem"]


def problems_frame(problems: list[dict[str, Any]]) -> pd.DataFrame:
    """Every problem of a refused file, one a row: the spreadsheet's row and column."""
    rows = [
        {"Row": p["row"] or "file", "Column": p["column"] or "", "Problem": p["message"]}
        for p in problems
    ]
    return pd.DataFrame(rows, columns=PROBLEM_COLUMNS)


def download_html(file: dict[str, str], label: str) -> str:
    """A link that saves the file (a data: address, so it works without the server)."""
    kind = file["contentType"].split(";")[0].strip()
    href = f"data:{kind};base64,{file['contentBase64']}"
    name = html.escape(file["fileName"], quote=True)
    return f"<a download='{name}' href='{href}' target='_blank'>⬇ {html.escape(label)}</a>"


def uploaded(upload: w.FileUpload) -> tuple[str, bytes] | None:
    """The picked file's name and content, None when no file is picked."""
    files = upload.value
    if not files:
        return None
    first = files[0]
    return first["name"], bytes(first["content"])


class ImportPanel(w.VBox):
    """One import: template links, the file, Check, the problems, and Import once clean."""

    problems = traitlets.List(help="the problems of the last check, by row and column")
    checked = traitlets.Dict(help="the last check's or import's counts")
    error = traitlets.Unicode("")
    notice = traitlets.Unicode("")

    def __init__(self, client: SkuportClient, spec: ImportKind) -> None:
        self.client, self.spec = client, spec
        self.templates = w.HTML()
        self.upload = w.FileUpload(accept=".csv,.xlsx", multiple=False,
                                   description="Choose file")  # fmt: skip
        self.check_button = w.Button(description="Check", icon="check", button_style="info")
        self.import_button = w.Button(description="Import", icon="upload",
                                      button_style="primary", disabled=True)  # fmt: skip
        self.status = w.HTML()
        self.table = Grid(caption="Problems")
        self.table.layout.display = "none"
        self._clean: tuple[str, bytes] | None = None  # the file whose check found no problem
        self.upload.observe(lambda _change: self._file_changed(), names="value")
        self.check_button.on_click(lambda _button: self.check())
        self.import_button.on_click(lambda _button: self.apply())
        super().__init__(
            [
                w.HTML(f"<i>A CSV or Excel file of {html.escape(spec.what)}.</i>"),
                self.templates,
                w.HBox([self.upload, self.check_button, self.import_button]),
                self.status,
                self.table,
            ]
        )
        self.load_templates()

    def load_templates(self) -> None:
        """Offer the CSV and Excel templates as downloads."""
        links = []
        for fmt, label in (("CSV", "template (CSV)"), ("XLSX", "template (Excel)")):
            try:
                file = self.client.execute(TEMPLATE, kind=self.spec.kind, format=fmt)
            except SkuportError as exc:
                self._fail(str(exc))
                return
            links.append(download_html(file["importTemplate"], f"{self.spec.title} {label}"))
        self.templates.value = " &nbsp; ".join(links)

    def _file_changed(self) -> None:
        self._clean = None
        self.import_button.disabled = True
        self.problems, self.checked, self.error, self.notice = [], {}, "", ""
        self.table.layout.display = "none"
        picked = uploaded(self.upload)
        self.status.value = f"{html.escape(picked[0])}: press <b>Check</b> first" if picked else ""

    def check(self) -> bool:
        """Check the file without importing it; True when it has no problem."""
        file = self._start()
        if file is None:
            return False
        result = self._send(file, dry_run=True)
        if result is None:
            return False
        self._clean = file
        self.import_button.disabled = False
        self.notice = f"{result['message']} Nothing imported yet: press Import."
        self.status.value = notice_html(self.notice)
        return True

    def apply(self) -> bool:
        """Import the file that checked clean, in one go."""
        file = self._start()
        if file is None:
            return False
        if file != self._clean:
            return self._fail("check this file first: Import follows a clean check")
        result = self._send(file, dry_run=False)
        self.import_button.disabled = True
        self._clean = None
        if result is None:
            return False
        self.notice = result["message"]
        self.status.value = notice_html(self.notice)
        return True

    def _start(self) -> tuple[str, bytes] | None:
        self.error, self.notice, self.problems = "", "", []
        self.table.layout.display = "none"
        file = uploaded(self.upload)
        if file is None:
            self._fail("choose a CSV or Excel file first")
        return file

    def _send(self, file: tuple[str, bytes], *, dry_run: bool) -> dict[str, Any] | None:
        name, content = file
        try:
            data = self.client.execute_with_file(
                self.spec.document, {"dryRun": dry_run}, "file", name, content
            )
        except SkuportError as exc:
            self._fail(str(exc))
            return None
        result = data["result"]
        if result["__typename"] == "ImportRefused":
            self.problems = result["problems"]
            self.import_button.disabled = True
            self.table.update(problems_frame(self.problems), caption="Problems")
            self.table.layout.display = None
            count = len(self.problems)
            self._fail(f"{result['message']} ({count} problem{'s' * (count != 1)} listed below)")
            return None
        self.checked = result
        return result

    def _fail(self, message: str) -> bool:
        self.error = message
        self.status.value = error_html(message)
        return False


class ImportsWidget(w.VBox):
    """Products and stock takes from a spreadsheet, one tab each."""

    def __init__(self, client: SkuportClient) -> None:
        self.client = client
        self.panels = {spec.kind: ImportPanel(client, spec) for spec in IMPORTS}
        self.tab = w.Tab(children=list(self.panels.values()))
        self.tab.titles = tuple(spec.title for spec in IMPORTS)
        super().__init__([self.tab])

    @property
    def products(self) -> ImportPanel:
        return self.panels["PRODUCTS"]

    @property
    def stock_take(self) -> ImportPanel:
        return self.panels["STOCK_TAKE"]
