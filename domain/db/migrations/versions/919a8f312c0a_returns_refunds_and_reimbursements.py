"""refunds, returns and reimbursements seen at Amazon (BX-1), and the store's returns settings

Revision ID: 919a8f312c0a
Revises: 664308770d6d
Create Date: 2026-12-02 00:47:47.783026
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import skuport.domain.db.types

revision: str = "919a8f312c0a"
down_revision: str | None = "664308770d6d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ret_reimbursements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("reimbursement_key", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("amazon_order_id", sa.String(length=40), nullable=True),
        sa.Column("sku", sa.String(length=200), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("amount", skuport.domain.db.types.Money(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("posted_at", skuport.domain.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.Column(
            "first_seen_at", skuport.domain.db.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["store_id"],
            ["stores.id"],
            name=op.f("fk_ret_reimbursements_store_id_stores"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ret_reimbursements")),
        sa.UniqueConstraint(
            "store_id",
            "reimbursement_key",
            name=op.f("uq_ret_reimbursements_store_id_reimbursement_key"),
        ),
    )
    with op.batch_alter_table("ret_reimbursements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ret_reimbursements_amazon_order_id"), ["amazon_order_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_ret_reimbursements_store_id"), ["store_id"], unique=False
        )

    op.create_table(
        "ret_returns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("return_key", sa.String(length=200), nullable=False),
        sa.Column(
            "channel",
            sa.Enum("fba", "mfn", name="returnchannel", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column("amazon_order_id", sa.String(length=40), nullable=False),
        sa.Column("sku", sa.String(length=200), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column(
            "return_date", skuport.domain.db.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("disposition", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("amazon_status", sa.String(length=60), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "awaiting_receipt",
                "restocked",
                "unsellable",
                "written_off",
                "awaiting_reimbursement",
                "reimbursed",
                "not_matched",
                "no_location",
                name="returnstate",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("received_quantity", sa.Integer(), nullable=True),
        sa.Column("condition", sa.String(length=60), nullable=False),
        sa.Column("restocked_quantity", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.Column("revised_after_restock", sa.Boolean(), nullable=False),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.Column(
            "first_seen_at", skuport.domain.db.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("updated_at", skuport.domain.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["inv_locations.id"],
            name=op.f("fk_ret_returns_location_id_inv_locations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["inv_products.id"],
            name=op.f("fk_ret_returns_product_id_inv_products"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["store_id"],
            ["stores.id"],
            name=op.f("fk_ret_returns_store_id_stores"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ret_returns")),
        sa.UniqueConstraint(
            "store_id", "return_key", name=op.f("uq_ret_returns_store_id_return_key")
        ),
    )
    with op.batch_alter_table("ret_returns", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ret_returns_amazon_order_id"), ["amazon_order_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_ret_returns_store_id"), ["store_id"], unique=False)

    op.create_table(
        "ret_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("return_id", sa.Integer(), nullable=False),
        sa.Column("seen_at", skuport.domain.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["return_id"],
            ["ret_returns.id"],
            name=op.f("fk_ret_revisions_return_id_ret_returns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ret_revisions")),
    )
    with op.batch_alter_table("ret_revisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ret_revisions_return_id"), ["return_id"], unique=False)

    op.create_table(
        "ret_refunds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("refund_key", sa.String(length=120), nullable=False),
        sa.Column("amazon_order_id", sa.String(length=40), nullable=False),
        sa.Column("marketplace_id", sa.String(length=20), nullable=False),
        sa.Column("posted_at", skuport.domain.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount", skuport.domain.db.types.Money(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "credited", "needs_attention", name="refundstatus", native_enum=False, length=30
            ),
            nullable=False,
        ),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("credit_note_id", sa.Integer(), nullable=True),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.Column(
            "first_seen_at", skuport.domain.db.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("updated_at", skuport.domain.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["credit_note_id"],
            ["inv_credit_notes.id"],
            name=op.f("fk_ret_refunds_credit_note_id_inv_credit_notes"),
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["inv_payments.id"], name=op.f("fk_ret_refunds_payment_id_inv_payments")
        ),
        sa.ForeignKeyConstraint(
            ["store_id"],
            ["stores.id"],
            name=op.f("fk_ret_refunds_store_id_stores"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ret_refunds")),
        sa.UniqueConstraint(
            "store_id", "refund_key", name=op.f("uq_ret_refunds_store_id_refund_key")
        ),
    )
    with op.batch_alter_table("ret_refunds", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ret_refunds_amazon_order_id"), ["amazon_order_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_ret_refunds_store_id"), ["store_id"], unique=False)

    with op.batch_alter_table("store_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("returns_location_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("unsellable_location_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "confirm_returns_manually", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_store_settings_returns_location_id_inv_locations"),
            "inv_locations",
            ["returns_location_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_store_settings_unsellable_location_id_inv_locations"),
            "inv_locations",
            ["unsellable_location_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("store_settings", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_store_settings_unsellable_location_id_inv_locations"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_store_settings_returns_location_id_inv_locations"), type_="foreignkey"
        )
        batch_op.drop_column("confirm_returns_manually")
        batch_op.drop_column("unsellable_location_id")
        batch_op.drop_column("returns_location_id")

    with op.batch_alter_table("ret_refunds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ret_refunds_store_id"))
        batch_op.drop_index(batch_op.f("ix_ret_refunds_amazon_order_id"))

    op.drop_table("ret_refunds")
    with op.batch_alter_table("ret_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ret_revisions_return_id"))

    op.drop_table("ret_revisions")
    with op.batch_alter_table("ret_returns", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ret_returns_store_id"))
        batch_op.drop_index(batch_op.f("ix_ret_returns_amazon_order_id"))

    op.drop_table("ret_returns")
    with op.batch_alter_table("ret_reimbursements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ret_reimbursements_store_id"))
        batch_op.drop_index(batch_op.f("ix_ret_reimbursements_amazon_order_id"))

    op.drop_table("ret_reimbursements")
