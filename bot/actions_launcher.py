"""Start the action server so that only Rasa can call it: `python -m bot.actions_launcher -p
PORT`. rasa_sdk's own server accepts any caller (and any web page, with CORS `*`); this one
binds to 127.0.0.1, sends no CORS headers, and answers `/webhook` and `/nlg` only when the
request carries `?token=<PARCELDESK_INTERNAL_TOKEN>` (Rasa adds it from the endpoints'
`token`). The token comes from the environment, never from a command line."""

from __future__ import annotations

import argparse
import hmac
import os
from typing import Any

TOKEN_ENV = "PARCELDESK_INTERNAL_TOKEN"
OPEN_PATHS = ("/health",)


def build_app(token: str, actions: str = "actions") -> Any:
    from sanic import response

    from bot.actions_server import build_app as actions_and_nlg

    # rasa_sdk's app plus POST /nlg (Rasa's responses in the buyer's language).
    app = actions_and_nlg(actions)

    @app.on_request
    async def only_rasa(request: Any) -> Any:
        if request.path in OPEN_PATHS:
            return None
        given = request.args.get("token") or ""
        if not token or not hmac.compare_digest(given.encode(), token.encode()):
            return response.json({"error": "only Rasa may call the action server"}, status=401)
        return None

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-p", "--port", type=int, default=5055)
    parser.add_argument("--actions", default="actions")
    args = parser.parse_args()
    token = os.environ.get(TOKEN_ENV, "")
    if not token:
        raise SystemExit(f"{TOKEN_ENV} is not set: refusing to serve actions to anyone")
    app = build_app(token, args.actions)
    app.run("127.0.0.1", args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
