"""A context's worker process: ``python -c ... local_workspace.contexts.worker.main()``.

Started by the server with one end of a socketpair (``--fd``) and a JSON config (``--config``:
mounts, working directory, parent pid). It dies with the server (PR_SET_PDEATHSIG), keeps SIGINT
blocked except while user code runs, and answers each command with one result frame.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import signal
import socket
import sys
from typing import Any

from local_workspace.contexts.repl import Repl
from local_workspace.contexts.spark_proxy import SparkSession
from local_workspace.contexts.worker_channel import WorkerChannel
from local_workspace.contexts.workspace_paths import PathMap, install

_PR_SET_PDEATHSIG = 1


def main(argv: list[str] | None = None) -> None:
    """Serve commands until the channel closes."""
    args = _arguments(argv)
    config = json.loads(args.config)
    _die_with_parent(int(config["parent_pid"]))
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    install(PathMap(config["mounts"]))
    os.chdir(config["cwd"])
    sys.path[:0] = [p for p in config.get("sys_path", []) if p not in sys.path]
    channel = WorkerChannel(socket.socket(fileno=args.fd))
    _serve(channel, Repl(SparkSession(channel)))


def _serve(channel: WorkerChannel, repl: Repl) -> None:
    channel.send({"type": "ready", "pid": os.getpid()})
    while True:
        command = channel.next_command()
        channel.send({"type": "result", "id": command["id"], **_run(repl, command["code"])})


def _run(repl: Repl, code: str) -> dict[str, Any]:
    try:
        return {"results": repl.run(code), "cancelled": False}
    except KeyboardInterrupt:
        return {"results": None, "cancelled": True}


def _die_with_parent(parent_pid: int) -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass  # not Linux: the server still kills workers when it stops normally
    if os.getppid() != parent_pid:
        os._exit(1)  # the server died before the death signal was armed


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="local_workspace.contexts.worker")
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--config", required=True)
    return parser.parse_args(argv)
