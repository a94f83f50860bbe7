"""replies point at the buyer message they answer

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 22:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("in_reply_to", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_messages_in_reply_to_messages", "messages", ["in_reply_to"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.drop_constraint("fk_messages_in_reply_to_messages", type_="foreignkey")
        batch.drop_column("in_reply_to")
