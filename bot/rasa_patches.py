"""Performance patches for Rasa 3.6.21 (the last open-source release, so they live here).

Each patch was found with a profiler (py-spy on the Rasa process under bench/turns.py load)
and keeps Rasa's behaviour:

1. Action-response validation. `RemoteAction._validate_action_result` calls
   `jsonschema.validate()` on every action-server response, which checks the schema against the
   meta-schema and builds a new validator every call (about half of Rasa's CPU in a tracking
   turn). The patch checks the schema once, builds the validators once and validates each
   event against the one branch of the events schema its `event` name selects (the schema's
   `oneOf` branches are told apart by a required, unique `event` constant, so this accepts
   exactly what the `oneOf` accepts). A response it does not accept goes to Rasa's original
   function, so it is refused with Rasa's own `ValidationError` and message.
2. Action-server connections. `EndpointConfig.request` opens a new aiohttp session, hence a
   new TCP connection, for every action call. The patch gives each session a shared
   keep-alive connector (per event loop); headers, auth and timeouts are unchanged.
3. SQLite tracker store. SQLAlchemy 1.4 opens a new SQLite connection per session (NullPool),
   several per turn, and Rasa leaves SQLite in rollback-journal mode with an fsync per commit.
   The patch pools the connections and sets WAL with synchronous=NORMAL (never corrupts;
   a power cut may lose the last commits). Other databases are untouched.

4. SQL tracker store queries. `SQLTrackerStore.save` builds an ORM query to count the stored
   events and adds each new event through the ORM unit of work (one INSERT per event, with
   the primary key read back); `_retrieve` loads every event as an ORM object to read its
   `data`. Together about a third of Rasa's CPU in a tracking turn. The patch runs the same
   SQL as Core statements built once (same count, same rows in the same order, one
   executemany for the new events) in Rasa's own session scope, and skips the database when
   the tracker has no events at all (Rasa would count and then store nothing).

5. Event classes by name. `Event.resolve_by_type` walks every subclass of `Event`
   (recursively, checking each for abstractness) for each event it turns back into an
   object: every event of every action response and of every tracker read from the store
   (3.5% of Rasa's CPU in a tracking turn). The patch remembers the class found for each
   name; defining a new `Event` subclass forgets them all, so a class added later is found as
   before. Unknown names, "topic" and calls with a `default` go to Rasa's function.

Patches 3 and 4 live in `bot/rasa_tracker_patches.py`. `tests/test_rasa_patches.py` fails when
a patched Rasa function changes (signature or source), so an upgrade cannot silently drop or
break a patch.
"""

from __future__ import annotations

import asyncio
import functools
import weakref
from collections.abc import Callable
from typing import Any

from bot.rasa_tracker_patches import (
    fast_retrieve,
    fast_save,
    pooled_sqlite_kwargs,
    sqlite_pragmas,
)

# sha256 of `upstream_source(...)` of each patched function in Rasa 3.6.21; the guard test
# compares them so a changed upstream function is noticed before it is patched over.
ORIGINAL_SOURCE_SHA256 = {
    "rasa.core.actions.action.RemoteAction._validate_action_result": (
        "24da0f6bdeb2d44f1f85da375a5aca57cd0a9fb2cdd5cfa722914761d759c018"
    ),
    "rasa.utils.endpoints.EndpointConfig.session": (
        "f6136492eac7ede36e18bfb9f7c205970b6a9eb4f27251cae2bba69d4c3c5581"
    ),
    "rasa.core.tracker_store.create_engine_kwargs": (
        "64e9eb72f600b7f3e39fc20400194dd73ebedd846c1a74bfdf5ee6406f1298cf"
    ),
    "rasa.core.tracker_store.SQLTrackerStore.save": (
        "ded301e08f4c708e8b3149783589904eb9b111e3a9c75fb574afb9e4ce4f9c80"
    ),
    "rasa.core.tracker_store.SQLTrackerStore._retrieve": (
        "78c7e08ac30924b63eb5b5a3a906bbc7deeb672d5f3642fd4b6f6ba72f9c43c8"
    ),
    "rasa.shared.core.events.Event.resolve_by_type": (
        "ffabe9999fc8f7f3c65533056a95af7a71f79d3565e5b43f507cc8128246d10f"
    ),
    # Not patched, but the patches repeat or rely on what they do.
    "rasa.shared.utils.common.all_subclasses": (
        "55ff0c71e7e3e3de0f3beaecea692049171a3c43d6c37e606fdbc702cbc5f78b"
    ),
    "rasa.core.tracker_store.SQLTrackerStore._event_query": (
        "6484d8ac7d14284bbee606c1b9ced470d3d87fe2c8a8833125bb70135a4518d9"
    ),
    "rasa.core.tracker_store.SQLTrackerStore._additional_events": (
        "5ad906f458419020a669e048e709c5ee19e706655374e14f13909f867e303dbb"
    ),
}

