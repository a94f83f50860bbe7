"""Guards for bot.rasa_patches: the patched Rasa functions are still the ones the patches were
written for, and the patched Rasa behaves like Rasa (same responses accepted, malformed ones
refused with Rasa's error) while doing less work."""

from __future__ import annotations

import contextlib
import copy
import hashlib
import inspect
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from jsonschema import ValidationError
from jsonschema.validators import validator_for

from bot import rasa_patches
from tests.support.ports import free_port


@pytest.fixture
def patched() -> Iterator[None]:
    rasa_patches.apply()
    try:
        yield
    finally:
        rasa_patches.revert()


@pytest.mark.parametrize("qualname", sorted(rasa_patches.ORIGINAL_SOURCE_SHA256))
def test_it_fails_when_a_patched_rasa_function_changes(qualname: str) -> None:
    source = rasa_patches.upstream_source(qualname)
    digest = hashlib.sha256(source.encode()).hexdigest()
    assert digest == rasa_patches.ORIGINAL_SOURCE_SHA256[qualname], (
        f"{qualname} changed upstream; re-check bot/rasa_patches.py against it:\n{source}"
    )


def test_it_keeps_the_signatures_of_the_patched_functions(patched: None) -> None:
    from rasa.core import tracker_store
    from rasa.core.actions.action import RemoteAction
    from rasa.utils.endpoints import EndpointConfig

    assert str(inspect.signature(RemoteAction._validate_action_result)) == (
        "(self, result: Dict[str, Any]) -> bool"
    )
    assert list(inspect.signature(EndpointConfig.session).parameters) == ["self"]
    assert list(inspect.signature(tracker_store.create_engine_kwargs).parameters) == ["url"]
    assert list(inspect.signature(tracker_store.SQLTrackerStore.save).parameters) == [
        "self",
        "tracker",
    ]
    assert list(inspect.signature(tracker_store.SQLTrackerStore._retrieve).parameters) == [
        "self",
        "sender_id",
        "fetch_events_from_all_sessions",
    ]
    assert RemoteAction._validate_action_result.parceldesk_patched
    assert EndpointConfig.session.parceldesk_patched
    assert tracker_store.create_engine_kwargs.parceldesk_patched
    assert tracker_store.SQLTrackerStore.save.parceldesk_patched
    assert tracker_store.SQLTrackerStore._retrieve.parceldesk_patched

    from rasa.shared.core.events import Event

    assert list(inspect.signature(Event.resolve_by_type).parameters) == ["type_name", "default"]
    assert isinstance(Event.__dict__["resolve_by_type"], staticmethod)
    assert Event.resolve_by_type.parceldesk_patched


def test_it_installs_and_removes_the_patches() -> None:
    from rasa.core.actions.action import RemoteAction

    original = RemoteAction.__dict__["_validate_action_result"]
    rasa_patches.apply()
    rasa_patches.apply()  # idempotent
    assert RemoteAction.__dict__["_validate_action_result"] is not original
    rasa_patches.revert()
    assert RemoteAction.__dict__["_validate_action_result"] is original


# --- validation ----------------------------------------------------------------------------

SLOT = {"event": "slot", "name": "tracking_number", "value": "RR123456785CN", "timestamp": None}
VALID = [
    {},
    {"events": [], "responses": []},
    {
        "events": [
            SLOT,
            {"event": "active_loop", "name": "tracking_form"},
            {"event": "followup", "name": "action_track_parcel"},
            {"event": "bot", "text": "hello", "data": {"buttons": []}, "metadata": {}},
            {"event": "user", "text": "hi", "parse_data": {"intent": {"name": "greet"}}},
            {"event": "session_started", "timestamp": 1.5},
            {"event": "reset_slots"},
        ],
        "responses": [{"text": "Parcel RR123456785CN: in transit", "buttons": []}],
    },
]
MALFORMED = [
    [],
    "events",
    {"events": "not a list"},
    {"events": [{"name": "no event key"}]},
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"event": 7}]},
    {"events": [{"event": "slot", "name": "missing value"}]},
    {"events": [{"event": "slot", "name": "x", "value": 1, "timestamp": "yesterday"}]},
    {"events": [SLOT, {"event": "user", "text": 5}]},
    {"events": [{"event": "session_started", "metadata": "not an object"}]},
    {"responses": ["not an object"]},
    {"responses": {"text": "not a list"}},
]


