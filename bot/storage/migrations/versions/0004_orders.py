"""orders: several shipments per order, normalised e-mail, postcode, customer id; verification
attempts; subscriptions to a whole order

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The old one-row-per-order table was never written to (no loader existed): replace it.
    op.drop_table("orders")
    op.create_table(
        "orders",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("order_number", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=191), nullable=True),
        sa.Column("postcode", sa.String(length=16), nullable=True),
        sa.Column("customer_id", sa.String(length=191), nullable=True),
        sa.Column("shop", sa.String(length=191), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False, server_default="csv"),
        sa.Column("marketplace", sa.String(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sa.UniqueConstraint("order_number", name=op.f("uq_orders_order_number")),
    )
    op.create_index("ix_orders_marketplace", "orders", ["marketplace"])
    op.create_table(
        "order_shipments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("tracking_number", sa.String(length=64), nullable=False),
        sa.Column("carrier", sa.String(length=64), nullable=True),
        sa.Column("shipped_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_shipments_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_shipments")),
        sa.UniqueConstraint("order_id", "tracking_number", name="uq_order_shipments_order_number"),
    )
    op.create_index("ix_order_shipments_tracking_number", "order_shipments", ["tracking_number"])
    op.create_table(
        "order_attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversation_id", sa.String(length=191), nullable=False),
        sa.Column("client", sa.String(length=191), nullable=False),
        sa.Column("order_number", sa.String(length=64), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_attempts")),
    )
    op.create_index("ix_order_attempts_conversation", "order_attempts", ["conversation_id", "at"])
    op.create_index("ix_order_attempts_client", "order_attempts", ["client", "at"])
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(sa.Column("order_number", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_column("order_number")
    op.drop_index("ix_order_attempts_client", table_name="order_attempts")
    op.drop_index("ix_order_attempts_conversation", table_name="order_attempts")
    op.drop_table("order_attempts")
    op.drop_index("ix_order_shipments_tracking_number", table_name="order_shipments")
    op.drop_table("order_shipments")
    op.drop_index("ix_orders_marketplace", table_name="orders")
    op.drop_table("orders")
    op.create_table(
        "orders",
        sa.Column("order_number", sa.String(length=64), nullable=False),
        sa.Column("tracking_number", sa.String(length=64), nullable=True),
        sa.Column("shop", sa.String(length=191), nullable=True),
        sa.Column("email", sa.String(length=191), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("order_number", name=op.f("pk_orders")),
    )
