"""Tables of the gateway's database. Change them only together with an Alembic revision."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import declarative_base

# Stable constraint names so Alembic migrations behave the same on SQLite and PostgreSQL.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)
# Typed Any: SQLAlchemy 1.4 ships no types, so mypy sees the models as plain classes.
Base: Any = declarative_base(metadata=metadata)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Conversation(Base):
    """One buyer's thread on one channel. `owner` says who answers: the bot or a human."""

    __tablename__ = "conversations"

    id = Column(String(191), primary_key=True)
    channel = Column(String(32), nullable=False)
    external_id = Column(String(191), nullable=True)
    # `owner` (bot | human) and `status` (bot | pending | open | resolved) are written only by
    # bot.conversations.ownership, the state machine.
    owner = Column(String(16), nullable=False, default="bot")
    status = Column(String(16), nullable=False, default="bot")
    assigned_agent_id = Column(Integer, ForeignKey("agents.id"), nullable=True)
    pending_since = Column(DateTime(timezone=True), nullable=True)
    # The event log's last sequence number; bumped atomically for every stored event.
    last_seq = Column(Integer, nullable=False, default=0)
    # Web buyers: SHA-256 of the server-issued conversation token; never the token itself.
    token_hash = Column(String(64), nullable=True, unique=True)
    # A shop-vouched user id (HMAC-verified) or the API key that created the conversation.
    identity = Column(String(191), nullable=True)
    language = Column(String(8), nullable=False, default="en")
    # The buyer asked for `language` ("auf Deutsch", `/language de`, the widget's menu): it is
    # no longer guessed from what they write.
    language_chosen = Column(Boolean, nullable=False, default=False, server_default=false())
    last_tracking_number = Column(String(64), nullable=True)
    blocked = Column(Boolean, nullable=False, default=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)


class Message(Base):
    """Every message in and out, stored before it is processed (inbound) or sent (outbound)."""

    __tablename__ = "messages"

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(191), ForeignKey("conversations.id"), nullable=False)
    direction = Column(String(8), nullable=False)  # "in" | "out"
    sender = Column(String(16), nullable=False)  # buyer | bot | agent | system
    channel = Column(String(32), nullable=False)
    text = Column(Text, nullable=False, default="")
    payload = Column(JSON, nullable=True)  # buttons, custom data
    status = Column(String(16), nullable=False, default="received")
    external_id = Column(String(191), nullable=True)
    error = Column(Text, nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    # The conversation's event log: per-conversation sequence number and what kind of event.
    seq = Column(Integer, nullable=True)
    kind = Column(String(16), nullable=False, default="message")  # message | note | status
    agent_id = Column(Integer, ForeignKey("agents.id"), nullable=True)
    # The client's own id for a buyer message, so a resend after a dropped socket stores once.
    client_id = Column(String(64), nullable=True)
    # Outbound delivery: queued | sent | delivered | failed (with delivery_error).
    delivery = Column(String(16), nullable=True)
    delivery_error = Column(Text, nullable=True)
    # A reply: the buyer message it answers (one answer per message, checkable afterwards).
    in_reply_to = Column(Integer, ForeignKey("messages.id"), nullable=True)

    __table_args__ = (
        Index("ix_messages_conversation_created", "conversation_id", "created_at"),
        UniqueConstraint("conversation_id", "seq", name="uq_messages_conversation_seq"),
        UniqueConstraint("conversation_id", "client_id", name="uq_messages_conversation_client"),
    )


class Agent(Base):
    """A support agent who can take conversations over in the staff console."""

    __tablename__ = "agents"

    id = Column(Integer, primary_key=True, autoincrement=True)
    name = Column(String(191), nullable=False, unique=True)
    token_hash = Column(String(128), nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    password_hash = Column(String(255), nullable=True)
    is_admin = Column(Boolean, nullable=False, default=False)
    disabled = Column(Boolean, nullable=False, default=False)
    last_seen_at = Column(DateTime(timezone=True), nullable=True)


class AgentSession(Base):
    """A console login. The cookie holds the token; only its SHA-256 is stored."""

    __tablename__ = "agent_sessions"

    token_hash = Column(String(64), primary_key=True)
    agent_id = Column(Integer, ForeignKey("agents.id"), nullable=False)
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    expires_at = Column(DateTime(timezone=True), nullable=False)


class Transition(Base):
    """Every ownership change: from, to, who and why (the state machine's audit record)."""

    __tablename__ = "transitions"

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(191), ForeignKey("conversations.id"), nullable=False)
    from_status = Column(String(16), nullable=False)
    to_status = Column(String(16), nullable=False)
    actor = Column(String(64), nullable=False)  # buyer | bot | system | agent:<name>
    agent_id = Column(Integer, ForeignKey("agents.id"), nullable=True)
    reason = Column(String(255), nullable=True)
    at = Column(DateTime(timezone=True), nullable=False, default=utcnow)

    __table_args__ = (Index("ix_transitions_conversation", "conversation_id", "id"),)


class Handoff(Base):
    """A request for a human; claimed atomically (`claimed_by IS NULL`) and closed on hand-back."""

    __tablename__ = "handoffs"

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(191), ForeignKey("conversations.id"), nullable=False)
    reason = Column(String(64), nullable=True)
    requested_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    claimed_by = Column(Integer, ForeignKey("agents.id"), nullable=True)
    claimed_at = Column(DateTime(timezone=True), nullable=True)
    closed_at = Column(DateTime(timezone=True), nullable=True)