def _schema() -> dict[str, Any]:
    from rasa.core.actions.action import RemoteAction

    return RemoteAction.action_response_format_spec()


@pytest.mark.parametrize("response", VALID + MALFORMED)
def test_it_accepts_exactly_what_rasas_schema_accepts(response: Any) -> None:
    schema = copy.deepcopy(_schema())
    expected = validator_for(schema)(schema).is_valid(response)
    assert rasa_patches.ResponseValidator(schema).is_valid(response) is expected
    assert expected is (response in VALID)


def test_it_uses_the_whole_schema_when_the_events_schema_changes_shape() -> None:
    schema = copy.deepcopy(_schema())
    # A branch not pinned by an `event` constant: the split no longer holds.
    schema["properties"]["events"]["items"]["oneOf"].append(
        {"properties": {"event": {"enum": ["custom"]}}}
    )
    validator = rasa_patches.ResponseValidator(schema)
    assert validator._outer is None
    assert validator.is_valid(VALID[2])
    assert validator.is_valid({"events": [{"event": "custom"}]})
    assert not validator.is_valid(MALFORMED[4])


@pytest.mark.parametrize("response", VALID)
def test_it_still_accepts_valid_action_responses(patched: None, response: Any) -> None:
    from rasa.core.actions.action import RemoteAction

    assert RemoteAction("action_track_parcel", None)._validate_action_result(response) is True


@pytest.mark.parametrize("response", MALFORMED)
def test_it_still_refuses_malformed_responses_with_rasas_error(
    patched: None, response: Any
) -> None:
    from rasa.core.actions.action import RemoteAction

    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        RemoteAction("action_track_parcel", None)._validate_action_result(response)


def test_it_checks_the_schema_once_not_per_response(
    patched: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rasa.core.actions.action import RemoteAction

    rasa_patches.response_validator()  # built (and the schema checked) on first use
    checks: list[object] = []
    cls = validator_for(_schema())
    monkeypatch.setattr(cls, "check_schema", classmethod(lambda c, s, **kw: checks.append(s)))
    action = RemoteAction("action_track_parcel", None)
    for _ in range(3):
        action._validate_action_result(VALID[2])
    assert checks == []


# --- through a real action server over HTTP ------------------------------------------------


@pytest.fixture
async def action_server() -> Any:
    """A minimal HTTP action server: answers with whatever the test put in `answers`."""
    answers: list[Any] = []
    peers: list[object] = []

    async def webhook(request: web.Request) -> web.Response:
        peers.append(request.transport.get_extra_info("peername"))
        await request.json()
        return web.json_response(answers.pop(0))

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}/webhook", answers, peers
    finally:
        await runner.cleanup()


def _tracker_and_domain() -> tuple[Any, Any]:
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = Domain.from_yaml(
        "version: '3.1'\nslots:\n  tracking_number:\n    type: text\n    mappings: []\n"
        "actions:\n  - action_track_parcel\n"
    )
    return DialogueStateTracker("guard", domain.slots), domain


async def _run_action(url: str) -> list[Any]:
    from rasa.core.actions.action import RemoteAction
    from rasa.core.channels import CollectingOutputChannel
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator
    from rasa.utils.endpoints import EndpointConfig

    tracker, domain = _tracker_and_domain()
    action = RemoteAction("action_track_parcel", EndpointConfig(url))
    return await action.run(
        CollectingOutputChannel(), TemplatedNaturalLanguageGenerator({}), tracker, domain
    )


async def test_it_refuses_a_malformed_action_server_response(
    patched: None, action_server: Any
) -> None:
    url, answers, _ = action_server
    answers.append({"events": [{"event": "slot", "name": "tracking_number"}], "responses": []})
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        await _run_action(url)


async def test_it_runs_a_valid_action_and_reuses_the_connection(
    patched: None, action_server: Any
) -> None:
    from rasa.shared.core.events import BotUttered, SlotSet

    url, answers, peers = action_server
    answer = {"events": [SLOT], "responses": [{"text": "in transit"}]}
    answers.extend([answer, json.loads(json.dumps(answer))])
    first = await _run_action(url)
    second = await _run_action(url)
    assert [type(e) for e in first] == [BotUttered, SlotSet] == [type(e) for e in second]
    assert first[1].value == "RR123456785CN"
    assert peers[0] == peers[1]  # one keep-alive connection, not one per call


# --- SQLite tracker store ------------------------------------------------------------------


