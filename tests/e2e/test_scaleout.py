"""The scale-out path on loopback: PostgreSQL for the gateway and Rasa's tracker store, Redis
for Rasa's lock store, and two gateway replicas sharing one database."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from bot.config import to_sync_url
from tests.support.postgres import fresh_database
from tests.support.requirements import missing
from tests.support.stack import gateway_replica, running_stack, say

pytestmark = [pytest.mark.e2e, pytest.mark.scaleout]

REDIS_URL = "redis://127.0.0.1:6379/3"


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def test_postgres_and_redis_back_a_stack_and_a_second_gateway_replica(tmp_path: Path) -> None:
    if not _redis_up():
        missing(f"Redis not reachable at {REDIS_URL}")
    with fresh_database() as gateway_db, fresh_database() as tracker_db:
        env = {
            "PARCELDESK_DATABASE_URL": gateway_db,
            "PARCELDESK_RASA_TRACKER_URL": tracker_db,
            "PARCELDESK_REDIS_URL": REDIS_URL,
            "PARCELDESK_RASA_TOKEN": uuid.uuid4().hex,
        }
        with running_stack(tmp_path, env) as stack:
            conversation = stack.conversation_id("pg-1")
            reply = say(stack, "pg-1", "where is my parcel RR123456785CN")
            assert "RR123456785CN" in reply[0]["text"]

            # A second gateway replica on its own port, same database and Rasa.
            with gateway_replica(stack) as replica:
                second = httpx.post(
                    f"{replica}/api/v1/conversations/pg-1/messages",
                    json={"text": "thanks"},
                    headers=stack.api_headers,
                    timeout=60,
                )
                assert second.status_code == 200 and second.json()["messages"]

        engine = create_engine(to_sync_url(gateway_db))
        with engine.connect() as conn:
            rows = (
                conn.execute(
                    text(
                        "select text from messages where conversation_id = :c "
                        "and direction = 'in' order by id"
                    ),
                    {"c": conversation},
                )
                .scalars()
                .all()
            )
        engine.dispose()
        assert rows == ["where is my parcel RR123456785CN", "thanks"]

        engine = create_engine(to_sync_url(tracker_db))
        with engine.connect() as conn:
            senders = conn.execute(text("select distinct sender_id from events")).scalars().all()
        engine.dispose()
        assert conversation in senders
