"""Once-only handling of channel deliveries: a channel claims each update it receives (e.g.
Telegram's `update_id`) before acting on it, so a webhook retry, a re-delivered poll or a
second replica answers it once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import sessionmaker

from bot.storage.models import ProcessedUpdate, utcnow


async def claim_update(channel: str, update_id: int | str, *, session: AsyncSession) -> bool:
    """Record that `update_id` of `channel` is being handled. True for the first claim ever;
    False when it was claimed before. The caller commits (typically in the transaction that
    stores the message, so claim and message exist together or not at all); the primary key
    makes the claim atomic across processes."""
    values = {"channel": channel, "update_id": str(update_id), "processed_at": utcnow()}
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        statement = sqlite_insert(ProcessedUpdate).values(**values).on_conflict_do_nothing()
    elif dialect == "postgresql":
        statement = postgresql_insert(ProcessedUpdate).values(**values).on_conflict_do_nothing()
    else:
        raise NotImplementedError(f"update de-duplication is not implemented for {dialect}")
    result = await session.execute(statement)
    return int(result.rowcount) == 1


async def claim_alone(sessions: sessionmaker, channel: str, update_id: int | str) -> bool:
    """Claim an update in a transaction of its own (for updates the channel answers by itself,
    where nothing else is stored). True for the first delivery."""
    async with sessions() as session, session.begin():
        return await claim_update(channel, update_id, session=session)


async def seen(channel: str, update_id: int | str, sessions: sessionmaker) -> bool:
    """Whether `update_id` of `channel` was claimed before."""
    async with sessions() as session:
        found = await session.scalar(
            select(ProcessedUpdate.update_id).where(
                ProcessedUpdate.channel == channel, ProcessedUpdate.update_id == str(update_id)
            )
        )
    return found is not None
