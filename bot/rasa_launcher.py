"""Start Rasa with ParcelDesk's patches applied: `python -m bot.rasa_launcher run ...`.

Takes exactly the arguments of the `rasa` command line (`parceldesk run` passes
`run --enable-api ...`); the only difference is `bot.rasa_patches.apply()` before Rasa starts.
Rasa 3.6 serves with one Sanic worker in this process, so the patch covers every request.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    from bot import rasa_patches

    rasa_patches.apply()
    from rasa.__main__ import main as rasa_main

    # Rasa's own parser reads sys.argv; the program name is only used in its help text.
    args = list(sys.argv[1:] if argv is None else argv)
    token = os.environ.get("PARCELDESK_RASA_TOKEN", "")
    if token and args[:1] == ["run"]:
        # Given here, not by the parent: a command line is readable by anyone on the host.
        args.append(f"--auth-token={token}")
    sys.argv = ["rasa", *args]
    rasa_main()


if __name__ == "__main__":
    main()
