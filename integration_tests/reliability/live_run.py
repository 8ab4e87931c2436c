"""A connector run read line by line while it runs, so a test can act mid-read (kill it, say).

    with LiveRun("read", config=config, catalog=catalog, state=state) as live:
        for message in live.messages():
            if ...: live.kill(); break
    live.stderr, live.returncode

Only complete lines count: a line the process was writing when it was killed is dropped, as a
destination reading the stream would have to. Like `run_connector`, it raises LeakedSecret when
stdout or stderr holds a secret of the config.
"""

from __future__ import annotations

import signal
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from integration_tests.connector_process import (
    LeakedSecret,
    config_secrets,
    connector_command,
    connector_env,
)


class LiveRun:
    """`main.py <command>` started with Popen; its stdout parsed as it arrives."""

    def __init__(self, command: str, **files: Any) -> None:
        self._tmp = tempfile.TemporaryDirectory()
        tmp = Path(self._tmp.name)
        self._secrets = config_secrets(files.get("config"))
        self._stderr_file = (tmp / "stderr").open("w+b")
        self._process = subprocess.Popen(
            connector_command(command, tmp, **files),
            stdout=subprocess.PIPE,
            stderr=self._stderr_file,
            env=connector_env(),
        )
        self.killed = False
        self.non_json_lines: list[bytes] = []
        self.errors: list[dict[str, Any]] = []  # the error traces, for failure messages
        self._secret_bytes = {name: value.encode() for name, value in self._secrets.items()}
        self._stderr_text = ""

    def __enter__(self) -> LiveRun:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def messages(self) -> Iterator[dict[str, Any]]:
        """Each protocol message as soon as its line is complete; ends when stdout does."""
        assert self._process.stdout is not None
        for line in self._process.stdout:
            if not line.endswith(b"\n"):
                return  # cut off by a kill
            for name, secret in self._secret_bytes.items():
                if secret in line:
                    raise LeakedSecret(f"the config's {name} is in the connector's stdout")
            try:
                message = orjson.loads(line)
            except orjson.JSONDecodeError:
                self.non_json_lines.append(line)
                continue
            if message.get("type") == "TRACE" and message["trace"].get("type") == "ERROR":
                self.errors.append(message["trace"]["error"])
            yield message

    def kill(self) -> None:
        """SIGKILL: no chance to flush, close a connection or say goodbye."""
        self._process.send_signal(signal.SIGKILL)
        self.killed = True

    @property
    def pid(self) -> int:
        return self._process.pid

    def wait(self, timeout: float = 600) -> int:
        return self._process.wait(timeout)

    @property
    def returncode(self) -> int | None:
        return self._process.returncode

    @property
    def stderr(self) -> str:
        if self._stderr_file.closed:
            return self._stderr_text
        self._stderr_file.seek(0)
        return self._stderr_file.read().decode("utf-8", errors="replace")

    def close(self) -> None:
        """Kill the process if it still runs, check its stderr for secrets, clean up."""
        if self._process.poll() is None:
            self.kill()
        self._process.wait()
        assert self._process.stdout is not None
        self._process.stdout.close()
        self._stderr_text = self.stderr
        self._stderr_file.close()
        self._tmp.cleanup()
        for name, secret in self._secrets.items():
            if secret in self._stderr_text:
                raise LeakedSecret(f"the config's {name} is in the connector's stderr")
