"""remembered orders across a disconnect; store ids never reused

Revision ID: 10db965fed6e
Revises: 2f89b0635af5
Create Date: 2026-11-28 09:00:00.000000

`remembered_orders` keeps, per seller account and marketplace, the log entries of orders a
disconnected store had captured, so reconnecting the account never captures them again.
On SQLite the `stores` table is rebuilt with AUTOINCREMENT so that a deleted store's id is
never given to the next one (PostgreSQL's sequences never reuse a value).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import skuport.domain.db.types

revision: str = "10db965fed6e"
down_revision: str | None = "2f89b0635af5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=30)


def upgrade() -> None:
    op.create_table(
        "remembered_orders",
        sa.Column("marketplace_id", sa.String(length=20), nullable=False),
        sa.Column("amazon_order_id", sa.String(length=40), nullable=False),
        sa.Column("amazon_status", sa.String(length=40), nullable=False),
        sa.Column("fulfilment", _enum("orderfulfilment", "fbm", "fba"), nullable=False),
        sa.Column(
            "purchased_at", skuport.domain.db.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "amazon_updated_at", skuport.domain.db.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "captured_at", skuport.domain.db.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "state",
            _enum("logstate", "pending", "processed", "cancelled", "voided"),
            nullable=False,
        ),
        sa.Column("sale_id", sa.Integer(), nullable=True),
        sa.Column("payment_applied", sa.Boolean(), nullable=False),
        sa.Column("auto_shipped", sa.Boolean(), nullable=False),
        sa.Column(
            "shipment_confirmation",
            _enum("shipmentconfirmation", "not_needed", "waiting", "confirmed", "failed"),
            nullable=False,
        ),
        sa.Column("shipment_attempts", sa.Integer(), nullable=False),
        sa.Column("shipment_error", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("selling_partner_id", sa.String(length=50), nullable=False),
        sa.Column(
            "disconnected_at", skuport.domain.db.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["sale_id"],
            ["inv_sales.id"],
            name=op.f("fk_remembered_orders_sale_id_inv_sales"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remembered_orders")),
        sa.UniqueConstraint(
            "selling_partner_id",
            "marketplace_id",
            "amazon_order_id",
            name="uq_remembered_orders",
        ),
    )
    _rebuild_stores(autoincrement=True)


def downgrade() -> None:
    _rebuild_stores(autoincrement=False)
    op.drop_table("remembered_orders")


def _rebuild_stores(*, autoincrement: bool) -> None:
    """SQLite only: make `stores` AUTOINCREMENT (or not) by rebuilding it.

    Dropping the old table while foreign keys are enforced would delete every row that
    cascades from a store, and the enforcement can only be switched off outside a
    transaction: the rebuild runs between two commits, with the keys checked afterwards.
    """
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    bind.exec_driver_sql("COMMIT")
    bind.exec_driver_sql("PRAGMA foreign_keys=OFF")
    bind.exec_driver_sql("BEGIN IMMEDIATE")
    with op.batch_alter_table(
        "stores", recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
    ):
        pass
    broken = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"rebuilding the stores table broke foreign keys: {broken[:5]}")
    bind.exec_driver_sql("COMMIT")
    bind.exec_driver_sql("PRAGMA foreign_keys=ON")
    bind.exec_driver_sql("BEGIN IMMEDIATE")
