"""A local stand-in for the Telegram Bot API, for tests.

It speaks the Bot API's JSON (`{"ok": true, "result": ...}` / `{"ok": false, "error_code": ...,
"description": ...}`) for getMe, setWebhook, deleteWebhook, getWebhookInfo, getUpdates,
sendMessage, sendChatAction, answerCallbackQuery and setMyCommands, records every call, and
enforces the documented limits a real bot runs into: 4096 characters per message, 64 bytes of
callback_data, well-formed HTML in parse mode HTML, 403 for a chat that blocked the bot, and
409 for getUpdates while a webhook is set. Like Telegram it can deliver updates to the
registered webhook with the registered secret.

PTB is pointed at it with `base_url=fake.base_url` (`http://127.0.0.1:<port>/bot`).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.support.ports import free_port

BOT_ID = 7000001
BOT_USERNAME = "parceldesk_test_bot"
TOKEN = f"{BOT_ID}:TEST-token_for-the-fake-api"

_JSON_FIELDS = {
    "reply_markup",
    "allowed_updates",
    "commands",
    "reply_parameters",
    "offset",
    "timeout",
    "limit",
    "chat_id",
    "drop_pending_updates",
    "max_connections",
}
_ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-emoji",
}
_TAG = re.compile(r"<(/?)([a-zA-Z-]+)((?:\s[^<>]*)?)>")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")
_ENTITY_VALUES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: dict | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float


@dataclass
class _Failure:
    method: str
    code: int
    description: str
    parameters: dict | None
    remaining: int


@dataclass
class FakeBotApi:
    """State of the fake Telegram; methods are safe to call from the test thread."""

    token: str = TOKEN
    port: int = 0
    calls: list[Call] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    blocked_chats: set[int] = field(default_factory=set)
    webhook_url: str = ""
    webhook_secret: str = ""
    commands: list[dict[str, Any]] = field(default_factory=list)
    # setMyCommands per language_code ("" is the default menu).
    menus: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    closing: bool = False  # ends pending long polls so the server stops at once
    _failures: list[_Failure] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _update_ids: Iterator[int] = field(default_factory=lambda: itertools.count(900_001))
    _message_ids: Iterator[int] = field(default_factory=lambda: itertools.count(5001))

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    # ---- inspection ------------------------------------------------------------------------

    def calls_of(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def sent_to(self, chat_id: int) -> list[dict[str, Any]]:
        """sendMessage parameters that Telegram accepted for `chat_id`, in order."""
        return [
            c.params
            for c in self.calls_of("sendMessage")
            if c.params.get("chat_id") == chat_id and c.params.get("_accepted")
        ]

    def texts_to(self, chat_id: int) -> list[str]:
        """The visible texts the chat received."""
        return [visible_text(p["text"], p.get("parse_mode")) for p in self.sent_to(chat_id)]

    def wait_for(self, predicate: Any, timeout: float = 30.0) -> None:
        """Wait until `predicate()` is true (the channel works in the background)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.05)
        raise AssertionError(f"timed out after {timeout} s; calls: {self.summary()}")

    async def until(self, predicate: Any, timeout: float = 30.0) -> None:
        """`wait_for` for async tests (does not block the event loop)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"timed out after {timeout} s; calls: {self.summary()}")

    def summary(self) -> list[tuple[str, Any]]:
        with self._lock:
            return [(c.method, c.params.get("text", c.params.get("chat_id"))) for c in self.calls]

    # ---- scripting -------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        code: int,
        description: str,
        *,
        parameters: dict | None = None,
        times: int = 1,
    ) -> None:
        """Make the next `times` calls of `method` fail like Telegram would."""
        with self._lock:
            self._failures.append(_Failure(method, code, description, parameters, times))

    def flood_next_send(self, retry_after: int = 1, times: int = 1) -> None:
        self.fail_next(
            "sendMessage",
            429,
            f"Too Many Requests: retry after {retry_after}",
            parameters={"retry_after": retry_after},
            times=times,
        )

    def message_update(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        chat_type: str = "private",
        reply_to_bot: bool = False,
        language_code: str = "en",
    ) -> dict[str, Any]:
        """A `message` update as Telegram sends it, with bot_command and mention entities;
        `language_code` is the user's Telegram app language (IETF tag, e.g. "pt-br")."""
        user_id = user_id if user_id is not None else chat_id
        user = {
            "id": user_id,
            "is_bot": False,
            "first_name": "Buyer",
            "language_code": language_code,
        }
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = "Buyer"
        else:
            chat["title"] = "Parcel group"
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": user,
            "text": text,
        }
        entities = _entities(text)
        if entities:
            message["entities"] = entities
        if reply_to_bot:
            message["reply_to_message"] = {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": chat,
                "from": _bot_user(),
                "text": "Which parcel?",
            }
        return {"update_id": next(self._update_ids), "message": message}

    def button_update(
        self, chat_id: int, callback_data: str, *, message_id: int = 1
    ) -> dict[str, Any]:
        """A `callback_query` update: the buyer pressed a button under one of our messages."""
        return {
            "update_id": next(self._update_ids),
            "callback_query": {
                "id": f"cbq-{next(self._update_ids)}",
                "from": {"id": chat_id, "is_bot": False, "first_name": "Buyer"},
                "chat_instance": f"ci-{chat_id}",
                "data": callback_data,
                "message": {
                    "message_id": message_id,
                    "date": int(time.time()),
                    "chat": {"id": chat_id, "type": "private", "first_name": "Buyer"},
                    "from": _bot_user(),
                    "text": "Choose",
                },
            },
        }

    def queue_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Offer an update to getUpdates (polling mode)."""
        with self._lock:
            self.updates.append(update)
        return update

    def deliver_webhook(self, update: dict[str, Any], *, secret: str | None = None) -> int:
        """POST an update to the registered webhook like Telegram does; returns the status."""
        assert self.webhook_url, "no webhook registered"
        headers = {"X-Telegram-Bot-Api-Secret-Token": self.webhook_secret}
        if secret is not None:
            headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
        response = httpx.post(self.webhook_url, json=update, headers=headers, timeout=30.0)
        return response.status_code

    # ---- the API ---------------------------------------------------------------------------

    def _take_failure(self, method: str) -> _Failure | None:
        with self._lock:
            for failure in self._failures:
                if failure.method == method and failure.remaining > 0:
                    failure.remaining -= 1
                    return failure
        return None

    async def handle(self, method: str, params: dict[str, Any]) -> Any:
        call = Call(method, params, time.monotonic())
        with self._lock:
            self.calls.append(call)
        failure = self._take_failure(method)
        if failure is not None:
            raise ApiError(failure.code, failure.description, failure.parameters)
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            raise ApiError(404, "Not Found: method not found")
        result = await handler(params)
        if method == "sendMessage":
            params["_accepted"] = True
        return result

    async def _api_getMe(self, _params: dict) -> dict:
        return {
            **_bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _api_setWebhook(self, params: dict) -> bool:
        url = params.get("url", "")
        if url and not url.startswith(("http://", "https://")):
            raise ApiError(400, "Bad Request: bad webhook: invalid URL")
        secret = params.get("secret_token", "")
        if secret and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        self.webhook_url, self.webhook_secret = url, secret
        return True

    async def _api_deleteWebhook(self, params: dict) -> bool:
        self.webhook_url, self.webhook_secret = "", ""
        if params.get("drop_pending_updates"):
            with self._lock:
                self.updates.clear()
        return True

    async def _api_getWebhookInfo(self, _params: dict) -> dict:
        return {"url": self.webhook_url, "has_custom_certificate": False, "pending_update_count": 0}

    async def _api_getUpdates(self, params: dict) -> list:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                # Telegram forgets updates below the offset: they are confirmed.
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
                ready = list(self.updates)
            if ready or self.closing or time.monotonic() >= deadline:
                return ready
            await asyncio.sleep(0.05)

    async def _api_sendMessage(self, params: dict) -> dict:
        chat_id = params.get("chat_id")
        if chat_id in self.blocked_chats:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        text = params.get("text", "")
        visible = visible_text(text, params.get("parse_mode"))
        if not visible.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(visible.encode("utf-16-le")) // 2 > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        markup = params.get("reply_markup") or {}
        for row in markup.get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
            "from": _bot_user(),
            "text": visible,
        }

    async def _api_sendChatAction(self, params: dict) -> bool:
        if params.get("chat_id") in self.blocked_chats:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return True

    async def _api_answerCallbackQuery(self, _params: dict) -> bool:
        return True

    async def _api_setMyCommands(self, params: dict) -> bool:
        commands = params.get("commands") or []
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command.get("command", "")):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        # Bot API: a two-letter ISO 639-1 code, or empty/absent for the default menu.
        language_code = params.get("language_code") or ""
        if language_code and not re.fullmatch(r"[a-z]{2}", language_code):
            raise ApiError(400, "Bad Request: invalid language code specified")
        self.menus[language_code] = commands
        if not language_code:
            self.commands = commands
        return True


def visible_text(text: str, parse_mode: str | None) -> str:
    """What the buyer sees: for HTML parse mode the text without tags, entities decoded.
    Raises ApiError like Telegram for markup it cannot parse."""
    if parse_mode is None:
        return text
    if parse_mode != "HTML":
        raise AssertionError(f"the fake only understands HTML parse mode, not {parse_mode}")
    stack: list[str] = []
    out: list[str] = []
    position = 0
    for match in _TAG.finditer(text):
        out.append(_decode_entities(text[position : match.start()]))
        closing, name = match.group(1), match.group(2).lower()
        if name not in _ALLOWED_TAGS:
            raise ApiError(400, f"Bad Request: can't parse entities: unsupported start tag {name}")
        if closing:
            if not stack or stack.pop() != name:
                raise ApiError(400, f"Bad Request: can't parse entities: unmatched end tag {name}")
        else:
            stack.append(name)
        position = match.end()
    out.append(_decode_entities(text[position:]))
    if stack:
        raise ApiError(400, f"Bad Request: can't parse entities: unclosed tag {stack[-1]}")
    return "".join(out)


def _decode_entities(chunk: str) -> str:
    if "<" in chunk or ">" in chunk:
        raise ApiError(400, "Bad Request: can't parse entities: unexpected < or >")
    pieces: list[str] = []
    position = 0
    for match in _ENTITY.finditer(chunk):
        before = chunk[position : match.start()]
        if "&" in before:
            raise ApiError(400, "Bad Request: can't parse entities: bare &")
        pieces.append(before)
        name = match.group(1)
        if name.startswith("#x"):
            pieces.append(chr(int(name[2:], 16)))
        elif name.startswith("#"):
            pieces.append(chr(int(name[1:])))
        else:
            pieces.append(_ENTITY_VALUES[name])
        position = match.end()
    rest = chunk[position:]
    if "&" in rest:
        raise ApiError(400, "Bad Request: can't parse entities: bare &")
    pieces.append(rest)
    return "".join(pieces)


def _bot_user() -> dict[str, Any]:
    return {"id": BOT_ID, "is_bot": True, "first_name": "ParcelDesk", "username": BOT_USERNAME}


def _utf16_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


def _entities(text: str) -> list[dict[str, Any]]:
    """bot_command at the start and @mentions, with UTF-16 offsets like Telegram's."""
    entities = []
    command = re.match(r"/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?", text)
    if command:
        entities.append({"type": "bot_command", "offset": 0, "length": len(command.group(0))})
    # Like Telegram: "@name" counts only as a word of its own (not inside an e-mail address).
    for mention in re.finditer(r"(?<![A-Za-z0-9_])@[A-Za-z0-9_]{5,32}(?![A-Za-z0-9_@])", text):
        if command and mention.start() < command.end():
            continue
        entities.append(
            {
                "type": "mention",
                "offset": _utf16_offset(text, mention.start()),
                "length": _utf16_offset(text, mention.end()) - _utf16_offset(text, mention.start()),
            }
        )
    return entities


