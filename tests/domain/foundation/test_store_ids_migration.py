"""ST-4: the migration that stops SQLite from reusing a disconnected store's id.

SQLite gives a new row the highest id plus one, so deleting the newest store handed its id to
the next one connected (and with it whatever still named that id). The migration rebuilds the
`stores` table as AUTOINCREMENT; rebuilding must not take a store's marketplaces, settings or
log with it. PostgreSQL's sequences never reuse an id; the end-to-end tests run on both.
"""

from __future__ import annotations

from sqlalchemy import text

from skuport.domain.db import create_engine
from skuport.domain.db.migrate import upgrade

BEFORE = "2f89b0635af5"
STORE = """
INSERT INTO stores (id, name, shop_representative_name, region, selling_partner_id,
  lwa_client_id, lwa_client_secret_encrypted, refresh_token_encrypted, api_endpoint, token_url,
  status, connected_at, created_at)
VALUES (:id, :name, 'Shop', 'na', 'A1SELLER', 'client', 'x', 'y', 'http://a', 'http://b',
  'connected', 0, 0)
"""


async def _count(connection, table: str) -> int:  # type: ignore[no-untyped-def]
    return (await connection.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one()


async def test_st4_the_rebuilt_stores_table_keeps_its_rows_and_never_reuses_an_id(tmp_path):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/old.db")
    try:
        await upgrade(engine, BEFORE)
        async with engine.begin() as connection:
            await connection.execute(text(STORE), {"id": 1, "name": "Kept"})
            await connection.execute(text(STORE), {"id": 2, "name": "Newest"})
            await connection.execute(
                text("INSERT INTO store_marketplaces (store_id, marketplace_id, enabled) "
                     "VALUES (1, 'ATVPDKIKX0DER', 1), (2, 'ATVPDKIKX0DER', 1)")
            )  # fmt: skip

        await upgrade(engine)

        async with engine.begin() as connection:
            assert await _count(connection, "stores") == 2
            assert await _count(connection, "store_marketplaces") == 2
            await connection.execute(text("DELETE FROM stores WHERE id = 2"))
            assert await _count(connection, "store_marketplaces") == 1  # cascades still work
            await connection.execute(text(STORE.replace(":id", "NULL")), {"name": "Next"})
            new_id = (
                await connection.execute(text("SELECT id FROM stores WHERE name = 'Next'"))
            ).scalar_one()
            assert (await connection.execute(text("PRAGMA foreign_keys"))).scalar() == 1
        assert new_id == 3
    finally:
        await engine.dispose()
