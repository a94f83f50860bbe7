"""`parceldesk agents add|list|disable` on a real SQLite database."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest

from bot.cli import main
from bot.conversations import agents
from bot.storage.db import make_engine, make_sessionmaker


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'agents.db'}"
    monkeypatch.setenv("PARCELDESK_DATABASE_URL", url)
    return url


def _stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


async def _login(url: str, name: str, password: str) -> agents.Login | None:
    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            agent = await agents.authenticate(name, password, session=session)
            return await agents.start_session(agent, session=session) if agent else None
    finally:
        await engine.dispose()


async def _session_alive(url: str, token: str) -> bool:
    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine)() as session:
            return await agents.resolve_session(token, session=session) is not None
    finally:
        await engine.dispose()


def test_it_adds_an_agent_who_can_then_log_in(database, monkeypatch, capsys) -> None:
    _stdin(monkeypatch, "correct horse battery\n")

    code = main(["agents", "add", "ana", "--admin", "--password-stdin"])

    assert code == 0
    assert "added agent ana (admin)" in capsys.readouterr().out
    assert asyncio.run(_login(database, "ana", "correct horse battery")) is not None
    assert asyncio.run(_login(database, "ana", "wrong password")) is None


def test_it_asks_for_the_password_twice_without_echo(database, monkeypatch, capsys) -> None:
    answers = iter(["s3cret-pass", "s3cret-pass"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))

    assert main(["agents", "add", "bo"]) == 0
    assert asyncio.run(_login(database, "bo", "s3cret-pass")) is not None


def test_it_refuses_mismatched_passwords(database, monkeypatch, capsys) -> None:
    answers = iter(["s3cret-pass", "other-pass"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))

    assert main(["agents", "add", "bo"]) == 1
    assert "do not match" in capsys.readouterr().err


def test_it_refuses_a_short_password_and_a_duplicate_name(database, monkeypatch, capsys) -> None:
    _stdin(monkeypatch, "short\n")
    assert main(["agents", "add", "ana", "--password-stdin"]) == 1
    assert "at least 8" in capsys.readouterr().err

    _stdin(monkeypatch, "long enough pass\n")
    assert main(["agents", "add", "ana", "--password-stdin"]) == 0
    _stdin(monkeypatch, "long enough pass\n")
    assert main(["agents", "add", "ana", "--password-stdin"]) == 1
    assert "already exists" in capsys.readouterr().err


def test_it_lists_agents_with_role_and_state(database, monkeypatch, capsys) -> None:
    assert main(["agents", "list"]) == 0
    assert "no agents yet" in capsys.readouterr().out
    for name, extra in (("ana", ["--admin"]), ("bo", [])):
        _stdin(monkeypatch, "long enough pass\n")
        main(["agents", "add", name, "--password-stdin", *extra])
    main(["agents", "disable", "bo"])
    capsys.readouterr()

    assert main(["agents", "list"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split("\t")[:3] == ["ana", "admin", "active"]
    assert lines[1].split("\t")[:3] == ["bo", "agent", "disabled"]


def test_it_disables_an_agent_and_ends_their_sessions(database, monkeypatch, capsys) -> None:
    _stdin(monkeypatch, "long enough pass\n")
    main(["agents", "add", "ana", "--password-stdin"])
    login = asyncio.run(_login(database, "ana", "long enough pass"))
    assert login is not None and asyncio.run(_session_alive(database, login.token))

    assert main(["agents", "disable", "ana"]) == 0

    assert not asyncio.run(_session_alive(database, login.token))
    assert asyncio.run(_login(database, "ana", "long enough pass")) is None
    assert main(["agents", "disable", "nobody"]) == 1
    assert "no agent named nobody" in capsys.readouterr().err
