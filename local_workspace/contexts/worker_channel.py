"""The worker's end of the channel: one request at a time, replies matched by id.

SIGINT (how the server cancels a command) is blocked while a frame is in flight, so a cancel
never cuts a frame in half; it is delivered as KeyboardInterrupt right after the call returns.
"""

from __future__ import annotations

import itertools
import signal
import socket
from typing import Any

from local_workspace.contexts import protocol


class WorkerChannel:
    """Requests from the worker to the server (``spark`` calls) and command results back."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self._ids = itertools.count(1)

    def call(self, header: dict[str, Any], payload: bytes = b"") -> tuple[dict[str, Any], bytes]:
        """Send a request and wait for its reply (stale replies of interrupted calls skipped)."""
        request_id = next(self._ids)
        with sigint_blocked():
            protocol.send(self.sock, {**header, "type": "request", "id": request_id}, payload)
            while True:
                reply, data = protocol.receive(self.sock)
                if reply.get("type") == "reply" and reply.get("id") == request_id:
                    return reply, data

    def send(self, header: dict[str, Any], payload: bytes = b"") -> None:
        with sigint_blocked():
            protocol.send(self.sock, header, payload)

    def next_command(self) -> dict[str, Any]:
        """Block until the server sends a command (skipping replies nobody waits for)."""
        with sigint_blocked():
            while True:
                header, _ = protocol.receive(self.sock)
                if header.get("type") == "command":
                    _discard_pending_sigint()  # a cancel that raced the previous command's end
                    return header


class sigint_blocked:
    """Defer SIGINT for the duration of the block."""

    def __enter__(self) -> None:
        self._previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})

    def __exit__(self, *exc_info: object) -> None:
        signal.pthread_sigmask(signal.SIG_SETMASK, self._previous)


def _discard_pending_sigint() -> None:
    if signal.SIGINT in signal.sigpending():
        signal.sigwait({signal.SIGINT})
