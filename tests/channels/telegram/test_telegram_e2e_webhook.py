"""End to end in webhook mode: the real gateway, Rasa and action server; Telegram replaced by
the fake Bot API, which delivers updates to the webhook the gateway registered at start-up."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from bot.config import Settings
from bot.conversations.desk import BACK_TO_BOT
from bot.texts import text
from tests.channels.telegram.fake_bot_api import TOKEN, FakeBotApi, running_fake_bot_api
from tests.support.ports import free_port
from tests.support.stack import Stack, running_stack

pytestmark = pytest.mark.e2e

SECRET = "e2e-webhook_secret-42"


@pytest.fixture(scope="module")
def telegram(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Stack, FakeBotApi]]:
    port = free_port()
    with running_fake_bot_api() as api:
        env = {
            "PARCELDESK_PORT": str(port),
            "PARCELDESK_TELEGRAM_TOKEN": TOKEN,
            "PARCELDESK_TELEGRAM_API_URL": api.base_url,
            "PARCELDESK_TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram/webhook",
            "PARCELDESK_TELEGRAM_SECRET": SECRET,
        }
        with running_stack(Path(tmp_path_factory.mktemp("tg-webhook")), env) as stack:
            yield stack, api


def claims(stack: Stack) -> list[str]:
    path = Settings.from_env(stack.env).sync_database_url.split(":///", 1)[1]
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT update_id FROM processed_updates WHERE channel = 'telegram'")
        return [row[0] for row in rows]


def test_the_gateway_registers_its_webhook_and_commands_at_start_up(
    telegram: tuple[Stack, FakeBotApi],
) -> None:
    stack, api = telegram
    assert api.webhook_url == f"{stack.url}/telegram/webhook"
    assert api.webhook_secret == SECRET
    assert {c["command"] for c in api.commands} >= {"start", "track", "help", "human"}


def test_a_tracking_conversation_with_buttons(telegram: tuple[Stack, FakeBotApi]) -> None:
    _stack, api = telegram
    chat = 1001

    assert api.deliver_webhook(api.message_update(chat, "/start")) == 200
    api.wait_for(lambda: len(api.sent_to(chat)) >= 1, timeout=60)
    assert "tracking number" in api.texts_to(chat)[0]

    assert api.deliver_webhook(api.message_update(chat, "/track RR123456785CN")) == 200
    api.wait_for(lambda: len(api.sent_to(chat)) >= 2, timeout=60)
    status = api.texts_to(chat)[1]
    assert "RR123456785CN" in status and "transit" in status

    assert api.deliver_webhook(api.message_update(chat, "I did not receive my parcel")) == 200
    # The answer may come in several messages; the offer of a person carries the buttons.
    api.wait_for(lambda: "reply_markup" in api.sent_to(chat)[-1], timeout=60)
    offer = api.sent_to(chat)[-1]
    offered = len(api.sent_to(chat))
    buttons = {
        b["text"]: b["callback_data"]
        for row in offer["reply_markup"]["inline_keyboard"]
        for b in row
    }
    assert buttons["Talk to a person"] == "/request_human"

    press = api.button_update(chat, buttons["No, thanks"])
    assert api.deliver_webhook(press) == 200
    api.wait_for(lambda: len(api.sent_to(chat)) > offered, timeout=60)
    answered = [c.params["callback_query_id"] for c in api.calls_of("answerCallbackQuery")]
    assert press["callback_query"]["id"] in answered
    assert "Anything else" in api.texts_to(chat)[offered]
    typing = [c for c in api.calls_of("sendChatAction") if c.params["chat_id"] == chat]
    assert len(typing) >= 4, "typing shows for every turn that goes to Rasa"


def test_a_webhook_update_delivered_twice_is_answered_once(
    telegram: tuple[Stack, FakeBotApi],
) -> None:
    stack, api = telegram
    chat = 1002
    update = api.message_update(chat, "/track RR123456785CN")
    assert api.deliver_webhook(update) == 200
    assert api.deliver_webhook(update) == 200  # Telegram's retry
    api.wait_for(lambda: len(api.sent_to(chat)) >= 1, timeout=60)
    # A third delivery long after the first is also recognised.
    assert api.deliver_webhook(update) == 200
    # A further update of the same chat: updates of one chat are handled in order, so once it
    # is answered, any answer to the duplicates would already be there.
    follow_up = api.message_update(chat, "/help")
    assert api.deliver_webhook(follow_up) == 200
    api.wait_for(lambda: text("telegram.help") in api.texts_to(chat), timeout=60)

    texts = api.texts_to(chat)
    assert len(texts) == 2, texts
    assert "RR123456785CN" in texts[0] and texts[1] == text("telegram.help")
    assert claims(stack).count(str(update["update_id"])) == 1


def test_a_wrong_secret_is_rejected(telegram: tuple[Stack, FakeBotApi]) -> None:
    stack, api = telegram
    chat = 1003
    wrong = api.message_update(chat, "/track RR123456785CN")
    assert api.deliver_webhook(wrong, secret="wrong-secret") == 403
    assert api.deliver_webhook(wrong, secret="") == 403
    assert str(wrong["update_id"]) not in claims(stack)
    # The same update with the right secret is still answered: the rejection claimed nothing.
    assert api.deliver_webhook(wrong) == 200
    api.wait_for(lambda: len(api.sent_to(chat)) >= 1, timeout=60)
    assert len(api.sent_to(chat)) == 1


# ---- a person takes over (issue 10) -----------------------------------------------------------

PASSWORD = "correct horse battery staple"


@contextmanager
def console(stack: Stack, name: str) -> Iterator[httpx.Client]:
    """An agent logged in to the console API of the stack's gateway (created with the CLI)."""
    subprocess.run(
        [sys.executable, "-m", "bot.cli", "agents", "add", name, "--password-stdin"],
        input=PASSWORD + "\n",
        env=stack.env,
        cwd=Path(__file__).resolve().parents[3],
        text=True,
        capture_output=True,
        check=True,
    )
    with httpx.Client(base_url=f"{stack.url}/console/api", timeout=60.0) as client:
        login = client.post("/session", json={"name": name, "password": PASSWORD})
        assert login.status_code == 200, login.text
        client.headers["X-CSRF-Token"] = login.json()["csrf_token"]
        yield client