def test_it_pools_sqlite_tracker_connections_in_wal_mode(patched: None, tmp_path: Path) -> None:
    from rasa.core import tracker_store
    from rasa.shared.core.events import SlotSet, UserUttered
    from sqlalchemy.pool import QueuePool

    original = next(o for _, name, o in rasa_patches._originals if name == "create_engine_kwargs")
    assert tracker_store.create_engine_kwargs("postgresql://u@h/db") == (
        original("postgresql://u@h/db")
    )
    tracker, domain = _tracker_and_domain()
    store = tracker_store.SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "t.db"))
    assert isinstance(store.engine.pool, QueuePool)
    tracker.update(UserUttered("hi"))
    tracker.update(SlotSet("tracking_number", "RR123456785CN"))

    import asyncio

    asyncio.run(store.save(tracker))
    again = asyncio.run(store.retrieve("guard"))
    assert again is not None and again.get_slot("tracking_number") == "RR123456785CN"
    with sqlite3.connect(tmp_path / "t.db") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.engine.dispose()


# --- SQL tracker store queries -------------------------------------------------------------


def _scenario_steps() -> list[list[Any]]:
    """Events added between saves: a first turn, a second turn, a save with nothing new, a new
    session, a slot reset and another message (so the "latest session" filter and the count
    of stored events both matter)."""
    from rasa.shared.core.events import (
        ActionExecuted,
        BotUttered,
        SessionStarted,
        SlotSet,
        UserUttered,
    )

    def user(text: str, intent: str, at: float) -> Any:
        return UserUttered(text, {"name": intent, "confidence": 0.9}, timestamp=at)

    return [
        [
            ActionExecuted("action_session_start", timestamp=1.0),
            SessionStarted(timestamp=1.0),
            ActionExecuted("action_listen", timestamp=1.0),
            user("where is RR123456785CN", "track_parcel", 2.0),
            SlotSet("tracking_number", "RR123456785CN", timestamp=2.1),
        ],
        [
            ActionExecuted("action_track_parcel", timestamp=2.2),
            BotUttered("in transit", {"buttons": []}, timestamp=2.3),
            ActionExecuted("action_listen", timestamp=2.4),
        ],
        [],
        [
            ActionExecuted("action_session_start", timestamp=9.0),
            SessionStarted(timestamp=9.0),
            ActionExecuted("action_listen", timestamp=9.0),
            user("hi", "greet", 9.5),
        ],
        [SlotSet("tracking_number", None, timestamp=9.6), user("thanks", "thank", 9.7)],
    ]


def _rows(store: Any) -> list[tuple[Any, ...]]:
    import sqlalchemy as sa

    table = store.SQLEvent.__table__
    with store.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sa.select(table).order_by(table.c.id))]


async def _play(store: Any, patched_steps: set[int]) -> list[Any]:
    """Save the scenario step by step, with the patched functions in the steps named (Rasa's
    own in the others); after each save, what the store gives back (latest session and all
    sessions) and the rows of the events table."""
    from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

    seen: list[Any] = []
    tracker = DialogueStateTracker("guard", store.domain.slots)
    empty = DialogueStateTracker("nobody", store.domain.slots)
    for index, step in enumerate(_scenario_steps()):
        if index in patched_steps:
            rasa_patches.apply()
        try:
            for event in step:
                tracker.update(event)
            await store.save(tracker)
            await store.save(empty)  # a tracker without events stores nothing
            trackers = [
                await store.retrieve("guard"),
                await store.retrieve_full_tracker("guard"),
                await store.retrieve("nobody"),
            ]
        finally:
            rasa_patches.revert()
        states = [t.current_state(EventVerbosity.ALL) if t else None for t in trackers]
        seen.append((states, _rows(store)))
    return seen


def _store(url: str) -> Any:
    from rasa.core import tracker_store
    from sqlalchemy.engine import make_url

    _, domain = _tracker_and_domain()
    parsed = make_url(url)
    return tracker_store.SQLTrackerStore(
        domain,
        dialect=parsed.drivername,
        host=parsed.host,
        port=parsed.port,
        db=parsed.database,
        username=parsed.username,
        password=parsed.password,
    )


