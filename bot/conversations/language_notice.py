"""The language a buyer message is answered in, and what to tell the buyer about it.

`bot.conversations.language` decides (a pure policy); this stores a changed language on the
conversation and words the notice: a switch the buyer asked for, the menu of languages for a
bare `/language`, or an honest answer for a language we do not offer.
"""

from __future__ import annotations

from sqlalchemy.orm import sessionmaker

from bot.conversations.language import LanguagePolicy
from bot.conversations.replies import Button, Inbound, Reply
from bot.storage.models import Conversation
from bot.texts import NATIVE_NAMES, text


def requested_menu(message: str) -> bool:
    """A bare `/language` (no code): the buyer wants the list of languages."""
    return message.strip().split("@")[0].lower() == "/language"


async def choose_language(
    sessions: sessionmaker,
    policy: LanguagePolicy,
    inbound: Inbound,
    *,
    current: str,
    earlier: int,
    chosen: bool = False,
) -> tuple[str, list[Reply]]:
    """The language to answer `inbound` in (stored on the conversation when it changes) and
    the notice for the buyer, if any. `earlier`: buyer messages before this one; `chosen`:
    the buyer asked for the current language before."""
    telegram = inbound.metadata.get("telegram") or {}
    prior = telegram.get("language_code") if isinstance(telegram, dict) else None
    choice = policy.choose(
        inbound.text, current=current, prior=prior, earlier_messages=earlier, chosen=chosen
    )
    # A language the buyer picked (not the menu itself) sticks from now on.
    picked = choice.requested and not choice.unsupported and not requested_menu(inbound.text)
    if choice.changed or (picked and not chosen):
        async with sessions() as session, session.begin():
            conversation = await session.get(Conversation, inbound.conversation_id)
            if conversation is not None:
                conversation.language = choice.lang
                conversation.language_chosen = conversation.language_chosen or picked
    if choice.unsupported:
        names = ", ".join(NATIVE_NAMES.get(c, c) for c in policy.offered)
        return choice.lang, [Reply(text("language.unsupported", "en", languages=names))]
    if choice.requested:
        if requested_menu(inbound.text):
            buttons = tuple(
                Button(title=NATIVE_NAMES.get(c, c), payload=f"/language {c}")
                for c in policy.offered
            )
            return choice.lang, [Reply(text("language.choose", choice.lang), buttons)]
        return choice.lang, [Reply(text("language.switched", choice.lang))]
    return choice.lang, []