def buyer_events(client: httpx.Client, conversation_id: str) -> list[dict]:
    response = client.get(f"/conversations/{conversation_id}/events", params={"after": 0})
    assert response.status_code == 200, response.text
    return [e for e in response.json()["events"] if e["kind"] == "message"]


def test_a_telegram_buyer_asks_for_a_person_an_agent_answers_and_hands_back(
    telegram: tuple[Stack, FakeBotApi],
) -> None:
    stack, api = telegram
    chat = 1004
    conversation_id = f"telegram:{chat}"

    # The buyer asks for a person: the bot says so, then the queue notice with the way back.
    assert api.deliver_webhook(api.message_update(chat, "/human")) == 200
    api.wait_for(lambda: any("reply_markup" in m for m in api.sent_to(chat)), timeout=60)
    notice = api.sent_to(chat)[-1]
    back = notice["reply_markup"]["inline_keyboard"][0][0]
    assert (back["text"], back["callback_data"]) == (text("handoff.back_button"), BACK_TO_BOT)
    assert "person" in api.texts_to(chat)[0]
    told_before_agent = len(api.sent_to(chat))

    with console(stack, "Ann") as ann, console(stack, "Ben") as ben:
        pending = ann.get("/conversations", params={"status": "pending"}).json()
        assert conversation_id in [c["id"] for c in pending["conversations"]]

        # Both claim at the same moment: exactly one wins, the other is told who.
        start = threading.Barrier(2)

        def claim(client: httpx.Client) -> httpx.Response:
            start.wait()
            return client.post(f"/conversations/{conversation_id}/claim")

        with ThreadPoolExecutor(2) as pool:
            results = dict(zip(("Ann", "Ben"), pool.map(claim, (ann, ben)), strict=True))
        assert sorted(r.status_code for r in results.values()) == [200, 409]
        name = next(n for n, r in results.items() if r.status_code == 200)
        agent, other = (ann, ben) if name == "Ann" else (ben, ann)
        lost = next(r for r in results.values() if r.status_code == 409)
        assert name in lost.json()["error"]
        api.wait_for(lambda: len(api.sent_to(chat)) == told_before_agent + 1, timeout=30)

        refused = other.post(f"/conversations/{conversation_id}/messages", json={"text": "hi"})
        assert refused.status_code == 409
        words = f"Hello, I'm {name}. I have your parcel RR123456785CN open & will check <customs>."
        sent = agent.post(f"/conversations/{conversation_id}/messages", json={"text": words})
        assert sent.status_code == 200, sent.text
        assert sent.json()["event"]["delivery"] == "sent"
        # Synchronous: the reply was accepted by Telegram before the API answered.
        assert api.texts_to(chat).count(words) == 1
        (call,) = [
            c for c in api.calls_of("sendMessage") if c.params["text"].startswith("Hello, I")
        ]
        assert call.params["chat_id"] == chat

        # While the agent holds the conversation the bot stays silent.
        quiet = "thanks! why is there no update on my parcel?"
        assert api.deliver_webhook(api.message_update(chat, quiet)) == 200
        api.wait_for(
            lambda: any(
                e["text"] == quiet and e.get("status") == "human"
                for e in buyer_events(agent, conversation_id)
            ),
            timeout=60,
        )
        handed = agent.post(f"/conversations/{conversation_id}/handback")
        assert handed.status_code == 200, handed.text
        assert handed.json()["conversation"]["status"] == "bot"
        api.wait_for(lambda: len(api.sent_to(chat)) == told_before_agent + 3, timeout=30)

    # Back with the bot, which knows the parcel named while the agent had the conversation.
    assert api.deliver_webhook(api.message_update(chat, "why is there no update?")) == 200
    api.wait_for(lambda: len(api.sent_to(chat)) >= told_before_agent + 4, timeout=60)
    texts = api.texts_to(chat)
    assert texts[told_before_agent : told_before_agent + 3] == [
        text("handoff.agent_joined", name=name),
        words,
        text("handoff.agent_left", name=name),
    ], "nothing from the bot (nor the other agent) while an agent held the conversation"
    answer = " ".join(texts[told_before_agent + 3 :])
    assert "RR123456785CN" in answer, answer


