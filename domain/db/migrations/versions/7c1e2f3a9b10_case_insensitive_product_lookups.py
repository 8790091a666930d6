"""case-insensitive indexes for product and family look-ups

Revision ID: 7c1e2f3a9b10
Revises: 5d86679b2953
Create Date: 2026-11-27 04:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7c1e2f3a9b10"
down_revision: str | None = "5d86679b2953"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Written by hand: autogenerate does not compare expression indexes.
    op.create_index("ix_inv_products_lower_sku", "inv_products", [sa.text("lower(sku)")])
    op.create_index("ix_inv_products_lower_name", "inv_products", [sa.text("lower(name)")])
    op.create_index(
        "ix_inv_product_families_lower_name", "inv_product_families", [sa.text("lower(name)")]
    )


def downgrade() -> None:
    op.drop_index("ix_inv_product_families_lower_name", table_name="inv_product_families")
    op.drop_index("ix_inv_products_lower_name", table_name="inv_products")
    op.drop_index("ix_inv_products_lower_sku", table_name="inv_products")
