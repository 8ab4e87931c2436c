"""The server's handle on one worker process: start, run a command, interrupt, kill.

The worker gets one end of a socketpair; every frame it sends is bounded and parsed as JSON
(``protocol``), so a misbehaving worker can only fail its own command. Its stdout/stderr at the
file-descriptor level go to the context's log file.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from local_workspace.contexts import protocol

ROOT = Path(__file__).resolve().parents[2]  # makes local_workspace importable in the worker
START_TIMEOUT_SECONDS = 60.0
_BOOTSTRAP = (
    "import sys; sys.path.insert(0, {root!r}); "
    "import local_workspace.contexts.worker as w; sys.path.remove({root!r}); w.main()"
)

Handler = Callable[[dict[str, Any], bytes], tuple[dict[str, Any], bytes]]


class WorkerProcess:
    """A started worker; ``run`` is called from one thread at a time."""

    def __init__(self, python: Path, config: dict[str, Any], log_file: Path) -> None:
        ours, theirs = socket.socketpair()
        command = [str(python), "-c", _BOOTSTRAP.format(root=str(ROOT))]
        command += ["--fd", str(theirs.fileno()), "--config", json.dumps(config)]
        with open(log_file, "ab") as log:
            self.process = subprocess.Popen(
                command,
                pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                cwd=config["cwd"],
                start_new_session=True,  # a Ctrl-C at the server's terminal is not for workers
            )
        theirs.close()
        self.sock = ours
        self._await_ready()

    @property
    def pid(self) -> int:
        return self.process.pid

    def run(self, command_id: str, code: str, handle: Handler) -> dict[str, Any]:
        """Send a command, answer its requests with ``handle``, return its result frame.

        Raises protocol.ChannelClosed if the worker dies, ProtocolError if it misbehaves.
        """
        protocol.send(self.sock, {"type": "command", "id": command_id, "code": code})
        while True:
            header, payload = protocol.receive(self.sock)
            if header.get("type") == "result" and header.get("id") == command_id:
                return header
            if header.get("type") == "request":
                reply, data = handle(header, payload)
                protocol.send(self.sock, {**reply, "type": "reply", "id": header.get("id")}, data)

    def interrupt(self) -> None:
        """SIGINT: KeyboardInterrupt in the running user code."""
        self._signal(signal.SIGINT)

    def kill(self) -> None:
        """Stop the worker for good (and everything it started in its session)."""
        self._signal(signal.SIGKILL, group=True)
        self.sock.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)

    def _signal(self, signum: int, group: bool = False) -> None:
        if self.process.poll() is not None:
            return
        try:
            if group:
                os.killpg(self.process.pid, signum)
            else:
                os.kill(self.process.pid, signum)
        except ProcessLookupError:
            pass

    def _await_ready(self) -> None:
        self.sock.settimeout(START_TIMEOUT_SECONDS)
        try:
            header, _ = protocol.receive(self.sock)
        except (protocol.ChannelClosed, protocol.ProtocolError, TimeoutError) as error:
            self.kill()
            raise WorkerStartError(f"the Python worker did not start: {error}") from error
        finally:
            if self.sock.fileno() >= 0:
                self.sock.settimeout(None)
        if header.get("type") != "ready":
            self.kill()
            raise WorkerStartError(f"the Python worker sent {header.get('type')!r} first")


class WorkerStartError(RuntimeError):
    """The worker process failed to start (see the context's log file)."""
