"""The connector run as a user runs it: `python main.py check|discover|read` on files."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from demo.process import ROOT, StepError, log_tail, python
from demo.protocol import ReadTally, message_error, parse_lines
from local_workspace.data_dir import ServerInfo, write_private

MAIN = str(ROOT / "main.py")
READ_BUFFER_BYTES = 1 << 16


def connector_config(
    server: ServerInfo, token: str, ca_bundle: Path, catalog: str, schemas: Iterable[str]
) -> dict:
    return {
        "host": server.url,
        "credentials": {"auth_type": "personal_access_token", "personal_access_token": token},
        "http_path": server.http_path,
        "ca_bundle_path": str(ca_bundle),
        "catalogs": [catalog],
        "include_schemas": list(schemas),
    }


def write_private_json(path: Path, data: dict) -> None:
    """Write `data` readable by its owner only (0600): the config holds a token."""
    write_private(path, json.dumps(data, indent=2) + "\n")


def _failure(command: str, code: int, messages: list[dict], stderr: str) -> StepError:
    errors = [error for error in map(message_error, messages) if error]
    reason = "; ".join(errors) if errors else f"exited with code {code}"
    return StepError(f"`{command}` failed: {reason}", "\n".join(stderr.splitlines()[-40:]))


def run_command(command: str, args: list[str], timeout: float) -> list[dict]:
    """Run a short connector command (check, discover) and return its messages."""
    try:
        completed = subprocess.run(
            python(MAIN, command, *args),
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        raise StepError(f"`{command}` did not finish in {timeout:.0f} s") from None
    messages = parse_lines(completed.stdout.splitlines())
    if completed.returncode != 0:
        raise _failure(command, completed.returncode, messages, completed.stderr)
    return messages


def _only(messages: list[dict], kind: str, command: str) -> dict:
    found = [message for message in messages if message.get("type") == kind]
    if not found:
        raise StepError(f"`{command}` printed no {kind} message")
    return found[-1]


def check(config_path: Path, timeout: float) -> str:
    """Run `check`; return its status, or raise StepError with the connector's message."""
    messages = run_command("check", ["--config", str(config_path)], timeout)
    status = _only(messages, "CONNECTION_STATUS", "check")["connectionStatus"]
    if status["status"] != "SUCCEEDED":
        raise StepError(f"check: {status['status']}: {status.get('message') or '(no message)'}")
    return status["status"]


def discover(config_path: Path, timeout: float) -> list[dict]:
    """Run `discover`; return the streams of its catalog."""
    messages = run_command("discover", ["--config", str(config_path)], timeout)
    streams = _only(messages, "CATALOG", "discover")["catalog"]["streams"]
    if not streams:
        raise StepError("discover found no streams; did seed-demo create main.demo?")
    return streams


def configured_catalog(streams: list[dict]) -> dict:
    """Every stream, full refresh, overwrite."""
    return {
        "streams": [
            {"stream": stream, "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}
            for stream in streams
        ]
    }


@dataclass
class ReadResult:
    tally: ReadTally
    seconds: float


def _stream_into(process: subprocess.Popen[bytes], tally: ReadTally, timeout: float) -> bool:
    """Feed stdout to `tally` line by line; return whether the watchdog had to kill the read."""
    expired = threading.Event()

    def expire() -> None:
        expired.set()
        process.kill()

    watchdog = threading.Timer(timeout, expire)
    watchdog.start()
    try:
        for line in process.stdout:
            tally.feed(line)
        process.wait()
    except BaseException:
        process.kill()
        raise
    finally:
        watchdog.cancel()
    return expired.is_set()


def read(config_path: Path, catalog_path: Path, stderr_path: Path, timeout: float) -> ReadResult:
    """Run `read`, counting records per stream as they stream by; never holds the output."""
    command = python(MAIN, "read", "--config", str(config_path), "--catalog", str(catalog_path))
    tally = ReadTally()
    started = time.monotonic()
    with stderr_path.open("wb") as stderr:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr,
            bufsize=READ_BUFFER_BYTES,
        )
        with process:
            timed_out = _stream_into(process, tally, timeout)
    seconds = time.monotonic() - started
    if timed_out:
        raise StepError(f"`read` did not finish in {timeout:.0f} s", log_tail(stderr_path))
    if process.returncode != 0 or tally.errors:
        reason = "; ".join(tally.errors) or f"exited with code {process.returncode}"
        raise StepError(f"`read` failed: {reason}", log_tail(stderr_path))
    return ReadResult(tally, seconds)
