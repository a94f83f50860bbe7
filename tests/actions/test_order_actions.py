"""Order actions: a marketplace's order number is pointed back to that marketplace, in the
buyer's language."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.orders import MARKETPLACE, ActionOrderAnswer
from bot import nlg, texts

AMAZON = "123-1234567-1234567"
EBAY = "12-34567-89012"
TEMU = "PO-211-12345678901234"


def _tracker(order: str, lang: str) -> Tracker:
    event = {
        "event": "user",
        "text": order,
        "parse_data": {"intent": {"name": "order_lookup", "confidence": 1.0}, "entities": []},
        "metadata": {"language": lang},
    }
    slots = {"order_pending": order, "order_state": MARKETPLACE}
    return Tracker("buyer-1", slots, event["parse_data"], [event], False, None, {}, "action_listen")


async def _answer(order: str, lang: str) -> tuple[dict[str, Any], str]:
    """The action's message and the sentence the NLG endpoint makes of it."""
    dispatcher = CollectingDispatcher()
    tracker = _tracker(order, lang)
    await ActionOrderAnswer().run(dispatcher, tracker, {})
    [message] = dispatcher.messages
    arguments = {k: v for k, v in message.items() if k not in ("response", "text")}
    body = {
        "response": message["response"],
        "tracker": tracker.current_state(),
        "arguments": arguments,
    }
    return message, str(nlg.render(body)["text"])


async def test_it_names_amazons_own_german_menu() -> None:
    message, sentence = await _answer(AMAZON, "de")

    assert message["where"] == "„Meine Bestellungen“"
    assert sentence == (
        f"{AMAZON} sieht nach einer Bestellnummer von Amazon aus. Ich bin der Assistent dieses "
        "Shops und sehe keine Bestellungen von Amazon: Bitte sehen Sie unter „Meine "
        "Bestellungen“ bei Amazon nach. Wenn Sie eine Sendungsnummer aus dieser Bestellung "
        "haben, senden Sie sie mir, dann verfolge ich sie."
    )


async def test_english_keeps_the_names_on_the_english_sites() -> None:
    _message, sentence = await _answer(EBAY, "en")

    assert 'please look it up under "Purchases" in My eBay on eBay.' in sentence


@pytest.mark.parametrize("lang", [lang for lang in texts.LANGUAGES if lang != "en"])
@pytest.mark.parametrize(("order", "code"), [(AMAZON, "amazon"), (EBAY, "ebay"), (TEMU, "temu")])
async def test_where_to_look_comes_from_the_buyers_catalogue(
    lang: str, order: str, code: str
) -> None:
    message, sentence = await _answer(order, lang)

    where = texts.text(f"marketplace.{code}.where", lang)
    assert message["where"] == where
    assert where != texts.text(f"marketplace.{code}.where", "en")
    assert where in sentence
