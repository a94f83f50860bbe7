"""conversation spine: ownership status, event log sequence, agents' logins, transitions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 22:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(
            sa.Column("status", sa.String(length=16), nullable=False, server_default="bot")
        )
        batch.add_column(sa.Column("pending_since", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("last_seq", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("token_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("identity", sa.String(length=191), nullable=True))
        batch.create_unique_constraint("uq_conversations_token_hash", ["token_hash"])
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("kind", sa.String(length=16), nullable=False, server_default="message")
        )
        batch.add_column(sa.Column("agent_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("client_id", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("delivery", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("delivery_error", sa.Text(), nullable=True))
        batch.create_foreign_key("fk_messages_agent_id_agents", "agents", ["agent_id"], ["id"])
        batch.create_unique_constraint("uq_messages_conversation_seq", ["conversation_id", "seq"])
        batch.create_unique_constraint(
            "uq_messages_conversation_client", ["conversation_id", "client_id"]
        )
    with op.batch_alter_table("agents") as batch:
        batch.add_column(sa.Column("password_hash", sa.String(length=255), nullable=True))
        batch.add_column(
            sa.Column("is_admin", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("disabled", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "agent_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_agent_sessions_agent_id_agents")
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_agent_sessions")),
    )
    op.create_table(
        "transitions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversation_id", sa.String(length=191), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=False),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=255), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_transitions_conversation_id_conversations"),
        ),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_transitions_agent_id_agents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transitions")),
    )
    op.create_index("ix_transitions_conversation", "transitions", ["conversation_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_transitions_conversation", table_name="transitions")
    op.drop_table("transitions")
    op.drop_table("agent_sessions")
    with op.batch_alter_table("agents") as batch:
        for column in ("last_seen_at", "disabled", "is_admin", "password_hash"):
            batch.drop_column(column)
    with op.batch_alter_table("messages") as batch:
        batch.drop_constraint("uq_messages_conversation_client", type_="unique")
        batch.drop_constraint("uq_messages_conversation_seq", type_="unique")
        batch.drop_constraint("fk_messages_agent_id_agents", type_="foreignkey")
        for column in ("delivery_error", "delivery", "client_id", "agent_id", "kind", "seq"):
            batch.drop_column(column)
    with op.batch_alter_table("conversations") as batch:
        batch.drop_constraint("uq_conversations_token_hash", type_="unique")
        for column in ("identity", "token_hash", "last_seq", "pending_since", "status"):
            batch.drop_column(column)
