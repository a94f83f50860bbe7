"""Helpers for the widget's browser tests: a shop page on another origin (a tiny HTTP server on
`localhost`), Chromium, and pushes into a conversation the way the notifier does."""

from __future__ import annotations

import asyncio
import html
import json
import os
import shutil
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.support.requirements import missing

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Screenshots go to $SHOTS_DIR when set, else var/shots/widget in the checkout (git-ignored).
SHOTS = Path(
    os.environ.get("SHOTS_DIR") or Path(__file__).resolve().parents[2] / "var" / "shots" / "widget"
)


def require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        missing(f"Chromium not installed at {CHROMIUM} (make test installs it when it can)")


def shop_page(gateway: str, settings: dict[str, Any] | None = None, calls: str = "") -> str:
    """A shop's page with the snippet pasted in: settings object, queue stub, async script.
    `calls` runs before the widget script loads (they must be queued, not lost)."""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Test shop</title></head><body>
<main><h1>Test shop</h1><p>Orders and things.</p>
<button type="button" id="wismo">Where is my parcel?</button></main>
<script>
window.ParcelDeskSettings = {json.dumps(settings or {})};
window.ParcelDesk = window.ParcelDesk || {{ q: [] }};
["open","close","toggle","setUser","setLocale","track","on"].forEach(function (m) {{
  window.ParcelDesk[m] = window.ParcelDesk[m] || function () {{
    window.ParcelDesk.q.push([m, [].slice.call(arguments)]); }};
}});
window.seen = [];
window.ParcelDesk.on("message", function (m) {{ window.seen.push(m); }});
{calls}
document.getElementById("wismo").addEventListener("click", function () {{
  window.ParcelDesk.track("RR123456785CN"); }});
</script>
<script src="{html.escape(gateway)}/widget.js" async></script>
</body></html>"""


@contextmanager
def shop_server(port: int, pages: dict[str, str]) -> Iterator[str]:
    """Serve `pages` (path -> HTML) on 127.0.0.1:`port`; the browser calls it `localhost`."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path.split("?")[0])
            if body is None:
                self.send_error(404)
                return
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{port}"
    finally:
        server.shutdown()
        server.server_close()


def conversation_with(database: Path, text: str) -> str:
    """The conversation in which a buyer wrote `text`."""
    with sqlite3.connect(database) as conn:
        row = conn.execute(
            "select conversation_id from messages where sender = 'buyer' and text = ? "
            "order by id desc limit 1",
            (text,),
        ).fetchone()
    assert row, f"no buyer message {text!r}"
    return str(row[0])


def count_messages(database: Path, conversation_id: str, text: str) -> int:
    with sqlite3.connect(database) as conn:
        row = conn.execute(
            "select count(*) from messages where conversation_id = ? and text = ?",
            (conversation_id, text),
        ).fetchone()
    return int(row[0])


def bot_messages_mentioning(database: Path, conversation_id: str, text: str) -> int:
    """Bot messages to the buyer in the conversation whose text contains `text`."""
    with sqlite3.connect(database) as conn:
        row = conn.execute(
            "select count(*) from messages where conversation_id = ? and sender = 'bot' "
            "and kind = 'message' and text like ?",
            (conversation_id, f"%{text}%"),
        ).fetchone()
    return int(row[0])


def what_happened(frame: Any, database: Path, text: str, log: str) -> str:
    """Evidence for a failed wait on an answer: what the chat shows, what the database holds
    for the conversation in which the buyer wrote `text`, and the end of the stack's log."""
    try:
        shown = frame.get_by_role("log").inner_text(timeout=2_000)
    except Exception as exc:  # the evidence must not hide the failure it explains
        shown = f"(chat log unreadable: {exc})"
    with sqlite3.connect(database) as conn:
        rows = conn.execute(
            "select m.seq, m.sender, m.kind, m.status, m.error, substr(m.text, 1, 90), "
            "c.status, c.language from messages m join conversations c "
            "on c.id = m.conversation_id where m.conversation_id in "
            "(select conversation_id from messages where sender = 'buyer' and text = ?) "
            "order by m.id",
            (text,),
        ).fetchall()
    stored = "\n".join(" | ".join(str(v) for v in row) for row in rows) or "(nothing stored)"
    tail = "\n".join(log.splitlines()[-40:])
    return f"chat shows:\n{shown}\n\nstored:\n{stored}\n\nstack log (end):\n{tail}"


