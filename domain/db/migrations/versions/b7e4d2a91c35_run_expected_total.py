"""runs know how many items they expect to go through, when that is known

Revision ID: b7e4d2a91c35
Revises: 10db965fed6e
Create Date: 2026-12-01 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b7e4d2a91c35"
down_revision: str | None = "10db965fed6e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("operation_logs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expected", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("operation_logs", schema=None) as batch_op:
        batch_op.drop_column("expected")
