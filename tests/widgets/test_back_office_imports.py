"""The Imports panels of runbook 00b (issue 18; IN-1, IN-3): check, problems, import, templates.

Files are handed to the FileUpload widget as the browser would; the server checks them (a dry
run) and lists every problem by the spreadsheet's row and column, and Import is offered only
after a clean check.
"""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime
from decimal import Decimal

import ipywidgets as w

from skuport.widgets import SkuportClient
from skuport.widgets.back_office import BackOfficeWidget
from skuport.widgets.back_office_imports import ImportPanel, ImportsWidget
from tests.domain.inventory.imports_support import csv_file, xlsx_file

TAX_RULE = 'mutation { createTaxRule(name: "VAT 20", rate: "20") { __typename } }'
STOCK = "query($id: ID!) { stock(productId: $id) { totals { onHand } } }"


def pick_file(panel: ImportPanel, name: str, content: bytes) -> None:
    """What the browser sends when the analyst chooses a file."""
    panel.upload.value = (
        {"name": name, "type": "", "size": len(content), "content": memoryview(content),
         "last_modified": datetime.now(UTC)},
    )  # fmt: skip


def test_in1_templates_of_both_imports_are_offered_as_csv_and_excel_downloads(admin):
    widget = ImportsWidget(admin)
    for panel in (widget.products, widget.stock_take):
        assert panel.error == ""
        links = re.findall(r"download='([^']+)' href='data:[^;]+;base64,([^']+)'",
                           panel.templates.value)  # fmt: skip
        names = [name for name, _ in links]
        assert [n.rsplit(".", 1)[1] for n in names] == ["csv", "xlsx"]
        header = base64.b64decode(links[0][1]).decode("utf-8-sig").splitlines()[0]
        assert header.startswith("sku,")
    assert widget.tab.titles == ("Products", "Stock take")


def test_in1_a_file_with_problems_lists_each_by_row_and_column_and_cannot_be_imported(admin):
    # given
    admin.execute(TAX_RULE)
    panel = ImportsWidget(admin).products
    content = csv_file([
        ["SKU", "Name", "Tax rule"],
        ["MUG-1", "Blue mug", "VAT 20"],
        ["MUG-1", "Red mug", "VAT 20"],
        ["MUG-3", "Green mug", "VAT 99"],
    ])  # fmt: skip
    # when
    pick_file(panel, "mugs.csv", content)
    assert panel.import_button.disabled
    panel.check_button.click()
    # then
    found = {(p["row"], p["column"]) for p in panel.problems}
    assert (3, "SKU") in found and (4, "Tax rule") in found
    assert list(panel.table.df.columns) == ["Row", "Column", "Problem"]
    assert 3 in list(panel.table.df["Row"])
    assert panel.table.layout.display is None
    assert "⚠" in panel.status.value and "problems listed below" in panel.error
    assert panel.import_button.disabled
    assert panel.apply() is False and "check this file first" in panel.error
    assert BackOfficeWidget(admin).tabs["products"].records == []


def test_in1_a_clean_check_enables_import_which_creates_the_products(admin):
    # given
    admin.execute(TAX_RULE)
    panel = ImportsWidget(admin).products
    content = csv_file([
        ["SKU", "Name", "Tax rule", "Weight kg"],
        ["MUG-1", "Blue mug", "VAT 20", "0.35"],
        ["MUG-2", "Red mug", "VAT 20", "0.4"],
    ])  # fmt: skip
    pick_file(panel, "mugs.csv", content)
    # when
    panel.check_button.click()
    # then: nothing imported yet
    assert panel.error == "", panel.problems
    assert panel.checked["applied"] is False and panel.checked["rowsRead"] == 2
    assert "press Import" in panel.notice
    assert not panel.import_button.disabled
    assert BackOfficeWidget(admin).tabs["products"].records == []
    # when
    panel.import_button.click()
    # then
    assert panel.checked["applied"] is True and panel.checked["created"] == 2
    assert panel.notice == "Imported 2 products from mugs.csv."
    assert panel.import_button.disabled  # once
    skus = [r["sku"] for r in BackOfficeWidget(admin).tabs["products"].records]
    assert sorted(skus) == ["MUG-1", "MUG-2"]


def test_in1_choosing_another_file_after_a_clean_check_asks_for_a_new_check(admin):
    panel = ImportsWidget(admin).products
    pick_file(panel, "a.csv", csv_file([["SKU", "Name"], ["A-1", "A"]]))
    panel.check_button.click()
    assert not panel.import_button.disabled
    pick_file(panel, "b.csv", csv_file([["SKU", "Name"], ["B-1", "B"]]))
    assert panel.import_button.disabled
    assert "press <b>Check</b> first" in panel.status.value


def test_in1_a_non_utf8_csv_and_an_excel_formula_are_refused_in_words(admin):
    panel = ImportsWidget(admin).products
    pick_file(panel, "latin.csv", csv_file([["SKU", "Name"], ["C-1", "Crème"]], encoding="latin-1"))
    panel.check_button.click()
    assert panel.problems and "UTF-8" in " ".join(p["message"] for p in panel.problems)
    assert "file" in list(panel.table.df["Row"]) or panel.problems[0]["row"] > 0
    pick_file(panel, "f.xlsx", xlsx_file([["SKU", "Name"], ["F-1", '=A1&"x"']]))
    panel.check_button.click()
    assert any(p["column"] == "Name" for p in panel.problems), panel.problems


def test_in3_a_stock_take_records_the_differences_as_adjustments(admin):
    # given: a product with none on hand at the shop
    office = BackOfficeWidget(admin)
    locations, products = office.tabs["locations"], office.tabs["products"]
    locations.form.inputs["name"].value = "Shop"
    assert locations.add()
    products.form.inputs["sku"].value = "MUG-1"
    products.form.inputs["name"].value = "Blue mug"
    assert products.add()
    mug = products.selected["id"]
    panel = ImportsWidget(admin).stock_take
    # when: the count says 3
    pick_file(
        panel,
        "count.csv",
        csv_file([["SKU", "Location", "Counted quantity"], ["MUG-1", "Shop", "3"]]),
    )
    panel.check_button.click()
    assert panel.error == "", panel.problems
    panel.import_button.click()
    # then
    assert panel.checked["applied"] and panel.checked["adjusted"] == 1
    assert panel.error == ""
    totals = admin.execute(STOCK, id=mug)["stock"]["totals"]
    assert [Decimal(t["onHand"]) for t in totals] == [Decimal(3)]


def test_a_readonly_user_sees_why_nothing_is_imported(live_server, tokens):
    readonly = SkuportClient(live_server.graphql_url, tokens["readonly"])
    panel = ImportsWidget(readonly).products
    pick_file(panel, "a.csv", csv_file([["SKU", "Name"], ["A-1", "A"]]))
    panel.check_button.click()
    assert "readonly token may not" in panel.error
    assert isinstance(panel.upload, w.FileUpload)
