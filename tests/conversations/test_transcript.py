"""Storing buyer messages: the conversation on first contact, sequence numbers in order, and
what a turn reads about the earlier messages."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.conversations import events, transcript
from bot.storage.models import Conversation, Message

CONVERSATION = "api:t1"


async def test_the_first_message_creates_the_conversation_with_seq_1(
    sessions: sessionmaker,
) -> None:
    async with sessions() as session, session.begin():
        message = await transcript.record_inbound(CONVERSATION, "api", "hi", session=session)
    async with sessions() as session:
        conversation = await session.get(Conversation, CONVERSATION)
    assert (message.seq, message.direction, message.status) == (1, "in", "received")
    assert (conversation.channel, conversation.status, conversation.owner) == ("api", "bot", "bot")
    assert conversation.last_seq == 1
    assert conversation.external_id is None


async def test_messages_in_and_out_get_consecutive_seqs(sessions: sessionmaker) -> None:
    async with sessions() as session, session.begin():
        await transcript.record_inbound(CONVERSATION, "api", "hi", session=session)
        await transcript.record_outbound(CONVERSATION, "api", "hello", session=session)
    async with sessions() as session, session.begin():
        third = await transcript.record_inbound(CONVERSATION, "api", "where", session=session)
    async with sessions() as session:
        rows = (await session.scalars(select(Message).order_by(Message.id))).all()
        conversation = await session.get(Conversation, CONVERSATION)
    assert [(m.seq, m.text) for m in rows] == [(1, "hi"), (2, "hello"), (3, "where")]
    assert third.seq == conversation.last_seq == 3


async def test_a_conversation_the_session_loaded_before_still_gives_the_next_seq(
    sessions: sessionmaker,
) -> None:
    """A conversation already in the session (a channel's claim may load it) does not stand in
    for the stored number: the number is read after it is taken."""
    async with sessions() as session, session.begin():
        await transcript.record_inbound(CONVERSATION, "api", "hi", session=session)
    async with sessions() as session, session.begin():
        loaded = await session.get(Conversation, CONVERSATION)
        assert loaded.last_seq == 1
        second = await transcript.record_inbound(CONVERSATION, "api", "again", session=session)
        third = await transcript.record_inbound(CONVERSATION, "api", "more", session=session)
    assert (second.seq, third.seq) == (2, 3)


async def test_it_reads_the_turn_context_of_a_message(sessions: sessionmaker) -> None:
    async with sessions() as session, session.begin():
        first = await transcript.record_inbound(CONVERSATION, "api", "a", session=session)
        await transcript.record_outbound(CONVERSATION, "api", "reply", session=session)
        second = await transcript.record_inbound(CONVERSATION, "api", "b", session=session)
        third = await transcript.record_inbound(CONVERSATION, "api", "c", session=session)
        other = await transcript.record_inbound("api:other", "api", "x", session=session)
        conversation = await session.get(Conversation, CONVERSATION)
        conversation.language, conversation.status = "de", "pending"

    async def context(message: Message) -> transcript.TurnContext:
        async with sessions() as session:
            return await transcript.turn_context(
                message.conversation_id, before=message.id, session=session
            )

    assert await context(first) == transcript.TurnContext("pending", "de", 0, False)
    assert await context(second) == transcript.TurnContext("pending", "de", 1, False)
    assert await context(third) == transcript.TurnContext("pending", "de", 2, False)
    assert await context(other) == transcript.TurnContext("bot", "en", 0, False)
    async with sessions() as session:
        unknown = await transcript.turn_context("api:none", before=1, session=session)
    assert unknown == transcript.TurnContext("bot", "en", 0, False)

    for status, waits in (("held", True), ("retrying", True), ("processed", False)):
        async with sessions() as session, session.begin():
            await transcript.set_message_status(second.id, status, session=session)
        assert (await context(third)).held_before is waits
        assert (await context(second)).held_before is False  # only earlier messages count
        async with sessions() as session:
            assert await transcript.has_held(CONVERSATION, before=third.id, session=session) is (
                waits
            )
            earlier = await transcript.count_inbound(CONVERSATION, before=third.id, session=session)
            assert earlier == 2


async def test_an_event_with_a_taken_seq_takes_no_other(sessions: sessionmaker) -> None:
    async with sessions() as session, session.begin():
        seq = await events.next_inbound_seq(CONVERSATION, "api", session=session)
        message = await events.append(
            CONVERSATION,
            session=session,
            channel="api",
            sender="buyer",
            direction="in",
            text="hi",
            seq=seq,
        )
    async with sessions() as session, session.begin():
        again = await events.next_inbound_seq(CONVERSATION, "api", session=session)
    async with sessions() as session:
        conversation = await session.get(Conversation, CONVERSATION)
    assert (message.seq, again, conversation.last_seq) == (1, 2, 2)
