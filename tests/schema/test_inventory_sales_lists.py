"""Lists of sales over GraphQL: paged newest first, filtered, in batched queries."""

from __future__ import annotations

from sqlalchemy import event

from tests.schema.inventory_sales_support import INVOICE, SALE_FIELDS, create, product_line

SALES_PAGE = f"""
query Page($first: Int, $after: String) {{
  sales(first: $first, after: $after) {{
    totalCount pageInfo {{ hasNextPage endCursor }} nodes {{ {SALE_FIELDS} }}
  }}
}}
"""


async def test_sales_are_paged_newest_first_and_filtered(gql, office):
    ids = []
    for i in range(5):
        sale = (await create(gql, office, product_line(office.mug, "1"), reference=f"A-{i}"))[
            "sale"
        ]
        ids.append(sale["id"])
    first = (await gql(SALES_PAGE, role="readonly", first=2))["data"]["sales"]
    assert [n["id"] for n in first["nodes"]] == ids[::-1][:2]
    assert first["totalCount"] == 5 and first["pageInfo"]["hasNextPage"] is True
    rest = await gql(SALES_PAGE, role="readonly", first=10, after=first["pageInfo"]["endCursor"])
    assert [n["id"] for n in rest["data"]["sales"]["nodes"]] == ids[::-1][2:]
    found = await gql('query { sales(reference: "A-3") { nodes { id } } }', role="readonly")
    assert found["data"]["sales"]["nodes"] == [{"id": ids[3]}]


async def test_a_page_of_sales_costs_the_same_queries_for_2_or_12_sales(gql, office, app):
    """DataLoader proof: lines, invoices, drop-ship orders and customers come in batches."""
    engine = app.state.services.engine
    statements = 0

    def count(_conn, _cursor, statement, *_args: object) -> None:  # type: ignore[no-untyped-def]
        nonlocal statements
        # Only the back office's queries: the token check and background jobs are not the page.
        statements += "inv_" in statement

    async def cost_of_a_page() -> int:
        nonlocal statements
        statements = 0
        event.listen(engine.sync_engine, "before_cursor_execute", count)
        try:
            result = await gql(SALES_PAGE, role="readonly", first=50)
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", count)
        assert "errors" not in result
        return statements

    async def add_sales(n: int) -> None:
        for _ in range(n):
            sale = await create(
                gql, office, product_line(office.mug, "1"), product_line(office.dropship, "1")
            )
            await gql(INVOICE, role="operations", id=sale["sale"]["id"], status="AUTHORISED")

    await add_sales(2)
    small = await cost_of_a_page()
    await add_sales(10)
    large = await cost_of_a_page()
    assert large == small
    assert small <= 10  # count, page, then one query per kind of related row