# --- 1. action-response validation ---------------------------------------------------------


class ResponseValidator:
    """Accepts exactly the action responses Rasa's schema accepts (`is_valid`), with the schema
    checked once and one small validator per event type."""

    def __init__(self, schema: dict[str, Any]) -> None:
        from jsonschema.validators import validator_for

        cls = validator_for(schema)
        cls.check_schema(schema)  # what validate() repeats on every call
        self._full = cls(schema)
        self._outer: Any = None
        self._branches: dict[str, Any] = {}
        split = _split_events_schema(schema)
        if split is not None:
            outer, branches = split
            self._outer = cls(outer)
            self._branches = {name: cls(branch) for name, branch in branches.items()}

    def is_valid(self, response: Any) -> bool:
        if self._outer is None:  # the schema no longer has the expected shape
            return self._full.is_valid(response)
        if not self._outer.is_valid(response):
            return False
        for event in response.get("events") or ():
            branch = self._branches.get(event["event"])
            if branch is None or not branch.is_valid(event):
                return False
        return True


def _split_events_schema(
    schema: dict[str, Any],
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]] | None:
    """The response schema without the events `oneOf`, and the branches by event name; None
    unless every branch pins a distinct `event` constant and the item requires `event`."""
    events = schema.get("properties", {}).get("events", {})
    items = events.get("items", {})
    branches = items.get("oneOf")
    if (
        not isinstance(branches, list)
        or items.get("type") != "object"
        or "event" not in items.get("required", ())
        or items.get("properties", {}).get("event") != {"type": "string"}
    ):
        return None
    by_name: dict[str, dict[str, Any]] = {}
    for branch in branches:
        pinned = branch.get("properties", {}).get("event", {})
        name = pinned.get("const") if set(pinned) == {"const"} else None
        if not isinstance(name, str) or name in by_name:
            return None
        by_name[name] = branch
    outer_items = {key: value for key, value in items.items() if key != "oneOf"}
    outer = {
        **schema,
        "properties": {**schema["properties"], "events": {**events, "items": outer_items}},
    }
    return outer, by_name


@functools.lru_cache(maxsize=1)
def response_validator() -> ResponseValidator:
    from rasa.core.actions.action import RemoteAction

    return ResponseValidator(RemoteAction.action_response_format_spec())


def _fast_validate(original: Callable[[Any, dict[str, Any]], bool]) -> Callable[..., bool]:
    @functools.wraps(original)
    def _validate_action_result(self: Any, result: dict[str, Any]) -> bool:
        if response_validator().is_valid(result):
            return True
        # Rare path: let Rasa raise its own ValidationError with its own message.
        return original(self, result)

    _validate_action_result.parceldesk_patched = True  # type: ignore[attr-defined]  # marker the tests check
    return _validate_action_result


# --- 2. action-server connections ----------------------------------------------------------

_connectors: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any] = weakref.WeakKeyDictionary()


def shared_connector() -> Any:
    """One keep-alive aiohttp connector per running event loop."""
    import aiohttp

    loop = asyncio.get_running_loop()
    connector = _connectors.get(loop)
    if connector is None or connector.closed:
        # Idle connections close after 2 s, before the action server's (Sanic) 5 s: a request
        # never lands on a connection the server is closing.
        connector = aiohttp.TCPConnector(limit=100, keepalive_timeout=2)
        _connectors[loop] = connector
    return connector


