"""Spreadsheet imports of products and stock takes (issue 18).

`sheets` reads a CSV or Excel file into rows, `products` and `stock_take` check every row
and then apply them all in one transaction (nothing half-imported), `templates` writes the
files to fill in. A refused import raises `ImportProblems` with every problem by row and column.
"""

from skuport.domain.inventory.imports.cells import ImportReport
from skuport.domain.inventory.imports.products import import_products
from skuport.domain.inventory.imports.sheets import (
    MAX_BYTES,
    MAX_ROWS,
    ImportProblems,
    Problem,
    Sheet,
    read_sheet,
    sheet_of_rows,
)
from skuport.domain.inventory.imports.stock_take import import_stock_take
from skuport.domain.inventory.imports.templates import (
    ImportFormat,
    ImportKind,
    TemplateFile,
    import_template,
)

__all__ = [
    "MAX_BYTES",
    "MAX_ROWS",
    "ImportFormat",
    "ImportKind",
    "ImportProblems",
    "ImportReport",
    "Problem",
    "Sheet",
    "TemplateFile",
    "import_products",
    "import_stock_take",
    "import_template",
    "read_sheet",
    "sheet_of_rows",
]