@contextlib.contextmanager
def _database(kind: str, tmp_path: Path, name: str) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / name}"
        return
    from tests.support.postgres import fresh_database

    with fresh_database() as url:
        yield url


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
@pytest.mark.parametrize("patched_steps", [{0, 1, 2, 3, 4}, {1, 3}, {0, 2, 4}])
async def test_the_tracker_store_stores_and_returns_what_rasa_does(
    kind: str, patched_steps: set[int], tmp_path: Path
) -> None:
    with (
        _database(kind, tmp_path, "rasa.db") as rasa_url,
        _database(kind, tmp_path, "mixed.db") as mixed_url,
    ):
        rasa_store, mixed_store = _store(rasa_url), _store(mixed_url)
        try:
            expected = await _play(rasa_store, set())
            assert await _play(mixed_store, patched_steps) == expected
        finally:
            rasa_store.engine.dispose()
            mixed_store.engine.dispose()
    assert expected[-1][0][0] != expected[-1][0][1]  # the session filter did something
    # 14 events, 22 rows: a tracker holding two sessions has its older events stored again
    # (Rasa counts only the latest session's); the patch keeps that too.
    assert len(expected[-1][1]) == 22


async def test_the_tracker_store_runs_core_statements_not_orm_units_of_work(
    patched: None, tmp_path: Path
) -> None:
    import sqlalchemy as sa
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    store = _store(f"sqlite:///{tmp_path / 't.db'}")
    statements: list[str] = []
    sa.event.listen(store.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    tracker = DialogueStateTracker("guard", store.domain.slots)
    await store.save(tracker)  # no events: no database work at all
    assert statements == []
    for text in ("hi", "where is my parcel", "thanks"):
        tracker.update(ActionExecuted("action_listen"))
        tracker.update(UserUttered(text, {"name": "greet", "confidence": 1.0}))
    await store.save(tracker)
    store.engine.dispose()
    # One count, one executemany for the six events (Rasa: a count and six INSERTs).
    assert [s.split()[0] for s in statements] == ["SELECT", "INSERT"]


# --- event classes by name -----------------------------------------------------------------


def test_event_classes_are_found_by_name_as_rasa_finds_them() -> None:
    from rasa.shared.core.events import Event, SlotSet, UserUttered
    from rasa.shared.utils.common import all_subclasses

    names = {cls.type_name for cls in all_subclasses(Event)}
    expected = {name: Event.resolve_by_type(name) for name in names}
    rasa_patches.apply()
    try:
        for _ in range(2):  # a miss, then the remembered class
            assert {name: Event.resolve_by_type(name) for name in names} == expected
        assert Event.resolve_by_type("slot") is SlotSet
        assert Event.resolve_by_type("topic") is None
        assert Event.resolve_by_type("no_such_event", UserUttered) is UserUttered
        with pytest.raises(ValueError, match="Unknown event name 'no_such_event'"):
            Event.resolve_by_type("no_such_event")
        serialised = [{"event": "slot", "name": "tracking_number", "value": "RR123456785CN"}]
        from rasa.shared.core.events import deserialise_events

        assert deserialise_events(serialised) == [SlotSet("tracking_number", "RR123456785CN")]
    finally:
        rasa_patches.revert()
    assert "__init_subclass__" not in Event.__dict__
    assert not getattr(Event.resolve_by_type, "parceldesk_patched", False)


def test_an_event_class_defined_later_is_found(patched: None) -> None:
    from rasa.shared.core.events import ActionExecuted, Event

    assert Event.resolve_by_type("action") is ActionExecuted
    assert rasa_patches._event_classes == {"action": ActionExecuted}  # remembered
    with pytest.raises(ValueError):
        Event.resolve_by_type("parceldesk_guard_event")

    class GuardEvent(ActionExecuted):
        type_name = "parceldesk_guard_event"

    # A new class could come first in Rasa's walk for any name: everything is forgotten.
    assert rasa_patches._event_classes == {}
    assert Event.resolve_by_type("parceldesk_guard_event") is GuardEvent
    assert Event.resolve_by_type("action") is ActionExecuted


def test_resolving_an_event_name_does_not_walk_the_subclasses_again(
    patched: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import rasa.shared.utils.common
    from rasa.shared.core.events import Event, SlotSet

    assert Event.resolve_by_type("slot") is SlotSet
    walks: list[object] = []
    original = rasa.shared.utils.common.all_subclasses
    monkeypatch.setattr(
        rasa.shared.utils.common, "all_subclasses", lambda c: walks.append(c) or original(c)
    )
    for _ in range(3):
        assert Event.resolve_by_type("slot") is SlotSet
    assert walks == []