# ---- languages ------------------------------------------------------------------------------

# Telegram's `language_code` is the app's language as an IETF tag.
TELEGRAM_CODES = {"en": "en", "es": "es", "de": "de", "fr": "fr", "pt": "pt-br", "ru": "ru"}


@pytest.mark.parametrize("lang", sorted(TELEGRAM_CODES))
def test_a_buyer_is_answered_in_their_language(
    telegram: tuple[Stack, FakeBotApi], lang: str
) -> None:
    from tests.e2e.language_cases import ASK, problems

    _stack, api = telegram
    chat = 3000 + sorted(TELEGRAM_CODES).index(lang)
    code = TELEGRAM_CODES[lang]
    assert api.deliver_webhook(api.message_update(chat, "/start", language_code=code)) == 200
    api.wait_for(lambda: len(api.texts_to(chat)) >= 1, timeout=60)
    # Telegram's /start says nothing in words: the app's language is the only hint.
    assert api.texts_to(chat)[0] == text("utter_greet", lang)
    assert api.deliver_webhook(api.message_update(chat, ASK[lang], language_code=code)) == 200
    api.wait_for(lambda: len(api.texts_to(chat)) >= 2, timeout=60)
    reply = "\n".join(api.texts_to(chat)[1:])
    assert problems(reply, lang) == [], reply
    # Its command menu is there in that language too.
    menu = api.menus["" if lang == "en" else lang]
    assert {c["command"]: c["description"] for c in menu}["track"] == text(
        "telegram.command.track", lang
    )


def test_a_language_switch_and_an_unoffered_language_on_telegram(
    telegram: tuple[Stack, FakeBotApi],
) -> None:
    _stack, api = telegram
    chat = 3100
    api.deliver_webhook(api.message_update(chat, "hola, dónde está mi paquete RR123456785CN?"))
    api.wait_for(lambda: len(api.texts_to(chat)) >= 1, timeout=60)
    assert api.deliver_webhook(api.message_update(chat, "/language ru")) == 200
    api.wait_for(lambda: text("language.switched", "ru") in api.texts_to(chat), timeout=60)
    chat = 3101
    api.deliver_webhook(
        api.message_update(chat, "ciao, dove si trova il mio pacco? non arriva", language_code="it")
    )
    api.wait_for(lambda: len(api.texts_to(chat)) >= 1, timeout=60)
    assert "Русский" in api.texts_to(chat)[0] and "Deutsch" in api.texts_to(chat)[0]
