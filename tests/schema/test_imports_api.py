"""Issue 18: imports over GraphQL: files uploaded as multipart requests, or rows as input."""

from __future__ import annotations

import base64
import json

from tests.domain.inventory.imports_support import csv_file, xlsx_file, xlsx_rows
from tests.schema.inventory_products_support import row_counts

RESULT = """
  __typename
  ... on ImportChecked { applied rowsRead created updated adjusted unchanged message }
  ... on ImportRefused { message problems { row column message } }
"""

IMPORT_PRODUCTS = f"""
mutation($file: Upload, $rows: [ProductImportRow!], $dryRun: Boolean!) {{
  importProducts(file: $file, rows: $rows, dryRun: $dryRun) {{ {RESULT} }}
}}
"""

IMPORT_STOCK_TAKE = f"""
mutation($file: Upload, $rows: [StockTakeRow!], $dryRun: Boolean!) {{
  importStockTake(file: $file, rows: $rows, dryRun: $dryRun) {{ {RESULT} }}
}}
"""

TEMPLATE = """
query($kind: ImportKind!, $format: ImportFormat!) {
  importTemplate(kind: $kind, format: $format) { fileName contentType contentBase64 }
}
"""

STOCK = "query($id: ID!) { stock(productId: $id) { totals { onHand } } }"


async def upload(http, tokens, query, name, content, *, role="operations", dry_run=False):  # type: ignore[no-untyped-def]
    """Send `content` as the `file` variable: a GraphQL multipart request."""
    operations = {"query": query, "variables": {"file": None, "dryRun": dry_run}}
    response = await http.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
        files={"0": (name, content, "application/octet-stream")},
        headers={"Authorization": f"Bearer {tokens[role]}"},
    )
    return response.json()


async def test_products_are_imported_from_an_uploaded_excel_file(http, tokens, gql, office):
    content = xlsx_file(
        [
            ["SKU", "Name", "Tax rule", "Price Amazon US", "Category"],
            ["TEA-1", "Teapot", "VAT 20", 25, "Kitchen"],
            ["TEA-2", "Tea cosy", "Sales tax", 8.5, "Kitchen"],
        ]
    )
    checked = await upload(http, tokens, IMPORT_PRODUCTS, "tea.xlsx", content, dry_run=True)
    assert checked["data"]["importProducts"]["applied"] is False
    done = await upload(http, tokens, IMPORT_PRODUCTS, "tea.xlsx", content)

    assert done["data"]["importProducts"] == {
        "__typename": "ImportChecked",
        "applied": True,
        "rowsRead": 2,
        "created": 2,
        "updated": 0,
        "adjusted": 0,
        "unchanged": 0,
        "message": "Imported 2 products from tea.xlsx.",
    }
    found = await gql('{ products(search: "TEA") { nodes { sku category prices { price } } } }')
    assert sorted(found["data"]["products"]["nodes"], key=lambda p: p["sku"]) == [
        {"sku": "TEA-1", "category": "Kitchen", "prices": [{"price": "25.00"}]},
        {"sku": "TEA-2", "category": "Kitchen", "prices": [{"price": "8.50"}]},
    ]


async def test_a_refused_upload_lists_every_problem_and_writes_nothing(
    http, tokens, sessions, office
):
    before = await row_counts(sessions)
    content = csv_file(
        [["sku", "name", "tax rule"], ["MUG", "Another mug", ""], ["NEW", "New", "VAT 5"]]
    )
    refused = await upload(http, tokens, IMPORT_PRODUCTS, "p.csv", content)

    assert refused["data"]["importProducts"] == {
        "__typename": "ImportRefused",
        "message": "Nothing was imported: 2 problems to fix in the file.",
        "problems": [
            {"row": 2, "column": "sku", "message": "a product with SKU 'MUG' already exists"},
            {
                "row": 3,
                "column": "tax rule",
                "message": "no tax rule is called 'VAT 5' (tax rules: Sales tax, Tax free, VAT 20)",
            },
        ],
    }
    assert await row_counts(sessions) == before


async def test_a_stock_take_is_imported_from_rows_or_a_file(http, tokens, gql, office):
    rows = [{"sku": "MUG", "location": "Main warehouse", "counted": "8"}]
    by_rows = await gql(IMPORT_STOCK_TAKE, role="operations", rows=rows, dryRun=False)
    assert by_rows["data"]["importStockTake"]["adjusted"] == 1
    content = csv_file([["sku", "location", "counted quantity"], ["CAP", "Main warehouse", "9"]])
    by_file = await upload(http, tokens, IMPORT_STOCK_TAKE, "count.csv", content)

    assert by_file["data"]["importStockTake"]["message"] == (
        "Stock take count.csv applied: 1 adjustment, 0 unchanged."
    )
    mug = await gql(STOCK, id=office.mug)
    cap = await gql(STOCK, id=office.cap)
    assert mug["data"]["stock"]["totals"] == [{"onHand": "8"}]
    assert cap["data"]["stock"]["totals"] == [{"onHand": "9"}]


async def test_an_import_needs_a_file_or_rows_and_an_operator(http, tokens, gql, office):
    neither = await gql(IMPORT_PRODUCTS, role="operations", dryRun=False)
    assert neither["data"]["importProducts"] == {
        "__typename": "ImportRefused",
        "message": "Send either a file or rows to import (one of the two).",
        "problems": [],
    }
    content = csv_file([["sku", "name"], ["X-1", "X"]])
    denied = await upload(http, tokens, IMPORT_PRODUCTS, "p.csv", content, role="readonly")
    assert denied["data"] is None and denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_the_template_downloads_with_a_price_column_per_tier(gql, office):
    made = await gql(TEMPLATE, role="readonly", kind="PRODUCTS", format="XLSX")
    template = made["data"]["importTemplate"]
    assert template["fileName"] == "products-template.xlsx"
    assert template["contentType"].startswith("application/vnd.openxmlformats")
    header, _example = xlsx_rows(base64.b64decode(template["contentBase64"]))
    assert header == [
        "sku", "name", "barcode", "category", "brand", "tax rule", "weight kg", "type",
        "price Amazon US",
    ]  # fmt: skip
