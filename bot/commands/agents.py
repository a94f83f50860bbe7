"""`parceldesk agents add|list|disable`: support agents who log in to the staff console."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys

from bot.config import Settings
from bot.conversations import agents


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION")
    add = sub.add_parser("add", help="create an agent (asks for a password)")
    add.add_argument("name", help="the name the agent logs in with (shown to buyers)")
    add.add_argument("--admin", action="store_true", help="the agent may manage others")
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of stdin instead of asking",
    )
    sub.add_parser("list", help="list agents")
    disable = sub.add_parser("disable", help="disable an agent and end their console logins")
    disable.add_argument("name")


def _read_password(from_stdin: bool) -> str:
    """From stdin (first line, for scripts) or asked twice without echo."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat the password: ") != first:
        raise ValueError("the passwords do not match")
    return first


async def _run(settings: Settings, args: argparse.Namespace, password: str | None) -> str:
    """Do the action in one transaction; returns what to print."""
    from bot.storage.db import make_engine, make_sessionmaker

    engine = make_engine(settings.database_url)
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            if args.action == "add":
                agent = await agents.add(
                    args.name, password or "", session=session, admin=args.admin
                )
                return f"added agent {agent.name}" + (" (admin)" if agent.is_admin else "")
            if args.action == "disable":
                await agents.disable(args.name, session=session)
                return f"disabled agent {args.name}; their console sessions have ended"
            rows = await agents.listing(session=session)
            if not rows:
                return "no agents yet (add one with: parceldesk agents add NAME)"
            lines = []
            for agent in rows:
                state = "disabled" if agent.disabled else "active"
                role = "admin" if agent.is_admin else "agent"
                seen = agent.last_seen_at
                seen = seen.isoformat(timespec="seconds") if seen else "never"
                lines.append(f"{agent.name}\t{role}\t{state}\tlast seen {seen}")
            return "\n".join(lines)
    finally:
        await engine.dispose()


def main(args: argparse.Namespace) -> int:
    """Exit 0 on success, 1 for a refused action (exists, unknown, weak password), 2 for usage."""
    if args.action not in ("add", "list", "disable"):
        print("usage: parceldesk agents add|list|disable ...", file=sys.stderr)
        return 2
    settings = Settings.from_env()
    from bot.storage.migrate import upgrade

    upgrade(settings.database_url)
    try:
        password = _read_password(args.password_stdin) if args.action == "add" else None
        print(asyncio.run(_run(settings, args, password)))
    except agents.AgentExists as exc:
        print(f"parceldesk agents: an agent named {exc} already exists", file=sys.stderr)
        return 1
    except agents.NoSuchAgent as exc:
        print(f"parceldesk agents: no agent named {exc}", file=sys.stderr)
        return 1
    except (ValueError, EOFError) as exc:
        print(f"parceldesk agents: {exc or 'no password given'}", file=sys.stderr)
        return 1
    return 0
