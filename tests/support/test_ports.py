"""Test servers' ports never come from the range the kernel picks source ports from."""

from __future__ import annotations

import socket

from tests.support import ports


def test_ports_are_below_the_ephemeral_range_distinct_and_bindable() -> None:
    given = [ports.free_port() for _ in range(50)]
    assert len(set(given)) == 50
    assert all(ports.LOWEST <= port < ports._ephemeral_start() for port in given)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", given[-1]))
