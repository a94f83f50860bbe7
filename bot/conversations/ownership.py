"""Who answers a conversation: the ownership state machine, the only writer of `status`/`owner`.

```
 bot ──(buyer or bot asks for a person)──> pending ──(agent claims, atomic)──> open(agent)
  ^                                           │                                  │
  └────────────(hand back: Rasa resumes)──────┴──────────(resolve)───────> resolved
```

An agent may also claim a `bot` conversation from the list of all conversations, and reopen a
resolved one. Every transition is one conditional UPDATE (row count checked), a `transitions`
record (who, when, why) and a `status` event in the conversation's log, in the caller's
transaction. A resolved conversation is answered by the bot again.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.conversations import events
from bot.storage.models import Agent, Conversation, Transition, utcnow

# to-status -> the statuses it may be entered from
ALLOWED: dict[str, tuple[str, ...]] = {
    "pending": ("bot", "resolved"),
    "open": ("pending", "bot", "resolved"),
    "bot": ("pending", "open"),
    "resolved": ("pending", "open"),
}
OWNER_OF = {"bot": "bot", "resolved": "bot", "pending": "human", "open": "human"}


class TransitionRefused(Exception):
    """The conversation was not in a status this transition starts from (someone else moved
    it first). `status` and `agent` say where it is now."""

    def __init__(self, conversation_id: str, status: str | None, agent: str | None) -> None:
        super().__init__(f"{conversation_id} is {status or 'unknown'}")
        self.conversation_id = conversation_id
        self.status = status
        self.agent = agent


@dataclass(frozen=True)
class Moved:
    conversation_id: str
    from_status: str
    to_status: str
    seq: int


async def current(conversation_id: str, *, session: AsyncSession) -> tuple[str | None, str | None]:
    """(status, agent name) of the conversation now; (None, None) when it does not exist."""
    row = (
        await session.execute(
            select(Conversation.status, Agent.name)
            .outerjoin(Agent, Agent.id == Conversation.assigned_agent_id)
            .where(Conversation.id == conversation_id)
        )
    ).first()
    return (row[0], row[1]) if row else (None, None)


async def _move(
    conversation_id: str,
    to_status: str,
    *,
    session: AsyncSession,
    actor: str,
    reason: str | None,
    agent_id: int | None = None,
    only_agent: int | None = None,
    text: str = "",
) -> Moved:
    from_statuses = ALLOWED[to_status]
    before, _ = await current(conversation_id, session=session)
    values: dict[str, object] = {
        "status": to_status,
        "owner": OWNER_OF[to_status],
        "updated_at": utcnow(),
    }
    if to_status == "open":
        values["assigned_agent_id"] = agent_id
    elif to_status in ("bot", "pending"):
        values["assigned_agent_id"] = None
    if to_status == "pending":
        values["pending_since"] = utcnow()
    elif to_status != "pending":
        values["pending_since"] = None
    statement = (
        update(Conversation)
        .where(Conversation.id == conversation_id, Conversation.status.in_(from_statuses))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if only_agent is not None:
        # Hand-back and resolve of an open conversation: only by the agent who holds it.
        statement = statement.where(
            (Conversation.status != "open") | (Conversation.assigned_agent_id == only_agent)
        )
    result = await session.execute(statement)
    if result.rowcount != 1:
        status, agent = await current(conversation_id, session=session)
        raise TransitionRefused(conversation_id, status, agent)
    from_status = before or "bot"
    session.add(
        Transition(
            conversation_id=conversation_id,
            from_status=from_status,
            to_status=to_status,
            actor=actor,
            agent_id=agent_id,
            reason=reason,
            at=utcnow(),
        )
    )
    event = await events.append(
        conversation_id,
        session=session,
        channel=conversation_id.split(":", 1)[0],
        sender="system",
        kind="status",
        text=text or f"{from_status} -> {to_status}",
        payload={
            "custom": {"status": to_status, "from": from_status, "actor": actor, "reason": reason}
        },
        agent_id=agent_id,
    )
    return Moved(conversation_id, from_status, to_status, int(event.seq))


async def request_handoff(
    conversation_id: str, *, session: AsyncSession, actor: str, reason: str | None = None
) -> Moved | None:
    """bot/resolved -> pending. None when a person is already asked for or answering."""
    try:
        return await _move(
            conversation_id,
            "pending",
            session=session,
            actor=actor,
            reason=reason,
            text="waiting for a person",
        )
    except TransitionRefused as refused:
        if refused.status in ("pending", "open"):
            return None
        raise


async def claim(conversation_id: str, agent: Agent, *, session: AsyncSession) -> Moved:
    """pending/bot/resolved -> open(agent), atomically: of two agents exactly one wins; the
    loser gets `TransitionRefused` naming the winner."""
    return await _move(
        conversation_id,
        "open",
        session=session,
        actor=f"agent:{agent.name}",
        reason="claimed",
        agent_id=agent.id,
        text=f"{agent.name} took over",
    )


async def hand_back(
    conversation_id: str,
    *,
    session: AsyncSession,
    actor: str,
    agent: Agent | None = None,
    reason: str | None = None,
) -> Moved:
    """pending/open -> bot: the bot answers again (by the holding agent, or by the buyer while
    still pending)."""
    return await _move(
        conversation_id,
        "bot",
        session=session,
        actor=actor,
        reason=reason or "handed back",
        agent_id=agent.id if agent else None,
        only_agent=agent.id if agent else None,
        text="back to the bot",
    )


async def resolve(conversation_id: str, agent: Agent, *, session: AsyncSession) -> Moved:
    """pending/open -> resolved (the bot answers any later message)."""
    return await _move(
        conversation_id,
        "resolved",
        session=session,
        actor=f"agent:{agent.name}",
        reason="resolved",
        agent_id=agent.id,
        only_agent=agent.id,
        text="resolved",
    )


async def reopen(conversation_id: str, agent: Agent, *, session: AsyncSession) -> Moved:
    """resolved -> open(agent)."""
    status, holder = await current(conversation_id, session=session)
    if status != "resolved":
        raise TransitionRefused(conversation_id, status, holder)
    return await claim(conversation_id, agent, session=session)