class Subscription(Base):
    """A buyer asked to be told when a parcel changes; the notifier claims due rows atomically."""

    __tablename__ = "subscriptions"

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(191), ForeignKey("conversations.id"), nullable=False)
    tracking_number = Column(String(64), nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    last_status = Column(String(32), nullable=True)
    last_reason = Column(String(32), nullable=True)
    next_check_at = Column(DateTime(timezone=True), nullable=True)
    claimed_by = Column(String(64), nullable=True)
    claimed_until = Column(DateTime(timezone=True), nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    # Set when the buyer subscribed to a whole order: its later shipments are added too.
    order_number = Column(String(64), nullable=True)

    __table_args__ = (UniqueConstraint("conversation_id", "tracking_number"),)


class ShipmentCache(Base):
    """The last merged shipment per number; `expires_at` depends on the status."""

    __tablename__ = "shipments"

    number = Column(String(64), primary_key=True)
    status = Column(String(32), nullable=False)
    data = Column(JSON, nullable=False)
    fetched_at = Column(DateTime(timezone=True), nullable=False)
    expires_at = Column(DateTime(timezone=True), nullable=False)


class Order(Base):
    """A shop order, so buyers can ask by order number instead of tracking number. The buyer
    proves it is theirs with `email` (stored lower-cased, trimmed) or `postcode` (upper-cased,
    no spaces); a widget user the shop signed in matches `customer_id` or the e-mail."""

    __tablename__ = "orders"

    id = Column(Integer, primary_key=True, autoincrement=True)
    # Normalised: upper case, no leading "#".
    order_number = Column(String(64), nullable=False, unique=True)
    email = Column(String(191), nullable=True)
    postcode = Column(String(16), nullable=True)
    customer_id = Column(String(191), nullable=True)
    shop = Column(String(191), nullable=True)
    # csv | api | shopify | woocommerce: who wrote the order last.
    source = Column(String(16), nullable=False, default="csv")
    # The marketplace whose numbering the order number follows (amazon, ebay...), if any.
    marketplace = Column(String(16), nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)

    __table_args__ = (Index("ix_orders_marketplace", "marketplace"),)


class OrderShipment(Base):
    """One parcel of an order (a split order has several)."""

    __tablename__ = "order_shipments"

    id = Column(Integer, primary_key=True, autoincrement=True)
    order_id = Column(Integer, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False)
    tracking_number = Column(String(64), nullable=False)
    carrier = Column(String(64), nullable=True)
    shipped_at = Column(DateTime(timezone=True), nullable=True)

    __table_args__ = (
        UniqueConstraint("order_id", "tracking_number", name="uq_order_shipments_order_number"),
        Index("ix_order_shipments_tracking_number", "tracking_number"),
    )


class OrderAttempt(Base):
    """A buyer's try to open an order (verified or not): limits guessing per conversation and
    per client, and tells the console which orders a conversation asked about."""

    __tablename__ = "order_attempts"

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(191), nullable=False)
    # Who is behind the conversation across conversations: an address, an API key's client...
    client = Column(String(191), nullable=False)
    order_number = Column(String(64), nullable=False)
    ok = Column(Boolean, nullable=False, default=False)
    method = Column(String(16), nullable=False)  # email | postcode | identity | none
    at = Column(DateTime(timezone=True), nullable=False, default=utcnow)

    __table_args__ = (
        Index("ix_order_attempts_conversation", "conversation_id", "at"),
        Index("ix_order_attempts_client", "client", "at"),
    )


class ProcessedUpdate(Base):
    """Channel updates already handled (e.g. Telegram update_id), so retries answer once."""

    __tablename__ = "processed_updates"

    channel = Column(String(32), primary_key=True)
    update_id = Column(String(64), primary_key=True)
    processed_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
