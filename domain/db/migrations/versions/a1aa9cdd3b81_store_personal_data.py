"""stores remember whether Amazon sends their orders with personal data

Revision ID: a1aa9cdd3b81
Revises: b7e4d2a91c35
Create Date: 2026-12-02 00:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a1aa9cdd3b81"
down_revision: str | None = "b7e4d2a91c35"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("stores", schema=None) as batch_op:
        batch_op.add_column(sa.Column("personal_data", sa.String(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("stores", schema=None) as batch_op:
        batch_op.drop_column("personal_data")
