"""Support agents: accounts (argon2 password hashes), console logins and their CSRF tokens.

A login creates a random session token for an HttpOnly cookie (only its SHA-256 is stored)
and a CSRF token the console sends in `X-CSRF-Token` on every state-changing request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Agent, AgentSession, utcnow

SESSION_LIFETIME = timedelta(hours=12)
_hasher = PasswordHasher()
# Verified against when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("parceldesk-no-such-agent")


class AgentExists(Exception):
    pass


class NoSuchAgent(Exception):
    pass


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def add(name: str, password: str, *, session: AsyncSession, admin: bool = False) -> Agent:
    """Create an agent. Names are case-sensitive and unique."""
    name = name.strip()
    if not name or len(name) > 191:
        raise ValueError("an agent name is 1 to 191 characters")
    if len(password) < 8:
        raise ValueError("a password has at least 8 characters")
    if await session.scalar(select(Agent.id).where(Agent.name == name)) is not None:
        raise AgentExists(name)
    agent = Agent(name=name, password_hash=_hasher.hash(password), is_admin=admin, disabled=False)
    session.add(agent)
    await session.flush()
    return agent


async def listing(*, session: AsyncSession) -> list[Agent]:
    return list((await session.execute(select(Agent).order_by(Agent.name))).scalars())


async def disable(name: str, *, session: AsyncSession) -> None:
    """Disable the agent and end every login it has."""
    agent = await session.scalar(select(Agent).where(Agent.name == name))
    if agent is None:
        raise NoSuchAgent(name)
    agent.disabled = True
    await session.execute(delete(AgentSession).where(AgentSession.agent_id == agent.id))


async def authenticate(name: str, password: str, *, session: AsyncSession) -> Agent | None:
    """The enabled agent with this name and password, else None (same cost either way)."""
    agent: Agent | None = await session.scalar(select(Agent).where(Agent.name == name))
    stored = agent.password_hash if agent is not None and agent.password_hash else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if agent is None or agent.disabled or not agent.password_hash:
        return None
    return agent


@dataclass(frozen=True)
class Login:
    token: str
    csrf_token: str
    agent: Agent


async def start_session(agent: Agent, *, session: AsyncSession) -> Login:
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        AgentSession(
            token_hash=token_digest(token),
            agent_id=agent.id,
            csrf_token=csrf,
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    await session.execute(update(Agent).where(Agent.id == agent.id).values(last_seen_at=now))
    return Login(token, csrf, agent)


async def end_session(token: str, *, session: AsyncSession) -> None:
    await session.execute(
        delete(AgentSession).where(AgentSession.token_hash == token_digest(token))
    )


async def resolve_session(token: str, *, session: AsyncSession) -> tuple[Agent, str] | None:
    """(agent, csrf token) for a live login of an enabled agent, else None."""
    if not token:
        return None
    row = (
        await session.execute(
            select(Agent, AgentSession.csrf_token, AgentSession.expires_at)
            .join(AgentSession, AgentSession.agent_id == Agent.id)
            .where(AgentSession.token_hash == token_digest(token))
        )
    ).first()
    if row is None:
        return None
    agent, csrf, expires_at = row
    if expires_at.tzinfo is None:  # SQLite returns naive datetimes
        from datetime import timezone

        expires_at = expires_at.replace(tzinfo=timezone.utc)
    if agent.disabled or expires_at < utcnow():
        return None
    return agent, csrf


def csrf_matches(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())


class LoginThrottle:
    """At most `limit` failed logins per name and per client address in `window` seconds.
    Per process: with several replicas each one counts on its own."""

    def __init__(self, limit: int = 5, window: float = 300.0) -> None:
        self._limit = limit
        self._window = window
        self._failures: defaultdict[str, deque[float]] = defaultdict(deque)

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures[key]
        while failures and now - failures[0] > self._window:
            failures.popleft()
        if not failures:
            self._failures.pop(key, None)
            return deque()
        return failures

    def retry_after(self, *keys: str) -> int:
        """Seconds to wait before another attempt is allowed (0 = allowed now)."""
        now = time.monotonic()
        wait = 0.0
        for key in keys:
            failures = self._recent(key, now)
            if len(failures) >= self._limit:
                wait = max(wait, self._window - (now - failures[0]))
        return int(wait) + 1 if wait else 0

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        for key in keys:
            self._failures[key].append(now)

    def succeeded(self, *keys: str) -> None:
        for key in keys:
            self._failures.pop(key, None)


async def seen(agent_id: int, *, session: AsyncSession) -> None:
    """Record that the agent's console is open now (a heartbeat); `Desk.agents_online` counts
    agents seen recently."""
    await session.execute(update(Agent).where(Agent.id == agent_id).values(last_seen_at=utcnow()))