def push(
    database: Path,
    conversation_id: str,
    body: str,
    *,
    sender: str = "bot",
    buttons: Sequence[tuple[str, str]] = (),
) -> None:
    """Store a message for the buyer through the real Outbox (what the notifier and the desk
    use), from this process: the gateway's tab reads it from the log."""
    from bot.conversations.bus import MemoryBus
    from bot.conversations.outbox import Outbox
    from bot.conversations.replies import Button, Reply
    from bot.storage.db import make_engine, make_sessionmaker

    async def run() -> None:
        engine = make_engine(f"sqlite+aiosqlite:///{database}")
        try:
            outbox = Outbox(sessionmaker=make_sessionmaker(engine), bus=MemoryBus())
            reply = Reply(body, tuple(Button(t, p) for t, p in buttons))
            await outbox.push(conversation_id, [reply], sender=sender)
        finally:
            await engine.dispose()

    off_the_browser_thread(lambda: asyncio.run(run()))


def off_the_browser_thread(work: Callable[[], object]) -> None:
    """Run `work` in another thread and wait for it: Playwright's sync API owns this thread's
    event loop. Its exception is raised here."""
    errors: list[BaseException] = []

    def target() -> None:
        try:
            work()
        except BaseException as exc:  # re-raised in the test's thread
            errors.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(60)
    if errors:
        raise errors[0]


@contextmanager
def chromium() -> Iterator[Any]:
    """Headless Chromium driven by Playwright, closed afterwards."""
    from playwright.sync_api import sync_playwright

    require_chromium()
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield launched
        finally:
            launched.close()


def type_and_send(frame: Any, label: str, text: str) -> None:
    """Click the chat's composer (the textbox named `label`), type `text` and press Enter, as a
    buyer would, and wait until the chat shows it as the buyer's message.

    In full runs headless Chromium sometimes delivers no input at all to a page: not the
    click's focus, not a fill's text, not a key press (the box, watched from inside the frame,
    gets no event; scripts still run and the socket still works). It struck one to three tests
    in most runs of the e2e modules, never a module alone, and bringing the page to the front
    or typing key by key did not revive it. Then, and only then, the text is put in the box and
    the form submitted from the frame's own script: the widget's submit path, socket and
    rendering are what those tests are about, and the log says that the fallback was used.
    Each step is checked by what the page then shows and repeated only when it did not happen,
    so nothing is ever sent twice: only the widget's submit handler empties a box that held
    the text."""
    from playwright.sync_api import expect

    box = frame.get_by_role("textbox", name=label, exact=True)
    _watch_input(box)
    box.click()
    box.fill(text)
    try:
        expect(box).to_have_value(text, timeout=3_000)
        typed = True
    except AssertionError:
        print(
            f"type_and_send: no input reached the page ({_focus(box)}); "
            "typing through the frame's DOM",
            file=sys.stderr,
        )
        box.evaluate(_DOM_TYPE, text)
        expect(box).to_have_value(text, timeout=5_000)
        typed = False
    if typed:
        box.press("Enter")
        try:
            expect(box).to_have_value("", timeout=5_000)
        except AssertionError:
            print(f"type_and_send: Enter did not reach the box ({_focus(box)})", file=sys.stderr)
            typed = False
    if not typed:
        box.evaluate("el => el.form.requestSubmit()")
    expect(box).to_have_value("", timeout=45_000)
    shown = text[:4000].split("\n")[0].strip()[:200]
    expect(frame.get_by_role("log").locator("li.msg.buyer", has_text=shown).last).to_be_visible()


# What a keyboard would do to the box: its value, then the input event the widget listens to.
_DOM_TYPE = (
    "(el, text) => { el.value = text; el.dispatchEvent(new InputEvent('input',"
    " {bubbles: true, inputType: 'insertText', data: text})); }"
)


def _watch_input(box: Any) -> None:
    """Record the input events the composer gets, for the log of a lost input."""
    box.evaluate(
        "el => { if (el.__seen) return; el.__seen = [];"
        " ['keydown', 'beforeinput', 'input', 'compositionstart', 'compositionend', 'focus',"
        " 'blur'].forEach(t => el.addEventListener(t, () => el.__seen.push(t), true)); }"
    )


def _focus(box: Any) -> str:
    """Where the chat frame's focus is, for the log of a lost input."""
    try:
        return str(
            box.evaluate(
                "el => ({frameFocused: document.hasFocus(), active: document.activeElement &&"
                " document.activeElement.id, disabled: el.disabled,"
                " activated: navigator.userActivation && navigator.userActivation.hasBeenActive,"
                " visible: document.visibilityState, events: (el.__seen || []).slice(-12)})"
            )
        )
    except Exception as exc:  # evidence only: never hide the failure it explains
        return f"(unreadable: {exc})"
