"""reference records can be archived: tax rules, accounts, price tiers, customers, suppliers,
categories, brands, locations and products

Revision ID: 664308770d6d
Revises: b7e4d2a91c35
Create Date: 2026-12-01 23:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from skuport.domain.db.types import UTCDateTime

revision: str = "664308770d6d"
down_revision: str | None = "b7e4d2a91c35"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    "inv_tax_rules",
    "inv_accounts",
    "inv_price_tiers",
    "inv_customers",
    "inv_suppliers",
    "inv_categories",
    "inv_brands",
    "inv_locations",
    "inv_products",
)


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("archived_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("archived_at")
