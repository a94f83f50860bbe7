"""The action server with the NLG endpoint: `python -m bot.actions_server -p PORT`.

rasa_sdk's own app (the `actions` package at `/webhook`, `/health`, `/actions`) plus
`POST /nlg`, which words Rasa's responses from the catalogue (bot/nlg.py). Served here rather
than by the gateway: Rasa already depends on the action server, so no new dependency (and no
gateway -> Rasa -> gateway cycle); wording is a dictionary look-up, under a millisecond.
"""

from __future__ import annotations

import argparse
import logging
import os

from rasa_sdk.endpoint import create_app
from sanic import Sanic, response
from sanic.request import Request

from bot import nlg
from bot.storage.db import dispose_engines

log = logging.getLogger(__name__)


def build_app(actions: str = "actions") -> Sanic:
    # No CORS: nothing in a browser has business here (bot.actions_launcher adds the token).
    app = create_app(actions, cors_origins=[])

    async def generate(request: Request) -> response.HTTPResponse:
        body = request.json or {}
        return response.json(nlg.render(body))

    app.add_route(generate, "/nlg", methods=["POST"])

    async def close_databases(_app: Sanic, _loop: object) -> None:
        await dispose_engines()

    app.register_listener(close_databases, "after_server_stop")
    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bot.actions_server")
    parser.add_argument("--actions", default="actions")
    parser.add_argument("-p", "--port", type=int, default=5055)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    app = build_app(args.actions)
    host = os.environ.get("SANIC_HOST", "0.0.0.0")
    app.run(host, args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