def _parse_params(raw: dict[str, Any]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if key in _JSON_FIELDS and isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        params[key] = value
    return params


def make_app(api: FakeBotApi) -> Starlette:
    async def endpoint(request: Request) -> JSONResponse:
        if request.path_params["token"] != api.token:
            return JSONResponse(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status_code=401
            )
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("application/json"):
            raw = await request.json()
        else:
            # PTB sends url-encoded forms (nested values as JSON) when no file is attached.
            raw = dict(parse_qsl((await request.body()).decode(), keep_blank_values=True))
        try:
            result = await api.handle(request.path_params["method"], _parse_params(raw))
        except ApiError as exc:
            body: dict[str, Any] = {
                "ok": False,
                "error_code": exc.code,
                "description": exc.description,
            }
            if exc.parameters:
                body["parameters"] = exc.parameters
            return JSONResponse(body, status_code=exc.code)
        return JSONResponse({"ok": True, "result": result})

    return Starlette(
        routes=[Route("/bot{token}/{method}", endpoint, methods=["GET", "POST"])],
    )


@contextmanager
def running_fake_bot_api() -> Iterator[FakeBotApi]:
    """Serve a fresh fake Bot API on a free loopback port in a background thread."""
    api = FakeBotApi(port=free_port())
    config = uvicorn.Config(
        make_app(api),
        host="127.0.0.1",
        port=api.port,
        log_level="warning",
        lifespan="off",
        # Rasa pins an old `websockets`; the fake needs no WebSocket support anyway.
        ws="none",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("fake Bot API did not start")
        time.sleep(0.02)
    try:
        yield api
    finally:
        api.closing = True
        server.should_exit = True
        thread.join(10)
