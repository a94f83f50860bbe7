"""The blocked mark of a buyer and the buttons they were offered."""

from __future__ import annotations

from sqlalchemy.orm import sessionmaker

from bot.conversations import buyers, events, transcript

CONVERSATION = "telegram:42"


async def test_it_marks_and_unmarks_a_blocked_buyer(sessions: sessionmaker) -> None:
    async with sessions() as session, session.begin():
        await events.ensure_conversation(CONVERSATION, "telegram", session=session)
        assert await buyers.is_blocked(CONVERSATION, session=session) is False
        await buyers.set_blocked(CONVERSATION, True, session=session)
    async with sessions() as session:
        assert await buyers.is_blocked(CONVERSATION, session=session) is True
    async with sessions() as session, session.begin():
        await buyers.set_blocked(CONVERSATION, False, session=session)
        assert await buyers.is_blocked(CONVERSATION, session=session) is False


async def test_an_unknown_conversation_is_not_blocked(sessions: sessionmaker) -> None:
    async with sessions() as session, session.begin():
        await buyers.set_blocked("telegram:404", True, session=session)  # nothing to mark
        assert await buyers.is_blocked("telegram:404", session=session) is False


async def test_it_finds_the_payloads_of_buttons_offered_newest_first(
    sessions: sessionmaker,
) -> None:
    async with sessions() as session, session.begin():
        await transcript.record_inbound(CONVERSATION, "telegram", "hi", session=session)
        for payloads in (["/affirm", "/deny"], ["/request_human"]):
            buttons = [{"title": p, "payload": p} for p in payloads]
            await transcript.record_outbound(
                CONVERSATION, "telegram", "choose", session=session, payload={"buttons": buttons}
            )
        await transcript.record_outbound(CONVERSATION, "telegram", "plain", session=session)
    async with sessions() as session:
        found = await buyers.offered_payloads(CONVERSATION, session=session)
        other = await buyers.offered_payloads("telegram:1", session=session)
    assert found == ["/request_human", "/affirm", "/deny"]
    assert other == []
