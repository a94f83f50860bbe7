"""Free TCP ports on loopback for servers started by tests.

A port is picked now and bound later, sometimes many seconds later (`parceldesk run` starts
the gateway after Rasa has loaded its model). A port from the kernel's ephemeral range (what
`bind(0)` hands out) can meanwhile become the source port of any outgoing connection, and the
server then fails with "address already in use" (seen in a full run: a Telegram test stack's
gateway). So ports come from below that range, where the kernel never picks source ports, and
no port is handed out twice in one test process.
"""

from __future__ import annotations

import random
import socket
from pathlib import Path

LOWEST = 20000
_given: set[int] = set()


def _ephemeral_start() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768  # Linux's default


def _bindable(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    top = _ephemeral_start()
    if top - LOWEST > 100:
        for _ in range(200):
            port = random.randrange(LOWEST, top)
            if port not in _given and _bindable(port):
                _given.add(port)
                return port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    _given.add(port)
    return port