def _pooled_session(self: Any) -> Any:
    """Rasa's `EndpointConfig.session()` (same headers, auth and timeout) on the shared
    connector; closing the session leaves the connector and its connections open."""
    import aiohttp
    from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT

    auth = None
    if self.basic_auth:
        auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
    return aiohttp.ClientSession(
        headers=self.headers,
        auth=auth,
        timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
        connector=shared_connector(),
        connector_owner=False,
    )


_pooled_session.parceldesk_patched = True  # type: ignore[attr-defined]  # marker the tests check


# --- 5. event classes by name -----------------------------------------------------------

_event_classes: dict[str, Any] = {}


def _forget_event_classes(cls: Any, **kwargs: Any) -> None:
    """`Event.__init_subclass__` while patched: a new event class may change any answer."""
    from rasa.shared.core.events import Event

    _event_classes.clear()
    super(Event, cls).__init_subclass__(**kwargs)


def _cached_resolve(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def resolve_by_type(type_name: str, default: Any = None) -> Any:
        if default is not None:
            return original(type_name, default)
        found = _event_classes.get(type_name)
        if found is None:
            found = original(type_name)  # raises for an unknown name, as before
            if found is not None:
                _event_classes[type_name] = found
        return found

    resolve_by_type.parceldesk_patched = True  # type: ignore[attr-defined]  # marker the tests check
    return resolve_by_type


# (owner, attribute, factory of the replacement from the original)
def _targets() -> list[tuple[Any, str, Callable[[Any], Any]]]:
    from rasa.core import tracker_store
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.events import Event
    from rasa.utils.endpoints import EndpointConfig

    return [
        (RemoteAction, "_validate_action_result", _fast_validate),
        (EndpointConfig, "session", lambda _original: _pooled_session),
        (tracker_store, "create_engine_kwargs", pooled_sqlite_kwargs),
        (tracker_store.SQLTrackerStore, "save", fast_save),
        (tracker_store.SQLTrackerStore, "_retrieve", fast_retrieve),
        # A staticmethod: patched as one, around its function.
        (Event, "resolve_by_type", lambda o: staticmethod(_cached_resolve(o.__func__))),
    ]


_originals: list[tuple[Any, str, Any]] = []


def apply() -> None:
    """Install the patches in this process (idempotent). Call before Rasa builds its agent."""
    from rasa.shared.core.events import Event
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    if _originals:
        return
    for owner, name, replacement in _targets():
        original = owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
        _originals.append((owner, name, original))
        setattr(owner, name, replacement(original))
    event.listen(Engine, "connect", sqlite_pragmas)
    assert "__init_subclass__" not in Event.__dict__  # Rasa defines none; ours is removable
    Event.__init_subclass__ = classmethod(_forget_event_classes)


def revert() -> None:
    """Undo `apply()` (for tests that compare against Rasa's own behaviour)."""
    from rasa.shared.core.events import Event
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    while _originals:
        owner, name, original = _originals.pop()
        setattr(owner, name, original)
    if event.contains(Engine, "connect", sqlite_pragmas):
        event.remove(Engine, "connect", sqlite_pragmas)
    if "__init_subclass__" in Event.__dict__:
        del Event.__init_subclass__
    _event_classes.clear()


def upstream_source(qualname: str) -> str:
    """The source text of a Rasa function as installed (read from its file, so it is the
    upstream code even while the patch is applied)."""
    import ast
    import importlib.util

    parts = qualname.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            spec = importlib.util.find_spec(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        if spec is not None and spec.origin:
            break
    else:
        raise LookupError(qualname)
    with open(spec.origin, encoding="utf-8") as file:
        source = file.read()
    node: Any = ast.parse(source)
    for name in parts[cut:]:
        node = next(
            child
            for child in node.body
            if isinstance(child, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and child.name == name
        )
    return ast.get_source_segment(source, node) or ""
